/*
 * The "summary" view: one row per column with its kind and dtype, missing
 * values, distinct values, and a histogram sparkline with min/mean/max
 * (numeric), the range (datetime) or the top values (text, categories).
 * Data: symphony_lab/components/summary.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import {
  formatInteger,
  formatNumber,
  formatPercent
} from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Cell, cell, isObj, num, numbers, str, Unexpected } from './common';

interface IColumnSummary {
  name: string;
  dtype: string;
  kind: string;
  missing: number;
  distinct: number | null;
  /** The distinct count is an estimate (many values: a sketch, within about 1 %). */
  distinctApprox: boolean;
  min: Cell;
  max: Cell;
  mean: number | null;
  std: number | null;
  histogram: { edges: number[]; counts: number[] } | null;
  top: Array<{ value: Cell; count: number }>;
}

export interface ISummaryData {
  rows: number;
  filtered_rows: number;
  columns_total: number;
  sampled: boolean;
  sample_rows: number;
  columns: IColumnSummary[];
}

function parseColumn(value: unknown): IColumnSummary | null {
  if (!isObj(value)) {
    return null;
  }
  const name = str(value.name);
  if (name === null) {
    return null;
  }
  let histogram: IColumnSummary['histogram'] = null;
  if (isObj(value.histogram)) {
    const edges = numbers(value.histogram.edges);
    const counts = numbers(value.histogram.counts);
    if (edges && counts && edges.length === counts.length + 1) {
      histogram = { edges, counts };
    }
  }
  const top = Array.isArray(value.top)
    ? value.top
        .filter(isObj)
        .map(t => ({ value: cell(t.value), count: num(t.count) ?? 0 }))
    : [];
  return {
    name,
    dtype: str(value.dtype) ?? '',
    kind: str(value.kind) ?? '',
    missing: num(value.missing) ?? 0,
    distinct: num(value.distinct),
    distinctApprox: value.distinct_approx === true,
    min: cell(value.min),
    max: cell(value.max),
    mean: num(value.mean),
    std: num(value.std),
    histogram,
    top
  };
}

/** The summary's data, or null when it does not have the expected shape. */
export function parseSummary(data: unknown): ISummaryData | null {
  if (!isObj(data) || !Array.isArray(data.columns)) {
    return null;
  }
  const rows = num(data.rows);
  if (rows === null) {
    return null;
  }
  return {
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    columns_total: num(data.columns_total) ?? data.columns.length,
    sampled: data.sampled === true,
    sample_rows: num(data.sample_rows) ?? num(data.filtered_rows) ?? rows,
    columns: data.columns
      .map(parseColumn)
      .filter((c): c is IColumnSummary => c !== null)
  };
}

/** A histogram as a small SVG of bars. */
export function Sparkline(props: {
  counts: number[];
  label: string;
}): JSX.Element {
  const { counts, label } = props;
  const width = 64;
  const height = 18;
  const max = Math.max(1, ...counts);
  const w = width / Math.max(1, counts.length);
  return (
    <svg
      className="jp-SymphonyView-sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={label}
    >
      {counts.map((count, i) => {
        const h = count > 0 ? Math.max(1, (count / max) * height) : 0;
        return (
          <rect
            key={i}
            x={i * w + 0.25}
            y={height - h}
            width={Math.max(0.5, w - 0.5)}
            height={h}
          />
        );
      })}
    </svg>
  );
}

