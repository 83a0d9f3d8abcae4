/*
 * The map's camera: data coordinates <-> screen pixels (y up in data, down
 * on screen), pan by a drag, zoom by a factor anchored at a screen point.
 * Pure functions on small objects (the renderer keeps one camera and
 * replaces it; nothing here touches the DOM).
 */

/** [x_min, x_max, y_min, y_max] in data coordinates. */
export type Bounds = [number, number, number, number];

export interface ICamera {
  /** The data point at the centre of the view. */
  cx: number;
  cy: number;
  /** Screen pixels per data unit, horizontally and vertically. */
  kx: number;
  ky: number;
  /** The view's size in CSS pixels. */
  width: number;
  height: number;
}

/** A camera showing `bounds` in a `width` × `height` view with `pad` pixels of margin. */
export function fit(
  bounds: Bounds,
  width: number,
  height: number,
  pad = 12
): ICamera {
  const [x0, x1, y0, y1] = bounds;
  const w = Math.max(1, width - 2 * pad);
  const h = Math.max(1, height - 2 * pad);
  const dx = x1 > x0 ? x1 - x0 : 1;
  const dy = y1 > y0 ? y1 - y0 : 1;
  return {
    cx: (x0 + x1) / 2,
    cy: (y0 + y1) / 2,
    kx: w / dx,
    ky: h / dy,
    width,
    height
  };
}

/** The same view in a new size (the centre and scale stay). */
export function resize(cam: ICamera, width: number, height: number): ICamera {
  return { ...cam, width, height };
}

export function toScreenX(cam: ICamera, x: number): number {
  return (x - cam.cx) * cam.kx + cam.width / 2;
}

export function toScreenY(cam: ICamera, y: number): number {
  return cam.height / 2 - (y - cam.cy) * cam.ky;
}

export function toDataX(cam: ICamera, sx: number): number {
  return (sx - cam.width / 2) / cam.kx + cam.cx;
}

export function toDataY(cam: ICamera, sy: number): number {
  return (cam.height / 2 - sy) / cam.ky + cam.cy;
}

/** Move the view with the pointer: a drag of (dx, dy) screen pixels. */
export function panBy(cam: ICamera, dx: number, dy: number): ICamera {
  return { ...cam, cx: cam.cx - dx / cam.kx, cy: cam.cy + dy / cam.ky };
}

/**
 * Zoom by `factor` (> 1: in) keeping the data point under the screen point
 * (sx, sy) where it is. The scale stays within [minK, maxK] of the fitted one
 * when given.
 */
export function zoomAt(
  cam: ICamera,
  sx: number,
  sy: number,
  factor: number,
  limits?: { minScale: number; maxScale: number; base: ICamera }
): ICamera {
  let f = factor;
  if (limits) {
    const scale = cam.kx / limits.base.kx;
    const next = Math.min(limits.maxScale, Math.max(limits.minScale, scale * f));
    f = next / scale;
  }
  const x = toDataX(cam, sx);
  const y = toDataY(cam, sy);
  const kx = cam.kx * f;
  const ky = cam.ky * f;
  return {
    ...cam,
    kx,
    ky,
    cx: x - (sx - cam.width / 2) / kx,
    cy: y - (cam.height / 2 - sy) / ky
  };
}

/** The data rectangle the view shows (into `out` when given: no new array). */
export function visibleBounds(cam: ICamera, out?: Bounds): Bounds {
  const hw = cam.width / 2 / cam.kx;
  const hh = cam.height / 2 / cam.ky;
  const b = out ?? ([0, 0, 0, 0] as Bounds);
  b[0] = cam.cx - hw;
  b[1] = cam.cx + hw;
  b[2] = cam.cy - hh;
  b[3] = cam.cy + hh;
  return b;
}

/** Whether `inner` lies within `outer`. */
export function contains(outer: Bounds, inner: Bounds): boolean {
  return (
    inner[0] >= outer[0] &&
    inner[1] <= outer[1] &&
    inner[2] >= outer[2] &&
    inner[3] <= outer[3]
  );
}

/**
 * The clip-space transform of a camera for a vertex shader:
 * clip = data * scale + offset, written into `out` (4 numbers: sx, sy, ox, oy).
 */
export function clipTransform(cam: ICamera, out: Float32Array): Float32Array {
  const sx = (2 * cam.kx) / cam.width;
  const sy = (2 * cam.ky) / cam.height;
  out[0] = sx;
  out[1] = sy;
  out[2] = -cam.cx * sx;
  out[3] = -cam.cy * sy;
  return out;
}
