/*
 * The "outliers" view: the rows most unlike the rest, most unusual first:
 * rank, index label, score (a bar relative to the top score, with a marker
 * at the median score of all rows), the columns that contribute most (as
 * chips), and the row's values under the preview columns.
 * Data: symphony_lab/components/outliers.py.
 */
import * as React from 'react';

import { formatInteger, formatNumber } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Cell, cell, cells, CellView, isObj, num, Unexpected } from './common';

export interface IOutlier {
  index: Cell;
  score: number;
  because: string[];
  values: Cell[];
}

export interface IOutliersData {
  rows: number;
  filtered_rows: number;
  columns: string[];
  preview_columns: string[];
  median_score: number | null;
  outliers: IOutlier[];
}

/** The outliers view's data, or null when it does not have the expected shape. */
export function parseOutliers(data: unknown): IOutliersData | null {
  if (!isObj(data) || !Array.isArray(data.outliers)) {
    return null;
  }
  const strings = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : [];
  const rows = num(data.rows) ?? 0;
  return {
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    columns: strings(data.columns),
    preview_columns: strings(data.preview_columns),
    median_score: num(data.median_score),
    outliers: data.outliers.filter(isObj).map(o => ({
      index: cell(o.index),
      score: Math.max(0, num(o.score) ?? 0),
      because: strings(o.because),
      values: cells(o.values)
    }))
  };
}

/** A score bar: the score relative to the top one, a tick at the median. */
function ScoreBar(props: {
  score: number;
  top: number;
  median: number | null;
  label: string;
}): JSX.Element {
  const { score, top, median } = props;
  const scale = (v: number) =>
    top > 0 ? Math.max(0, Math.min(1, v / top)) * 100 : 0;
  return (
    <span
      className="jp-SymphonyView-bar jp-SymphonyView-scoreBar"
      role="img"
      aria-label={props.label}
    >
      <span
        className="jp-SymphonyView-barFill"
        style={{ width: `${scale(score)}%` }}
      />
      {median !== null && top > 0 ? (
        <span
          className="jp-SymphonyView-median"
          style={{ left: `${scale(median)}%` }}
        />
      ) : null}
    </span>
  );
}

/** The outliers view. */
export function OutliersView(props: IViewRendererProps): JSX.Element {
  const { trans, view } = props;
  const data = parseOutliers(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const name = view.variables[0] ?? '';
  if (data.outliers.length === 0) {
    return (
      <p className="jp-SymphonyView-note">
        {data.columns.length === 0
          ? trans.__(
              'No column of %1 can be scored (numeric columns that vary, or categories).',
              name
            )
          : trans.__('No row to score.')}
      </p>
    );
  }
  const top = Math.max(...data.outliers.map(o => o.score));
  const median = data.median_score;
  const preview = data.preview_columns;
  const caption = trans.__('The rows of %1 most unlike the rest', name);
  return (
    <div className="jp-SymphonyView-outliers">
      <p className="jp-SymphonyView-lede">
        {trans.__(
          'The %1 rows most unlike the other %2, scored on %3 columns.',
          formatInteger(data.outliers.length),
          formatInteger(data.filtered_rows),
          formatInteger(data.columns.length)
        )}
        {median !== null ? (
          <span className="jp-SymphonyView-note">
            {' '}
            {trans.__('Median score: %1 (the tick on the bars).', formatNumber(median))}
          </span>
        ) : null}
      </p>
      <div
        className="jp-SymphonyView-tableScroll"
        tabIndex={0}
        role="region"
        aria-label={caption}
      >
        <table className="jp-SymphonyView-table jp-SymphonyView-values jp-SymphonyView-outlierTable">
          <caption className="jp-SymphonyView-srOnly">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="jp-SymphonyView-lead jp-SymphonyView-num">
                #
              </th>
              <th scope="col" className="jp-SymphonyView-lead">
                {trans.__('Index')}
              </th>
              <th scope="col" className="jp-SymphonyView-lead jp-SymphonyView-scoreCol">
                {trans.__('Score')}
              </th>
              <th scope="col" className="jp-SymphonyView-lead">
                {trans.__('Because of')}
              </th>
              {preview.map((c, i) => (
                <th key={`${i}:${c}`} scope="col" title={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.outliers.map((o, r) => (
              <tr key={r} className="jp-SymphonyView-outlier">
                <td className="jp-SymphonyView-lead jp-SymphonyView-num">
                  {formatInteger(r + 1)}
                </td>
                <th scope="row" className="jp-SymphonyView-index">
                  {o.index === null ? '∅' : String(o.index)}
                </th>
                <td className="jp-SymphonyView-scoreCol">
                  <span className="jp-SymphonyView-score">
                    <span className="jp-SymphonyView-scoreValue" title={String(o.score)}>
                      {formatNumber(o.score)}
                    </span>
                    <ScoreBar
                      score={o.score}
                      top={top}
                      median={median}
                      label={trans.__(
                        'score %1 of the top %2',
                        formatNumber(o.score),
                        formatNumber(top)
                      )}
                    />
                  </span>
                </td>
                <td className="jp-SymphonyView-because">
                  {o.because.map((c, i) => (
                    <span key={i} className="jp-SymphonyView-colChip jp-SymphonyView-becauseChip">
                      {c}
                    </span>
                  ))}
                </td>
                {preview.map((c, i) => (
                  <td
                    key={`${i}:${c}`}
                    data-because={o.because.includes(c) ? 'true' : undefined}
                  >
                    <CellView value={o.values[i] ?? null} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The renderer registered for "outliers". */
export const outliersRenderer: IViewRenderer = {
  title: 'Outliers',
  component: OutliersView
};
