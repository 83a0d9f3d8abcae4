/*
 * The model views in jsdom: confusion matrix (cells select rows, groups),
 * drift (ranked columns, details), model card; data shaped as the kernel
 * sends it (symphony_lab/components/{confusion,drift,model_card}.py).
 */
import * as React from 'react';
import { act } from 'react';

import { BoardModel } from '../board';
import { IViewRendererProps, IViewSpec } from '../tokens';
import { ConfusionView, parseConfusion } from '../views/confusion';
import { DriftView, formatP, parseDrift } from '../views/drift';
import { formatSeconds, ModelCardView, parseModelCard } from '../views/modelcard';
import { PairingPicker, pairingLabel } from '../views/pairing';
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
const HOSTILE = '<img src=x onerror=alert(1)>';

function draw(Component: React.ComponentType<IViewRendererProps>, spec: IViewSpec, data: unknown) {
  return drawView(root, board, Component, spec, data);
}

const CONFUSION = {
  rows: 114,
  filtered_rows: 114,
  unlabelled: 0,
  label: 'y_test',
  prediction: 'model.predict',
  classes: ['benign', HOSTILE],
  classes_total: 2,
  other: false,
  matrix: [
    [69, 3],
    [3, 39]
  ],
  accuracy: 0.947,
  balanced_accuracy: 0.943,
  macro_f1: 0.943,
  per_class: [
    { class: 'benign', precision: 0.958, recall: 0.958, f1: 0.958, support: 72, predicted: 72 },
    { class: HOSTILE, precision: 0.929, recall: 0.62, f1: 0.93, support: 42, predicted: 42 }
  ],
  groups: null,
  group_columns: ['mean radius', 'site']
};
const SPEC: IViewSpec = { component: 'confusion', variables: ['model', 'X_test', 'y_test'], params: {} };

