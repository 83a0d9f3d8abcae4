/*
 * A board for views drawn from snapshots (a pinned cell without a kernel, an
 * exported dashboard, a widget): the views' data is fixed, the shared state
 * (filter, selection, groups) is local and drawn by the renderers (brushes,
 * selected cells). An owner may follow state changes (`onState`): the widget
 * sends them to the kernel, which computes its views again.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  FilterClause,
  IBoardModel,
  IBoardState,
  IBoardView,
  IGroups,
  IRemoteBoardState,
  ISelection,
  ISharedBoardState,
  JSONObject
} from '../tokens';

type Value = string | number | boolean | null;

export class SnapshotBoard implements IBoardModel {
  constructor(options: SnapshotBoard.IOptions) {
    this._views = options.views;
    this._state = options.state ?? { filter: [] };
    this._onState = options.onState ?? null;
    this._onParams = options.onParams ?? null;
  }

  get changed(): ISignal<IBoardModel, void> {
    return this._changed;
  }

  get stateChanged(): ISignal<IBoardModel, IBoardState> {
    return this._stateChanged;
  }

  readonly kernelId: string | null = null;

  get views(): ReadonlyArray<IBoardView> {
    return this._views;
  }

  get state(): IBoardState {
    return this._state;
  }

  get sharedState(): ISharedBoardState {
    return {
      ...this._state,
      views: this._views.map(v => ({
        component: v.component,
        variables: v.variables
      }))
    };
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Replace the views (new data from the kernel). */
  setViews(views: IBoardView[]): void {
    this._views = views;
    this._changed.emit(undefined);
  }

  open(): string | null {
    return null;
  }

  close(): void {
    /* a snapshot's views stay */
  }

  cancel(): void {
    /* nothing is computed here */
  }

  move(): void {
    /* one view per card */
  }

  setCollapsed(id: string, collapsed: boolean): void {
    this._views = this._views.map(v => (v.id === id ? { ...v, collapsed } : v));
    this._changed.emit(undefined);
  }

  setVariables(): void {
    /* a snapshot cannot be computed on other variables */
  }

  setParams(id: string, params: JSONObject): void {
    this._onParams?.(id, params);
  }

  setClause(clause: FilterClause): void {
    const filter = this._state.filter.filter(c => c.column !== clause.column);
    this._setState({ ...this._state, filter: [...filter, clause] });
  }

  removeClause(column: string): void {
    this._setState({
      ...this._state,
      filter: this._state.filter.filter(c => c.column !== column)
    });
  }

  toggleValue(column: string, value: Value): void {
    const current = this._state.filter.find(c => c.column === column);
    const values =
      current && current.op === 'in' ? [...current.values] : ([] as Value[]);
    const i = values.indexOf(value);
    if (i >= 0) {
      values.splice(i, 1);
    } else {
      values.push(value);
    }
    if (values.length === 0) {
      this.removeClause(column);
    } else {
      this.setClause({ column, op: 'in', values });
    }
  }

  clearFilter(): void {
    this._setState({ ...this._state, filter: [] });
  }

  setSelection(selection: ISelection | null): void {
    const { selection: _, ...rest } = this._state;
    this._setState(selection ? { ...rest, selection } : rest);
  }

  setGroups(groups: IGroups | null): void {
    const { groups: _, ...rest } = this._state;
    this._setState(groups ? { ...rest, groups } : rest);
  }

  applyState(state: IRemoteBoardState): void {
    const { filter, selection, groups } = state as unknown as IBoardState;
    const next: IBoardState = { filter: filter ?? [] };
    if (selection) {
      next.selection = selection;
    }
    if (groups) {
      next.groups = groups;
    }
    this._state = next;
    this._changed.emit(undefined);
    this._stateChanged.emit(next);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _setState(state: IBoardState): void {
    this._state = state;
    this._changed.emit(undefined);
    this._stateChanged.emit(state);
    this._onState?.(state);
  }

  private _views: IBoardView[];
  private _state: IBoardState;
  private _onState: ((state: IBoardState) => void) | null;
  private _onParams: ((id: string, params: JSONObject) => void) | null;
  private _isDisposed = false;
  private _changed = new Signal<IBoardModel, void>(this);
  private _stateChanged = new Signal<IBoardModel, IBoardState>(this);
}

export namespace SnapshotBoard {
  export interface IOptions {
    views: IBoardView[];
    state?: IBoardState;
    /** Told of every change of the state by the user. */
    onState?: (state: IBoardState) => void;
    /** Told of a change of a view's parameters (a page); default: ignored. */
    onParams?: (id: string, params: JSONObject) => void;
  }
}
