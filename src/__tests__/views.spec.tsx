/*
 * Smoke tests of the renderers and the view card in jsdom: they draw what
 * the kernel sends (data captured from the live server, shortened), as text,
 * and brushing sets the right clause of the board's filter.
 */
import * as React from 'react';
import { act } from 'react';

import { BoardModel } from '../board';
import { BUSY_DELAY_MS, ViewCard } from '../components/viewcard';
import { ComponentRegistry } from '../registry';
import { IBoardView, IViewRendererProps, IViewSpec } from '../tokens';
import { registerRenderers } from '../views';
import { BoardView } from '../widgets/board';
import { chartX, DistributionView } from '../views/distribution';
import { DuplicatesView } from '../views/duplicates';
import { MissingView } from '../views/missing';
import { SummaryView } from '../views/summary';
import { viewResult } from './helpers';
import { announced, createRoot, drawView, trans, mountStage, unmountStage } from './render';




let host: HTMLElement;
let root: ReturnType<typeof createRoot>;
let board: BoardModel;

beforeEach(() => {
  ({ host, root, board } = mountStage());
});

afterEach(() => unmountStage({ host, root, board }));

const $ = (selector: string) => host.querySelector(selector);
const $$ = (selector: string) => Array.from(host.querySelectorAll(selector));

/** Render a renderer with the view opened on the board and its data. */
function draw(
  Component: React.ComponentType<IViewRendererProps>,
  spec: IViewSpec,
  data: unknown
): IBoardView {
  return drawView(root, board, Component, spec, data);
}

function pointer(target: Element, type: string, clientX: number): void {
  act(() => {
    target.dispatchEvent(
      new MouseEvent(type, { bubbles: true, cancelable: true, clientX, clientY: 50 })
    );
  });
}

function key(target: Element, name: string, shiftKey = false): void {
  act(() => {
    target.dispatchEvent(
      new KeyboardEvent('keydown', { key: name, shiftKey, bubbles: true })
    );
  });
}

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('summary', () => {
  const data = {
    rows: 1030,
    filtered_rows: 1030,
    columns_total: 3,
    sampled: false,
    sample_rows: 1030,
    columns: [
      {
        name: 'income',
        dtype: 'float64',
        kind: 'numeric',
        missing: 123,
        distinct: 907,
        min: 4452.97,
        max: 92718.4,
        mean: 24471.2,
        std: 12000,
        histogram: { edges: [0, 1, 2, 3, 4], counts: [5, 9, 3, 0] }
      },
      {
        name: HOSTILE,
        dtype: 'str',
        kind: 'text',
        missing: 0,
        distinct: 4,
        top: [
          { value: 'Paris', count: 534 },
          { value: '<b>Lille</b>', count: 51 }
        ]
      },
      { name: 'when', dtype: 'datetime64[us]', kind: 'datetime', missing: 0, distinct: 2,
        min: '2024-01-01 00:00:00', max: '2024-02-11 15:00:00' }
    ]
  };

  it('draws one row per column, as text', () => {
    draw(SummaryView, { component: 'summary', variables: ['df'], params: {} }, data);
    const rows = $$('.jp-SymphonyView-summaryRow');
    expect(rows.map(r => r.getAttribute('data-column'))).toEqual(['income', HOSTILE, 'when']);
    expect($('.jp-SymphonyView-lede')?.textContent).toBe('1,030 rows × 3 columns');
    // missing: count and %; distinct.
    expect(rows[0].textContent).toContain('12311.9%');
    expect(rows[0].textContent).toContain('907');
    // The sparkline: one bar per bin; min · mean · max.
    expect(rows[0].querySelectorAll('.jp-SymphonyView-sparkline rect')).toHaveLength(4);
    expect(rows[0].querySelector('.jp-SymphonyView-stats')?.textContent).toBe(
      '4,453 · 24.5K · 92.7K'
    );
    // Top values of a text column.
    expect(rows[1].querySelector('.jp-SymphonyView-top')?.textContent).toContain(
      '<b>Lille</b> 51'
    );
    expect(rows[2].textContent).toContain('2024-01-01 00:00:00 – 2024-02-11 15:00:00');
    // Hostile strings stay text.
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('b')).toBeNull();
  });

  it('marks an estimated distinct count', () => {
    const income = { ...data.columns[0], distinct: 523709, distinct_approx: true };
    draw(SummaryView, { component: 'summary', variables: ['df'], params: {} }, {
      ...data,
      columns: [income, data.columns[1]]
    });
    const cells = $$('.jp-SymphonyView-summaryDistinct');
    expect(cells[0].textContent).toBe('≈\u2009523,709');
    expect(cells[0].getAttribute('data-approx')).toBe('true');
    expect(cells[0].getAttribute('title')).toContain('Estimated');
    expect(cells[1].textContent).toBe('4');
    expect(cells[1].getAttribute('data-approx')).toBeNull();
  });

  it('opens the distribution of a column from its name', () => {
    draw(SummaryView, { component: 'summary', variables: ['df'], params: {} }, data);
    act(() => ($$('.jp-SymphonyView-columnName')[0] as HTMLElement).click());
    expect(board.views[0]).toMatchObject({
      component: 'distribution',
      variables: ['df'],
      params: { column: 'income' }
    });
  });

  it('says so when the data has another shape', () => {
    draw(SummaryView, { component: 'summary', variables: ['df'], params: {} }, { rows: 'x' });
    expect($('.jp-SymphonyView-unexpected')).not.toBeNull();
  });
});

