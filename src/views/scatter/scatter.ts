/*
 * The embedding map's canvas: points (WebGL, or canvas 2D as the fallback)
 * or a density image when there are more points in view than this machine
 * draws within the frame budget, pan by drag, zoom by wheel at the cursor,
 * lasso by shift-drag (or in lasso mode), hover for the nearest point.
 *
 * The points are kept sorted by grid cell (rows of cells bottom to top), so
 * the points of the rows in view are one range of the GPU buffer: zoomed in,
 * one draw call covers only them. How long a point takes to draw is measured
 * on this machine (a probe when data arrives, then every frame); when the
 * points in view would take longer than the budget, the frame is a density
 * image binned at screen resolution from those points instead.
 */
import {
  Bounds,
  fit,
  ICamera,
  panBy,
  resize,
  toDataX,
  toDataY,
  toScreenX,
  toScreenY,
  visibleBounds,
  zoomAt
} from './camera';
import { Canvas2DRenderer } from './canvas2d';
import { indexLabel, IPoints, IRaster } from './decode';
import { rasterImage, ScreenDensity } from './density';
import { GLRenderer } from './gl';
import { GridIndex } from './grid';
import { polygonMask, simplify } from './lasso';
import { buildPalette, PaletteKind } from './palette';
import { IRenderer } from './renderer';

export interface IScatterData {
  /** Every point in view (kernel mode "points"), or a sample (mode "raster"). */
  points: IPoints | null;
  /** The kernel's density raster (mode "raster"). */
  raster: IRaster | null;
  /** The extent of every point of the map. */
  bounds: Bounds;
  /** The part of the map the points cover when the kernel sent a window of it. */
  window?: Bounds | null;
  colorKind: PaletteKind;
}

export type FrameMode = 'points' | 'density' | 'overview' | 'raster' | 'empty';

export interface IFrameInfo {
  mode: FrameMode;
  /** Points binned or drawn this frame. */
  points: number;
  ms: number;
  /** What a point costs to draw on this machine, as measured (ms). */
  costPerPoint: number;
}

export interface IHover {
  label: string;
  code: number;
  /** Where, in CSS pixels within the map. */
  x: number;
  y: number;
}

export interface IScatterOptions {
  /** A lasso was drawn: its polygon in data coordinates and how many loaded points it holds. */
  onLasso?: (polygon: Array<[number, number]>, count: number) => void;
  onHover?: (hover: IHover | null) => void;
  /** The camera moved (called once per drawn frame after a move). */
  onView?: (visible: Bounds) => void;
  /** Time a frame of points may take before the map draws density instead (ms). */
  budgetMs?: number;
  /**
   * Wait for every frame to be drawn before renderNow returns, so that
   * lastFrame.ms is the whole frame (benchmarks). Points frames always wait:
   * their time is what decides between points and density.
   */
  timeFrames?: boolean;
  /** Renderer to use: "auto" (WebGL, else canvas 2D), or force one (benchmarks). */
  renderer?: 'auto' | 'webgl' | 'canvas';
  /**
   * Draw every point every frame: no culling to the rows in view, never
   * density (the plain-points baseline of the benchmark).
   */
  alwaysPoints?: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';
/** Points from which an overview image of all of them is kept (for frames that show most of the map). */
const OVERVIEW_MIN_POINTS = 200_000;
/** The overview's size in pixels (a power of two: mipmapped when drawn smaller). */
const OVERVIEW_SIZE = 2048;
const HOVER_RADIUS = 6;

export class Scatter {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  readonly renderer: IRenderer | null;
  private overlay: SVGSVGElement;
  private lassoPath: SVGPathElement;
  private selectionPath: SVGPathElement;
  private options: IScatterOptions;
  private cam: ICamera | null = null;
  private base: ICamera | null = null;
  private data: IScatterData | null = null;
  private xs = new Float32Array(0);
  private ys = new Float32Array(0);
  private cs = new Uint8Array(0);
  private selected = new Uint8Array(0);
  private grid: GridIndex | null = null;
  private density = new ScreenDensity();
  private palette: Uint8Array;
  private rasterPixels: Uint8Array | null = null;
  private rasterUploaded = false;
  /** Pixels per data unit of the overview image (null: none kept). */
  private overview: { bounds: Bounds; kx: number; ky: number } | null = null;
  private polygon: number[] | null = null;
  private runs = new Uint32Array(2 * 128);
  /** Reused every frame: the view's rectangle, the camera of the density bins. */
  private view: Bounds = [0, 0, 0, 0];
  private shown: Bounds = [0, 0, 0, 0];
  private binCam: ICamera = { cx: 0, cy: 0, kx: 1, ky: 1, width: 1, height: 1 };
  private scratch = {
    x: new Float32Array(0),
    y: new Float32Array(0),
    c: new Uint8Array(0),
    s: new Uint8Array(0)
  };
  private costPerPoint = 0; // ms, measured
  private frameRequest = 0;
  private hoverRequest = 0;
  private hoverAt: [number, number] | null = null;
  private drag: { mode: 'pan' | 'lasso'; x: number; y: number; path: number[]; id: number } | null = null;
  private lassoMode = false;
  /** The camera moved by the user's hand since the last frame. */
  private moved = false;
  private resizeObserver: ResizeObserver | null = null;
  private disposed = false;
  lastFrame: IFrameInfo = { mode: 'empty', points: 0, ms: 0, costPerPoint: 0 };

