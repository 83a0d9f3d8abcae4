import { parseCatalog, parseServerMessage, parseVariable } from '../protocol';
import { catalog } from './helpers';

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
