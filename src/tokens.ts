/*
 * Public types of symphony-lab's front end: the wire format of the server's
 * catalog (see docs/api.md), and the token through which later plugins reach
 * the catalog client and model.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import type * as React from 'react';

import type { IViewProgress } from './arrow';

export type { IViewProgress };

/** The kernel's execution state as the server's watcher sees it. */
export type KernelState =
  | 'starting'
  | 'idle'
  | 'busy'
  | 'restarting'
  | 'dead'
  | 'unknown';

/** Whether the catalog could be taken, and if not why. */
export type CatalogStatus =
  | 'ok'
  | 'pending'
  | 'not_python'
  | 'missing_package'
  | 'error'
  | 'timeout'
  | 'unsupported';

/** Kinds of objects the catalog describes. */
export type VariableKind =
  | 'dataframe'
  | 'table'
  | 'series'
  | 'index'
  | 'array'
  | 'model'
  | 'error';

/** One column of a table-like object. */
export interface IColumn {
  name: string;
  dtype: string;
}

/** What the catalog knows about a model (each field present when known). */
export interface IModelInfo {
  fitted?: boolean | null;
  task?: string | null;
  n_features_in?: number | null;
  feature_names?: string[] | null;
  feature_names_total?: number | null;
  classes?: Array<string | number | boolean> | null;
  n_classes?: number | null;
  n_parameters?: number | null;
  params?: Record<string, unknown> | null;
}

/**
 * One entry of the catalog.
 *
 * `kind` is a string rather than `VariableKind` so that a newer server can
 * send kinds this front end does not know yet; they are shown as "Other".
 */
export interface IVariable {
  name: string;
  kind: VariableKind | string;
  /** Qualified type name, e.g. `pandas.core.frame.DataFrame`. */
  type: string;
  library: string | null;
  fingerprint: string | null;
  /** Bytes, or null when it is not cheap to know. */
  memory: number | null;
  /** dataframe/table: [rows, cols]; series/index: [n]; array: any rank. */
  shape?: Array<number | null> | null;
  /** dataframe/table: the first `max_columns` columns. */
  columns?: IColumn[] | null;
  /** dataframe/table: how many columns the object has in all. */
  columns_total?: number | null;
  /** dataframe/table: dtype of the index. */
  index?: string | null;
  /** series/index/array. */
  dtype?: string | null;
  /** series. */
  series_name?: string | null;
  /** model. */
  model?: IModelInfo | null;
  /** error: what went wrong while describing the object. */
  error?: string | null;
}

/** The catalog of one kernel, as pushed by the server. */
export interface ICatalog {
  kernel_id: string;
  state: KernelState;
  status: CatalogStatus;
  message: string | null;
  language: string | null;
  /** The namespace after this execution; null before the first one. */
  execution_count: number | null;
  /** When the catalog was taken, ms since the epoch; null when never. */
  updated: number | null;
  elapsed_ms: number | null;
  truncated: boolean;
  skipped: number;
  kernel_version: string | null;
  variables: IVariable[];
}

/** Messages the client sends over the watch websocket. */
export type ClientMessage =
  | { type: 'watch'; kernel_id: string }
  | { type: 'unwatch'; kernel_id: string }
  | { type: 'refresh'; kernel_id: string }
  | { type: 'state'; kernel_id: string; state: ISharedBoardState };

/** Messages the server sends over the watch websocket (validated). */
export type ServerMessage =
  | { type: 'catalog'; catalog: ICatalog }
  | { type: 'suggestions'; suggestions: ISuggestions }
  | { type: 'state'; state: IRemoteBoardState }
  | { type: 'error'; message: string; kernel_id: string | null };

/** A JSON object (parameters, evidence). */
export type JSONObject = { [key: string]: unknown };

/** Severity of a finding, most severe first. */
export type Severity = 'high' | 'medium' | 'low';

/** A ranked suggestion: a component that fits some variables, and why. */
export interface ISuggestion {
  component: string;
  /** The variables the view takes (a pair: the first is the one it is about). */
  variables: string[];
  /** 0 to 1, higher first. */
  score: number;
  reason: string;
  params: JSONObject;
}

/** A proactive finding, with the view that shows it. */
export interface IFinding {
  /** duplicates, leakage, constant_column, id_like, mostly_missing, rare_class, ... */
  kind: string;
  severity: Severity;
  variables: string[];
  message: string;
  component: string;
  params: JSONObject;
  evidence: JSONObject;
}

