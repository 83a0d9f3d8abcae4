/*
 * The "missing" view: the fraction of missing values per column, as bars,
 * and the most common patterns of columns missing together.
 * Data: symphony_lab/components/missing.py.
 */
import * as React from 'react';

import { formatInteger, formatPercent } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Bar, isObj, num, str, Unexpected } from './common';

export interface IMissingData {
  rows: number;
  filtered_rows: number;
  sampled: boolean;
  complete_rows: number;
  columns: Array<{ name: string; missing: number; fraction: number }>;
  patterns: Array<{ columns: string[]; count: number }>;
}

/** The missing view's data, or null when it does not have the expected shape. */
export function parseMissing(data: unknown): IMissingData | null {
  if (!isObj(data) || !Array.isArray(data.columns)) {
    return null;
  }
  const rows = num(data.rows);
  if (rows === null) {
    return null;
  }
  const columns: IMissingData['columns'] = [];
  for (const c of data.columns) {
    const name = isObj(c) ? str(c.name) : null;
    if (!isObj(c) || name === null) {
      continue;
    }
    columns.push({
      name,
      missing: num(c.missing) ?? 0,
      fraction: Math.min(1, Math.max(0, num(c.fraction) ?? 0))
    });
  }
  const patterns: IMissingData['patterns'] = [];
  for (const p of Array.isArray(data.patterns) ? data.patterns : []) {
    if (!isObj(p) || !Array.isArray(p.columns)) {
      continue;
    }
    patterns.push({
      columns: p.columns.filter((c): c is string => typeof c === 'string'),
      count: num(p.count) ?? 0
    });
  }
  return {
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    sampled: data.sampled === true,
    complete_rows: num(data.complete_rows) ?? 0,
    columns,
    patterns
  };
}

/** The missing values view. */
export function MissingView(props: IViewRendererProps): JSX.Element {
  const { trans } = props;
  const data = parseMissing(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const n = data.filtered_rows;
  const withMissing = data.columns.filter(c => c.missing > 0);
  const complete = data.columns.length - withMissing.length;
  // Counts are of the rows looked at: a sample for very large frames, whose
  // size the kernel's fractions tell.
  const probe = withMissing.find(c => c.fraction > 0);
  const looked =
    data.sampled && probe ? Math.round(probe.missing / probe.fraction) : n;
  return (
    <div className="jp-SymphonyView-missing">
      <p className="jp-SymphonyView-lede">
        {trans.__(
          '%1 of %2 rows have no missing value (%3)',
          formatInteger(data.complete_rows),
          formatInteger(looked),
          formatPercent(looked > 0 ? data.complete_rows / looked : 0)
        )}
      </p>
      {withMissing.length === 0 ? (
        <p className="jp-SymphonyView-note">
          {trans.__('No column has missing values.')}
        </p>
      ) : (
        <table className="jp-SymphonyView-table jp-SymphonyView-missingColumns">
          <caption className="jp-SymphonyView-srOnly">
            {trans.__('Missing values per column')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{trans.__('Column')}</th>
              <th scope="col">{trans.__('Missing')}</th>
              <th scope="col" className="jp-SymphonyView-barCol">
                <span className="jp-SymphonyView-srOnly">
                  {trans.__('Fraction')}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>
            {withMissing
              .slice()
              .sort((a, b) => b.fraction - a.fraction)
              .map((c, i) => (
                <tr
                  key={`${i}:${c.name}`}
                  className="jp-SymphonyView-missingRow"
                  data-column={c.name}
                >
                  <th scope="row" className="jp-SymphonyView-name">
                    {c.name}
                  </th>
                  <td className="jp-SymphonyView-num">
                    {formatInteger(c.missing)}
                    <span className="jp-SymphonyView-pct">
                      {formatPercent(c.fraction)}
                    </span>
                  </td>
                  <td className="jp-SymphonyView-barCol">
                    <Bar
                      fraction={c.fraction}
                      className="jp-SymphonyView-missingBar"
                      label={trans.__('%1 missing', formatPercent(c.fraction))}
                    />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {complete > 0 && withMissing.length > 0 ? (
        <p className="jp-SymphonyView-note">
          {trans._n(
            '%1 other column has no missing value.',
            '%1 other columns have no missing value.',
            complete
          )}
        </p>
      ) : null}
      {data.patterns.length > 0 ? (
        <>
          <h5 className="jp-SymphonyView-subhead">
            {trans.__('Missing together')}
          </h5>
          <ol className="jp-SymphonyView-patterns">
            {data.patterns.map((p, i) => (
              <li key={i} className="jp-SymphonyView-pattern">
                <span className="jp-SymphonyView-patternColumns">
                  {p.columns.length === 0 ? (
                    <span className="jp-SymphonyView-chipNone">
                      {trans.__('nothing missing')}
                    </span>
                  ) : (
                    p.columns.map((c, j) => (
                      <span key={j} className="jp-SymphonyView-colChip">
                        {c}
                      </span>
                    ))
                  )}
                </span>
                <span className="jp-SymphonyView-patternCount">
                  {formatInteger(p.count)}
                  <span className="jp-SymphonyView-pct">
                    {formatPercent(looked > 0 ? p.count / looked : 0)}
                  </span>
                </span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </div>
  );
}

/** The renderer registered for "missing". */
export const missingRenderer: IViewRenderer = {
  title: 'Missing values',
  component: MissingView
};
