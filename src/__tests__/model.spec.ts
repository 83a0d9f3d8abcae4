import { CatalogClient } from '../client';
import {
  CatalogModel,
  compareVariables,
  groupOf,
  groupVariables
} from '../model';
import { ISource } from '../tokens';
import {
  FakeWebSocket,
  catalog,
  dataframe,
  jsonResponse,
  makeSettings,
  variable
} from './helpers';

function source(kernelId: string | null, overrides: Partial<ISource> = {}) {
  return {
    kernelId,
    notebookPath: 'work/titanic.ipynb',
    kernelName: 'Python 3 (ipykernel)',
    kernelStatus: 'idle',
    starting: false,
    ...overrides
  };
}

const names = (model: CatalogModel) =>
  model.groups.map(g => [g.id, g.variables.map(v => v.name)]);

describe('grouping', () => {
  const variables = [
    variable('clf', 'model'),
    dataframe('train'),
    variable('s', 'series'),
    variable('X10', 'array'),
    variable('X2', 'array'),
    variable('tbl', 'table'),
    variable('idx', 'index'),
    variable('broken', 'error'),
    variable('future', 'graph'),
    dataframe('Test'),
    dataframe('df')
  ];

  it('maps kinds to groups', () => {
    expect(groupOf('dataframe')).toBe('dataframes');
    expect(groupOf('table')).toBe('dataframes');
    expect(groupOf('series')).toBe('series');
    expect(groupOf('index')).toBe('series');
    expect(groupOf('array')).toBe('arrays');
    expect(groupOf('model')).toBe('models');
    expect(groupOf('error')).toBe('errors');
    expect(groupOf('something-new')).toBe('other');
  });

  it('groups in display order and sorts by name, naturally', () => {
    const groups = groupVariables(variables);
    expect(groups.map(g => [g.id, g.variables.map(v => v.name)])).toEqual([
      ['dataframes', ['df', 'tbl', 'Test', 'train']],
      ['series', ['idx', 's']],
      ['arrays', ['X2', 'X10']],
      ['models', ['clf']],
      ['errors', ['broken']],
      ['other', ['future']]
    ]);
  });

  it('filters by name, case-insensitively, and drops empty groups', () => {
    const groups = groupVariables(variables, '  T ');
    expect(groups.map(g => [g.id, g.variables.map(v => v.name)])).toEqual([
      ['dataframes', ['tbl', 'Test', 'train']],
      ['other', ['future']]
    ]);
  });

  it('leaves hidden kinds out', () => {
    const groups = groupVariables(variables, '', ['error', 'table', 'graph']);
    expect(groups.map(g => g.id)).toEqual([
      'dataframes',
      'series',
      'arrays',
      'models'
    ]);
    expect(groups[0].variables.map(v => v.name)).toEqual([
      'df',
      'Test',
      'train'
    ]);
  });

  it('orders equal names deterministically', () => {
    expect(compareVariables(dataframe('a'), dataframe('A'))).not.toBe(0);
  });
});

