/*
 * The embedding view in jsdom (no WebGL, no canvas 2D): it parses the
 * kernel's payload, says that it cannot draw, shows the legend and the
 * colour choices, asks for a window when zoomed into a raster.
 */
import { act } from 'react';

import { BoardModel } from '../board';
import { EmbeddingView, parseEmbedding, windowRequest } from '../views/embedding';
import { createRoot, drawView } from './render';

function b64(array: ArrayBufferView): string {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let s = '';
  bytes.forEach(b => (s += String.fromCharCode(b)));
  return btoa(s);
}

const DATA = {
  mode: 'points',
  rows: 3,
  filtered_rows: 3,
  in_window: 3,
  method: 'pca',
  source: '6 numeric columns of df',
  features: ['a', 'b'],
  features_total: 2,
  explained: [0.6, 0.3],
  fitted_rows: 3,
  bounds: [-1, 1, -1, 1],
  window: null,
  color: {
    by: 'column',
    name: 'kind',
    kind: 'categorical',
    categories: [
      { value: 'rest', rows: 2 },
      { value: 'planted', rows: 1 }
    ],
    other: 0,
    missing: 0
  },
  color_options: { model: false, columns: ['a', 'b', 'kind'] },
  raster: null,
  points: {
    count: 3,
    x: b64(new Float32Array([-1, 0, 1])),
    y: b64(new Float32Array([-1, 0, 1])),
    c: b64(new Uint8Array([0, 0, 1])),
    index: { dtype: 'int32', data: b64(new Int32Array([0, 1, 2])) }
  },
  sampled: false
};

let host: HTMLElement;
let root: ReturnType<typeof createRoot>;
let board: BoardModel;

beforeEach(() => {
  // jsdom has no canvas contexts; say so the way a browser without them does (null), without its warning
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
  board = new BoardModel();
  board.setKernel('k1');
});

afterEach(() => {
  jest.restoreAllMocks();
  act(() => root.unmount());
  host.remove();
  board.dispose();
});

describe('embedding view', () => {
  it('parses the payload and draws the legend and colour choices', () => {
    const parsed = parseEmbedding(DATA)!;
    expect(parsed.points!.count).toBe(3);
    expect(parsed.color.items.map(i => i.value)).toEqual(['rest', 'planted']);
    expect(parseEmbedding({ ...DATA, points: { ...DATA.points, count: 4 } })).toBeNull();
    expect(parseEmbedding({ ...DATA, mode: 'raster' })).toBeNull(); // a raster mode without a raster
    drawView(root, board, EmbeddingView, { component: 'embedding', variables: ['df'], params: {} }, DATA);
    const legend = Array.from(host.querySelectorAll('.jp-SymphonyEmbedding-legend li')).map(li =>
      li.getAttribute('data-value')
    );
    expect(legend).toEqual(['rest', 'planted']);
    const options = Array.from(host.querySelectorAll('select option')).map(o => (o as HTMLOptionElement).value);
    expect(options).toEqual(['none', 'column:a', 'column:b', 'column:kind']);
    expect((host.querySelector('select') as HTMLSelectElement).value).toBe('column:kind');
    // jsdom has neither WebGL nor canvas 2D: the view says so instead of failing
    expect(host.querySelector('.jp-SymphonyEmbedding')!.getAttribute('data-renderer')).toBe('none');
    expect(host.textContent).toContain('cannot draw the map');
    expect(host.textContent).toContain('PCA of 6 numeric columns of df');
    expect(host.textContent).toContain('3 points');
  });

  it('sets the colour parameter from the picker', () => {
    const view = drawView(root, board, EmbeddingView, { component: 'embedding', variables: ['df'], params: {} }, DATA);
    const select = host.querySelector('select') as HTMLSelectElement;
    act(() => {
      select.value = 'column:a';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(board.views.find(v => v.id === view.id)!.params).toMatchObject({ color_by: 'column', color: 'a' });
  });

  it('asks for the points of a window when zoomed into a raster, and for all again when zoomed out', () => {
    const raster = { width: 4, height: 4, bounds: [0, 10, 0, 10] as [number, number, number, number], counts: new Uint32Array(16), color: new Uint8Array(16), max: 1 };
    const full = { mode: 'raster' as const, window: null, bounds: [0, 10, 0, 10] as [number, number, number, number], raster };
    expect(windowRequest([0, 10, 0, 10], full)).toEqual({ kind: 'keep' });
    const zoomed = windowRequest([2, 4, 2, 4], full);
    expect(zoomed.kind).toBe('window');
    if (zoomed.kind === 'window') {
      expect(zoomed.bounds).toEqual([1.5, 4.5, 1.5, 4.5]); // the view and a margin
    }
    const points = { mode: 'points' as const, window: [1.5, 4.5, 1.5, 4.5] as [number, number, number, number], bounds: [0, 10, 0, 10] as [number, number, number, number], raster: null };
    expect(windowRequest([2, 4, 2, 4], points)).toEqual({ kind: 'keep' });
    expect(windowRequest([3, 5, 2, 4], points).kind).toBe('window'); // panned out of the window
    expect(windowRequest([-1, 11, -1, 11], points)).toEqual({ kind: 'all' });
    const all = { mode: 'points' as const, window: null, bounds: [0, 10, 0, 10] as [number, number, number, number], raster: null };
    expect(windowRequest([2, 4, 2, 4], all)).toEqual({ kind: 'keep' }); // every point is here already
  });
});
