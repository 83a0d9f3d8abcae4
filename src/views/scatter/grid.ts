/*
 * A uniform grid over the points, built once per data: the points sorted by
 * cell (row-major, rows bottom to top) so that the points of a band of rows
 * are one contiguous range (what one draw call draws when zoomed in), and
 * the cells near a screen point are found at once (hover).
 */
import { Bounds } from './camera';

export class GridIndex {
  /** The grid's size in cells along each axis. */
  readonly size: number;
  readonly bounds: Bounds;
  /** order[k]: the original position of the k-th point in cell order. */
  readonly order: Uint32Array;
  /** starts[cell] .. starts[cell + 1]: the cell's points in cell order. */
  readonly starts: Uint32Array;

  constructor(xs: Float32Array, ys: Float32Array, bounds: Bounds, size = 128) {
    this.size = size;
    this.bounds = bounds;
    const n = xs.length;
    const cells = new Uint32Array(n);
    const counts = new Uint32Array(size * size + 1);
    for (let i = 0; i < n; i++) {
      const cell = this.cellOf(xs[i], ys[i]);
      cells[i] = cell;
      counts[cell + 1]++;
    }
    for (let c = 0; c < size * size; c++) {
      counts[c + 1] += counts[c];
    }
    this.starts = counts.slice();
    const next = counts; // reused as the write cursor of each cell
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      this.order[next[cells[i]]++] = i;
    }
  }

  column(x: number): number {
    const [x0, x1] = this.bounds;
    const c = Math.floor(((x - x0) / (x1 - x0)) * this.size);
    return c < 0 ? 0 : c >= this.size ? this.size - 1 : c;
  }

  row(y: number): number {
    const [, , y0, y1] = this.bounds;
    const r = Math.floor(((y - y0) / (y1 - y0)) * this.size);
    return r < 0 ? 0 : r >= this.size ? this.size - 1 : r;
  }

  cellOf(x: number, y: number): number {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      return 0;
    }
    return this.row(y) * this.size + this.column(x);
  }

  /**
   * [start, end) in cell order holding every point in the rows that the view
   * overlaps (a band of whole rows: one contiguous range).
   */
  range(view: Bounds, out: Uint32Array): Uint32Array {
    const [, , y0, y1] = this.bounds;
    if (view[3] < y0 || view[2] > y1 || view[1] < this.bounds[0] || view[0] > this.bounds[1]) {
      out[0] = 0;
      out[1] = 0;
      return out;
    }
    const r0 = this.row(view[2]);
    const r1 = this.row(view[3]);
    out[0] = this.starts[r0 * this.size];
    out[1] = this.starts[(r1 + 1) * this.size];
    return out;
  }

  /**
   * The runs of points (in cell order) of the cells the view overlaps: one
   * run per row of cells (a row's cells are contiguous), written as [start,
   * end) pairs into `out` (length at least 2 × size). Returns the number of
   * runs; empty runs are left out.
   */
  visibleRuns(view: Bounds, out: Uint32Array): number {
    const b = this.bounds;
    if (view[3] < b[2] || view[2] > b[3] || view[1] < b[0] || view[0] > b[1]) {
      return 0;
    }
    const r0 = this.row(view[2]);
    const r1 = this.row(view[3]);
    const c0 = this.column(view[0]);
    const c1 = this.column(view[1]);
    let runs = 0;
    for (let r = r0; r <= r1; r++) {
      const start = this.starts[r * this.size + c0];
      const end = this.starts[r * this.size + c1 + 1];
      if (end > start) {
        out[2 * runs] = start;
        out[2 * runs + 1] = end;
        runs++;
      }
    }
    return runs;
  }

  /**
   * The point (position in cell order) nearest to (x, y) within `rx` × `ry`
   * data units (an ellipse: one screen radius), or -1. `xs`/`ys` are in cell order.
   */
  nearest(
    xs: Float32Array,
    ys: Float32Array,
    x: number,
    y: number,
    rx: number,
    ry: number
  ): number {
    const c0 = this.column(x - rx);
    const c1 = this.column(x + rx);
    const r0 = this.row(y - ry);
    const r1 = this.row(y + ry);
    let best = -1;
    let bestD = 1;
    for (let r = r0; r <= r1; r++) {
      const start = this.starts[r * this.size + c0];
      const end = this.starts[r * this.size + c1 + 1];
      for (let k = start; k < end; k++) {
        const dx = (xs[k] - x) / rx;
        const dy = (ys[k] - y) / ry;
        const d = dx * dx + dy * dy;
        if (d <= bestD) {
          bestD = d;
          best = k;
        }
      }
    }
    return best;
  }
}
