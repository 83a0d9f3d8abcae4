/*
 * The panel with findings, suggestions and the board: DOM hooks, opening
 * views, filter chips, hostile strings.
 */
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { act } from 'react';

import { BoardModel } from '../board';
import { CatalogModel } from '../model';
import { ComponentRegistry, stateForView } from '../registry';
import { IViewRequest, IViewResult } from '../tokens';
import { registerRenderers } from '../views';
import { SymphonyPanel } from '../widgets/panel';
import { catalog, dataframe, suggestions, viewResult } from './helpers';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

async function settle(fn: () => void = () => undefined): Promise<void> {
  await act(async () => {
    fn();
    MessageLoop.flush();
  });
}

const source = {
  kernelId: 'k1',
  notebookPath: 'work/titanic.ipynb',
  kernelName: 'Python 3 (ipykernel)',
  kernelStatus: 'idle',
  starting: false
};

const SUMMARY = {
  rows: 3,
  filtered_rows: 3,
  columns_total: 1,
  sampled: false,
  sample_rows: 3,
  columns: [{ name: 'age', dtype: 'int64', kind: 'numeric', missing: 0, distinct: 3 }]
};

describe('SymphonyPanel: findings, suggestions, board', () => {
  let model: CatalogModel;
  let board: BoardModel;
  let registry: ComponentRegistry;
  let panel: SymphonyPanel;
  let requests: IViewRequest[];

  beforeEach(async () => {
    requests = [];
    model = new CatalogModel({ busyDelay: 0 });
    registry = new ComponentRegistry();
    registerRenderers(registry);
    board = new BoardModel({
      debounce: 0,
      stateFor: (spec, state) => stateForView(registry, spec, state),
      fetchView: async (_, request): Promise<IViewResult> => {
        requests.push(request);
        return viewResult(request, request.component === 'summary' ? SUMMARY : {});
      }
    });
    board.follow(model);
    panel = new SymphonyPanel({ model, board, registry });
    await settle(() => Widget.attach(panel, document.body));
    await settle(() => {
      model.setSource(source);
      model.handleCatalog(
        catalog('k1', {
          variables: [dataframe('df'), dataframe('test'), dataframe('train')]
        })
      );
      model.handleSuggestions(suggestions('k1'));
    });
  });

  afterEach(async () => {
    await settle(() => panel.dispose());
    board.dispose();
    model.dispose();
  });

  const $ = (selector: string) => panel.node.querySelector(selector);
  const $$ = (selector: string) => Array.from(panel.node.querySelectorAll(selector));

  it('lists findings with their severity, above the variables', () => {
    const findings = $$('.jp-SymphonyPanel-finding');
    expect(findings.map(f => [f.getAttribute('data-kind'), f.getAttribute('data-severity')])).toEqual([
      ['leakage', 'high'],
      ['mostly_missing', 'medium']
    ]);
    expect(findings[0].tagName).toBe('BUTTON');
    expect(findings[0].querySelector('.jp-SymphonyPanel-severity')?.textContent).toBe('high:');
    expect(findings[0].textContent).toContain('130 rows of test also appear in train');
    const order = $('.jp-SymphonyPanel-findings')!.compareDocumentPosition(
      $('.jp-SymphonyPanel-groups')!
    );
    expect(order & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('draws its variables again for a new catalog or open views, not for every answer of a view', async () => {
    const asked = jest.spyOn(model, 'suggestionsFor');
    // A view opened: the suggestions say which views are open.
    await settle(() => board.open({ component: 'summary', variables: ['df'], params: {} }));
    await settle();
    expect(asked).toHaveBeenCalled();
    expect($('.jp-SymphonyView[data-component="summary"]')?.getAttribute('data-status')).toBe('ready');
    // Its next answers (a new filter, twice) change the board, not the variables.
    asked.mockClear();
    await settle(() => board.setClause({ column: 'age', op: 'range', min: 1, max: 2 }));
    await settle(() => board.announced());
    await settle(() => board.setClause({ column: 'age', op: 'range', min: 1, max: 3 }));
    await settle(() => board.announced());
    await settle();
    expect(requests.at(-1)?.state).toEqual({ filter: [{ column: 'age', op: 'range', min: 1, max: 3 }] });
    expect($('.jp-SymphonyBoard-chip[data-column="age"]')).not.toBeNull();
    expect(asked).not.toHaveBeenCalled();
    // A new catalog: drawn again.
    await settle(() => model.handleSuggestions(suggestions('k1')));
    expect(asked).toHaveBeenCalled();
    asked.mockRestore();
  });

  it('opens a finding’s view on the board', async () => {
    expect($('.jp-SymphonyBoard')).toBeNull();
    await settle(() => ($('.jp-SymphonyPanel-finding') as HTMLElement).click());
    await settle();
    const card = $('.jp-SymphonyBoard .jp-SymphonyView');
    expect(card?.getAttribute('data-component')).toBe('duplicates');
    expect(card?.getAttribute('data-variables')).toBe('test,train');
    expect(requests[0]).toEqual({
      component: 'duplicates',
      variables: ['test', 'train'],
      params: {},
      state: { filter: [] }
    });
    // The opened card takes the focus.
    expect(document.activeElement?.classList.contains('jp-SymphonyView-title')).toBe(true);
  });

  it('lists suggestions under their variable (pairs under the first)', async () => {
    const under = (name: string) =>
      Array.from(
        panel.node.querySelectorAll(
          `.jp-SymphonyPanel-variable[data-name="${name}"] + .jp-SymphonyPanel-suggestions .jp-SymphonyPanel-suggestion`
        )
      ).map(s => [s.getAttribute('data-component'), s.getAttribute('data-variables')]);
    expect(under('df')).toEqual([
      ['missing', 'df'],
      ['summary', 'df']
    ]);
    expect(under('test')).toEqual([
      ['duplicates', 'test,train'],
      ['duplicates', 'test']
    ]);
    expect(under('train')).toEqual([]);
    const pair = $('.jp-SymphonyPanel-suggestion[data-variables="test,train"]')!;
    expect(pair.querySelector('.jp-SymphonyPanel-suggestionTitle')?.textContent).toBe(
      'Duplicates with train'
    );
    expect(pair.textContent).toContain('Leakage: 130 rows');
    await settle(() =>
      ($('.jp-SymphonyPanel-suggestion[data-component="summary"]') as HTMLElement).click()
    );
    await settle();
    expect($('.jp-SymphonyView[data-component="summary"] .jp-SymphonyView-title')?.textContent).toBe(
      'Summary · df'
    );
    expect($('.jp-SymphonyView[data-component="summary"] .jp-SymphonyView-body table')).not.toBeNull();
    expect(
      $('.jp-SymphonyPanel-suggestion[data-component="summary"]')?.getAttribute('data-open')
    ).toBe('true');
  });

  it('shows the filter as chips, each removable', async () => {
    await settle(() => board.open({ component: 'summary', variables: ['df'], params: {} }));
    await settle(() => {
      board.setClause({ column: 'age', op: 'range', min: 20.5, max: 40 });
      board.setClause({ column: 'city', op: 'in', values: ['Paris', null] });
    });
    await settle();
    const chips = $$('.jp-SymphonyBoard-chip');
    expect(chips.map(c => c.textContent)).toEqual([
      'age: 20.5 – 40×',
      'city: Paris, (missing)×'
    ]);
    expect(requests[requests.length - 1].state.filter).toHaveLength(2);
    await settle(() => (chips[0].querySelector('button') as HTMLElement).click());
    expect(board.state.filter.map(c => c.column)).toEqual(['city']);
    await settle();
    expect($('.jp-SymphonyView-status')?.textContent).toBe('the filter keeps all 3 rows');
  });

  it('renders server strings as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    await settle(() =>
      model.handleSuggestions(
        suggestions('k1', {
          suggestions: [
            { component: evil, variables: ['df'], score: 1, reason: evil, params: {} }
          ],
          findings: [
            {
              kind: evil,
              severity: 'high',
              variables: ['df'],
              message: evil,
              component: evil,
              params: {},
              evidence: {}
            }
          ]
        })
      )
    );
    expect(panel.node.querySelector('img')).toBeNull();
    expect($('.jp-SymphonyPanel-findingMessage')?.textContent).toBe(evil);
    expect($('.jp-SymphonyPanel-suggestionReason')?.textContent).toBe(evil);
  });

  it('drops findings about variables that are gone', async () => {
    await settle(() =>
      model.handleCatalog(catalog('k1', { variables: [dataframe('df')] }))
    );
    expect($$('.jp-SymphonyPanel-finding').map(f => f.getAttribute('data-kind'))).toEqual([
      'mostly_missing'
    ]);
  });

  it('sets text between backticks as code, still as text', async () => {
    await settle(() =>
      model.handleSuggestions(
        suggestions('k1', {
          suggestions: [],
          findings: [
            {
              kind: 'mostly_missing',
              severity: 'medium',
              variables: ['df'],
              message: '`<b>income</b>` in df is 70% missing',
              component: 'missing',
              params: {},
              evidence: {}
            }
          ]
        })
      )
    );
    const message = $('.jp-SymphonyPanel-findingMessage');
    expect(message?.textContent).toBe('<b>income</b> in df is 70% missing');
    expect(message?.querySelector('code')?.textContent).toBe('<b>income</b>');
    expect(message?.querySelector('b')).toBeNull();
  });
});