/** Suggestions and findings of one kernel, as pushed by the server. */
export interface ISuggestions {
  kernel_id: string;
  /** pending (before the first catalog) | ok | error. */
  status: string;
  message: string | null;
  execution_count: number | null;
  suggestions: ISuggestion[];
  findings: IFinding[];
}

/** A component the server knows (`GET /symphony-lab/api/components`). */
export interface IComponentInfo {
  name: string;
  title: string;
  description: string;
  /** Least and most variables the view takes. */
  arity: [number, number];
  kinds: string[];
  params_schema: JSONObject;
}

/** A clause of the board's shared filter: one per column name. */
export type FilterClause =
  | {
      column: string;
      op: 'range';
      /** Numbers, or date strings for datetime columns; null: unbounded. */
      min: number | string | null;
      max: number | string | null;
    }
  | {
      column: string;
      op: 'in';
      values: Array<string | number | boolean | null>;
    };

/**
 * Rows selected in one view (a confusion cell, a lasso on a map, a
 * duplicate group): the component over its variables, with its parameters,
 * says which rows its `spec` means (Python `Component.select`); every other
 * view is computed on those rows, the view that made it draws it.
 */
export interface ISelection {
  component: string;
  variables: string[];
  params: JSONObject;
  /** The component's own description of what is selected. */
  spec: JSONObject;
  /** What a person reads, e.g. "true benign, predicted malignant". */
  label: string;
}

/** The board's group-by: views that split by a group use this column. */
export interface IGroups {
  column: string;
}

/**
 * The board's shared state, sent with every view request. `selection` and
 * `groups` are left out when not set.
 */
export interface IBoardState {
  filter: FilterClause[];
  selection?: ISelection;
  groups?: IGroups;
}

/** An open view as the kernel learns of it: a component over variables, with its parameters. */
export interface IBoardViewRef {
  component: string;
  variables: string[];
  /** Checked by the server as a view request's (pins and `export("board")` use them). */
  params?: JSONObject;
}

/**
 * The board's state shared through the server (`{"type": "state"}` on the
 * watch websocket): the filter, and the views open (informational: Python's
 * `symphony_lab.selection()` without a frame uses the first view's).
 */
export interface ISharedBoardState {
  filter: FilterClause[];
  selection?: ISelection;
  groups?: IGroups;
  views: IBoardViewRef[];
}

/** A board state pushed by the server (validated). */
export interface IRemoteBoardState extends ISharedBoardState {
  kernel_id: string;
  /** `board`: another viewer changed it; `kernel`: Python code did. */
  origin: 'board' | 'kernel';
}

/** What a view shows: a component over variables, with parameters. */
export interface IViewSpec {
  component: string;
  variables: string[];
  params: JSONObject;
}

/** The body of `POST .../views`. */
export interface IViewRequest extends IViewSpec {
  state: IBoardState;
}

/** The answer of `POST .../views`. */
export interface IViewResult {
  component: string;
  variables: string[];
  /** With defaults filled in. */
  params: JSONObject;
  state: JSONObject;
  /** What the component's `compute()` returned; checked by its renderer. */
  data: unknown;
  fingerprints: Array<string | null>;
  execution_count: number | null;
  elapsed_ms: number | null;
  cached: boolean;
  /**
   * How the data travelled: `arrow` (its tables as Arrow IPC, decoded back
   * into this same shape) or `json`. Renderers need not care.
   */
  encoding?: 'arrow' | 'json';
  /** Size of the answer on the wire, in bytes, when known. */
  bytes?: number;
  /**
   * How the board's selection was applied: null without one; `source` when
   * this view made it (and was computed without it); `rows` selected, or
   * `error` when it could not be resolved.
   */
  selection?: {
    label: string;
    source: boolean;
    rows?: number;
    error?: string;
  } | null;
  /** A model view: the pairings it could show instead (the same model on other data). */
  pairings?: IPairing[];
}

/**
 * Variables that belong together: a model with its features and labels, or
 * labels with predictions (Python `symphony_lab/pairing.py`).
 */
export interface IPairing {
  kind: 'model' | 'predictions';
  variables: string[];
  task: string;
  rows: number;
  reason: string;
  split: 'train' | 'test' | null;
  params: JSONObject;
}

