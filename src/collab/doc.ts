/*
 * BoardDoc: the board of a notebook as a shared document (jupyter-collaboration
 * content type `symphony-board`), the TypeScript side of Python's YBoard
 * (symphony_lab/collab/ydoc.py). Same Y schema:
 *
 *   "meta"        Map  format, version, notebook
 *   "views"       Map  view id -> Map(component, variables, params, order, collapsed)
 *   "board"       Map  state key (filter, selection, groups, ...) -> JSON value
 *   "annotations" Map  annotation id -> '{"author":…,"target":…,"text":…}'
 *                          (one compact JSON string per annotation; a JSON
 *                          object written before strings were used still reads)
 *
 * Browsers write views and the shared state; annotations are written by the
 * server (which stamps the author) and only read here.
 */
import { DocumentChange, YDocument } from '@jupyter/ydoc';
import { JSONObject, JSONValue } from '@lumino/coreutils';
import * as Y from 'yjs';

import { stableStringify } from '../suggestions';
import { IAnnotation, IDocView } from './tokens';

/** What changed in a transaction (besides jupyter_ydoc's own state). */
export type BoardDocChange = DocumentChange & {
  views?: boolean;
  board?: string[];
  annotations?: boolean;
  /** Whether the change came from this browser's binding. */
  local?: boolean;
};

/** The origin of the transactions of the binding (changes made here). */
export const LOCAL_ORIGIN = 'symphony-lab-binding';

function plain(value: unknown): unknown {
  return value instanceof Y.Map ? value.toJSON() : value;
}

function asView(value: unknown): IDocView | null {
  const v = plain(value) as Partial<IDocView> | null;
  if (!v || typeof v !== 'object' || typeof v.component !== 'string') {
    return null;
  }
  return {
    component: v.component,
    variables: Array.isArray(v.variables) ? v.variables.map(String) : [],
    params:
      v.params && typeof v.params === 'object' ? (v.params as JSONObject) : {},
    order: typeof v.order === 'number' ? v.order : 0,
    collapsed: v.collapsed === true
  };
}

/**
 * An annotation's value as data: a JSON string (how the server stores it:
 * atomic, and several times cheaper for Yjs to encode and apply than an
 * object), or a JSON object / map written before that. Null if unreadable.
 */
export function annotationValue(value: unknown): unknown {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return null;
    }
  }
  return plain(value);
}

/** How an annotation is stored in the document (sorted keys, compact). */
export function encodeAnnotation(entry: Omit<IAnnotation, 'id'>): string {
  return stableStringify(entry);
}

export function asAnnotation(id: string, value: unknown): IAnnotation | null {
  const a = annotationValue(value) as Partial<IAnnotation> | null;
  if (
    !a ||
    typeof a !== 'object' ||
    typeof a.text !== 'string' ||
    !a.author ||
    typeof a.author.username !== 'string' ||
    !a.target ||
    typeof a.target.kind !== 'string'
  ) {
    return null;
  }
  return {
    id,
    target: {
      kind: a.target.kind,
      ref: String(a.target.ref ?? ''),
      label: String(a.target.label ?? '')
    },
    parent: typeof a.parent === 'string' ? a.parent : null,
    text: a.text,
    author: {
      username: a.author.username,
      name: String(a.author.name ?? a.author.username),
      initials: String(a.author.initials ?? ''),
      color: String(a.author.color ?? '')
    },
    created: typeof a.created === 'number' ? a.created : 0,
    edited: typeof a.edited === 'number' ? a.edited : null,
    resolved: a.resolved === true,
    resolved_by: typeof a.resolved_by === 'string' ? a.resolved_by : null,
    resolved_at: typeof a.resolved_at === 'number' ? a.resolved_at : null
  };
}

export class BoardDoc extends YDocument<BoardDocChange> {
  constructor(options?: YDocument.IOptions) {
    super(options);
    this._ymeta = this.ydoc.getMap('meta');
    this._yviews = this.ydoc.getMap('views');
    this._yboard = this.ydoc.getMap('board');
    this._yannotations = this.ydoc.getMap('annotations');
    this._yviews.observeDeep(this._onViews);
    this._yboard.observe(this._onBoard);
    this._yannotations.observeDeep(this._onAnnotations);
  }

  readonly version = '1.0.0';

  /** A new board document (the factory registered with the content provider). */
  static create(): BoardDoc {
    return new BoardDoc();
  }

  get notebook(): string {
    const value = this._ymeta.get('notebook');
    return typeof value === 'string' ? value : '';
  }

  /** The views, by id. */
  views(): Map<string, IDocView> {
    const views = new Map<string, IDocView>();
    this._yviews.forEach((value, id) => {
      const view = asView(value);
      if (view) {
        views.set(id, view);
      }
    });
    return views;
  }

  /** The views in their board order (order, then id). */
  orderedViews(): Array<IDocView & { id: string }> {
    return [...this.views().entries()]
      .map(([id, view]) => ({ id, ...view }))
      .sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
  }

  /** The shared state: one entry per key. */
  boardState(): JSONObject {
    const state: JSONObject = {};
    this._yboard.forEach((value, key) => {
      state[key] = plain(value) as JSONValue;
    });
    return state;
  }