describe('distribution', () => {
  it('maps the pointer to the chart when the drawing is centred in a wide card', () => {
    // 320 x 150 drawn in 1000 x 260 px: scaled to the height (260 / 150),
    // 554.7 px wide, centred (222.7 px each side).
    const rect = { left: 100, width: 1000, height: 260 };
    const scale = 260 / 150;
    const offset = (1000 - 320 * scale) / 2;
    expect(chartX(100 + offset, rect, 320, 150)).toBeCloseTo(0);
    expect(chartX(100 + offset + 160 * scale, rect, 320, 150)).toBeCloseTo(160);
    expect(chartX(100 + 1000 - offset, rect, 320, 150)).toBeCloseTo(320);
    // Narrow card: the drawing fills the width.
    const narrow = { left: 0, width: 320, height: 150 };
    expect(chartX(80, narrow, 320, 150)).toBeCloseTo(80);
    // No layout (jsdom): by the width alone.
    expect(chartX(50, { left: 0, width: 640, height: 0 }, 320, 150)).toBeCloseTo(25);
  });

  // 30 bins from 0 to 300: bin i is [10 i, 10 (i + 1)].
  const edges = Array.from({ length: 31 }, (_, i) => i * 10);
  const numeric = {
    column: 'age',
    by: 'label',
    kind: 'numeric',
    rows: 1000,
    filtered_rows: 1000,
    sampled: false,
    missing: 2,
    edges,
    series: [
      { group: '0', counts: Array.from({ length: 30 }, (_, i) => i) },
      { group: '1', counts: Array.from({ length: 30 }, () => 1) }
    ]
  };
  const spec = { component: 'distribution', variables: ['df'], params: { column: 'age' } };

  // The plot starts at x = 36 of a 320 wide viewBox and is 276 wide: bins
  // are 9.2 wide. The SVG is laid out 320 px wide at 0, so client x = x.
  const binX = (i: number) => 36 + 9.2 * i + 4;

  function histogram(): SVGSVGElement {
    draw(DistributionView, spec, numeric);
    const svg = $('svg.jp-SymphonyView-histogram') as SVGSVGElement;
    svg.getBoundingClientRect = () =>
      ({ left: 0, top: 0, width: 320, height: 150, right: 320, bottom: 150, x: 0, y: 0 }) as DOMRect;
    return svg;
  }

  it('draws the bins of every group, a legend and axes', () => {
    histogram();
    expect($$('.jp-SymphonyView-bin')).toHaveLength(30);
    expect($$('.jp-SymphonyView-bin')[0].querySelectorAll('rect')).toHaveLength(2);
    expect($$('.jp-SymphonyView-legend li').map(li => li.textContent)).toEqual(['0', '1']);
    const ticks = $$('.jp-SymphonyView-tick').map(t => t.textContent);
    expect(ticks).toEqual(expect.arrayContaining(['0', '300', '30']));
    expect($('.jp-SymphonyView-axisLabel')?.textContent).toBe('age');
    expect(host.textContent).toContain('2 missing values');
  });

  it('brushing a range sets a range clause on the column', async () => {
    const svg = histogram();
    const overlay = svg.querySelector('.jp-SymphonyView-overlay')!;
    pointer(overlay, 'pointerdown', binX(2));
    await announced(board);
    pointer(overlay, 'pointermove', binX(4));
    await announced(board);
    // While dragging, the brush is drawn.
    expect($('.jp-SymphonyView-brush')).not.toBeNull();
    pointer(overlay, 'pointerup', binX(5));
    // Released, the brush stays drawn until the board's new filter comes back to the view (no frame
    // with the old selection in between)...
    expect($('.jp-SymphonyView-brush')).not.toBeNull();
    expect($('.jp-SymphonyView-band')).toBeNull();
    await announced(board);
    expect(board.state.filter).toEqual([{ column: 'age', op: 'range', min: 20, max: 60 }]);
    // ...and gives way to the band of the filter in the same drawing.
    expect($('.jp-SymphonyView-brush')).toBeNull();
    // The selection is shown as a band; bins outside it are dimmed.
    expect($('.jp-SymphonyView-band')).not.toBeNull();
    expect($$('.jp-SymphonyView-bin[data-selected="true"]').map(b => b.getAttribute('data-bin'))).toEqual(
      ['2', '3', '4', '5']
    );
  });

  it('a release that leaves the filter as it is clears the brush at once', async () => {
    const overlay = histogram().querySelector('.jp-SymphonyView-overlay')!;
    pointer(overlay, 'pointerdown', binX(2));
    pointer(overlay, 'pointerup', binX(5));
    await announced(board);
    expect($('.jp-SymphonyView-brush')).toBeNull();
    pointer(overlay, 'pointerdown', binX(2));
    pointer(overlay, 'pointermove', binX(5));
    expect($('.jp-SymphonyView-brush')).not.toBeNull();
    pointer(overlay, 'pointerup', binX(5)); // the same bins: no new filter will come
    await act(async () => {
      await new Promise(resolve => setTimeout(resolve, 0));
    });
    expect($('.jp-SymphonyView-brush')).toBeNull();
    expect(board.state.filter).toEqual([{ column: 'age', op: 'range', min: 20, max: 60 }]);
  });

  it('dragging right to left gives the same range', () => {
    const overlay = histogram().querySelector('.jp-SymphonyView-overlay')!;
    pointer(overlay, 'pointerdown', binX(5));
    pointer(overlay, 'pointerup', binX(2));
    expect(board.state.filter).toEqual([{ column: 'age', op: 'range', min: 20, max: 60 }]);
  });

  it('clicking a bar selects its bin; clicking it again clears', async () => {
    const overlay = histogram().querySelector('.jp-SymphonyView-overlay')!;
    pointer(overlay, 'pointerdown', binX(7));
    await announced(board);
    pointer(overlay, 'pointerup', binX(7));
    await announced(board);
    expect(board.state.filter).toEqual([{ column: 'age', op: 'range', min: 70, max: 80 }]);
    pointer(overlay, 'pointerdown', binX(7));
    await announced(board);
    pointer(overlay, 'pointerup', binX(7));
    await announced(board);
    expect(board.state.filter).toEqual([]);
  });

  it('works from the keyboard', () => {
    const svg = histogram();
    expect(svg.getAttribute('tabindex')).toBe('0');
    key(svg, 'ArrowRight');
    key(svg, 'ArrowRight');
    key(svg, 'ArrowRight', true);
    key(svg, 'ArrowRight', true);
    expect($('.jp-SymphonyView-readout')?.textContent).toBe('30 – 40: 4 rows');
    key(svg, 'Enter');
    expect(board.state.filter).toEqual([{ column: 'age', op: 'range', min: 10, max: 40 }]);
    key(svg, 'Escape');
    expect(board.state.filter).toEqual([]);
  });

  it('has a clear-filter control while its column is filtered', async () => {
    histogram();
    expect($('.jp-SymphonyView-clearFilter')).toBeNull();
    act(() => board.setClause({ column: 'age', op: 'range', min: 0, max: 10 }));
    await announced(board);
    act(() => ($('.jp-SymphonyView-clearFilter') as HTMLElement).click());
    await announced(board);
    expect(board.state.filter).toEqual([]);
  });

  it('stacks groups or puts them side by side', () => {
    histogram();
    const toggle = $('.jp-SymphonyView-stackToggle') as HTMLElement;
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    const widths = () =>
      Array.from($$('.jp-SymphonyView-bin')[0].querySelectorAll('rect')).map(r =>
        Number(r.getAttribute('width'))
      );
    const stacked = widths();
    act(() => toggle.click());
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(widths()[0]).toBeLessThan(stacked[0]);
  });

  it('labels dates by day', () => {
    draw(DistributionView, spec, {
      ...numeric,
      kind: 'datetime',
      by: null,
      edges: ['2024-01-01 00:00:00', '2024-01-06 00:00:00', '2024-01-11 00:00:00'],
      series: [{ group: null, counts: [3, 4] }]
    });
    const ticks = $$('.jp-SymphonyView-tick').map(t => t.textContent);
    expect(ticks).toEqual(expect.arrayContaining(['2024-01-01', '2024-01-11']));
  });

  it('clicking categories toggles an "in" clause', async () => {
    draw(
      DistributionView,
      { component: 'distribution', variables: ['df'], params: { column: 'city' } },
      {
        column: 'city',
        by: null,
        kind: 'text',
        rows: 1000,
        filtered_rows: 1000,
        sampled: false,
        missing: 0,
        categories: ['Paris', 'Lyon', HOSTILE],
        other_categories: 2,
        series: [{ group: null, counts: [500, 300, 40] }]
      }
    );
    const buttons = () => $$('.jp-SymphonyView-category') as HTMLElement[];
    expect(buttons().map(b => b.querySelector('.jp-SymphonyView-categoryLabel')?.textContent)).toEqual(
      ['Paris', 'Lyon', HOSTILE]
    );
    expect(host.querySelector('img')).toBeNull();
    act(() => buttons()[0].click());
    await announced(board);
    act(() => buttons()[2].click());
    await announced(board);
    expect(board.state.filter).toEqual([
      { column: 'city', op: 'in', values: ['Paris', HOSTILE] }
    ]);
    expect(buttons().map(b => b.getAttribute('aria-pressed'))).toEqual(['true', 'false', 'true']);
    act(() => buttons()[0].click());
    await announced(board);
    act(() => buttons()[2].click());
    await announced(board);
    expect(board.state.filter).toEqual([]);
    expect(host.textContent).toContain('2 more values not shown');
  });

  it('rejects series that do not fit the bins', () => {
    draw(DistributionView, spec, { ...numeric, series: [{ group: null, counts: [1] }] });
    expect($('.jp-SymphonyView-unexpected')).not.toBeNull();
  });
});

