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
