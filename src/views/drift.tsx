/*
 * The "drift" view: every shared column of two frames, ranked by how far
 * its distribution moved from the reference (the second variable) to the
 * current frame (the first): Kolmogorov-Smirnov for numbers, total
 * variation distance for categories, with the PSI. A row opens to show
 * both distributions overlaid (reference outlined, current filled).
 * Data: symphony_lab/components/drift.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatInteger, formatNumber } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Bar, Cell, cell, cellText, isObj, num, numbers, str, Unexpected } from './common';

export interface IColumnDrift {
  column: string;
  kind: string;
  measure: 'ks' | 'tvd';
  statistic: number;
  p_value: number | null;
  psi: number | null;
  significant: boolean;
  mean_shift_sd: number | null;
  missing_current: number;
  missing_reference: number;
  new_values: Cell[];
  histogram: { edges: number[]; current: number[]; reference: number[]; datetime: boolean } | null;
  categories: { values: Cell[]; current: number[]; reference: number[]; others: number } | null;
}

export interface IDriftData {
  rows_current: number;
  rows_reference: number;
  filtered_current: number;
  filtered_reference: number;
  sampled: boolean;
  columns_total: number;
  columns: IColumnDrift[];
}

/** The drift view's data, or null when it does not have the expected shape. */
export function parseDrift(data: unknown): IDriftData | null {
  if (!isObj(data) || !Array.isArray(data.columns)) {
    return null;
  }
  const columns: IColumnDrift[] = [];
  for (const c of data.columns) {
    if (!isObj(c)) {
      return null;
    }
    const column = str(c.column);
    const statistic = num(c.statistic);
    if (column === null || statistic === null) {
      return null;
    }
    let histogram: IColumnDrift['histogram'] = null;
    if (isObj(c.histogram)) {
      const edges = numbers(c.histogram.edges);
      const current = numbers(c.histogram.current);
      const reference = numbers(c.histogram.reference);
      if (edges && current && reference && current.length === edges.length - 1 && reference.length === current.length) {
        histogram = { edges, current, reference, datetime: c.histogram.datetime === true };
      }
    }
    let categories: IColumnDrift['categories'] = null;
    if (isObj(c.categories) && Array.isArray(c.categories.values)) {
      const current = numbers(c.categories.current);
      const reference = numbers(c.categories.reference);
      const values = c.categories.values.map(cell);
      if (current && reference && current.length === values.length && reference.length === values.length) {
        categories = { values, current, reference, others: num(c.categories.others) ?? 0 };
      }
    }
    columns.push({
      column,
      kind: str(c.kind) ?? 'numeric',
      measure: c.measure === 'tvd' ? 'tvd' : 'ks',
      statistic: Math.max(0, Math.min(1, statistic)),
      p_value: num(c.p_value),
      psi: num(c.psi),
      significant: c.significant === true,
      mean_shift_sd: num(c.mean_shift_sd),
      missing_current: num(c.missing_current) ?? 0,
      missing_reference: num(c.missing_reference) ?? 0,
      new_values: Array.isArray(c.new_values) ? c.new_values.map(cell) : [],
      histogram,
      categories
    });
  }
  const rowsCurrent = num(data.rows_current) ?? 0;
  const rowsReference = num(data.rows_reference) ?? 0;
  return {
    rows_current: rowsCurrent,
    rows_reference: rowsReference,
    filtered_current: num(data.filtered_current) ?? rowsCurrent,
    filtered_reference: num(data.filtered_reference) ?? rowsReference,
    sampled: data.sampled === true,
    columns_total: num(data.columns_total) ?? columns.length,
    columns
  };
}