describe('missing', () => {
  it('draws bars and patterns', () => {
    draw(MissingView, { component: 'missing', variables: ['df'], params: {} }, {
      rows: 1030,
      filtered_rows: 1030,
      sampled: false,
      complete_rows: 301,
      columns: [
        { name: 'id', missing: 0, fraction: 0 },
        { name: 'income', missing: 123, fraction: 0.1194 },
        { name: 'notes', missing: 686, fraction: 0.666 }
      ],
      patterns: [
        { columns: ['notes'], count: 606 },
        { columns: [], count: 301 },
        { columns: ['income', 'notes'], count: 80 }
      ]
    });
    expect($('.jp-SymphonyView-lede')?.textContent).toBe(
      '301 of 1,030 rows have no missing value (29.2%)'
    );
    // Worst first; columns without missing values are only counted.
    expect($$('.jp-SymphonyView-missingRow').map(r => r.getAttribute('data-column'))).toEqual([
      'notes',
      'income'
    ]);
    expect(parseFloat(($('.jp-SymphonyView-barFill') as HTMLElement).style.width)).toBeCloseTo(66.6);
    expect(host.textContent).toContain('1 other column has no missing value.');
    const patterns = $$('.jp-SymphonyView-pattern').map(p => p.textContent);
    expect(patterns).toEqual(['notes60658.8%', 'nothing missing30129.2%', 'incomenotes807.8%']);
  });
});

