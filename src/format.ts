/*
 * Formatting helpers of the panel: pure functions, no DOM.
 */

const DEFAULT_LOCALE = 'en-US';

const integerFormats = new Map<string, Intl.NumberFormat>();

/** An integer with thousands separators: 1234567 -> "1,234,567". */
export function formatInteger(n: number, locale = DEFAULT_LOCALE): string {
  if (!Number.isFinite(n)) {
    return '?';
  }
  let format = integerFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    integerFormats.set(locale, format);
  }
  return format.format(n);
}

/**
 * A shape as "891 × 12" (thousands separators; "?" for an unknown
 * dimension; "scalar" for a 0-d array; "" when there is no shape).
 */
export function formatShape(
  shape: ReadonlyArray<number | null> | null | undefined,
  locale = DEFAULT_LOCALE
): string {
  if (!shape) {
    return '';
  }
  if (shape.length === 0) {
    return 'scalar';
  }
  return shape
    .map(n => (typeof n === 'number' ? formatInteger(n, locale) : '?'))
    .join(' × ');
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Bytes for humans, in powers of 1024: 512 -> "512 B", 1536 -> "1.5 KiB",
 * 10.3 MiB -> "10 MiB" (one decimal below 10 of a unit). "" for null.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
    return '';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) {
    return `${Math.round(value)} B`;
  }
  // 1023.96 KiB would round to "1024 KiB": move on to the next unit.
  if (Math.round(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text =
    value < 10 ? (Math.round(value * 10) / 10).toFixed(1) : Math.round(value);
  return `${String(text).replace(/\.0$/, '')} ${BYTE_UNITS[unit]}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A time of day as HH:MM:SS (local time, 24 h). "" for null. */
export function formatTime(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    return '';
  }
  const date = new Date(ms);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(
    date.getSeconds()
  )}`;
}

/** A duration in ms: 0.42 -> "0.4 ms", 1234 -> "1.2 s". "" for null. */
export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    return '';
  }
  if (ms < 1000) {
    return `${ms < 10 ? Math.round(ms * 10) / 10 : Math.round(ms)} ms`;
  }
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * The short name of a qualified type: "pandas.core.frame.DataFrame" ->
 * "DataFrame".
 */
export function shortType(type: string): string {
  const i = type.lastIndexOf('.');
  return i >= 0 && i < type.length - 1 ? type.slice(i + 1) : type;
}

/**
 * The public path of a qualified type: private modules (a part starting
 * with "_", as in "sklearn.ensemble._forest.RandomForestClassifier") are
 * left out, since packages re-export their classes from the public module:
 * "sklearn.ensemble.RandomForestClassifier". The last part (the class
 * itself) is always kept.
 */
export function publicType(type: string): string {
  const parts = type.split('.');
  if (parts.length < 2 || parts.some(part => part === '')) {
    return type;
  }
  const last = parts[parts.length - 1];
  const modules = parts.slice(0, -1).filter(part => !part.startsWith('_'));
  return [...modules, last].join('.');
}

/**
 * Split a message on Markdown-style backticks: "`income` in train" ->
 * [{code: true, text: "income"}, {code: false, text: " in train"}]. An
 * unpaired backtick is kept as text.
 */
export function splitTicks(
  text: string
): Array<{ text: string; code: boolean }> {
  const parts: Array<{ text: string; code: boolean }> = [];
  const re = /`([^`]+)`/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    if (match.index > last) {
      parts.push({ text: text.slice(last, match.index), code: false });
    }
    parts.push({ text: match[1], code: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) {
    parts.push({ text: text.slice(last), code: false });
  }
  return parts;
}

/**
 * A list of labels capped at `max` items: ["a", "b", "c"], 2 ->
 * "a, b, … (+1)".
 */
export function formatList(
  items: ReadonlyArray<string | number | boolean>,
  max = 10,
  total?: number | null
): string {
  const all =
    typeof total === 'number' ? Math.max(total, items.length) : items.length;
  const shown = items.slice(0, max).map(item => String(item));
  const rest = all - shown.length;
  return rest > 0
    ? `${shown.join(', ')}, … (+${formatInteger(rest)})`
    : shown.join(', ');
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(
  key: string,
  options: Intl.NumberFormatOptions
): Intl.NumberFormat {
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(DEFAULT_LOCALE, options);
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * A number for a chart or a table, short: 1234567 -> "1.23M", 39813.08 ->
 * "39.8K", 479.3427 -> "479.3", 0.01234 -> "0.0123", 1e-7 -> "1.0e-7",
 * integers below 10,000 as they are. "–" for null, NaN and infinities.
 */
export function formatNumber(n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    return '–';
  }
  const abs = Math.abs(n);
  if (abs >= 10000) {
    return numberFormat('compact', {
      notation: 'compact',
      maximumSignificantDigits: 3
    }).format(n);
  }
  if (Number.isInteger(n)) {
    return formatInteger(n);
  }
  if (abs < 0.001) {
    return n.toExponential(1);
  }
  return numberFormat('sig4', { maximumSignificantDigits: 4 }).format(n);
}

/**
 * A fraction (0 to 1) as a percentage: 0.394 -> "39.4%", 0.5 -> "50%",
 * 0.0004 -> "<0.1%", 0.9996 -> ">99.9%". "" for null.
 */
export function formatPercent(fraction: number | null | undefined): string {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) {
    return '';
  }
  if (fraction > 0 && fraction < 0.001) {
    return '<0.1%';
  }
  if (fraction < 1 && fraction > 0.999) {
    return '>99.9%';
  }
  const value = Math.round(fraction * 1000) / 10;
  return `${String(value.toFixed(1)).replace(/\.0$/, '')}%`;
}
