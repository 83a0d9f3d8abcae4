import * as React from 'react';

import { CatalogModel } from '../model';
import { ComponentRegistry, describeView, stateForView } from '../registry';
import {
  groupSuggestions,
  liveFindings,
  stableStringify,
  viewKey
} from '../suggestions';
import { distributionRenderer, RENDERERS, registerRenderers } from '../views';
import { catalog, dataframe, suggestions } from './helpers';

describe('groupSuggestions', () => {
  it('groups by the first variable, in the server’s order', () => {
    const groups = groupSuggestions(suggestions('k1').suggestions);
    expect(Array.from(groups.keys())).toEqual(['test', 'df']);
    expect(groups.get('test')!.map(s => [s.component, s.variables])).toEqual([
      ['duplicates', ['test', 'train']],
      ['duplicates', ['test']]
    ]);
    expect(groups.get('df')!.map(s => s.component)).toEqual(['missing', 'summary']);
    expect(groups.get('train')).toBeUndefined();
  });

  it('lists the same view once', () => {
    const s = suggestions('k1').suggestions[1];
    const groups = groupSuggestions([s, { ...s, reason: 'again', score: 0.2 }]);
    expect(groups.get('df')).toEqual([s]);
  });
});

describe('liveFindings', () => {
  it('keeps findings about variables that are still there', () => {
    const findings = suggestions('k1').findings;
    expect(liveFindings(findings, new Set(['df', 'test', 'train']))).toEqual(findings);
    expect(liveFindings(findings, new Set(['df', 'test'])).map(f => f.kind)).toEqual([
      'mostly_missing'
    ]);
  });
});

describe('viewKey', () => {
  it('ignores the order of parameters and the page', () => {
    const a = viewKey({
      component: 'distribution',
      variables: ['df'],
      params: { column: 'age', by: 'sex', page: 2 }
    });
    const b = viewKey({
      component: 'distribution',
      variables: ['df'],
      params: { by: 'sex', column: 'age' }
    });
    expect(a).toBe(b);
    expect(
      viewKey({ component: 'duplicates', variables: ['a', 'b'], params: {} })
    ).not.toBe(viewKey({ component: 'duplicates', variables: ['b', 'a'], params: {} }));
    expect(stableStringify({ b: [1, { d: 1, c: null }], a: undefined })).toBe(
      '{"b":[1,{"c":null,"d":1}]}'
    );
  });
});

describe('CatalogModel suggestions', () => {
  const source = (kernelId: string, kernelStatus = 'idle') => ({
    kernelId,
    notebookPath: 'a.ipynb',
    kernelName: 'Python 3',
    kernelStatus,
    starting: false
  });

  it('keeps the suggestions of the followed kernel only', () => {
    const model = new CatalogModel();
    model.setSource(source('k1'));
    expect(model.handleSuggestions(suggestions('k2'))).toBe(false);
    expect(model.suggestions).toBeNull();
    expect(model.handleSuggestions(suggestions('k1'))).toBe(true);
    expect(model.suggestionsFor('df').map(s => s.component)).toEqual([
      'missing',
      'summary'
    ]);
    expect(model.suggestionsFor('nope')).toEqual([]);
    model.dispose();
  });

  it('shows findings about variables of the catalog shown', () => {
    const model = new CatalogModel();
    model.setSource(source('k1'));
    model.handleSuggestions(suggestions('k1'));
    // No catalog yet: no findings.
    expect(model.findings).toEqual([]);
    model.handleCatalog(
      catalog('k1', { variables: [dataframe('df'), dataframe('test')] })
    );
    expect(model.findings.map(f => f.kind)).toEqual(['mostly_missing']);
    model.dispose();
  });

  it('forgets them when the kernel restarts', () => {
    const model = new CatalogModel();
    model.setSource(source('k1'));
    model.handleSuggestions(suggestions('k1'));
    model.setSource(source('k1', 'restarting'));
    expect(model.suggestions).toBeNull();
    model.dispose();
  });
});

describe('ComponentRegistry', () => {
  const Dummy = (): JSX.Element => React.createElement('p', null, 'dummy');

  it('registers ours like anyone’s', () => {
    const registry = new ComponentRegistry();
    const changes: number[] = [];
    registry.changed.connect(() => changes.push(1));
    const handles = registerRenderers(registry);
    expect(registry.names).toEqual(RENDERERS.map(([name]) => name));
    expect(registry.names).toEqual([
      'summary',
      'distribution',
      'missing',
      'duplicates',
      'correlations',
      'outliers',
      'table',
      'confusion',
      'drift',
      'model_card',
      'embedding',
      'subgroups',
      'label_issues'
    ]);
    expect(changes).toHaveLength(13);
    handles.forEach(h => h.dispose());
    expect(registry.names).toEqual([]);
  });

  it('lets a later registration win until it is disposed', () => {
    const registry = new ComponentRegistry();
    registry.register('distribution', distributionRenderer);
    const mine = { title: 'Mine', component: Dummy };
    const handle = registry.register('distribution', mine);
    expect(registry.get('distribution')).toBe(mine);
    handle.dispose();
    expect(registry.get('distribution')).toBe(distributionRenderer);
    expect(registry.get('nope')).toBeNull();
    expect(() => registry.register('x', {} as any)).toThrow();
  });

  it('titles from the server, the renderer, or the name', () => {
    const registry = new ComponentRegistry();
    registry.register('summary', { title: 'Summary (renderer)', component: Dummy });
    expect(registry.title('summary')).toBe('Summary (renderer)');
    expect(registry.title('drift')).toBe('drift');
    registry.setInfo([
      {
        name: 'summary',
        title: 'Summary',
        description: 'Every column',
        arity: [1, 1],
        kinds: ['dataframe'],
        params_schema: {}
      }
    ]);
    expect(registry.title('summary')).toBe('Summary');
    expect(registry.info('summary')?.description).toBe('Every column');
  });

  it('describes views and leaves out their own columns’ clauses', () => {
    const registry = new ComponentRegistry();
    registerRenderers(registry);
    const spec = {
      component: 'distribution',
      variables: ['df'],
      params: { column: 'age', by: 'sex' }
    };
    expect(describeView(registry, spec)).toBe('age by sex');
    expect(
      describeView(registry, { component: 'duplicates', variables: ['a', 'b'], params: {} })
    ).toBe('a in b');
    const state = {
      filter: [
        { column: 'age', op: 'range' as const, min: 1, max: 2 },
        { column: 'sex', op: 'in' as const, values: ['F'] }
      ]
    };
    expect(stateForView(registry, spec, state)).toEqual({ filter: [state.filter[1]] });
    const summary = { component: 'summary', variables: ['df'], params: {} };
    expect(stateForView(registry, summary, state)).toBe(state);
  });
});
