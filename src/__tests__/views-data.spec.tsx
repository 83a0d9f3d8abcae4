/*
 * The table, correlations and outliers renderers in jsdom: they draw what
 * the kernel sends, as text; the table's headers sort and its pager pages
 * through the board's parameters.
 */
import * as React from 'react';
import { act } from 'react';

import { BoardModel } from '../board';
import { ComponentRegistry } from '../registry';
import { IBoardView, IViewRendererProps, IViewSpec } from '../tokens';
import { registerRenderers } from '../views';
import { CorrelationsView, formatCoefficient } from '../views/correlations';
import { OutliersView } from '../views/outliers';
import { nextSort, TableView } from '../views/table';
import { createRoot, drawView, mountStage, unmountStage } from './render';



const HOSTILE = '<img src=x onerror=alert(1)>';

let host: HTMLElement;
let root: ReturnType<typeof createRoot>;
let board: BoardModel;

beforeEach(() => {
  ({ host, root, board } = mountStage());
});

afterEach(() => unmountStage({ host, root, board }));

/** Start again with a new board and root (no listener of the old board left). */
function fresh(): void {
  act(() => root.unmount());
  board.dispose();
  root = createRoot(host);
  board = new BoardModel();
  board.setKernel('k1');
}

const $ = (selector: string) => host.querySelector(selector);
const $$ = (selector: string) => Array.from(host.querySelectorAll(selector));
const click = (selector: string) =>
  act(() => ($(selector) as HTMLElement).click());

/** Render a renderer with the view opened on the board and its data. */
function draw(
  Component: React.ComponentType<IViewRendererProps>,
  spec: IViewSpec,
  data: unknown
): IBoardView {
  return drawView(root, board, Component, spec, data);
}

/** Nothing but text came from the kernel's strings. */
function expectNoMarkup(): void {
  expect(host.querySelector('img, b, i, script')).toBeNull();
}

