import { ServerConnection } from '@jupyterlab/services';

import { CatalogClient } from '../client';
import { ICatalog, IServerError, ISuggestions } from '../tokens';
import {
  FakeWebSocket,
  catalog,
  dataframe,
  jsonResponse,
  makeSettings,
  suggestions,
  viewResult
} from './helpers';

function makeClient(
  options: {
    token?: string;
    fetch?: (input: RequestInfo, init?: RequestInit) => Promise<Response>;
  } = {}
): CatalogClient {
  return new CatalogClient({
    serverSettings: makeSettings(options),
    WebSocket: FakeWebSocket,
    reconnect: { initialDelay: 100, maxDelay: 1000, jitter: 0 }
  });
}

describe('CatalogClient', () => {
  let client: CatalogClient;
  let catalogs: ICatalog[];
  let errors: IServerError[];

  beforeEach(() => {
    jest.useFakeTimers();
    FakeWebSocket.reset();
    client = makeClient();
    catalogs = [];
    errors = [];
    client.catalogReceived.connect((_, c) => catalogs.push(c));
    client.errorReceived.connect((_, e) => errors.push(e));
  });

  afterEach(() => {
    client.dispose();
    jest.useRealTimers();
  });

  describe('url', () => {
    it('is the watch route under the websocket URL', () => {
      expect(client.url).toBe('ws://localhost:8888/base/symphony-lab/api/watch');
    });

    it('carries the token when the settings have one', () => {
      const withToken = makeClient({ token: 'a b&c' });
      expect(withToken.url).toBe(
        'ws://localhost:8888/base/symphony-lab/api/watch?token=a%20b%26c'
      );
      withToken.dispose();
    });
  });

  describe('watching', () => {
    it('opens no socket before a kernel is watched', () => {
      expect(FakeWebSocket.instances).toHaveLength(0);
      expect(client.connectionState).toBe('closed');
    });

    it('opens one socket and sends every watch once it is open', () => {
      client.watch('k1');
      client.watch('k2');
      expect(FakeWebSocket.instances).toHaveLength(1);
      const socket = FakeWebSocket.last;
      expect(socket.url).toBe(client.url);
      expect(client.connectionState).toBe('connecting');
      expect(socket.sent).toHaveLength(0);
      socket.open();
      expect(client.connectionState).toBe('open');
      expect(socket.messages).toEqual([
        { type: 'watch', kernel_id: 'k1' },
        { type: 'watch', kernel_id: 'k2' }
      ]);
    });

    it('sends a watch at once when the socket is open', () => {
      client.watch('k1');
      FakeWebSocket.last.open();
      client.watch('k2');
      expect(FakeWebSocket.instances).toHaveLength(1);
      expect(FakeWebSocket.last.messages).toEqual([
        { type: 'watch', kernel_id: 'k1' },
        { type: 'watch', kernel_id: 'k2' }
      ]);
    });

    it('counts watches: the last unwatch sends the unwatch', () => {
      client.watch('k1');
      const socket = FakeWebSocket.last;
      socket.open();
      client.watch('k1');
      expect(socket.messages).toEqual([{ type: 'watch', kernel_id: 'k1' }]);
      client.unwatch('k1');
      expect(socket.messages).toHaveLength(1);
      expect(client.watched).toEqual(['k1']);
      client.unwatch('k1');
      expect(socket.messages[1]).toEqual({ type: 'unwatch', kernel_id: 'k1' });
      expect(client.watched).toEqual([]);
      client.unwatch('k1');
      expect(socket.messages).toHaveLength(2);
    });

    it('sends refresh only for a watched kernel on an open socket', () => {
      expect(client.refresh('k1')).toBe(false);
      client.watch('k1');
      expect(client.refresh('k1')).toBe(false);
      const socket = FakeWebSocket.last;
      socket.open();
      expect(client.refresh('k1')).toBe(true);
      expect(client.refresh('k2')).toBe(false);
      expect(socket.messages).toEqual([
        { type: 'watch', kernel_id: 'k1' },
        { type: 'refresh', kernel_id: 'k1' }
      ]);
    });
  });

  describe('messages', () => {
    beforeEach(() => {
      client.watch('k1');
      FakeWebSocket.last.open();
    });

    it('emits the catalogs of watched kernels', () => {
      const sent = catalog('k1', { variables: [dataframe('df')] });
      FakeWebSocket.last.receive({ type: 'catalog', catalog: sent });
      expect(catalogs).toEqual([sent]);
    });

    it('ignores catalogs of kernels not watched', () => {
      FakeWebSocket.last.receive({ type: 'catalog', catalog: catalog('k9') });
      expect(catalogs).toEqual([]);
    });

    it('ignores catalogs arriving after the unwatch', () => {
      client.unwatch('k1');
      FakeWebSocket.last.receive({ type: 'catalog', catalog: catalog('k1') });
      expect(catalogs).toEqual([]);
    });

    it('emits server errors', () => {
      FakeWebSocket.last.receive({
        type: 'error',
        message: 'no such kernel',
        kernel_id: 'k1'
      });
      FakeWebSocket.last.receive({ type: 'error', message: 'bad frame' });
      expect(errors).toEqual([
        { message: 'no such kernel', kernelId: 'k1' },
        { message: 'bad frame', kernelId: null }
      ]);
    });

    it('ignores malformed messages and goes on', () => {
      const socket = FakeWebSocket.last;
      const bad: unknown[] = [
        'not json',
        '{"type": "catalog"',
        '[1, 2, 3]',
        'null',
        '"catalog"',
        { type: 'unknown' },
        { catalog: catalog('k1') },
        { type: 'catalog' },
        { type: 'catalog', catalog: 'k1' },
        { type: 'catalog', catalog: { ...catalog('k1'), kernel_id: 42 } },
        { type: 'catalog', catalog: { ...catalog('k1'), state: null } },
        { type: 'error' }
      ];
      for (const message of bad) {
        expect(() => socket.receive(message)).not.toThrow();
      }
      expect(() => socket.receiveRaw(new ArrayBuffer(8))).not.toThrow();
      expect(() => socket.receiveRaw(undefined)).not.toThrow();
      expect(catalogs).toEqual([]);
      expect(errors).toEqual([]);
      socket.receive({ type: 'catalog', catalog: catalog('k1') });
      expect(catalogs).toHaveLength(1);
    });

    it('drops invalid variable entries and keeps the valid ones', () => {
      FakeWebSocket.last.receive({
        type: 'catalog',
        catalog: {
          ...catalog('k1'),
          variables: [dataframe('df'), { kind: 'dataframe' }, 'x', null]
        }
      });
      expect(catalogs[0].variables.map(v => v.name)).toEqual(['df']);
    });
  });

  describe('reconnecting', () => {
    it('reconnects after a drop and watches again', () => {
      client.watch('k1');
      client.watch('k2');
      const first = FakeWebSocket.last;
      first.open();
      client.unwatch('k2');
      first.drop();
      expect(client.connectionState).toBe('closed');
      expect(FakeWebSocket.instances).toHaveLength(1);

      jest.advanceTimersByTime(99);
      expect(FakeWebSocket.instances).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(FakeWebSocket.instances).toHaveLength(2);

      const second = FakeWebSocket.last;
      second.open();
      expect(second.messages).toEqual([{ type: 'watch', kernel_id: 'k1' }]);

      // Catalogs flow again on the new socket; the old one is forgotten.
      second.receive({ type: 'catalog', catalog: catalog('k1') });
      first.receive({ type: 'catalog', catalog: catalog('k1') });
      expect(catalogs).toHaveLength(1);
    });

    it('watches made while disconnected are sent after the reconnect', () => {
      client.watch('k1');
      FakeWebSocket.last.open();
      FakeWebSocket.last.drop();
      client.watch('k3');
      // No new socket before the backoff delay.
      expect(FakeWebSocket.instances).toHaveLength(1);
      jest.advanceTimersByTime(100);
      FakeWebSocket.last.open();
      expect(FakeWebSocket.last.messages).toEqual([
        { type: 'watch', kernel_id: 'k1' },
        { type: 'watch', kernel_id: 'k3' }
      ]);
    });

    it('backs off exponentially, up to the cap', () => {
      client.watch('k1');
      const delays: number[] = [];
      for (let i = 0; i < 6; i++) {
        FakeWebSocket.last.drop();
        const before = FakeWebSocket.instances.length;
        let waited = 0;
        while (FakeWebSocket.instances.length === before) {
          jest.advanceTimersByTime(10);
          waited += 10;
        }
        delays.push(waited);
      }
      expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
      expect(client.failedAttempts).toBe(6);
    });

    it('starts the backoff again once the server answers', () => {
      client.watch('k1');
      FakeWebSocket.last.drop();
      jest.advanceTimersByTime(100);
      FakeWebSocket.last.drop();
      jest.advanceTimersByTime(200);
      expect(FakeWebSocket.instances).toHaveLength(3);
      FakeWebSocket.last.open();
      FakeWebSocket.last.receive({ type: 'catalog', catalog: catalog('k1') });
      expect(client.failedAttempts).toBe(0);
      FakeWebSocket.last.drop();
      jest.advanceTimersByTime(100);
      expect(FakeWebSocket.instances).toHaveLength(4);
    });

    it('does not reconnect while nothing is watched', () => {
      client.watch('k1');
      FakeWebSocket.last.open();
      client.unwatch('k1');
      FakeWebSocket.last.drop();
      jest.advanceTimersByTime(10000);
      expect(FakeWebSocket.instances).toHaveLength(1);
      client.watch('k1');
      expect(FakeWebSocket.instances).toHaveLength(2);
    });

    it('reports the connection state', () => {
      const states: string[] = [];
      client.connectionChanged.connect((_, s) => states.push(s));
      client.watch('k1');
      FakeWebSocket.last.open();
      FakeWebSocket.last.drop();
      jest.advanceTimersByTime(100);
      FakeWebSocket.last.open();
      expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
    });

    it('stops for good when disposed', () => {
      client.watch('k1');
      const socket = FakeWebSocket.last;
      socket.open();
      client.dispose();
      expect(socket.closed).toBe(true);
      expect(client.isDisposed).toBe(true);
      jest.advanceTimersByTime(10000);
      expect(FakeWebSocket.instances).toHaveLength(1);
      client.watch('k1');
      expect(FakeWebSocket.instances).toHaveLength(1);
    });

    it('cancels a pending reconnect when disposed', () => {
      client.watch('k1');
      FakeWebSocket.last.drop();
      client.dispose();
      jest.advanceTimersByTime(10000);
      expect(FakeWebSocket.instances).toHaveLength(1);
    });
  });

  describe('REST', () => {
    it('fetches one variable with all its columns', async () => {
      const requests: Request[] = [];
      const entry = dataframe('df', { columns_total: 2 });
      const rest = makeClient({
        fetch: async input => {
          requests.push(input as Request);
          return jsonResponse(entry);
        }
      });
      const variable = await rest.fetchVariable('k/1', 'df');
      expect(variable).toEqual(entry);
      expect(requests).toHaveLength(1);
      expect(requests[0].method).toBe('GET');
      const url = new URL(requests[0].url);
      expect(url.origin + url.pathname).toBe(
        'http://localhost:8888/base/symphony-lab/api/kernels/k%2F1/variables/df'
      );
      rest.dispose();
    });

    it('throws the server message on an error status', async () => {
      const rest = makeClient({
        fetch: async () =>
          jsonResponse({ message: 'The kernel is busy.', reason: 'busy' }, 409)
      });
      const error = await rest.fetchVariable('k1', 'df').catch(e => e);
      expect(error).toBeInstanceOf(ServerConnection.ResponseError);
      expect(error.message).toBe('The kernel is busy.');
      expect(error.response.status).toBe(409);
      rest.dispose();
    });

    it('rejects an invalid answer', async () => {
      const rest = makeClient({ fetch: async () => jsonResponse({ nope: 1 }) });
      await expect(rest.fetchVariable('k1', 'df')).rejects.toThrow(
        'invalid variable'
      );
      rest.dispose();
    });

    it('fetches the catalog, with refresh=1 when asked', async () => {
      const urls: string[] = [];
      const rest = makeClient({
        fetch: async input => {
          urls.push((input as Request).url);
          return jsonResponse(catalog('k1'));
        }
      });
      expect(await rest.fetchCatalog('k1')).toEqual(catalog('k1'));
      await rest.fetchCatalog('k1', true);
      const parsed = urls.map(u => new URL(u));
      for (const url of parsed) {
        expect(url.origin + url.pathname).toBe(
          'http://localhost:8888/base/symphony-lab/api/kernels/k1/catalog'
        );
      }
      // (ServerConnection adds a cache-busting parameter to GETs.)
      expect(parsed.map(u => u.searchParams.get('refresh'))).toEqual([
        null,
        '1'
      ]);
      rest.dispose();
    });
  });
});

