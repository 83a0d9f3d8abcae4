/*
 * Types of the board's collaboration: the document's entries (as the board
 * file stores them, see docs/collaboration.md) and what a board session is.
 */
import { JSONObject } from '@lumino/coreutils';

/** A view as the shared document stores it. */
export interface IDocView {
  component: string;
  variables: string[];
  params: JSONObject;
  /** Position on the board (smaller first). */
  order: number;
  collapsed: boolean;
}

/** What an annotation is about. */
export type AnnotationKind = 'board' | 'view' | 'selection' | 'group' | 'finding';

export interface IAnnotationTarget {
  kind: AnnotationKind | string;
  /** The view id, the finding's key, the group column... */
  ref: string;
  /** What a person reads ("summary of df", "true benign, predicted malignant"). */
  label: string;
}

/** Who wrote an annotation: stamped by the server from the authenticated user. */
export interface IAuthor {
  username: string;
  name: string;
  initials: string;
  color: string;
}

export interface IAnnotation {
  id: string;
  target: IAnnotationTarget;
  /** The thread's first annotation, for a reply; null for a thread's start. */
  parent: string | null;
  /** Markdown, as typed. Rendered only through JupyterLab's sanitizer. */
  text: string;
  author: IAuthor;
  /** ms since the epoch. */
  created: number;
  edited: number | null;
  resolved: boolean;
  resolved_by: string | null;
  resolved_at: number | null;
}

/** A thread: its first annotation and the replies, oldest first. */
export interface IThread {
  root: IAnnotation;
  replies: IAnnotation[];
}

/** An annotation request (POST /symphony-lab/api/boards/annotations). */
export type AnnotationRequest =
  | { op: 'create'; text: string; target: IAnnotationTarget }
  | { op: 'reply'; parent: string; text: string }
  | { op: 'edit'; id: string; text: string }
  | { op: 'resolve'; id: string }
  | { op: 'reopen'; id: string };

/** The server's answer about a notebook's board (GET/POST .../boards). */
export interface IBoardInfo {
  path: string;
  notebook: string;
  /** Whether jupyter-collaboration runs on the server. */
  collaborative: boolean;
  /** Why sharing is off, when it is. */
  reason: string | null;
  exists: boolean;
  board?: JSONObject | null;
}

/** A brush in progress as awareness carries it: on a view (document id). */
export interface IPeerBrush {
  view: string;
  column: string;
  range?: [number | string, number | string];
  hover?: [number | string, number | string];
}

/** Someone else on the same board, from awareness (display only). */
export interface IPeer {
  clientId: number;
  /** The server's username as their browser says it ('' if none): one avatar per username. */
  username: string;
  name: string;
  initials: string;
  color: string;
  /** The view (document id) they look at, if any. */
  view: string | null;
  /** The brush they are dragging (or the bin they point at), if any. */
  brush: IPeerBrush | null;
}
