/*
 * The subgroups and label-issues views in jsdom, with data shaped as the
 * kernel sends it (symphony_lab/components/{subgroups,label_issues}.py):
 * ranked slices with intervals, selections into the board, breakdown
 * pickers, pages of likely label errors; strings from user data are text.
 */
import * as React from 'react';
import { act } from 'react';

import { BoardModel } from '../board';
import { IViewRendererProps, IViewSpec } from '../tokens';
import { LabelIssuesView, methodText, parseLabelIssues } from '../views/label_issues';
import { parseCondition, parseSubgroups, sameSlice, scaleMax, SubgroupsView } from '../views/subgroups';
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
const HOSTILE = '<img src=x onerror=alert(1)>';

function draw(Component: React.ComponentType<IViewRendererProps>, spec: IViewSpec, data: unknown) {
  return drawView(root, board, Component, spec, data);
}

const WORST = {
  label: 'sex=F & age>75',
  conditions: [
    { column: 'sex', op: 'eq', value: 'F' },
    { column: 'age', op: 'range', min: 75, max: null }
  ],
  n: 214,
  value: 0.61,
  low: 0.54,
  high: 0.67,
  gap: 0.27,
  worse: 0.21,
  significant: true
};
const SUBGROUPS = {
  task: 'classifier',
  metric: 'accuracy',
  higher_is_better: true,
  rows: 6000,
  filtered_rows: 6000,
  label: 'y_test',
  prediction: 'clf.predict',
  overall: { n: 6000, value: 0.88, low: 0.87, high: 0.89 },
  evaluated_rows: 6000,
  slices: [
    WORST,
    {
      label: `${HOSTILE}=a`,
      conditions: [{ column: HOSTILE, op: 'eq', value: 'a' }],
      n: 40,
      value: 0.85,
      low: 0.7,
      high: 0.93,
      gap: 0.03,
      worse: -0.05,
      significant: false
    }
  ],
  search: {
    columns: ['age', 'sex', HOSTILE],
    columns_total: 4,
    left_out: ['id'],
    depth: 3,
    sampled: false,
    sample_rows: 6000,
    min_support: 30,
    slices_tried: 681
  },
  breakdown: null,
  group_columns: ['age', 'sex', 'plan']
};
const SPEC: IViewSpec = { component: 'subgroups', variables: ['clf', 'X_test', 'y_test'], params: {} };

