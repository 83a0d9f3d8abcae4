/*
 * The exported page's crossfilter: the views' data computed again, in the
 * browser, from the binned codes that symphony_lab/pins/cube.py embeds (one
 * small integer per row and column: bins, top categories, classes), when the
 * page's filter or selection changes. The results have the shape the
 * kernel's components return, so the same renderers draw them.
 *
 * Codes:
 * - bins: 0 missing; 1 + 2 i + eq, where i counts the edges below the value
 *   and eq says it equals edge i (so a range between two edges is exact);
 * - categories: 0 missing, 1 any value outside the list, 2 + i category i;
 * - classes: 0 missing, 1 + the class's position.
 * Plain TypeScript, no DOM: tested by jest on small known arrays.
 */
import type { FilterClause, IBoardState, JSONObject } from '../tokens';

type Codes = Uint8Array | Uint16Array;
type Cell = string | number | boolean | null;
type Obj = { [key: string]: unknown };

export interface IOfflineField {
  column: string | null;
  type: 'bins' | 'categories' | 'classes';
  kind: string;
  /** bins: the union of the views' edges, as they show them (numbers or date text). */
  edges: Array<number | string>;
  /** categories: the list (code 2 + i). */
  categories: string[];
  /** categories: distinct values outside the list (null: unknown; 0: the list is complete). */
  other: number | null;
  codes: Codes;
}

export interface IOfflineModel {
  id: string;
  view: number;
  classes: Cell[];
  label: string;
  prediction: string;
  variables: string[];
  truth: Codes;
  pred: Codes;
}

export interface IOfflineFrame {
  name: string;
  rows: number;
  sampleRows: number;
  sampled: boolean;
  /** Every column of the frame (a clause on a column it lacks keeps every row, as in the kernel). */
  columns: Set<string>;
  bins: Map<string, IOfflineField>;
  cats: Map<string, IOfflineField>;
  models: Map<string, IOfflineModel>;
}

export interface IOfflineCube {
  frames: Map<string, IOfflineFrame>;
  /** Per exported view: its frame (and model), or why it is not computed offline. */
  views: Array<{ frame: string | null; model: string | null; reason: string | null }>;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bytes of base64 text (no dependency on atob, so that node and browsers agree). */
export function fromBase64(text: string): Uint8Array {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    lookup[alphabet.charCodeAt(i)] = i;
  }
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | lookup[clean.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, j);
}

function codesOf(text: unknown, dtype: unknown, rows: number): Codes | null {
  if (typeof text !== 'string') {
    return null;
  }
  const bytes = fromBase64(text);
  if (dtype === 'uint8') {
    return bytes.length === rows ? bytes : null;
  }
  if (dtype === 'uint16' && bytes.length === rows * 2) {
    const out = new Uint16Array(rows);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < rows; i++) {
      out[i] = view.getUint16(i * 2, true);
    }
    return out;
  }
  return null;
}