describe('confusion', () => {
  it('draws counts, rates and metrics, as text', () => {
    draw(ConfusionView, SPEC, CONFUSION);
    expect($('.jp-SymphonyView-lede')?.textContent).toBe(
      'Accuracy 0.95 on 114 rows (balanced 0.94, macro F1 0.94); labels y_test, predictions model.predict.'
    );
    const cells = () => $$('.jp-SymphonyView-confusionView > div .jp-SymphonyView-confusionCell').map(c => c.textContent);
    expect(cells()).toEqual(['69', '3', '3', '39']);
    expect(host.querySelector('img')).toBeNull();
    act(() => ($('.jp-SymphonyView-controls input') as HTMLInputElement).click());
    expect(cells()).toEqual(['0.96', '0.04', '0.07', '0.93']);
    // a weak class's recall stands out
    expect($$('td[data-weak="true"]').map(td => td.textContent)).toEqual(['0.62']);
  });

  it('selects a cell for the other views, and clears it', async () => {
    draw(ConfusionView, SPEC, CONFUSION);
    const button = () => $$('.jp-SymphonyView-confusionCell button')[2] as HTMLButtonElement;
    act(() => button().click());
    await announced(board);
    expect(board.state.selection).toEqual({
      component: 'confusion',
      variables: ['model', 'X_test', 'y_test'],
      params: {},
      spec: { true: HOSTILE, pred: 'benign' },
      label: `true ${HOSTILE}, predicted benign`
    });
    expect(button().getAttribute('aria-pressed')).toBe('true');
    act(() => button().click());
    await announced(board);
    expect(board.state.selection).toBeUndefined();
  });

  it('sets the board group-by and draws one small matrix per group', () => {
    draw(ConfusionView, SPEC, {
      ...CONFUSION,
      groups: {
        column: 'site',
        binned: false,
        items: [
          { value: 'north', rows: 60, accuracy: 0.9, matrix: [[40, 2], [4, 14]] },
          { value: 'south', rows: 54, accuracy: 1, matrix: [[29, 0], [0, 25]] }
        ]
      }
    });
    const select = $('.jp-SymphonyView-groupBy') as HTMLSelectElement;
    act(() => {
      select.value = 'site';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(board.state.groups).toEqual({ column: 'site' });
    expect($$('.jp-SymphonyView-groupMatrix figcaption').map(f => f.textContent)).toEqual([
      'northaccuracy 0.90 · n=60',
      'southaccuracy 1.00 · n=54'
    ]);
  });

  it('refuses data of the wrong shape', () => {
    expect(parseConfusion({ ...CONFUSION, matrix: [[1, 2]] })).toBeNull();
    expect(parseConfusion({ ...CONFUSION, matrix: [[1, -2], [3, 4]] })).toBeNull();
    expect(parseConfusion({ ...CONFUSION, other: true })).toBeNull(); // k+1 rows expected
  });
});

describe('drift', () => {
  const DRIFT = {
    rows_current: 114,
    rows_reference: 455,
    filtered_current: 114,
    filtered_reference: 455,
    sampled: false,
    columns_total: 2,
    columns: [
      {
        column: 'texture',
        kind: 'numeric',
        measure: 'ks',
        statistic: 0.74,
        p_value: 1e-40,
        psi: 5.5,
        significant: true,
        mean_shift_sd: 1.9,
        missing_current: 0,
        missing_reference: 0,
        histogram: { edges: [0, 1, 2], current: [0.2, 0.8], reference: [0.7, 0.3], datetime: false }
      },
      {
        column: HOSTILE,
        kind: 'categorical',
        measure: 'tvd',
        statistic: 0.05,
        p_value: null,
        psi: 0.01,
        significant: false,
        missing_current: 0.1,
        missing_reference: 0,
        new_values: ['zz'],
        categories: { values: ['a', 'b'], current: [0.5, 0.5], reference: [0.55, 0.45], others: 0 }
      }
    ]
  };

  it('ranks the columns and opens the details of one', () => {
    draw(DriftView, { component: 'drift', variables: ['X_test', 'X_train'], params: {} }, DRIFT);
    expect($('.jp-SymphonyView-lede')?.textContent).toBe('1 of 2 columns moved from X_train (455 rows) to X_test (114 rows).');
    expect($$('tbody tr').map(tr => tr.getAttribute('data-significant'))).toEqual(['true', 'false']);
    expect($$('.jp-SymphonyView-driftValue').map(e => e.textContent)).toEqual(['KS 0.74 p<0.001', 'TV distance 0.05']);
    expect(host.querySelector('img')).toBeNull();
    const second = $$('.jp-SymphonyView-disclosure')[1] as HTMLButtonElement;
    act(() => second.click());
    expect(second.getAttribute('aria-expanded')).toBe('true');
    expect($('.jp-SymphonyView-driftRow .jp-SymphonyView-note')?.textContent).toContain('Values never seen in X_train: zz.');
    expect($$('.jp-SymphonyView-driftCurrent')).toHaveLength(2);
  });

  it('parses p-values and rejects bad data', () => {
    expect(formatP(0.0004)).toBe('p<0.001');
    expect(formatP(0.25)).toBe('p=0.250');
    expect(parseDrift({ columns: [{ column: 'a' }] })).toBeNull();
    expect(parseDrift(DRIFT)?.columns[0].histogram?.edges).toEqual([0, 1, 2]);
  });
});

describe('model card', () => {
  const CARD = {
    name: 'model',
    type: 'sklearn.ensemble._forest.RandomForestClassifier',
    task: 'classifier',
    params: { n_estimators: 100, max_depth: 6, criterion: HOSTILE },
    n_features: 32,
    features: ['a', 'b'],
    classes: ['0', '1'],
    size_bytes: 276083,
    latency: { batch_rows: 114, per_row_seconds: 0.0000512, single_row_seconds: 0.0071 },
    importances: [
      { feature: 'worst perimeter', value: 0.18, kind: 'importance' },
      { feature: 'a', value: 0.09, kind: 'importance' }
    ],
    splits: [
      { features: 'X_test', labels: 'y_test', rows: 114, accuracy: 0.85, macro_f1: 0.84 },
      { features: 'X_train', labels: 'y_train', rows: 455, accuracy: 1.0, macro_f1: 1.0 }
    ]
  };

  it('shows facts, metrics side by side, overfitting, importances', () => {
    draw(ModelCardView, { component: 'model_card', variables: ['model', 'X_test', 'y_test'], params: {} }, CARD);
    const facts = $$('.jp-SymphonyView-modelCard > .jp-SymphonyView-facts dd').map(d => d.textContent);
    expect(facts[0]).toBe('RandomForestClassifier');
    expect(facts[3]).toBe('51.2 µs per row in a batch of 114; 7.10 ms for one row alone');
    expect($$('.jp-SymphonyView-splits thead th').map(t => t.textContent)).toEqual(['Metric', 'X_test', 'X_train']);
    expect($$('.jp-SymphonyView-splits tbody tr').map(t => t.textContent)).toEqual([
      'Rows114455',
      'Accuracy0.851',
      'Macro F10.841'
    ]);
    expect($('[data-warning="overfit"]')?.textContent).toContain('0.15 higher on X_train than on X_test');
    expect(host.querySelector('img')).toBeNull();
    expect(formatSeconds(2.5)).toBe('2.50 s');
    expect(parseModelCard({ type: 1 })).toBeNull();
  });
});

describe('pairing picker', () => {
  const options = [
    { kind: 'model' as const, variables: ['model', 'X_test', 'y_test'], task: 'classifier', rows: 114, reason: 'r1', split: 'test' as const, params: {} },
    { kind: 'model' as const, variables: ['model', 'X_train', 'y_train'], task: 'classifier', rows: 455, reason: 'r2', split: 'train' as const, params: {} }
  ];

  it('moves a model view to another split, in place, keeping its parameters', () => {
    const id = board.open({ ...SPEC, params: { max_classes: 5 } })!;
    board.open({ component: 'summary', variables: ['df'], params: {} });
    const view = board.views.find(v => v.id === id)!;
    const result = { ...viewResult(view, CONFUSION), pairings: options };
    act(() => root.render(<PairingPicker view={view} result={result} board={board} trans={trans} />));
    const select = $('.jp-SymphonyView-pickPairing') as HTMLSelectElement;
    expect(Array.from(select.options).map(o => o.textContent)).toEqual([
      'X_test + y_test (test, 114 rows)',
      'X_train + y_train (train, 455 rows)'
    ]);
    expect(select.value).toBe('0');
    act(() => {
      select.value = '1';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(board.views.map(v => [v.component, v.variables.join(','), v.params])).toEqual([
      ['summary', 'df', {}],
      ['confusion', 'model,X_train,y_train', { max_classes: 5 }]
    ]);
    expect(board.views[1].id).toBe(id);
  });

  it('picks the label and prediction columns of one frame', () => {
    const id = board.open({ component: 'confusion', variables: ['scores'], params: { label: 'y', prediction: 'p' } })!;
    const view = board.views.find(v => v.id === id)!;
    const result = viewResult(view, CONFUSION);
    act(() =>
      root.render(<PairingPicker view={view} result={result} board={board} trans={trans} columns={['y', 'p', 'p2']} />)
    );
    const prediction = $('.jp-SymphonyView-pick-prediction') as HTMLSelectElement;
    act(() => {
      prediction.value = 'p2';
      prediction.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(board.views[0].params).toEqual({ label: 'y', prediction: 'p2' });
    expect(pairingLabel({ ...options[0], params: { label: 'target' }, split: null }, trans)).toBe('X_test + y_test [target] (114 rows)');
  });
});
