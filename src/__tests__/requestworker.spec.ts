/*
 * The page's side of the request worker: a request built by ServerConnection
 * goes to the worker as plain data, its answer comes back as a stream read as
 * an ordinary Response, an abort reaches the worker, and when no worker can
 * run the page's own fetch is used. The worker's own script is run with fakes
 * in requestworker-script.spec.ts, and in the browser by the Galata tests.
 */
import { ServerConnection } from '@jupyterlab/services';

import { RequestWorker } from '../requestworker';

type Listener = (event: { data: any }) => void;

/** A Worker that answers the protocol from a script of the test. */
class FakeWorker {
  static instances: FakeWorker[] = [];
  static fail = false;
  onmessage: Listener | null = null;
  onerror: ((event: any) => void) | null = null;
  received: any[] = [];
  terminated = false;

  constructor() {
    if (FakeWorker.fail) {
      throw new Error('workers are not allowed here');
    }
    FakeWorker.instances.push(this);
  }

  postMessage(message: any): void {
    this.received.push(message);
  }

  /** A message from the worker to the page. */
  send(data: any): void {
    this.onmessage?.({ data });
  }

  terminate(): void {
    this.terminated = true;
  }
}

const BASE = 'http://localhost:8888/';

// jsdom has no ReadableStream: Node's (the browser's own is used in the browser).
if (typeof (globalThis as any).ReadableStream === 'undefined') {
  (globalThis as any).ReadableStream = require('stream/web').ReadableStream;
}

describe('RequestWorker', () => {
  const saved = {
    Worker: (globalThis as any).Worker,
    createObjectURL: URL.createObjectURL,
    revokeObjectURL: URL.revokeObjectURL
  };
  let pageFetch: jest.Mock;

  beforeEach(() => {
    FakeWorker.instances = [];
    FakeWorker.fail = false;
    (globalThis as any).Worker = FakeWorker;
    URL.createObjectURL = () => 'blob:worker';
    URL.revokeObjectURL = () => undefined;
    pageFetch = jest.fn(async () => new Response('{"via": "page"}', { status: 200 }));
  });

  afterEach(() => {
    (globalThis as any).Worker = saved.Worker;
    URL.createObjectURL = saved.createObjectURL;
    URL.revokeObjectURL = saved.revokeObjectURL;
  });

  function settings(worker: RequestWorker): ServerConnection.ISettings {
    return worker.settings(ServerConnection.makeSettings({ baseUrl: BASE, token: 'secret' }));
  }

  it('sends a signed request from the worker and streams its answer back', async () => {
    const requests = new RequestWorker(pageFetch as any);
    const answer = ServerConnection.makeRequest(
      `${BASE}symphony-lab/api/kernels/k1/views`,
      { method: 'POST', body: '{"component": "summary"}', headers: { Accept: 'x/y' } },
      settings(requests)
    );
    const worker = FakeWorker.instances[0];
    const sent = worker.received[0];
    expect(sent.method).toBe('POST');
    expect(sent.body).toBe('{"component": "summary"}');
    const headers = new Map<string, string>(sent.headers);
    expect(headers.get('authorization')).toBe('token secret');
    expect(headers.get('accept')).toBe('x/y');
    expect(sent.url.startsWith(`${BASE}symphony-lab/api/kernels/k1/views`)).toBe(true);
    worker.send({ id: sent.id, type: 'head', status: 200, statusText: 'OK', headers: [['content-type', 'text/plain']] });
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    const text = response.text();
    worker.send({ id: sent.id, type: 'chunk', value: new TextEncoder().encode('hello, ') });
    worker.send({ id: sent.id, type: 'chunk', value: new TextEncoder().encode('world') });
    worker.send({ id: sent.id, type: 'end' });
    expect(await text).toBe('hello, world');
    expect(pageFetch).not.toHaveBeenCalled();
    requests.dispose();
    expect(worker.terminated).toBe(true);
  });

  it('takes an answer sent whole in one message', async () => {
    const requests = new RequestWorker(pageFetch as any);
    const answer = ServerConnection.makeRequest(`${BASE}views`, { method: 'POST', body: '{}' }, settings(requests));
    const worker = FakeWorker.instances[0];
    const body = new TextEncoder().encode('{"whole": true}').buffer;
    worker.send({ id: worker.received[0].id, type: 'whole', status: 201, statusText: 'Created', headers: [['x-a', '1']], body });
    const response = await answer;
    expect(response.status).toBe(201);
    expect(response.headers.get('x-a')).toBe('1');
    expect(await response.json()).toEqual({ whole: true });
    requests.dispose();
  });

  it('passes errors on, and an abort to the worker', async () => {
    const requests = new RequestWorker(pageFetch as any);
    const failed = requests.settings(ServerConnection.makeSettings({ baseUrl: BASE }));
    const first = ServerConnection.makeRequest(`${BASE}a`, {}, failed);
    const worker = FakeWorker.instances[0];
    worker.send({ id: worker.received[0].id, type: 'error', name: 'TypeError', message: 'Failed to fetch' });
    await expect(first).rejects.toBeInstanceOf(ServerConnection.NetworkError);
    const controller = new AbortController();
    const second = ServerConnection.makeRequest(`${BASE}b`, { signal: controller.signal }, failed);
    controller.abort();
    await expect(second).rejects.toThrow(/aborted/);
    expect(worker.received.at(-1)).toEqual({ id: worker.received[1].id, type: 'abort' });
    requests.dispose();
  });

  it('uses the page’s fetch when no worker can be made, or when the worker fails', async () => {
    FakeWorker.fail = true;
    const without = new RequestWorker(pageFetch as any);
    const response = await ServerConnection.makeRequest(`${BASE}x`, { method: 'GET' }, settings(without));
    expect(await response.json()).toEqual({ via: 'page' });
    expect(pageFetch).toHaveBeenCalledTimes(1);
    expect(without.active).toBe(false);

    FakeWorker.fail = false;
    const failing = new RequestWorker(pageFetch as any);
    const pending = ServerConnection.makeRequest(`${BASE}y`, { method: 'GET' }, settings(failing));
    FakeWorker.instances[0].onerror?.({ preventDefault: () => undefined });
    expect(await (await pending).json()).toEqual({ via: 'page' });
    expect(pageFetch).toHaveBeenCalledTimes(2);
    expect(failing.active).toBe(false);
  });
});