describe('CatalogModel', () => {
  let model: CatalogModel;
  let changes: number;

  beforeEach(() => {
    model = new CatalogModel({ busyDelay: 0 });
    changes = 0;
    model.stateChanged.connect(() => (changes += 1));
  });

  afterEach(() => {
    model.dispose();
  });

  describe('states', () => {
    it('says no-kernel without a notebook or without a kernel', () => {
      expect(model.displayState).toBe('no-kernel');
      model.setSource(source(null));
      expect(model.displayState).toBe('no-kernel');
      expect(model.message).toBeNull();
    });

    it('is pending while the session starts and before the first catalog', () => {
      model.setSource(source(null, { starting: true }));
      expect(model.displayState).toBe('pending');
      model.setSource(source('k1'));
      expect(model.displayState).toBe('pending');
      model.handleCatalog(catalog('k1', { status: 'pending', updated: null }));
      expect(model.displayState).toBe('pending');
      expect(model.groups).toEqual([]);
    });

    it('goes through ok, busy, restarting and ok again', () => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
      expect(model.displayState).toBe('ok');
      expect(names(model)).toEqual([['dataframes', ['df']]]);

      // Busy: the last catalog stays on show.
      model.handleCatalog(
        catalog('k1', { state: 'busy', variables: [dataframe('df')] })
      );
      expect(model.displayState).toBe('busy');
      expect(model.catalog?.execution_count).toBe(7);
      expect(names(model)).toEqual([['dataframes', ['df']]]);

      // The session says the kernel restarts: the namespace is gone.
      model.setSource(source('k1', { kernelStatus: 'restarting' }));
      expect(model.displayState).toBe('restarting');
      expect(model.catalog).toBeNull();
      expect(model.groups).toEqual([]);

      // The session is back before the server's next catalog.
      model.setSource(source('k1', { kernelStatus: 'idle' }));
      expect(model.displayState).toBe('pending');
      model.handleCatalog(catalog('k1', { state: 'restarting' }));
      expect(model.displayState).toBe('restarting');
      model.handleCatalog(catalog('k1', { execution_count: null }));
      expect(model.displayState).toBe('ok');
      expect(model.counts).toEqual({ shown: 0, total: 0, hidden: 0 });
    });

    it('says busy only once the kernel stays busy for busyDelay', () => {
      jest.useFakeTimers();
      const slow = new CatalogModel({ busyDelay: 400 });
      let emitted = 0;
      slow.stateChanged.connect(() => (emitted += 1));
      slow.setSource(source('k1'));
      slow.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
      // A brief busy spell (a completion request, a short cell).
      slow.handleCatalog(catalog('k1', { state: 'busy' }));
      expect(slow.displayState).toBe('ok');
      jest.advanceTimersByTime(200);
      slow.handleCatalog(catalog('k1'));
      jest.advanceTimersByTime(1000);
      expect(slow.displayState).toBe('ok');
      // A long one.
      slow.handleCatalog(catalog('k1', { state: 'busy' }));
      const before = emitted;
      jest.advanceTimersByTime(399);
      expect(slow.displayState).toBe('ok');
      jest.advanceTimersByTime(1);
      expect(slow.displayState).toBe('busy');
      expect(emitted).toBe(before + 1);
      slow.handleCatalog(catalog('k1', { state: 'busy' }));
      expect(slow.displayState).toBe('busy');
      slow.handleCatalog(catalog('k1'));
      expect(slow.displayState).toBe('ok');
      // Switching to a kernel already known busy says so at once.
      slow.setSource(source('k2'));
      slow.handleCatalog(catalog('k2', { state: 'busy' }));
      slow.setSource(source('k1'));
      slow.setSource(source('k2'));
      expect(slow.displayState).toBe('busy');
      slow.dispose();
      jest.useRealTimers();
    });

    it('treats autorestarting like restarting', () => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
      model.setSource(source('k1', { kernelStatus: 'autorestarting' }));
      expect(model.displayState).toBe('restarting');
      expect(model.catalog).toBeNull();
    });

    it('says dead, from the session or from the server', () => {
      model.setSource(source('k1', { kernelStatus: 'dead' }));
      expect(model.displayState).toBe('dead');
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', { state: 'dead', message: 'The kernel died.' })
      );
      expect(model.displayState).toBe('dead');
      expect(model.message).toBe('The kernel died.');
      expect(model.groups).toEqual([]);
    });

    it.each([
      ['not_python', 'This kernel runs R.'],
      ['missing_package', 'Run %pip install symphony-lab and restart.'],
      ['error', 'Something broke.'],
      ['timeout', 'Too slow.'],
      ['unsupported', 'No.']
    ] as const)('shows the %s status with the server message', (status, message) => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { status, message }));
      expect(model.displayState).toBe(status);
      expect(model.message).toBe(message);
    });

    it('shows a server error for the followed kernel until a catalog comes', () => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
      model.handleServerError({ message: 'Unknown kernel', kernelId: 'k2' });
      model.handleServerError({ message: 'Bad frame', kernelId: null });
      expect(model.displayState).toBe('ok');
      model.handleServerError({ message: 'Unknown kernel', kernelId: 'k1' });
      expect(model.displayState).toBe('error');
      expect(model.message).toBe('Unknown kernel');
      // What was cached is stale: not shown.
      expect(model.catalog).toBeNull();
      expect(model.groups).toEqual([]);
      model.handleCatalog(catalog('k1'));
      expect(model.displayState).toBe('ok');
    });

    it('emits only on changes of the source', () => {
      model.setSource(source('k1'));
      const after = changes;
      model.setSource(source('k1'));
      expect(changes).toBe(after);
      model.setSource(source('k1', { kernelStatus: 'busy' }));
      expect(changes).toBe(after + 1);
    });
  });

  describe('switching kernels', () => {
    it('ignores a late catalog of the previous kernel', () => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('a')] }));
      model.setSource(source('k2', { notebookPath: 'other.ipynb' }));
      expect(model.displayState).toBe('pending');
      const before = changes;
      expect(
        model.handleCatalog(catalog('k1', { variables: [dataframe('late')] }))
      ).toBe(false);
      expect(changes).toBe(before);
      expect(model.catalog).toBeNull();
      expect(model.displayState).toBe('pending');
      expect(model.handleCatalog(catalog('k2'))).toBe(true);
      expect(model.displayState).toBe('ok');
    });

    it('shows the cached catalog when switching back', () => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('a')] }));
      model.setSource(source('k2'));
      model.setSource(source('k1'));
      expect(names(model)).toEqual([['dataframes', ['a']]]);
      expect(model.catalogFor('k1')?.variables).toHaveLength(1);
      expect(model.catalogFor('k2')).toBeNull();
    });

    it('shows nothing when the notebook closes', () => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('a')] }));
      model.setSource(null);
      expect(model.displayState).toBe('no-kernel');
      expect(model.catalog).toBeNull();
      expect(model.groups).toEqual([]);
      expect(model.handleCatalog(catalog('k1'))).toBe(false);
    });
  });

  describe('filter and settings', () => {
    beforeEach(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', {
          variables: [
            dataframe('train'),
            dataframe('test'),
            variable('clf', 'model'),
            variable('oops', 'error')
          ]
        })
      );
    });

    it('filters by name', () => {
      const before = changes;
      model.filter = 'TR';
      expect(changes).toBe(before + 1);
      model.filter = 'TR';
      expect(changes).toBe(before + 1);
      expect(names(model)).toEqual([['dataframes', ['train']]]);
      expect(model.counts).toEqual({ shown: 1, total: 4, hidden: 0 });
    });

    it('applies settings, with sane values only', () => {
      expect(model.config).toEqual({
        columnsShown: 8,
        showMemory: true,
        hiddenKinds: []
      });
      model.setConfig({ hiddenKinds: ['error'], showMemory: false });
      expect(names(model)).toEqual([
        ['dataframes', ['test', 'train']],
        ['models', ['clf']]
      ]);
      expect(model.counts).toEqual({ shown: 3, total: 4, hidden: 1 });
      model.setConfig({ columnsShown: 0 });
      expect(model.config.columnsShown).toBe(1);
      model.setConfig({ columnsShown: NaN } as any);
      expect(model.config).toEqual({
        columnsShown: 1,
        showMemory: false,
        hiddenKinds: ['error']
      });
    });
  });
});