function valueText(value: Cell): string {
  if (value === null) {
    return '–';
  }
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

function Profile(props: {
  column: IColumnSummary;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { column, trans } = props;
  if (column.kind === 'numeric' && column.histogram) {
    return (
      <div className="jp-SymphonyView-profile">
        <Sparkline
          counts={column.histogram.counts}
          label={trans.__('Histogram of %1', column.name)}
        />
        <span className="jp-SymphonyView-stats">
          <span title={trans.__('minimum')}>{valueText(column.min)}</span>
          <span className="jp-SymphonyView-sep">{' · '}</span>
          <span title={trans.__('mean')}>{formatNumber(column.mean)}</span>
          <span className="jp-SymphonyView-sep">{' · '}</span>
          <span title={trans.__('maximum')}>{valueText(column.max)}</span>
        </span>
      </div>
    );
  }
  if (column.kind === 'datetime' && (column.min !== null || column.max !== null)) {
    return (
      <div className="jp-SymphonyView-profile">
        <span className="jp-SymphonyView-stats">
          {valueText(column.min)} – {valueText(column.max)}
        </span>
      </div>
    );
  }
  if (column.top.length > 0) {
    return (
      <ul
        className="jp-SymphonyView-top"
        aria-label={trans.__('Most frequent values')}
      >
        {column.top.slice(0, 3).map((t, i) => (
          <li key={i}>
            <span className="jp-SymphonyView-topValue">{valueText(t.value)}</span>{' '}
            <span className="jp-SymphonyView-topCount">
              {formatInteger(t.count)}
            </span>
          </li>
        ))}
      </ul>
    );
  }
  return null;
}

/** The summary view. */
export function SummaryView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view } = props;
  const data = parseSummary(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const n = data.sample_rows;
  return (
    <div className="jp-SymphonyView-summary">
      <p className="jp-SymphonyView-lede">
        {trans.__(
          '%1 rows × %2 columns',
          formatInteger(data.filtered_rows),
          formatInteger(data.columns_total)
        )}
        {data.columns.length < data.columns_total
          ? ` ${trans.__('(first %1 shown)', formatInteger(data.columns.length))}`
          : ''}
      </p>
      <table className="jp-SymphonyView-table jp-SymphonyView-summaryTable">
        <caption className="jp-SymphonyView-srOnly">
          {trans.__('Columns of %1', view.variables[0])}
        </caption>
        <thead>
          <tr>
            <th scope="col">{trans.__('Column')}</th>
            <th scope="col">{trans.__('Missing')}</th>
            <th scope="col">{trans.__('Distinct')}</th>
            <th scope="col">{trans.__('Values')}</th>
          </tr>
        </thead>
        <tbody>
          {data.columns.map((column, i) => (
            <tr
              key={`${i}:${column.name}`}
              className="jp-SymphonyView-summaryRow"
              data-column={column.name}
              data-column-kind={column.kind}
            >
              <th scope="row">
                <button
                  type="button"
                  className="jp-SymphonyView-link jp-SymphonyView-columnName"
                  title={trans.__('Open the distribution of %1', column.name)}
                  onClick={() =>
                    board.open({
                      component: 'distribution',
                      variables: [view.variables[0]],
                      params: { column: column.name }
                    })
                  }
                >
                  {column.name}
                </button>
                <span className="jp-SymphonyView-dtype">
                  {column.kind}
                  {column.dtype && column.dtype !== column.kind
                    ? ` · ${column.dtype}`
                    : ''}
                </span>
              </th>
              <td
                className="jp-SymphonyView-num jp-SymphonyView-summaryMissing"
                data-missing={column.missing > 0 ? 'true' : undefined}
                data-label={trans.__('missing')}
              >
                {formatInteger(column.missing)}
                {column.missing > 0 && n > 0 ? (
                  <span className="jp-SymphonyView-pct">
                    {formatPercent(column.missing / n)}
                  </span>
                ) : null}
              </td>
              <td
                className="jp-SymphonyView-num jp-SymphonyView-summaryDistinct"
                data-label={trans.__('distinct')}
                data-approx={column.distinctApprox ? 'true' : undefined}
                title={
                  column.distinctApprox
                    ? trans.__(
                        'Estimated from a sketch of every value (within about 1%): counting them exactly would hold up the view.'
                      )
                    : undefined
                }
              >
                {column.distinct === null
                  ? '–'
                  : (column.distinctApprox ? '≈\u2009' : '') +
                    formatInteger(column.distinct)}
              </td>
              <td className="jp-SymphonyView-summaryValues">
                <Profile column={column} trans={trans} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The renderer registered for "summary". */
export const summaryRenderer: IViewRenderer = {
  title: 'Summary',
  component: SummaryView
};
