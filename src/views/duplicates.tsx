/*
 * The "duplicates" view. Mode "within": groups of identical rows (size,
 * index labels, a preview of the values). Mode "across": the rows of the
 * first frame that also appear in the second (train/test leakage). Pages
 * through params.page.
 * Data: symphony_lab/components/duplicates.py.
 */
import * as React from 'react';

import { formatInteger, formatList, formatPercent } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import {
  Cell,
  cell,
  cells,
  isObj,
  num,
  Pager,
  str,
  Unexpected,
  ValuesTable
} from './common';

interface IGroup {
  id: string;
  size: number;
  /** False for a group of near-duplicates whose members are not all identical. */
  exact: boolean;
  index: Cell[];
  values: Cell[];
}

export type DuplicatesData =
  | {
      mode: 'within';
      near: boolean;
      rows: number;
      filtered_rows: number;
      columns: string[];
      page: number;
      groups_total: number;
      rows_in_groups: number;
      extra_copies: number;
      groups: IGroup[];
    }
  | {
      mode: 'across';
      rows: number;
      filtered_rows: number;
      columns: string[];
      page: number;
      other_rows: number;
      shared_columns: number;
      rows_in_other: number;
      fraction: number;
      shared_rows: Array<{ index: Cell; values: Cell[] }>;
    };

/** The duplicates view's data, or null when it does not have the expected shape. */
export function parseDuplicates(data: unknown): DuplicatesData | null {
  if (!isObj(data)) {
    return null;
  }
  const rows = num(data.rows);
  if (rows === null || !Array.isArray(data.columns)) {
    return null;
  }
  const base = {
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    columns: data.columns.map(c => (typeof c === 'string' ? c : String(c))),
    page: num(data.page) ?? 0
  };
  if (data.mode === 'within' && Array.isArray(data.groups)) {
    return {
      mode: 'within',
      near: data.near === true,
      ...base,
      groups_total: num(data.groups_total) ?? 0,
      rows_in_groups: num(data.rows_in_groups) ?? 0,
      extra_copies: num(data.extra_copies) ?? 0,
      groups: data.groups.filter(isObj).map((g, i) => ({
        id: str(g.id) ?? String(i),
        size: num(g.size) ?? 0,
        exact: g.exact !== false,
        index: cells(g.index),
        values: cells(g.values)
      }))
    };
  }
  if (data.mode === 'across' && Array.isArray(data.shared_rows)) {
    return {
      mode: 'across',
      ...base,
      other_rows: num(data.other_rows) ?? 0,
      shared_columns: num(data.shared_columns) ?? 0,
      rows_in_other: num(data.rows_in_other) ?? 0,
      fraction: num(data.fraction) ?? 0,
      shared_rows: data.shared_rows.filter(isObj).map(r => ({
        index: cell(r.index),
        values: cells(r.values)
      }))
    };
  }
  return null;
}

/** The duplicates view. */
export function DuplicatesView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view, result } = props;
  const data = parseDuplicates(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const pageSize =
    num(result.params.page_size) ?? num(view.params.page_size) ?? 20;
  const onPage = (page: number): void => board.setParams(view.id, { page });
  const [a, b] = view.variables;
  const own = board.state.selection;
  const mine =
    own &&
    own.component === view.component &&
    own.variables.join('\n') === view.variables.join('\n')
      ? own
      : null;
  if (data.mode === 'within') {
    const toggleNear = (): void =>
      board.setParams(view.id, { near: !data.near, page: 0 });
    const selectedGroup =
      mine && typeof mine.spec.group === 'string' ? mine.spec.group : null;
    const onSelect = (key: string | null): void => {
      const group = data.groups.find(g => g.id === key);
      board.setSelection(
        group
          ? {
              component: view.component,
              variables: [...view.variables],
              params: { near: data.near },
              spec: { group: group.id },
              label: trans.__(
                '%1 copies of a row of %2',
                formatInteger(group.size),
                a
              )
            }
          : null
      );
    };
    return (
      <div className="jp-SymphonyView-duplicates" data-mode="within">
        <label className="jp-SymphonyView-near">
          <input type="checkbox" checked={data.near} onChange={toggleNear} />{' '}
          {trans.__('Include near-duplicates (case, spaces, rounding)')}
        </label>
        <p className="jp-SymphonyView-lede">
          {data.groups_total === 0
            ? trans.__('No row of %1 appears more than once.', a)
            : trans.__(
                '%1 rows appear more than once, in %2 groups (%3 extra copies).',
                formatInteger(data.rows_in_groups),
                formatInteger(data.groups_total),
                formatInteger(data.extra_copies)
              )}
        </p>
        {data.groups.length > 0 ? (
          <ValuesTable
            caption={trans.__('Groups of identical rows of %1', a)}
            selected={selectedGroup}
            onSelect={onSelect}
            selectTitle={trans.__(
              'Select these rows in every other view (click again to clear)'
            )}
            columns={data.columns}
            lead={[trans.__('Copies'), trans.__('Index')]}
            rows={data.groups.map(g => ({
              key: g.id,
              lead: [
                g.exact ? (
                  formatInteger(g.size)
                ) : (
                  <span
                    className="jp-SymphonyView-nearMark"
                    title={trans.__('Near-duplicates: equal once normalised')}
                  >
                    {'≈ ' + formatInteger(g.size)}
                  </span>
                ),
                <span
                  className="jp-SymphonyView-index"
                  title={g.index.map(i => String(i)).join(', ')}
                >
                  {formatList(
                    g.index.map(i => (i === null ? '∅' : i)),
                    4,
                    g.size
                  )}
                </span>
              ],
              values: g.values
            }))}
          />
        ) : null}
        <Pager
          page={data.page}
          pageSize={pageSize}
          total={data.groups_total}
          onPage={onPage}
          trans={trans}
          label={trans.__('Pages of groups')}
        />
      </div>
    );
  }
  return (
    <div className="jp-SymphonyView-duplicates" data-mode="across">
      <p className="jp-SymphonyView-lede">
        {trans.__(
          '%1 of %2 rows of %3 also appear in %4 (%5), compared on %6 shared columns.',
          formatInteger(data.rows_in_other),
          formatInteger(data.filtered_rows),
          a,
          b ?? '',
          formatPercent(data.fraction),
          formatInteger(data.shared_columns)
        )}
      </p>
      {data.shared_rows.length > 0 ? (
        <ValuesTable
          caption={trans.__('Rows of %1 also in %2', a, b ?? '')}
          columns={data.columns}
          lead={[trans.__('Index')]}
          rows={data.shared_rows.map((r, i) => ({
            key: `${data.page}:${i}`,
            lead: [
              <span className="jp-SymphonyView-index">
                {r.index === null ? '∅' : String(r.index)}
              </span>
            ],
            values: r.values
          }))}
        />
      ) : null}
      <Pager
        page={data.page}
        pageSize={pageSize}
        total={data.rows_in_other}
        onPage={onPage}
        trans={trans}
        label={trans.__('Pages of shared rows')}
      />
    </div>
  );
}

/** The renderer registered for "duplicates". */
export const duplicatesRenderer: IViewRenderer = {
  title: 'Duplicates',
  component: DuplicatesView,
  describe: spec =>
    spec.variables.length > 1
      ? `${spec.variables[0]} in ${spec.variables[1]}`
      : ''
};
