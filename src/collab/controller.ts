/*
 * CollabController: the board session of the notebook the panel follows.
 * When the followed notebook changes, the previous session is closed and
 * the new notebook's board is opened and bound to the BoardModel (once the
 * board follows that notebook's kernel). The UI reads everything from here.
 */
import type { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { BoardModel } from '../board';
import { ICatalogModel, ILiveBrush, IRemoteBrush } from '../tokens';
import { BoardBinding } from './binding';
import { BoardClient } from './client';
import { BoardSession, SharingMode } from './session';
import { Presence } from './presence';
import {
  AnnotationRequest,
  IAnnotation,
  IAnnotationTarget,
  IPeer,
  IThread
} from './tokens';

/** Threads from annotations: each start with its replies, oldest first. */
export function threadsOf(annotations: ReadonlyArray<IAnnotation>): IThread[] {
  const threads = new Map<string, IThread>();
  for (const annotation of annotations) {
    if (annotation.parent === null) {
      threads.set(annotation.id, { root: annotation, replies: [] });
    }
  }
  for (const annotation of annotations) {
    if (annotation.parent !== null) {
      threads.get(annotation.parent)?.replies.push(annotation);
    }
  }
  return [...threads.values()];
}

export interface ICollabStatus {
  /** The notebook whose board is open. */
  notebook: string | null;
  mode: SharingMode | null;
  /** Why sharing is off (local mode), or why the board could not open. */
  reason: string | null;
  loading: boolean;
  error: string | null;
}

export class CollabController implements IDisposable {
  constructor(options: CollabController.IOptions) {
    this._board = options.board;
    this._model = options.model;
    this._client = options.client;
    this._provider = options.provider;
    this._offReason = options.offReason ?? null;
    this._username = options.username ?? (() => '');
    this._model.stateChanged.connect(this._follow, this);
    this._board.changed.connect(this._bind, this);
    this._board.brushing.localChanged.connect(this._onLocalBrush, this);
    this._follow();
  }

  get changed(): ISignal<CollabController, void> {
    return this._changed;
  }

  get status(): ICollabStatus {
    return {
      notebook: this._session?.notebook ?? this._opening ?? this._waiting,
      mode: this._session?.mode ?? null,
      reason: this._error ?? this._session?.reason ?? null,
      loading: this._opening !== null && this._session === null && !this._waiting,
      error: this._error
    };
  }

  get session(): BoardSession | null {
    return this._session;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The signed-in user's name on the server (to offer "edit" on own notes). */
  get username(): string {
    return this._username();
  }

  /** The document id of a board view (null when not shared yet). */
  docIdOf(localId: string): string | null {
    return this._binding?.docIdOf(localId) ?? null;
  }

  /** Everyone else on this board. */
  peers(): IPeer[] {
    return this._presence?.peers() ?? [];
  }

  /** Say which view this browser looks at (null: none). */
  look(localId: string | null): void {
    this._presence?.setView(localId ? this.docIdOf(localId) : null);
  }

  /** The threads on a target (kind and ref), or all of them. */
  threads(target?: { kind: string; ref: string }): IThread[] {
    const all = this._session ? this._session.doc.annotations() : [];
    // The document keeps its list until the annotations change: so do we.
    if (this._threadsOf !== all) {
      this._threadsOf = all;
      this._threads = threadsOf(all);
    }
    const threads = this._threads;
    return target
      ? threads.filter(
          t => t.root.target.kind === target.kind && t.root.target.ref === target.ref
        )
      : threads;
  }

  async annotate(op: AnnotationRequest): Promise<IAnnotation> {
    if (!this._session) {
      throw new Error('No board is open.');
    }
    return this._session.annotate(op);
  }

  /** Start a thread. */
  comment(target: IAnnotationTarget, text: string): Promise<IAnnotation> {
    return this.annotate({ op: 'create', target, text });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.stateChanged.disconnect(this._follow, this);
    this._board.changed.disconnect(this._bind, this);
    this._board.brushing.localChanged.disconnect(this._onLocalBrush, this);
    this._close();
    Signal.clearData(this);
  }

  /** Open the board of the notebook the panel follows. */
  private _follow(): void {
    const notebook = this._model.source?.notebookPath || null;
    const current = this._session?.notebook ?? this._opening ?? this._waiting;
    if (notebook === current) {
      this._bind();
      return;
    }
    this._close();
    if (!notebook) {
      this._changed.emit(undefined);
      return;
    }
    this._open(notebook, false);
  }

  /**
   * Open the board of a notebook: an existing board file at once; without
   * one, the board is created when it first has something to keep (a view
   * or a filter here), or opened when a teammate has made it (checked every
   * few seconds meanwhile).
   */
  private _open(notebook: string, create: boolean, merge = false): void {
    this._clearWait();
    this._opening = notebook;
    this._merge = merge;
    this._error = null;
    const generation = ++this._generation;
    this._changed.emit(undefined);
    BoardSession.open({
      notebook,
      client: this._client,
      provider: this._provider,
      offReason: this._offReason,
      create
    })
      .then(session => {
        if (generation !== this._generation || this._isDisposed) {
          session?.dispose();
          return;
        }
        if (!session) {
          this._opening = null;
          this._waitFor(notebook, generation);
          return;
        }
        this._session = session;
        this._opening = null;
        session.doc.changed.connect(this._onDocChanged, this);
        if (session.mode === 'shared') {
          this._presence = new Presence(session.doc.awareness);
          this._presence.changed.connect(this._onPresence, this);
        }
        this._bind();
        this._changed.emit(undefined);
      })
      .catch(reason => {
        if (generation !== this._generation) {
          return;
        }
        console.error('symphony-lab: could not open the board.', reason);
        this._opening = null;
        this._error = `The board could not be opened: ${
          (reason as Error)?.message ?? String(reason)
        }`;
        this._changed.emit(undefined);
      });
  }

  /** No board file yet: open one when the board has something, or a teammate made it. */
  private _waitFor(notebook: string, generation: number): void {
    this._waiting = notebook;
    const check = (): void => {
      if (generation !== this._generation || this._isDisposed) {
        return;
      }
      this._client
        .get(notebook)
        .then(info => {
          if (generation === this._generation && this._waiting === notebook) {
            if (info.exists) {
              // A teammate made it: what this board got meanwhile is new, keep it.
              this._open(notebook, false, true);
            } else {
              this._poll = setTimeout(check, 5000);
            }
          }
        })
        .catch(() => {
          if (generation === this._generation) {
            this._poll = setTimeout(check, 5000);
          }
        });
    };
    this._poll = setTimeout(check, 5000);
    this._changed.emit(undefined);
    this._onBoardChanged();
  }

  /** The board got something to keep while its notebook had no board file. */
  private _onBoardChanged(): void {
    const notebook = this._waiting;
    const source = this._model.source;
    if (
      !notebook ||
      !source ||
      source.notebookPath !== notebook ||
      !source.kernelId ||
      this._board.kernelId !== source.kernelId
    ) {
      return;
    }
    const state = this._board.state;
    if (
      this._board.views.length > 0 ||
      state.filter.length > 0 ||
      state.selection ||
      state.groups
    ) {
      this._open(notebook, true, true);
    }
  }

  private _clearWait(): void {
    this._waiting = null;
    if (this._poll !== null) {
      clearTimeout(this._poll);
      this._poll = null;
    }
  }

  /** Bind the board once it follows the kernel of the session's notebook. */
  private _bind(): void {
    if (this._waiting) {
      this._onBoardChanged();
      return;
    }
    const session = this._session;
    const source = this._model.source;
    if (
      !session ||
      !source ||
      source.notebookPath !== session.notebook ||
      !source.kernelId ||
      this._board.kernelId !== source.kernelId
    ) {
      return;
    }
    if (this._binding && this._binding.kernelId === this._board.kernelId) {
      return;
    }
    this._binding?.dispose();
    // Opened while the notebook had no board file: this board's views are new, merge them.
    this._binding = new BoardBinding(this._board, session.doc, { mergeLocal: this._merge });
    this._merge = false;
    this._changed.emit(undefined);
  }

  private _onDocChanged(): void {
    this._changed.emit(undefined);
  }

  /** Someone came, left, looked elsewhere or moved a brush. */
  private _onPresence(): void {
    this._updateRemoteBrushes();
    // A moving brush (up to 20 updates a second per person) redraws only
    // the views it is on (board.brushing); the rest when who is here or
    // where they look changes.
    const peers = JSON.stringify(
      this._presence?.peers().map(({ brush, ...peer }) => peer) ?? []
    );
    if (peers !== this._peers) {
      this._peers = peers;
      this._changed.emit(undefined);
    }
  }

  /** The others' brushes in progress, on this board's views. */
  private _updateRemoteBrushes(): void {
    const brushes: IRemoteBrush[] = [];
    const binding = this._binding;
    if (binding && this._presence) {
      for (const peer of this._presence.peers()) {
        const brush = peer.brush;
        const view = brush ? binding.localIdOf(brush.view) : null;
        if (!brush || !view) {
          continue;
        }
        brushes.push({
          view,
          column: brush.column,
          ...(brush.range ? { range: brush.range } : {}),
          ...(brush.hover ? { hover: brush.hover } : {}),
          clientId: peer.clientId,
          name: peer.name,
          initials: peer.initials,
          color: peer.color
        });
      }
    }
    this._board.brushing.setRemote(brushes);
  }

  /** This browser's brush in progress: to awareness, on the view's document id. */
  private _onLocalBrush(_: unknown, brush: ILiveBrush | null): void {
    if (!this._presence) {
      return;
    }
    const docId = brush ? this.docIdOf(brush.view) : null;
    if (!brush || !docId) {
      this._presence.setBrush(null);
      return;
    }
    this._presence.setBrush({
      view: docId,
      column: brush.column,
      ...(brush.range ? { range: brush.range } : {}),
      ...(brush.hover ? { hover: brush.hover } : {})
    });
  }

  private _close(): void {
    this._generation += 1;
    this._opening = null;
    this._clearWait();
    this._binding?.dispose();
    this._binding = null;
    this._presence?.dispose();
    this._presence = null;
    this._peers = '';
    this._board.brushing.setRemote([]);
    if (this._session) {
      this._session.doc.changed.disconnect(this._onDocChanged, this);
      this._session.dispose();
      this._session = null;
    }
  }

  private _board: BoardModel;
  private _model: ICatalogModel;
  private _client: BoardClient;
  private _provider: ICollaborativeContentProvider | null;
  private _offReason: string | null;
  private _username: () => string;
  private _session: BoardSession | null = null;
  private _binding: BoardBinding | null = null;
  private _presence: Presence | null = null;
  private _threadsOf: ReadonlyArray<IAnnotation> | null = null;
  private _threads: IThread[] = [];
  private _opening: string | null = null;
  /** Who is here and where they look, as last told (see _onPresence). */
  private _peers = '';
  /** Whether the next binding merges this board into the document (see _open). */
  private _merge = false;
  /** A notebook without a board file yet. */
  private _waiting: string | null = null;
  private _poll: ReturnType<typeof setTimeout> | null = null;
  private _error: string | null = null;
  private _generation = 0;
  private _isDisposed = false;
  private _changed = new Signal<CollabController, void>(this);
}

export namespace CollabController {
  export interface IOptions {
    board: BoardModel;
    model: ICatalogModel;
    client: BoardClient;
    provider: ICollaborativeContentProvider | null;
    offReason?: string | null;
    username?: () => string;
  }
}
