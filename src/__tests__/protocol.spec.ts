import {
  parseBoardState,
  parseCatalog,
  parseComponents,
  parseServerMessage,
  parseSuggestions,
  parseVariable,
  parseViewResult
} from '../protocol';
import { catalog, suggestions } from './helpers';

describe('parseVariable', () => {
  it('keeps known fields with the right types only', () => {
    expect(
      parseVariable({
        name: 'clf',
        kind: 'model',
        type: 'sklearn.linear_model.LogisticRegression',
        library: 'sklearn',
        fingerprint: 'f',
        memory: 'a lot',
        shape: [3, 'x'],
        columns: [{ name: 1, dtype: 'int64' }, { dtype: 'x' }, 'c'],
        model: {
          fitted: 'yes',
          task: 'classification',
          n_features_in: 4,
          classes: ['a', 1, true, { x: 1 }],
          feature_names: ['f1', 2]
        },
        extra: '<script>'
      })
    ).toEqual({
      name: 'clf',
      kind: 'model',
      type: 'sklearn.linear_model.LogisticRegression',
      library: 'sklearn',
      fingerprint: 'f',
      memory: null,
      shape: [3, null],
      columns: [{ name: '1', dtype: 'int64' }],
      model: {
        task: 'classification',
        n_features_in: 4,
        classes: ['a', 1, true],
        feature_names: ['f1', '2']
      }
    });
  });

  it('needs a name and a kind', () => {
    expect(parseVariable({ kind: 'dataframe' })).toBeNull();
    expect(parseVariable({ name: 'df' })).toBeNull();
    expect(parseVariable({ name: '', kind: 'dataframe' })).toBeNull();
    expect(parseVariable(null)).toBeNull();
  });
});

describe('parseCatalog', () => {
  it('accepts a catalog as the server sends it', () => {
    expect(parseCatalog(catalog('k1'))).toEqual(catalog('k1'));
  });

  it('maps unknown states and statuses', () => {
    const parsed = parseCatalog({
      ...catalog('k1'),
      state: 'sleeping',
      status: 'confused',
      message: 'what?'
    });
    expect(parsed?.state).toBe('unknown');
    expect(parsed?.status).toBe('error');
    expect(parsed?.message).toBe('what?');
  });

  it('fills defaults for missing optional fields', () => {
    expect(
      parseCatalog({ kernel_id: 'k1', state: 'idle', status: 'pending' })
    ).toEqual({
      kernel_id: 'k1',
      state: 'idle',
      status: 'pending',
      message: null,
      language: null,
      execution_count: null,
      updated: null,
      elapsed_ms: null,
      truncated: false,
      skipped: 0,
      kernel_version: null,
      variables: []
    });
  });
});

describe('parseServerMessage', () => {
  it('reads catalogs and errors', () => {
    expect(
      parseServerMessage(JSON.stringify({ type: 'catalog', catalog: catalog('k1') }))
    ).toEqual({ type: 'catalog', catalog: catalog('k1') });
    expect(
      parseServerMessage(JSON.stringify({ type: 'error', message: 'm', kernel_id: 'k' }))
    ).toEqual({ type: 'error', message: 'm', kernel_id: 'k' });
  });

  it('returns null for anything else', () => {
    for (const data of ['', 'x', '1', '[]', '{}', '{"type":"watch"}', 42, null]) {
      expect(parseServerMessage(data)).toBeNull();
    }
  });
});

