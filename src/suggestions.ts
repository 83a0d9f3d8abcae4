/*
 * Suggestions and findings: pure helpers, no DOM. The server ranks; the
 * panel shows each suggestion under the variable it is about, and the
 * findings about variables the kernel still holds.
 */
import { IFinding, ISuggestion, IViewSpec } from './tokens';

/**
 * Suggestions grouped by the variable they are about: a pair suggestion
 * ("rows of test also in train") goes under its first variable. The
 * server's order (by score) is kept within each group, and the same view
 * suggested twice is listed once.
 */
export function groupSuggestions(
  suggestions: ReadonlyArray<ISuggestion>
): Map<string, ISuggestion[]> {
  const groups = new Map<string, ISuggestion[]>();
  const seen = new Set<string>();
  for (const suggestion of suggestions) {
    const key = viewKey(suggestion);
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    const name = suggestion.variables[0];
    let list = groups.get(name);
    if (!list) {
      list = [];
      groups.set(name, list);
    }
    list.push(suggestion);
  }
  return groups;
}

/** Findings whose variables are all in `names` (the others are stale). */
export function liveFindings(
  findings: ReadonlyArray<IFinding>,
  names: ReadonlySet<string>
): IFinding[] {
  return findings.filter(f => f.variables.every(name => names.has(name)));
}

/** JSON with the keys of every object sorted: equal values, equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as { [key: string]: unknown };
    return `{${Object.keys(object)
      .sort()
      .filter(key => object[key] !== undefined)
      .map(key => `${JSON.stringify(key)}:${stableStringify(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Parameters that page through a view rather than change what it shows. */
const PAGING_PARAMS = ['page'];

/**
 * The identity of a view: component, variables and parameters (paging
 * left out). Two suggestions with the same key open the same view.
 */
export function viewKey(spec: IViewSpec): string {
  const params: { [key: string]: unknown } = { ...spec.params };
  for (const key of PAGING_PARAMS) {
    delete params[key];
  }
  return `${spec.component}\u0000${spec.variables.join(
    ','
  )}\u0000${stableStringify(params)}`;
}