describe('table', () => {
  const page = (overrides: Record<string, unknown> = {}) => ({
    rows: 130,
    filtered_rows: 120,
    page: 0,
    page_size: 50,
    pages: 3,
    sort: null,
    descending: false,
    columns: [
      { name: 'age', dtype: 'float64', kind: 'numeric' },
      { name: 'city', dtype: 'object', kind: 'text' },
      { name: HOSTILE, dtype: 'object', kind: 'text' }
    ],
    columns_total: 3,
    index: [10, HOSTILE, 12],
    values: [
      [22.5, 'Lyon', null],
      [null, '<b>Lille</b>', HOSTILE],
      [40, 'Paris', 'x']
    ],
    ...overrides
  });
  const spec = { component: 'table', variables: ['df'], params: {} };

  it('draws the page under sortable headers, as text', () => {
    draw(TableView, spec, page());
    const heads = $$('thead th[data-column]');
    expect(heads.map(th => th.getAttribute('data-column'))).toEqual(['age', 'city', HOSTILE]);
    expect(heads.map(th => th.querySelector('.jp-SymphonyView-dtype')?.textContent)).toEqual([
      'float64',
      'object',
      'object'
    ]);
    // Headers are buttons, unsorted.
    expect(heads.every(th => th.querySelector('button.jp-SymphonyView-sortButton'))).toBe(true);
    expect(heads.map(th => th.getAttribute('aria-sort'))).toEqual(['none', 'none', 'none']);
    const rows = $$('tbody tr');
    expect(rows).toHaveLength(3);
    expect(rows.map(r => r.querySelector('th')?.textContent)).toEqual(['10', HOSTILE, '12']);
    expect(Array.from(rows[1].querySelectorAll('td')).map(td => td.textContent)).toEqual([
      '—',
      '<b>Lille</b>',
      HOSTILE
    ]);
    // Missing values are a muted dash.
    expect(rows[0].querySelector('td[data-type="null"] .jp-SymphonyView-null')?.textContent).toBe('—');
    expect(rows[0].querySelector('td[data-type="number"]')?.textContent).toBe('22.5');
    expectNoMarkup();
    expect($('.jp-SymphonyView-rowInfo')?.textContent).toBe('rows 1–3 of 120');
    expect($('.jp-SymphonyView-pageInfo')?.textContent).toBe('page 1 of 3');
  });

  it('sorts on a header click: ascending, descending, then none', () => {
    draw(TableView, spec, page());
    const sortBy = (i: number) =>
      act(() => ($$('thead th[data-column] button')[i] as HTMLElement).click());
    sortBy(0);
    expect(board.views[0].params).toEqual({ sort: 'age', descending: false, page: 0 });
    sortBy(0);
    expect(board.views[0].params).toEqual({ sort: 'age', descending: true, page: 0 });
    sortBy(0);
    expect(board.views[0].params).toEqual({ sort: null, descending: false, page: 0 });
    sortBy(2);
    expect(board.views[0].params).toEqual({ sort: HOSTILE, descending: false, page: 0 });
    // Another column starts ascending again.
    sortBy(1);
    expect(board.views[0].params).toEqual({ sort: 'city', descending: false, page: 0 });
  });

  it('marks the sorted column from the kernel and resets the page on sorting', () => {
    draw(TableView, spec, page({ page: 2, sort: 'city', descending: true }));
    const city = $('thead th[data-column="city"]')!;
    expect(city.getAttribute('aria-sort')).toBe('descending');
    expect(city.querySelector('.jp-SymphonyView-sortMark')?.textContent).toBe('▼');
    act(() => (city.querySelector('button') as HTMLElement).click());
    expect(board.views[0].params).toEqual({ sort: null, descending: false, page: 0 });
  });

  it('pages with first, previous, next and last', () => {
    draw(TableView, spec, page());
    expect(($('.jp-SymphonyView-first') as HTMLButtonElement).disabled).toBe(true);
    expect(($('.jp-SymphonyView-prev') as HTMLButtonElement).disabled).toBe(true);
    click('.jp-SymphonyView-next');
    expect(board.views[0].params).toEqual({ page: 1 });
    click('.jp-SymphonyView-last');
    expect(board.views[0].params).toEqual({ page: 2 });
  });

  it('pages back from the middle and stops at the last page', () => {
    draw(TableView, spec, page({ page: 1 }));
    expect($('.jp-SymphonyView-rowInfo')?.textContent).toBe('rows 51–53 of 120');
    expect($('.jp-SymphonyView-pageInfo')?.textContent).toBe('page 2 of 3');
    click('.jp-SymphonyView-prev');
    expect(board.views[0].params).toEqual({ page: 0 });
    fresh();
    draw(TableView, spec, page({ page: 2 }));
    expect(($('.jp-SymphonyView-next') as HTMLButtonElement).disabled).toBe(true);
    expect(($('.jp-SymphonyView-last') as HTMLButtonElement).disabled).toBe(true);
    click('.jp-SymphonyView-first');
    expect(board.views[0].params).toEqual({ page: 0 });
  });

  it('notes columns left out, and says so when the data has another shape', () => {
    draw(TableView, spec, page({ columns_total: 240 }));
    expect($('.jp-SymphonyView-note')?.textContent).toBe('Showing the first 3 of 240 columns.');
    fresh();
    draw(TableView, spec, { rows: 'x' });
    expect($('.jp-SymphonyView-unexpected')).not.toBeNull();
  });

  it('cycles sorts with nextSort', () => {
    expect(nextSort({ sort: null, descending: false }, 'a')).toEqual({ sort: 'a', descending: false });
    expect(nextSort({ sort: 'a', descending: false }, 'a')).toEqual({ sort: 'a', descending: true });
    expect(nextSort({ sort: 'a', descending: true }, 'a')).toEqual({ sort: null, descending: false });
    expect(nextSort({ sort: 'a', descending: true }, 'b')).toEqual({ sort: 'b', descending: false });
  });
});

describe('correlations', () => {
  const data = {
    rows: 1030,
    filtered_rows: 1030,
    sampled: false,
    method: 'spearman',
    columns: [
      { name: 'age', kind: 'numeric' },
      { name: 'income', kind: 'numeric' },
      { name: HOSTILE, kind: 'categorical' }
    ],
    matrix: [
      [1, -0.6234, 0.31],
      [-0.6234, 1, 0.05],
      [0.31, 0.05, 1]
    ],
    strongest: [
      { a: 'age', b: 'income', value: -0.6234 },
      { a: 'age', b: HOSTILE, value: 0.31 },
      { a: 'income', b: HOSTILE, value: 0.05 }
    ]
  };
  const spec = { component: 'correlations', variables: ['df'], params: {} };

  it('draws the matrix with diverging colours and the values as tooltips', () => {
    draw(CorrelationsView, spec, data);
    expect($$('.jp-SymphonyView-heatCol').map(th => th.textContent)).toEqual(['age', 'income', HOSTILE]);
    expect($$('.jp-SymphonyView-heatRow').map(th => th.textContent)).toEqual(['age', 'income', HOSTILE]);
    const cells = $$('.jp-SymphonyView-heatCell');
    expect(cells).toHaveLength(9);
    const ageIncome = cells[1];
    expect(ageIncome.getAttribute('title')).toBe('age × income: −0.62 (Spearman)');
    expect(ageIncome.getAttribute('data-sign')).toBe('negative');
    expect(ageIncome.getAttribute('data-measure')).toBe('correlation');
    expect(ageIncome.textContent).toBe('−0.62');
    const ageCat = cells[2];
    expect(ageCat.getAttribute('data-measure')).toBe('association');
    expect(ageCat.getAttribute('title')).toBe(`age × ${HOSTILE}: 0.31 (correlation ratio)`);
    expect(cells[0].getAttribute('data-diagonal')).toBe('true');
    expect($('.jp-SymphonyView-lede')?.textContent).toContain('Spearman correlation of numeric pairs');
    expectNoMarkup();
  });

  it('lists the strongest pairs', () => {
    draw(CorrelationsView, spec, data);
    const pairs = $$('.jp-SymphonyView-pair');
    expect(pairs.map(p => p.textContent)).toEqual([
      'age × income−0.62',
      `age × ${HOSTILE}0.31`,
      `income × ${HOSTILE}0.05`
    ]);
    expect(pairs[0].getAttribute('data-sign')).toBe('negative');
    expect(pairs[1].getAttribute('data-measure')).toBe('association');
    expectNoMarkup();
  });

  it('says when there is nothing to correlate, or the matrix does not fit', () => {
    draw(CorrelationsView, spec, { ...data, columns: [{ name: 'a', kind: 'numeric' }], matrix: [[1]], strongest: [] });
    expect($('.jp-SymphonyView-note')?.textContent).toContain('nothing to correlate');
    fresh();
    draw(CorrelationsView, spec, { ...data, matrix: [[1, 0], [0, 1]] });
    expect($('.jp-SymphonyView-unexpected')).not.toBeNull();
  });

  it('formats coefficients with a true minus', () => {
    expect(formatCoefficient(-0.6234)).toBe('−0.62');
    expect(formatCoefficient(1)).toBe('1.00');
    expect(formatCoefficient(-0.001)).toBe('0.00');
  });
});

