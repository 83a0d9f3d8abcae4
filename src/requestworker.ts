/*
 * View requests sent from a worker.
 *
 * A page's fetch() leaves the browser only once the task that called it has
 * ended, and after a pointer is released the browser draws the page first:
 * a brush's linked views waited 15-35 ms in the page before their requests
 * went out (docs/benchmarks.md, "Browser latency"). A dedicated worker has no
 * drawing to do: the page posts it the request (already signed by
 * JupyterLab's ServerConnection: token, XSRF header) and the worker sends it
 * at once; the answer comes back whole in one message when the server sent it
 * in one piece (one task in the page), else as a stream of chunks (progress
 * of a long view), and the page reads it as an ordinary Response.
 *
 * View requests (POST .../kernels/<id>/views) go over the kernel's view
 * socket (symphony_lab/viewsocket.py) once the worker could open it: one small
 * message on an open connection, where a fetch is first set up by the
 * browser's network stack (12 ms p50 during a brush, against 1.2 ms; see
 * docs/benchmarks.md). The answers are the same bytes as the HTTP route's,
 * handed to the page as Responses in the same way. A socket that cannot be
 * opened (an older server, a refusal) is not tried again for 30 s; one that
 * closes sends what waited on it through fetch.
 *
 * The worker is made from a small inline script (a blob: URL, same origin as
 * the page, so cookies go with its requests). Where no worker can be made or
 * it fails (no Worker, a content security policy that forbids blob: workers),
 * requests go through the page's own fetch, as before.
 */
import { ServerConnection } from '@jupyterlab/services';

