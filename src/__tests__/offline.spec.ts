/*
 * The exported page's crossfilter (src/pins/offline.ts) on small known
 * arrays: codes as symphony_lab/pins/cube.py writes them, counted again under
 * a filter or a selection, checked against counts made by hand.
 */
import {
  binCounts,
  fromBase64,
  rangeCodes,
  readOffline,
  recompute,
  rowMask
} from '../pins/offline';

function b64(values: number[], wide = false): string {
  const bytes = wide ? new Uint8Array(values.length * 2) : Uint8Array.from(values);
  if (wide) {
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setUint16(i * 2, v, true));
  }
  return Buffer.from(bytes).toString('base64');
}

/**
 * Eight rows: age [10, 20, 20, 30, 40, NaN, 25, 35] with edges [10, 20, 30, 40]
 * (code = 1 + 2 i + eq; 0 missing), city [a, b, a, c, b, a, null, b] with
 * categories [a, b] (c is another value: code 1), and a classifier's labels
 * and predictions over classes [x, y].
 */
const AGE = [2, 4, 4, 6, 8, 0, 5, 7];
const CITY = [2, 3, 2, 1, 3, 2, 0, 3];
const TRUE = [1, 1, 2, 2, 1, 2, 0, 1];
const PRED = [1, 2, 2, 1, 1, 2, 1, 1];

function block(sampled = false): unknown {
  return {
    version: 1,
    frames: [
      {
        name: 'df',
        rows: sampled ? 80 : 8,
        sample_rows: 8,
        sampled,
        columns: ['age', 'city', 'other'],
        fields: [
          { column: 'age', type: 'bins', kind: 'numeric', edges: [10, 20, 30, 40], dtype: 'uint8', codes: b64(AGE) },
          {
            column: 'city',
            type: 'categories',
            kind: 'text',
            categories: ['a', 'b'],
            other: 1,
            dtype: 'uint16',
            codes: b64(CITY, true)
          },
          { column: null, type: 'classes', model: 'm3', role: 'true', dtype: 'uint8', codes: b64(TRUE) },
          { column: null, type: 'classes', model: 'm3', role: 'pred', dtype: 'uint8', codes: b64(PRED) }
        ],
        models: [
          { id: 'm3', view: 3, classes: ['x', 'y'], label: 'y_test', prediction: 'model', variables: ['model', 'df', 'y'] }
        ]
      }
    ],
    views: [{ frame: 'df' }, { frame: 'df' }, { frame: 'df' }, { frame: 'df', model: 'm3' }, { frame: null, reason: 'no' }]
  };
}

const DIST = {
  column: 'age',
  by: null,
  kind: 'numeric',
  rows: 8,
  filtered_rows: 8,
  sampled: false,
  missing: 1,
  edges: [10, 20, 30, 40],
  series: [{ group: null, counts: [1, 3, 3] }]
};