/**
 * Status of a view on the board: `loading` (a request is on its way or
 * scheduled), `ready`, `error`, `waiting` (the kernel is busy; asked again
 * when it is idle), `missing` (the kernel no longer holds a variable).
 */
export type ViewStatus = 'loading' | 'ready' | 'error' | 'waiting' | 'missing';

/** One view on the board. Replaced (never mutated) on every change. */
export interface IBoardView extends IViewSpec {
  /** Stable for the life of the view. */
  id: string;
  collapsed: boolean;
  status: ViewStatus;
  /** The last answer (kept while a new one is computed). */
  result: IViewResult | null;
  error: string | null;
  /** While a long computation runs: how far it is (from the kernel). */
  progress?: IViewProgress | null;
  /** The state the last answer was computed with. */
  state: IBoardState | null;
}

/** The board: open views and the shared state, for the followed kernel. */
export interface IBoardModel extends IDisposable {
  /** Emitted on every change (views, their data, the filter). */
  readonly changed: ISignal<IBoardModel, void>;
  /** Emitted when the shared state (filter) changes. */
  readonly stateChanged: ISignal<IBoardModel, IBoardState>;
  readonly kernelId: string | null;
  readonly views: ReadonlyArray<IBoardView>;
  readonly state: IBoardState;
  /** Open a view (or bring back the one already open); its id. */
  open(spec: IViewSpec): string | null;
  close(id: string): void;
  /** Stop computing a view (its request is dropped and the kernel interrupted). */
  cancel(id: string): void;
  /** Move a view up (-1) or down (+1). */
  move(id: string, delta: number): void;
  setCollapsed(id: string, collapsed: boolean): void;
  /**
   * Show a view on other variables (a model view's pairing: another split,
   * other labels), with these parameters merged in; kept in place.
   */
  setVariables(id: string, variables: string[], params: JSONObject): void;
  /** Change a view's parameters (e.g. its page) and compute it again. */
  setParams(id: string, params: JSONObject): void;
  /** Add a clause, replacing the clause on the same column. */
  setClause(clause: FilterClause): void;
  removeClause(column: string): void;
  /** Add or remove a value of the `in` clause of a column. */
  toggleValue(column: string, value: string | number | boolean | null): void;
  clearFilter(): void;
  /** Select rows from a view (null: clear the selection). */
  setSelection(selection: ISelection | null): void;
  /** Set the board's group-by column (null: no groups). */
  setGroups(groups: IGroups | null): void;
  /** What is shared through the server: the filter and the open views. */
  readonly sharedState: ISharedBoardState;
  /**
   * Take a board state pushed by the server (another viewer, or Python
   * code): its filter replaces the kernel's board filter (kept for later
   * when that kernel is not shown); the open views are left alone. Never
   * sent back.
   */
  applyState(state: IRemoteBoardState): void;
  /** Brushes being dragged now (transient: never in the shared state); see src/brushing.ts. */
  readonly brushing?: IBrushing;
}

/** Where a brush in progress is on a view's column (edges as the view's data gives them). */
export interface IBrushExtent {
  column: string;
  /** The range being dragged, lower and upper edge. */
  range?: [number | string, number | string];
  /** The bin under the pointer (its lower and upper edge). */
  hover?: [number | string, number | string];
}

/** A brush in progress on one view of this board (the board's view id). */
export interface ILiveBrush extends IBrushExtent {
  view: string;
}

/** Someone else's brush in progress, with who they are (display only). */
export interface IRemoteBrush extends ILiveBrush {
  clientId: number;
  name: string;
  initials: string;
  /** A #rgb colour or a theme variable. */
  color: string;
}

/** The board's hook for brushes in progress: renderers report theirs and draw the others'. */
export interface IBrushing {
  /** This browser's brush in progress, if any. */
  readonly local: ILiveBrush | null;
  readonly localChanged: ISignal<IBrushing, ILiveBrush | null>;
  /** Report the brush a view drags (null: released or cancelled). */
  setLocal(view: string, extent: IBrushExtent | null): void;
  /** The others' brushes in progress on a view. */
  remote(view: string): IRemoteBrush[];
  readonly remoteChanged: ISignal<IBrushing, void>;
  /** Set by the collaboration plugin from awareness. */
  setRemote(brushes: IRemoteBrush[]): void;
}

