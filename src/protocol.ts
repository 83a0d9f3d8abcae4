/*
 * Validation of what the server sends. Everything in a catalog comes from a
 * kernel, i.e. from user code: it is checked for shape here and rendered only
 * as text later. Invalid messages yield null and are ignored.
 */
import {
  CatalogStatus,
  FilterClause,
  IBoardViewRef,
  ICatalog,
  IColumn,
  IComponentInfo,
  IFinding,
  IModelInfo,
  IPairing,
  IRemoteBoardState,
  ISelection,
  ISuggestion,
  ISuggestions,
  IVariable,
  IViewResult,
  JSONObject,
  KernelState,
  ServerMessage,
  Severity
} from './tokens';

const KERNEL_STATES: ReadonlyArray<KernelState> = [
  'starting',
  'idle',
  'busy',
  'restarting',
  'dead',
  'unknown'
];

const CATALOG_STATUSES: ReadonlyArray<CatalogStatus> = [
  'ok',
  'pending',
  'not_python',
  'missing_package',
  'error',
  'timeout',
  'unsupported'
];

const SEVERITIES: ReadonlyArray<Severity> = ['high', 'medium', 'low'];

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A column or class name that may have been sent as a number. */
function label(value: unknown): string | null {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return null;
}

function shape(value: unknown): Array<number | null> | null {
  if (!Array.isArray(value)) {
    return null;
  }
  return value.map(n => num(n));
}

function columns(value: unknown): IColumn[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const result: IColumn[] = [];
  for (const item of value) {
    if (!isObject(item)) {
      continue;
    }
    const name = label(item.name);
    if (name === null) {
      continue;
    }
    result.push({ name, dtype: str(item.dtype) ?? '' });
  }
  return result;
}

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  return value.map(v => label(v)).filter((v): v is string => v !== null);
}

function modelInfo(value: unknown): IModelInfo | null {
  if (!isObject(value)) {
    return null;
  }
  const info: IModelInfo = {};
  if (typeof value.fitted === 'boolean') {
    info.fitted = value.fitted;
  }
  const task = str(value.task);
  if (task !== null) {
    info.task = task;
  }
  for (const key of [
    'n_features_in',
    'feature_names_total',
    'n_classes',
    'n_parameters'
  ] as const) {
    const n = num(value[key]);
    if (n !== null) {
      info[key] = n;
    }
  }
  const features = stringList(value.feature_names);
  if (features !== null) {
    info.feature_names = features;
  }
  if (Array.isArray(value.classes)) {
    info.classes = value.classes.filter(
      (c): c is string | number | boolean =>
        typeof c === 'string' ||
        typeof c === 'number' ||
        typeof c === 'boolean'
    );
  }
  if (isObject(value.params)) {
    info.params = value.params;
  }
  return info;
}

/** A valid variable entry, or null. */
export function parseVariable(value: unknown): IVariable | null {
  if (!isObject(value)) {
    return null;
  }
  const name = str(value.name);
  const kind = str(value.kind);
  if (!name || !kind) {
    return null;
  }
  const variable: IVariable = {
    name,
    kind,
    type: str(value.type) ?? '',
    library: str(value.library),
    fingerprint: str(value.fingerprint),
    memory: num(value.memory)
  };
  const s = shape(value.shape);
  if (s !== null) {
    variable.shape = s;
  }
  const cols = columns(value.columns);
  if (cols !== null) {
    variable.columns = cols;
  }
  const total = num(value.columns_total);
  if (total !== null) {
    variable.columns_total = total;
  }
  for (const key of ['index', 'dtype', 'series_name', 'error'] as const) {
    const v = str(value[key]);
    if (v !== null) {
      variable[key] = v;
    }
  }
  const model = modelInfo(value.model);
  if (model !== null) {
    variable.model = model;
  }
  return variable;
}

/** A valid catalog, or null. Invalid variable entries are dropped. */
export function parseCatalog(value: unknown): ICatalog | null {
  if (!isObject(value)) {
    return null;
  }
  const kernelId = str(value.kernel_id);
  if (!kernelId) {
    return null;
  }
  const rawState = str(value.state);
  const rawStatus = str(value.status);
  if (rawState === null || rawStatus === null) {
    return null;
  }
  const state: KernelState = (KERNEL_STATES as string[]).includes(rawState)
    ? (rawState as KernelState)
    : 'unknown';
  // An unknown status from a newer server is shown as an error, with its
  // message.
  const status: CatalogStatus = (CATALOG_STATUSES as string[]).includes(
    rawStatus
  )
    ? (rawStatus as CatalogStatus)
    : 'error';
  const variables: IVariable[] = [];
  if (Array.isArray(value.variables)) {
    for (const item of value.variables) {
      const variable = parseVariable(item);
      if (variable) {
        variables.push(variable);
      }
    }
  }
  return {
    kernel_id: kernelId,
    state,
    status,
    message: str(value.message),
    language: str(value.language),
    execution_count: num(value.execution_count),
    updated: num(value.updated),
    elapsed_ms: num(value.elapsed_ms),
    truncated: value.truncated === true,
    skipped: num(value.skipped) ?? 0,
    kernel_version: str(value.kernel_version),
    variables
  };
}

