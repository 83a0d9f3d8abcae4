/*
 * The MIME type of a pinned view and its payload (Python
 * symphony_lab/pins/bundle.py writes it): the view's spec, a snapshot of
 * its data (aggregates), and where it comes from.
 */
import type {
  IBoardState,
  IBoardView,
  IViewResult,
  JSONObject
} from '../tokens';

/** Our MIME type, next to static fallbacks in the same output bundle. */
export const VIEW_MIME_TYPE = 'application/vnd.symphony-lab.view+json';

/** The module of show()'s widget, and the version of its model and view
 * (Python symphony_lab/pins/show.py WIDGET_VERSION). */
export const WIDGET_MODULE = 'symphony-lab';
export const WIDGET_VERSION = '1.0.0';

/** The widget-view MIME type of ipywidgets (show() outputs carry both). */
export const WIDGET_MIME_TYPE = 'application/vnd.jupyter.widget-view+json';

/** What a view is: the component over variables, its parameters, the board's state. */
export interface IPinSpec {
  component: string;
  variables: string[];
  params: JSONObject;
  state: IBoardState;
}

/** Who pinned, when, after which execution, with which version. */
export interface IProvenance {
  pinned_by: { username?: string; name?: string; display_name?: string } | null;
  pinned_at: string | null;
  execution_count: number | null;
  library_version: string | null;
}

/** One annotation of a recorded comment thread. */
export interface IPinNote {
  id: string;
  author: { username: string; name: string };
  /** ISO 8601, UTC. */
  created: string | null;
  /** Markdown as typed: rendered only as text or through the sanitizer. */
  text: string;
}

/** A comment thread recorded with a pin: its first annotation and the replies. */
export interface IPinThread extends IPinNote {
  target: { kind: string; label: string };
  resolved: boolean;
  resolved_by: string | null;
  replies: IPinNote[];
}

/** One pinned view. */
export interface IPinPayload {
  version: number;
  spec: IPinSpec;
  data: unknown;
  title: string;
  summary: string;
  provenance: IProvenance;
  fingerprints?: Array<string | null>;
  /** The comment threads attached to the view when it was pinned. */
  annotations: IPinThread[];
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function readNote(value: unknown): IPinNote | null {
  if (!isObject(value) || typeof value.text !== 'string') {
    return null;
  }
  const author = isObject(value.author) ? value.author : {};
  const username = text(author.username) ?? '';
  return {
    id: text(value.id) ?? '',
    author: { username, name: text(author.name) ?? username },
    created: text(value.created),
    text: value.text
  };
}

/** Recorded threads, checked field by field (what cannot be read is left out). */
export function readThreads(value: unknown): IPinThread[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const threads: IPinThread[] = [];
  for (const item of value) {
    const note = readNote(item);
    if (!note || !isObject(item)) {
      continue;
    }
    const target = isObject(item.target) ? item.target : {};
    threads.push({
      ...note,
      target: { kind: text(target.kind) ?? '', label: text(target.label) ?? '' },
      resolved: item.resolved === true,
      resolved_by: text(item.resolved_by),
      replies: Array.isArray(item.replies)
        ? item.replies.map(readNote).filter((n): n is IPinNote => n !== null)
        : []
    });
  }
  return threads;
}

/** One payload, checked field by field; null when it is not one. */
export function readPayload(value: unknown): IPinPayload | null {
  if (!isObject(value) || !isObject(value.spec)) {
    return null;
  }
  const spec = value.spec;
  const component = text(spec.component);
  const variables = Array.isArray(spec.variables)
    ? spec.variables.filter((v): v is string => typeof v === 'string')
    : [];
  if (!component || variables.length === 0) {
    return null;
  }
  const rawState = isObject(spec.state) ? spec.state : {};
  const state: IBoardState = {
    filter: Array.isArray(rawState.filter)
      ? (rawState.filter as IBoardState['filter'])
      : []
  };
  if (isObject(rawState.selection)) {
    state.selection = rawState.selection as unknown as IBoardState['selection'];
  }
  if (isObject(rawState.groups) && typeof rawState.groups.column === 'string') {
    state.groups = { column: rawState.groups.column };
  }
  const prov = isObject(value.provenance) ? value.provenance : {};
  const by = isObject(prov.pinned_by) ? prov.pinned_by : null;
  return {
    version: typeof value.version === 'number' ? value.version : 1,
    spec: {
      component,
      variables,
      params: isObject(spec.params) ? (spec.params as JSONObject) : {},
      state
    },
    data: value.data,
    title: text(value.title) ?? component,
    summary: text(value.summary) ?? '',
    provenance: {
      pinned_by: by
        ? {
            username: text(by.username) ?? undefined,
            name: text(by.name) ?? undefined,
            display_name: text(by.display_name) ?? undefined
          }
        : null,
      pinned_at: text(prov.pinned_at),
      execution_count:
        typeof prov.execution_count === 'number' ? prov.execution_count : null,
      library_version: text(prov.library_version)
    },
    fingerprints: Array.isArray(value.fingerprints)
      ? value.fingerprints.map(f => (typeof f === 'string' ? f : null))
      : undefined,
    annotations: readThreads(value.annotations)
  };
}

/** The views of a MIME payload: one view, or `{views: [...]}` (show() of suggestions). */
export function readPayloads(value: unknown): IPinPayload[] {
  if (isObject(value) && Array.isArray(value.views)) {
    return value.views
      .map(readPayload)
      .filter((p): p is IPinPayload => p !== null);
  }
  const one = readPayload(value);
  return one ? [one] : [];
}

/** A board view made of a payload (for the renderers), with a stable id. */
export function payloadView(payload: IPinPayload, id: string): IBoardView {
  const result: IViewResult = {
    component: payload.spec.component,
    variables: payload.spec.variables,
    params: payload.spec.params,
    state: payload.spec.state as unknown as JSONObject,
    data: payload.data,
    fingerprints: payload.fingerprints ?? [],
    execution_count: payload.provenance.execution_count,
    elapsed_ms: null,
    cached: false
  };
  return {
    id,
    component: payload.spec.component,
    variables: [...payload.spec.variables],
    params: { ...payload.spec.params },
    collapsed: false,
    status: 'ready',
    result,
    error: null,
    state: payload.spec.state
  };
}

/**
 * The view's data as plain JSON (typed arrays as arrays, non-finite numbers
 * as null), as it goes into a notebook file.
 */
export function plainData(value: unknown, depth = 0): unknown {
  if (depth > 64) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, v =>
      plainData(v, depth + 1)
    );
  }
  if (Array.isArray(value)) {
    return value.map(v => plainData(v, depth + 1));
  }
  if (isObject(value)) {
    const out: { [key: string]: unknown } = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = plainData(v, depth + 1);
    }
    return out;
  }
  return value === undefined ? null : value;
}