describe('CatalogModel with a client', () => {
  let client: CatalogClient;
  let model: CatalogModel;
  let fetchAnswer: () => Promise<Response>;

  beforeEach(() => {
    jest.useFakeTimers();
    FakeWebSocket.reset();
    fetchAnswer = async () => jsonResponse({}, 500);
    client = new CatalogClient({
      serverSettings: makeSettings({ fetch: () => fetchAnswer() }),
      WebSocket: FakeWebSocket,
      reconnect: { initialDelay: 100, maxDelay: 1000, jitter: 0 }
    });
    model = new CatalogModel({ client, busyDelay: 0 });
  });

  afterEach(() => {
    model.dispose();
    client.dispose();
    jest.useRealTimers();
  });

  it('watches the followed kernel only while retained', () => {
    model.setSource(source('k1'));
    expect(client.watched).toEqual([]);
    const hold = model.retain();
    expect(client.watched).toEqual(['k1']);
    hold.dispose();
    hold.dispose();
    expect(client.watched).toEqual([]);
  });

  it('unwatches the old kernel and watches the new one on a switch', () => {
    model.retain();
    model.setSource(source('k1'));
    const socket = FakeWebSocket.last;
    socket.open();
    model.setSource(source('k2'));
    model.setSource(source(null));
    model.setSource(source('k2'));
    expect(socket.messages).toEqual([
      { type: 'watch', kernel_id: 'k1' },
      { type: 'unwatch', kernel_id: 'k1' },
      { type: 'watch', kernel_id: 'k2' },
      { type: 'unwatch', kernel_id: 'k2' },
      { type: 'watch', kernel_id: 'k2' }
    ]);
    expect(client.watched).toEqual(['k2']);
    expect(model.watchedKernelId).toBe('k2');
  });

  it('takes catalogs from the socket and ignores the previous kernel', () => {
    model.retain();
    model.setSource(source('k1'));
    const socket = FakeWebSocket.last;
    socket.open();
    socket.receive({
      type: 'catalog',
      catalog: catalog('k1', { variables: [dataframe('df')] })
    });
    expect(model.displayState).toBe('ok');
    model.setSource(source('k2'));
    // In flight before the server saw the unwatch.
    socket.receive({ type: 'catalog', catalog: catalog('k1') });
    expect(model.catalog).toBeNull();
    socket.receive({ type: 'catalog', catalog: catalog('k2', { state: 'busy' }) });
    expect(model.displayState).toBe('busy');
  });

  it('sends refresh for the followed kernel', () => {
    model.setSource(source('k1'));
    expect(model.refresh()).toBe(false);
    model.retain();
    FakeWebSocket.last.open();
    expect(model.refresh()).toBe(true);
    expect(FakeWebSocket.last.messages.pop()).toEqual({
      type: 'refresh',
      kernel_id: 'k1'
    });
  });

  it('says when the connection is lost, until it is back', () => {
    model.retain();
    model.setSource(source('k1'));
    expect(model.connectionLost).toBe(false);
    FakeWebSocket.last.open();
    FakeWebSocket.last.drop();
    expect(model.connectionLost).toBe(true);
    jest.advanceTimersByTime(100);
    expect(model.connectionLost).toBe(true);
    FakeWebSocket.last.open();
    expect(model.connectionLost).toBe(false);
    expect(FakeWebSocket.last.messages).toEqual([
      { type: 'watch', kernel_id: 'k1' }
    ]);
  });

  it('loads all columns and forgets them when the object changes', async () => {
    const wide = dataframe('wide', {
      columns: [{ name: 'a', dtype: 'int64' }],
      columns_total: 3
    });
    model.setSource(source('k1'));
    model.handleCatalog(catalog('k1', { variables: [wide] }));
    expect(model.detail('wide')).toBeNull();

    fetchAnswer = async () =>
      jsonResponse({
        ...wide,
        columns: [
          { name: 'a', dtype: 'int64' },
          { name: 'b', dtype: 'float64' },
          { name: 'c', dtype: 'object' }
        ]
      });
    const loading = model.loadDetail('wide');
    expect(model.detail('wide')?.status).toBe('loading');
    await loading;
    const detail = model.detail('wide');
    expect(detail?.status).toBe('loaded');
    expect(detail?.variable?.columns?.map(c => c.name)).toEqual(['a', 'b', 'c']);

    // Same fingerprint: kept.
    model.handleCatalog(catalog('k1', { variables: [wide] }));
    expect(model.detail('wide')?.status).toBe('loaded');
    // New fingerprint: dropped.
    model.handleCatalog(
      catalog('k1', { variables: [{ ...wide, fingerprint: 'changed' }] })
    );
    expect(model.detail('wide')).toBeNull();
  });

  it('keeps the server message when loading fails', async () => {
    model.setSource(source('k1'));
    model.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
    fetchAnswer = async () =>
      jsonResponse({ message: 'The kernel is busy.', reason: 'busy' }, 409);
    await model.loadDetail('df');
    expect(model.detail('df')).toEqual({
      status: 'error',
      fingerprint: 'fp-df',
      error: 'The kernel is busy.'
    });
  });

  it('unwatches when disposed', () => {
    model.retain();
    model.setSource(source('k1'));
    model.dispose();
    expect(client.watched).toEqual([]);
  });
});