/** What a renderer gets to draw a view. */
export interface IViewRendererProps {
  view: IBoardView;
  /** The answer's `data` (unknown: check it before use). */
  data: unknown;
  result: IViewResult;
  /** The board's shared filter. */
  filter: ReadonlyArray<FilterClause>;
  board: IBoardModel;
  trans: TranslationBundle;
}

/** How a component is drawn in the front end. */
export interface IViewRenderer {
  /** Title used when the server does not give one. */
  title?: string;
  /** Draws the view's data with React (plain HTML/SVG, theme CSS variables). */
  component: React.ComponentType<IViewRendererProps>;
  /** A short description of the parameters for the card's title, e.g. "age by sex". */
  describe?: (spec: IViewSpec) => string;
  /**
   * Columns whose clauses are not applied to this view's data (a histogram
   * is not filtered by its own brush, so the brush stays visible over the
   * whole range).
   */
  ownColumns?: (spec: IViewSpec) => string[];
}

/** The registry of renderers, by component name. */
export interface ISymphonyComponents {
  /** Emitted when a renderer or the server's component list changes. */
  readonly changed: ISignal<ISymphonyComponents, void>;
  /** Names with a renderer. */
  readonly names: ReadonlyArray<string>;
  /**
   * Register the renderer of a component (the name of its Python side). A
   * later registration of the same name replaces the earlier one until it
   * is disposed.
   */
  register(name: string, renderer: IViewRenderer): IDisposable;
  /** The renderer of a component, null when none is registered. */
  get(name: string): IViewRenderer | null;
  /** What the server says about a component, null when unknown. */
  info(name: string): IComponentInfo | null;
  /** The title of a component: the server's, else the renderer's, else its name. */
  title(name: string): string;
}

/** The token of the renderer registry. */
export const ISymphonyComponents = new Token<ISymphonyComponents>(
  'symphony-lab:ISymphonyComponents',
  'The registry of Symphony view renderers: register(name, renderer) draws a component of the same name.'
);

/** An error the server reported over the websocket. */
export interface IServerError {
  message: string;
  kernelId: string | null;
}

/** State of the client's websocket. */
export type ConnectionState = 'closed' | 'connecting' | 'open';

/**
 * The client of the server's catalog API: one websocket for all watched
 * kernels, plus the REST routes.
 */
export interface ICatalogClient extends IDisposable {
  /** The websocket's state. */
  readonly connectionState: ConnectionState;
  /** Emitted when the websocket's state changes. */
  readonly connectionChanged: ISignal<ICatalogClient, ConnectionState>;
  /** Emitted for every valid catalog of a watched kernel. */
  readonly catalogReceived: ISignal<ICatalogClient, ICatalog>;
  /** Emitted for every valid suggestions message of a watched kernel. */
  readonly suggestionsReceived: ISignal<ICatalogClient, ISuggestions>;
  /** Emitted for every valid board state of a watched kernel. */
  readonly stateReceived: ISignal<ICatalogClient, IRemoteBoardState>;
  /** Emitted for every error message of the server. */
  readonly errorReceived: ISignal<ICatalogClient, IServerError>;
  /** Kernel ids watched now (each at least once). */
  readonly watched: ReadonlyArray<string>;
  /**
   * Start receiving a kernel's catalogs. Watches are counted: each `watch`
   * needs its own `unwatch`.
   */
  watch(kernelId: string): void;
  /** Undo one `watch`. */
  unwatch(kernelId: string): void;
  /** Ask for a new catalog now; false when it could not be sent. */
  refresh(kernelId: string): boolean;
  /**
   * Share a watched kernel's board state with the server (its other viewers
   * and the kernel); false when it was not sent (kernel not watched, socket
   * closed, or a state the server would refuse).
   */
  sendState(kernelId: string, state: ISharedBoardState): boolean;
  /** One variable with all its columns (`GET .../variables/<name>`). */
  fetchVariable(kernelId: string, name: string): Promise<IVariable>;
  /** The catalog the server holds (`GET .../catalog`). */
  fetchCatalog(kernelId: string, refresh?: boolean): Promise<ICatalog>;
  /** Compute one view (`POST .../views`); throws `ServerConnection.ResponseError`. */
  fetchView(
    kernelId: string,
    request: IViewRequest,
    signal?: AbortSignal,
    onProgress?: (progress: IViewProgress) => void
  ): Promise<IViewResult>;
  /** The components the server knows (`GET /symphony-lab/api/components`). */
  fetchComponents(): Promise<IComponentInfo[]>;
}