/**
 * A valid server message, or null (not JSON, not an object, unknown type,
 * invalid catalog).
 */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value)) {
    return null;
  }
  switch (value.type) {
    case 'catalog': {
      const catalog = parseCatalog(value.catalog);
      return catalog ? { type: 'catalog', catalog } : null;
    }
    case 'suggestions': {
      const suggestions = parseSuggestions(value.suggestions);
      return suggestions ? { type: 'suggestions', suggestions } : null;
    }
    case 'state': {
      const state = parseBoardState(value.state);
      return state ? { type: 'state', state } : null;
    }
    case 'error': {
      const message = str(value.message);
      if (message === null) {
        return null;
      }
      return { type: 'error', message, kernel_id: str(value.kernel_id) };
    }
    default:
      return null;
  }
}

/** Variable names of a suggestion or finding: a non-empty list of strings. */
function names(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    return null;
  }
  return value.every(v => typeof v === 'string' && v.length > 0)
    ? (value as string[])
    : null;
}

/** A valid suggestion, or null. */
export function parseSuggestion(value: unknown): ISuggestion | null {
  if (!isObject(value)) {
    return null;
  }
  const component = str(value.component);
  const variables = names(value.variables);
  if (!component || !variables) {
    return null;
  }
  const score = num(value.score) ?? 0;
  return {
    component,
    variables,
    score: Math.min(1, Math.max(0, score)),
    reason: str(value.reason) ?? '',
    params: isObject(value.params) ? value.params : {}
  };
}

/** A valid finding, or null. An unknown severity counts as low. */
export function parseFinding(value: unknown): IFinding | null {
  if (!isObject(value)) {
    return null;
  }
  const kind = str(value.kind);
  const component = str(value.component);
  const variables = names(value.variables);
  const message = str(value.message);
  if (!kind || !component || !variables || message === null) {
    return null;
  }
  const severity = str(value.severity);
  return {
    kind,
    severity: (SEVERITIES as string[]).includes(severity ?? '')
      ? (severity as Severity)
      : 'low',
    variables,
    message,
    component,
    params: isObject(value.params) ? value.params : {},
    evidence: isObject(value.evidence) ? value.evidence : {}
  };
}

/**
 * Valid suggestions of a kernel, or null. Invalid entries are dropped;
 * findings are sorted by severity (stable), suggestions keep the server's
 * order.
 */
export function parseSuggestions(value: unknown): ISuggestions | null {
  if (!isObject(value)) {
    return null;
  }
  const kernelId = str(value.kernel_id);
  const status = str(value.status);
  if (!kernelId || status === null) {
    return null;
  }
  const suggestions = Array.isArray(value.suggestions)
    ? value.suggestions
        .map(parseSuggestion)
        .filter((s): s is ISuggestion => s !== null)
    : [];
  const findings = Array.isArray(value.findings)
    ? value.findings
        .map(parseFinding)
        .filter((f): f is IFinding => f !== null)
    : [];
  findings.sort(
    (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)
  );
  return {
    kernel_id: kernelId,
    status,
    message: str(value.message),
    execution_count: num(value.execution_count),
    suggestions,
    findings
  };
}

/** A valid answer of `POST .../views`, or null. */
export function parseViewResult(value: unknown): IViewResult | null {
  if (!isObject(value)) {
    return null;
  }
  const component = str(value.component);
  const variables = names(value.variables);
  if (!component || !variables || !('data' in value)) {
    return null;
  }
  const selection = parseSelectionInfo(value.selection);
  const pairings = parsePairings(value.pairings);
  return {
    ...(selection ? { selection } : {}),
    ...(pairings ? { pairings } : {}),
    component,
    variables,
    params: isObject(value.params) ? value.params : {},
    state: isObject(value.state) ? value.state : {},
    data: value.data,
    fingerprints: Array.isArray(value.fingerprints)
      ? value.fingerprints.map(f => str(f))
      : [],
    execution_count: num(value.execution_count),
    elapsed_ms: num(value.elapsed_ms),
    cached: value.cached === true,
    ...(value.encoding === 'arrow' || value.encoding === 'json'
      ? { encoding: value.encoding }
      : {})
  };
}

/** The pairings a model view could show (invalid ones dropped), or null. */
export function parsePairings(value: unknown): IPairing[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const out: IPairing[] = [];
  for (const item of value) {
    if (!isObject(item)) {
      continue;
    }
    const variables = names(item.variables);
    if (!variables || (item.kind !== 'model' && item.kind !== 'predictions')) {
      continue;
    }
    out.push({
      kind: item.kind,
      variables,
      task: str(item.task) ?? 'unknown',
      rows: num(item.rows) ?? 0,
      reason: str(item.reason) ?? '',
      split: item.split === 'train' || item.split === 'test' ? item.split : null,
      params: isObject(item.params) ? item.params : {}
    });
  }
  return out;
}

