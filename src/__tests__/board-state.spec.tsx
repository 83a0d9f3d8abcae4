/*
 * The board's shared state through the server: the "state" messages of the
 * watch websocket (validation, client), the board sending the user's changes
 * (debounced) and applying the server's without sending them back, and the
 * whole loop with the panel's chips (client and board wired as in index.ts).
 */
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { act } from 'react';

import { BoardModel } from '../board';
import { CatalogClient } from '../client';
import { CatalogModel } from '../model';
import { parseBoardState, parseFilterClause, parseServerMessage } from '../protocol';
import { ComponentRegistry, stateForView } from '../registry';
import {
  IRemoteBoardState,
  ISharedBoardState,
  IViewRequest,
  IViewResult,
  IViewSpec
} from '../tokens';
import { registerRenderers } from '../views';
import { SymphonyPanel } from '../widgets/panel';
import {
  FakeWebSocket,
  catalog,
  dataframe,
  makeSettings,
  suggestions,
  viewResult
} from './helpers';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const AGE = { column: 'age', op: 'range' as const, min: 10, max: 19 };
const SEX = { column: 'sex', op: 'in' as const, values: ['M', null] };

function remote(
  filter: unknown[],
  overrides: Partial<IRemoteBoardState> = {}
): IRemoteBoardState {
  return {
    kernel_id: 'k1',
    origin: 'kernel',
    filter: filter as IRemoteBoardState['filter'],
    views: [],
    ...overrides
  };
}

describe('protocol: board state', () => {
  it('takes a valid state message', () => {
    const message = parseServerMessage(
      JSON.stringify({
        type: 'state',
        state: {
          kernel_id: 'k1',
          origin: 'kernel',
          filter: [AGE, SEX, { column: 'd', op: 'range', min: '2020-01-01', max: null }],
          views: [{ component: 'summary', variables: ['df'] }]
        }
      })
    );
    expect(message).toEqual({
      type: 'state',
      state: {
        kernel_id: 'k1',
        origin: 'kernel',
        filter: [AGE, SEX, { column: 'd', op: 'range', min: '2020-01-01', max: null }],
        views: [{ component: 'summary', variables: ['df'] }]
      }
    });
  });

  it('fills in what may be left out', () => {
    expect(parseBoardState({ kernel_id: 'k1' })).toEqual({
      kernel_id: 'k1',
      origin: 'board',
      filter: [],
      views: []
    });
    expect(
      parseBoardState({ kernel_id: 'k1', origin: 'mars', filter: [{ column: 'a', op: 'range' }] })
    ).toEqual({
      kernel_id: 'k1',
      origin: 'board',
      filter: [{ column: 'a', op: 'range', min: null, max: null }],
      views: []
    });
  });

  it('rejects a state with an invalid clause as a whole', () => {
    const bad: unknown[] = [
      { column: 'a', op: 'drop' },
      { column: 1, op: 'range', min: 0, max: 1 },
      { op: 'range', min: 0, max: 1 },
      { column: 'a', op: 'range', min: true, max: 1 },
      { column: 'a', op: 'range', min: {}, max: 1 },
      { column: 'a', op: 'in' },
      { column: 'a', op: 'in', values: 'M' },
      { column: 'a', op: 'in', values: [{}] },
      { column: 'a', op: 'in', values: [[1]] },
      'age',
      null
    ];
    for (const clause of bad) {
      expect(parseFilterClause(clause)).toBeNull();
      expect(parseBoardState({ kernel_id: 'k1', filter: [AGE, clause] })).toBeNull();
    }
    expect(parseBoardState({ kernel_id: 'k1', filter: 'age' })).toBeNull();
    expect(parseBoardState({ filter: [] })).toBeNull();
    expect(parseBoardState({ kernel_id: '', filter: [] })).toBeNull();
    expect(parseBoardState('k1')).toBeNull();
    expect(parseServerMessage(JSON.stringify({ type: 'state' }))).toBeNull();
    expect(parseServerMessage(JSON.stringify({ type: 'state', state: [] }))).toBeNull();
  });

  it('keeps one clause per column (the later, in place) and drops invalid views', () => {
    const state = parseBoardState({
      kernel_id: 'k1',
      filter: [AGE, SEX, { ...AGE, max: 30 }],
      views: [
        { component: 'summary', variables: ['df'] },
        { component: 'summary', variables: [] },
        { component: '', variables: ['df'] },
        { variables: ['df'] },
        'summary',
        { component: 'missing', variables: ['df', 3] }
      ]
    });
    expect(state?.filter).toEqual([{ ...AGE, max: 30 }, SEX]);
    expect(state?.views).toEqual([{ component: 'summary', variables: ['df'] }]);
  });
});

