/*
 * BoardBinding: keeps a BoardModel (the views and shared state of the
 * followed kernel) and a board document (the notebook's, shared) the same.
 *
 * - A change made here (a view opened, moved, collapsed, closed; the filter,
 *   selection or groups changed) is written into the document at once, each
 *   view and each state key as an entry of its own.
 * - A change that comes from the document (someone else) is applied to the
 *   board: its views with BoardModel.setViews (no focus is taken), its
 *   state with applyState, as if the server had pushed it.
 *
 * View ids: views opened from the document keep the document's id; a view
 * opened here (view-N) gets a document id when it is first written.
 *
 * Joining: the document is the truth (a view closed by someone else while
 * this board was away stays closed), except with `mergeLocal` (the board
 * was opened while its notebook had no board file yet, so everything on it
 * is new): views the document does not have are added to it, after its own,
 * and state keys it does not have are written, before the document is read.
 */
import { JSONObject, UUID } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';

import { BoardModel } from '../board';
import { viewKey } from '../suggestions';
import { IBoardView, IRemoteBoardState } from '../tokens';
import { BoardDoc, BoardDocChange, LOCAL_ORIGIN } from './doc';

/** Keys of the board state every browser writes (absent: null). */
const STATE_KEYS = ['filter', 'selection', 'groups'];

function newId(): string {
  return UUID.uuid4().replace(/-/g, '');
}

export class BoardBinding implements IDisposable {
  constructor(board: BoardModel, doc: BoardDoc, options: { mergeLocal?: boolean } = {}) {
    this.board = board;
    this.doc = doc;
    this.kernelId = board.kernelId;
    // On joining: the document is the truth, unless it has never had views
    // and this board has some (opened before the document was ready).
    if (doc.views().size === 0 && board.views.length > 0) {
      this._pushViews();
    } else {
      if (options.mergeLocal) {
        this._mergeViews();
      }
      this._pullViews();
    }
    const state = doc.boardState();
    if (Object.keys(state).length === 0) {
      this._pushState();
    } else {
      if (options.mergeLocal) {
        this._mergeState(state);
      }
      this._pullState();
    }
    board.changed.connect(this._onBoardChanged, this);
    doc.changed.connect(this._onDocChanged, this);
  }

  readonly board: BoardModel;
  readonly doc: BoardDoc;
  /** The kernel whose board is bound. */
  readonly kernelId: string | null;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The document id of a view of the board (null when not written yet). */
  docIdOf(localId: string): string | null {
    return this._toDoc.get(localId) ?? null;
  }

  /** The board's id of a view of the document (null when the board does not have it). */
  localIdOf(docId: string): string | null {
    return this._fromDoc.get(docId) ?? null;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.board.changed.disconnect(this._onBoardChanged, this);
    this.doc.changed.disconnect(this._onDocChanged, this);
  }

  private _onBoardChanged(): void {
    if (this._applying || this.board.kernelId !== this.kernelId) {
      return;
    }
    this.doc.transact(
      () => {
        this._pushViews();
        this._pushState();
      },
      false,
      LOCAL_ORIGIN
    );
  }

  private _onDocChanged(_: BoardDoc, change: BoardDocChange): void {
    if (change.local || this.board.kernelId !== this.kernelId) {
      return;
    }
    if (change.views) {
      this._pullViews();
    }
    if (change.board && change.board.length > 0) {
      this._pullState();
    }
  }

  /** The document id for a view of the board, adopting or making one. */
  private _docId(view: IBoardView, taken: Set<string>): string {
    const known = this._toDoc.get(view.id);
    if (known) {
      return known;
    }
    const docViews = this.doc.views();
    let id: string | null = docViews.has(view.id) ? view.id : null;
    if (!id) {
      // Opened here and by someone else at once: one view, not two.
      const key = viewKey(view);
      for (const [docId, docView] of docViews) {
        if (!taken.has(docId) && !this._fromDoc.has(docId) && viewKey(docView) === key) {
          id = docId;
          break;
        }
      }
    }
    id = id ?? newId();
    this._toDoc.set(view.id, id);
    this._fromDoc.set(id, view.id);
    return id;
  }

  private _pushViews(): void {
    const taken = new Set<string>();
    this.board.views.forEach((view, order) => {
      const id = this._docId(view, taken);
      taken.add(id);
      this.doc.setView(id, {
        component: view.component,
        variables: [...view.variables],
        params: view.params as JSONObject,
        order,
        collapsed: view.collapsed
      });
    });
    // Views closed here since the last time.
    for (const id of this._written) {
      if (!taken.has(id)) {
        this.doc.deleteView(id);
        const local = this._fromDoc.get(id);
        this._fromDoc.delete(id);
        if (local) {
          this._toDoc.delete(local);
        }
      }
    }
    this._written = taken;
  }