describe('duplicates', () => {
  it('lists groups within a frame and pages through them', () => {
    draw(DuplicatesView, { component: 'duplicates', variables: ['df'], params: {} }, {
      rows: 1030,
      filtered_rows: 1030,
      columns: ['id', 'city', HOSTILE],
      mode: 'within',
      groups_total: 30,
      rows_in_groups: 60,
      extra_copies: 30,
      page: 0,
      groups: [
        { id: 'a', size: 2, index: [0, 0], values: [0, 'Lyon', null] },
        { id: 'b', size: 3, index: [1, 5, 9], values: [1, '<b>x</b>', 2.5] }
      ]
    });
    expect($('.jp-SymphonyView-lede')?.textContent).toBe(
      '60 rows appear more than once, in 30 groups (30 extra copies).'
    );
    expect($$('thead th').map(th => th.textContent)).toEqual(['Copies', 'Index', 'id', 'city', HOSTILE]);
    const rows = $$('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[1].textContent).toBe('31, 5, 91<b>x</b>2.5');
    expect(host.querySelector('img, b')).toBeNull();
    expect($('.jp-SymphonyView-pageInfo')?.textContent).toBe('1–20 of 30');
    expect(($('.jp-SymphonyView-prev') as HTMLButtonElement).disabled).toBe(true);
    act(() => ($('.jp-SymphonyView-next') as HTMLElement).click());
    expect(board.views[0].params).toEqual({ page: 1 });
  });

  it('selects a group for the other views, and clears it on a second click', async () => {
    draw(DuplicatesView, { component: 'duplicates', variables: ['df'], params: {} }, {
      rows: 9,
      filtered_rows: 9,
      columns: ['name'],
      mode: 'within',
      near: false,
      groups_total: 2,
      rows_in_groups: 5,
      extra_copies: 3,
      page: 0,
      groups: [
        { id: '00000000000000aa', size: 3, index: [0, 4, 7], values: ['Ada'] },
        { id: '00000000000000bb', size: 2, index: [2, 3], values: ['Alan'] }
      ]
    });
    const row = () => $('tbody tr[data-key="00000000000000bb"]') as HTMLElement;
    expect(row().getAttribute('aria-selected')).toBe('false');
    act(() => row().click());
    await announced(board);
    expect(board.state.selection).toEqual({
      component: 'duplicates',
      variables: ['df'],
      params: { near: false },
      spec: { group: '00000000000000bb' },
      label: '2 copies of a row of df'
    });
    expect(row().getAttribute('aria-selected')).toBe('true');
    act(() => row().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    await announced(board);
    expect(board.state.selection).toBeUndefined();
  });

  it('toggles near-duplicates and marks groups that are not exact', () => {
    draw(DuplicatesView, { component: 'duplicates', variables: ['df'], params: {} }, {
      rows: 5,
      filtered_rows: 5,
      columns: ['name'],
      mode: 'within',
      near: true,
      groups_total: 2,
      rows_in_groups: 4,
      extra_copies: 2,
      page: 0,
      groups: [
        { id: 'a', size: 2, exact: false, index: [0, 1], values: ['Ada'] },
        { id: 'b', size: 2, exact: true, index: [2, 3], values: ['Alan'] }
      ]
    });
    const box = $('.jp-SymphonyView-near input') as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect($$('.jp-SymphonyView-nearMark').map(e => e.textContent)).toEqual(['≈ 2']);
    act(() => box.click());
    expect(board.views[0].params).toEqual({ near: false, page: 0 });
  });

  it('says how many rows of one frame are in the other', () => {
    draw(DuplicatesView, { component: 'duplicates', variables: ['test', 'train'], params: {} }, {
      rows: 330,
      filtered_rows: 330,
      columns: ['age', 'city'],
      mode: 'across',
      other_rows: 800,
      shared_columns: 8,
      rows_in_other: 130,
      fraction: 0.3939,
      page: 0,
      shared_rows: [{ index: 700, values: [55, 'Lille'] }]
    });
    expect($('.jp-SymphonyView-lede')?.textContent).toBe(
      '130 of 330 rows of test also appear in train (39.4%), compared on 8 shared columns.'
    );
    expect($$('tbody tr').map(r => r.textContent)).toEqual(['70055Lille']);
  });
});

describe('ViewCard', () => {
  const registry = new ComponentRegistry();
  registerRenderers(registry);

  function card(view: IBoardView): void {
    act(() =>
      root.render(
        <ViewCard
          idPrefix="t"
          takeFocus
          view={view}
          index={0}
          count={1}
          board={board}
          registry={registry}
          trans={trans}
        />
      )
    );
  }

  const base = (overrides: Partial<IBoardView>): IBoardView => ({
    id: 'v1',
    component: 'summary',
    variables: ['df'],
    params: {},
    collapsed: false,
    status: 'ready',
    result: null,
    error: null,
    state: null,
    ...overrides
  });

  it('shows the title and the status line', () => {
    const spec = { component: 'summary', variables: ['df'], params: {} };
    card(
      base({
        result: viewResult(
          spec,
          { rows: 2_000_000, filtered_rows: 900_000, sampled: true, sample_rows: 500_000, columns: [] },
          { cached: true }
        ),
        state: { filter: [{ column: 'age', op: 'in', values: [1] }] }
      })
    );
    expect($('.jp-SymphonyView')?.getAttribute('data-variables')).toBe('df');
    expect($('.jp-SymphonyView-title')?.textContent).toBe('Summary · df');
    expect($('.jp-SymphonyView-status')?.textContent).toBe(
      'sampled: 500,000 of 900,000 rows · filtered: 900,000 of 2,000,000 rows · cached'
    );
    card(base({ status: 'loading' }));
    expect($('.jp-SymphonyView-status')?.textContent).toBe('computing…');
    card(base({ status: 'error', error: HOSTILE }));
    expect($('.jp-SymphonyView-status')?.textContent).toBe(HOSTILE);
    expect($('.jp-SymphonyView-status')?.getAttribute('role')).toBe('alert');
    expect(host.querySelector('img')).toBeNull();
    card(base({ status: 'missing' }));
    expect($('.jp-SymphonyView-status')?.textContent).toContain('does not hold df');
  });

  it('catches a renderer that throws, and draws a generic table without a renderer', () => {
    const local = new ComponentRegistry();
    local.register('boom', {
      component: () => {
        throw new Error('kaput');
      }
    });
    const spec = { component: 'boom', variables: ['df'], params: {} };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    act(() =>
      root.render(
        <ViewCard idPrefix="t" takeFocus={false} view={base({ ...spec, result: viewResult(spec, {}) })}
          index={0} count={1} board={board} registry={local} trans={trans} />
      )
    );
    errors.mockRestore();
    expect($('.jp-SymphonyView-body')?.textContent).toContain('kaput');
    const other = { component: 'memory', variables: ['a', 'b'], params: {} };
    card(
      base({
        ...other,
        result: viewResult(other, {
          total: 1024,
          note: '<i>0.3</i>',
          nested: { a: [1] },
          columns: [
            { name: 'x', bytes: 10 },
            { name: '<i>y</i>', bytes: 20, extra: true }
          ]
        })
      })
    );
    expect($('.jp-SymphonyView-title')?.textContent).toBe('memory · a, b');
    expect($$('.jp-SymphonyView-generic dt').map(d => d.textContent)).toEqual([
      'total',
      'note',
      'nested'
    ]);
    expect($('.jp-SymphonyView-json')?.textContent).toBe('{"a":[1]}');
    expect($$('.jp-SymphonyView-generic thead th').map(th => th.textContent)).toEqual([
      'name',
      'bytes',
      'extra'
    ]);
    expect($$('.jp-SymphonyView-generic tbody tr').map(r => r.textContent)).toEqual([
      'x10',
      '<i>y</i>20true'
    ]);
    expect(host.querySelector('i')).toBeNull();
  });

  it('keeps showing an answer while the next one is quick to come, then says it computes', () => {
    jest.useFakeTimers();
    try {
      const spec = { component: 'summary', variables: ['df'], params: {} };
      const result = viewResult(spec, { rows: 10, filtered_rows: 4, columns: [] });
      const state = { filter: [{ column: 'age', op: 'range' as const, min: 1, max: 2 }] };
      card(base({ result, state }));
      expect($('.jp-SymphonyView-status')?.textContent).toBe('filtered: 4 of 10 rows');
      card(base({ result, state, status: 'loading' }));
      const view = $('.jp-SymphonyView')!;
      // The card says it is loading (to assistive technology, and to tests), but shows and says
      // what it showed until the delay has passed.
      expect(view.getAttribute('data-status')).toBe('loading');
      expect(view.getAttribute('aria-busy')).toBe('true');
      expect(view.getAttribute('data-busy')).toBeNull();
      expect($('.jp-SymphonyView-status')?.textContent).toBe('filtered: 4 of 10 rows');
      act(() => jest.advanceTimersByTime(BUSY_DELAY_MS - 1));
      expect($('.jp-SymphonyView-status')?.textContent).toBe('filtered: 4 of 10 rows');
      act(() => jest.advanceTimersByTime(1));
      expect($('.jp-SymphonyView-status')?.textContent).toBe('computing…');
      expect(view.getAttribute('data-busy')).toBe('true');
      // The answer: shown at once, and the next computation is quiet again.
      card(base({ result, state }));
      expect(view.getAttribute('data-busy')).toBeNull();
      card(base({ result, state, status: 'loading' }));
      expect($('.jp-SymphonyView-status')?.textContent).toBe('filtered: 4 of 10 rows');
      // Progress from the kernel is shown as soon as it comes.
      card(base({ result, state, status: 'loading', progress: { fraction: 0.5, phase: 'hashing rows' } }));
      expect($('.jp-SymphonyView-progressText')?.textContent).toBe('hashing rows… 50%');
    } finally {
      jest.useRealTimers();
    }
  });

  it('draws a card again only when its view, the state or its renderer change', () => {
    const local = new ComponentRegistry();
    const drawn: string[] = [];
    for (const name of ['one', 'two']) {
      local.register(name, {
        component: (props: IViewRendererProps) => {
          drawn.push(props.view.component);
          return <p>{JSON.stringify(props.data)}</p>;
        }
      });
    }
    const answers = new Map<string, (data: unknown) => void>();
    const live = new BoardModel({
      debounce: 0,
      fetchView: (_, request) =>
        new Promise(resolve =>
          answers.set(request.component, data => resolve(viewResult(request, data, { state: request.state as any })))
        )
    });
    live.setKernel('k1');
    const show = () =>
      act(() => root.render(<BoardView board={live} registry={local} trans={trans} />));
    live.changed.connect(show);
    show();
    return (async () => {
      live.open({ component: 'one', variables: ['df'], params: {} });
      live.open({ component: 'two', variables: ['df'], params: {} });
      await act(async () => {
        answers.get('one')!({ n: 1 });
        answers.get('two')!({ n: 2 });
      });
      const shown = () =>
        ['one', 'two'].map(c => $(`.jp-SymphonyView[data-component="${c}"] .jp-SymphonyView-body p`)?.textContent);
      expect(shown()).toEqual(['{"n":1}', '{"n":2}']);
      drawn.length = 0;
      // One view's answer draws that card only.
      live.refresh(live.views.find(v => v.component === 'one')!.id);
      await act(async () => answers.get('one')!({ n: 3 }));
      expect(shown()).toEqual(['{"n":3}', '{"n":2}']);
      expect(drawn.every(name => name === 'one')).toBe(true);
      expect(drawn.length).toBeGreaterThan(0);
      // A new shared state reaches every card.
      drawn.length = 0;
      await act(async () => {
        live.setClause({ column: 'age', op: 'range', min: 1, max: 2 });
        await live.announced();
      });
      expect(new Set(drawn)).toEqual(new Set(['one', 'two']));
      live.dispose();
    })();
  });

  it('collapses, moves and closes through the board', () => {
    const a = board.open({ component: 'summary', variables: ['df'], params: {} })!;
    card(board.views[0]);
    const collapse = $('.jp-SymphonyView-collapse') as HTMLElement;
    expect(collapse.getAttribute('aria-expanded')).toBe('true');
    act(() => collapse.click());
    expect(board.views[0].collapsed).toBe(true);
    card(board.views[0]);
    expect($('.jp-SymphonyView-body')).toBeNull();
    expect(($('.jp-SymphonyView-moveUp') as HTMLButtonElement).disabled).toBe(true);
    act(() => ($('.jp-SymphonyView-close') as HTMLElement).click());
    expect(board.views.map(v => v.id)).not.toContain(a);
  });
});
