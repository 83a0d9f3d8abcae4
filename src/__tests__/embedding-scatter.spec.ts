/*
 * The embedding map renderer's pure logic: camera transforms, the lasso's
 * hit test and simplification, decoding the kernel's typed arrays, the grid
 * index, density images, theme colours.
 */
import {
  base64Bytes,
  buildPalette,
  clipTransform,
  contains,
  decodeFloat32,
  fit,
  GridIndex,
  indexLabel,
  panBy,
  parseColor,
  parsePoints,
  parseRaster,
  pointInPolygon,
  polygonMask,
  rasterImage,
  ScreenDensity,
  simplify,
  toDataX,
  toDataY,
  toScreenX,
  toScreenY,
  visibleBounds,
  zoomAt
} from '../views/scatter';

/** base64 of a typed array's bytes (what the kernel sends, little-endian on this machine). */
function b64(array: ArrayBufferView): string {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let s = '';
  bytes.forEach(b => (s += String.fromCharCode(b)));
  return btoa(s);
}

describe('camera', () => {
  const cam = fit([-2, 2, -1, 1], 420, 220, 10);

  it('fits the bounds into the view, y up', () => {
    expect(toScreenX(cam, -2)).toBeCloseTo(10);
    expect(toScreenX(cam, 2)).toBeCloseTo(410);
    expect(toScreenY(cam, 1)).toBeCloseTo(10);
    expect(toScreenY(cam, -1)).toBeCloseTo(210);
    expect(toDataX(cam, toScreenX(cam, 0.7))).toBeCloseTo(0.7);
    expect(toDataY(cam, toScreenY(cam, -0.3))).toBeCloseTo(-0.3);
  });

  it('zooms keeping the point under the cursor, and pans with the pointer', () => {
    const sx = 300;
    const sy = 50;
    const before = [toDataX(cam, sx), toDataY(cam, sy)];
    const zoomed = zoomAt(cam, sx, sy, 3);
    expect(zoomed.kx).toBeCloseTo(cam.kx * 3);
    expect(toDataX(zoomed, sx)).toBeCloseTo(before[0]);
    expect(toDataY(zoomed, sy)).toBeCloseTo(before[1]);
    const moved = panBy(zoomed, 30, -20);
    expect(toScreenX(moved, before[0])).toBeCloseTo(sx + 30);
    expect(toScreenY(moved, before[1])).toBeCloseTo(sy - 20);
  });

  it('clamps zoom to limits and reports the visible rectangle', () => {
    const out = zoomAt(cam, 0, 0, 1e-9, { minScale: 0.25, maxScale: 100, base: cam });
    expect(out.kx / cam.kx).toBeCloseTo(0.25);
    const v = visibleBounds(cam);
    expect(v[0]).toBeCloseTo(toDataX(cam, 0));
    expect(v[3]).toBeCloseTo(toDataY(cam, 0));
    expect(contains(v, [-2, 2, -1, 1])).toBe(true);
    expect(contains([-2, 2, -1, 1], v)).toBe(false);
  });

  it('gives the clip-space transform of the shader', () => {
    const t = clipTransform(cam, new Float32Array(4));
    // data (-2, -1) and (2, 1) land on the clip coordinates of the fitted margins
    expect(-2 * t[0] + t[2]).toBeCloseTo((10 / 420) * 2 - 1, 5);
    expect(1 * t[1] + t[3]).toBeCloseTo(1 - (10 / 220) * 2, 5);
  });
});