/** The worker: one fetch per message, its answer streamed back in chunks. */
export const WORKER_SOURCE = `
'use strict';
const running = new Map();
const WHOLE = 64 * 1024 * 1024;
// Where a request's time went, once answered (the page marks it: see VIEW_REQUEST_MARK).
async function timing(m) {
  await new Promise(resolve => setTimeout(resolve, 0));
  const entries = performance.getEntriesByName(m.url, 'resource');
  const e = entries[entries.length - 1];
  performance.clearResourceTimings();
  if (e) {
    const t = x => performance.timeOrigin + x;
    self.postMessage({ id: m.id, type: 'timing', timing: {
      requestStart: t(e.requestStart), responseStart: t(e.responseStart), responseEnd: t(e.responseEnd),
      server: (e.serverTiming || []).map(s => [s.name, s.duration]), transport: 'fetch' } });
  }
}
// View requests (POST .../kernels/<id>/views) go over the kernel's view socket when it can be opened
// (symphony_lab/viewsocket.py): a message on an open connection leaves at once, where a fetch is first
// set up by the browser's network stack. Anything the socket cannot do goes through fetch.
const VIEWS = /\\/symphony-lab\\/api\\/kernels\\/[^/]+\\/views$/;
const sockets = new Map();  // socket URL -> { ws, open: Promise<boolean>, waiting: Map<id, call> }
const refused = new Map();  // socket URL -> when it could not be opened (not tried again for a while)
const onSocket = new Map();  // request id -> its socket, while it waits there
const aborted = new Set();  // requests aborted before they were sent (the socket was opening)
const decoder = new TextDecoder();
const SOCKET_IDLE_MS = 120000;  // a socket nothing was asked on for this long is closed (another kernel now)
function idleLater(s) {
  clearTimeout(s.idle);
  s.idle = setTimeout(() => { if (s.waiting.size) idleLater(s); else s.ws.close(); }, SOCKET_IDLE_MS);
}
function header(m, name) {
  for (const [k, v] of m.headers) if (k.toLowerCase() === name) return v;
  return null;
}
function socketUrl(m) {
  if (m.method !== 'POST' || typeof m.body !== 'string' || typeof WebSocket !== 'function') return null;
  const u = new URL(m.url);
  if (!VIEWS.test(u.pathname)) return null;
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname += '/socket';
  const auth = /^token\\s+(.+)$/i.exec(header(m, 'authorization') || '');
  u.search = auth ? '?token=' + encodeURIComponent(auth[1]) : '';
  return u.toString();
}
function socketFor(url) {
  const known = sockets.get(url);
  if (known) return known;
  if (Date.now() - (refused.get(url) || -1e12) < 30000) return null;
  let ws;
  try { ws = new WebSocket(url); } catch (e) { refused.set(url, Date.now()); return null; }
  ws.binaryType = 'arraybuffer';
  const s = { ws, waiting: new Map(), opened: false };
  s.open = new Promise(resolve => {
    ws.onopen = () => { s.opened = true; resolve(true); };
    ws.onclose = () => {
      resolve(false);
      clearTimeout(s.idle);
      if (sockets.get(url) === s) sockets.delete(url);
      if (!s.opened) refused.set(url, Date.now());  // (refused, or no such route: an older server)
      // What was waiting there goes through fetch; an answer already streaming fails.
      for (const [id, call] of s.waiting) {
        onSocket.delete(id);
        if (call.streaming) {
          self.postMessage({ id, type: 'error', name: 'TypeError', message: 'The view socket closed.' });
        } else {
          viaFetch(call.m);
        }
      }
      s.waiting.clear();
    };
    ws.onerror = () => undefined;  // (onclose follows)
  });
  ws.onmessage = event => received(s, event.data);
  sockets.set(url, s);
  return s;
}
async function viaSocket(m) {
  const url = socketUrl(m);
  const s = url && socketFor(url);
  if (!s || !(await s.open) || s.ws.readyState !== 1) return false;
  if (aborted.delete(m.id)) return true;  // (aborted while the socket opened: nothing to send)
  let body;
  try { body = JSON.parse(m.body); } catch (e) { return false; }
  const framed = (header(m, 'accept') || '').indexOf('application/vnd.symphony-lab.view') >= 0;
  s.waiting.set(m.id, { m, sent: performance.timeOrigin + performance.now(), first: 0, streaming: false, head: null });
  onSocket.set(m.id, s);
  s.ws.send(JSON.stringify({ id: m.id, body, framed }));
  idleLater(s);
  return true;
}
function serverTiming(headers) {
  const out = [];
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'server-timing') continue;
    for (const part of v.split(',')) {
      const name = part.split(';')[0].trim();
      const dur = /dur=([0-9.]+)/.exec(part);
      if (name) out.push([name, dur ? Number(dur[1]) : 0]);
    }
  }
  return out;
}
function socketTiming(id, call, headers) {
  const now = performance.timeOrigin + performance.now();
  self.postMessage({ id, type: 'timing', timing: { requestStart: call.sent, responseStart: call.first || now,
    responseEnd: now, server: serverTiming(headers), transport: 'socket' } });
}
function received(s, data) {
  if (typeof data === 'string') {
    // The socket could not read a request (never expected): that one goes through fetch.
    let e = null;
    try { e = JSON.parse(data); } catch (_) { return; }
    const call = e && s.waiting.get(e.id);
    if (call && !call.streaming) {
      s.waiting.delete(e.id);
      onSocket.delete(e.id);
      viaFetch(call.m);
    }
    return;
  }
  const view = new DataView(data);
  const id = view.getUint32(0, true);
  const kind = String.fromCharCode(view.getUint8(4));
  const call = s.waiting.get(id);
  if (!call) return;  // (aborted)
  if (!call.first) call.first = performance.timeOrigin + performance.now();
  if (kind === 'W') {
    const length = view.getUint32(5, true);
    const head = JSON.parse(decoder.decode(new Uint8Array(data, 9, length)));
    const body = data.slice(9 + length);
    s.waiting.delete(id);
    onSocket.delete(id);
    idleLater(s);
    self.postMessage({ id, type: 'whole', status: head.status, statusText: '', headers: head.headers, body }, [body]);
    socketTiming(id, call, head.headers);
  } else if (kind === 'H') {
    const head = JSON.parse(decoder.decode(new Uint8Array(data, 5)));
    call.streaming = true;
    call.head = head;
    self.postMessage({ id, type: 'head', status: head.status, statusText: '', headers: head.headers });
  } else if (kind === 'C') {
    const value = new Uint8Array(data.slice(5));
    self.postMessage({ id, type: 'chunk', value }, [value.buffer]);
  } else if (kind === 'E') {
    s.waiting.delete(id);
    onSocket.delete(id);
    idleLater(s);
    self.postMessage({ id, type: 'end' });
    socketTiming(id, call, call.head ? call.head.headers : []);
  }
}
self.onmessage = async event => {
  const m = event.data;
  if (m.type === 'abort') {
    const c = running.get(m.id);
    if (c) c.abort();
    const s = onSocket.get(m.id);
    if (s) {
      onSocket.delete(m.id);
      s.waiting.delete(m.id);
      if (s.ws.readyState === 1) s.ws.send(JSON.stringify({ id: m.id, cancel: true }));
    } else if (!c) {
      aborted.add(m.id);
      if (aborted.size > 256) aborted.delete(aborted.values().next().value);
    }
    return;
  }
  if (await viaSocket(m)) return;
  await viaFetch(m);
};
async function viaFetch(m) {
  const controller = new AbortController();
  running.set(m.id, controller);
  try {
    const response = await fetch(m.url, {
      method: m.method, headers: m.headers, body: m.body, cache: m.cache,
      credentials: m.credentials, signal: controller.signal
    });
    const head = { id: m.id, status: response.status, statusText: response.statusText,
      headers: Array.from(response.headers.entries()) };
    const length = response.headers.get('content-length');
    if (length !== null && Number(length) <= WHOLE) {
      // An answer sent in one piece (no progress streamed): one message, one task in the page.
      const body = await response.arrayBuffer();
      self.postMessage({ ...head, type: 'whole', body }, [body]);
      running.delete(m.id);
      await timing(m);
      return;
    }
    self.postMessage({ ...head, type: 'head' });
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        self.postMessage({ id: m.id, type: 'chunk', value }, [value.buffer]);
      }
    }
    self.postMessage({ id: m.id, type: 'end' });
    await timing(m);
  } catch (e) {
    self.postMessage({ id: m.id, type: 'error', name: String(e && e.name), message: String(e && e.message) });
  } finally {
    running.delete(m.id);
  }
};
`;

