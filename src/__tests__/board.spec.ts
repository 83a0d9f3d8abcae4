import { BoardModel, DRAW_HOLD_MS, GROUP_HOLD_MS } from '../board';
import { CatalogModel } from '../model';
import { stateForView, ComponentRegistry } from '../registry';
import { IBoardState, IViewRequest, IViewResult, IViewSpec } from '../tokens';
import { distributionRenderer } from '../views';
import { catalog, dataframe, viewResult } from './helpers';

/** The server, played by the test: requests wait until answered. */
class FakeServer {
  calls: Array<{
    kernelId: string;
    request: IViewRequest;
    signal: AbortSignal;
    resolve: (result: IViewResult) => void;
    reject: (reason: unknown) => void;
  }> = [];

  fetch = (
    kernelId: string,
    request: IViewRequest,
    signal: AbortSignal
  ): Promise<IViewResult> =>
    new Promise((resolve, reject) => {
      this.calls.push({ kernelId, request, signal, resolve, reject });
    });

  get last() {
    return this.calls[this.calls.length - 1];
  }

  /** Answer a call with data echoing what was asked. */
  answer(i: number, data: unknown = { rows: 10 }, fingerprints?: string[]) {
    const call = this.calls[i];
    call.resolve(
      viewResult(call.request, data, {
        state: call.request.state as any,
        ...(fingerprints ? { fingerprints } : {})
      })
    );
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

function httpError(status: number, message: string): Error {
  const error = new Error(message) as Error & { response: { status: number } };
  error.response = { status };
  return error;
}

const summary: IViewSpec = { component: 'summary', variables: ['df'], params: {} };
const missing: IViewSpec = { component: 'missing', variables: ['df'], params: {} };
const leak: IViewSpec = {
  component: 'duplicates',
  variables: ['test', 'train'],
  params: {}
};

describe('BoardModel', () => {
  let server: FakeServer;
  let board: BoardModel;
  let changes: number;
  let states: IBoardState[];

  /** Summary and Missing values open and answered, and a quiet time since. */
  async function openTwoAnswered(): Promise<void> {
    board.open(summary);
    board.open(missing);
    server.answer(0);
    server.answer(1);
    await flush();
    await board.announced();
    jest.advanceTimersByTime(1000);
  }

  beforeEach(() => {
    jest.useFakeTimers();
    server = new FakeServer();
    board = new BoardModel({ fetchView: server.fetch });
    board.setKernel('k1');
    changes = 0;
    states = [];
    board.changed.connect(() => (changes += 1));
    board.stateChanged.connect((_, s) => states.push(s));
  });

  afterEach(() => {
    board.dispose();
    jest.useRealTimers();
  });

  const ids = () => board.views.map(v => v.id);

  describe('views', () => {
    it('opens a view at the top and computes it with the board state', () => {
      const first = board.open(summary)!;
      const second = board.open(missing)!;
      expect(ids()).toEqual([second, first]);
      expect(board.views[0]).toMatchObject({
        component: 'missing',
        variables: ['df'],
        status: 'loading',
        collapsed: false,
        result: null
      });
      expect(server.calls.map(c => [c.kernelId, c.request])).toEqual([
        ['k1', { ...summary, state: { filter: [] } }],
        ['k1', { ...missing, state: { filter: [] } }]
      ]);
      expect(changes).toBeGreaterThan(0);
    });

    it('takes the answer', async () => {
      const id = board.open(summary)!;
      server.answer(0, { rows: 3 });
      await flush();
      const view = board.views.find(v => v.id === id)!;
      expect(view.status).toBe('ready');
      expect(view.result?.data).toEqual({ rows: 3 });
      expect(view.state).toEqual({ filter: [] });
    });

    it('does not open the same view twice (pages aside)', () => {
      const id = board.open(leak)!;
      board.setCollapsed(id, true);
      const focus = board.focus!.seq;
      expect(board.open({ ...leak, params: { page: 3 } })).toBe(id);
      expect(board.views).toHaveLength(1);
      expect(board.views[0].collapsed).toBe(false);
      expect(board.focus).toEqual({ id, seq: focus + 1 });
      expect(server.calls).toHaveLength(1);
      // Other parameters make another view.
      board.open({ ...leak, params: { page_size: 5 } });
      expect(board.views).toHaveLength(2);
    });

    it('keeps the variables of a view in order', () => {
      board.open(leak);
      board.open({ ...leak, variables: ['train', 'test'] });
      expect(board.views.map(v => v.variables)).toEqual([
        ['train', 'test'],
        ['test', 'train']
      ]);
    });

    it('closes a view and ignores its late answer', async () => {
      const id = board.open(summary)!;
      board.close(id);
      expect(board.views).toEqual([]);
      expect(server.calls[0].signal.aborted).toBe(true);
      server.answer(0);
      await flush();
      expect(board.views).toEqual([]);
      board.close('nope');
    });

    it('moves views up and down, within bounds', () => {
      const a = board.open(summary)!;
      const b = board.open(missing)!;
      const c = board.open(leak)!;
      expect(ids()).toEqual([c, b, a]);
      board.move(a, -1);
      expect(ids()).toEqual([c, a, b]);
      board.move(c, 1);
      expect(ids()).toEqual([a, c, b]);
      const before = changes;
      board.move(a, -1);
      board.move(b, 5);
      board.move('nope', 1);
      expect(ids()).toEqual([a, c, b]);
      expect(changes).toBe(before);
      board.move(b, -5);
      expect(ids()).toEqual([b, a, c]);
    });

    it('closes all', () => {
      board.open(summary);
      board.open(missing);
      board.closeAll();
      expect(board.views).toEqual([]);
      expect(server.calls.every(c => c.signal.aborted)).toBe(true);
    });

    it('pages: new parameters, same view, computed again', async () => {
      const id = board.open(leak)!;
      server.answer(0);
      await flush();
      board.setParams(id, { page: 2 });
      expect(board.views[0]).toMatchObject({ id, params: { page: 2 } });
      expect(server.last.request.params).toEqual({ page: 2 });
      board.setParams(id, { page: 2 });
      expect(server.calls).toHaveLength(2);
    });

    it('says so when the view fails, and tries again on request', async () => {
      const id = board.open(summary)!;
      server.calls[0].reject(httpError(400, 'no column zzz'));
      await flush();
      expect(board.views[0]).toMatchObject({ status: 'error', error: 'no column zzz' });
      board.refresh(id);
      expect(server.calls).toHaveLength(2);
      expect(board.views[0].status).toBe('loading');
    });

    it('opens nothing without a kernel', () => {
      board.setKernel(null);
      expect(board.open(summary)).toBeNull();
      expect(server.calls).toHaveLength(0);
    });
  });

  describe('shared state', () => {
    it('adds, replaces and removes clauses', () => {
      board.setClause({ column: 'age', op: 'range', min: 20, max: 40 });
      board.setClause({ column: 'sex', op: 'in', values: ['F'] });
      board.setClause({ column: 'age', op: 'range', min: 50, max: 30 });
      expect(board.state.filter).toEqual([
        // min > max: swapped.
        { column: 'age', op: 'range', min: 30, max: 50 },
        { column: 'sex', op: 'in', values: ['F'] }
      ]);
      expect(states).toHaveLength(3);
      // The same clause again changes nothing.
      board.setClause({ column: 'sex', op: 'in', values: ['F'] });
      expect(states).toHaveLength(3);
      board.removeClause('age');
      expect(board.state.filter).toEqual([{ column: 'sex', op: 'in', values: ['F'] }]);
      board.removeClause('nope');
      expect(states).toHaveLength(4);
      board.clearFilter();
      expect(board.state.filter).toEqual([]);
      board.clearFilter();
      expect(states).toHaveLength(5);
    });

    it('asks for the linked views before it announces a new filter, then announces it once', async () => {
      await openTwoAnswered();
      const before = changes;
      // What the board's listeners (the panel, the shared document) find when they hear of it.
      const heard: Array<{ calls: number; statuses: string[] }> = [];
      board.changed.connect(() =>
        heard.push({ calls: server.calls.length, statuses: board.views.map(v => v.status) })
      );
      board.setClause({ column: 'age', op: 'range', min: 20, max: 30 });
      // Both requests went out in the brush's own task; nobody has heard of the change yet
      // (a browser sends a request only once that task has ended).
      expect(server.calls).toHaveLength(4);
      expect(board.views.map(v => v.status)).toEqual(['loading', 'loading']);
      expect(changes).toBe(before);
      expect(states).toHaveLength(1);
      jest.advanceTimersByTime(0); // (jsdom has no MessageChannel: the board posts a zero timer)
      await board.announced();
      expect(changes).toBe(before + 1);
      expect(heard).toEqual([{ calls: 4, statuses: ['loading', 'loading'] }]);
      // Nothing pending: resolves at once.
      await board.announced();
      expect(changes).toBe(before + 1);
    });

    it('draws the views asked for by one change together, or after GROUP_HOLD_MS', async () => {
      await openTwoAnswered();
      board.setClause({ column: 'age', op: 'range', min: 20, max: 30 });
      jest.advanceTimersByTime(0);
      await board.announced();
      const statuses = () => board.views.map(v => `${v.component}:${v.status}`).sort();
      const before = changes;
      // The first answer waits for the other one...
      server.answer(2, { rows: 5 });
      await flush();
      expect(statuses()).toEqual(['missing:loading', 'summary:loading']);
      expect(changes).toBe(before);
      // ...and both are drawn at once.
      server.answer(3, { rows: 6 });
      await flush();
      expect(statuses()).toEqual(['missing:ready', 'summary:ready']);
      expect(changes).toBe(before + 1);
      // A slow view holds the others back for GROUP_HOLD_MS at most.
      jest.advanceTimersByTime(1000);
      board.setClause({ column: 'age', op: 'range', min: 20, max: 40 });
      jest.advanceTimersByTime(0);
      await board.announced();
      server.answer(4, { rows: 7 });
      await flush();
      jest.advanceTimersByTime(GROUP_HOLD_MS - 1);
      expect(statuses().filter(s => s.endsWith(':ready'))).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(statuses().filter(s => s.endsWith(':ready'))).toHaveLength(1);
      // A view that fails leaves the group: the other one is drawn when it comes.
      jest.advanceTimersByTime(1000);
      server.answer(5, { rows: 8 });
      await flush();
      expect(statuses()).toEqual(['missing:ready', 'summary:ready']);
      board.setClause({ column: 'age', op: 'range', min: 20, max: 50 });
      jest.advanceTimersByTime(0);
      await board.announced();
      server.calls[6].reject(httpError(500, 'boom'));
      await flush();
      server.answer(7, { rows: 9 });
      await flush(); // (no timer advanced: drawn at once)
      expect(board.views.filter(v => v.status === 'ready')).toHaveLength(1);
      expect(board.views.filter(v => v.status === 'error')).toHaveLength(1);
    });

    it('holds the drawing of a new filter until its views answer, DRAW_HOLD_MS at most', async () => {
      await openTwoAnswered();
      expect(board.drawingHeld).toBe(false);
      const before = changes;
      board.setClause({ column: 'age', op: 'range', min: 20, max: 30 });
      jest.advanceTimersByTime(0);
      await board.announced();
      // Announced (the shared document hears of it), but renderers are told to wait.
      expect(changes).toBe(before + 1);
      expect(board.drawingHeld).toBe(true);
      server.answer(2, { rows: 5 });
      await flush();
      expect(board.drawingHeld).toBe(true);
      server.answer(3, { rows: 6 });
      await flush();
      // Both answers came: drawn once, with the filter.
      expect(board.drawingHeld).toBe(false);
      expect(changes).toBe(before + 2);
      // Views that never answer hold the drawing back for DRAW_HOLD_MS, no longer.
      jest.advanceTimersByTime(1000);
      board.setClause({ column: 'age', op: 'range', min: 20, max: 40 });
      jest.advanceTimersByTime(0);
      await board.announced();
      expect(board.drawingHeld).toBe(true);
      const held = changes;
      jest.advanceTimersByTime(DRAW_HOLD_MS - 1);
      expect(board.drawingHeld).toBe(true);
      jest.advanceTimersByTime(1);
      expect(board.drawingHeld).toBe(false);
      expect(changes).toBe(held + 1);
      // A change that asks for nothing (no view follows the filter) is drawn at once.
      board.closeAll();
      board.setClause({ column: 'age', op: 'range', min: 20, max: 50 });
      expect(board.drawingHeld).toBe(false);
    });

    it('toggles values of an "in" clause', () => {
      board.toggleValue('city', 'Paris');
      board.toggleValue('city', 'Lyon');
      expect(board.state.filter).toEqual([
        { column: 'city', op: 'in', values: ['Paris', 'Lyon'] }
      ]);
      board.toggleValue('city', 'Paris');
      expect(board.state.filter).toEqual([{ column: 'city', op: 'in', values: ['Lyon'] }]);
      board.toggleValue('city', 'Lyon');
      expect(board.state.filter).toEqual([]);
      // A range on the column is replaced.
      board.setClause({ column: 'n', op: 'range', min: 1, max: 2 });
      board.toggleValue('n', 1);
      expect(board.state.filter).toEqual([{ column: 'n', op: 'in', values: [1] }]);
    });

    it('computes every view at once after a quiet time, and joins a burst', async () => {
      await openTwoAnswered();
      // A change after a quiet time (a brush released): asked for at once.
      board.setClause({ column: 'age', op: 'range', min: 20, max: 30 });
      expect(board.views.map(v => v.status)).toEqual(['loading', 'loading']);
      expect(server.calls).toHaveLength(4);
      const first = { filter: [{ column: 'age', op: 'range', min: 20, max: 30 }] };
      expect(server.calls.slice(2).map(c => c.request.state)).toEqual([first, first]);
      // Changes within the debounce time of the last one are joined: the
      // requests in flight are dropped, one request per view once quiet.
      jest.advanceTimersByTime(100);
      board.setClause({ column: 'age', op: 'range', min: 20, max: 35 });
      jest.advanceTimersByTime(100);
      board.setClause({ column: 'age', op: 'range', min: 20, max: 40 });
      expect(server.calls.slice(2).every(c => c.signal.aborted)).toBe(true);
      jest.advanceTimersByTime(149);
      expect(server.calls).toHaveLength(4);
      jest.advanceTimersByTime(1);
      expect(server.calls).toHaveLength(6);
      const wanted = { filter: [{ column: 'age', op: 'range', min: 20, max: 40 }] };
      expect(server.calls.slice(4).map(c => c.request.state)).toEqual([wanted, wanted]);
      expect(server.calls.slice(4).map(c => c.request.component).sort()).toEqual([
        'missing',
        'summary'
      ]);
    });

    it('asks for the cheapest views first after a change', async () => {
      board.open(summary);
      board.open(missing);
      const slow = server.calls[0];
      slow.resolve(
        viewResult(slow.request, { rows: 1 }, { state: slow.request.state as any, elapsed_ms: 900 })
      );
      const fast = server.calls[1];
      fast.resolve(
        viewResult(fast.request, { rows: 1 }, { state: fast.request.state as any, elapsed_ms: 4 })
      );
      await flush();
      jest.advanceTimersByTime(1000);
      board.setClause({ column: 'age', op: 'range', min: 1, max: 2 });
      // The kernel runs one request at a time: the 4 ms view goes before the 900 ms one.
      expect(server.calls.slice(2).map(c => c.request.component)).toEqual(['missing', 'summary']);
    });

    it('ignores a stale answer', async () => {
      board.open(summary);
      const first = server.calls[0];
      board.setClause({ column: 'age', op: 'range', min: 1, max: 2 });
      jest.advanceTimersByTime(150);
      expect(first.signal.aborted).toBe(true);
      const second = server.calls[1];
      // The first answer arrives after the second was asked for: dropped.
      server.answer(0, { rows: 'old' });
      await flush();
      expect(board.views[0].status).toBe('loading');
      expect(board.views[0].result).toBeNull();
      server.answer(1, { rows: 'new' });
      await flush();
      expect(board.views[0].result?.data).toEqual({ rows: 'new' });
      expect(board.views[0].state).toEqual(second.request.state);
      // And an even later answer to the first changes nothing.
      first.resolve(viewResult(summary, { rows: 'older' }));
      await flush();
      expect(board.views[0].result?.data).toEqual({ rows: 'new' });
    });

    it('does not compute a view again for a clause on its own column', async () => {
      const registry = new ComponentRegistry();
      registry.register('distribution', distributionRenderer);
      board.dispose();
      board = new BoardModel({
        fetchView: server.fetch,
        stateFor: (spec, state) => stateForView(registry, spec, state)
      });
      board.setKernel('k1');
      board.open({ component: 'distribution', variables: ['df'], params: { column: 'age' } });
      board.open(summary);
      server.answer(0);
      server.answer(1);
      await flush();
      board.setClause({ column: 'age', op: 'range', min: 1, max: 2 });
      jest.advanceTimersByTime(150);
      expect(server.calls.slice(2).map(c => c.request.component)).toEqual(['summary']);
      expect(board.views.find(v => v.component === 'distribution')?.status).toBe('ready');
      board.setClause({ column: 'sex', op: 'in', values: ['F'] });
      jest.advanceTimersByTime(150);
      expect(
        server.calls
          .slice(3)
          .map(c => [c.request.component, c.request.state.filter.map(f => f.column)])
          .sort()
      ).toEqual([
        ['distribution', ['sex']],
        ['summary', ['age', 'sex']]
      ]);
    });
  });

  describe('selection and groups', () => {
    const cell = {
      component: 'duplicates',
      variables: ['test', 'train'],
      params: {},
      spec: { group: '00000000000000ff' },
      label: 'group of 2'
    };

    it('computes the other views with the selection, not the view that made it', async () => {
      const registry = new ComponentRegistry();
      board.dispose();
      board = new BoardModel({
        fetchView: server.fetch,
        stateFor: (spec, state) => stateForView(registry, spec, state)
      });
      board.setKernel('k1');
      board.open(leak);
      board.open(summary);
      server.answer(0);
      server.answer(1);
      await flush();
      board.setSelection(cell);
      jest.advanceTimersByTime(150);
      expect(server.calls.slice(2).map(c => [c.request.component, c.request.state])).toEqual([
        ['summary', { filter: [], selection: cell }]
      ]);
      expect(board.state.selection).toEqual(cell);
      // the same selection again changes nothing
      board.setSelection({ ...cell });
      jest.advanceTimersByTime(150);
      expect(server.calls.length).toBe(3);
      server.answer(2);
      await flush();
      board.setSelection(null);
      jest.advanceTimersByTime(150);
      expect(board.state).toEqual({ filter: [] });
      expect(server.calls.slice(3).map(c => c.request.state)).toEqual([{ filter: [] }]);
    });

    it('keeps the selection and the groups when the filter changes', () => {
      board.setSelection(cell);
      board.setGroups({ column: 'sex' });
      board.setClause({ column: 'age', op: 'range', min: 1, max: 2 });
      expect(board.state).toEqual({
        filter: [{ column: 'age', op: 'range', min: 1, max: 2 }],
        selection: cell,
        groups: { column: 'sex' }
      });
      expect(board.sharedState).toMatchObject({ selection: cell, groups: { column: 'sex' } });
      board.setGroups(null);
      board.clearFilter();
      expect(board.state).toEqual({ filter: [], selection: cell });
      expect(states.length).toBe(5);
    });

    it('takes a selection pushed by the server', () => {
      board.applyState({
        kernel_id: 'k1',
        origin: 'board',
        filter: [],
        views: [],
        selection: cell,
        groups: { column: 'b' }
      });
      expect(board.state).toEqual({ filter: [], selection: cell, groups: { column: 'b' } });
      board.applyState({ kernel_id: 'k1', origin: 'board', filter: [], views: [] });
      expect(board.state).toEqual({ filter: [] });
    });
  });

  describe('catalogs', () => {
    const withDf = (fingerprint: string, overrides = {}) =>
      catalog('k1', {
        variables: [dataframe('df', { fingerprint }), dataframe('test'), dataframe('train')],
        ...overrides
      });

    it('computes a view again when a fingerprint of its variables changes', async () => {
      board.handleCatalog(withDf('a'));
      board.open(summary);
      board.open(leak);
      server.answer(0, {}, ['a']);
      server.answer(1, {}, ['fp-test', 'fp-train']);
      await flush();
      // A new catalog, same fingerprints: nothing to do.
      board.handleCatalog(withDf('a', { execution_count: 8 }));
      expect(server.calls).toHaveLength(2);
      board.handleCatalog(withDf('b', { execution_count: 9 }));
      expect(server.calls).toHaveLength(3);
      expect(server.last.request.component).toBe('summary');
    });

    it('says when the kernel no longer holds a variable, and comes back', async () => {
      board.handleCatalog(withDf('a'));
      board.open(summary);
      server.answer(0, {}, ['a']);
      await flush();
      board.handleCatalog(catalog('k1', { variables: [dataframe('test')] }));
      expect(board.views[0]).toMatchObject({ status: 'missing', result: null });
      board.handleCatalog(withDf('b'));
      expect(board.views[0].status).toBe('loading');
      expect(server.calls).toHaveLength(2);
    });

    it('waits while the kernel is busy, and asks when it is idle', () => {
      board.handleCatalog(withDf('a', { state: 'busy' }));
      board.open(summary);
      expect(board.views[0].status).toBe('waiting');
      expect(server.calls).toHaveLength(0);
      board.handleCatalog(withDf('a', { state: 'idle' }));
      expect(server.calls).toHaveLength(1);
      expect(board.views[0].status).toBe('loading');
    });

    it('asks again when the server says the kernel is busy (409)', async () => {
      board.handleCatalog(withDf('a'));
      board.open(summary);
      server.calls[0].reject(httpError(409, 'The kernel is busy'));
      await flush();
      expect(board.views[0].status).toBe('waiting');
      board.handleCatalog(withDf('a', { execution_count: 8 }));
      expect(server.calls).toHaveLength(2);
    });

    it('ignores catalogs of other kernels', () => {
      board.handleCatalog(withDf('a'));
      board.open(summary);
      board.handleCatalog(catalog('k2', { variables: [] }));
      expect(board.views[0].status).toBe('loading');
    });
  });

  describe('kernels', () => {
    it('keeps the board of each kernel', async () => {
      const id = board.open(summary)!;
      board.setClause({ column: 'age', op: 'in', values: [1] });
      board.setKernel('k2');
      expect(board.views).toEqual([]);
      expect(board.state.filter).toEqual([]);
      // The answer for k1 arrives while k2 is followed: dropped.
      server.answer(0);
      await flush();
      board.setKernel('k1');
      expect(ids()).toEqual([id]);
      expect(board.state.filter).toEqual([{ column: 'age', op: 'in', values: [1] }]);
      // It was computing when we left: asked again at the next catalog.
      expect(board.views[0].status).toBe('loading');
      board.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
      expect(server.last.kernelId).toBe('k1');
      expect(server.last.request.state).toEqual(board.state);
    });

    it('follows a catalog model', () => {
      const model = new CatalogModel();
      const follow = board.follow(model);
      model.setSource({
        kernelId: 'k3',
        notebookPath: 'a.ipynb',
        kernelName: 'Python 3',
        kernelStatus: 'idle',
        starting: false
      });
      expect(board.kernelId).toBe('k3');
      board.open(summary);
      model.handleCatalog(catalog('k3', { variables: [] }));
      expect(board.views[0].status).toBe('missing');
      follow.dispose();
      model.setSource(null);
      expect(board.kernelId).toBe('k3');
      model.dispose();
    });
  });
});
