/*
 * The board: the views open for the followed kernel, in order, and the
 * shared state (Symphony's idea: one filter every view is computed with).
 * Pure logic, no DOM. Every view asks the server for its data again when
 * the shared state changes (at once after a quiet time, bursts joined; stale
 * answers are dropped) and when
 * the fingerprints of its variables change (a new execution).
 */
import { IDisposable, DisposableDelegate } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { Brushing } from './brushing';
import { stableStringify, viewKey } from './suggestions';
import {
  FilterClause,
  IBoardModel,
  IBoardState,
  IBoardView,
  IBoardViewRef,
  ICatalog,
  IGroups,
  ISelection,
  ICatalogModel,
  IRemoteBoardState,
  ISharedBoardState,
  IViewProgress,
  IViewRequest,
  IViewResult,
  IViewSpec,
  JSONObject
} from './tokens';

/**
 * How a view's data is fetched (the client's `fetchView`); `onProgress`
 * receives the kernel's progress while a long view computes.
 */
export type FetchView = (
  kernelId: string,
  request: IViewRequest,
  signal: AbortSignal,
  onProgress?: (progress: IViewProgress) => void
) => Promise<IViewResult>;

/**
 * How the board's shared state is sent to the server (the client's
 * `sendState`); false when it was not sent.
 */
export type SendState = (
  kernelId: string,
  state: ISharedBoardState
) => boolean | void;

/** The state a view is computed with, from the board's state. */
export type StateFor = (spec: IViewSpec, state: IBoardState) => IBoardState;

type Value = string | number | boolean | null;

/** How long an answer waits for the other views asked for with it (ms; see `_answer`). */
export const GROUP_HOLD_MS = 80;

/**
 * Longest time a change of the shared state waits to be drawn with the
 * answers of the views it asked for (`BoardModel.drawingHeld`).
 */
export const DRAW_HOLD_MS = 150;

/** A request in flight (or deferred) for one view. */
interface IRun {
  seq: number;
  controller: AbortController | null;
  /** Asked for while the kernel was busy: sent when it is idle. */
  deferred: boolean;
  /** The fingerprints of the variables when it was last sent. */
  requested: Array<string | null> | null;
}

/** What is kept of a kernel's board while another kernel is followed. */
interface ISaved {
  views: IBoardView[];
  state: IBoardState;
}

/** The open views as the kernel learns of them (with their parameters, for pins and export): each once. */
function viewRefs(views: ReadonlyArray<IBoardViewRef>): IBoardViewRef[] {
  const seen = new Set<string>();
  const refs: IBoardViewRef[] = [];
  for (const view of views) {
    const ref: IBoardViewRef = {
      component: view.component,
      variables: [...view.variables]
    };
    if (view.params && Object.keys(view.params).length > 0) {
      ref.params = { ...view.params };
    }
    const key = stableStringify(ref);
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(ref);
    }
  }
  return refs;
}

function sameClause(a: FilterClause, b: FilterClause): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** A clause as the board keeps it: a range with min <= max. */
function normalize(clause: FilterClause): FilterClause {
  if (clause.op === 'range') {
    let { min, max } = clause;
    if (
      typeof min === 'number' &&
      typeof max === 'number' &&
      Number.isFinite(min) &&
      Number.isFinite(max) &&
      min > max
    ) {
      [min, max] = [max, min];
    }
    return { column: clause.column, op: 'range', min, max };
  }
  return { column: clause.column, op: 'in', values: [...clause.values] };
}

/**
 * A board state with its optional parts present only when set, so that two
 * equal states always print the same.
 */
export function makeState(
  filter: FilterClause[],
  selection?: ISelection | null,
  groups?: IGroups | null
): IBoardState {
  const state: IBoardState = { filter };
  if (selection) {
    state.selection = {
      component: selection.component,
      variables: [...selection.variables],
      params: selection.params ?? {},
      spec: selection.spec ?? {},
      label: selection.label ?? ''
    };
  }
  if (groups && groups.column) {
    state.groups = { column: groups.column };
  }
  return state;
}

