/*
 * The panel's model: which kernel is followed, the latest catalog of each
 * kernel seen, and what of it is shown (grouped, filtered, sorted). Pure
 * logic, no DOM; the view renders it.
 */
import { IDisposable, DisposableDelegate } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { groupSuggestions, liveFindings } from './suggestions';
import {
  ConnectionState,
  DisplayState,
  GroupId,
  ICatalog,
  ICatalogClient,
  ICatalogModel,
  IDetailState,
  IFinding,
  IPanelConfig,
  IServerError,
  ISource,
  ISuggestion,
  ISuggestions,
  IVariable,
  IVariableGroup
} from './tokens';

/** The groups of the panel, in display order, with the kinds they hold. */
export const GROUPS: ReadonlyArray<{ id: GroupId; kinds: string[] }> = [
  { id: 'dataframes', kinds: ['dataframe', 'table'] },
  { id: 'series', kinds: ['series', 'index'] },
  { id: 'arrays', kinds: ['array'] },
  { id: 'models', kinds: ['model'] },
  { id: 'errors', kinds: ['error'] },
  // Kinds a newer server may send that this front end does not know.
  { id: 'other', kinds: [] }
];

/** The group of a kind. */
export function groupOf(kind: string): GroupId {
  for (const group of GROUPS) {
    if (group.kinds.includes(kind)) {
      return group.id;
    }
  }
  return 'other';
}

