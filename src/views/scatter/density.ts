/*
 * Density images: the kernel's raster (counts and a colour code per pixel)
 * and a raster computed here at screen resolution from the points in view,
 * when there are more points than this machine draws fast. Buffers are kept
 * and reused: a frame allocates nothing.
 */
import { ICamera } from './camera';
import { MISSING } from './palette';

const LOG_TABLE_SIZE = 4096;
/** log1p of 0..4095: a frame's pixels look their opacity up instead of computing it. */
const LOG1P = Float32Array.from({ length: LOG_TABLE_SIZE }, (_, n) => Math.log1p(n));

/** Opacity of a pixel holding `count` of at most `max` points (log scale, never invisible). */
export function alphaFor(count: number, logMax: number): number {
  return count <= 0 ? 0 : 0.3 + (0.7 * Math.log1p(count)) / logMax;
}

/** RGBA pixels of the kernel's raster, coloured with `palette` (256 × RGBA). */
export function rasterImage(
  counts: Uint32Array,
  color: Uint8Array,
  max: number,
  palette: Uint8Array,
  out?: Uint8Array
): Uint8Array {
  const image = out ?? new Uint8Array(counts.length * 4);
  const logMax = Math.log1p(Math.max(1, max));
  for (let i = 0; i < counts.length; i++) {
    const a = alphaFor(counts[i], logMax);
    const p = color[i] * 4;
    // premultiplied alpha
    image[i * 4] = palette[p] * a;
    image[i * 4 + 1] = palette[p + 1] * a;
    image[i * 4 + 2] = palette[p + 2] * a;
    image[i * 4 + 3] = 255 * a;
  }
  return image;
}

/** A density image at screen resolution (one pixel per `cell` CSS pixels). */
export class ScreenDensity {
  width = 0;
  height = 0;
  counts = new Float32Array(0);
  red = new Float32Array(0);
  green = new Float32Array(0);
  blue = new Float32Array(0);
  image = new Uint8Array(0);

  /** Make the buffers fit a view (allocates only when the size changes). */
  ensure(width: number, height: number): void {
    const w = Math.max(1, Math.ceil(width));
    const h = Math.max(1, Math.ceil(height));
    if (w === this.width && h === this.height) {
      return;
    }
    this.width = w;
    this.height = h;
    this.counts = new Float32Array(w * h);
    this.red = new Float32Array(w * h);
    this.green = new Float32Array(w * h);
    this.blue = new Float32Array(w * h);
    this.image = new Uint8Array(w * h * 4);
  }

  /**
   * Bin the points [start, end) seen through `cam` (whose width/height are
   * this image's size in pixels) and colour each pixel by the mean colour of
   * its points; `selected` (when given) dims the points not selected.
   * Returns how many points fell in view.
   */
  accumulate(
    xs: Float32Array,
    ys: Float32Array,
    cs: Uint8Array,
    start: number,
    end: number,
    cam: ICamera,
    palette: Uint8Array,
    selected: Uint8Array | null
  ): number {
    this.clear();
    const inView = this.add(xs, ys, cs, start, end, cam, palette, selected);
    this.finish();
    return inView;
  }

  /** Start a new image. */
  clear(): void {
    this.counts.fill(0);
    this.red.fill(0);
    this.green.fill(0);
    this.blue.fill(0);
  }

  /**
   * Bin the points [start, end) (see accumulate); returns how many fell in
   * view. `splat` > 1 spreads each point over splat × splat pixels (few
   * points in view: they stay visible as dots, like drawn points).
   */
  add(
    xs: Float32Array,
    ys: Float32Array,
    cs: Uint8Array,
    start: number,
    end: number,
    cam: ICamera,
    palette: Uint8Array,
    selected: Uint8Array | null,
    splat = 1
  ): number {
    const { width: w, height: h, counts, red, green, blue } = this;
    if (splat > 1) {
      return this.addSplats(xs, ys, cs, start, end, cam, palette, selected, splat);
    }
    const sx = cam.kx * (w / cam.width);
    const sy = cam.ky * (h / cam.height);
    const ox = w / 2 - cam.cx * sx;
    const oy = h / 2 + cam.cy * sy;
    let inView = 0;
    if (selected) {
      for (let k = start; k < end; k++) {
        const fx = xs[k] * sx + ox;
        const fy = oy - ys[k] * sy;
        if (!(fx >= 0 && fy >= 0 && fx < w && fy < h)) {
          continue; // outside, or NaN
        }
        const weight = selected[k] === 0 ? 0.15 : 1;
        const i = (fy | 0) * w + (fx | 0);
        const p = cs[k] * 4;
        counts[i] += weight;
        red[i] += palette[p] * weight;
        green[i] += palette[p + 1] * weight;
        blue[i] += palette[p + 2] * weight;
        inView++;
      }
    } else {
      for (let k = start; k < end; k++) {
        const fx = xs[k] * sx + ox;
        const fy = oy - ys[k] * sy;
        if (!(fx >= 0 && fy >= 0 && fx < w && fy < h)) {
          continue;
        }
        const i = (fy | 0) * w + (fx | 0);
        const p = cs[k] * 4;
        counts[i] += 1;
        red[i] += palette[p];
        green[i] += palette[p + 1];
        blue[i] += palette[p + 2];
        inView++;
      }
    }
    return inView;
  }

  private addSplats(
    xs: Float32Array,
    ys: Float32Array,
    cs: Uint8Array,
    start: number,
    end: number,
    cam: ICamera,
    palette: Uint8Array,
    selected: Uint8Array | null,
    splat: number
  ): number {
    const { width: w, height: h, counts, red, green, blue } = this;
    const sx = cam.kx * (w / cam.width);
    const sy = cam.ky * (h / cam.height);
    const ox = w / 2 - cam.cx * sx - splat / 2;
    const oy = h / 2 + cam.cy * sy - splat / 2;
    let inView = 0;
    for (let k = start; k < end; k++) {
      const fx = xs[k] * sx + ox;
      const fy = oy - ys[k] * sy;
      if (!(fx > -splat && fy > -splat && fx < w && fy < h)) {
        continue;
      }
      const weight = selected && selected[k] === 0 ? 0.15 : 1;
      const p = cs[k] * 4;
      const x0 = Math.max(0, Math.floor(fx));
      const y0 = Math.max(0, Math.floor(fy));
      const x1 = Math.min(w, Math.floor(fx) + splat);
      const y1 = Math.min(h, Math.floor(fy) + splat);
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = y * w + x;
          counts[i] += weight;
          red[i] += palette[p] * weight;
          green[i] += palette[p + 1] * weight;
          blue[i] += palette[p + 2] * weight;
        }
      }
      inView++;
    }
    return inView;
  }

  /** Turn the bins into the image's pixels. */
  finish(): void {
    const counts = this.counts;
    const { red, green, blue } = this;
    let max = 0;
    for (let i = 0; i < counts.length; i++) {
      max = counts[i] > max ? counts[i] : max;
    }
    const scale = 0.7 / Math.log1p(Math.max(1, max));
    const image = this.image;
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i];
      const o = i * 4;
      if (n <= 0) {
        image[o] = image[o + 1] = image[o + 2] = image[o + 3] = 0;
        continue;
      }
      const a = 0.3 + scale * (n < LOG_TABLE_SIZE ? LOG1P[Math.round(n)] : Math.log1p(n));
      const f = a / n;
      image[o] = red[i] * f;
      image[o + 1] = green[i] * f;
      image[o + 2] = blue[i] * f;
      image[o + 3] = 255 * a;
    }
  }
}

export { MISSING };