/** How a view's answer says the board's selection was applied. */
function parseSelectionInfo(value: unknown): IViewResult['selection'] {
  if (!isObject(value)) {
    return null;
  }
  const info: NonNullable<IViewResult['selection']> = {
    label: typeof value.label === 'string' ? value.label : '',
    source: value.source === true
  };
  const rows = num(value.rows);
  if (rows !== null) {
    info.rows = rows;
  }
  if (typeof value.error === 'string') {
    info.error = value.error;
  }
  return info;
}

/** Valid entries of `GET /symphony-lab/api/components` (invalid ones dropped). */
export function parseComponents(value: unknown): IComponentInfo[] {
  const list = isObject(value) ? value.components : null;
  if (!Array.isArray(list)) {
    return [];
  }
  const result: IComponentInfo[] = [];
  for (const item of list) {
    if (!isObject(item)) {
      continue;
    }
    const name = str(item.name);
    if (!name) {
      continue;
    }
    const arity =
      Array.isArray(item.arity) && item.arity.length === 2
        ? [num(item.arity[0]) ?? 1, num(item.arity[1]) ?? 1]
        : [1, 1];
    result.push({
      name,
      title: str(item.title) || name,
      description: str(item.description) ?? '',
      arity: arity as [number, number],
      kinds: stringList(item.kinds) ?? [],
      params_schema: isObject(item.params_schema) ? item.params_schema : {}
    });
  }
  return result;
}

/** A bound of a range clause: a finite number, a date string or null. */
function bound(value: unknown): number | string | null | undefined {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string') {
    return value;
  }
  return num(value) ?? undefined;
}

/** A valid filter clause, or null. */
export function parseFilterClause(value: unknown): FilterClause | null {
  if (!isObject(value)) {
    return null;
  }
  const column = str(value.column);
  if (column === null) {
    return null;
  }
  if (value.op === 'range') {
    const min = bound(value.min);
    const max = bound(value.max);
    if (min === undefined || max === undefined) {
      return null;
    }
    return { column, op: 'range', min, max };
  }
  if (value.op === 'in') {
    if (!Array.isArray(value.values)) {
      return null;
    }
    const values: Array<string | number | boolean | null> = [];
    for (const v of value.values) {
      if (
        v === null ||
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        num(v) !== null
      ) {
        values.push(v as string | number | boolean | null);
      } else {
        return null;
      }
    }
    return { column, op: 'in', values };
  }
  return null;
}

/**
 * A valid board state pushed by the server, or null. The filter must be
 * valid as a whole (a filter with a clause left out would select other
 * rows): one invalid clause rejects the message. A later clause on a column
 * replaces an earlier one, in place (the board keeps one per column). Invalid view
 * entries are dropped (the list is informational).
 */
export function parseBoardState(value: unknown): IRemoteBoardState | null {
  if (!isObject(value)) {
    return null;
  }
  const kernelId = str(value.kernel_id);
  if (!kernelId) {
    return null;
  }
  const rawFilter = value.filter ?? [];
  if (!Array.isArray(rawFilter)) {
    return null;
  }
  const byColumn = new Map<string, FilterClause>();
  for (const item of rawFilter) {
    const clause = parseFilterClause(item);
    if (!clause) {
      return null;
    }
    byColumn.set(clause.column, clause);
  }
  const views: IBoardViewRef[] = [];
  if (Array.isArray(value.views)) {
    for (const item of value.views) {
      if (!isObject(item)) {
        continue;
      }
      const component = str(item.component);
      const variables = names(item.variables);
      if (component && variables) {
        views.push({ component, variables });
      }
    }
  }
  const state: IRemoteBoardState = {
    kernel_id: kernelId,
    origin: value.origin === 'kernel' ? 'kernel' : 'board',
    filter: Array.from(byColumn.values()),
    views
  };
  if (value.selection !== undefined && value.selection !== null) {
    const selection = parseSelection(value.selection);
    if (!selection) {
      return null;
    }
    state.selection = selection;
  }
  if (value.groups !== undefined && value.groups !== null) {
    const column = isObject(value.groups) ? str(value.groups.column) : null;
    if (!column) {
      return null;
    }
    state.groups = { column };
  }
  return state;
}

/** A valid selection (see ISelection), or null. */
export function parseSelection(value: unknown): ISelection | null {
  if (!isObject(value)) {
    return null;
  }
  const component = str(value.component);
  const variables = names(value.variables);
  if (
    !component ||
    !variables ||
    !variables.every(name => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) ||
    !isObject(value.spec) ||
    (value.params !== undefined && !isObject(value.params))
  ) {
    return null;
  }
  return {
    component,
    variables,
    params: (value.params ?? {}) as JSONObject,
    spec: value.spec as JSONObject,
    label: typeof value.label === 'string' ? value.label : ''
  };
}