describe('outliers', () => {
  const data = {
    rows: 1030,
    filtered_rows: 1000,
    sampled: false,
    sample_rows: 1000,
    columns: ['age', 'income', HOSTILE],
    preview_columns: ['age', 'income', HOSTILE],
    median_score: 1.5,
    outliers: [
      { index: 'r7', score: 12, because: ['income', HOSTILE], values: [30, 900000, '<b>z</b>'] },
      { index: HOSTILE, score: 6, because: ['age'], values: [99, null, 'a'] }
    ]
  };
  const spec = { component: 'outliers', variables: ['df'], params: {} };

  it('ranks the rows with score bars, the columns to blame and their values', () => {
    draw(OutliersView, spec, data);
    expect($('.jp-SymphonyView-lede')?.textContent).toContain(
      'The 2 rows most unlike the other 1,000, scored on 3 columns.'
    );
    expect($$('thead th').map(th => th.textContent)).toEqual([
      '#',
      'Index',
      'Score',
      'Because of',
      'age',
      'income',
      HOSTILE
    ]);
    const rows = $$('tbody tr.jp-SymphonyView-outlier');
    expect(rows).toHaveLength(2);
    expect(rows.map(r => r.querySelector('th')?.textContent)).toEqual(['r7', HOSTILE]);
    expect(rows[0].querySelector('td')?.textContent).toBe('1');
    expect(rows.map(r => r.querySelector('.jp-SymphonyView-scoreValue')?.textContent)).toEqual(['12', '6']);
    const fills = rows.map(r => (r.querySelector('.jp-SymphonyView-barFill') as HTMLElement).style.width);
    expect(fills).toEqual(['100%', '50%']);
    expect((rows[0].querySelector('.jp-SymphonyView-median') as HTMLElement).style.left).toBe('12.5%');
    expect(
      Array.from(rows[0].querySelectorAll('.jp-SymphonyView-becauseChip')).map(c => c.textContent)
    ).toEqual(['income', HOSTILE]);
    const values = Array.from(rows[0].querySelectorAll('td')).slice(3);
    expect(values.map(td => td.textContent)).toEqual(['30', '900K', '<b>z</b>']);
    expect(values.map(td => td.getAttribute('data-because'))).toEqual([null, 'true', 'true']);
    expectNoMarkup();
  });

  it('says when nothing could be scored, or the data has another shape', () => {
    draw(OutliersView, spec, { rows: 3, filtered_rows: 3, columns: [], outliers: [] });
    expect($('.jp-SymphonyView-note')?.textContent).toContain('No column of df can be scored');
    fresh();
    draw(OutliersView, spec, { outliers: 'nope' });
    expect($('.jp-SymphonyView-unexpected')).not.toBeNull();
  });
});

describe('registration', () => {
  it('registers the three renderers through the registry like the others', () => {
    const registry = new ComponentRegistry();
    registerRenderers(registry);
    for (const name of ['table', 'correlations', 'outliers']) {
      expect(registry.get(name)).not.toBeNull();
    }
    expect(registry.title('outliers')).toBe('Outliers');
    expect(
      registry.get('table')!.describe!({
        component: 'table',
        variables: ['df'],
        params: { sort: 'age', descending: true }
      })
    ).toBe('by age ↓');
  });
});
