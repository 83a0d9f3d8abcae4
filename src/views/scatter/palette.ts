/*
 * Colours of the map from the JupyterLab theme (CSS variables), as one
 * 256-entry RGBA table indexed by a point's colour code: categories 0..9,
 * "other" 10, missing 255; numbers along a ramp over codes 0..254.
 */

/** The theme variables of the categories, in order. */
export const CATEGORY_VARIABLES = [
  '--jp-brand-color1',
  '--jp-warn-color1',
  '--jp-success-color1',
  '--jp-error-color1',
  '--jp-accent-color1',
  '--jp-brand-color3',
  '--jp-warn-color3',
  '--jp-success-color3',
  '--jp-error-color3',
  '--jp-accent-color3'
];
export const OTHER_VARIABLE = '--jp-layout-color4';
export const MISSING_VARIABLE = '--jp-border-color1';
/** Low to high along the ramp of numbers. */
export const RAMP_VARIABLES = ['--jp-brand-color3', '--jp-brand-color1', '--jp-warn-color0'];

export const OTHER = 10;
export const MISSING = 255;

/** Fallbacks (JupyterLab's light theme) when a variable is not set, e.g. in tests. */
const FALLBACK: { [name: string]: string } = {
  '--jp-brand-color1': '#1976d2',
  '--jp-warn-color1': '#f57c00',
  '--jp-success-color1': '#388e3c',
  '--jp-error-color1': '#d32f2f',
  '--jp-accent-color1': '#00897b',
  '--jp-brand-color3': '#bbdefb',
  '--jp-warn-color3': '#ffe0b2',
  '--jp-success-color3': '#c8e6c9',
  '--jp-error-color3': '#ffcdd2',
  '--jp-accent-color3': '#b2dfdb',
  '--jp-layout-color4': '#757575',
  '--jp-border-color1': '#bdbdbd',
  '--jp-warn-color0': '#e65100'
};

/** [r, g, b, a] in 0..1 of a CSS colour (hex or rgb[a]); null when not understood. */
export function parseColor(text: string): [number, number, number, number] | null {
  const s = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    let hex = m[1];
    if (hex.length === 3 || hex.length === 4) {
      hex = hex
        .split('')
        .map(ch => ch + ch)
        .join('');
    }
    if (hex.length !== 6 && hex.length !== 8) {
      return null;
    }
    const v = (i: number) => parseInt(hex.slice(i, i + 2), 16) / 255;
    return [v(0), v(2), v(4), hex.length === 8 ? v(6) : 1];
  }
  m = /^rgba?\(([^)]*)\)$/.exec(s);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(p => p.length > 0);
    if (parts.length < 3) {
      return null;
    }
    const channel = (p: string) =>
      p.endsWith('%') ? parseFloat(p) / 100 : parseFloat(p) / 255;
    const alpha = parts.length > 3 ? (parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3])) : 1;
    const out: [number, number, number, number] = [
      channel(parts[0]),
      channel(parts[1]),
      channel(parts[2]),
      alpha
    ];
    return out.every(Number.isFinite) ? out : null;
  }
  return null;
}

/** A theme variable's colour as seen from `element`, with a fallback. */
export function themeColor(
  element: Element | null,
  name: string
): [number, number, number, number] {
  let text = '';
  if (element && typeof getComputedStyle === 'function') {
    text = getComputedStyle(element).getPropertyValue(name);
  }
  return parseColor(text) ?? parseColor(FALLBACK[name] ?? '') ?? [0.5, 0.5, 0.5, 1];
}

export type PaletteKind = 'categorical' | 'continuous' | 'none';

/** The 256 × RGBA (0..255) table of a colour kind, read from the theme at `element`. */
export function buildPalette(element: Element | null, kind: PaletteKind): Uint8Array {
  const out = new Uint8Array(256 * 4);
  const put = (code: number, c: [number, number, number, number]) => {
    out[code * 4] = Math.round(c[0] * 255);
    out[code * 4 + 1] = Math.round(c[1] * 255);
    out[code * 4 + 2] = Math.round(c[2] * 255);
    out[code * 4 + 3] = Math.round(c[3] * 255);
  };
  const missing = themeColor(element, MISSING_VARIABLE);
  if (kind === 'continuous') {
    const stops = RAMP_VARIABLES.map(v => themeColor(element, v));
    for (let code = 0; code < 255; code++) {
      const t = (code / 254) * (stops.length - 1);
      const i = Math.min(stops.length - 2, Math.floor(t));
      const f = t - i;
      const a = stops[i];
      const b = stops[i + 1];
      put(code, [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f, 1]);
    }
  } else {
    const categories = CATEGORY_VARIABLES.map(v => themeColor(element, v));
    const other = themeColor(element, OTHER_VARIABLE);
    for (let code = 0; code < 255; code++) {
      put(code, kind === 'none' ? categories[0] : code < categories.length ? categories[code] : other);
    }
  }
  put(MISSING, missing);
  return out;
}

/** A palette entry as a CSS colour (for the legend). */
export function cssColor(palette: Uint8Array, code: number): string {
  const i = code * 4;
  return `rgb(${palette[i]}, ${palette[i + 1]}, ${palette[i + 2]})`;
}