describe('suggestions', () => {
  const valid = suggestions('k1');

  it('parses a valid suggestions message', () => {
    expect(
      parseServerMessage(JSON.stringify({ type: 'suggestions', suggestions: valid }))
    ).toEqual({ type: 'suggestions', suggestions: valid });
  });

  it('rejects messages without a kernel id or status', () => {
    for (const bad of [
      null,
      [],
      'x',
      { ...valid, kernel_id: '' },
      { ...valid, kernel_id: 3 },
      { ...valid, status: null }
    ]) {
      expect(parseSuggestions(bad)).toBeNull();
      expect(
        parseServerMessage(JSON.stringify({ type: 'suggestions', suggestions: bad }))
      ).toBeNull();
    }
  });

  it('drops invalid suggestions and findings, keeps the valid ones', () => {
    const parsed = parseSuggestions({
      kernel_id: 'k1',
      status: 'ok',
      execution_count: 'x',
      suggestions: [
        { component: 'summary', variables: ['df'], score: 3, reason: 7 },
        { component: 'summary', variables: [] },
        { component: 'summary', variables: ['df', 5] },
        { variables: ['df'] },
        'summary'
      ],
      findings: [
        {
          kind: 'x',
          severity: 'critical',
          variables: ['df'],
          message: 'm',
          component: 'summary',
          params: [1],
          evidence: 'e'
        },
        { kind: 'x', severity: 'high', variables: ['df'], component: 'c' },
        { kind: 'x', severity: 'high', message: 'm', component: 'c' }
      ]
    });
    expect(parsed).toEqual({
      kernel_id: 'k1',
      status: 'ok',
      message: null,
      execution_count: null,
      suggestions: [
        // The score is clamped to 0..1, a reason that is not text dropped.
        { component: 'summary', variables: ['df'], score: 1, reason: '', params: {} }
      ],
      findings: [
        {
          kind: 'x',
          // An unknown severity counts as low.
          severity: 'low',
          variables: ['df'],
          message: 'm',
          component: 'summary',
          params: {},
          evidence: {}
        }
      ]
    });
  });

  it('sorts findings by severity and keeps the order within one', () => {
    const f = (kind: string, severity: string) => ({
      kind,
      severity,
      variables: ['df'],
      message: kind,
      component: 'summary'
    });
    const parsed = parseSuggestions({
      kernel_id: 'k1',
      status: 'ok',
      findings: [f('a', 'low'), f('b', 'high'), f('c', 'medium'), f('d', 'high')]
    });
    expect(parsed?.findings.map(x => x.kind)).toEqual(['b', 'd', 'c', 'a']);
    expect(parsed?.suggestions).toEqual([]);
  });

  it('keeps hostile strings as plain strings', () => {
    const parsed = parseSuggestions({
      kernel_id: 'k1',
      status: 'ok',
      findings: [
        {
          kind: 'leakage',
          severity: 'high',
          variables: ['a'],
          message: '<img src=x onerror=alert(1)>',
          component: 'duplicates'
        }
      ]
    });
    expect(parsed?.findings[0].message).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('parseViewResult', () => {
  it('keeps the answer, data untouched', () => {
    const data = { rows: 3, anything: [1, 'two'] };
    expect(
      parseViewResult({
        component: 'summary',
        variables: ['df'],
        params: { bins: 20 },
        state: { filter: [] },
        data,
        fingerprints: ['f', 3],
        execution_count: 4,
        elapsed_ms: 1.5,
        cached: true
      })
    ).toEqual({
      component: 'summary',
      variables: ['df'],
      params: { bins: 20 },
      state: { filter: [] },
      data,
      fingerprints: ['f', null],
      execution_count: 4,
      elapsed_ms: 1.5,
      cached: true
    });
  });

  it('rejects answers without component, variables or data', () => {
    expect(parseViewResult({ variables: ['df'], data: 1 })).toBeNull();
    expect(parseViewResult({ component: 'summary', data: 1 })).toBeNull();
    expect(parseViewResult({ component: 'summary', variables: ['df'] })).toBeNull();
    expect(parseViewResult('x')).toBeNull();
  });
});

describe('parseComponents', () => {
  it('keeps valid entries with defaults', () => {
    expect(
      parseComponents({
        components: [
          {
            name: 'duplicates',
            title: 'Duplicates',
            description: 'd',
            arity: [1, 2],
            kinds: ['dataframe'],
            params_schema: { type: 'object' }
          },
          { name: 'bare' },
          { title: 'no name' },
          7
        ]
      })
    ).toEqual([
      {
        name: 'duplicates',
        title: 'Duplicates',
        description: 'd',
        arity: [1, 2],
        kinds: ['dataframe'],
        params_schema: { type: 'object' }
      },
      {
        name: 'bare',
        title: 'bare',
        description: '',
        arity: [1, 1],
        kinds: [],
        params_schema: {}
      }
    ]);
    expect(parseComponents(null)).toEqual([]);
    expect(parseComponents({ components: 'x' })).toEqual([]);
  });
});

describe('parseBoardState: selection and groups', () => {
  const selection = {
    component: 'duplicates',
    variables: ['df'],
    params: {},
    spec: { all: true },
    label: 'all duplicates'
  };

  it('keeps a valid selection and groups', () => {
    expect(
      parseBoardState({ kernel_id: 'k', filter: [], views: [], selection, groups: { column: 'sex' } })
    ).toEqual({
      kernel_id: 'k',
      origin: 'board',
      filter: [],
      views: [],
      selection,
      groups: { column: 'sex' }
    });
  });

  it('refuses a malformed selection or groups as a whole', () => {
    for (const bad of [
      { selection: { ...selection, variables: ['a b'] } },
      { selection: { ...selection, spec: 'x' } },
      { selection: 'all' },
      { groups: { column: 3 } }
    ]) {
      expect(parseBoardState({ kernel_id: 'k', filter: [], views: [], ...bad })).toBeNull();
    }
  });
});