/** The page's `offline` block, decoded; null when absent or not of this shape. */
export function readOffline(value: unknown): IOfflineCube | null {
  if (!isObj(value) || value.version !== 1 || !Array.isArray(value.frames)) {
    return null;
  }
  const frames = new Map<string, IOfflineFrame>();
  for (const f of value.frames) {
    if (!isObj(f) || typeof f.name !== 'string' || typeof f.sample_rows !== 'number') {
      continue;
    }
    const n = f.sample_rows;
    const frame: IOfflineFrame = {
      name: f.name,
      rows: typeof f.rows === 'number' ? f.rows : n,
      sampleRows: n,
      sampled: f.sampled === true,
      columns: new Set(
        Array.isArray(f.columns) ? f.columns.filter((c): c is string => typeof c === 'string') : []
      ),
      bins: new Map(),
      cats: new Map(),
      models: new Map()
    };
    const classes = new Map<string, { truth?: Codes; pred?: Codes }>();
    for (const d of Array.isArray(f.fields) ? f.fields : []) {
      if (!isObj(d)) {
        continue;
      }
      const codes = codesOf(d.codes, d.dtype, n);
      if (!codes) {
        continue;
      }
      if (d.type === 'classes' && typeof d.model === 'string') {
        const slot = classes.get(d.model) ?? {};
        if (d.role === 'true') {
          slot.truth = codes;
        } else if (d.role === 'pred') {
          slot.pred = codes;
        }
        classes.set(d.model, slot);
        continue;
      }
      if (typeof d.column !== 'string') {
        continue;
      }
      const field: IOfflineField = {
        column: d.column,
        type: d.type === 'bins' ? 'bins' : 'categories',
        kind: typeof d.kind === 'string' ? d.kind : '',
        edges: Array.isArray(d.edges)
          ? d.edges.filter((e): e is number | string => typeof e === 'number' || typeof e === 'string')
          : [],
        categories: Array.isArray(d.categories) ? d.categories.map(c => String(c)) : [],
        other: typeof d.other === 'number' ? d.other : null,
        codes
      };
      (field.type === 'bins' ? frame.bins : frame.cats).set(d.column, field);
    }
    for (const m of Array.isArray(f.models) ? f.models : []) {
      const slot = isObj(m) && typeof m.id === 'string' ? classes.get(m.id) : undefined;
      if (!isObj(m) || !slot?.truth || !slot.pred || !Array.isArray(m.classes)) {
        continue;
      }
      frame.models.set(m.id as string, {
        id: m.id as string,
        view: typeof m.view === 'number' ? m.view : -1,
        classes: m.classes.map(c => (typeof c === 'object' ? null : (c as Cell))),
        label: typeof m.label === 'string' ? m.label : '',
        prediction: typeof m.prediction === 'string' ? m.prediction : '',
        variables: Array.isArray(m.variables) ? m.variables.map(String) : [],
        truth: slot.truth,
        pred: slot.pred
      });
    }
    frames.set(frame.name, frame);
  }
  const views = (Array.isArray(value.views) ? value.views : []).map(v =>
    isObj(v)
      ? {
          frame: typeof v.frame === 'string' ? v.frame : null,
          model: typeof v.model === 'string' ? v.model : null,
          reason: typeof v.reason === 'string' ? v.reason : null
        }
      : { frame: null, model: null, reason: 'not computed offline' }
  );
  return { frames, views };
}

// -- rows ----------------------------------------------------------------------------------------

/** The sample's rows that pass a state, and what could only be approximated. */
export interface IRows {
  mask: Uint8Array;
  count: number;
  notes: string[];
}

/** A cannot-compute answer, with the reason shown in the page. */
export interface IUnavailable {
  reason: string;
}

function boundTime(value: number | string): number {
  return typeof value === 'number'
    ? value
    : Date.parse(value.includes('T') ? value : value.replace(' ', 'T'));
}

/** The first and last code a range clause keeps, and whether that is exact. */
export function rangeCodes(
  field: IOfflineField,
  min: number | string | null,
  max: number | string | null
): { low: number; high: number; exact: boolean } {
  const edges = field.edges;
  const top = 2 * edges.length + 1;
  let exact = true;
  const at = (bound: number | string): number => {
    const i = edges.findIndex(e => e === bound);
    if (i >= 0) {
      return 2 + 2 * i;
    }
    // Not an edge: the slot between the two edges around it is kept whole.
    exact = false;
    const b = boundTime(bound);
    let below = 0;
    while (below < edges.length && boundTime(edges[below]) < b) {
      below++;
    }
    if (below < edges.length && boundTime(edges[below]) === b) {
      return 2 + 2 * below;
    }
    return 1 + 2 * below;
  };
  const low = min === null ? 1 : at(min);
  const high = max === null ? top : at(max);
  return { low, high, exact };
}