describe('CatalogClient: board state', () => {
  let client: CatalogClient;
  let states: IRemoteBoardState[];

  beforeEach(() => {
    FakeWebSocket.reset();
    client = new CatalogClient({
      serverSettings: makeSettings(),
      WebSocket: FakeWebSocket,
      reconnect: { initialDelay: 100, maxDelay: 1000, jitter: 0 }
    });
    states = [];
    client.stateReceived.connect((_, s) => states.push(s));
    client.watch('k1');
    FakeWebSocket.last.open();
  });

  afterEach(() => {
    client.dispose();
  });

  const shared: ISharedBoardState = {
    filter: [AGE],
    views: [{ component: 'summary', variables: ['df'] }]
  };

  it('sends the state of a watched kernel', () => {
    expect(client.sendState('k1', shared)).toBe(true);
    expect(FakeWebSocket.last.messages.slice(1)).toEqual([
      { type: 'state', kernel_id: 'k1', state: shared }
    ]);
  });

  it('does not send for a kernel not watched, or on a closed socket', () => {
    expect(client.sendState('k2', shared)).toBe(false);
    FakeWebSocket.last.drop();
    expect(client.sendState('k1', shared)).toBe(false);
    expect(FakeWebSocket.instances[0].messages).toEqual([{ type: 'watch', kernel_id: 'k1' }]);
  });

  it('does not send what the server would refuse; leaves out views it would', () => {
    const many = Array.from({ length: 33 }, (_, i) => ({ ...AGE, column: `c${i}` }));
    expect(client.sendState('k1', { filter: many, views: [] })).toBe(false);
    const values = Array.from({ length: 1001 }, (_, i) => i);
    expect(
      client.sendState('k1', { filter: [{ column: 'a', op: 'in', values }], views: [] })
    ).toBe(false);
    expect(
      client.sendState('k1', {
        filter: [],
        views: [
          { component: 'summary', variables: ['df'] },
          { component: 'duplicates', variables: ['a', 'b', 'c', 'd', 'e'] },
          { component: 'summary', variables: ['not a name'] },
          { component: 'summary', variables: ['données'] }
        ]
      })
    ).toBe(true);
    expect(FakeWebSocket.last.messages.slice(1)).toEqual([
      {
        type: 'state',
        kernel_id: 'k1',
        state: {
          filter: [],
          views: [
            { component: 'summary', variables: ['df'] },
            { component: 'duplicates', variables: ['a', 'b', 'c', 'd'] },
            { component: 'summary', variables: ['données'] }
          ]
        }
      }
    ]);
  });

  it('emits the states of watched kernels only', () => {
    const socket = FakeWebSocket.last;
    socket.receive({ type: 'state', state: { kernel_id: 'k9', origin: 'board', filter: [AGE] } });
    socket.receive({
      type: 'state',
      state: { kernel_id: 'k1', origin: 'kernel', filter: [AGE], views: [] }
    });
    expect(states).toEqual([remote([AGE])]);
    client.unwatch('k1');
    socket.receive({ type: 'state', state: { kernel_id: 'k1', filter: [] } });
    expect(states).toHaveLength(1);
  });

  it('ignores malformed state messages', () => {
    const socket = FakeWebSocket.last;
    const bad: unknown[] = [
      { type: 'state' },
      { type: 'state', state: null },
      { type: 'state', state: { filter: [AGE] } },
      { type: 'state', state: { kernel_id: 'k1', filter: [{ column: 'age', op: 'drop' }] } },
      { type: 'state', state: { kernel_id: 'k1', filter: { age: [1, 2] } } },
      '{"type": "state", "state": {"kernel_id": "k1"'
    ];
    for (const message of bad) {
      expect(() => socket.receive(message)).not.toThrow();
    }
    expect(states).toEqual([]);
  });
});