  /** Add this board's views the document does not have (same component, variables and params), after its own. */
  private _mergeViews(): void {
    const known = new Set([...this.doc.views().values()].map(viewKey));
    let order = Math.max(-1, ...[...this.doc.views().values()].map(v => v.order));
    const taken = new Set<string>();
    this.doc.transact(
      () => {
        for (const view of this.board.views) {
          if (known.has(viewKey(view))) {
            continue;
          }
          known.add(viewKey(view));
          const id = this._docId(view, taken);
          taken.add(id);
          order += 1;
          this.doc.setView(id, {
            component: view.component,
            variables: [...view.variables],
            params: view.params as JSONObject,
            order,
            collapsed: view.collapsed
          });
        }
      },
      false,
      LOCAL_ORIGIN
    );
  }

  /** Write this board's state keys the document does not have (or has as null). */
  private _mergeState(docState: JSONObject): void {
    const state = this.board.state as unknown as JSONObject;
    const patch: JSONObject = {};
    for (const [key, value] of Object.entries(state)) {
      const empty = Array.isArray(value) ? value.length === 0 : value === null || value === undefined;
      const theirs = docState[key];
      const theirsEmpty = Array.isArray(theirs) ? theirs.length === 0 : theirs === null || theirs === undefined;
      if (!empty && theirsEmpty) {
        patch[key] = value;
      }
    }
    if (Object.keys(patch).length > 0) {
      this.doc.setBoardState(patch);
    }
  }

  private _pushState(): void {
    const state = this.board.state as unknown as JSONObject;
    const patch: JSONObject = {};
    for (const key of new Set([...STATE_KEYS, ...Object.keys(state)])) {
      patch[key] = (state[key] as JSONObject | undefined) ?? null;
    }
    this.doc.setBoardState(patch);
  }

  private _pullViews(): void {
    // The same view opened by two people at once is two entries: both
    // boards keep the one with the smaller id and delete the other.
    const keep = new Map<string, string>();
    const doubles: string[] = [];
    for (const view of [...this.doc.orderedViews()].sort((x, y) => (x.id < y.id ? -1 : 1))) {
      const key = viewKey(view);
      if (keep.has(key)) {
        doubles.push(view.id);
        const local = this._fromDoc.get(view.id);
        if (local) {
          const kept = keep.get(key)!;
          this._fromDoc.delete(view.id);
          if (!this._fromDoc.has(kept)) {
            this._fromDoc.set(kept, local);
            this._toDoc.set(local, kept);
          } else {
            this._toDoc.delete(local);
          }
        }
      } else {
        keep.set(key, view.id);
      }
    }
    if (doubles.length > 0) {
      this.doc.transact(
        () => doubles.forEach(id => this.doc.deleteView(id)),
        false,
        LOCAL_ORIGIN
      );
    }
    const list = this.doc.orderedViews().map(view => {
      const local = this._fromDoc.get(view.id) ?? view.id;
      this._fromDoc.set(view.id, local);
      this._toDoc.set(local, view.id);
      return {
        id: local,
        component: view.component,
        variables: view.variables,
        params: view.params,
        collapsed: view.collapsed
      };
    });
    this._written = new Set(this.doc.views().keys());
    this._applying = true;
    try {
      this.board.setViews(list);
    } finally {
      this._applying = false;
    }
  }

  private _pullState(): void {
    const kernelId = this.board.kernelId;
    if (!kernelId) {
      return;
    }
    const state = this.doc.boardState();
    const remote = {
      kernel_id: kernelId,
      origin: 'board',
      filter: Array.isArray(state.filter) ? state.filter : [],
      views: this.board.sharedState.views
    } as unknown as IRemoteBoardState & JSONObject;
    for (const [key, value] of Object.entries(state)) {
      if (key !== 'filter' && value !== null) {
        (remote as JSONObject)[key] = value;
      }
    }
    this._applying = true;
    try {
      this.board.applyState(remote);
    } finally {
      this._applying = false;
    }
  }

  private _toDoc = new Map<string, string>();
  private _fromDoc = new Map<string, string>();
  /** Document ids of the views this board has, as last written or read. */
  private _written = new Set<string>();
  private _applying = false;
  private _isDisposed = false;
}