/** The HTTP status of a failed request, if any. */
function statusOf(reason: unknown): number | null {
  const status = (reason as { response?: { status?: unknown } } | null)
    ?.response?.status;
  return typeof status === 'number' ? status : null;
}

function isAbort(reason: unknown): boolean {
  return (reason as { name?: unknown } | null)?.name === 'AbortError';
}

/** The board model. */
export class BoardModel implements IBoardModel {
  constructor(options: BoardModel.IOptions = {}) {
    this._fetch = options.fetchView ?? null;
    this._debounce = Math.max(0, options.debounce ?? 150);
    this._stateFor = options.stateFor ?? ((_, state) => state);
    this._send = options.sendState ?? null;
    this._syncDelay = Math.max(0, options.syncDelay ?? 100);
  }

  /** Brushes in progress, this browser's and the others' (src/brushing.ts). */
  readonly brushing = new Brushing();

  get changed(): ISignal<IBoardModel, void> {
    return this._changed;
  }

  get stateChanged(): ISignal<IBoardModel, IBoardState> {
    return this._stateChanged;
  }

  get kernelId(): string | null {
    return this._kernelId;
  }

  get views(): ReadonlyArray<IBoardView> {
    return this._views;
  }

  get state(): IBoardState {
    return this._state;
  }

  get sharedState(): ISharedBoardState {
    return {
      ...makeState(
        this._state.filter,
        this._state.selection,
        this._state.groups
      ),
      views: viewRefs(this._views)
    };
  }

