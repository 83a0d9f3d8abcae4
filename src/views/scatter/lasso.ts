/*
 * Lasso geometry: the polygon a pointer drew, made small enough to send
 * (a selection spec is at most 64 KB), and which points lie inside it (the
 * even-odd rule, the same as the kernel's).
 */

/** Whether (x, y) lies inside the polygon (flat [x0, y0, x1, y1, …]). */
export function pointInPolygon(
  x: number,
  y: number,
  polygon: ArrayLike<number>
): boolean {
  const n = polygon.length >> 1;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = polygon[2 * i];
    const ay = polygon[2 * i + 1];
    const bx = polygon[2 * j];
    const by = polygon[2 * j + 1];
    if (ay <= y !== by <= y && x < ax + ((y - ay) * (bx - ax)) / (by - ay)) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * Mark the points inside the polygon: out[i] = 1 inside, 0 outside. Points
 * outside the polygon's bounding box are rejected without the edge test.
 * Returns how many are inside.
 */
export function polygonMask(
  xs: Float32Array,
  ys: Float32Array,
  polygon: ArrayLike<number>,
  out: Uint8Array
): number {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < polygon.length; i += 2) {
    x0 = Math.min(x0, polygon[i]);
    x1 = Math.max(x1, polygon[i]);
    y0 = Math.min(y0, polygon[i + 1]);
    y1 = Math.max(y1, polygon[i + 1]);
  }
  let count = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    const hit =
      polygon.length >= 6 &&
      x >= x0 &&
      x <= x1 &&
      y >= y0 &&
      y <= y1 &&
      pointInPolygon(x, y, polygon);
    out[i] = hit ? 1 : 0;
    count += hit ? 1 : 0;
  }
  return count;
}

/**
 * A drawn path made fit to send: consecutive points closer than `minStep`
 * dropped, then every k-th point kept so that at most `maxPoints` remain.
 * Flat [x, y, …] in, pairs out.
 */
export function simplify(
  path: ArrayLike<number>,
  minStep: number,
  maxPoints: number
): Array<[number, number]> {
  const kept: Array<[number, number]> = [];
  for (let i = 0; i + 1 < path.length; i += 2) {
    const x = path[i];
    const y = path[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      continue;
    }
    const last = kept[kept.length - 1];
    if (!last || Math.hypot(x - last[0], y - last[1]) >= minStep) {
      kept.push([x, y]);
    }
  }
  if (kept.length <= maxPoints) {
    return kept;
  }
  const step = kept.length / maxPoints;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < maxPoints; i++) {
    out.push(kept[Math.floor(i * step)]);
  }
  return out;
}