describe('CatalogClient suggestions and views', () => {
  beforeEach(() => {
    FakeWebSocket.reset();
  });

  it('emits the suggestions of watched kernels only', () => {
    const client = makeClient();
    const received: ISuggestions[] = [];
    client.suggestionsReceived.connect((_, s) => received.push(s));
    client.watch('k1');
    FakeWebSocket.last.open();
    FakeWebSocket.last.receive({ type: 'suggestions', suggestions: suggestions('k1') });
    FakeWebSocket.last.receive({ type: 'suggestions', suggestions: suggestions('k9') });
    FakeWebSocket.last.receive({ type: 'suggestions', suggestions: { kernel_id: 'k1' } });
    expect(received).toEqual([suggestions('k1')]);
    client.dispose();
  });

  it('posts a view request and parses the answer', async () => {
    const requests: Array<{ url: string; method: string; body: unknown }> = [];
    const spec = { component: 'summary', variables: ['df'], params: {} };
    const answer = viewResult(spec, { rows: 3 });
    const client = makeClient({
      fetch: async input => {
        const request = input as Request;
        const url = new URL(request.url);
        requests.push({
          // (ServerConnection adds a cache-busting parameter.)
          url: url.origin + url.pathname,
          method: request.method,
          body: JSON.parse(await request.text())
        });
        return jsonResponse(answer);
      }
    });
    const state = { filter: [{ column: 'age', op: 'range' as const, min: 1, max: 2 }] };
    expect(await client.fetchView('k/1', { ...spec, state })).toEqual({
      ...answer,
      bytes: JSON.stringify(answer).length
    });
    expect(requests).toEqual([
      {
        url: 'http://localhost:8888/base/symphony-lab/api/kernels/k%2F1/views',
        method: 'POST',
        body: { ...spec, state }
      }
    ]);
    client.dispose();
  });

  it('throws the server message of a failed view request', async () => {
    const client = makeClient({
      fetch: async () => jsonResponse({ message: 'no column zzz' }, 400)
    });
    const error = await client
      .fetchView('k1', {
        component: 'distribution',
        variables: ['df'],
        params: { column: 'zzz' },
        state: { filter: [] }
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error.message).toBe('no column zzz');
    expect(error.response.status).toBe(400);
    client.dispose();
  });

  it('lists the components', async () => {
    const client = makeClient({
      fetch: async () =>
        jsonResponse({ components: [{ name: 'summary', title: 'Summary' }] })
    });
    const list = await client.fetchComponents();
    expect(list.map(c => [c.name, c.title])).toEqual([['summary', 'Summary']]);
    client.dispose();
  });
});