  /**
   * The view to bring into sight (opened, or opened again while open);
   * `seq` grows with every request.
   */
  get focus(): { id: string; seq: number } | null {
    return this._focus;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The state a view is (to be) computed with. */
  stateFor(view: IViewSpec): IBoardState {
    return this._stateFor(view, this._state);
  }

  /**
   * Follow another kernel. The board of the previous one is kept (views,
   * last answers, filter) and comes back when it is followed again.
   */
  setKernel(kernelId: string | null): void {
    if (kernelId === this._kernelId || this._isDisposed) {
      return;
    }
    // A change of the board not sent yet goes now, before we leave it.
    this._flushSync();
    this._abortAll();
    this._generation += 1;
    if (this._kernelId !== null) {
      this._saved.set(this._kernelId, {
        views: this._views,
        state: this._state
      });
    }
    this._kernelId = kernelId;
    const saved = kernelId ? this._saved.get(kernelId) : undefined;
    this._views = saved?.views ?? [];
    this._state = saved?.state ?? makeState([]);
    this._catalog = null;
    this._focus = null;
    // Views that were computing when we left, or whose state changed while
    // we were away (a state pushed by the server): ask again at the next
    // catalog.
    for (const view of this._views) {
      if (view.status === 'loading' || view.status === 'waiting') {
        this._runFor(view.id).deferred = true;
      } else if (view.status === 'ready' && this._isStale(view)) {
        this._runFor(view.id).deferred = true;
        this._views = this._views.map(v =>
          v.id === view.id ? { ...v, status: 'loading', error: null } : v
        );
      }
    }
    this._emit();
  }

  /**
   * Take the followed kernel's catalog: views whose variables changed are
   * computed again, views whose variables are gone say so, requests made
   * while the kernel was busy are sent once it is idle.
   */
  handleCatalog(catalog: ICatalog): void {
    if (
      this._isDisposed ||
      catalog.kernel_id !== this._kernelId ||
      catalog === this._catalog
    ) {
      return;
    }
    this._catalog = catalog;
    if (!this._isReady()) {
      return;
    }
    for (const view of this._views) {
      const current = this._fingerprints(view);
      if (current === null) {
        this._update(view.id, {
          status: 'missing',
          error: null,
          result: null
        });
        this._runs.get(view.id)?.controller?.abort();
        this._runs.delete(view.id);
        continue;
      }
      const run = this._runs.get(view.id);
      // A request scheduled by a change of the filter reads the catalog
      // when it is sent.
      const scheduled = view.status === 'loading' && !run?.controller;
      const known = run?.requested ?? view.result?.fingerprints ?? null;
      if (
        run?.deferred ||
        view.status === 'missing' ||
        view.status === 'waiting' ||
        (!scheduled && stableStringify(known) !== stableStringify(current))
      ) {
        void this._request(view.id);
      }
    }
  }

  open(spec: IViewSpec): string | null {
    if (this._isDisposed || !this._kernelId) {
      return null;
    }
    const key = viewKey(spec);
    const existing = this._views.find(v => viewKey(v) === key);
    if (existing) {
      if (existing.collapsed) {
        this._update(existing.id, { collapsed: false });
      }
      this._setFocus(existing.id);
      return existing.id;
    }
    const view: IBoardView = {
      id: `view-${++this._counter}`,
      component: spec.component,
      variables: [...spec.variables],
      params: { ...spec.params },
      collapsed: false,
      status: 'loading',
      result: null,
      error: null,
      state: null
    };
    this._views = [view, ...this._views];
    this._setFocus(view.id);
    void this._request(view.id);
    this._scheduleSync();
    return view.id;
  }

  /**
   * Stop computing a view: its request is dropped (the server then interrupts
   * the kernel if it is computing it); the view says so and can be computed
   * again.
   */
  cancel(id: string): void {
    const run = this._runs.get(id);
    if (!run?.controller || !this._views.some(v => v.id === id)) {
      return;
    }
    run.controller.abort();
    run.controller = null;
    run.seq++; // a late answer of the dropped request is ignored
    this._update(id, { status: 'error', error: 'Cancelled.', progress: null });
  }

  close(id: string): void {
    if (!this._views.some(v => v.id === id)) {
      return;
    }
    this._runs.get(id)?.controller?.abort();
    this._runs.delete(id);
    this._views = this._views.filter(v => v.id !== id);
    if (this._focus?.id === id) {
      this._focus = null;
    }
    this._emit();
    this._scheduleSync();
  }

  /** Close every view. */
  closeAll(): void {
    if (this._views.length === 0) {
      return;
    }
    this._abortAll();
    this._views = [];
    this._focus = null;
    this._emit();
    this._scheduleSync();
  }

  /**
   * Make the open views these, in this order (collaboration: the board's
   * shared document says which views are open). A view already open (same
   * id) keeps its data and is computed again only if what it shows changed;
   * a new one is computed; one not listed is closed. No view takes the focus.
   */
  setViews(
    views: ReadonlyArray<IViewSpec & { id: string; collapsed: boolean }>
  ): void {
    if (this._isDisposed || !this._kernelId) {
      return;
    }
    const byId = new Map(this._views.map(v => [v.id, v]));
    const next: IBoardView[] = [];
    const requests: string[] = [];
    const seen = new Set<string>();
    for (const spec of views) {
      if (seen.has(spec.id)) {
        continue;
      }
      seen.add(spec.id);
      const current = byId.get(spec.id);
      const shown = {
        component: spec.component,
        variables: [...spec.variables],
        params: { ...spec.params }
      };
      if (!current) {
        next.push({
          id: spec.id,
          ...shown,
          collapsed: spec.collapsed,
          status: 'loading',
          result: null,
          error: null,
          state: null
        });
        requests.push(spec.id);
        continue;
      }
      const same =
        stableStringify(shown) ===
        stableStringify({
          component: current.component,
          variables: current.variables,
          params: current.params
        });
      if (!same) {
        requests.push(spec.id);
      }
      next.push(
        same && current.collapsed === spec.collapsed
          ? current
          : { ...current, ...shown, collapsed: spec.collapsed }
      );
    }
    if (
      next.length === this._views.length &&
      next.every((view, i) => view === this._views[i])
    ) {
      return;
    }
    for (const view of this._views) {
      if (!seen.has(view.id)) {
        this._runs.get(view.id)?.controller?.abort();
        this._runs.delete(view.id);
        if (this._focus?.id === view.id) {
          this._focus = null;
        }
      }
    }
    this._views = next;
    this._emit();
    for (const id of requests) {
      void this._request(id);
    }
    this._scheduleSync();
  }

  move(id: string, delta: number): void {
    const from = this._views.findIndex(v => v.id === id);
    if (from < 0 || !Number.isInteger(delta) || delta === 0) {
      return;
    }
    const to = Math.min(this._views.length - 1, Math.max(0, from + delta));
    if (to === from) {
      return;
    }
    const views = [...this._views];
    const [view] = views.splice(from, 1);
    views.splice(to, 0, view);
    this._views = views;
    this._emit();
    // The order matters to the kernel: selection() without a frame takes
    // the first view's.
    this._scheduleSync();
  }

  setCollapsed(id: string, collapsed: boolean): void {
    const view = this._views.find(v => v.id === id);
    if (view && view.collapsed !== collapsed) {
      this._update(id, { collapsed });
    }
  }

  setVariables(id: string, variables: string[], params: JSONObject): void {
    const view = this._views.find(v => v.id === id);
    if (!view || variables.length === 0) {
      return;
    }
    const next = { ...view.params, ...params };
    if (
      stableStringify(variables) === stableStringify(view.variables) &&
      stableStringify(next) === stableStringify(view.params)
    ) {
      return;
    }
    const twin = this._views.find(
      v => v.id !== id && viewKey(v) === viewKey({ ...view, variables, params: next })
    );
    if (twin) {
      // That pairing is open already: keep it, close this one.
      this.close(id);
      this._setFocus(twin.id);
      return;
    }
    this._update(id, { variables: [...variables], params: next, result: null, error: null });
    void this._request(id);
    this._scheduleSync();
  }

  setParams(id: string, params: JSONObject): void {
    const view = this._views.find(v => v.id === id);
    if (!view) {
      return;
    }
    const next = { ...view.params, ...params };
    if (stableStringify(next) === stableStringify(view.params)) {
      return;
    }
    this._update(id, { params: next });
    void this._request(id);
    this._scheduleSync(); // the kernel's list of open views carries their parameters
  }

  setClause(clause: FilterClause): void {
    const next = normalize(clause);
    const filter = [...this._state.filter];
    const i = filter.findIndex(c => c.column === next.column);
    if (i >= 0) {
      if (sameClause(filter[i], next)) {
        return;
      }
      filter[i] = next;
    } else {
      filter.push(next);
    }
    this._setFilter(filter);
  }

  removeClause(column: string): void {
    if (!this._state.filter.some(c => c.column === column)) {
      return;
    }
    this._setFilter(this._state.filter.filter(c => c.column !== column));
  }

  toggleValue(column: string, value: Value): void {
    const clause = this._state.filter.find(c => c.column === column);
    if (!clause || clause.op !== 'in') {
      this.setClause({ column, op: 'in', values: [value] });
      return;
    }
    const values = clause.values.includes(value)
      ? clause.values.filter(v => v !== value)
      : [...clause.values, value];
    if (values.length === 0) {
      this.removeClause(column);
    } else {
      this.setClause({ column, op: 'in', values });
    }
  }

  clearFilter(): void {
    if (this._state.filter.length > 0) {
      this._setFilter([]);
    }
  }

  setSelection(selection: ISelection | null): void {
    this._setState(
      makeState(this._state.filter, selection, this._state.groups)
    );
  }

  setGroups(groups: IGroups | null): void {
    this._setState(
      makeState(this._state.filter, this._state.selection, groups)
    );
  }

  applyState(state: IRemoteBoardState): void {
    const kernelId = state.kernel_id;
    if (this._isDisposed || !kernelId) {
      return;
    }
    const filter: FilterClause[] = [];
    for (const clause of state.filter.map(normalize)) {
      const i = filter.findIndex(c => c.column === clause.column);
      if (i >= 0) {
        filter[i] = clause;
      } else {
        filter.push(clause);
      }
    }
    // What the server holds now: the board sends only what differs from it,
    // so this state is never echoed back.
    const next = makeState(filter, state.selection, state.groups);
    this._synced.set(
      kernelId,
      stableStringify({ ...next, views: viewRefs(state.views) })
    );
    if (kernelId !== this._kernelId) {
      // Kept for when that kernel is shown again.
      const saved = this._saved.get(kernelId);
      this._saved.set(kernelId, {
        views: saved?.views ?? [],
        state: next
      });
      return;
    }
    if (stableStringify(next) === stableStringify(this._state)) {
      return;
    }
    this._state = next;
    this._emit();
    this._stateChanged.emit(this._state);
    this._scheduleAll();
  }

  /** Compute a view again (e.g. after an error). */
  refresh(id: string): void {
    if (this._views.some(v => v.id === id)) {
      void this._request(id);
    }
  }

  /**
   * Follow a catalog model: its kernel and its catalogs. Returns a
   * disposable that stops following.
   */
  follow(model: ICatalogModel): IDisposable {
    const sync = (): void => {
      this.setKernel(model.kernelId);
      const catalog = model.catalog;
      if (catalog) {
        this.handleCatalog(catalog);
      }
    };
    model.stateChanged.connect(sync);
    sync();
    return new DisposableDelegate(() => {
      model.stateChanged.disconnect(sync);
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._flushSync();
    this._abortAll();
    this._views = [];
    this._saved.clear();
    Signal.clearData(this);
  }

  /** Whether requests can be sent now (the kernel is idle). */
  private _isReady(): boolean {
    const catalog = this._catalog;
    if (!catalog) {
      // Nothing known yet: the server waits for its first catalog.
      return true;
    }
    return (
      catalog.status === 'ok' &&
      catalog.state !== 'busy' &&
      catalog.state !== 'restarting' &&
      catalog.state !== 'dead'
    );
  }

  /**
   * The fingerprints of a view's variables in the catalog; null when one
   * is missing; nulls when no catalog is known.
   */
  private _fingerprints(view: IViewSpec): Array<string | null> | null {
    const catalog = this._catalog;
    if (!catalog) {
      return view.variables.map(() => null);
    }
    const result: Array<string | null> = [];
    for (const name of view.variables) {
      const entry = catalog.variables.find(v => v.name === name);
      if (!entry) {
        return null;
      }
      result.push(entry.fingerprint);
    }
    return result;
  }

  private _runFor(id: string): IRun {
    let run = this._runs.get(id);
    if (!run) {
      run = { seq: 0, controller: null, deferred: false, requested: null };
      this._runs.set(id, run);
    }
    return run;
  }

  private async _request(id: string): Promise<void> {
    const view = this._views.find(v => v.id === id);
    const kernelId = this._kernelId;
    if (!view || !kernelId || this._isDisposed) {
      this._leaveGroup(id);
      return;
    }
    const run = this._runFor(id);
    run.controller?.abort();
    run.controller = null;
    const seq = ++run.seq;
    if (this._catalog && this._fingerprints(view) === null) {
      run.deferred = false;
      this._leaveGroup(id);
      this._update(id, { status: 'missing', error: null, result: null });
      return;
    }
    if (!this._isReady()) {
      run.deferred = true;
      this._leaveGroup(id);
      this._update(id, { status: 'waiting', error: null });
      return;
    }
    run.deferred = false;
    run.requested = this._fingerprints(view);
    const state = this.stateFor(view);
    this._update(id, { status: 'loading', error: null });
    if (!this._fetch) {
      this._leaveGroup(id);
      return;
    }
    const controller = new AbortController();
    run.controller = controller;
    const generation = this._generation;
    const isCurrent = (): boolean =>
      !this._isDisposed &&
      generation === this._generation &&
      this._runs.get(id) === run &&
      run.seq === seq &&
      this._views.some(v => v.id === id);
    try {
      const result = await this._fetch(
        kernelId,
        {
          component: view.component,
          variables: view.variables,
          params: view.params,
          state
        },
        controller.signal,
        progress => {
          if (isCurrent() && run.controller === controller) {
            this._update(id, { progress });
          }
        }
      );
      if (!isCurrent()) {
        return;
      }
      run.controller = null;
      if (result.fingerprints.length === view.variables.length) {
        run.requested = result.fingerprints;
      }
      this._answer(id, seq, {
        status: 'ready',
        result,
        error: null,
        state,
        progress: null
      });
    } catch (reason) {
      if (!isCurrent() || isAbort(reason)) {
        return;
      }
      this._leaveGroup(id);
      run.controller = null;
      if (statusOf(reason) === 409) {
        // The kernel is busy with someone's execution: ask again when idle.
        run.deferred = true;
        this._update(id, { status: 'waiting', error: null, progress: null });
        return;
      }
      const message =
        reason instanceof Error ? reason.message : String(reason);
      this._update(id, {
        progress: null,
        status: 'error',
        error: message || 'The view could not be computed.'
      });
    }
  }

  /** A change of the filter by the user: recompute, and share it. */
  private _setFilter(filter: FilterClause[]): void {
    this._setState(
      makeState(filter, this._state.selection, this._state.groups)
    );
  }

  /** A change of the shared state by the user: recompute, and share it. */
  private _setState(state: IBoardState): void {
    if (stableStringify(state) === stableStringify(this._state)) {
      return;
    }
    this._state = state;
    // The linked views' requests go out first, and the board's listeners (rendering, the shared
    // document) hear of the change in the next task: a browser sends a
    // fetch only once the task that made it has ended, and after a pointerup it paints first
    // (measured: 15-25 ms later when a brush's listeners ran in the same task; docs/benchmarks.md).
    this._holding += 1;
    try {
      this._scheduleAll();
    } finally {
      this._holding -= 1;
    }
    if (this._group !== null && this._drawHold === null) {
      // Drawn with the answers (see `drawingHeld`), for at most DRAW_HOLD_MS.
      this._drawHold = setTimeout(() => this._releaseDrawing(), DRAW_HOLD_MS);
    }
    this._stateChanged.emit(this._state);
    this._scheduleSync();
    this._afterTask(() => this._emit());
  }

  /**
   * True while a change of the shared state waits to be drawn together with
   * the answers of the views it asked for (at most `DRAW_HOLD_MS`): renderers
   * skip `changed` meanwhile, and `changed` fires again when it ends. One
   * drawing per brush instead of two, none while the kernel computes (the
   * filter's new range shows in the brushed view until then). Listeners that
   * do not draw (the shared document) hear of the change at once.
   */
  get drawingHeld(): boolean {
    return this._drawHold !== null;
  }

  /** End the hold on drawing, and have the board drawn. */
  private _releaseDrawing(): void {
    if (this._drawHold === null) {
      return;
    }
    clearTimeout(this._drawHold);
    this._drawHold = null;
    this._emit();
  }

  /**
   * Resolves once the changes made so far have been announced (`changed`
   * fires in the task after a change of the shared state).
   */
  announced(): Promise<void> {
    return this._announced ?? Promise.resolve();
  }

  /** Run `fn` in a task of its own, soon (a message to ourselves: no timer clamping). */
  private _afterTask(fn: () => void): void {
    this._later.push(fn);
    if (this._later.length > 1) {
      return;
    }
    let done: () => void = () => undefined;
    this._announced = new Promise<void>(resolve => (done = resolve));
    const run = (): void => {
      const pending = this._later.splice(0);
      this._announced = null;
      try {
        for (const f of pending) {
          if (!this._isDisposed) {
            f();
          }
        }
      } finally {
        done();
      }
    };
    if (typeof MessageChannel === 'undefined') {
      setTimeout(run, 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      run();
    };
    channel.port2.postMessage(null);
  }

  /**
   * After a change by the user of the filter or of the open views: send
   * the shared state once things are quiet for `syncDelay` ms (a dragged
   * brush sends one message), unless the server already holds it.
   */
  private _scheduleSync(): void {
    if (!this._send || !this._kernelId || this._isDisposed) {
      return;
    }
    if (this._syncTimer !== null) {
      clearTimeout(this._syncTimer);
    }
    this._syncTimer = setTimeout(() => {
      this._syncTimer = null;
      this._sync();
    }, this._syncDelay);
  }

  /** Send a scheduled state at once (before leaving the kernel). */
  private _flushSync(): void {
    if (this._syncTimer !== null) {
      clearTimeout(this._syncTimer);
      this._syncTimer = null;
      this._sync();
    }
  }

  private _sync(): void {
    const kernelId = this._kernelId;
    if (!this._send || !kernelId) {
      return;
    }
    const state = this.sharedState;
    const key = stableStringify(state);
    if (this._synced.get(kernelId) === key) {
      return;
    }
    if (this._send(kernelId, state) !== false) {
      this._synced.set(kernelId, key);
    }
  }

  /** Whether a view's effective state differs from the one it was computed with. */
  private _isStale(view: IBoardView): boolean {
    return (
      view.state === null ||
      stableStringify(this.stateFor(view)) !== stableStringify(view.state)
    );
  }

  /**
   * After a change of the shared state: the views whose state changes say
   * "computing" at once. A change after a quiet time (a brush released, a
   * chip removed) asks the server at once: waiting would only add to the
   * latency of the linked views. Changes that follow it within `debounce` ms
   * (keys held down, a burst from another viewer) are joined into one
   * request, sent once they are quiet for that long.
   */
  private _scheduleAll(): void {
    const stale = this._views.filter(
      view =>
        view.status !== 'missing' &&
        (view.state === null ||
          stableStringify(this.stateFor(view)) !== stableStringify(view.state))
    );
    for (const view of stale) {
      const run = this._runFor(view.id);
      run.controller?.abort();
      run.controller = null;
      run.seq += 1;
      if (view.status !== 'waiting') {
        this._update(view.id, { status: 'loading', error: null });
      }
    }
    const requestStale = (): void => {
      // Cheapest first (by the kernel time of each view's last answer): the
      // kernel runs one request at a time, so a slow view (a map of a
      // million points, outliers) asked for first would hold up every other.
      const byCost = [...this._views].sort(
        (a, b) => (a.result?.elapsed_ms ?? 0) - (b.result?.elapsed_ms ?? 0)
      );
      const asked = byCost.filter(
        view =>
          view.status !== 'missing' &&
          (view.state === null ||
            stableStringify(this.stateFor(view)) !==
              stableStringify(view.state))
      );
      this._openGroup(asked.map(view => view.id));
      for (const view of asked) {
        void this._request(view.id);
      }
      if (this._group && this._group.waiting.size === 0) {
        this._closeGroup(); // (nothing was sent: no kernel, a busy one)
      }
    };
    const now = Date.now();
    const quiet =
      this._timer === null && now - this._lastChange >= this._debounce;
    this._lastChange = now;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    if (quiet) {
      requestStale();
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      requestStale();
    }, this._debounce);
  }

  /**
   * Views asked for together (after one change of the shared state) are
   * drawn together: an answer waits for the others of its group, for at most
   * `GROUP_HOLD_MS` after the first one came. One drawing of the board instead
   * of one per answer, and none while the kernel computes the next view of
   * the group (on two cores the page's drawing slowed the kernel down).
   */
  private _openGroup(ids: string[]): void {
    this._closeGroup();
    if (ids.length > 0) {
      this._group = { waiting: new Set(ids), held: new Map(), timer: null };
    }
  }

  /** A view of the group will not answer (failed, busy kernel, closed). */
  private _leaveGroup(id: string): void {
    const group = this._group;
    if (group?.waiting.delete(id) && group.waiting.size === 0) {
      this._closeGroup();
    }
  }

  /** Draw what the group holds, and end it. */
  private _closeGroup(): void {
    const group = this._group;
    if (!group) {
      return;
    }
    this._group = null;
    if (group.timer !== null) {
      clearTimeout(group.timer);
    }
    if (group.held.size === 0) {
      this._releaseDrawing();
      return;
    }
    if (this._drawHold !== null) {
      clearTimeout(this._drawHold);
      this._drawHold = null; // (drawn just below)
    }
    const held = group.held;
    this._views = this._views.map(view => {
      const answer = held.get(view.id);
      // Only an answer that is still the view's latest (no newer request since).
      return answer && this._runs.get(view.id)?.seq === answer.seq
        ? { ...view, ...answer.patch }
        : view;
    });
    this._emit();
  }

  /** A view's answer: drawn now, or with the others of its group. */
  private _answer(id: string, seq: number, patch: Partial<IBoardView>): void {
    const group = this._group;
    if (!group || !group.waiting.has(id)) {
      this._update(id, patch);
      return;
    }
    group.waiting.delete(id);
    group.held.set(id, { seq, patch });
    if (group.waiting.size === 0) {
      this._closeGroup();
    } else if (group.timer === null) {
      group.timer = setTimeout(() => {
        if (this._group === group) {
          this._closeGroup();
        }
      }, GROUP_HOLD_MS);
    }
  }

  private _update(id: string, patch: Partial<IBoardView>): void {
    let changed = false;
    this._views = this._views.map(view => {
      if (view.id !== id) {
        return view;
      }
      changed = true;
      return { ...view, ...patch };
    });
    if (changed) {
      this._emit();
    }
  }

  private _setFocus(id: string): void {
    this._focus = { id, seq: (this._focus?.seq ?? 0) + 1 };
    this._emit();
  }

  private _abortAll(): void {
    if (this._group?.timer != null) {
      clearTimeout(this._group.timer);
    }
    if (this._drawHold !== null) {
      clearTimeout(this._drawHold);
      this._drawHold = null;
    }
    this._group = null; // (answers held for views being left are dropped)
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    for (const run of this._runs.values()) {
      run.controller?.abort();
    }
    this._runs.clear();
  }

  private _emit(): void {
    if (!this._isDisposed && this._holding === 0) {
      this._changed.emit(undefined);
    }
  }

  /** While above 0, changes are not announced (a `_setState` announces them once, after its requests). */
  private _holding = 0;
  private _later: Array<() => void> = [];
  /** The views asked for by the last change of the state, while their answers come (`_answer`). */
  private _group: {
    waiting: Set<string>;
    held: Map<string, { seq: number; patch: Partial<IBoardView> }>;
    timer: ReturnType<typeof setTimeout> | null;
  } | null = null;
  private _announced: Promise<void> | null = null;
  /** While set, drawing waits for the answers of a change of the state (`drawingHeld`). */
  private _drawHold: ReturnType<typeof setTimeout> | null = null;

  private _fetch: FetchView | null;
  private _send: SendState | null;
  private _syncDelay: number;
  private _syncTimer: ReturnType<typeof setTimeout> | null = null;
  /** Per kernel: the shared state the server holds, as far as we know. */
  private _synced = new Map<string, string>();
  private _debounce: number;
  private _stateFor: StateFor;
  private _kernelId: string | null = null;
  private _views: IBoardView[] = [];
  private _state: IBoardState = makeState([]);
  private _catalog: ICatalog | null = null;
  private _runs = new Map<string, IRun>();
  private _saved = new Map<string, ISaved>();
  private _timer: ReturnType<typeof setTimeout> | null = null;
  /** When the shared state last changed (ms since the epoch), for `_scheduleAll`. */
  private _lastChange = -Infinity;
  private _generation = 0;
  private _counter = 0;
  private _focus: { id: string; seq: number } | null = null;
  private _isDisposed = false;
  private _changed = new Signal<IBoardModel, void>(this);
  private _stateChanged = new Signal<IBoardModel, IBoardState>(this);
}

export namespace BoardModel {
  export interface IOptions {
    /** How views are computed; without it views stay "computing" (tests). */
    fetchView?: FetchView | null;
    /** Quiet time (ms) after a change of the shared state (default 150). */
    debounce?: number;
    /** The state a view is computed with (default: the board's). */
    stateFor?: StateFor;
    /** How the shared state is sent to the server (default: not sent). */
    sendState?: SendState | null;
    /** Quiet time (ms) after a change by the user before it is sent (default 100). */
    syncDelay?: number;
  }
}