function textOf(value: Cell): string | null {
  if (value === null) {
    return null;
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  return String(value);
}

function sameList(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The rows of `frame` (its sample) that pass the state's filter, except on
 * the `exclude` columns, and its selection unless `withoutSelection`.
 */
export function rowMask(
  frame: IOfflineFrame,
  state: IBoardState,
  exclude: ReadonlyArray<string> = [],
  withoutSelection = false
): IRows | IUnavailable {
  const n = frame.sampleRows;
  const mask = new Uint8Array(n).fill(1);
  const notes: string[] = [];
  for (const clause of state.filter as FilterClause[]) {
    if (exclude.includes(clause.column) || !frame.columns.has(clause.column)) {
      continue; // as in the kernel: a clause on a column the frame lacks keeps every row
    }
    if (clause.op === 'range') {
      const field = frame.bins.get(clause.column);
      if (!field) {
        return { reason: `the filter on ${clause.column} cannot be applied offline` };
      }
      const { low, high, exact } = rangeCodes(field, clause.min, clause.max);
      if (!exact) {
        notes.push(`the range on ${clause.column} is applied at bin resolution`);
      }
      const codes = field.codes;
      for (let r = 0; r < n; r++) {
        const c = codes[r];
        if (c < low || c > high) {
          mask[r] = 0;
        }
      }
    } else {
      const field = frame.cats.get(clause.column);
      if (!field || (field.categories.length === 0 && clause.values.some(v => v !== null))) {
        return { reason: `the filter on ${clause.column} cannot be applied offline` };
      }
      const keep = new Uint8Array(field.categories.length + 2);
      for (const v of clause.values) {
        const text = textOf(v);
        if (text === null) {
          keep[0] = 1;
          continue;
        }
        const i = field.categories.indexOf(text);
        if (i >= 0) {
          keep[2 + i] = 1;
        } else if (field.other !== 0) {
          keep[1] = 1;
          notes.push(
            `${clause.column} = ${text} is counted with the other values outside the top categories`
          );
        }
      }
      const codes = field.codes;
      for (let r = 0; r < n; r++) {
        if (!keep[codes[r]]) {
          mask[r] = 0;
        }
      }
    }
  }
  const selection = state.selection;
  if (selection && !withoutSelection) {
    const model = [...frame.models.values()].find(
      m => selection.component === 'confusion' && sameList(m.variables, selection.variables)
    );
    if (!model) {
      return { reason: `the selection (${selection.label}) cannot be applied offline` };
    }
    const spec = selection.spec as JSONObject;
    const index = (value: unknown): number =>
      model.classes.findIndex(c => String(c) === String(value));
    const t = 'true' in spec ? index(spec.true) : null;
    const p = 'pred' in spec ? index(spec.pred) : null;
    if (t === -1 || p === -1) {
      return { reason: `the selection (${selection.label}) names a class the page does not know` };
    }
    const correct = typeof spec.correct === 'boolean' ? spec.correct : null;
    for (let r = 0; r < n; r++) {
      const a = model.truth[r];
      const b = model.pred[r];
      if (
        (t !== null && a !== t + 1) ||
        (p !== null && b !== p + 1) ||
        (correct !== null && (a === 0 || b === 0 || (a === b) !== correct))
      ) {
        mask[r] = 0;
      }
    }
  }
  let count = 0;
  for (let r = 0; r < n; r++) {
    count += mask[r];
  }
  return { mask, count, notes };
}

// -- views ---------------------------------------------------------------------------------------

/** A view's data computed again, and what in it is approximate or kept as exported. */
export interface IRecomputed {
  data: Obj;
  notes: string[];
}

/** Counts of a sample scaled to the frame's rows. */
function scaler(frame: IOfflineFrame): (n: number) => number {
  const factor = frame.sampled && frame.sampleRows > 0 ? frame.rows / frame.sampleRows : 1;
  return n => (factor === 1 ? n : Math.round(n * factor));
}

/** Where each of a view's edges is among the field's (code 2 + 2 k), or null if one is missing. */
function edgeSlots(field: IOfflineField, edges: ReadonlyArray<unknown>): number[] | null {
  const out: number[] = [];
  for (const e of edges) {
    const k = field.edges.findIndex(f => f === e);
    if (k < 0) {
      return null;
    }
    out.push(k);
  }
  return out;
}

/** Histogram counts of the view's bins from per-code counts (numpy's bins: the last one closed). */
export function binCounts(perCode: ArrayLike<number>, slots: number[]): number[] {
  const out: number[] = [];
  for (let j = 0; j + 1 < slots.length; j++) {
    const low = 2 + 2 * slots[j];
    const high = j + 2 === slots.length ? 2 + 2 * slots[j + 1] : 1 + 2 * slots[j + 1];
    let sum = 0;
    for (let c = low; c <= high; c++) {
      sum += perCode[c] ?? 0;
    }
    out.push(sum);
  }
  return out;
}

function perCode(codes: Codes, size: number, mask: Uint8Array): Float64Array {
  const out = new Float64Array(size);
  for (let r = 0; r < codes.length; r++) {
    if (mask[r]) {
      out[codes[r]]++;
    }
  }
  return out;
}

function categoryLabel(field: IOfflineField, code: number): string | null {
  return code === 0 ? null : field.categories[code - 2];
}

/** Codes (>= 2) by count, largest first, ties in code order. */
function ranked(counts: ArrayLike<number>, from = 2): number[] {
  const codes: number[] = [];
  for (let c = from; c < counts.length; c++) {
    if (counts[c] > 0) {
      codes.push(c);
    }
  }
  return codes.sort((a, b) => counts[b] - counts[a] || a - b);
}

const MAX_GROUPS = 8;
const MAX_CATEGORIES = 30;

export function distribution(
  data: Obj,
  params: JSONObject,
  frame: IOfflineFrame,
  rows: IRows,
  state: IBoardState
): IRecomputed | IUnavailable {
  const column = String(data.column);
  const est = scaler(frame);
  const notes = [...rows.notes];
  const group = state.groups?.column ?? null;
  let by: string | null = typeof params.by === 'string' ? params.by : null;
  const byBoard = by === null && group !== null && group !== column && frame.columns.has(group);
  if (byBoard) {
    by = group;
  }
  // Group of each row: an index into `groups`, or -1.
  const n = frame.sampleRows;
  const groupOf = new Int32Array(n);
  let groups: Cell[] = [null];
  if (by !== null) {
    const field = frame.cats.get(by);
    if (!field || field.categories.length === 0) {
      return { reason: `the group column ${by} is not in the page` };
    }
    const counts = perCode(field.codes, field.categories.length + 2, rows.mask);
    const order = ranked(counts, 0).filter(c => c !== 1).slice(0, MAX_GROUPS);
    if (counts[1] > 0) {
      notes.push(`rows whose ${by} is outside its top categories are not drawn`);
    }
    groups = order.map(c => categoryLabel(field, c));
    const index = new Int32Array(field.categories.length + 2).fill(-1);
    order.forEach((c, i) => (index[c] = i));
    for (let r = 0; r < n; r++) {
      groupOf[r] = index[field.codes[r]];
    }
  }
  const out: Obj = {
    ...data,
    by,
    by_board: byBoard,
    rows: frame.rows,
    filtered_rows: est(rows.count),
    sampled: frame.sampled,
    sample_rows: rows.count
  };
  if (data.kind === 'numeric' || data.kind === 'datetime') {
    const field = frame.bins.get(column);
    if (!field) {
      return { reason: `${column} is not in the page` };
    }
    const size = 2 * field.edges.length + 2;
    const perGroup = groups.map(() => new Float64Array(size));
    let missing = 0;
    for (let r = 0; r < n; r++) {
      if (!rows.mask[r]) {
        continue;
      }
      const c = field.codes[r];
      if (c === 0) {
        missing++;
      }
      const g = groupOf[r];
      if (g >= 0) {
        perGroup[g][c]++;
      }
    }
    out.missing = est(missing);
    const edges = Array.isArray(data.edges) ? data.edges : [];
    if (edges.length > 0) {
      const slots = edgeSlots(field, edges);
      if (!slots) {
        return { reason: `the bins of ${column} are not in the page` };
      }
      out.series = groups.map((g, i) => ({
        group: g,
        counts: binCounts(perGroup[i], slots).map(est)
      }));
      notes.push('bins as exported');
    }
    return { data: out, notes };
  }
  const field = frame.cats.get(column);
  if (!field) {
    return { reason: `${column} is not in the page` };
  }
  const size = field.categories.length + 2;
  const all = perCode(field.codes, size, rows.mask);
  const top = ranked(all).slice(0, MAX_CATEGORIES);
  const shown = ranked(all).length;
  out.missing = est(all[0]);
  out.categories = top.map(c => categoryLabel(field, c));
  out.other_categories = Math.max(0, shown - top.length);
  if (all[1] > 0 && field.other !== 0) {
    notes.push(`values of ${column} outside its top ${field.categories.length} are not counted`);
  }
  const perGroup = groups.map(() => new Float64Array(size));
  for (let r = 0; r < n; r++) {
    if (rows.mask[r] && groupOf[r] >= 0) {
      perGroup[groupOf[r]][field.codes[r]]++;
    }
  }
  out.series = groups.map((g, i) => ({
    group: g,
    counts: top.map(c => est(perGroup[i][c]))
  }));
  return { data: out, notes };
}

export function summary(
  data: Obj,
  frame: IOfflineFrame,
  rows: IRows
): IRecomputed | IUnavailable {
  const est = scaler(frame);
  const notes = [
    ...rows.notes,
    'min, max, mean, std and distinct counts are as exported; histograms keep the exported bins'
  ];
  const columns = (Array.isArray(data.columns) ? data.columns : []).map(raw => {
    if (!isObj(raw) || typeof raw.name !== 'string') {
      return raw;
    }
    const col: Obj = { ...raw };
    const bins = frame.bins.get(raw.name);
    const cats = frame.cats.get(raw.name);
    const field = bins ?? cats;
    if (!field) {
      notes.push(`${raw.name} is as exported`);
      return col;
    }
    const size = field.type === 'bins' ? 2 * field.edges.length + 2 : field.categories.length + 2;
    const counts = perCode(field.codes, size, rows.mask);
    col.missing = est(counts[0]);
    if (bins && isObj(raw.histogram) && Array.isArray(raw.histogram.edges)) {
      const slots = edgeSlots(bins, raw.histogram.edges);
      if (slots) {
        col.histogram = { edges: raw.histogram.edges, counts: binCounts(counts, slots).map(est) };
      }
    } else if (cats && Array.isArray(raw.top) && cats.categories.length > 0) {
      const exported = new Map<string, unknown>();
      for (const t of raw.top) {
        if (isObj(t)) {
          exported.set(String(textOf(t.value as Cell)), t.value);
        }
      }
      col.top = ranked(counts)
        .slice(0, 5)
        .map(c => {
          const text = cats.categories[c - 2];
          return { value: exported.has(text) ? exported.get(text) : text, count: est(counts[c]) };
        });
      if (counts[1] > 0 && cats.other !== 0) {
        notes.push(`top values of ${raw.name} are among its ${cats.categories.length} most common`);
      }
    }
    return col;
  });
  return {
    data: {
      ...data,
      rows: frame.rows,
      filtered_rows: est(rows.count),
      sampled: frame.sampled,
      sample_rows: est(rows.count),
      columns
    },
    notes
  };
}

export function missing(
  data: Obj,
  params: JSONObject,
  frame: IOfflineFrame,
  rows: IRows
): IRecomputed | IUnavailable {
  const est = scaler(frame);
  const names = (Array.isArray(data.columns) ? data.columns : [])
    .map(c => (isObj(c) && typeof c.name === 'string' ? c.name : null))
    .filter((c): c is string => c !== null);
  const fields: IOfflineField[] = [];
  for (const name of names) {
    const field = frame.bins.get(name) ?? frame.cats.get(name);
    if (!field) {
      return { reason: `the missing values of ${name} are not in the page` };
    }
    fields.push(field);
  }
  const n = frame.sampleRows;
  const perColumn = fields.map(f => {
    let m = 0;
    for (let r = 0; r < n; r++) {
      if (rows.mask[r] && f.codes[r] === 0) {
        m++;
      }
    }
    return m;
  });
  const withMissing = perColumn.map((m, i) => (m > 0 ? i : -1)).filter(i => i >= 0);
  const patterns = new Map<string, number>();
  let complete = 0;
  for (let r = 0; r < n; r++) {
    if (!rows.mask[r]) {
      continue;
    }
    let key = '';
    for (const i of withMissing) {
      key += fields[i].codes[r] === 0 ? '1' : '0';
    }
    if (!key.includes('1')) {
      complete++;
    }
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
  }
  const limit = typeof params.patterns === 'number' ? params.patterns : 15;
  // As the kernel: patterns in the order of their bits, then by count (stable), the most common first.
  const ordered =
    withMissing.length === 0
      ? []
      : [...patterns.entries()]
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .sort((a, b) => b[1] - a[1])
          .slice(0, limit);
  return {
    data: {
      ...data,
      rows: frame.rows,
      filtered_rows: est(rows.count),
      sampled: frame.sampled,
      complete_rows: est(complete),
      columns: names.map((name, i) => ({
        name,
        missing: est(perColumn[i]),
        fraction: rows.count ? perColumn[i] / rows.count : 0
      })),
      patterns: ordered.map(([key, count]) => ({
        columns: withMissing.filter((_, j) => key[j] === '1').map(i => names[i]),
        count: est(count)
      }))
    },
    notes: rows.notes
  };
}

export function confusion(
  data: Obj,
  params: JSONObject,
  model: IOfflineModel,
  frame: IOfflineFrame,
  rows: IRows
): IRecomputed | IUnavailable {
  const est = scaler(frame);
  const k = model.classes.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let r = 0; r < frame.sampleRows; r++) {
    const t = model.truth[r];
    const p = model.pred[r];
    if (rows.mask[r] && t > 0 && p > 0) {
      matrix[t - 1][p - 1]++;
    }
  }
  const support = matrix.map(row => row.reduce((a, b) => a + b, 0));
  const predicted = model.classes.map((_, j) => matrix.reduce((a, row) => a + row[j], 0));
  const order = model.classes
    .map((_, i) => i)
    .sort((a, b) => support[b] + predicted[b] - (support[a] + predicted[a]) || a - b);
  const maxClasses =
    typeof params.max_classes === 'number'
      ? params.max_classes
      : data.other === true && Array.isArray(data.classes)
        ? data.classes.length + 1
        : 20;
  const keep = k > maxClasses ? order.slice(0, maxClasses - 1) : order;
  const folded = k > keep.length;
  let shown: number[][];
  if (folded) {
    const index = new Array<number>(k).fill(keep.length);
    keep.forEach((c, i) => (index[c] = i));
    shown = Array.from({ length: keep.length + 1 }, () => new Array<number>(keep.length + 1).fill(0));
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        shown[index[i]][index[j]] += matrix[i][j];
      }
    }
  } else {
    shown = keep.map(i => keep.map(j => matrix[i][j]));
  }
  const tp = model.classes.map((_, i) => matrix[i][i]);
  const precision = tp.map((t, i) => (predicted[i] > 0 ? t / predicted[i] : 0));
  const recall = tp.map((t, i) => (support[i] > 0 ? t / support[i] : 0));
  const f1 = precision.map((p, i) =>
    p + recall[i] > 0 ? (2 * p * recall[i]) / (p + recall[i]) : 0
  );
  const labelled = support.reduce((a, b) => a + b, 0);
  const present = support.map(s => s > 0);
  const mean = (values: number[]): number | null => {
    const chosen = values.filter((_, i) => present[i]);
    return chosen.length ? chosen.reduce((a, b) => a + b, 0) / chosen.length : null;
  };
  const notes = [...rows.notes];
  if (isObj(data.groups)) {
    notes.push(`the breakdown by ${String(data.groups.column)} is as exported`);
  }
  return {
    data: {
      ...data,
      rows: frame.rows,
      filtered_rows: est(rows.count),
      unlabelled: est(rows.count - labelled),
      label: model.label,
      prediction: model.prediction,
      classes: keep.map(i => model.classes[i]),
      classes_total: k,
      other: folded,
      matrix: shown.map(row => row.map(est)),
      accuracy: labelled ? tp.reduce((a, b) => a + b, 0) / labelled : null,
      balanced_accuracy: mean(recall),
      macro_f1: mean(f1),
      per_class: order.slice(0, 200).map(i => ({
        class: model.classes[i],
        precision: precision[i],
        recall: recall[i],
        f1: f1[i],
        support: est(support[i]),
        predicted: est(predicted[i])
      }))
    },
    notes
  };
}

