/*
 * Helpers shared by the renderers: checking the kernel's data (it comes
 * from user code: every field is checked before use and every string is
 * rendered as text), cell values, bars, pager, values table.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatInteger, formatNumber } from '../format';

export type Obj = { [key: string]: unknown };

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A list of finite numbers, or null when any item is not one. */
export function numbers(value: unknown): number[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const result: number[] = [];
  for (const item of value) {
    const n = num(item);
    if (n === null) {
      return null;
    }
    result.push(n);
  }
  return result;
}

/** A scalar cell value as the kernel sends it (json_value). */
export type Cell = string | number | boolean | null;

export function cell(value: unknown): Cell {
  if (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    value === null
  ) {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  return value === undefined ? null : String(value);
}

export function cells(value: unknown): Cell[] {
  return Array.isArray(value) ? value.map(cell) : [];
}

/** A cell as text: numbers short, null as an empty marker. */
export function cellText(value: Cell): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'number') {
    return formatNumber(value);
  }
  return String(value);
}

/** One cell of a values table, with the full value as its tooltip. */
export function CellView(props: { value: Cell }): JSX.Element {
  const { value } = props;
  if (value === null) {
    return <span className="jp-SymphonyView-null">∅</span>;
  }
  return (
    <span
      title={typeof value === 'number' ? String(value) : undefined}
      data-type={typeof value}
    >
      {cellText(value)}
    </span>
  );
}

/** Said when the data of a view does not have the shape expected. */
export function Unexpected(props: {
  trans: TranslationBundle;
  what?: string;
}): JSX.Element {
  return (
    <p className="jp-SymphonyView-unexpected">
      {props.what ??
        props.trans.__(
          'The server sent data this view cannot draw (a newer or older server?).'
        )}
    </p>
  );
}

/** A horizontal bar of a fraction of its width, with a label for screen readers. */
export function Bar(props: {
  fraction: number;
  label: string;
  className?: string;
}): JSX.Element {
  const width = Math.max(0, Math.min(1, props.fraction)) * 100;
  return (
    <span
      className={`jp-SymphonyView-bar ${props.className ?? ''}`}
      role="img"
      aria-label={props.label}
    >
      <span className="jp-SymphonyView-barFill" style={{ width: `${width}%` }} />
    </span>
  );
}

/** Previous/next page, "1–20 of 30". */
export function Pager(props: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  trans: TranslationBundle;
  label: string;
}): JSX.Element | null {
  const { page, pageSize, total, onPage, trans, label } = props;
  if (total <= pageSize && page === 0) {
    return null;
  }
  const first = page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="jp-SymphonyView-pager" aria-label={label}>
      <button
        type="button"
        className="jp-SymphonyView-button jp-SymphonyView-prev"
        disabled={page <= 0}
        onClick={() => onPage(page - 1)}
        aria-label={trans.__('Previous page')}
      >
        ‹
      </button>
      <span className="jp-SymphonyView-pageInfo" aria-live="polite">
        {first <= total
          ? trans.__(
              '%1–%2 of %3',
              formatInteger(first),
              formatInteger(last),
              formatInteger(total)
            )
          : trans.__('page %1 of %2', formatInteger(page + 1), formatInteger(pages))}
      </span>
      <button
        type="button"
        className="jp-SymphonyView-button jp-SymphonyView-next"
        disabled={page + 1 >= pages}
        onClick={() => onPage(page + 1)}
        aria-label={trans.__('Next page')}
      >
        ›
      </button>
    </nav>
  );
}

/** Rows of values under column headers; leading columns of our own. */
export function ValuesTable(props: {
  columns: string[];
  lead: string[];
  rows: Array<{ key: string; lead: React.ReactNode[]; values: Cell[] }>;
  caption: string;
  /** The key of the selected row (drawn as selected). */
  selected?: string | null;
  /** Rows can be selected (click, Enter or Space): the row's key, or null to unselect. */
  onSelect?: (key: string | null) => void;
  /** What selecting a row does, for its tooltip. */
  selectTitle?: string;
}): JSX.Element {
  const { columns, lead, rows, caption, selected, onSelect, selectTitle } = props;
  const select = (key: string): void =>
    onSelect?.(selected === key ? null : key);
  return (
    <div className="jp-SymphonyView-tableScroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="jp-SymphonyView-table jp-SymphonyView-values">
        <caption className="jp-SymphonyView-srOnly">{caption}</caption>
        <thead>
          <tr>
            {lead.map((name, i) => (
              <th key={`lead-${i}`} scope="col" className="jp-SymphonyView-lead">
                {name}
              </th>
            ))}
            {columns.map((name, i) => (
              <th key={`${i}:${name}`} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(row => (
            <tr
              key={row.key}
              data-key={row.key}
              className={
                onSelect ? 'jp-SymphonyView-selectable' : undefined
              }
              aria-selected={onSelect ? selected === row.key : undefined}
              tabIndex={onSelect ? 0 : undefined}
              title={onSelect ? selectTitle : undefined}
              onClick={onSelect ? () => select(row.key) : undefined}
              onKeyDown={
                onSelect
                  ? event => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        select(row.key);
                      }
                    }
                  : undefined
              }
            >
              {row.lead.map((node, i) => (
                <td key={`lead-${i}`} className="jp-SymphonyView-lead">
                  {node}
                </td>
              ))}
              {columns.map((name, i) => (
                <td key={`${i}:${name}`}>
                  <CellView value={row.values[i] ?? null} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
