/*
 * A board session: the shared document of one notebook's board, open.
 *
 * - Shared: with jupyter-collaboration (its content provider in the browser,
 *   its rooms on the server), the document is synced with everyone who has
 *   the notebook open, and saved by the server into the board file.
 * - Local: without it, the same document lives in this browser only, is
 *   loaded from the board file and saved to it through our REST route; the
 *   panel says that sharing is off, and why.
 *
 * Annotations go through the server in both modes (it stamps the author).
 */
import type { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import { IDisposable } from '@lumino/disposable';
import { JSONObject } from '@lumino/coreutils';

import { BoardClient } from './client';
import { BoardDoc } from './doc';
import { AnnotationRequest, IAnnotation, IDocView } from './tokens';

export const BOARD_CONTENT_TYPE = 'symphony-board';
export const BOARD_FORMAT = 'text';

export type SharingMode = 'shared' | 'local';

export class BoardSession implements IDisposable {
  private constructor(options: {
    notebook: string;
    path: string;
    doc: BoardDoc;
    mode: SharingMode;
    reason: string | null;
    client: BoardClient;
    saveDelay: number;
  }) {
    this.notebook = options.notebook;
    this.path = options.path;
    this.doc = options.doc;
    this.mode = options.mode;
    this.reason = options.reason;
    this._client = options.client;
    this._saveDelay = options.saveDelay;
    if (this.mode === 'local') {
      this.doc.changed.connect(this._onLocalChange, this);
    }
  }

  /**
   * Open the board of a notebook. `provider` is jupyter-collaboration's
   * content provider (null when it is not there), `offReason` why it is
   * not used when it is known here (e.g. turned off in the page config).
   */
  static async open(options: BoardSession.IOpenOptions): Promise<BoardSession | null> {
    const { notebook, client, provider } = options;
    // A notebook gets a board file only once its board has something to
    // keep (create: true); until then nothing is written beside it.
    let info = await client.get(notebook);
    if (!info.exists) {
      if (!options.create) {
        return null;
      }
      info = await client.ensure(notebook);
    }
    let reason = options.offReason ?? null;
    if (!reason && !provider) {
      reason =
        'jupyter-collaboration is not active in this JupyterLab: the board is saved for you alone.';
    }
    if (!reason && !info.collaborative) {
      reason = info.reason ?? 'Collaboration is off on the server.';
    }
    if (!reason && provider) {
      const doc = provider.sharedModelFactory.createNew({
        path: info.path,
        format: BOARD_FORMAT,
        contentType: BOARD_CONTENT_TYPE,
        collaborative: true
      }) as BoardDoc | undefined;
      if (doc instanceof BoardDoc) {
        const key = `${BOARD_FORMAT}:${BOARD_CONTENT_TYPE}:${info.path}`;
        const documentProvider = provider.providers.get(key);
        try {
          await documentProvider?.ready;
        } catch (error) {
          doc.dispose();
          throw error;
        }
        return new BoardSession({
          notebook,
          path: info.path,
          doc,
          mode: 'shared',
          reason: null,
          client,
          saveDelay: 0
        });
      }
      reason = 'The collaborative drive did not open the board.';
    }
    const doc = BoardDoc.create();
    const loaded = info.board ?? (await client.get(notebook)).board ?? {};
    // (Local mode reads the board from the answer; a file just created is empty.)
    doc.setSource(loaded);
    return new BoardSession({
      notebook,
      path: info.path,
      doc,
      mode: 'local',
      reason,
      client,
      saveDelay: options.saveDelay ?? 300
    });
  }

  readonly notebook: string;
  readonly path: string;
  readonly doc: BoardDoc;
  readonly mode: SharingMode;
  /** Why sharing is off (local mode). */
  readonly reason: string | null;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** An annotation operation, through the server. */
  async annotate(op: AnnotationRequest): Promise<IAnnotation> {
    const annotation = await this._client.annotate(this.notebook, op);
    if (this.mode === 'local' && !this.doc.isDisposed) {
      this.doc.putAnnotation(annotation);
    }
    return annotation;
  }

  /** Save now what waits for the save delay (local mode). */
  async flush(): Promise<void> {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
      await this._save();
    }
    await this._saving;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
      void this._save();
    }
    this.doc.changed.disconnect(this._onLocalChange, this);
    this.doc.dispose();
  }

  private _onLocalChange(_: BoardDoc, change: { local?: boolean }): void {
    if (!change.local) {
      return;
    }
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this._save();
    }, this._saveDelay);
  }

  private async _save(): Promise<void> {
    const views: Record<string, IDocView> = {};
    for (const [id, view] of this.doc.views()) {
      views[id] = view;
    }
    const state: JSONObject = this.doc.boardState();
    const previous = this._saving;
    this._saving = (async () => {
      await previous;
      try {
        await this._client.save(this.notebook, views, state);
      } catch (reason) {
        console.error('symphony-lab: could not save the board.', reason);
      }
    })();
    await this._saving;
  }

  private _client: BoardClient;
  private _saveDelay: number;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _saving: Promise<void> = Promise.resolve();
  private _isDisposed = false;
}

export namespace BoardSession {
  export interface IOpenOptions {
    notebook: string;
    client: BoardClient;
    provider: ICollaborativeContentProvider | null;
    offReason?: string | null;
    /** Create the board file when the notebook has none (default: open only an existing one). */
    create?: boolean;
    /** Local mode: quiet time before a save (ms, default 300). */
    saveDelay?: number;
  }
}