describe('offline codes', () => {
  it('decodes base64 of uint8 and little-endian uint16 codes', () => {
    expect(Array.from(fromBase64(b64([0, 1, 255])))).toEqual([0, 1, 255]);
    const cube = readOffline(block())!;
    const frame = cube.frames.get('df')!;
    expect(Array.from(frame.bins.get('age')!.codes)).toEqual(AGE);
    expect(Array.from(frame.cats.get('city')!.codes)).toEqual(CITY);
    expect(frame.cats.get('city')!.codes).toBeInstanceOf(Uint16Array);
    expect(Array.from(frame.models.get('m3')!.truth)).toEqual(TRUE);
    expect(readOffline({ version: 2 })).toBeNull();
  });

  it('maps a range between edges to codes exactly, and other bounds at bin resolution', () => {
    const field = readOffline(block())!.frames.get('df')!.bins.get('age')!;
    expect(rangeCodes(field, 20, 30)).toEqual({ low: 4, high: 6, exact: true });
    expect(rangeCodes(field, null, null)).toEqual({ low: 1, high: 9, exact: true });
    expect(rangeCodes(field, 22, null)).toEqual({ low: 5, high: 9, exact: false });
  });

  it('counts histogram bins with the last one closed', () => {
    // per code: 0..9
    const perCode = [1, 0, 1, 0, 2, 1, 1, 1, 1, 0];
    expect(binCounts(perCode, [0, 1, 2, 3])).toEqual([1, 3, 3]);
    expect(binCounts(perCode, [1, 3])).toEqual([6]);
  });

  it('filters rows on ranges, categories and the missing value', () => {
    const frame = readOffline(block())!.frames.get('df')!;
    const range = rowMask(frame, { filter: [{ column: 'age', op: 'range', min: 20, max: 30 }] });
    expect('mask' in range && Array.from(range.mask)).toEqual([0, 1, 1, 1, 0, 0, 1, 0]);
    const cities = rowMask(frame, { filter: [{ column: 'city', op: 'in', values: ['b', null] }] });
    expect('mask' in cities && Array.from(cities.mask)).toEqual([0, 1, 0, 0, 1, 0, 1, 1]);
    // A clause on a column the frame lacks keeps every row; one on a column it has but the page lacks cannot be applied.
    const absent = rowMask(frame, { filter: [{ column: 'nope', op: 'in', values: ['x'] }] });
    expect('count' in absent && absent.count).toBe(8);
    expect(rowMask(frame, { filter: [{ column: 'other', op: 'in', values: ['x'] }] })).toEqual({
      reason: 'the filter on other cannot be applied offline'
    });
    // A value outside the top categories is counted with the others, and said so.
    const c = rowMask(frame, { filter: [{ column: 'city', op: 'in', values: ['c'] }] });
    expect('count' in c && [c.count, c.notes.length]).toEqual([1, 1]);
  });

  it('computes a distribution under a filter on another column, not under its own', () => {
    const cube = readOffline(block())!;
    const state = {
      filter: [
        { column: 'city', op: 'in' as const, values: ['a'] },
        { column: 'age', op: 'range' as const, min: 10, max: 20 }
      ]
    };
    const spec = { component: 'distribution', variables: ['df'], params: { column: 'age' } };
    const out = recompute(cube, 0, spec, DIST, state, ['age']);
    // city a: rows 0, 2, 5 -> ages 10, 20, NaN.
    expect('data' in out && out.data).toMatchObject({
      filtered_rows: 3,
      missing: 1,
      series: [{ group: null, counts: [1, 1, 0] }]
    });
  });

  it('computes categories split by the board group', () => {
    const cube = readOffline(block())!;
    const data = { column: 'city', by: null, kind: 'text', rows: 8, categories: ['b', 'a'], other_categories: 0, series: [] };
    const spec = { component: 'distribution', variables: ['df'], params: { column: 'city' } };
    const out = recompute(cube, 0, spec, data, {
      filter: [{ column: 'age', op: 'range', min: 20, max: 40 }],
      groups: { column: 'city' }
    });
    // The group is the view's own column: not split. Ages in [20, 40]: rows 1, 2, 3, 4, 6, 7 -> b, a, c, b, null, b.
    expect('data' in out && out.data).toMatchObject({
      categories: ['b', 'a'],
      missing: 1,
      series: [{ group: null, counts: [3, 1] }]
    });
  });

  it('computes the missing values view and its patterns', () => {
    const cube = readOffline(block())!;
    const data = { rows: 8, columns: [{ name: 'age' }, { name: 'city' }], patterns: [] };
    const spec = { component: 'missing', variables: ['df'], params: {} };
    const out = recompute(cube, 1, spec, data, { filter: [{ column: 'city', op: 'in', values: ['a', null] }] });
    // rows 0, 2, 5, 6: age missing in 5, city missing in 6.
    expect('data' in out && out.data).toMatchObject({
      filtered_rows: 4,
      complete_rows: 2,
      columns: [
        { name: 'age', missing: 1, fraction: 0.25 },
        { name: 'city', missing: 1, fraction: 0.25 }
      ],
      patterns: [
        { columns: [], count: 2 },
        { columns: ['city'], count: 1 },
        { columns: ['age'], count: 1 }
      ]
    });
  });

  it('computes the summary counts and keeps what it cannot', () => {
    const cube = readOffline(block())!;
    const data = {
      rows: 8,
      columns: [
        { name: 'age', missing: 1, min: 10, max: 40, histogram: { edges: [10, 20, 30, 40], counts: [1, 3, 3] } },
        { name: 'city', missing: 1, top: [{ value: 'b', count: 3 }] }
      ]
    };
    const out = recompute(cube, 2, { component: 'summary', variables: ['df'], params: {} }, data, {
      filter: [{ column: 'city', op: 'in', values: ['b'] }]
    });
    expect('data' in out && out.data).toMatchObject({
      filtered_rows: 3,
      columns: [
        { name: 'age', missing: 0, min: 10, max: 40, histogram: { counts: [0, 1, 2] } },
        { name: 'city', missing: 0, top: [{ value: 'b', count: 3 }] }
      ]
    });
    expect('notes' in out && out.notes.join(' ')).toContain('as exported');
  });

  it('computes the confusion matrix and applies its selection to the other views', () => {
    const cube = readOffline(block())!;
    const spec = { component: 'confusion', variables: ['model', 'df', 'y'], params: {} };
    const data = { classes: ['x', 'y'], other: false, matrix: [[0, 0], [0, 0]] };
    const out = recompute(cube, 3, spec, data, { filter: [{ column: 'age', op: 'range', min: 10, max: 30 }] });
    // ages in [10, 30]: rows 0, 1, 2, 3, 6; row 6 unlabelled. true/pred: x/x, x/y, y/y, y/x.
    expect('data' in out && out.data).toMatchObject({
      filtered_rows: 5,
      unlabelled: 1,
      matrix: [[1, 1], [1, 1]],
      accuracy: 0.5
    });
    const selection = {
      component: 'confusion',
      variables: ['model', 'df', 'y'],
      params: {},
      spec: { true: 'x', pred: 'x' },
      label: 'true x, predicted x'
    };
    const dist = recompute(cube, 0, { component: 'distribution', variables: ['df'], params: { column: 'age' } }, DIST, {
      filter: [],
      selection
    });
    // true x and predicted x: rows 0, 4, 7 -> ages 10, 40, 35.
    expect('data' in dist && dist.data).toMatchObject({ filtered_rows: 3, series: [{ counts: [1, 0, 2] }] });
    // The view that made the selection is computed without it.
    const source = recompute(cube, 3, spec, data, { filter: [], selection });
    expect('data' in source && source.data.filtered_rows).toBe(8);
  });

  it('scales the counts of a sample and says so; other views give their reason', () => {
    const cube = readOffline(block(true))!;
    const spec = { component: 'distribution', variables: ['df'], params: { column: 'age' } };
    const out = recompute(cube, 0, spec, DIST, { filter: [{ column: 'city', op: 'in', values: ['a'] }] }, ['age']);
    expect('data' in out && out.data).toMatchObject({ rows: 80, filtered_rows: 30, series: [{ counts: [10, 10, 0] }] });
    expect('notes' in out && out.notes[0]).toBe('counts estimated from a sample of 8 of 80 rows');
    expect(recompute(cube, 4, { component: 'table', variables: ['df'], params: {} }, {}, { filter: [] })).toEqual({
      reason: 'no'
    });
  });
});