  /**
   * The annotations, oldest first. Parsed once per value: the list is kept
   * until the annotations change, and then only the entries whose value
   * changed are parsed again (a board of 10,000 comments is read often).
   */
  annotations(): IAnnotation[] {
    if (this._annotationList) {
      return this._annotationList;
    }
    const list: IAnnotation[] = [];
    const parsed = new Map<string, { raw: unknown; note: IAnnotation | null }>();
    this._yannotations.forEach((value, id) => {
      const known = this._parsed.get(id);
      const note = known && known.raw === value ? known.note : asAnnotation(id, value);
      parsed.set(id, { raw: value, note });
      if (note) {
        list.push(note);
      }
    });
    this._parsed = parsed;
    this._annotationList = list.sort(
      (a, b) => a.created - b.created || (a.id < b.id ? -1 : 1)
    );
    return this._annotationList;
  }

  /** Write the fields of a view that differ (creating it if needed). */
  setView(id: string, view: IDocView): void {
    this.transact(
      () => {
        const current = this._yviews.get(id);
        if (!(current instanceof Y.Map)) {
          const entry = new Y.Map<unknown>();
          for (const [key, value] of Object.entries(view)) {
            entry.set(key, value);
          }
          this._yviews.set(id, entry);
          return;
        }
        for (const [key, value] of Object.entries(view)) {
          if (stableStringify(current.get(key)) !== stableStringify(value)) {
            current.set(key, value);
          }
        }
      },
      false,
      LOCAL_ORIGIN
    );
  }

  deleteView(id: string): void {
    if (this._yviews.has(id)) {
      this.transact(() => this._yviews.delete(id), false, LOCAL_ORIGIN);
    }
  }

  /** Write keys of the shared state that differ (null clears a key). */
  setBoardState(state: JSONObject): void {
    const changed = Object.entries(state).filter(
      ([key, value]) =>
        stableStringify(plain(this._yboard.get(key)) ?? null) !==
        stableStringify(value ?? null)
    );
    if (changed.length === 0) {
      return;
    }
    this.transact(
      () => {
        for (const [key, value] of changed) {
          this._yboard.set(key, value ?? null);
        }
      },
      false,
      LOCAL_ORIGIN
    );
  }

  /**
   * Put an annotation as the server returned it (single-user mode only: with
   * collaboration the server writes annotations into the room itself).
   */
  putAnnotation(annotation: IAnnotation): void {
    const { id, ...entry } = annotation;
    this.transact(() => {
      this._yannotations.set(id, encodeAnnotation(entry));
    });
  }

  /** The document as the board file's JSON (views, state, annotations). */
  getSource(): JSONValue {
    const views: JSONObject = {};
    for (const [id, view] of this.views()) {
      views[id] = view as unknown as JSONObject;
    }
    const annotations: JSONObject = {};
    for (const { id, ...entry } of this.annotations()) {
      annotations[id] = entry as unknown as JSONObject;
    }
    return {
      format: 'symphony-board',
      version: 1,
      notebook: this.notebook,
      views,
      state: this.boardState(),
      annotations
    };
  }

  /** Load a board file's JSON (single-user mode). */
  setSource(value: JSONValue | string): void {
    const board = (typeof value === 'string' ? JSON.parse(value) : value) as {
      notebook?: string;
      views?: Record<string, IDocView>;
      state?: JSONObject;
      annotations?: Record<string, Omit<IAnnotation, 'id'>>;
    };
    this.transact(() => {
      this._ymeta.set('notebook', board.notebook ?? '');
      this._yviews.clear();
      for (const [id, view] of Object.entries(board.views ?? {})) {
        const entry = new Y.Map<unknown>();
        for (const [key, item] of Object.entries(view)) {
          entry.set(key, item);
        }
        this._yviews.set(id, entry);
      }
      this._yboard.clear();
      for (const [key, item] of Object.entries(board.state ?? {})) {
        this._yboard.set(key, item);
      }
      this._yannotations.clear();
      for (const [id, entry] of Object.entries(board.annotations ?? {})) {
        this._yannotations.set(id, encodeAnnotation(entry));
      }
    });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._yviews.unobserveDeep(this._onViews);
    this._yboard.unobserve(this._onBoard);
    this._yannotations.unobserveDeep(this._onAnnotations);
    super.dispose();
  }

  private _onViews = (_: unknown, transaction: Y.Transaction): void => {
    this._changed.emit({
      views: true,
      local: transaction.origin === LOCAL_ORIGIN
    });
  };

  private _onBoard = (event: Y.YMapEvent<unknown>): void => {
    this._changed.emit({
      board: [...event.keysChanged],
      local: event.transaction.origin === LOCAL_ORIGIN
    });
  };

  private _onAnnotations = (_: unknown, transaction: Y.Transaction): void => {
    this._annotationList = null;
    this._changed.emit({
      annotations: true,
      local: transaction.origin === LOCAL_ORIGIN
    });
  };

  private _ymeta: Y.Map<unknown>;
  private _yviews: Y.Map<unknown>;
  private _yboard: Y.Map<unknown>;
  private _yannotations: Y.Map<unknown>;
  private _parsed = new Map<string, { raw: unknown; note: IAnnotation | null }>();
  private _annotationList: IAnnotation[] | null = null;
}