describe('lasso', () => {
  // a concave "C"-like polygon
  const polygon = [0, 0, 4, 0, 4, 1, 1, 1, 1, 3, 4, 3, 4, 4, 0, 4];

  it('hit-tests with the even-odd rule, concave shapes included', () => {
    expect(pointInPolygon(0.5, 2, polygon)).toBe(true);
    expect(pointInPolygon(2.5, 2, polygon)).toBe(false); // in the notch
    expect(pointInPolygon(3, 0.5, polygon)).toBe(true);
    expect(pointInPolygon(5, 2, polygon)).toBe(false);
  });

  it('masks many points at once, the same as one by one', () => {
    const n = 2000;
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = ((i * 7919) % 1000) / 200 - 0.5;
      ys[i] = ((i * 104729) % 1000) / 200 - 0.5;
    }
    const out = new Uint8Array(n);
    const count = polygonMask(xs, ys, polygon, out);
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const hit = pointInPolygon(xs[i], ys[i], polygon);
      expect(out[i]).toBe(hit ? 1 : 0);
      expected += hit ? 1 : 0;
    }
    expect(count).toBe(expected);
    expect(count).toBeGreaterThan(0);
  });

  it('simplifies a drawn path to a bounded polygon', () => {
    const path: number[] = [];
    for (let i = 0; i < 5000; i++) {
      path.push(Math.cos(i / 800) * 100, Math.sin(i / 800) * 100);
    }
    const out = simplify(path, 1, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.length).toBeGreaterThan(50);
    expect(simplify([0, 0, 0.1, 0.1, 0.2, 0.2], 3, 200)).toEqual([[0, 0]]);
    expect(simplify([0, 0, NaN, 1, 5, 5], 1, 200)).toEqual([
      [0, 0],
      [5, 5]
    ]);
  });
});

describe('decoding', () => {
  it('decodes the points the kernel sends and refuses wrong lengths', () => {
    const x = new Float32Array([1.5, -2, 3]);
    const y = new Float32Array([0, 1, 2]);
    const c = new Uint8Array([0, 1, 255]);
    const index = new Int32Array([10, 11, 12]);
    const points = parsePoints({
      count: 3,
      x: b64(x),
      y: b64(y),
      c: b64(c),
      index: { dtype: 'int32', data: b64(index) }
    })!;
    expect(Array.from(points.x)).toEqual([1.5, -2, 3]);
    expect(Array.from(points.c)).toEqual([0, 1, 255]);
    expect(indexLabel(points.index, 2)).toBe('12');
    expect(parsePoints({ count: 4, x: b64(x), y: b64(y), c: b64(c) })).toBeNull();
    expect(parsePoints({ count: 3, x: 'not base64!', y: b64(y), c: b64(c) })).toBeNull();
    expect(decodeFloat32(b64(x), 3)).not.toBeNull();
    expect(base64Bytes(42)).toBeNull();
    const listed = parsePoints({ count: 3, x: b64(x), y: b64(y), c: b64(c), index: { dtype: 'list', data: ['a', 2, null] } })!;
    expect([0, 1, 2].map(i => indexLabel(listed.index, i))).toEqual(['a', '2', '∅']);
    expect(indexLabel(null, 5)).toBe('#5');
  });

  it('decodes a raster and checks its size', () => {
    const counts = new Uint32Array([0, 3, 1, 0]);
    const color = new Uint8Array([255, 1, 0, 255]);
    const raster = parseRaster({ width: 2, height: 2, bounds: [0, 1, 0, 1], counts: b64(counts), color: b64(color) })!;
    expect(raster.max).toBe(3);
    expect(Array.from(raster.counts)).toEqual([0, 3, 1, 0]);
    expect(parseRaster({ width: 3, height: 2, bounds: [0, 1, 0, 1], counts: b64(counts), color: b64(color) })).toBeNull();
    expect(parseRaster({ width: 2, height: 2, bounds: [1, 0, 0, 1], counts: b64(counts), color: b64(color) })).toBeNull();
  });
});

