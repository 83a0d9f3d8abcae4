/*
 * The exported page's wiring (src/pins/standalone.tsx): the state it starts
 * with, and which views keep their exported data, are computed offline, or
 * say why they are not, for a state.
 */
import { readPayloads } from '../pins/mime';
import { readOffline } from '../pins/offline';
import { exportedState, offlineViews } from '../pins/standalone';

function b64(values: number[]): string {
  return Buffer.from(Uint8Array.from(values)).toString('base64');
}

const CITY = { column: 'city', op: 'in', values: ['a'] };

function payload(component: string, params: object, data: object, filter: object[] = []): object {
  return {
    version: 1,
    spec: { component, variables: ['df'], params, state: { filter } },
    data,
    title: component,
    summary: `${component} of df`,
    provenance: { pinned_by: null, pinned_at: null, execution_count: null, library_version: '0' }
  };
}

const PAYLOADS = readPayloads({
  version: 1,
  views: [
    payload('distribution', { column: 'age' }, {
      column: 'age', by: null, kind: 'numeric', rows: 4, filtered_rows: 4, missing: 0,
      edges: [10, 20, 30], series: [{ group: null, counts: [2, 2] }]
    }),
    payload('table', {}, { rows: 4, columns: [], page: 0 })
  ]
});

// ages 10, 20, 25, 30; cities a, b, a, b
const CUBE = readOffline({
  version: 1,
  frames: [{
    name: 'df', rows: 4, sample_rows: 4, sampled: false, columns: ['age', 'city'],
    fields: [
      { column: 'age', type: 'bins', kind: 'numeric', edges: [10, 20, 30], dtype: 'uint8', codes: b64([2, 4, 5, 6]) },
      { column: 'city', type: 'categories', kind: 'text', categories: ['a', 'b'], other: 0, dtype: 'uint8', codes: b64([2, 3, 2, 3]) }
    ],
    models: []
  }],
  views: [{ frame: 'df' }, { frame: null, reason: 'this view is not computed again offline' }]
});

describe('the exported page', () => {
  it('starts with the state its views share, else with no filter', () => {
    const shared = readPayloads({ views: [payload('table', {}, {}, [CITY]), payload('missing', {}, {}, [CITY])] });
    expect(exportedState(shared)).toEqual({ filter: [CITY] });
    const mixed = readPayloads({ views: [payload('table', {}, {}, [CITY]), payload('missing', {}, {})] });
    expect(exportedState(mixed)).toEqual({ filter: [] });
  });

  it('keeps the exported data where the view sees no change (its own brush), else computes or says why', () => {
    const own = offlineViews(PAYLOADS, CUBE, { filter: [{ column: 'age', op: 'range', min: 10, max: 20 }] });
    expect(own.notes[0]).toBeNull();
    expect(own.views[0].result?.data).toBe(PAYLOADS[0].data);
    expect(own.notes[1]?.text).toBe('Not filtered offline: this view is not computed again offline.');

    const other = offlineViews(PAYLOADS, CUBE, { filter: [CITY as never] });
    expect(other.notes[0]).toEqual({ computed: true, text: 'Computed offline (bins as exported).' });
    expect(other.views[0].result?.data).toMatchObject({ filtered_rows: 2, series: [{ counts: [1, 1] }] });
    expect(other.views[0].result?.state).toEqual({ filter: [CITY] });

    const none = offlineViews(PAYLOADS, null, { filter: [CITY as never] });
    expect(none.notes[0]?.text).toBe('Not filtered offline: this page holds only the exported data.');
    expect(none.views[0].result?.data).toBe(PAYLOADS[0].data);
  });
});