describe('subgroups', () => {
  it('ranks the slices with their sizes and intervals, as text', () => {
    draw(SubgroupsView, SPEC, SUBGROUPS);
    expect($('.jp-SymphonyView-lede')?.textContent).toBe(
      'Accuracy 0.88 overall on 6,000 rows (95%: 0.87 to 0.89); 1 of the subgroups below are worse beyond doubt.'
    );
    const rows = $$('.jp-SymphonyView-slices tbody tr');
    expect(rows.map(r => r.querySelector('.jp-SymphonyView-sliceLabel')?.getAttribute('aria-label'))).toEqual([
      'sex=F & age>75',
      `${HOSTILE}=a`
    ]);
    expect(rows.map(r => r.getAttribute('data-significant'))).toEqual(['true', 'false']);
    expect(host.querySelector('img')).toBeNull();
    const first = Array.from(rows[0].querySelectorAll('td'));
    expect(rows[0].getAttribute('data-rank')).toBe('1');
    expect([first[0].querySelector('.jp-SymphonyView-sliceLabel'), first[1], first[2]].map(td => td?.textContent)).toEqual([
      'sex=F &age>75',
      '214',
      '0.61'
    ]);
    // one condition a line
    expect($$('tbody tr:first-child .jp-SymphonyView-condition').map(c => c.textContent)).toEqual(['sex=F &', 'age>75']);
    // the bar: value, interval and the overall line on a 0..1 scale
    const svg = rows[0].querySelector('svg')!;
    expect(svg.querySelector('.jp-SymphonyView-intervalFill')?.getAttribute('width')).toBe('61');
    expect(svg.querySelector('.jp-SymphonyView-intervalRange')?.getAttribute('x1')).toBe('54');
    expect(svg.querySelector('.jp-SymphonyView-intervalOverall')?.getAttribute('x1')).toBe('88');
    expect(svg.getAttribute('aria-label')).toBe('accuracy 0.61 (95%: 0.54 to 0.67) against 0.88 overall');
    expect($('.jp-SymphonyView-subgroups > .jp-SymphonyView-note')?.textContent).toContain(
      'Searched 3 columns, up to 3 at a time: 681 subgroups of at least 30 rows'
    );
    expect($('.jp-SymphonyView-subgroups > .jp-SymphonyView-note')?.textContent).toContain('Not sliced (identifiers, dates or one value): id.');
  });

  it('selects a slice for the other views, and clears it', async () => {
    draw(SubgroupsView, SPEC, SUBGROUPS);
    const row = () => $$('.jp-SymphonyView-slices tbody tr')[0] as HTMLElement;
    act(() => row().click());
    await announced(board);
    expect(board.state.selection).toEqual({
      component: 'subgroups',
      variables: ['clf', 'X_test', 'y_test'],
      params: {},
      spec: { conditions: WORST.conditions },
      label: 'sex=F & age>75'
    });
    expect(row().getAttribute('aria-selected')).toBe('true');
    act(() => row().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    await announced(board);
    expect(board.state.selection).toBeUndefined();
  });

  it('picks the columns to break down by, and draws the breakdown', () => {
    const view = draw(SubgroupsView, SPEC, {
      ...SUBGROUPS,
      breakdown: {
        column: 'plan',
        by: null,
        binned: false,
        items: [
          { label: 'plan=basic', conditions: [{ column: 'plan', op: 'eq', value: 'basic' }], n: 10, value: 0.5, low: 0.2, high: 0.8 },
          { label: 'plan missing', conditions: [{ column: 'plan', op: 'missing' }], n: 5, value: 1, low: 0.6, high: 1 }
        ]
      }
    });
    const pick = $('.jp-SymphonyView-pickColumn') as HTMLSelectElement;
    act(() => {
      pick.value = 'plan';
      pick.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(board.views.find(v => v.id === view.id)?.params).toEqual({ column: 'plan' });
    expect($$('.jp-SymphonyView-subhead').map(h => h.textContent)).toEqual(['Where the model is worst', 'By plan']);
    const tables = $$('.jp-SymphonyView-slices');
    expect(Array.from(tables[1].querySelectorAll('.jp-SymphonyView-sliceLabel')).map(td => td.getAttribute('aria-label'))).toEqual([
      'plan=basic',
      'plan missing'
    ]);
    // a second column appears once one is chosen
    const by = $('.jp-SymphonyView-pickBy') as HTMLSelectElement;
    expect(Array.from(by.options).map(o => o.value)).toEqual(['', 'age', 'sex']);
  });

  it('shows errors for a regressor on a scale of its own', () => {
    const data = parseSubgroups({
      ...SUBGROUPS,
      task: 'regressor',
      metric: 'mae',
      higher_is_better: false,
      overall: { n: 100, value: 4, low: 3.5, high: 4.5, rmse: 5 },
      slices: [{ ...WORST, value: 20, low: 15, high: 25, rmse: 30 }]
    })!;
    expect(data.higherIsBetter).toBe(false);
    expect(scaleMax(data)).toBeCloseTo(26.25);
    draw(SubgroupsView, SPEC, { ...SUBGROUPS, task: 'regressor', overall: { n: 100, value: 4, low: 3.5, high: 4.5, rmse: 5 } });
    expect($('.jp-SymphonyView-lede')?.textContent).toContain('Mean absolute error 4 overall on 100 rows (95%: 3.5 to 4.5), RMSE 5');
    expect($$('.jp-SymphonyView-slices thead th').map(th => th.textContent)).toContain('RMSE');
  });

  it('refuses data of the wrong shape', () => {
    expect(parseSubgroups({ ...SUBGROUPS, task: 'clustering' })).toBeNull();
    expect(parseSubgroups({ ...SUBGROUPS, overall: null })).toBeNull();
    expect(parseSubgroups({ ...SUBGROUPS, slices: 'all' })).toBeNull();
    expect(parseCondition({ column: 'a', op: 'exec' })).toBeNull();
    expect(parseCondition({ column: 'a', op: 'range', min: 'x', max: 3 })).toEqual({ column: 'a', op: 'range', min: null, max: 3 });
    // a slice with an unknown condition is left out, not drawn half
    const data = parseSubgroups({ ...SUBGROUPS, slices: [WORST, { ...WORST, conditions: [{ op: 'eq' }] }] })!;
    expect(data.slices).toHaveLength(1);
    expect(sameSlice(WORST.conditions, data.slices[0].conditions)).toBe(true);
  });
});

const ISSUES = {
  rows: 3000,
  filtered_rows: 3000,
  labelled: 3000,
  label: 'y_train',
  method: 'out_of_fold',
  out_of_fold: true,
  folds: 5,
  seconds: 1.25,
  note: '5-fold cross-validation of a clone',
  issues_total: 23,
  issues_filtered: 23,
  fraction: 23 / 3000,
  classes: [
    { class: 'cat', threshold: 0.9, given: 1000, issues: 10 },
    { class: HOSTILE, threshold: 0.8, given: 2000, issues: 13 }
  ],
  pairs: [
    { given: HOSTILE, suggested: 'cat', count: 13 },
    { given: 'cat', suggested: HOSTILE, count: 10 }
  ],
  columns: ['f0', 'f1'],
  page: 0,
  page_size: 20,
  items: [
    { position: 17, index: 1017, given: HOSTILE, suggested: 'cat', self_confidence: 0.01, suggested_confidence: 0.99, values: [1.5, HOSTILE] },
    { position: 3, index: 1003, given: 'cat', suggested: HOSTILE, self_confidence: 0.04, suggested_confidence: 0.9, values: [0.1, null] }
  ]
};
const ISSUES_SPEC: IViewSpec = { component: 'label_issues', variables: ['clf', 'X_train', 'y_train'], params: {} };

describe('label issues', () => {
  it('says how the probabilities were had and lists the likely errors', () => {
    draw(LabelIssuesView, ISSUES_SPEC, ISSUES);
    expect($('.jp-SymphonyView-lede')?.textContent).toBe(
      '23 of 3,000 labelled rows of y_train look mislabelled (0.8%), from out-of-fold probabilities (5 folds, 1.3 s).'
    );
    expect($$('tbody tr').map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent))).toEqual([
      ['1,017', HOSTILE, 'cat', '0.01', '0.99', '1.5', HOSTILE],
      ['1,003', 'cat', HOSTILE, '0.04', '0.90', '0.1', '∅']
    ]);
    expect(host.querySelector('img')).toBeNull();
    expect($('.jp-SymphonyView-note')?.getAttribute('data-warning')).toBeNull();
    // pages
    const many = { ...ISSUES, issues_total: 45, issues_filtered: 45 };
    const view = draw(LabelIssuesView, ISSUES_SPEC, many);
    act(() => ($('.jp-SymphonyView-next') as HTMLButtonElement).click());
    expect(board.views.find(v => v.id === view.id)?.params).toEqual({ page: 1 });
  });

  it('warns when the probabilities are not out-of-fold', () => {
    const data = { ...ISSUES, method: 'model', out_of_fold: false, folds: null, note: 'would take about 40 s; not out-of-fold' };
    draw(LabelIssuesView, ISSUES_SPEC, data);
    expect($('.jp-SymphonyView-lede')?.textContent).toContain("the model's own probabilities (not out-of-fold)");
    expect($('.jp-SymphonyView-note')?.getAttribute('data-warning')).toBe('true');
    expect(methodText(parseLabelIssues({ ...ISSUES, method: 'given' })!, trans)).toBe('the probabilities given');
  });

  it('selects every issue, a mix-up, or one row', async () => {
    draw(LabelIssuesView, ISSUES_SPEC, ISSUES);
    const all = () => $('.jp-SymphonyView-selectAll') as HTMLButtonElement;
    act(() => all().click());
    await announced(board);
    expect(board.state.selection?.spec).toEqual({ all: true });
    expect(board.state.selection?.label).toBe('23 likely label errors');
    expect(all().textContent).toBe('Clear the selection');
    act(() => all().click());
    await announced(board);
    expect(board.state.selection).toBeUndefined();
    const mixup = () => $$('.jp-SymphonyView-mixup')[0] as HTMLButtonElement;
    act(() => mixup().click());
    await announced(board);
    expect(board.state.selection?.spec).toEqual({ given: HOSTILE, suggested: 'cat' });
    expect(mixup().getAttribute('aria-pressed')).toBe('true');
    const row = () => $$('tbody tr')[1] as HTMLElement;
    act(() => row().click());
    await announced(board);
    expect(board.state.selection).toEqual({
      component: 'label_issues',
      variables: ['clf', 'X_train', 'y_train'],
      params: {},
      spec: { position: 3 },
      label: 'row 1,003 (labelled cat)'
    });
    expect(row().getAttribute('aria-selected')).toBe('true');
    act(() => row().click());
    await announced(board);
    expect(board.state.selection).toBeUndefined();
  });

  it('refuses data of the wrong shape', () => {
    expect(parseLabelIssues({ ...ISSUES, method: 'guess' })).toBeNull();
    expect(parseLabelIssues({ ...ISSUES, items: null })).toBeNull();
    expect(parseLabelIssues({ ...ISSUES, items: [{ index: 1 }] })?.items).toEqual([]);
  });
});
