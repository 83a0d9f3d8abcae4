/*
 * Test helpers: a fake of the browser's WebSocket (injected into the client
 * through its constructor option), a fake fetch, and catalog factories.
 */
import { ServerConnection } from '@jupyterlab/services';

import { IWebSocketLike } from '../client';
import {
  ICatalog,
  ISuggestions,
  IVariable,
  IViewResult,
  IViewSpec
} from '../tokens';

/** Stands in for the browser's WebSocket; the test plays the server. */
export class FakeWebSocket implements IWebSocketLike {
  static instances: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  /** The socket opened last. */
  static get last(): FakeWebSocket {
    const socket =
      FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    if (!socket) {
      throw new Error('No socket was opened');
    }
    return socket;
  }

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((event: any) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: any) => void) | null = null;
  onerror: ((event: any) => void) | null = null;

  send(data: string): void {
    if (this.readyState !== 1) {
      throw new Error('InvalidStateError: the socket is not open');
    }
    this.sent.push(data);
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  /** Messages sent by the client, parsed. */
  get messages(): Array<{ type: string; kernel_id: string }> {
    return this.sent.map(s => JSON.parse(s));
  }

  // What the server (or the network) does:

  open(): void {
    this.readyState = 1;
    this.onopen?.({ type: 'open' });
  }

  receive(data: unknown): void {
    this.onmessage?.({
      data: typeof data === 'string' ? data : JSON.stringify(data)
    });
  }

  receiveRaw(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** The connection fails or the server goes away. */
  drop(): void {
    this.readyState = 3;
    this.onerror?.({ type: 'error' });
    this.onclose?.({ type: 'close', code: 1006 });
  }
}

/** Server settings with a fake fetch. */
export function makeSettings(
  options: {
    token?: string;
    fetch?: (input: RequestInfo, init?: RequestInit) => Promise<Response>;
  } = {}
): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/base/',
    wsUrl: 'ws://localhost:8888/base/',
    token: options.token ?? '',
    appendToken: false,
    fetch:
      options.fetch ??
      (() => Promise.reject(new Error('fetch was not expected')))
  });
}

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

export function dataframe(
  name: string,
  overrides: Partial<IVariable> = {}
): IVariable {
  return {
    name,
    kind: 'dataframe',
    type: 'pandas.core.frame.DataFrame',
    library: 'pandas',
    fingerprint: `fp-${name}`,
    memory: 85_536,
    shape: [891, 12],
    columns: [
      { name: 'PassengerId', dtype: 'int64' },
      { name: 'Survived', dtype: 'int64' }
    ],
    columns_total: 2,
    index: 'int64',
    ...overrides
  };
}

export function variable(
  name: string,
  kind: string,
  overrides: Partial<IVariable> = {}
): IVariable {
  return {
    name,
    kind,
    type: `lib.${kind}`,
    library: 'lib',
    fingerprint: `fp-${name}`,
    memory: null,
    ...overrides
  };
}

export function catalog(
  kernelId: string,
  overrides: Partial<ICatalog> = {}
): ICatalog {
  return {
    kernel_id: kernelId,
    state: 'idle',
    status: 'ok',
    message: null,
    language: 'python',
    execution_count: 7,
    updated: 1795872000123,
    elapsed_ms: 1.8,
    truncated: false,
    skipped: 0,
    kernel_version: '0.1.0',
    variables: [],
    ...overrides
  };
}

export function suggestions(
  kernelId: string,
  overrides: Partial<ISuggestions> = {}
): ISuggestions {
  return {
    kernel_id: kernelId,
    status: 'ok',
    message: null,
    execution_count: 7,
    suggestions: [
      {
        component: 'duplicates',
        variables: ['test', 'train'],
        score: 0.95,
        reason: 'Leakage: 130 rows of test also appear in train (39.4%)',
        params: {}
      },
      {
        component: 'missing',
        variables: ['df'],
        score: 0.9,
        reason: '2 columns have missing values',
        params: {}
      },
      {
        component: 'summary',
        variables: ['df'],
        score: 0.5,
        reason: '1,030 rows × 9 columns',
        params: {}
      },
      {
        component: 'duplicates',
        variables: ['test'],
        score: 0.1,
        reason: 'No row appears twice',
        params: {}
      }
    ],
    findings: [
      {
        kind: 'leakage',
        severity: 'high',
        variables: ['test', 'train'],
        message: '130 rows of test also appear in train (39.4% of test)',
        component: 'duplicates',
        params: {},
        evidence: { rows_b_in_a: 130 }
      },
      {
        kind: 'mostly_missing',
        severity: 'medium',
        variables: ['df'],
        message: '`notes` in df is 67% missing',
        component: 'missing',
        params: {},
        evidence: {}
      }
    ],
    ...overrides
  };
}

/** An answer of POST .../views. */
export function viewResult(
  spec: IViewSpec,
  data: unknown,
  overrides: Partial<IViewResult> = {}
): IViewResult {
  return {
    component: spec.component,
    variables: spec.variables,
    params: spec.params,
    state: {},
    data,
    fingerprints: spec.variables.map(name => `fp-${name}`),
    execution_count: 7,
    elapsed_ms: 2.5,
    cached: false,
    ...overrides
  };
}
