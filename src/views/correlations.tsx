/*
 * The "correlations" view: a heat map of the association of every pair of
 * columns, and the strongest pairs as a list. Two numeric columns: a
 * correlation in [-1, 1], drawn with a diverging scale (brand colour for
 * positive, warn colour for negative, both mixed over transparent so they
 * read in light and dark themes). A pair with a categorical column:
 * Cramér's V or the correlation ratio in [0, 1], drawn in a neutral tint.
 * The value of each cell is its tooltip.
 * Data: symphony_lab/components/correlations.py.
 */
import * as React from 'react';

import { formatInteger } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { isObj, num, numbers, str, Unexpected } from './common';

export interface ICorrelationsData {
  method: string;
  columns: Array<{ name: string; kind: string }>;
  matrix: number[][];
  strongest: Array<{ a: string; b: string; value: number }>;
  rows: number;
  filtered_rows: number;
}

/** The correlations view's data, or null when it does not have the expected shape. */
export function parseCorrelations(data: unknown): ICorrelationsData | null {
  if (
    !isObj(data) ||
    !Array.isArray(data.columns) ||
    !Array.isArray(data.matrix)
  ) {
    return null;
  }
  const columns: ICorrelationsData['columns'] = [];
  for (const c of data.columns) {
    const name = isObj(c) ? str(c.name) : null;
    if (!isObj(c) || name === null) {
      return null;
    }
    columns.push({ name, kind: str(c.kind) ?? 'numeric' });
  }
  const k = columns.length;
  if (data.matrix.length !== k) {
    return null;
  }
  const matrix: number[][] = [];
  for (const row of data.matrix) {
    const values = numbers(row);
    if (!values || values.length !== k) {
      return null;
    }
    matrix.push(values.map(v => Math.max(-1, Math.min(1, v))));
  }
  const strongest: ICorrelationsData['strongest'] = [];
  for (const p of Array.isArray(data.strongest) ? data.strongest : []) {
    const a = isObj(p) ? str(p.a) : null;
    const b = isObj(p) ? str(p.b) : null;
    const value = isObj(p) ? num(p.value) : null;
    if (a !== null && b !== null && value !== null) {
      strongest.push({ a, b, value: Math.max(-1, Math.min(1, value)) });
    }
  }
  const rows = num(data.rows) ?? 0;
  return {
    method: str(data.method) ?? '',
    columns,
    matrix,
    strongest,
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows
  };
}

/** A coefficient as text: two decimals, a true minus sign. */
export function formatCoefficient(value: number): string {
  const text = Math.abs(value).toFixed(2);
  return value < 0 && text !== '0.00' ? `−${text}` : text;
}

/** How many strongest pairs are listed. */
const STRONGEST_SHOWN = 8;

/** Cells show their value as text up to this many columns. */
const LABELLED_UP_TO = 12;