/** A p-value as a person reads it. */
export function formatP(p: number | null): string {
  if (p === null) {
    return '';
  }
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

const WIDTH = 240;
const HEIGHT = 60;

/** Both distributions: reference outlined, current filled, on shared bins. */
function Overlay(props: { item: IColumnDrift; trans: TranslationBundle; a: string; b: string }): JSX.Element | null {
  const { item, trans, a, b } = props;
  const shares = item.histogram
    ? { current: item.histogram.current, reference: item.histogram.reference }
    : item.categories
      ? { current: item.categories.current, reference: item.categories.reference }
      : null;
  if (!shares) {
    return null;
  }
  const n = shares.current.length;
  const top = Math.max(...shares.current, ...shares.reference, 1e-9);
  const w = WIDTH / Math.max(n, 1);
  const label = trans.__('Distribution of %1 in %2 (filled) and %3 (outlined)', item.column, a, b);
  return (
    <figure className="jp-SymphonyView-driftDetail">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={label}
        className="jp-SymphonyView-driftOverlay"
      >
        {shares.current.map((v, i) => (
          <rect
            key={`c${i}`}
            className="jp-SymphonyView-driftCurrent"
            x={i * w + 0.5}
            y={HEIGHT - (v / top) * HEIGHT}
            width={Math.max(w - 1, 0.5)}
            height={(v / top) * HEIGHT}
          />
        ))}
        {shares.reference.map((v, i) => (
          <rect
            key={`r${i}`}
            className="jp-SymphonyView-driftReference"
            x={i * w + 0.5}
            y={HEIGHT - (v / top) * HEIGHT}
            width={Math.max(w - 1, 0.5)}
            height={(v / top) * HEIGHT}
          />
        ))}
      </svg>
      <figcaption>
        {item.histogram
          ? `${formatNumber(item.histogram.edges[0])} – ${formatNumber(
              item.histogram.edges[item.histogram.edges.length - 1]
            )}`
          : item.categories!.values.map(v => cellText(v)).join(' · ') +
            (item.categories!.others > 0 ? ` · ${trans.__('+%1 more', formatInteger(item.categories!.others))}` : '')}
      </figcaption>
    </figure>
  );
}

/** The drift view. */
export function DriftView(props: IViewRendererProps): JSX.Element {
  const { trans, view } = props;
  const [open, setOpen] = React.useState<string | null>(null);
  const data = parseDrift(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const [current, reference] = view.variables;
  const moved = data.columns.filter(c => c.significant).length;
  return (
    <div className="jp-SymphonyView-drift">
      <p className="jp-SymphonyView-lede">
        {moved > 0
          ? trans.__(
              '%1 of %2 columns moved from %3 (%4 rows) to %5 (%6 rows).',
              formatInteger(moved),
              formatInteger(data.columns_total),
              reference,
              formatInteger(data.filtered_reference),
              current,
              formatInteger(data.filtered_current)
            )
          : trans.__(
              'No column moved much from %1 (%2 rows) to %3 (%4 rows).',
              reference,
              formatInteger(data.filtered_reference),
              current,
              formatInteger(data.filtered_current)
            )}
        {data.sampled ? ' ' + trans.__('Sampled: at most 1,000,000 rows of each.') : ''}
      </p>
      <table className="jp-SymphonyView-table jp-SymphonyView-driftTable">
        <caption className="jp-SymphonyView-srOnly">
          {trans.__('Columns by how far they moved')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{trans.__('Column')}</th>
            <th scope="col">{trans.__('Shift')}</th>
            <th scope="col">{trans.__('PSI')}</th>
          </tr>
        </thead>
        <tbody>
          {data.columns.map(item => {
            const measure = item.measure === 'ks' ? 'KS' : trans.__('TV distance');
            const text = `${measure} ${item.statistic.toFixed(2)} ${formatP(item.p_value)}`.trim();
            const isOpen = open === item.column;
            return (
              <React.Fragment key={item.column}>
                <tr data-significant={item.significant ? 'true' : 'false'} data-column={item.column}>
                  <th scope="row">
                    <button
                      type="button"
                      className="jp-SymphonyView-disclosure"
                      aria-expanded={isOpen}
                      onClick={() => setOpen(isOpen ? null : item.column)}
                      title={item.column}
                    >
                      {item.column}
                    </button>
                  </th>
                  <td title={text}>
                    <Bar fraction={item.statistic} label={text} className="jp-SymphonyView-driftBar" />{' '}
                    <span className="jp-SymphonyView-driftValue">{text}</span>
                  </td>
                  <td>{item.psi === null ? '' : item.psi.toFixed(2)}</td>
                </tr>
                {isOpen ? (
                  <tr className="jp-SymphonyView-driftRow">
                    <td colSpan={3}>
                      <Overlay item={item} trans={trans} a={current} b={reference} />
                      <p className="jp-SymphonyView-note">
                        {item.mean_shift_sd !== null
                          ? trans.__('Mean moved by %1 standard deviations of %2.', item.mean_shift_sd.toFixed(2), reference)
                          : ''}
                        {item.missing_current !== item.missing_reference
                          ? ' ' +
                            trans.__(
                              'Missing: %1 in %2, %3 in %4.',
                              `${(item.missing_current * 100).toFixed(1)}%`,
                              current,
                              `${(item.missing_reference * 100).toFixed(1)}%`,
                              reference
                            )
                          : ''}
                        {item.new_values.length > 0
                          ? ' ' +
                            trans.__(
                              'Values never seen in %1: %2.',
                              reference,
                              item.new_values.map(v => cellText(v)).join(', ')
                            )
                          : ''}
                      </p>
                    </td>
                  </tr>
                ) : null}
              </React.Fragment>
            );
          })}
        </tbody>
      </table>
      {data.columns_total > data.columns.length ? (
        <p className="jp-SymphonyView-note">
          {trans.__('The %1 columns that moved most of %2.', formatInteger(data.columns.length), formatInteger(data.columns_total))}
        </p>
      ) : null}
    </div>
  );
}

export const driftRenderer: IViewRenderer = {
  title: 'Drift',
  component: DriftView,
  describe: spec => `${spec.variables[1] ?? ''} → ${spec.variables[0] ?? ''}`
};