  constructor(parent: HTMLElement, options: IScatterOptions = {}) {
    this.options = options;
    this.element = document.createElement('div');
    this.element.className = 'jp-SymphonyScatter';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'jp-SymphonyScatter-canvas';
    this.overlay = document.createElementNS(SVG, 'svg');
    this.overlay.setAttribute('class', 'jp-SymphonyScatter-overlay');
    this.selectionPath = document.createElementNS(SVG, 'path');
    this.selectionPath.setAttribute('class', 'jp-SymphonyScatter-selection');
    this.lassoPath = document.createElementNS(SVG, 'path');
    this.lassoPath.setAttribute('class', 'jp-SymphonyScatter-lasso');
    this.overlay.append(this.selectionPath, this.lassoPath);
    this.element.append(this.canvas, this.overlay);
    parent.appendChild(this.element);
    const which = options.renderer ?? 'auto';
    this.renderer =
      (which !== 'canvas' ? GLRenderer.create(this.canvas) : null) ??
      (which !== 'webgl' ? Canvas2DRenderer.create(this.canvas) : null);
    this.palette = buildPalette(this.element, 'categorical');
    this.renderer?.setPalette(this.palette);
    this.element.dataset.renderer = this.kind;
    this.element.addEventListener('pointerdown', this.onPointerDown);
    this.element.addEventListener('pointermove', this.onPointerMove);
    this.element.addEventListener('pointerup', this.onPointerUp);
    this.element.addEventListener('pointercancel', this.onPointerUp);
    this.element.addEventListener('pointerleave', this.onPointerLeave);
    this.element.addEventListener('wheel', this.onWheel, { passive: false });
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => this.resize());
      this.resizeObserver.observe(this.element);
    }
  }

  /** Which renderer draws: "webgl", "canvas" or "none" (no drawing context at all). */
  get kind(): 'webgl' | 'canvas' | 'none' {
    return this.renderer?.kind ?? 'none';
  }

  get camera(): ICamera | null {
    return this.cam;
  }

  /** New data; the camera stays unless `refit` (or there is none yet). */
  setData(data: IScatterData, refit: boolean): void {
    this.data = data;
    const points = data.points;
    const n = points?.count ?? 0;
    if (points && n > 0) {
      // the grid spans what the points cover: a window's points spread over all its cells
      const grid = new GridIndex(points.x, points.y, data.window ?? data.bounds);
      this.grid = grid;
      this.xs = new Float32Array(n);
      this.ys = new Float32Array(n);
      this.cs = new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const i = grid.order[k];
        this.xs[k] = points.x[i];
        this.ys[k] = points.y[i];
        this.cs[k] = points.c[i];
      }
    } else {
      this.grid = null;
      this.xs = new Float32Array(0);
      this.ys = new Float32Array(0);
      this.cs = new Uint8Array(0);
    }
    this.selected = new Uint8Array(n);
    this.palette = buildPalette(this.element, data.colorKind);
    this.renderer?.setPalette(this.palette);
    this.renderer?.setPoints(this.xs, this.ys, this.cs, this.selected);
    this.applySelection();
    this.rasterPixels = data.raster
      ? rasterImage(data.raster.counts, data.raster.color, data.raster.max, this.palette)
      : null;
    this.rasterUploaded = false;
    if (refit || !this.cam) {
      this.fitView();
    }
    this.probe();
    this.invalidate();
  }

  /** Read the theme's colours again (the theme changed). */
  refreshTheme(): void {
    if (!this.data) {
      return;
    }
    this.palette = buildPalette(this.element, this.data.colorKind);
    this.renderer?.setPalette(this.palette);
    this.buildOverview();
    if (this.data.raster) {
      this.rasterPixels = rasterImage(
        this.data.raster.counts,
        this.data.raster.color,
        this.data.raster.max,
        this.palette,
        this.rasterPixels ?? undefined
      );
      this.rasterUploaded = false;
    }
    this.invalidate();
  }

  /** The palette in use (256 × RGBA), for the legend. */
  get colors(): Uint8Array {
    return this.palette;
  }

  /** The board's selection made by this map: its polygon (data coordinates), or null. */
  setSelection(polygon: Array<[number, number]> | null): void {
    const flat = polygon ? polygon.flat() : null;
    if (JSON.stringify(flat) === JSON.stringify(this.polygon)) {
      return;
    }
    this.polygon = flat;
    this.applySelection();
    this.invalidate();
  }

  setLassoMode(on: boolean): void {
    this.lassoMode = on;
    this.element.classList.toggle('jp-mod-lasso', on);
  }

  /** Show every point again (the Fit button: a move of the user's). */
  showAll(): void {
    this.fitView();
    this.moved = true;
  }

  /** Fit the camera to every point. */
  fitView(): void {
    const { width, height } = this.size();
    if (!this.data) {
      return;
    }
    this.base = fit(this.data.bounds, width, height);
    this.cam = this.base;
    this.invalidate();
  }

  /** Replace the camera (benchmarks script pans and zooms through it). */
  setCamera(cam: ICamera): void {
    this.cam = cam;
    this.invalidate();
  }

  /** Draw at the next animation frame. */
  invalidate(): void {
    if (this.frameRequest || this.disposed) {
      return;
    }
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.renderNow();
      if (this.cam && this.moved) {
        // only after the user's own pan or zoom: new data (another viewer's window, a filter) never
        // makes this map ask for data in turn
        this.moved = false;
        this.options.onView?.(visibleBounds(this.cam));
      }
    });
  }

  /** Draw one frame now and wait for it to be drawn; what was drawn and how long it took. */
  renderNow(): IFrameInfo {
    const started = performance.now();
    const renderer = this.renderer;
    const cam = this.cam;
    const data = this.data;
    this.drawSelectionOutline();
    if (!renderer || !cam || !data || renderer.lost) {
      this.lastFrame = { mode: 'empty', points: 0, ms: 0, costPerPoint: this.costPerPoint };
      return this.lastFrame;
    }
    const ratio = this.pixelRatio();
    const pw = Math.max(1, Math.round(cam.width * ratio));
    const ph = Math.max(1, Math.round(cam.height * ratio));
    if (this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas.width = pw;
      this.canvas.height = ph;
    }
    renderer.begin(pw, ph);
    let mode: FrameMode = 'empty';
    let drawn = 0;
    const dim = this.polygon !== null;
    if (data.raster && this.rasterPixels) {
      if (!this.rasterUploaded) {
        renderer.setImage(this.rasterPixels, data.raster.width, data.raster.height);
        this.rasterUploaded = true;
      }
      renderer.drawImage(cam, data.raster.bounds);
      mode = 'raster';
    } else if (this.grid && this.xs.length) {
      const view = visibleBounds(cam, this.view);
      const plain = this.options.alwaysPoints === true;
      // the points in view: runs of the cell order, one per row of cells
      const runs = plain ? 0 : this.grid.visibleRuns(view, this.runs);
      let visible = 0;
      for (let r = 0; r < runs; r++) {
        visible += this.runs[2 * r + 1] - this.runs[2 * r];
      }
      const band = runs ? this.runs[2 * runs - 1] - this.runs[0] : 0;
      const fast = visible * this.costPerPoint <= (this.options.budgetMs ?? 30);
      const overview = this.overview;
      const size = this.pointSize(visible) * ratio;
      const alpha = this.pointAlpha(visible);
      if (plain) {
        renderer.drawPoints(cam, 0, this.xs.length, this.pointSize(this.xs.length) * ratio, this.pointAlpha(this.xs.length), dim);
        mode = 'points';
        drawn = this.xs.length;
      } else if (fast) {
        if (visible >= 0.6 * band) {
          // most of the rows' points are in view: draw the band as it is in the buffer
          renderer.drawPoints(cam, this.runs[0], band, size, alpha, dim);
          drawn = band;
        } else {
          // zoomed in: copy the runs in view together and draw only them
          this.ensureScratch(visible);
          let at = 0;
          for (let r = 0; r < runs; r++) {
            const start = this.runs[2 * r];
            const end = this.runs[2 * r + 1];
            this.scratch.x.set(this.xs.subarray(start, end), at);
            this.scratch.y.set(this.ys.subarray(start, end), at);
            this.scratch.c.set(this.cs.subarray(start, end), at);
            this.scratch.s.set(this.selected.subarray(start, end), at);
            at += end - start;
          }
          renderer.drawSubset(cam, this.scratch.x, this.scratch.y, this.scratch.c, this.scratch.s, visible, size, alpha, dim);
          drawn = visible;
        }
        renderer.finish();
        mode = 'points';
        const ms = performance.now() - started;
        if (drawn >= 20_000) {
          const cost = ms / drawn;
          this.costPerPoint = this.costPerPoint ? 0.7 * this.costPerPoint + 0.3 * cost : cost;
        }
      } else if (overview && cam.kx <= overview.kx && cam.ky <= overview.ky) {
        renderer.drawImage(cam, overview.bounds, 1);
        mode = 'overview';
        drawn = this.xs.length;
      } else {
        const cell = Math.max(1, Math.round(Math.min(cam.width, cam.height) / 512)); // CSS px per bin
        this.density.ensure(cam.width / cell, cam.height / cell);
        const binCam = this.binCam;
        binCam.cx = cam.cx;
        binCam.cy = cam.cy;
        binCam.width = this.density.width;
        binCam.height = this.density.height;
        binCam.kx = cam.kx / cell;
        binCam.ky = cam.ky / cell;
        this.density.clear();
        const sel = dim ? this.selected : null;
        const pixels = this.density.width * this.density.height;
        const splat = visible < pixels / 64 ? 3 : visible < pixels / 16 ? 2 : 1;
        for (let r = 0; r < runs; r++) {
          drawn += this.density.add(
            this.xs, this.ys, this.cs, this.runs[2 * r], this.runs[2 * r + 1], binCam, this.palette, sel, splat
          );
        }
        this.density.finish();
        renderer.setImage(this.density.image, this.density.width, this.density.height);
        this.rasterUploaded = false;
            const shown = this.shown;
        shown[0] = toDataX(cam, 0);
        shown[1] = toDataX(cam, this.density.width * cell);
        shown[2] = toDataY(cam, this.density.height * cell);
        shown[3] = toDataY(cam, 0);
        renderer.drawImage(cam, shown);
        mode = 'density';
      }
    }
    if (this.options.timeFrames) {
      renderer.finish();
    }
    this.lastFrame = { mode, points: drawn, ms: performance.now() - started, costPerPoint: this.costPerPoint };
    this.element.dataset.frame = mode;
    return this.lastFrame;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frameRequest) {
      cancelAnimationFrame(this.frameRequest);
    }
    if (this.hoverRequest) {
      cancelAnimationFrame(this.hoverRequest);
    }
    this.resizeObserver?.disconnect();
    this.renderer?.dispose();
    this.element.remove();
  }

  // -- internals ----------------------------------------------------------------------------

  private size(): { width: number; height: number } {
    return {
      width: Math.max(1, this.element.clientWidth || 400),
      height: Math.max(1, this.element.clientHeight || 300)
    };
  }

  private pixelRatio(): number {
    return Math.min(2, Math.max(1, window.devicePixelRatio || 1));
  }

  private pointSize(count: number): number {
    return count < 5_000 ? 5 : count < 50_000 ? 3 : 2;
  }

  private pointAlpha(count: number): number {
    return count < 50_000 ? 0.9 : count < 500_000 ? 0.6 : 0.4;
  }

  private resize(): void {
    const { width, height } = this.size();
    if (!this.cam) {
      this.fitView();
      return;
    }
    if (width === this.cam.width && height === this.cam.height) {
      return;
    }
    this.cam = resize(this.cam, width, height);
    this.base = this.data ? fit(this.data.bounds, width, height) : this.base;
    this.invalidate();
  }

  /** Time a slice of points once, so that the first frame already knows this machine. */
  private probe(): void {
    const renderer = this.renderer;
    const n = this.xs.length;
    if (!renderer || renderer.kind !== 'webgl' || !this.cam || n < 50_000) {
      return;
    }
    const count = Math.min(n, 100_000);
    const ratio = this.pixelRatio();
    const started = performance.now();
    renderer.begin(Math.round(this.cam.width * ratio), Math.round(this.cam.height * ratio));
    renderer.drawPoints(this.cam, 0, count, this.pointSize(n) * ratio, this.pointAlpha(n), false);
    renderer.finish();
    this.costPerPoint = (performance.now() - started) / count;
  }

  /** Room for `count` points in the scratch arrays (they grow, never per frame once big enough). */
  private ensureScratch(count: number): void {
    if (this.scratch.x.length >= count) {
      return;
    }
    const capacity = Math.max(count, this.scratch.x.length * 2, 1024);
    this.scratch = {
      x: new Float32Array(capacity),
      y: new Float32Array(capacity),
      c: new Uint8Array(capacity),
      s: new Uint8Array(capacity)
    };
  }

  private applySelection(): void {
    if (this.polygon && this.xs.length) {
      polygonMask(this.xs, this.ys, this.polygon, this.selected);
    } else {
      this.selected.fill(0);
    }
    this.renderer?.setSelected(this.selected);
    this.buildOverview();
  }

  /**
   * An image of every point binned at OVERVIEW_SIZE² over the grid's bounds,
   * built once per data, selection and theme: a frame that shows most of the
   * map (one screen pixel covering at least one of its pixels) draws it as
   * one quad instead of binning the points again.
   */
  private buildOverview(): void {
    const renderer = this.renderer;
    const grid = this.grid;
    this.overview = null;
    if (!renderer || !grid || this.data?.raster || this.xs.length < OVERVIEW_MIN_POINTS) {
      return;
    }
    const bounds = grid.bounds;
    const cam = fit(bounds, OVERVIEW_SIZE, OVERVIEW_SIZE, 0);
    const density = new ScreenDensity();
    density.ensure(OVERVIEW_SIZE, OVERVIEW_SIZE);
    density.accumulate(
      this.xs, this.ys, this.cs, 0, this.xs.length, cam, this.palette, this.polygon ? this.selected : null
    );
    renderer.setImage(density.image, OVERVIEW_SIZE, OVERVIEW_SIZE, 1);
    this.overview = { bounds, kx: cam.kx, ky: cam.ky };
  }

  private drawSelectionOutline(): void {
    const cam = this.cam;
    const polygon = this.polygon;
    if (!cam || !polygon || polygon.length < 6) {
      this.selectionPath.setAttribute('d', '');
      return;
    }
    let d = '';
    for (let i = 0; i < polygon.length; i += 2) {
      d += `${i ? 'L' : 'M'}${toScreenX(cam, polygon[i]).toFixed(1)},${toScreenY(cam, polygon[i + 1]).toFixed(1)}`;
    }
    this.selectionPath.setAttribute('d', `${d}Z`);
  }

  private local(event: PointerEvent | WheelEvent): [number, number] {
    const rect = this.element.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  private onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0 || !this.cam) {
      return;
    }
    const [x, y] = this.local(event);
    const mode = event.shiftKey || this.lassoMode ? 'lasso' : 'pan';
    this.drag = { mode, x, y, path: mode === 'lasso' ? [x, y] : [], id: event.pointerId };
    this.element.setPointerCapture?.(event.pointerId);
    this.options.onHover?.(null);
    event.preventDefault();
  };

  private onPointerMove = (event: PointerEvent): void => {
    const [x, y] = this.local(event);
    const drag = this.drag;
    if (!drag) {
      this.hoverAt = [x, y];
      if (!this.hoverRequest) {
        this.hoverRequest = requestAnimationFrame(() => {
          this.hoverRequest = 0;
          this.hover();
        });
      }
      return;
    }
    if (drag.mode === 'pan' && this.cam) {
      this.cam = panBy(this.cam, x - drag.x, y - drag.y);
      this.moved = true;
      drag.x = x;
      drag.y = y;
      this.invalidate();
    } else if (drag.mode === 'lasso') {
      drag.path.push(x, y);
      let d = '';
      for (let i = 0; i < drag.path.length; i += 2) {
        d += `${i ? 'L' : 'M'}${drag.path[i].toFixed(1)},${drag.path[i + 1].toFixed(1)}`;
      }
      this.lassoPath.setAttribute('d', d);
    }
  };

  private onPointerUp = (event: PointerEvent): void => {
    const drag = this.drag;
    this.drag = null;
    if (!drag) {
      return;
    }
    this.element.releasePointerCapture?.(drag.id);
    this.lassoPath.setAttribute('d', '');
    const cam = this.cam;
    if (drag.mode !== 'lasso' || !cam || event.type === 'pointercancel') {
      return;
    }
    const screen = simplify(drag.path, 3, 200);
    if (screen.length < 3) {
      return;
    }
    const polygon = screen.map(([sx, sy]) => [toDataX(cam, sx), toDataY(cam, sy)] as [number, number]);
    this.polygon = polygon.flat();
    this.applySelection();
    let count = 0;
    for (let i = 0; i < this.selected.length; i++) {
      count += this.selected[i];
    }
    this.invalidate();
    this.options.onLasso?.(polygon, count);
  };

  private onPointerLeave = (): void => {
    this.hoverAt = null;
    this.options.onHover?.(null);
  };

  private onWheel = (event: WheelEvent): void => {
    if (!this.cam || !this.base) {
      return;
    }
    event.preventDefault();
    const [x, y] = this.local(event);
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    const factor = Math.exp(-delta * 0.002);
    this.cam = zoomAt(this.cam, x, y, factor, { minScale: 0.25, maxScale: 1e6, base: this.base });
    this.moved = true;
    this.invalidate();
  };

  private hover(): void {
    const cam = this.cam;
    const at = this.hoverAt;
    const points = this.data?.points;
    if (!cam || !at || !this.grid || !points) {
      return;
    }
    const k = this.grid.nearest(
      this.xs, this.ys, toDataX(cam, at[0]), toDataY(cam, at[1]), HOVER_RADIUS / cam.kx, HOVER_RADIUS / cam.ky
    );
    if (k < 0) {
      this.options.onHover?.(null);
      return;
    }
    this.options.onHover?.({
      label: indexLabel(points.index, this.grid.order[k]),
      code: this.cs[k],
      x: toScreenX(cam, this.xs[k]),
      y: toScreenY(cam, this.ys[k])
    });
  }
}