/** What ServerConnection builds a request into, in place of a Request (read synchronously). */
class PlainRequest {
  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = new Headers(init.headers);
    this.body = typeof init.body === 'string' ? init.body : null;
    this.signal = init.signal ?? null;
    this.cache = init.cache ?? 'default';
    this.credentials = init.credentials ?? 'same-origin';
  }

  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | null;
  readonly signal: AbortSignal | null;
  readonly cache: RequestCache;
  readonly credentials: RequestCredentials;
}

interface IPending {
  request: PlainRequest;
  resolve: (response: Response) => void;
  reject: (reason: unknown) => void;
  /** The body's stream, once the head has come. */
  stream: ReadableStreamDefaultController<Uint8Array> | null;
  onAbort: () => void;
  /** When the page asked for it (performance.now()). */
  fetched: number;
}

/**
 * A User Timing mark made for every view request sent from the worker (its
 * resource timing is the worker's, out of the page's sight): `detail` has the
 * request's `url`, and in the page's clock (ms, like performance.now()) when
 * it was asked for (`fetched`), sent (`requestStart`), answered
 * (`responseStart`, `responseEnd`), the server's Server-Timing (`server`:
 * name to ms) and the `transport` (`socket`: the kernel's view socket;
 * `fetch`). Seen in the browser's performance tools; the browser benchmark
 * reads them.
 */
export const VIEW_REQUEST_MARK = 'symphony-lab:view-request';

interface IWorkerTiming {
  requestStart: number;
  responseStart: number;
  responseEnd: number;
  server: [string, number][];
  /** How it went: on the kernel's view socket, or by fetch. */
  transport?: 'socket' | 'fetch';
}

type WorkerMessage =
  | { id: number; type: 'head'; status: number; statusText: string; headers: [string, string][] }
  | {
      id: number;
      type: 'whole';
      status: number;
      statusText: string;
      headers: [string, string][];
      body: ArrayBuffer;
    }
  | { id: number; type: 'chunk'; value: Uint8Array }
  | { id: number; type: 'end' }
  | { id: number; type: 'error'; name: string; message: string }
  | { id: number; type: 'timing'; timing: IWorkerTiming };

function abortError(): Error {
  if (typeof DOMException === 'function') {
    return new DOMException('The request was aborted.', 'AbortError');
  }
  const error = new Error('The request was aborted.');
  error.name = 'AbortError';
  return error;
}

/** The page's Response for the worker's head of an answer and its body. */
function response(
  head: { status: number; statusText: string; headers: [string, string][] },
  body: BodyInit
): Response {
  // (A status without a body, such as 204, cannot take one.)
  const empty = head.status === 204 || head.status === 304;
  return new Response(empty ? null : body, {
    status: head.status,
    statusText: head.statusText,
    headers: head.headers
  });
}

/**
 * Sends requests from a dedicated worker (see the module's comment); falls
 * back to `fallback` (the page's fetch) when it cannot.
 */
export class RequestWorker {
  constructor(fallback: typeof fetch) {
    this._fallback = fallback;
  }

  /** Whether requests go through a worker (false once it could not be made or failed). */
  get active(): boolean {
    return this._worker !== null || (!this._failed && typeof Worker === 'function');
  }

  /** The settings of `base` with this worker as their fetch. */
  settings(base: ServerConnection.ISettings): ServerConnection.ISettings {
    return ServerConnection.makeSettings({
      ...base,
      Request: PlainRequest as unknown as typeof Request,
      fetch: ((request: PlainRequest) => this.fetch(request)) as unknown as typeof fetch
    });
  }

