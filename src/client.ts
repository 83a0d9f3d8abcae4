/*
 * The client of the server's catalog API: one websocket
 * (`/symphony-lab/api/watch`) shared by every watched kernel, reconnected
 * with capped exponential backoff, and the REST routes.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { readViewBody, VIEW_MEDIA_TYPE } from './arrow';
import { RequestWorker } from './requestworker';
import {
  parseCatalog,
  parseComponents,
  parseServerMessage,
  parseVariable,
  parseViewResult
} from './protocol';
import {
  ClientMessage,
  ConnectionState,
  ICatalog,
  ICatalogClient,
  IComponentInfo,
  IRemoteBoardState,
  IServerError,
  ISharedBoardState,
  ISuggestions,
  IVariable,
  IViewProgress,
  IViewRequest,
  IViewResult
} from './tokens';

/** The API's root, relative to the server's base URL. */
export const API_PATH = 'symphony-lab/api';

/**
 * What the server accepts in a board state (symphony_lab/analysis.py
 * `check_board`, handlers.py `MAX_WS_MESSAGE`); a state beyond them is not
 * sent (the server would answer an error and keep the previous state).
 */
export const STATE_LIMITS = {
  clauses: 32,
  values: 1000,
  views: 100,
  variables: 4,
  bytes: 64 * 1024
};

/** A Python identifier (what the server accepts as a view's variable). */
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/** `WebSocket.OPEN`, without relying on the constructor having it. */
const OPEN = 1;

/**
 * The part of the browser's WebSocket the client uses; a test can inject a
 * constructor of its own.
 */
export interface IWebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => IWebSocketLike;

/** The catalog client. */
export class CatalogClient implements ICatalogClient {
  constructor(options: CatalogClient.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._WebSocket =
      options.WebSocket ??
      (this.serverSettings.WebSocket as unknown as WebSocketConstructor);
    // View requests leave from a worker (src/requestworker.ts) unless the
    // settings bring a fetch of their own (tests, a host that wraps fetch).
    const ownFetch =
      typeof fetch === 'function' && this.serverSettings.fetch === fetch;
    this._requests =
      options.requestWorker !== false && ownFetch
        ? new RequestWorker(this.serverSettings.fetch as typeof fetch)
        : null;
    this._viewSettings = this._requests
      ? this._requests.settings(this.serverSettings)
      : this.serverSettings;
    this._initialDelay = options.reconnect?.initialDelay ?? 1000;
    this._maxDelay = options.reconnect?.maxDelay ?? 10000;
    this._jitter = options.reconnect?.jitter ?? 0.25;
  }

  /** The server's settings (base URL, token, fetch, WebSocket). */
  readonly serverSettings: ServerConnection.ISettings;

  /** The websocket's URL, with the token when the settings have one. */
  get url(): string {
    const settings = this.serverSettings;
    let url = URLExt.join(settings.wsUrl, API_PATH, 'watch');
    if (settings.token) {
      url += `?token=${encodeURIComponent(settings.token)}`;
    }
    return url;
  }

  get connectionState(): ConnectionState {
    return this._state;
  }

  get connectionChanged(): ISignal<ICatalogClient, ConnectionState> {
    return this._connectionChanged;
  }

  get catalogReceived(): ISignal<ICatalogClient, ICatalog> {
    return this._catalogReceived;
  }

  get suggestionsReceived(): ISignal<ICatalogClient, ISuggestions> {
    return this._suggestionsReceived;
  }

  get stateReceived(): ISignal<ICatalogClient, IRemoteBoardState> {
    return this._stateReceived;
  }

  get errorReceived(): ISignal<ICatalogClient, IServerError> {
    return this._errorReceived;
  }

  get watched(): ReadonlyArray<string> {
    return Array.from(this._watches.keys());
  }