/** A server that answers every view request at once. */
function answering(requests: Array<{ kernelId: string; request: IViewRequest }>) {
  return async (kernelId: string, request: IViewRequest): Promise<IViewResult> => {
    requests.push({ kernelId, request });
    return viewResult(request, { rows: 10 });
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

const summary: IViewSpec = { component: 'summary', variables: ['df'], params: {} };
const missing: IViewSpec = { component: 'missing', variables: ['df'], params: {} };

describe('BoardModel: shared state', () => {
  let board: BoardModel;
  let sent: Array<[string, ISharedBoardState]>;
  let requests: Array<{ kernelId: string; request: IViewRequest }>;

  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    requests = [];
    board = new BoardModel({
      fetchView: answering(requests),
      debounce: 150,
      sendState: (kernelId, state) => {
        sent.push([kernelId, state]);
      }
    });
    board.setKernel('k1');
  });

  afterEach(() => {
    board.dispose();
    jest.useRealTimers();
  });

  it('sends the filter and the views after 100 ms of quiet, once', () => {
    board.open(summary);
    board.setClause({ ...AGE, max: 12 });
    board.setClause({ ...AGE, max: 15 });
    jest.advanceTimersByTime(99);
    expect(sent).toEqual([]);
    board.setClause(AGE);
    jest.advanceTimersByTime(99);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([
      ['k1', { filter: [AGE], views: [{ component: 'summary', variables: ['df'] }] }]
    ]);
    expect(board.sharedState).toEqual(sent[0][1]);
  });

  it('sends when views open, close, move or change parameters; each view with its parameters', () => {
    board.open(summary);
    board.open({ component: 'distribution', variables: ['df'], params: { column: 'age' } });
    board.open({ component: 'distribution', variables: ['df'], params: { column: 'fare' } });
    jest.advanceTimersByTime(100);
    expect(sent[0][1].views).toEqual([
      { component: 'distribution', variables: ['df'], params: { column: 'fare' } },
      { component: 'distribution', variables: ['df'], params: { column: 'age' } },
      { component: 'summary', variables: ['df'] }
    ]);
    board.move(board.views[2].id, -2);
    jest.advanceTimersByTime(100);
    expect(sent[1][1].views[0]).toEqual({ component: 'summary', variables: ['df'] });
    board.close(board.views[0].id);
    board.close(board.views[0].id);
    jest.advanceTimersByTime(100);
    expect(sent[2][1].views).toEqual([
      { component: 'distribution', variables: ['df'], params: { column: 'age' } }
    ]);
    board.setParams(board.views[0].id, { bins: 7 });
    jest.advanceTimersByTime(100);
    expect(sent[3][1].views).toEqual([
      { component: 'distribution', variables: ['df'], params: { column: 'age', bins: 7 } }
    ]);
    sent.splice(3, 1);
    board.closeAll();
    jest.advanceTimersByTime(100);
    expect(sent[3][1]).toEqual({ filter: [], views: [] });
  });

  it('does not send what did not change what is shared', () => {
    const id = board.open(summary)!;
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
    board.setCollapsed(id, true);
    board.open(summary);
    board.setClause(AGE);
    board.removeClause('age');
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
  });

  it('applies a state from the server without sending it back', async () => {
    board.open(summary);
    board.open(missing);
    jest.advanceTimersByTime(200);
    await flush();
    expect(sent).toHaveLength(1);
    expect(board.views.every(v => v.status === 'ready')).toBe(true);
    const before = requests.length;
    const states: unknown[] = [];
    board.stateChanged.connect((_, s) => states.push(s));

    board.applyState(remote([AGE, SEX], { views: [{ component: 'table', variables: ['x'] }] }));
    expect(board.state).toEqual({ filter: [AGE, SEX] });
    expect(states).toEqual([{ filter: [AGE, SEX] }]);
    // The open views are left alone, and computed again with the new filter.
    expect(board.views.map(v => v.component)).toEqual(['missing', 'summary']);
    expect(board.views.every(v => v.status === 'loading')).toBe(true);
    jest.advanceTimersByTime(1000);
    await flush();
    expect(requests.slice(before).map(r => r.request.state)).toEqual([
      { filter: [AGE, SEX] },
      { filter: [AGE, SEX] }
    ]);
    expect(board.views.every(v => v.status === 'ready')).toBe(true);
    // Nothing went back to the server.
    expect(sent).toHaveLength(1);

    // The same state again changes nothing.
    const count = requests.length;
    board.applyState(remote([AGE, SEX]));
    jest.advanceTimersByTime(1000);
    expect(requests).toHaveLength(count);
    expect(states).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it('sends the next change by the user with the applied filter', () => {
    board.open(summary);
    jest.advanceTimersByTime(100);
    board.applyState(remote([AGE]));
    board.toggleValue('sex', 'F');
    jest.advanceTimersByTime(100);
    expect(sent[sent.length - 1]).toEqual([
      'k1',
      {
        filter: [AGE, { column: 'sex', op: 'in', values: ['F'] }],
        views: [{ component: 'summary', variables: ['df'] }]
      }
    ]);
  });

  it('a state arriving before a pending change is sent: only the views differ', () => {
    board.open(summary);
    board.setClause({ ...AGE, max: 50 });
    // The server's state overrides the filter before ours went out.
    board.applyState(remote([AGE], { views: [] }));
    jest.advanceTimersByTime(100);
    expect(sent).toEqual([
      ['k1', { filter: [AGE], views: [{ component: 'summary', variables: ['df'] }] }]
    ]);
    // Had the views been the same, nothing would be sent.
    board.applyState(remote([SEX], { views: [{ component: 'summary', variables: ['df'] }] }));
    board.setClause(AGE);
    board.removeClause('age');
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
  });

  it('clears the filter when the server says so', () => {
    board.setClause(AGE);
    jest.advanceTimersByTime(100);
    board.applyState(remote([]));
    expect(board.state.filter).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
  });

  it('keeps a state for a kernel not shown until it is', async () => {
    board.open(summary);
    board.setClause(SEX);
    jest.advanceTimersByTime(1000);
    await flush();
    board.setKernel('k2');
    const before = requests.length;
    board.applyState(remote([AGE], { kernel_id: 'k1' }));
    expect(board.state.filter).toEqual([]);
    board.applyState(remote([SEX], { kernel_id: 'k3' }));
    board.setKernel('k1');
    expect(board.state.filter).toEqual([AGE]);
    expect(board.views.map(v => v.component)).toEqual(['summary']);
    // The view computed with the old filter asks again.
    expect(board.views[0].status).toBe('loading');
    board.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
    await flush();
    expect(requests.slice(before).map(r => [r.kernelId, r.request.state])).toEqual([
      ['k1', { filter: [AGE] }]
    ]);
    board.setKernel('k3');
    expect(board.state.filter).toEqual([SEX]);
    expect(board.views).toEqual([]);
    // None of this was sent back.
    expect(sent.map(s => s[1].filter)).toEqual([[SEX]]);
  });

  it('sends a pending change before following another kernel', () => {
    board.setClause(AGE);
    board.setKernel('k2');
    expect(sent).toEqual([['k1', { filter: [AGE], views: [] }]]);
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
  });

  it('tries again at the next change when a state could not be sent', () => {
    const attempts: ISharedBoardState[] = [];
    let up = false;
    const other = new BoardModel({
      sendState: (_, state) => {
        attempts.push(state);
        return up;
      }
    });
    other.setKernel('k1');
    other.setClause(AGE);
    jest.advanceTimersByTime(100);
    up = true;
    other.open(summary);
    other.close(other.views[0].id);
    jest.advanceTimersByTime(100);
    expect(attempts).toEqual([
      { filter: [AGE], views: [] },
      { filter: [AGE], views: [] }
    ]);
    other.dispose();
  });
});

async function settle(fn: () => void = () => undefined): Promise<void> {
  await act(async () => {
    fn();
    MessageLoop.flush();
  });
}

describe('the board through the websocket (wired as in index.ts)', () => {
  let client: CatalogClient;
  let model: CatalogModel;
  let board: BoardModel;
  let panel: SymphonyPanel;
  let requests: Array<{ kernelId: string; request: IViewRequest }>;

  const socket = () => FakeWebSocket.last;
  const stateMessages = () => socket().messages.filter(m => m.type === 'state');
  const $$ = (selector: string): HTMLElement[] =>
    Array.from(panel.node.querySelectorAll(selector));

  beforeEach(async () => {
    FakeWebSocket.reset();
    requests = [];
    client = new CatalogClient({ serverSettings: makeSettings(), WebSocket: FakeWebSocket });
    model = new CatalogModel({ client, busyDelay: 0 });
    const registry = new ComponentRegistry();
    registerRenderers(registry);
    board = new BoardModel({
      debounce: 0,
      syncDelay: 0,
      fetchView: answering(requests),
      stateFor: (spec, state) => stateForView(registry, spec, state),
      sendState: (kernelId, state) => client.sendState(kernelId, state)
    });
    client.stateReceived.connect((_, state) => board.applyState(state));
    board.follow(model);
    panel = new SymphonyPanel({ model, board, registry });
    await settle(() => Widget.attach(panel, document.body));
    await settle(() =>
      model.setSource({
        kernelId: 'k1',
        notebookPath: 'a.ipynb',
        kernelName: 'Python 3',
        kernelStatus: 'idle',
        starting: false
      })
    );
    await settle(() => {
      socket().open();
      socket().receive({
        type: 'catalog',
        catalog: catalog('k1', { variables: [dataframe('df')] })
      });
      socket().receive({ type: 'suggestions', suggestions: suggestions('k1') });
    });
  });

  afterEach(async () => {
    await settle(() => panel.dispose());
    board.dispose();
    model.dispose();
    client.dispose();
  });

  const wait = (ms: number) => settle(() => new Promise(r => setTimeout(r, ms)) as any);

  it('Python moves the chips and the views; nothing is echoed', async () => {
    await settle(() => board.open(summary));
    await wait(5);
    expect(stateMessages()).toEqual([
      {
        type: 'state',
        kernel_id: 'k1',
        state: { filter: [], views: [{ component: 'summary', variables: ['df'] }] }
      }
    ]);
    const before = requests.length;

    await settle(() =>
      socket().receive({
        type: 'state',
        state: {
          kernel_id: 'k1',
          origin: 'kernel',
          filter: [AGE],
          views: [{ component: 'summary', variables: ['df'] }]
        }
      })
    );
    await wait(5);
    expect($$('.jp-SymphonyBoard-chip').map(c => c.getAttribute('data-column'))).toEqual(['age']);
    expect($$('.jp-SymphonyBoard-chipText').map(c => c.textContent)).toEqual(['age: 10 – 19']);
    expect(requests.slice(before).map(r => r.request.state)).toEqual([{ filter: [AGE] }]);
    expect(stateMessages()).toHaveLength(1);

    // The user removes the chip: that goes to the server.
    await settle(() =>
      (panel.node.querySelector('.jp-SymphonyBoard-chipRemove') as HTMLElement).click()
    );
    await wait(5);
    expect($$('.jp-SymphonyBoard-chip')).toHaveLength(0);
    expect(stateMessages()[1]).toEqual({
      type: 'state',
      kernel_id: 'k1',
      state: { filter: [], views: [{ component: 'summary', variables: ['df'] }] }
    });

    // A malformed state changes nothing.
    await settle(() =>
      socket().receive({
        type: 'state',
        state: { kernel_id: 'k1', filter: [{ column: 'age', op: 'nope' }] }
      })
    );
    await wait(5);
    expect($$('.jp-SymphonyBoard-chip')).toHaveLength(0);
    expect(stateMessages()).toHaveLength(2);
  });
});
