/*
 * The map's data as the kernel sends it: little-endian typed arrays in
 * base64 inside the JSON (symphony_lab/components/embedding.py). Every
 * length is checked against the count it claims.
 */
import { Bounds } from './camera';

/** Bytes of a base64 string (null when it is not base64). */
export function base64Bytes(text: unknown): Uint8Array | null {
  if (typeof text !== 'string') {
    return null;
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    out[i] = binary.charCodeAt(i);
  }
  return out;
}

/** Whether this machine stores numbers little-endian (typed arrays use its order). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function typed<T>(
  text: unknown,
  count: number,
  size: number,
  make: (buffer: ArrayBuffer, n: number) => T,
  swap: boolean
): T | null {
  const bytes = base64Bytes(text);
  if (!bytes || bytes.length !== count * size) {
    return null;
  }
  if (swap && size > 1 && !LITTLE_ENDIAN) {
    for (let i = 0; i < bytes.length; i += size) {
      bytes.subarray(i, i + size).reverse();
    }
  }
  return make(bytes.buffer as ArrayBuffer, count);
}

export const decodeFloat32 = (t: unknown, n: number): Float32Array | null =>
  typed(t, n, 4, (b, k) => new Float32Array(b, 0, k), true);
export const decodeUint32 = (t: unknown, n: number): Uint32Array | null =>
  typed(t, n, 4, (b, k) => new Uint32Array(b, 0, k), true);
export const decodeInt32 = (t: unknown, n: number): Int32Array | null =>
  typed(t, n, 4, (b, k) => new Int32Array(b, 0, k), true);
export const decodeFloat64 = (t: unknown, n: number): Float64Array | null =>
  typed(t, n, 8, (b, k) => new Float64Array(b, 0, k), true);
export const decodeUint8 = (t: unknown, n: number): Uint8Array | null =>
  typed(t, n, 1, (b, k) => new Uint8Array(b, 0, k), false);

/** Index labels of the points: numbers (int32/float64 arrays) or a list of cells. */
export type IndexLabels =
  | Int32Array
  | Float64Array
  | ReadonlyArray<string | number | boolean | null>
  | null;

export interface IPoints {
  count: number;
  x: Float32Array;
  y: Float32Array;
  /** Colour codes: categories 0..9, 10 "other", 0..254 along a ramp for numbers, 255 missing. */
  c: Uint8Array;
  index: IndexLabels;
}

export interface IRaster {
  width: number;
  height: number;
  bounds: Bounds;
  /** Points per pixel, row 0 at the top. */
  counts: Uint32Array;
  /** The colour code of each pixel (255: empty or missing). */
  color: Uint8Array;
  max: number;
}

function isObj(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseBounds(value: unknown): Bounds | null {
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    !value.every(v => typeof v === 'number' && Number.isFinite(v))
  ) {
    return null;
  }
  const [x0, x1, y0, y1] = value as number[];
  return x1 > x0 && y1 > y0 ? [x0, x1, y0, y1] : null;
}

function parseIndex(value: unknown, count: number): IndexLabels {
  if (!isObj(value)) {
    return null;
  }
  if (value.dtype === 'int32') {
    return decodeInt32(value.data, count);
  }
  if (value.dtype === 'float64') {
    return decodeFloat64(value.data, count);
  }
  if (value.dtype === 'list' && Array.isArray(value.data) && value.data.length === count) {
    return value.data.map(v =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
        ? v
        : null
    );
  }
  return null;
}

/** The points of the payload, or null when any array is missing or of the wrong length. */
export function parsePoints(value: unknown): IPoints | null {
  if (!isObj(value)) {
    return null;
  }
  const count = value.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    return null;
  }
  const x = decodeFloat32(value.x, count);
  const y = decodeFloat32(value.y, count);
  const c = decodeUint8(value.c, count);
  if (!x || !y || !c) {
    return null;
  }
  return { count, x, y, c, index: parseIndex(value.index, count) };
}

/** The density raster of the payload, or null. */
export function parseRaster(value: unknown): IRaster | null {
  if (!isObj(value)) {
    return null;
  }
  const { width, height } = value;
  if (
    typeof width !== 'number' ||
    typeof height !== 'number' ||
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width * height > 4096 * 4096
  ) {
    return null;
  }
  const bounds = parseBounds(value.bounds);
  const counts = decodeUint32(value.counts, width * height);
  const color = decodeUint8(value.color, width * height);
  if (!bounds || !counts || !color) {
    return null;
  }
  let max = 0;
  for (let i = 0; i < counts.length; i++) {
    max = counts[i] > max ? counts[i] : max;
  }
  return { width, height, bounds, counts, color, max };
}

/** The text of one point's index label. */
export function indexLabel(index: IndexLabels, i: number): string {
  if (!index || i < 0 || i >= index.length) {
    return `#${i}`;
  }
  const v = index[i];
  return v === null ? '∅' : String(v);
}