  /** Consecutive failed connection attempts (reset by a server message). */
  get failedAttempts(): number {
    return this._attempt;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  watch(kernelId: string): void {
    if (this._isDisposed || !kernelId) {
      return;
    }
    const count = this._watches.get(kernelId) ?? 0;
    this._watches.set(kernelId, count + 1);
    if (count > 0) {
      return;
    }
    if (!this._send({ type: 'watch', kernel_id: kernelId })) {
      // Sent with every other watch once the socket opens.
      this._ensureConnection();
    }
  }

  unwatch(kernelId: string): void {
    const count = this._watches.get(kernelId) ?? 0;
    if (count === 0) {
      return;
    }
    if (count > 1) {
      this._watches.set(kernelId, count - 1);
      return;
    }
    this._watches.delete(kernelId);
    this._send({ type: 'unwatch', kernel_id: kernelId });
  }

  refresh(kernelId: string): boolean {
    if (!this._watches.has(kernelId)) {
      return false;
    }
    return this._send({ type: 'refresh', kernel_id: kernelId });
  }

  sendState(kernelId: string, state: ISharedBoardState): boolean {
    if (!this._watches.has(kernelId)) {
      return false;
    }
    if (
      state.filter.length > STATE_LIMITS.clauses ||
      state.filter.some(
        c => c.op === 'in' && c.values.length > STATE_LIMITS.values
      )
    ) {
      return false;
    }
    // Views whose variables the server would refuse are left out (the list
    // is informational); the server keeps at most 4 variables per view.
    const views = state.views
      .filter(
        v =>
          v.component.length > 0 &&
          v.variables.length > 0 &&
          v.variables.every(name => IDENTIFIER.test(name))
      )
      .slice(0, STATE_LIMITS.views)
      .map(v => ({
        component: v.component,
        variables: v.variables.slice(0, STATE_LIMITS.variables)
      }));
    const message: ClientMessage = {
      type: 'state',
      kernel_id: kernelId,
      state: {
        filter: state.filter,
        ...(state.selection ? { selection: state.selection } : {}),
        ...(state.groups ? { groups: state.groups } : {}),
        views
      }
    };
    if (JSON.stringify(message).length > STATE_LIMITS.bytes) {
      return false;
    }
    return this._send(message);
  }

  async fetchVariable(kernelId: string, name: string): Promise<IVariable> {
    const data = await this._get(
      URLExt.join(
        this.serverSettings.baseUrl,
        API_PATH,
        'kernels',
        encodeURIComponent(kernelId),
        'variables',
        encodeURIComponent(name)
      )
    );
    const variable =
      parseVariable(data) ??
      parseVariable((data as { variable?: unknown } | null)?.variable);
    if (!variable) {
      throw new Error('The server sent an invalid variable entry.');
    }
    return variable;
  }

  async fetchCatalog(kernelId: string, refresh = false): Promise<ICatalog> {
    let url = URLExt.join(
      this.serverSettings.baseUrl,
      API_PATH,
      'kernels',
      encodeURIComponent(kernelId),
      'catalog'
    );
    if (refresh) {
      url += '?refresh=1';
    }
    const catalog = parseCatalog(await this._get(url));
    if (!catalog) {
      throw new Error('The server sent an invalid catalog.');
    }
    return catalog;
  }

  async fetchView(
    kernelId: string,
    request: IViewRequest,
    signal?: AbortSignal,
    onProgress?: (progress: IViewProgress) => void
  ): Promise<IViewResult> {
    const url = URLExt.join(
      this.serverSettings.baseUrl,
      API_PATH,
      'kernels',
      encodeURIComponent(kernelId),
      'views'
    );
    const body = JSON.stringify({
      component: request.component,
      variables: request.variables,
      params: request.params,
      state: request.state
    });
    // Ask for the framed answer: the data's tables as Arrow, and progress
    // while a long view computes (a server or proxy that answers JSON is
    // read as before).
    const response = await ServerConnection.makeRequest(
      url,
      {
        method: 'POST',
        body,
        signal,
        headers: { Accept: `${VIEW_MEDIA_TYPE}, application/json;q=0.5` }
      },
      this._viewSettings
    );
    if (!response.ok) {
      throw await ServerConnection.ResponseError.create(response);
    }
    let raw: unknown;
    let bytes: number | undefined;
    if ((response.headers.get('Content-Type') ?? '').startsWith(VIEW_MEDIA_TYPE)) {
      const read = await readViewBody(response, onProgress);
      raw = read.answer;
      bytes = read.bytes;
    } else {
      const text = await response.text();
      bytes = new TextEncoder().encode(text).length;
      raw = JSON.parse(text);
    }
    const result = parseViewResult(raw);
    if (!result) {
      throw new Error('The server sent an invalid view.');
    }
    return bytes === undefined ? result : { ...result, bytes };
  }

  fetchComponents(): Promise<IComponentInfo[]> {
    return fetchComponents(this.serverSettings);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._requests?.dispose();
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    const socket = this._socket;
    this._socket = null;
    if (socket) {
      detach(socket);
      socket.close();
    }
    this._watches.clear();
    this._state = 'closed';
    Signal.clearData(this);
  }

  /** GET a JSON answer; throws `ServerConnection.ResponseError`. */
  private async _get(url: string): Promise<unknown> {
    const response = await ServerConnection.makeRequest(
      url,
      { method: 'GET' },
      this.serverSettings
    );
    if (!response.ok) {
      throw await ServerConnection.ResponseError.create(response);
    }
    return response.json();
  }

  private _send(message: ClientMessage): boolean {
    const socket = this._socket;
    if (!socket || socket.readyState !== OPEN) {
      return false;
    }
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  private _ensureConnection(): void {
    if (this._isDisposed || this._socket || this._timer !== null) {
      return;
    }
    this._connect();
  }

  private _connect(): void {
    this._timer = null;
    if (this._isDisposed) {
      return;
    }
    let socket: IWebSocketLike;
    try {
      socket = new this._WebSocket(this.url);
    } catch {
      this._attempt += 1;
      this._setState('closed');
      this._scheduleReconnect();
      return;
    }
    this._socket = socket;
    this._setState('connecting');
    socket.onopen = () => {
      if (socket !== this._socket) {
        return;
      }
      this._setState('open');
      // After a reconnect the server knows nothing of us: watch again.
      for (const kernelId of this._watches.keys()) {
        this._send({ type: 'watch', kernel_id: kernelId });
      }
    };
    socket.onmessage = event => {
      if (socket === this._socket) {
        this._handleMessage(event.data);
      }
    };
    socket.onerror = () => {
      // A close event follows; reconnecting is done there.
    };
    socket.onclose = () => {
      if (socket !== this._socket) {
        return;
      }
      detach(socket);
      this._socket = null;
      this._attempt += 1;
      this._setState('closed');
      if (this._watches.size > 0) {
        this._scheduleReconnect();
      }
    };
  }

  private _scheduleReconnect(): void {
    if (this._isDisposed || this._timer !== null) {
      return;
    }
    const exponent = Math.max(0, this._attempt - 1);
    const base = Math.min(
      this._maxDelay,
      this._initialDelay * Math.pow(2, exponent)
    );
    const delay = base * (1 + this._jitter * Math.random());
    this._timer = setTimeout(() => this._connect(), delay);
  }

  private _handleMessage(data: unknown): void {
    const message = parseServerMessage(data);
    if (!message) {
      // Malformed or unknown messages change nothing.
      return;
    }
    // The server answered: the connection works, so the next failure starts
    // the backoff from the beginning.
    this._attempt = 0;
    if (message.type === 'catalog') {
      if (this._watches.has(message.catalog.kernel_id)) {
        this._catalogReceived.emit(message.catalog);
      }
    } else if (message.type === 'suggestions') {
      if (this._watches.has(message.suggestions.kernel_id)) {
        this._suggestionsReceived.emit(message.suggestions);
      }
    } else if (message.type === 'state') {
      if (this._watches.has(message.state.kernel_id)) {
        this._stateReceived.emit(message.state);
      }
    } else {
      this._errorReceived.emit({
        message: message.message,
        kernelId: message.kernel_id
      });
    }
  }

  private _setState(state: ConnectionState): void {
    if (this._state !== state) {
      this._state = state;
      this._connectionChanged.emit(state);
    }
  }

  private _WebSocket: WebSocketConstructor;
  private _initialDelay: number;
  private _maxDelay: number;
  private _jitter: number;
  private _socket: IWebSocketLike | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _requests: RequestWorker | null;
  private _viewSettings: ServerConnection.ISettings;
  private _attempt = 0;
  private _state: ConnectionState = 'closed';
  private _watches = new Map<string, number>();
  private _isDisposed = false;
  private _connectionChanged = new Signal<ICatalogClient, ConnectionState>(
    this
  );
  private _catalogReceived = new Signal<ICatalogClient, ICatalog>(this);
  private _suggestionsReceived = new Signal<ICatalogClient, ISuggestions>(
    this
  );
  private _stateReceived = new Signal<ICatalogClient, IRemoteBoardState>(
    this
  );
  private _errorReceived = new Signal<ICatalogClient, IServerError>(this);
}

/** The components the server knows (`GET /symphony-lab/api/components`). */
export async function fetchComponents(
  settings: ServerConnection.ISettings
): Promise<IComponentInfo[]> {
  const response = await ServerConnection.makeRequest(
    URLExt.join(settings.baseUrl, API_PATH, 'components'),
    { method: 'GET' },
    settings
  );
  if (!response.ok) {
    throw await ServerConnection.ResponseError.create(response);
  }
  return parseComponents(await response.json());
}

function detach(socket: IWebSocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}

export namespace CatalogClient {
  export interface IOptions {
    /** Defaults to `ServerConnection.makeSettings()`. */
    serverSettings?: ServerConnection.ISettings;
    /** Defaults to the settings' WebSocket (the browser's). */
    WebSocket?: WebSocketConstructor;
    /**
     * Send view requests from a worker (default true; only when the settings
     * use the browser's own fetch).
     */
    requestWorker?: boolean;
    /** Backoff between reconnection attempts. */
    reconnect?: {
      /** Delay before the first retry, ms (default 1000). */
      initialDelay?: number;
      /** Cap of the delay, ms (default 10000). */
      maxDelay?: number;
      /** Random extra delay, as a fraction of the delay (default 0.25). */
      jitter?: number;
    };
  }
}