/** A view's spec as the page knows it. */
export interface IOfflineSpec {
  component: string;
  variables: string[];
  params: JSONObject;
}

/**
 * The data of exported view `index` under `state`, computed from the cube,
 * or why it cannot be. `own`: the columns the view brushes itself (it is not
 * filtered by them); a view that made the selection is computed without it.
 */
export function recompute(
  cube: IOfflineCube,
  index: number,
  spec: IOfflineSpec,
  data: unknown,
  state: IBoardState,
  own: ReadonlyArray<string> = []
): IRecomputed | IUnavailable {
  const where = cube.views[index];
  if (!where || where.frame === null) {
    return { reason: where?.reason ?? 'this view is not computed again offline' };
  }
  const frame = cube.frames.get(where.frame);
  if (!frame || !isObj(data)) {
    return { reason: 'the view is not in the page' };
  }
  const selection = state.selection;
  const isSource =
    !!selection &&
    selection.component === spec.component &&
    sameList(selection.variables, spec.variables);
  const rows = rowMask(frame, state, own, isSource);
  if ('reason' in rows) {
    return rows;
  }
  if (frame.sampled) {
    rows.notes.unshift(
      `counts estimated from a sample of ${frame.sampleRows.toLocaleString('en-US')} of ${frame.rows.toLocaleString('en-US')} rows`
    );
  }
  switch (spec.component) {
    case 'distribution':
      return distribution(data, spec.params, frame, rows, state);
    case 'summary':
      return summary(data, frame, rows);
    case 'missing':
      return missing(data, spec.params, frame, rows);
    case 'confusion': {
      const model = where.model ? frame.models.get(where.model) : undefined;
      return model
        ? confusion(data, spec.params, model, frame, rows)
        : { reason: 'the labels and predictions are not in the page' };
    }
    default:
      return { reason: 'this view is not computed again offline' };
  }
}
