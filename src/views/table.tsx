/*
 * The "table" view: the rows themselves, one page at a time. Only the page
 * the kernel sent is in the DOM (at most 500 rows). Clicking a header sorts
 * by that column (ascending, then descending, then the frame's order); the
 * pager moves through params.page. Both go through board.setParams, so the
 * board asks the kernel again.
 * Data: symphony_lab/components/table.py.
 */
import * as React from 'react';

import { formatInteger } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Cell, cells, isObj, num, str, Unexpected } from './common';

export interface ITableColumn {
  name: string;
  dtype: string;
  kind: string;
}

export interface ITableData {
  rows: number;
  filtered_rows: number;
  page: number;
  page_size: number;
  pages: number;
  sort: string | null;
  descending: boolean;
  columns: ITableColumn[];
  columns_total: number;
  index: Cell[];
  values: Cell[][];
}

/** The table view's data, or null when it does not have the expected shape. */
export function parseTable(data: unknown): ITableData | null {
  if (
    !isObj(data) ||
    !Array.isArray(data.columns) ||
    !Array.isArray(data.values)
  ) {
    return null;
  }
  const rows = num(data.rows);
  if (rows === null) {
    return null;
  }
  const columns: ITableColumn[] = data.columns.filter(isObj).map(c => ({
    name: str(c.name) ?? String(c.name),
    dtype: str(c.dtype) ?? '',
    kind: str(c.kind) ?? ''
  }));
  const filtered = num(data.filtered_rows) ?? rows;
  const pageSize = Math.max(1, num(data.page_size) ?? 50);
  const values = data.values.map(row => {
    const list = cells(row);
    return columns.map((_, i) => list[i] ?? null);
  });
  const index = cells(data.index);
  return {
    rows,
    filtered_rows: filtered,
    page: Math.max(0, Math.floor(num(data.page) ?? 0)),
    page_size: pageSize,
    pages: Math.max(1, Math.floor(num(data.pages) ?? Math.ceil(filtered / pageSize))),
    sort: str(data.sort),
    descending: data.descending === true,
    columns,
    columns_total: num(data.columns_total) ?? columns.length,
    index: values.map((_, i) => index[i] ?? null),
    values
  };
}

/** The next sort after a click on a column's header: asc → desc → none. */
export function nextSort(
  current: { sort: string | null; descending: boolean },
  column: string
): { sort: string | null; descending: boolean } {
  if (current.sort !== column) {
    return { sort: column, descending: false };
  }
  if (!current.descending) {
    return { sort: column, descending: true };
  }
  return { sort: null, descending: false };
}

/** A cell of the table: the value in full, null as a muted dash. */
function TableCell(props: { value: Cell; label: string }): JSX.Element {
  const { value } = props;
  if (value === null) {
    return (
      <span className="jp-SymphonyView-null" aria-label={props.label}>
        —
      </span>
    );
  }
  return <span data-type={typeof value}>{String(value)}</span>;
}

/** First, previous, next, last; "page X of Y"; "rows N–M of T". */
function TablePager(props: {
  data: ITableData;
  shown: number;
  onPage: (page: number) => void;
  trans: IViewRendererProps['trans'];
}): JSX.Element {
  const { data, shown, onPage, trans } = props;
  const { page, pages, page_size } = data;
  const first = page * page_size + 1;
  const last = page * page_size + shown;
  const button = (
    className: string,
    target: number,
    disabled: boolean,
    label: string,
    glyph: string
  ) => (
    <button
      type="button"
      className={`jp-SymphonyView-button ${className}`}
      disabled={disabled}
      onClick={() => onPage(target)}
      aria-label={label}
      title={label}
    >
      {glyph}
    </button>
  );
  return (
    <nav
      className="jp-SymphonyView-pager jp-SymphonyView-tablePager"
      aria-label={trans.__('Pages of rows')}
    >
      <span className="jp-SymphonyView-rowInfo">
        {shown > 0
          ? trans.__(
              'rows %1–%2 of %3',
              formatInteger(first),
              formatInteger(last),
              formatInteger(data.filtered_rows)
            )
          : trans.__('no rows (of %1)', formatInteger(data.filtered_rows))}
      </span>
      {/* The buttons and "page X of Y" wrap as one group in a narrow card. */}
      <span className="jp-SymphonyView-pageControls">
      {button('jp-SymphonyView-first', 0, page <= 0, trans.__('First page'), '«')}
      {button(
        'jp-SymphonyView-prev',
        Math.min(page - 1, pages - 1),
        page <= 0,
        trans.__('Previous page'),
        '‹'
      )}
      <span className="jp-SymphonyView-pageInfo" aria-live="polite">
        {trans.__(
          'page %1 of %2',
          formatInteger(page + 1),
          formatInteger(pages)
        )}
      </span>
      {button(
        'jp-SymphonyView-next',
        page + 1,
        page + 1 >= pages,
        trans.__('Next page'),
        '›'
      )}
      {button(
        'jp-SymphonyView-last',
        pages - 1,
        page + 1 >= pages,
        trans.__('Last page'),
        '»'
      )}
      </span>
    </nav>
  );
}