/** The correlations view. */
export function CorrelationsView(props: IViewRendererProps): JSX.Element {
  const { trans } = props;
  const data = parseCorrelations(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const { columns, matrix } = data;
  const k = columns.length;
  if (k < 2) {
    return (
      <p className="jp-SymphonyView-note">
        {trans.__(
          'Fewer than two columns vary (or have few enough categories): nothing to correlate.'
        )}
      </p>
    );
  }
  const methodName =
    data.method === 'pearson'
      ? trans.__('Pearson')
      : data.method === 'spearman'
        ? trans.__('Spearman')
        : data.method;
  const numeric = (i: number) => columns[i].kind === 'numeric';
  const measure = (i: number, j: number): string =>
    numeric(i) && numeric(j)
      ? methodName
      : !numeric(i) && !numeric(j)
        ? trans.__("Cramér's V")
        : trans.__('correlation ratio');
  const kindOf = (name: string) =>
    columns.find(c => c.name === name)?.kind ?? 'numeric';
  const categorical = columns.filter(c => c.kind !== 'numeric').length;
  const labelled = k <= LABELLED_UP_TO;
  return (
    <div className="jp-SymphonyView-correlations">
      <p className="jp-SymphonyView-lede">
        {categorical === 0
          ? trans.__(
              '%1 correlation of %2 numeric columns.',
              methodName,
              formatInteger(k)
            )
          : trans.__(
              '%1 columns: %2 correlation of numeric pairs; Cramér’s V and the correlation ratio (0 to 1) with the %3 categorical ones.',
              formatInteger(k),
              methodName,
              formatInteger(categorical)
            )}
      </p>
      <div
        className="jp-SymphonyView-tableScroll"
        tabIndex={0}
        role="region"
        aria-label={trans.__('Correlation matrix')}
      >
        <table
          className="jp-SymphonyView-heatmap"
          data-labelled={labelled ? 'true' : 'false'}
        >
          <caption className="jp-SymphonyView-srOnly">
            {trans.__('Correlation matrix')}
          </caption>
          <thead>
            <tr>
              <td />
              {columns.map((c, j) => (
                <th
                  key={`${j}:${c.name}`}
                  scope="col"
                  className="jp-SymphonyView-heatCol"
                  title={c.name}
                >
                  <span className="jp-SymphonyView-heatColLabel">
                    {c.name}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {columns.map((row, i) => (
              <tr key={`${i}:${row.name}`}>
                <th
                  scope="row"
                  className="jp-SymphonyView-heatRow"
                  title={row.name}
                >
                  {row.name}
                </th>
                {columns.map((col, j) => {
                  const value = matrix[i][j];
                  const signed = numeric(i) && numeric(j);
                  const text = formatCoefficient(value);
                  const tip =
                    i === j
                      ? row.name
                      : `${row.name} × ${col.name}: ${text} (${measure(i, j)})`;
                  return (
                    <td
                      key={j}
                      className="jp-SymphonyView-heatCell"
                      data-measure={signed ? 'correlation' : 'association'}
                      data-sign={value < 0 ? 'negative' : 'positive'}
                      data-diagonal={i === j ? 'true' : undefined}
                      data-value={String(value)}
                      title={tip}
                      style={
                        {
                          '--jp-SymphonyView-strength': String(
                            Math.round(Math.abs(value) * 100) / 100
                          )
                        } as React.CSSProperties
                      }
                    >
                      {labelled ? (
                        <span className="jp-SymphonyView-heatValue">
                          {i === j ? '' : text}
                        </span>
                      ) : (
                        <span className="jp-SymphonyView-srOnly">{text}</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="jp-SymphonyView-heatLegend" aria-hidden="true">
        <span>−1</span>
        <span className="jp-SymphonyView-heatScale" />
        <span>+1</span>
        {categorical > 0 ? (
          <>
            <span className="jp-SymphonyView-heatScale" data-measure="association" />
            <span>{trans.__('0 to 1 (with a categorical column)')}</span>
          </>
        ) : null}
      </div>
      {data.strongest.length > 0 ? (
        <>
          <h5 className="jp-SymphonyView-subhead">
            {trans.__('Strongest pairs')}
          </h5>
          <ol className="jp-SymphonyView-pairs">
            {data.strongest.slice(0, STRONGEST_SHOWN).map((p, i) => {
              const signed =
                kindOf(p.a) === 'numeric' && kindOf(p.b) === 'numeric';
              return (
                <li
                  key={i}
                  className="jp-SymphonyView-pair"
                  data-measure={signed ? 'correlation' : 'association'}
                  data-sign={p.value < 0 ? 'negative' : 'positive'}
                >
                  <span className="jp-SymphonyView-pairNames">
                    <span className="jp-SymphonyView-name">{p.a}</span>
                    <span className="jp-SymphonyView-pairSep"> × </span>
                    <span className="jp-SymphonyView-name">{p.b}</span>
                  </span>
                  <span
                    className="jp-SymphonyView-pairValue"
                    style={
                      {
                        '--jp-SymphonyView-strength': String(
                          Math.round(Math.abs(p.value) * 100) / 100
                        )
                      } as React.CSSProperties
                    }
                  >
                    {formatCoefficient(p.value)}
                  </span>
                </li>
              );
            })}
          </ol>
        </>
      ) : null}
    </div>
  );
}

/** The renderer registered for "correlations". */
export const correlationsRenderer: IViewRenderer = {
  title: 'Correlations',
  component: CorrelationsView,
  describe: spec =>
    typeof spec.params.method === 'string' ? spec.params.method : ''
};
