/*
 * The "subgroups" view: where a model is worst. A ranked table of slices
 * (one to three feature values or bins) with their size, their metric and
 * its 95% interval drawn against the overall line; a slice is a button that
 * selects its rows for every other view (a second click clears it). Below,
 * the breakdown of the columns the person picked (or the board's group-by).
 * Data: symphony_lab/components/subgroups.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { JSONValue } from '@lumino/coreutils';
import * as React from 'react';

import { formatInteger, formatNumber } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Cell, cell, isObj, num, str, Unexpected } from './common';
import { PairingPicker } from './pairing';

export type Condition =
  | { column: string; op: 'eq'; value: Cell }
  | { column: string; op: 'missing' }
  | { column: string; op: 'range'; min: number | null; max: number | null }
  | { column: string; op: 'other'; values: Cell[] };

export interface ISlice {
  label: string;
  conditions: Condition[];
  n: number;
  value: number | null;
  low: number | null;
  high: number | null;
  rmse: number | null;
  gap: number | null;
  significant: boolean;
}

export interface ISubgroupsData {
  task: 'classifier' | 'regressor';
  higherIsBetter: boolean;
  rows: number;
  filtered_rows: number;
  label: string;
  prediction: string;
  overall: ISlice;
  slices: ISlice[];
  search: {
    columns: string[];
    left_out: string[];
    columns_total: number;
    depth: number;
    sampled: boolean;
    sample_rows: number;
    min_support: number;
    slices_tried: number;
  };
  breakdown: {
    column: string;
    by: string | null;
    error: string | null;
    items: ISlice[];
  } | null;
  group_columns: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** One condition as the kernel sends it, or null. */
export function parseCondition(value: unknown): Condition | null {
  if (!isObj(value)) {
    return null;
  }
  const column = str(value.column);
  if (column === null) {
    return null;
  }
  switch (value.op) {
    case 'eq':
      return { column, op: 'eq', value: cell(value.value) };
    case 'missing':
      return { column, op: 'missing' };
    case 'range':
      return { column, op: 'range', min: num(value.min), max: num(value.max) };
    case 'other':
      return {
        column,
        op: 'other',
        values: Array.isArray(value.values) ? value.values.map(cell) : []
      };
    default:
      return null;
  }
}

function parseSlice(value: unknown): ISlice | null {
  if (!isObj(value)) {
    return null;
  }
  const n = num(value.n);
  if (n === null) {
    return null;
  }
  const conditions: Condition[] = [];
  for (const c of Array.isArray(value.conditions) ? value.conditions : []) {
    const parsed = parseCondition(c);
    if (!parsed) {
      return null;
    }
    conditions.push(parsed);
  }
  return {
    label: str(value.label) ?? '',
    conditions,
    n,
    value: num(value.value),
    low: num(value.low),
    high: num(value.high),
    rmse: num(value.rmse),
    gap: num(value.gap),
    significant: value.significant === true
  };
}

function slices(value: unknown): ISlice[] {
  const out: ISlice[] = [];
  for (const item of Array.isArray(value) ? value : []) {
    const parsed = parseSlice(item);
    if (parsed) {
      out.push(parsed);
    }
  }
  return out;
}

/** The subgroups view's data, or null when it does not have the expected shape. */
export function parseSubgroups(data: unknown): ISubgroupsData | null {
  if (!isObj(data) || !Array.isArray(data.slices)) {
    return null;
  }
  const task = data.task === 'regressor' ? 'regressor' : data.task === 'classifier' ? 'classifier' : null;
  const overall = parseSlice(isObj(data.overall) ? { ...data.overall, label: '' } : null);
  const rows = num(data.rows);
  if (!task || !overall || rows === null) {
    return null;
  }
  const search = isObj(data.search) ? data.search : {};
  let breakdown: ISubgroupsData['breakdown'] = null;
  if (isObj(data.breakdown)) {
    breakdown = {
      column: str(data.breakdown.column) ?? '',
      by: str(data.breakdown.by),
      error: str(data.breakdown.error),
      items: slices(data.breakdown.items)
    };
  }
  return {
    task,
    higherIsBetter: data.higher_is_better !== false && task === 'classifier',
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    label: str(data.label) ?? '',
    prediction: str(data.prediction) ?? '',
    overall,
    slices: slices(data.slices),
    search: {
      columns: strings(search.columns),
      left_out: strings(search.left_out),
      columns_total: num(search.columns_total) ?? 0,
      depth: num(search.depth) ?? 1,
      sampled: search.sampled === true,
      sample_rows: num(search.sample_rows) ?? 0,
      min_support: num(search.min_support) ?? 0,
      slices_tried: num(search.slices_tried) ?? 0
    },
    breakdown,
    group_columns: strings(data.group_columns)
  };
}

/** The metric as text: accuracy with two decimals, errors with four digits. */
export function metricText(data: ISubgroupsData, value: number | null): string {
  if (value === null) {
    return '–';
  }
  return data.task === 'classifier' ? value.toFixed(2) : formatNumber(value);
}

