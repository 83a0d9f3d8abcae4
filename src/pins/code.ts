/*
 * The code of a pinned cell: `symphony_lab.show(...)` that recreates the
 * view. Variable names are checked identifiers (they come from the kernel's
 * catalog); every other value is written as a Python literal from JSON.
 */
import type { IBoardState, JSONObject } from '../tokens';

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' '
  )
);

/** A Python identifier that is not a keyword. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
}

/** A JSON value as a Python literal (strings through JSON, which Python reads the same). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (value === true) {
    return 'True';
  }
  if (value === false) {
    return 'False';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : 'None';
  }
  if (typeof value === 'string') {
    // JSON's escapes are Python's; the non-ASCII ones stay readable.
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pyLiteral).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const items = Object.entries(value as JSONObject).map(
      ([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`
    );
    return `{${items.join(', ')}}`;
  }
  return 'None';
}

/** The code that recreates a view: `symphony_lab.show(df, "duplicates", ...)`. */
export function showCode(
  component: string,
  variables: ReadonlyArray<string>,
  params: JSONObject,
  state: IBoardState
): string {
  const bad = variables.find(v => !isIdentifier(v));
  if (bad !== undefined) {
    throw new Error(`${JSON.stringify(bad)} is not a Python variable name`);
  }
  const args: string[] = [variables[0], JSON.stringify(component), ...variables.slice(1)];
  for (const [key, value] of Object.entries(params)) {
    if (key.startsWith('_') || value === undefined) {
      continue;
    }
    if (!isIdentifier(key) || ['filter', 'selection', 'groups'].includes(key)) {
      throw new Error(`the parameter ${JSON.stringify(key)} cannot be written as code`);
    }
    args.push(`${key}=${pyLiteral(value)}`);
  }
  if (state.filter.length > 0) {
    args.push(`filter=${pyLiteral(state.filter)}`);
  }
  if (state.selection) {
    args.push(`selection=${pyLiteral(state.selection)}`);
  }
  if (state.groups) {
    args.push(`groups=${pyLiteral(state.groups)}`);
  }
  return `import symphony_lab\n\nsymphony_lab.show(${args.join(', ')})`;
}