describe('grid index', () => {
  const n = 1000;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = (i % 100) / 10; // 0 .. 9.9
    ys[i] = Math.floor(i / 100); // 0 .. 9
  }
  const grid = new GridIndex(xs, ys, [0, 10, 0, 10], 10);

  it('orders every point once, by cell', () => {
    expect(Array.from(grid.order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(grid.starts[grid.starts.length - 1]).toBe(n);
  });

  it('gives one range holding every point of the rows in view', () => {
    const range = grid.range([2, 3, 4.5, 6.5], new Uint32Array(2));
    const inRange = new Set(Array.from(grid.order.subarray(range[0], range[1])));
    for (let i = 0; i < n; i++) {
      if (ys[i] >= 4.5 && ys[i] <= 6.5) {
        expect(inRange.has(i)).toBe(true);
      }
    }
    expect(range[1] - range[0]).toBe(300); // rows 4, 5, 6: not the whole map
    expect(Array.from(grid.range([20, 30, 20, 30], new Uint32Array(2)))).toEqual([0, 0]);
  });

  it('gives the runs of points of the cells in view, and only those', () => {
    const runs = new Uint32Array(2 * 10);
    const count = grid.visibleRuns([2, 3.5, 4.5, 6.5], runs);
    expect(count).toBe(3); // rows 4, 5, 6
    const inRuns = new Set<number>();
    for (let r = 0; r < count; r++) {
      for (let k = runs[2 * r]; k < runs[2 * r + 1]; k++) {
        inRuns.add(grid.order[k]);
      }
    }
    for (let i = 0; i < n; i++) {
      const inView = xs[i] >= 2 && xs[i] <= 3.5 && ys[i] >= 4.5 && ys[i] <= 6.5;
      if (inView) {
        expect(inRuns.has(i)).toBe(true);
      }
    }
    // columns 2 and 3 of rows 4..6: 10 points per cell, nothing of the other columns
    expect(inRuns.size).toBe(3 * 2 * 10);
    expect(grid.visibleRuns([20, 30, 20, 30], runs)).toBe(0);
  });

  it('finds the nearest point to the cursor', () => {
    const sx = new Float32Array(n);
    const sy = new Float32Array(n);
    grid.order.forEach((i, k) => {
      sx[k] = xs[i];
      sy[k] = ys[i];
    });
    const k = grid.nearest(sx, sy, 3.02, 4.01, 0.2, 0.2);
    expect(grid.order[k]).toBe(430);
    expect(grid.nearest(sx, sy, 3.05, 4.5, 0.1, 0.1)).toBe(-1);
  });
});

describe('density and colours', () => {
  it('bins points at screen resolution and colours each pixel by its points', () => {
    const palette = buildPalette(null, 'categorical');
    const xs = new Float32Array([0.1, 0.1, 0.9, 5]);
    const ys = new Float32Array([0.9, 0.9, 0.1, 5]);
    const cs = new Uint8Array([0, 0, 1, 0]);
    const cam = fit([0, 1, 0, 1], 2, 2, 0);
    const density = new ScreenDensity();
    density.ensure(2, 2);
    const inView = density.accumulate(xs, ys, cs, 0, 4, cam, palette, null);
    expect(inView).toBe(3);
    expect(Array.from(density.counts)).toEqual([2, 0, 0, 1]); // top-left holds two, bottom-right one
    // the top-left pixel has the first category's colour, fully opaque (the densest)
    expect(density.image[3]).toBe(255);
    expect(density.image[0]).toBe(palette[0]);
    expect(density.image[4 + 3]).toBe(0);
    const buffer = density.counts;
    density.ensure(2, 2);
    expect(density.counts).toBe(buffer); // no new buffers for the same size
  });

  it('spreads sparse points over a few pixels so that they stay visible', () => {
    const palette = buildPalette(null, 'categorical');
    const cam = fit([0, 4, 0, 4], 4, 4, 0);
    const density = new ScreenDensity();
    density.ensure(4, 4);
    density.clear();
    const n = density.add(new Float32Array([2]), new Float32Array([2]), new Uint8Array([1]), 0, 1, cam, palette, null, 2);
    density.finish();
    expect(n).toBe(1);
    expect(Array.from(density.counts)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(density.image[(1 * 4 + 1) * 4]).toBe(palette[4]); // the second category's red
  });

  it('turns the kernel raster into an image: empty pixels transparent', () => {
    const palette = buildPalette(null, 'continuous');
    const image = rasterImage(new Uint32Array([0, 1, 100]), new Uint8Array([255, 0, 254]), 100, palette);
    expect(image[3]).toBe(0);
    expect(image[4 + 3]).toBeGreaterThan(0);
    expect(image[8 + 3]).toBe(255);
  });

  it('reads theme colours in the forms CSS gives them', () => {
    expect(parseColor('#1976d2')).toEqual([0x19 / 255, 0x76 / 255, 0xd2 / 255, 1]);
    expect(parseColor('#fff')).toEqual([1, 1, 1, 1]);
    expect(parseColor(' rgb(255, 0, 0) ')).toEqual([1, 0, 0, 1]);
    expect(parseColor('rgba(0, 0, 255, 0.5)')).toEqual([0, 0, 1, 0.5]);
    expect(parseColor('var(--x)')).toBeNull();
    document.body.style.setProperty('--jp-brand-color1', '#ff0000');
    const palette = buildPalette(document.body, 'categorical');
    expect(Array.from(palette.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    document.body.style.removeProperty('--jp-brand-color1');
  });
});