/** The notebook and kernel the panel follows. */
export interface ISource {
  /** Id of the notebook's kernel, null when it has none (yet). */
  kernelId: string | null;
  /** Path of the notebook. */
  notebookPath: string;
  /** Display name of the kernel, e.g. "Python 3 (ipykernel)". */
  kernelName: string;
  /**
   * The kernel's status as the notebook's session reports it
   * (`Kernel.Status`: idle, busy, restarting, autorestarting, dead, ...).
   */
  kernelStatus: string;
  /** True while the notebook's session is still being set up. */
  starting: boolean;
}

/**
 * What the panel shows. `no-kernel`, `pending`, `busy`, `restarting`, `dead`
 * and `ok` come from the session and the catalog's state; the others are
 * the catalog's `status` when it is not `ok`.
 */
export type DisplayState =
  | 'no-kernel'
  | 'pending'
  | 'busy'
  | 'restarting'
  | 'dead'
  | 'ok'
  | 'not_python'
  | 'missing_package'
  | 'error'
  | 'timeout'
  | 'unsupported';

/** Ids of the groups of the panel, in display order. */
export type GroupId =
  | 'dataframes'
  | 'series'
  | 'arrays'
  | 'models'
  | 'errors'
  | 'other';

/** Variables of one group, filtered and sorted. */
export interface IVariableGroup {
  id: GroupId;
  variables: IVariable[];
}

/** Settings of the panel (schema/plugin.json). */
export interface IPanelConfig {
  /** Columns shown before "Show all N columns". */
  columnsShown: number;
  /** Show the memory of each variable. */
  showMemory: boolean;
  /** Kinds not shown at all (e.g. ["error"]). */
  hiddenKinds: string[];
}

/** The state of a "Load all columns" request. */
export interface IDetailState {
  status: 'loading' | 'loaded' | 'error';
  /** The fingerprint of the catalog entry the request was made for. */
  fingerprint: string | null;
  variable?: IVariable;
  error?: string;
}

/**
 * The panel's model: which kernel is followed, its latest catalog, and what
 * of it is shown. No DOM.
 */
export interface ICatalogModel extends IDisposable {
  /** Emitted on every change of what the panel should show. */
  readonly stateChanged: ISignal<ICatalogModel, void>;
  /** The notebook and kernel followed, null when there is no notebook. */
  readonly source: ISource | null;
  /** Id of the followed kernel. */
  readonly kernelId: string | null;
  /** Latest catalog of the followed kernel, null before the first one. */
  readonly catalog: ICatalog | null;
  /** Latest suggestions of the followed kernel, null before the first. */
  readonly suggestions: ISuggestions | null;
  /** Findings about variables the catalog shown holds, most severe first. */
  readonly findings: IFinding[];
  /** Ranked suggestions about a variable (pairs: under their first variable). */
  suggestionsFor(name: string): ISuggestion[];
  /** The state to show. */
  readonly displayState: DisplayState;
  /** The server's explanation for a state other than ok, if any. */
  readonly message: string | null;
  /** The visible variables, grouped, filtered and sorted. */
  readonly groups: IVariableGroup[];
  /** The state of the websocket. */
  readonly connectionState: ConnectionState;
  /** The filter on variable names. */
  filter: string;
  /** Settings. */
  readonly config: IPanelConfig;
  /** Follow another notebook/kernel (null: none). */
  setSource(source: ISource | null): void;
  /** The latest catalog seen for a kernel. */
  catalogFor(kernelId: string): ICatalog | null;
  /** Ask the server for a new catalog of the followed kernel. */
  refresh(): boolean;
  /**
   * Declare that someone needs the followed kernel's catalogs; the kernel is
   * watched only while at least one such handle is held.
   */
  retain(): IDisposable;
}

/** What symphony-lab offers to other plugins. */
export interface ISymphonyCatalogs {
  /** The websocket/REST client. */
  readonly client: ICatalogClient;
  /** The model of the side panel (follows the current notebook). */
  readonly model: ICatalogModel;
  /** The board of the followed kernel: open views and the shared filter. */
  readonly board: IBoardModel;
}

/** The token of symphony-lab's catalog client and model. */
export const ISymphonyCatalogs = new Token<ISymphonyCatalogs>(
  'symphony-lab:ISymphonyCatalogs',
  'The catalog of live objects of the current notebook kernel, and the client of its API.'
);