/** Default settings (as in schema/plugin.json). */
export const DEFAULT_CONFIG: IPanelConfig = {
  columnsShown: 8,
  showMemory: true,
  hiddenKinds: []
};

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Order of variables in a group: by name, natural ("df2" before "df10"). */
export function compareVariables(a: IVariable, b: IVariable): number {
  return (
    collator.compare(a.name, b.name) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/**
 * Group, filter and sort variables: `filter` is matched, case-insensitively,
 * against names; `hiddenKinds` are left out; empty groups are left out.
 */
export function groupVariables(
  variables: ReadonlyArray<IVariable>,
  filter = '',
  hiddenKinds: ReadonlyArray<string> = []
): IVariableGroup[] {
  const needle = filter.trim().toLowerCase();
  const byGroup = new Map<GroupId, IVariable[]>();
  for (const variable of variables) {
    if (hiddenKinds.includes(variable.kind)) {
      continue;
    }
    if (needle && !variable.name.toLowerCase().includes(needle)) {
      continue;
    }
    const id = groupOf(variable.kind);
    let list = byGroup.get(id);
    if (!list) {
      list = [];
      byGroup.set(id, list);
    }
    list.push(variable);
  }
  const groups: IVariableGroup[] = [];
  for (const { id } of GROUPS) {
    const list = byGroup.get(id);
    if (list) {
      groups.push({ id, variables: list.sort(compareVariables) });
    }
  }
  return groups;
}

/** States in which the catalog's variables are not shown at all. */
const NO_LIST_STATES: ReadonlyArray<DisplayState> = [
  'no-kernel',
  'pending',
  'restarting',
  'dead'
];

function sameSource(a: ISource | null, b: ISource | null): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return (
    a.kernelId === b.kernelId &&
    a.notebookPath === b.notebookPath &&
    a.kernelName === b.kernelName &&
    a.kernelStatus === b.kernelStatus &&
    a.starting === b.starting
  );
}

function isRestarting(status: string): boolean {
  return status === 'restarting' || status === 'autorestarting';
}

/** The panel's model. */
export class CatalogModel implements ICatalogModel {
  /**
   * @param options.client - the catalog client; without one the model is
   * fed by `handleCatalog` alone (as in tests).
   */
  constructor(options: CatalogModel.IOptions = {}) {
    this._client = options.client ?? null;
    if (this._client) {
      this._client.catalogReceived.connect(this._onCatalog, this);
      this._client.suggestionsReceived.connect(this._onSuggestions, this);
      this._client.errorReceived.connect(this._onServerError, this);
      this._client.connectionChanged.connect(this._onConnection, this);
    }
    if (options.config) {
      this.setConfig(options.config);
    }
    this._busyDelay = Math.max(0, options.busyDelay ?? 400);
  }

  get stateChanged(): ISignal<ICatalogModel, void> {
    return this._stateChanged;
  }

  get source(): ISource | null {
    return this._source;
  }

  get kernelId(): string | null {
    return this._source?.kernelId ?? null;
  }

  /** The kernel watched through the client now, if any. */
  get watchedKernelId(): string | null {
    return this._watched;
  }

  get catalog(): ICatalog | null {
    const id = this.kernelId;
    return id ? this._catalogs.get(id) ?? null : null;
  }

  get connectionState(): ConnectionState {
    return this._client?.connectionState ?? 'closed';
  }

  get suggestions(): ISuggestions | null {
    const id = this.kernelId;
    return id ? this._suggestions.get(id) ?? null : null;
  }

  get findings(): IFinding[] {
    const catalog = this.catalog;
    const suggestions = this.suggestions;
    if (!catalog || !suggestions || !this.showsVariables) {
      return [];
    }
    return liveFindings(
      suggestions.findings,
      new Set(catalog.variables.map(v => v.name))
    );
  }

  suggestionsFor(name: string): ISuggestion[] {
    const suggestions = this.suggestions;
    if (!suggestions) {
      return [];
    }
    if (this._grouped?.source !== suggestions) {
      this._grouped = {
        source: suggestions,
        groups: groupSuggestions(suggestions.suggestions)
      };
    }
    return this._grouped.groups.get(name) ?? [];
  }

  /**
   * True when the websocket was lost (or could not be opened) while a
   * kernel is watched, until it opens again.
   */
  get connectionLost(): boolean {
    return (
      this._connectionLost &&
      this._watched !== null &&
      this.connectionState !== 'open'
    );
  }

  get config(): IPanelConfig {
    return this._config;
  }

  get filter(): string {
    return this._filter;
  }

  set filter(value: string) {
    if (value !== this._filter) {
      this._filter = value;
      this._emit();
    }
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get displayState(): DisplayState {
    const source = this._source;
    if (!source) {
      return 'no-kernel';
    }
    if (!source.kernelId) {
      return source.starting ? 'pending' : 'no-kernel';
    }
    // The session knows first that the kernel restarts or died.
    if (isRestarting(source.kernelStatus)) {
      return 'restarting';
    }
    if (source.kernelStatus === 'dead') {
      return 'dead';
    }
    const catalog = this.catalog;
    if (!catalog) {
      return this._serverError ? 'error' : 'pending';
    }
    if (catalog.state === 'restarting') {
      return 'restarting';
    }
    if (catalog.state === 'dead') {
      return 'dead';
    }
    if (catalog.status === 'pending') {
      return 'pending';
    }
    if (catalog.status !== 'ok') {
      return catalog.status;
    }
    // Busy for less than `busyDelay` (a short cell, a completion request)
    // is not worth a message.
    return catalog.state === 'busy' && this._busyShown ? 'busy' : 'ok';
  }

  get message(): string | null {
    const state = this.displayState;
    if (state === 'ok' || state === 'no-kernel') {
      return null;
    }
    const catalog = this.catalog;
    if (!catalog && this._serverError) {
      return this._serverError;
    }
    return catalog?.message ?? null;
  }

  /** Whether the variables of the catalog are shown in this state. */
  get showsVariables(): boolean {
    return !NO_LIST_STATES.includes(this.displayState);
  }

  get groups(): IVariableGroup[] {
    const catalog = this.catalog;
    if (!catalog || !this.showsVariables) {
      return [];
    }
    return groupVariables(
      catalog.variables,
      this._filter,
      this._config.hiddenKinds
    );
  }

  /** Variables of the catalog shown, and in all (before filtering). */
  get counts(): { shown: number; total: number; hidden: number } {
    const catalog = this.catalog;
    if (!catalog || !this.showsVariables) {
      return { shown: 0, total: 0, hidden: 0 };
    }
    const hiddenKinds = this._config.hiddenKinds;
    const hidden = catalog.variables.filter(v =>
      hiddenKinds.includes(v.kind)
    ).length;
    const shown = this.groups.reduce((n, g) => n + g.variables.length, 0);
    return { shown, total: catalog.variables.length, hidden };
  }

  setConfig(config: Partial<IPanelConfig>): void {
    const next: IPanelConfig = { ...this._config };
    if (
      typeof config.columnsShown === 'number' &&
      Number.isFinite(config.columnsShown)
    ) {
      next.columnsShown = Math.max(1, Math.floor(config.columnsShown));
    }
    if (typeof config.showMemory === 'boolean') {
      next.showMemory = config.showMemory;
    }
    if (Array.isArray(config.hiddenKinds)) {
      next.hiddenKinds = config.hiddenKinds.filter(
        (k): k is string => typeof k === 'string'
      );
    }
    this._config = next;
    this._emit();
  }

  setSource(source: ISource | null): void {
    const previous = this._source;
    if (sameSource(previous, source)) {
      return;
    }
    this._source = source ? { ...source } : null;
    const kernelId = this.kernelId;
    if ((previous?.kernelId ?? null) !== kernelId) {
      this._serverError = null;
      this._trackBusy(this.catalog?.state === 'busy', true);
    }
    // A restart empties the namespace: what was cached for the kernel is
    // gone, the next catalog will say what it holds now.
    if (
      kernelId &&
      source &&
      isRestarting(source.kernelStatus) &&
      !(previous?.kernelId === kernelId && isRestarting(previous.kernelStatus))
    ) {
      this._catalogs.delete(kernelId);
      this._suggestions.delete(kernelId);
      this._dropDetails(kernelId);
    }
    this._syncWatch();
    this._emit();
  }

  catalogFor(kernelId: string): ICatalog | null {
    return this._catalogs.get(kernelId) ?? null;
  }

  /**
   * Take a catalog. Catalogs of another kernel than the followed one (late
   * answers for a previous kernel) are ignored. Returns whether it was taken.
   */
  handleCatalog(catalog: ICatalog): boolean {
    if (this._isDisposed || catalog.kernel_id !== this.kernelId) {
      return false;
    }
    const kernelId = catalog.kernel_id;
    this._catalogs.set(kernelId, catalog);
    this._serverError = null;
    this._trackBusy(catalog.state === 'busy');
    this._invalidateDetails(catalog);
    this._emit();
    return true;
  }

  /**
   * Take suggestions. Those of another kernel than the followed one are
   * ignored. Returns whether they were taken.
   */
  handleSuggestions(suggestions: ISuggestions): boolean {
    if (this._isDisposed || suggestions.kernel_id !== this.kernelId) {
      return false;
    }
    this._suggestions.set(suggestions.kernel_id, suggestions);
    this._emit();
    return true;
  }

  /** Take an error the server reported for a kernel (or for the socket). */
  handleServerError(error: IServerError): void {
    // Errors about no kernel in particular (a malformed message) change
    // nothing the panel shows.
    if (error.kernelId === null || error.kernelId !== this.kernelId) {
      return;
    }
    // The server does not watch the kernel (unknown to it, e.g. after a
    // server restart, or too many watched): what was cached is stale.
    this._catalogs.delete(error.kernelId);
    this._suggestions.delete(error.kernelId);
    this._dropDetails(error.kernelId);
    this._serverError = error.message;
    this._emit();
  }

  refresh(): boolean {
    const kernelId = this.kernelId;
    if (!kernelId || !this._client || this._watched !== kernelId) {
      return false;
    }
    return this._client.refresh(kernelId);
  }

  retain(): IDisposable {
    this._demand += 1;
    this._syncWatch();
    let released = false;
    return new DisposableDelegate(() => {
      if (released) {
        return;
      }
      released = true;
      this._demand -= 1;
      this._syncWatch();
    });
  }

  /** The "Load all columns" state of a variable of the followed kernel. */
  detail(name: string): IDetailState | null {
    const kernelId = this.kernelId;
    return kernelId ? this._details.get(detailKey(kernelId, name)) ?? null : null;
  }

  /**
   * Fetch a variable of the followed kernel with all its columns
   * (`GET .../variables/<name>`); the result is kept until the variable's
   * fingerprint changes.
   */
  async loadDetail(name: string): Promise<void> {
    const kernelId = this.kernelId;
    if (!kernelId || !this._client) {
      return;
    }
    const entry = this.catalog?.variables.find(v => v.name === name);
    const key = detailKey(kernelId, name);
    const fingerprint = entry?.fingerprint ?? null;
    const pending: IDetailState = { status: 'loading', fingerprint };
    this._details.set(key, pending);
    this._emit();
    let next: IDetailState;
    try {
      const variable = await this._client.fetchVariable(kernelId, name);
      next = { status: 'loaded', fingerprint, variable };
    } catch (reason) {
      next = {
        status: 'error',
        fingerprint,
        error: reason instanceof Error ? reason.message : String(reason)
      };
    }
    // Dropped meanwhile (new fingerprint, restart, dispose): keep nothing.
    if (this._isDisposed || this._details.get(key) !== pending) {
      return;
    }
    this._details.set(key, next);
    this._emit();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    if (this._client && this._watched) {
      this._client.unwatch(this._watched);
    }
    this._watched = null;
    this._isDisposed = true;
    this._trackBusy(false);
    this._catalogs.clear();
    this._suggestions.clear();
    this._details.clear();
    Signal.clearData(this);
  }

  /**
   * Show "busy" only once the kernel has been busy for `busyDelay` ms.
   * `immediate`: the busy state predates us (a switch to a busy kernel).
   */
  private _trackBusy(busy: boolean, immediate = false): void {
    if (!busy || immediate) {
      if (this._busyTimer !== null) {
        clearTimeout(this._busyTimer);
        this._busyTimer = null;
      }
      this._busyShown = busy;
      return;
    }
    if (this._busyShown || this._busyTimer !== null) {
      return;
    }
    if (this._busyDelay === 0) {
      this._busyShown = true;
      return;
    }
    this._busyTimer = setTimeout(() => {
      this._busyTimer = null;
      this._busyShown = true;
      this._emit();
    }, this._busyDelay);
  }

  /** Watch the followed kernel while someone needs it, and only then. */
  private _syncWatch(): void {
    if (!this._client || this._isDisposed) {
      return;
    }
    const wanted = this._demand > 0 ? this.kernelId : null;
    if (wanted === this._watched) {
      return;
    }
    if (this._watched) {
      this._client.unwatch(this._watched);
    }
    this._watched = wanted;
    if (wanted) {
      this._client.watch(wanted);
    }
  }

  private _invalidateDetails(catalog: ICatalog): void {
    const prefix = detailKey(catalog.kernel_id, '');
    const fingerprints = new Map(
      catalog.variables.map(v => [v.name, v.fingerprint])
    );
    for (const [key, detail] of Array.from(this._details)) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      const name = key.slice(prefix.length);
      if (
        !fingerprints.has(name) ||
        fingerprints.get(name) !== detail.fingerprint
      ) {
        this._details.delete(key);
      }
    }
  }

  private _dropDetails(kernelId: string): void {
    const prefix = detailKey(kernelId, '');
    for (const key of Array.from(this._details.keys())) {
      if (key.startsWith(prefix)) {
        this._details.delete(key);
      }
    }
  }

  private _onCatalog(_: ICatalogClient, catalog: ICatalog): void {
    this.handleCatalog(catalog);
  }

  private _onSuggestions(_: ICatalogClient, suggestions: ISuggestions): void {
    this.handleSuggestions(suggestions);
  }

  private _onServerError(_: ICatalogClient, error: IServerError): void {
    this.handleServerError(error);
  }

  private _onConnection(_: ICatalogClient, state: ConnectionState): void {
    if (state === 'closed') {
      this._connectionLost = true;
    } else if (state === 'open') {
      this._connectionLost = false;
    }
    this._emit();
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._stateChanged.emit(undefined);
    }
  }

  private _client: ICatalogClient | null;
  private _source: ISource | null = null;
  private _watched: string | null = null;
  private _demand = 0;
  private _catalogs = new Map<string, ICatalog>();
  private _suggestions = new Map<string, ISuggestions>();
  private _grouped: {
    source: ISuggestions;
    groups: Map<string, ISuggestion[]>;
  } | null = null;
  private _details = new Map<string, IDetailState>();
  private _serverError: string | null = null;
  private _connectionLost = false;
  private _busyDelay: number;
  private _busyShown = false;
  private _busyTimer: ReturnType<typeof setTimeout> | null = null;
  private _filter = '';
  private _config: IPanelConfig = { ...DEFAULT_CONFIG };
  private _isDisposed = false;
  private _stateChanged = new Signal<ICatalogModel, void>(this);
}

function detailKey(kernelId: string, name: string): string {
  return `${kernelId}\u0000${name}`;
}

export namespace CatalogModel {
  export interface IOptions {
    /** The catalog client (watch/unwatch, refresh, details). */
    client?: ICatalogClient | null;
    /** Initial settings. */
    config?: Partial<IPanelConfig>;
    /**
     * How long (ms) the kernel must be busy before the panel says so
     * (default 400): short cells and the kernel's brief busy spells for
     * completions or kernel info are not worth a message.
     */
    busyDelay?: number;
  }
}
