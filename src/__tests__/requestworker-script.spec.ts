/*
 * The request worker's own script (an inline worker in the browser), run here
 * with fakes of what a worker has: view requests go on the kernel's view
 * socket once it is open, its binary answers become the page's messages,
 * anything the socket cannot take goes through fetch.
 */
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'util';

import { WORKER_SOURCE } from '../requestworker';

const VIEWS_URL = 'http://localhost:8888/lab-base/symphony-lab/api/kernels/k-1/views';
const SOCKET_URL = 'ws://localhost:8888/lab-base/symphony-lab/api/kernels/k-1/views/socket';

class FakeSocket {
  static instances: FakeSocket[] = [];
  binaryType = 'blob';
  readyState = 0;
  sent: any[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((event: { data: any }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  close(): void {
    this.readyState = 3;
    this.onclose?.();
  }

  /** A binary message from the server: id, kind, payload. */
  answer(id: number, kind: string, payload: Uint8Array): void {
    const data = new Uint8Array(5 + payload.length);
    new DataView(data.buffer).setUint32(0, id, true);
    data[4] = kind.charCodeAt(0);
    data.set(payload, 5);
    this.onmessage?.({ data: data.buffer });
  }
}

const encode = (text: string): Uint8Array => new NodeTextEncoder().encode(text);

function whole(status: number, headers: [string, string][], body: string): Uint8Array {
  const head = encode(JSON.stringify({ status, headers }));
  const rest = encode(body);
  const out = new Uint8Array(4 + head.length + rest.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(rest, 4 + head.length);
  return out;
}

/** The worker's script, run with a fake `self`, `fetch` and `WebSocket`. */
function runWorker(fetchImpl: jest.Mock) {
  const posted: any[] = [];
  const self: any = { postMessage: (m: any) => posted.push(m), onmessage: null };
  const performance = { timeOrigin: 1000, now: () => 5, getEntriesByName: () => [], clearResourceTimings: () => undefined };
  // eslint-disable-next-line no-new-func
  new Function('self', 'fetch', 'WebSocket', 'performance', 'TextDecoder', WORKER_SOURCE)(
    self,
    fetchImpl,
    FakeSocket,
    performance,
    NodeTextDecoder
  );
  const request = (id: number, extra: Record<string, unknown> = {}) =>
    self.onmessage({
      data: {
        id,
        type: 'fetch',
        url: VIEWS_URL,
        method: 'POST',
        headers: [
          ['Accept', 'application/vnd.symphony-lab.view'],
          ['Authorization', 'token s3cret'],
          ['Content-Type', 'application/json']
        ],
        body: JSON.stringify({ component: 'summary', variables: ['df'] }),
        cache: 'no-store',
        credentials: 'same-origin',
        ...extra
      }
    });
  return { self, posted, request };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
};

function fetchAnswer(): jest.Mock {
  return jest.fn(async () => ({
    status: 200,
    statusText: 'OK',
    headers: new Map([['content-length', '2']]),
    arrayBuffer: async () => encode('{}').buffer
  }));
}

describe('the request worker script', () => {
  beforeEach(() => {
    FakeSocket.instances = [];
  });

  it('sends view requests on the kernel’s view socket and hands back whole answers', async () => {
    const fetchImpl = fetchAnswer();
    const { posted, request } = runWorker(fetchImpl);
    const first = request(1);
    const socket = FakeSocket.instances[0];
    // The socket's URL: the views route's, with the token the request was signed with.
    expect(socket.url).toBe(`${SOCKET_URL}?token=s3cret`);
    socket.open();
    await first;
    expect(socket.sent).toEqual([
      { id: 1, body: { component: 'summary', variables: ['df'] }, framed: true }
    ]);
    const headers: [string, string][] = [
      ['Content-Type', 'application/vnd.symphony-lab.view'],
      ['Server-Timing', 'wait;dur=0.2, kernel;dur=9.5, total;dur=12.0']
    ];
    socket.answer(1, 'W', whole(200, headers, 'SLV1-body'));
    const answer = posted.find(m => m.type === 'whole');
    expect(answer).toMatchObject({ id: 1, status: 200, headers });
    expect(new NodeTextDecoder().decode(answer.body)).toBe('SLV1-body');
    const timing = posted.find(m => m.type === 'timing');
    expect(timing.timing.transport).toBe('socket');
    expect(timing.timing.server).toEqual([
      ['wait', 0.2],
      ['kernel', 9.5],
      ['total', 12]
    ]);
    // The next one goes on the same socket at once; no fetch was made.
    await request(2);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(socket.sent.map(m => m.id)).toEqual([1, 2]);
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('streams an answer that reports progress: head, chunks, end', async () => {
    const { posted, request } = runWorker(fetchAnswer());
    const pending = request(3);
    const socket = FakeSocket.instances[0];
    socket.open();
    await pending;
    socket.answer(3, 'H', encode(JSON.stringify({ status: 200, headers: [['Content-Type', 'x']] })));
    socket.answer(3, 'C', encode('SLV1'));
    socket.answer(3, 'C', encode('P...'));
    socket.answer(3, 'E', new Uint8Array());
    expect(posted.filter(m => m.id === 3).map(m => m.type)).toEqual(['head', 'chunk', 'chunk', 'end', 'timing']);
    expect(new NodeTextDecoder().decode(posted[1].value)).toBe('SLV1');
  });

  it('goes through fetch when the socket cannot be opened, and does not try it again at once', async () => {
    const fetchImpl = fetchAnswer();
    const { posted, request } = runWorker(fetchImpl);
    const pending = request(4);
    FakeSocket.instances[0].close(); // refused (an older server, no such route)
    await pending;
    await settle();
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(fetchImpl.mock.calls[0][0]).toBe(VIEWS_URL);
    expect(posted.find(m => m.type === 'whole')?.id).toBe(4);
    await request(5);
    await settle();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  it('sends what waited on a socket that closed through fetch; an answer already streaming fails', async () => {
    const fetchImpl = fetchAnswer();
    const { posted, request } = runWorker(fetchImpl);
    const pending = request(6);
    const socket = FakeSocket.instances[0];
    socket.open();
    await pending;
    await request(7);
    socket.answer(7, 'H', encode(JSON.stringify({ status: 200, headers: [] })));
    socket.close(); // the server restarted
    await settle();
    expect(fetchImpl).toHaveBeenCalledTimes(1); // view 6, again
    expect(posted.find(m => m.type === 'whole')?.id).toBe(6);
    expect(posted.find(m => m.type === 'error')).toMatchObject({ id: 7 });
    // A socket that had opened is opened again for the next request.
    const next = request(8);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1].open();
    await next;
    expect(FakeSocket.instances[1].sent.map(m => m.id)).toEqual([8]);
  });

  it('cancels a view on the socket when the page aborts it, and sends other requests by fetch', async () => {
    const fetchImpl = fetchAnswer();
    const { self, posted, request } = runWorker(fetchImpl);
    const pending = request(9);
    const socket = FakeSocket.instances[0];
    socket.open();
    await pending;
    await self.onmessage({ data: { id: 9, type: 'abort' } });
    expect(socket.sent).toContainEqual({ id: 9, cancel: true });
    socket.answer(9, 'W', whole(200, [], '{}')); // too late: dropped
    expect(posted.filter(m => m.id === 9)).toEqual([]);
    // Not a view request (a GET of the catalog): fetch, never the socket.
    await request(10, { method: 'GET', url: 'http://localhost:8888/lab-base/symphony-lab/api/kernels/k-1/catalog', body: null });
    await settle();
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(socket.sent.map(m => m.id)).toEqual([9, 9]);
  });

  it('closes a socket nothing was asked on for two minutes', async () => {
    jest.useFakeTimers();
    try {
      const { request } = runWorker(fetchAnswer());
      const pending = request(11);
      const socket = FakeSocket.instances[0];
      socket.open();
      await pending;
      jest.advanceTimersByTime(120000); // a view still waits: kept
      expect(socket.readyState).toBe(1);
      socket.answer(11, 'W', whole(200, [], '{}'));
      jest.advanceTimersByTime(120000);
      expect(socket.readyState).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