  /** Send `request` (as ServerConnection built it). */
  fetch(request: PlainRequest): Promise<Response> {
    const worker = this._ensureWorker();
    if (!worker) {
      return this._viaPage(request);
    }
    if (request.signal?.aborted) {
      return Promise.reject(abortError());
    }
    const id = ++this._seq;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = (): void => {
        const pending = this._pending.get(id);
        if (!pending) {
          return;
        }
        this._pending.delete(id);
        worker.postMessage({ id, type: 'abort' });
        if (pending.stream) {
          pending.stream.error(abortError());
        } else {
          reject(abortError());
        }
      };
      this._pending.set(id, {
        request,
        resolve,
        reject,
        stream: null,
        onAbort,
        fetched: performance.now()
      });
      request.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({
        id,
        type: 'fetch',
        url: request.url,
        method: request.method,
        headers: Array.from(request.headers.entries()),
        body: request.body,
        cache: request.cache,
        credentials: request.credentials
      });
    });
  }

  dispose(): void {
    this._worker?.terminate();
    this._worker = null;
    this._failed = true;
    if (this._url) {
      URL.revokeObjectURL(this._url);
      this._url = null;
    }
  }

  private _viaPage(request: PlainRequest): Promise<Response> {
    return this._fallback(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      cache: request.cache,
      credentials: request.credentials,
      signal: request.signal
    });
  }

  private _ensureWorker(): Worker | null {
    if (this._worker || this._failed) {
      return this._worker;
    }
    if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') {
      this._failed = true;
      return null;
    }
    try {
      this._url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(this._url, { name: 'symphony-lab requests' });
      worker.onmessage = event => this._onMessage(event.data as WorkerMessage);
      worker.onerror = event => {
        event.preventDefault?.();
        this._fail();
      };
      this._worker = worker;
    } catch {
      this._fail();
    }
    return this._worker;
  }

  /** The worker cannot be used: what it had not started answering goes through the page. */
  private _fail(): void {
    this._worker?.terminate();
    this._worker = null;
    this._failed = true;
    for (const [id, pending] of this._pending) {
      if (pending.stream) {
        pending.stream.error(new TypeError('The request worker stopped.'));
      } else {
        this._viaPage(pending.request).then(pending.resolve, pending.reject);
      }
      pending.request.signal?.removeEventListener('abort', pending.onAbort);
      this._pending.delete(id);
    }
  }

  private _onMessage(message: WorkerMessage): void {
    if (message.type === 'timing') {
      this._mark(message.id, message.timing);
      return;
    }
    const pending = this._pending.get(message.id);
    if (!pending) {
      return; // aborted
    }
    switch (message.type) {
      case 'whole':
        this._finish(message.id, pending);
        pending.resolve(response(message, message.body));
        break;
      case 'head':
        pending.resolve(
          response(
            message,
            new ReadableStream<Uint8Array>({
              start: controller => {
                pending.stream = controller;
              }
            })
          )
        );
        break;
      case 'chunk':
        pending.stream?.enqueue(message.value);
        break;
      case 'end':
        this._finish(message.id, pending);
        pending.stream?.close();
        break;
      case 'error': {
        this._finish(message.id, pending);
        const error =
          message.name === 'AbortError' ? abortError() : new TypeError(message.message || 'Failed to fetch');
        if (pending.stream) {
          pending.stream.error(error);
        } else {
          pending.reject(error);
        }
        break;
      }
    }
  }

  private _finish(id: number, pending: IPending): void {
    this._pending.delete(id);
    pending.request.signal?.removeEventListener('abort', pending.onAbort);
    this._done.set(id, { url: pending.request.url, fetched: pending.fetched });
    if (this._done.size > 64) {
      this._done.delete(this._done.keys().next().value as number);
    }
  }

  private _mark(id: number, timing: IWorkerTiming): void {
    const done = this._done.get(id);
    this._done.delete(id);
    if (!done || typeof performance?.mark !== 'function') {
      return;
    }
    const page = (t: number): number => t - performance.timeOrigin;
    try {
      performance.mark(VIEW_REQUEST_MARK, {
        startTime: done.fetched,
        detail: {
          url: done.url,
          fetched: done.fetched,
          requestStart: page(timing.requestStart),
          responseStart: page(timing.responseStart),
          responseEnd: page(timing.responseEnd),
          server: Object.fromEntries(timing.server),
          transport: timing.transport ?? 'fetch'
        }
      });
    } catch {
      // (a browser without mark details: nothing to record)
    }
  }

  private _fallback: typeof fetch;
  private _worker: Worker | null = null;
  private _url: string | null = null;
  private _failed = false;
  private _seq = 0;
  private _pending = new Map<number, IPending>();
  /** Requests answered, until their timing comes. */
  private _done = new Map<number, { url: string; fetched: number }>();
}