/** The scale of the interval bars: [0, 1] for accuracy, [0, largest bound] for errors. */
export function scaleMax(data: ISubgroupsData): number {
  if (data.task === 'classifier') {
    return 1;
  }
  let most = data.overall.value ?? 0;
  for (const s of [...data.slices, ...(data.breakdown?.items ?? [])]) {
    most = Math.max(most, s.high ?? s.value ?? 0);
  }
  return most > 0 ? most * 1.05 : 1;
}

/** A slice's label cut into its conditions (one line each in a narrow card). */
export function conditionTexts(slice: ISlice): string[] {
  const parts = slice.label.split(' & ');
  return parts.length === slice.conditions.length ? parts : [slice.label];
}

/** Whether two lists of conditions are the same slice. */
export function sameSlice(a: unknown, b: Condition[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The slice's value, its interval and the overall line, in a small SVG. */
function IntervalBar(props: {
  data: ISubgroupsData;
  slice: ISlice;
  max: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { data, slice, max, trans } = props;
  const x = (v: number | null) => (v === null ? 0 : Math.max(0, Math.min(100, (v / max) * 100)));
  const overall = x(data.overall.value);
  const label = trans.__(
    '%1 %2 (95%: %3 to %4) against %5 overall',
    data.task === 'classifier' ? trans.__('accuracy') : trans.__('mean absolute error'),
    metricText(data, slice.value),
    metricText(data, slice.low),
    metricText(data, slice.high),
    metricText(data, data.overall.value)
  );
  return (
    <svg
      className="jp-SymphonyView-interval"
      viewBox="0 0 100 12"
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <rect className="jp-SymphonyView-intervalTrack" x={0} y={4} width={100} height={4} />
      <rect
        className="jp-SymphonyView-intervalFill"
        data-worse={slice.significant ? 'true' : 'false'}
        x={0}
        y={3}
        width={x(slice.value)}
        height={6}
      />
      <line
        className="jp-SymphonyView-intervalRange"
        x1={x(slice.low)}
        x2={x(slice.high)}
        y1={6}
        y2={6}
      />
      <line className="jp-SymphonyView-intervalOverall" x1={overall} x2={overall} y1={0} y2={12} />
    </svg>
  );
}

function SliceTable(props: {
  data: ISubgroupsData;
  items: ISlice[];
  caption: string;
  selected: unknown;
  onSelect: (slice: ISlice) => void;
  trans: TranslationBundle;
  ranked: boolean;
}): JSX.Element {
  const { data, items, caption, selected, onSelect, trans, ranked } = props;
  const max = scaleMax(data);
  const metric = data.task === 'classifier' ? trans.__('Acc.') : trans.__('MAE');
  const metricTitle = data.task === 'classifier' ? trans.__('Accuracy') : trans.__('Mean absolute error');
  return (
    <div className="jp-SymphonyView-tableScroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="jp-SymphonyView-table jp-SymphonyView-slices">
        <caption className="jp-SymphonyView-srOnly">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" title={trans.__('The bar: the metric, its 95% interval, and the overall line')}>
              {trans.__('Subgroup')}
            </th>
            <th scope="col">{trans.__('Rows')}</th>
            <th scope="col" title={metricTitle}>
              {metric}
            </th>
            {data.task === 'regressor' ? <th scope="col">{trans.__('RMSE')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((s, i) => {
            const isSelected = sameSlice(selected, s.conditions);
            return (
              <tr
                key={`${i}:${s.label}`}
                data-rank={ranked ? i + 1 : undefined}
                className="jp-SymphonyView-selectable"
                data-significant={s.significant ? 'true' : 'false'}
                aria-selected={isSelected}
                tabIndex={0}
                title={trans.__('Select the %1 rows of %2 in every other view', formatInteger(s.n), s.label)}
                onClick={() => onSelect(s)}
                onKeyDown={event => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    onSelect(s);
                  }
                }}
              >
                <td className="jp-SymphonyView-sliceCell">
                  <span className="jp-SymphonyView-sliceLabel" aria-label={s.label}>
                    {conditionTexts(s).map((text, j, all) => (
                      <span key={j} className="jp-SymphonyView-condition">
                        {j < all.length - 1 ? `${text} &` : text}
                      </span>
                    ))}
                  </span>
                  <IntervalBar data={data} slice={s} max={max} trans={trans} />
                </td>
                <td className="jp-SymphonyView-number">{formatInteger(s.n)}</td>
                <td className="jp-SymphonyView-number">{metricText(data, s.value)}</td>
                {data.task === 'regressor' ? (
                  <td className="jp-SymphonyView-number">{metricText(data, s.rmse)}</td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ColumnPick(props: {
  label: string;
  value: string;
  columns: string[];
  className: string;
  onChange: (value: string | null) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { label, value, columns, className, onChange, trans } = props;
  return (
    <label>
      {label}{' '}
      <select className={className} value={value} onChange={event => onChange(event.target.value || null)}>
        <option value="">{trans.__('(none)')}</option>
        {columns.map(c => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
        {value && !columns.includes(value) ? <option value={value}>{value}</option> : null}
      </select>
    </label>
  );
}

/** The subgroups view. */
export function SubgroupsView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view } = props;
  const data = parseSubgroups(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const own = board.state.selection;
  const mine =
    own && own.component === view.component && own.variables.join('\n') === view.variables.join('\n')
      ? own
      : null;
  const selected = mine ? mine.spec.conditions : null;
  const onSelect = (s: ISlice): void => {
    board.setSelection(
      sameSlice(selected, s.conditions)
        ? null
        : {
            component: view.component,
            variables: [...view.variables],
            params: { ...view.params },
            spec: { conditions: s.conditions as unknown as JSONValue },
            label: s.label
          }
    );
  };
  const worse = data.slices.filter(s => s.significant).length;
  const metric = data.task === 'classifier' ? trans.__('Accuracy') : trans.__('Mean absolute error');
  const column = typeof view.params.column === 'string' ? view.params.column : '';
  const by = typeof view.params.by === 'string' ? view.params.by : '';
  const search = data.search;
  return (
    <div className="jp-SymphonyView-subgroups" data-task={data.task}>
      <p className="jp-SymphonyView-lede">
        {trans.__(
          '%1 %2 overall on %3 rows (95%: %4 to %5)%6; %7 of the subgroups below are worse beyond doubt.',
          metric,
          metricText(data, data.overall.value),
          formatInteger(data.overall.n),
          metricText(data, data.overall.low),
          metricText(data, data.overall.high),
          data.task === 'regressor' ? trans.__(', RMSE %1', metricText(data, data.overall.rmse)) : '',
          formatInteger(worse)
        )}
      </p>
      <PairingPicker
        view={view}
        result={props.result}
        board={board}
        trans={trans}
        columns={data.group_columns}
      />
      <div className="jp-SymphonyView-controls">
        <ColumnPick
          label={trans.__('Break down by')}
          value={column}
          columns={data.group_columns}
          className="jp-SymphonyView-pickColumn"
          onChange={value => board.setParams(view.id, { column: value, ...(value ? {} : { by: null }) })}
          trans={trans}
        />
        {column ? (
          <ColumnPick
            label={trans.__('and')}
            value={by}
            columns={data.group_columns.filter(c => c !== column)}
            className="jp-SymphonyView-pickBy"
            onChange={value => board.setParams(view.id, { by: value })}
            trans={trans}
          />
        ) : null}
      </div>
      <h4 className="jp-SymphonyView-subhead">{trans.__('Where the model is worst')}</h4>
      {data.slices.length ? (
        <SliceTable
          data={data}
          items={data.slices}
          caption={trans.__('Subgroups ranked by how much worse than overall they are at least')}
          selected={selected}
          onSelect={onSelect}
          trans={trans}
          ranked={true}
        />
      ) : (
        <p className="jp-SymphonyView-note">
          {trans.__('No subgroup of at least %1 rows to compare.', formatInteger(search.min_support))}
        </p>
      )}
      <p className="jp-SymphonyView-note">
        {trans.__(
          'Searched %1 columns, up to %2 at a time: %3 subgroups of at least %4 rows, ranked by the bound of their 95% interval.',
          formatInteger(search.columns.length),
          formatInteger(search.depth),
          formatInteger(search.slices_tried),
          formatInteger(search.min_support)
        )}{' '}
        {search.sampled
          ? trans.__(
              'Found on a sample of %1 of %2 rows; the numbers shown are on every row.',
              formatInteger(search.sample_rows),
              formatInteger(data.overall.n)
            )
          : ''}{' '}
        {search.left_out.length
          ? trans.__('Not sliced (identifiers, dates or one value): %1.', search.left_out.join(', '))
          : ''}
        {search.columns_total > search.columns.length + search.left_out.length
          ? ' ' +
            trans.__(
              'Only the first %1 of %2 columns.',
              formatInteger(search.columns.length + search.left_out.length),
              formatInteger(search.columns_total)
            )
          : ''}
      </p>
      {data.breakdown ? (
        <>
          <h4 className="jp-SymphonyView-subhead">
            {data.breakdown.by
              ? trans.__('By %1 and %2', data.breakdown.column, data.breakdown.by)
              : trans.__('By %1', data.breakdown.column)}
          </h4>
          {data.breakdown.error ? (
            <p className="jp-SymphonyView-note">{data.breakdown.error}</p>
          ) : (
            <SliceTable
              data={data}
              items={data.breakdown.items}
              caption={trans.__('Metric per value of the chosen columns')}
              selected={selected}
              onSelect={onSelect}
              trans={trans}
              ranked={false}
            />
          )}
        </>
      ) : null}
    </div>
  );
}

export const subgroupsRenderer: IViewRenderer = {
  title: 'Subgroups and blind spots',
  component: SubgroupsView,
  describe: spec => {
    const parts = [spec.variables.slice(1).join(' + ') || spec.variables.join(' + ')];
    if (typeof spec.params.column === 'string') {
      parts.push(`by ${spec.params.column}`);
    }
    return parts.join(' ');
  }
};