/** The table view. */
export function TableView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view } = props;
  const data = parseTable(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  // The sort asked last (it may still be computing), else the kernel's.
  const current = {
    sort:
      'sort' in view.params
        ? str(view.params.sort)
        : data.sort,
    descending:
      'descending' in view.params
        ? view.params.descending === true
        : data.descending
  };
  const onSort = (column: string): void =>
    board.setParams(view.id, { ...nextSort(current, column), page: 0 });
  const onPage = (page: number): void =>
    board.setParams(view.id, { page: Math.max(0, page) });
  const missing = trans.__('missing');
  const caption = trans.__('Rows of %1', view.variables[0] ?? '');
  return (
    <div className="jp-SymphonyView-tableView">
      {data.columns_total > data.columns.length ? (
        <p className="jp-SymphonyView-note">
          {trans.__(
            'Showing the first %1 of %2 columns.',
            formatInteger(data.columns.length),
            formatInteger(data.columns_total)
          )}
        </p>
      ) : null}
      <div
        className="jp-SymphonyView-tableScroll jp-SymphonyView-rowsScroll"
        tabIndex={0}
        role="region"
        aria-label={caption}
      >
        <table className="jp-SymphonyView-table jp-SymphonyView-rows">
          <caption className="jp-SymphonyView-srOnly">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="jp-SymphonyView-lead">
                <span className="jp-SymphonyView-srOnly">
                  {trans.__('Index')}
                </span>
              </th>
              {data.columns.map((c, i) => {
                const sorted = data.sort === c.name;
                const order = sorted
                  ? data.descending
                    ? 'descending'
                    : 'ascending'
                  : 'none';
                return (
                  <th
                    key={`${i}:${c.name}`}
                    scope="col"
                    aria-sort={order}
                    data-column={c.name}
                    data-kind={c.kind}
                  >
                    <button
                      type="button"
                      className="jp-SymphonyView-sortButton"
                      onClick={() => onSort(c.name)}
                      title={trans.__('Sort by %1 (%2)', c.name, c.dtype)}
                    >
                      <span className="jp-SymphonyView-columnHead">
                        <span className="jp-SymphonyView-name">{c.name}</span>
                        <span
                          className="jp-SymphonyView-sortMark"
                          aria-hidden="true"
                        >
                          {sorted ? (data.descending ? '▼' : '▲') : ''}
                        </span>
                      </span>
                      <span className="jp-SymphonyView-dtype">{c.dtype}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {data.values.map((row, r) => (
              <tr key={`${data.page}:${r}`}>
                <th scope="row" className="jp-SymphonyView-lead">
                  <TableCell value={data.index[r]} label={missing} />
                </th>
                {row.map((value, i) => (
                  <td
                    key={i}
                    data-type={value === null ? 'null' : typeof value}
                    title={typeof value === 'string' && value.length > 24 ? value : undefined}
                  >
                    <TableCell value={value} label={missing} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TablePager
        data={data}
        shown={data.values.length}
        onPage={onPage}
        trans={trans}
      />
    </div>
  );
}

/** The renderer registered for "table". */
export const tableRenderer: IViewRenderer = {
  title: 'Table',
  component: TableView,
  describe: spec => {
    const sort = spec.params.sort;
    return typeof sort === 'string' && sort
      ? `by ${sort}${spec.params.descending === true ? ' ↓' : ' ↑'}`
      : '';
  }
};
