/*
 * The fallback renderer when WebGL is not available: points written as
 * small squares into one reused ImageData (one putImageData per frame),
 * density images drawn scaled without smoothing.
 */
import { Bounds, ICamera, toScreenX, toScreenY } from './camera';
import { IRenderer } from './renderer';

export class Canvas2DRenderer implements IRenderer {
  readonly kind = 'canvas';
  private ctx: CanvasRenderingContext2D;
  private xs = new Float32Array(0);
  private ys = new Float32Array(0);
  private cs = new Uint8Array(0);
  private selected = new Uint8Array(0);
  private palette = new Uint8Array(256 * 4);
  private frame: ImageData | null = null;
  private images: Array<HTMLCanvasElement | null> = [null, null];
  private imageData: Array<ImageData | null> = [null, null];
  private ratio = 1;

  /** A renderer on `canvas`, or null when not even a 2D context is available (jsdom). */
  static create(canvas: HTMLCanvasElement): Canvas2DRenderer | null {
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = canvas.getContext('2d');
    } catch {
      ctx = null;
    }
    return ctx ? new Canvas2DRenderer(ctx) : null;
  }

  private constructor(ctx: CanvasRenderingContext2D) {
    this.ctx = ctx;
  }

  get lost(): boolean {
    return false;
  }

  setPoints(xs: Float32Array, ys: Float32Array, cs: Uint8Array, selected: Uint8Array): void {
    this.xs = xs;
    this.ys = ys;
    this.cs = cs;
    this.selected = selected;
  }

  setColors(cs: Uint8Array): void {
    this.cs = cs;
  }

  setSelected(selected: Uint8Array): void {
    this.selected = selected;
  }

  setPalette(palette: Uint8Array): void {
    this.palette = palette;
  }

  begin(pixelWidth: number, pixelHeight: number): void {
    const canvas = this.ctx.canvas;
    this.ratio = canvas.clientWidth > 0 ? pixelWidth / canvas.clientWidth : 1;
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, pixelWidth, pixelHeight);
    if (!this.frame || this.frame.width !== pixelWidth || this.frame.height !== pixelHeight) {
      this.frame = this.ctx.createImageData(Math.max(1, pixelWidth), Math.max(1, pixelHeight));
    }
  }

  drawPoints(cam: ICamera, start: number, count: number, size: number, alpha: number, dim: boolean): void {
    const frame = this.frame;
    if (!frame || count <= 0) {
      return;
    }
    const { width: w, height: h, data } = frame;
    data.fill(0);
    const r = this.ratio;
    const sx = cam.kx * r;
    const sy = cam.ky * r;
    const ox = (cam.width / 2) * r - cam.cx * sx;
    const oy = (cam.height / 2) * r + cam.cy * sy;
    const s = Math.max(1, Math.round(size * r));
    const half = s >> 1;
    const { xs, ys, cs, selected, palette } = this;
    const end = Math.min(start + count, xs.length);
    for (let k = start; k < end; k++) {
      const fx = xs[k] * sx + ox - half;
      const fy = oy - ys[k] * sy - half;
      if (!(fx > -s && fy > -s && fx < w && fy < h)) {
        continue;
      }
      const a = alpha * (dim && selected[k] === 0 ? 0.15 : 1);
      const p = cs[k] * 4;
      const x0 = Math.max(0, fx | 0);
      const y0 = Math.max(0, fy | 0);
      const x1 = Math.min(w, (fx | 0) + s);
      const y1 = Math.min(h, (fy | 0) + s);
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * w + x) * 4;
          const keep = 1 - a;
          data[i] = palette[p] * a + data[i] * keep;
          data[i + 1] = palette[p + 1] * a + data[i + 1] * keep;
          data[i + 2] = palette[p + 2] * a + data[i + 2] * keep;
          data[i + 3] = 255 * a + data[i + 3] * keep;
        }
      }
    }
    this.ctx.putImageData(frame, 0, 0);
  }

  drawSubset(
    cam: ICamera,
    xs: Float32Array,
    ys: Float32Array,
    cs: Uint8Array,
    selected: Uint8Array,
    count: number,
    size: number,
    alpha: number,
    dim: boolean
  ): void {
    const { xs: x0, ys: y0, cs: c0, selected: s0 } = this;
    this.setPoints(xs, ys, cs, selected);
    this.drawPoints(cam, 0, count, size, alpha, dim);
    this.setPoints(x0, y0, c0, s0);
  }

  setImage(pixels: Uint8Array, width: number, height: number, slot: 0 | 1 = 0): void {
    let image = this.images[slot];
    if (!image || image.width !== width || image.height !== height) {
      image = document.createElement('canvas');
      image.width = width;
      image.height = height;
      this.images[slot] = image;
    }
    const ctx = image.getContext('2d');
    if (!ctx) {
      return;
    }
    let data = this.imageData[slot];
    if (!data || data.width !== width || data.height !== height) {
      data = ctx.createImageData(width, height);
      this.imageData[slot] = data;
    }
    // ImageData is not premultiplied: undo it
    const out = data.data;
    for (let i = 0; i < pixels.length; i += 4) {
      const a = pixels[i + 3];
      out[i] = a ? (pixels[i] * 255) / a : 0;
      out[i + 1] = a ? (pixels[i + 1] * 255) / a : 0;
      out[i + 2] = a ? (pixels[i + 2] * 255) / a : 0;
      out[i + 3] = a;
    }
    ctx.putImageData(data, 0, 0);
  }

  drawImage(cam: ICamera, bounds: Bounds, slot: 0 | 1 = 0): void {
    const image = this.images[slot];
    if (!image) {
      return;
    }
    const r = this.ratio;
    const x0 = toScreenX(cam, bounds[0]) * r;
    const x1 = toScreenX(cam, bounds[1]) * r;
    const y0 = toScreenY(cam, bounds[3]) * r;
    const y1 = toScreenY(cam, bounds[2]) * r;
    this.ctx.imageSmoothingEnabled = slot === 1;
    this.ctx.drawImage(image, x0, y0, x1 - x0, y1 - y0);
  }

  finish(): void {
    // a canvas may draw later (an accelerated one does): reading a pixel back waits for it
    this.ctx.getImageData(0, 0, 1, 1);
  }

  dispose(): void {
    this.frame = null;
    this.images = [null, null];
  }
}
