/*
 * The "confusion" view: a classifier's confusion matrix (rows: true class,
 * columns: predicted), in counts or in rates of the true class, with
 * precision, recall and F1 per class, and one small matrix per group of the
 * board's group-by. A cell is a button: it selects its rows (true a,
 * predicted b) for every other view; a second click clears the selection.
 * Many classes stay readable: the server sorts them by frequency and folds
 * the rest into "other".
 * Data: symphony_lab/components/confusion.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatInteger } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Cell, cell, cellText, isObj, num, str, Unexpected } from './common';
import { PairingPicker } from './pairing';

export interface IClassMetrics {
  class: Cell;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface IGroupMatrix {
  value: Cell;
  rows: number;
  accuracy: number | null;
  matrix: number[][];
}

export interface IConfusionData {
  rows: number;
  filtered_rows: number;
  unlabelled: number;
  label: string;
  prediction: string;
  classes: Cell[];
  classes_total: number;
  other: boolean;
  matrix: number[][];
  accuracy: number | null;
  balanced_accuracy: number | null;
  macro_f1: number | null;
  per_class: IClassMetrics[];
  groups: {
    column: string;
    binned: boolean;
    error: string | null;
    items: IGroupMatrix[];
  } | null;
  group_columns: string[];
}

function matrixOf(value: unknown, k: number): number[][] | null {
  if (!Array.isArray(value) || value.length !== k) {
    return null;
  }
  const out: number[][] = [];
  for (const row of value) {
    if (!Array.isArray(row) || row.length !== k) {
      return null;
    }
    const values = row.map(v => num(v));
    if (values.some(v => v === null || v < 0)) {
      return null;
    }
    out.push(values as number[]);
  }
  return out;
}

/** The confusion view's data, or null when it does not have the expected shape. */
export function parseConfusion(data: unknown): IConfusionData | null {
  if (!isObj(data) || !Array.isArray(data.classes)) {
    return null;
  }
  const classes = data.classes.map(cell);
  const other = data.other === true;
  const k = classes.length + (other ? 1 : 0);
  const matrix = matrixOf(data.matrix, k);
  if (!matrix) {
    return null;
  }
  const perClass: IClassMetrics[] = [];
  for (const item of Array.isArray(data.per_class) ? data.per_class : []) {
    if (!isObj(item)) {
      continue;
    }
    perClass.push({
      class: cell(item.class),
      precision: num(item.precision) ?? 0,
      recall: num(item.recall) ?? 0,
      f1: num(item.f1) ?? 0,
      support: num(item.support) ?? 0,
      predicted: num(item.predicted) ?? 0
    });
  }
  let groups: IConfusionData['groups'] = null;
  if (isObj(data.groups)) {
    const items: IGroupMatrix[] = [];
    for (const item of Array.isArray(data.groups.items) ? data.groups.items : []) {
      const m = isObj(item) ? matrixOf(item.matrix, k) : null;
      if (isObj(item) && m) {
        items.push({
          value: cell(item.value),
          rows: num(item.rows) ?? 0,
          accuracy: num(item.accuracy),
          matrix: m
        });
      }
    }
    groups = {
      column: str(data.groups.column) ?? '',
      binned: data.groups.binned === true,
      error: str(data.groups.error),
      items
    };
  }
  const rows = num(data.rows) ?? 0;
  return {
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    unlabelled: num(data.unlabelled) ?? 0,
    label: str(data.label) ?? '',
    prediction: str(data.prediction) ?? '',
    classes,
    classes_total: num(data.classes_total) ?? classes.length,
    other,
    matrix,
    accuracy: num(data.accuracy),
    balanced_accuracy: num(data.balanced_accuracy),
    macro_f1: num(data.macro_f1),
    per_class: perClass,
    groups,
    group_columns: Array.isArray(data.group_columns)
      ? data.group_columns.filter((c): c is string => typeof c === 'string')
      : []
  };
}

/** A rate in [0, 1] as text with two decimals. */
function rate(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

/** The selection spec of a cell, or null for cells of "other". */
export function cellSpec(
  data: IConfusionData,
  i: number,
  j: number
): { true: Cell; pred: Cell } | null {
  if (i >= data.classes.length || j >= data.classes.length) {
    return null;
  }
  return { true: data.classes[i], pred: data.classes[j] };
}

function Matrix(props: {
  data: IConfusionData;
  matrix: number[][];
  normalize: boolean;
  trans: TranslationBundle;
  selected: { true: Cell; pred: Cell } | null;
  onSelect?: (i: number, j: number) => void;
  caption: string;
  small?: boolean;
}): JSX.Element {
  const { data, matrix, normalize, trans, selected, onSelect, caption, small } =
    props;
  const names = data.classes.map(c => cellText(c));
  if (data.other) {
    names.push(
      trans.__('other (%1)', formatInteger(data.classes_total - data.classes.length))
    );
  }
  const totals = matrix.map(row => row.reduce((a, b) => a + b, 0));
  return (
    <table
      className="jp-SymphonyView-confusion"
      data-small={small ? 'true' : undefined}
    >
      <caption className="jp-SymphonyView-srOnly">{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="jp-SymphonyView-confusionCorner">
            {small ? '' : trans.__('true↓ pred→')}
          </th>
          {names.map((name, j) => (
            <th key={j} scope="col" title={name}>
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={i}>
            <th scope="row" title={names[i]}>
              {names[i]}
            </th>
            {row.map((count, j) => {
              const share = totals[i] > 0 ? count / totals[i] : 0;
              const spec = cellSpec(data, i, j);
              const isSelected =
                !!spec &&
                !!selected &&
                cellText(selected.true) === cellText(spec.true) &&
                cellText(selected.pred) === cellText(spec.pred);
              const text = normalize ? rate(share) : formatInteger(count);
              const tip = trans.__(
                'true %1, predicted %2: %3 rows (%4 of true %1)',
                names[i],
                names[j],
                formatInteger(count),
                `${Math.round(share * 1000) / 10}%`
              );
              const style = {
                '--jp-SymphonyView-strength': String(Math.round(share * 100) / 100)
              } as React.CSSProperties;
              return (
                <td
                  key={j}
                  className="jp-SymphonyView-confusionCell"
                  data-diagonal={i === j ? 'true' : 'false'}
                  data-count={count}
                  style={style}
                  title={tip}
                >
                  {onSelect && spec && count > 0 ? (
                    <button
                      type="button"
                      aria-pressed={isSelected}
                      aria-label={tip}
                      onClick={() => onSelect(i, j)}
                    >
                      {text}
                    </button>
                  ) : (
                    <span>{small ? '' : text}</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The confusion view. */
export function ConfusionView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view } = props;
  const [normalize, setNormalize] = React.useState(false);
  const data = parseConfusion(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const own = board.state.selection;
  const mine =
    own &&
    own.component === view.component &&
    own.variables.join('\n') === view.variables.join('\n')
      ? own
      : null;
  const selected =
    mine && 'true' in mine.spec && 'pred' in mine.spec
      ? { true: cell(mine.spec.true), pred: cell(mine.spec.pred) }
      : null;
  const onSelect = (i: number, j: number): void => {
    const spec = cellSpec(data, i, j);
    if (!spec) {
      return;
    }
    const same =
      selected &&
      cellText(selected.true) === cellText(spec.true) &&
      cellText(selected.pred) === cellText(spec.pred);
    board.setSelection(
      same
        ? null
        : {
            component: view.component,
            variables: [...view.variables],
            params: { ...view.params },
            spec: { true: spec.true, pred: spec.pred },
            label: trans.__(
              'true %1, predicted %2',
              cellText(spec.true),
              cellText(spec.pred)
            )
          }
    );
  };
  const groupBy = board.state.groups?.column ?? '';
  return (
    <div className="jp-SymphonyView-confusionView">
      <p className="jp-SymphonyView-lede">
        {data.accuracy === null
          ? trans.__('No row has both a label and a prediction.')
          : trans.__(
              'Accuracy %1 on %2 rows (balanced %3, macro F1 %4); labels %5, predictions %6.',
              rate(data.accuracy),
              formatInteger(data.filtered_rows - data.unlabelled),
              rate(data.balanced_accuracy),
              rate(data.macro_f1),
              data.label,
              data.prediction
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
        <label>
          <input
            type="checkbox"
            checked={normalize}
            onChange={() => setNormalize(!normalize)}
          />{' '}
          {trans.__('Rates of the true class')}
        </label>
        {data.group_columns.length > 0 ? (
          <label>
            {trans.__('Group by')}{' '}
            <select
              className="jp-SymphonyView-groupBy"
              value={groupBy}
              onChange={event =>
                board.setGroups(
                  event.target.value ? { column: event.target.value } : null
                )
              }
            >
              <option value="">{trans.__('(none)')}</option>
              {data.group_columns.map(c => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
              {groupBy && !data.group_columns.includes(groupBy) ? (
                <option value={groupBy}>{groupBy}</option>
              ) : null}
            </select>
          </label>
        ) : null}
      </div>
      <div
        className="jp-SymphonyView-tableScroll"
        tabIndex={0}
        role="region"
        aria-label={trans.__('Confusion matrix')}
      >
        <Matrix
          data={data}
          matrix={data.matrix}
          normalize={normalize}
          trans={trans}
          selected={selected}
          onSelect={onSelect}
          caption={trans.__('Confusion matrix: rows are true classes, columns predicted classes')}
        />
      </div>
      {data.other ? (
        <p className="jp-SymphonyView-note">
          {trans.__(
            'The %1 most frequent of %2 classes; the others are folded into "other".',
            formatInteger(data.classes.length),
            formatInteger(data.classes_total)
          )}
        </p>
      ) : null}
      <div
        className="jp-SymphonyView-tableScroll"
        tabIndex={0}
        role="region"
        aria-label={trans.__('Metrics per class')}
      >
      <table className="jp-SymphonyView-table jp-SymphonyView-classMetrics">
        <caption className="jp-SymphonyView-srOnly">
          {trans.__('Metrics per class')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{trans.__('Class')}</th>
            <th scope="col">{trans.__('Precision')}</th>
            <th scope="col">{trans.__('Recall')}</th>
            <th scope="col">{trans.__('F1')}</th>
            <th scope="col">{trans.__('Support')}</th>
          </tr>
        </thead>
        <tbody>
          {data.per_class.slice(0, 50).map((m, i) => (
            <tr key={i}>
              <th scope="row">{cellText(m.class)}</th>
              <td>{rate(m.precision)}</td>
              <td data-weak={m.recall < (data.accuracy ?? 0) - 0.15 ? 'true' : undefined}>
                {rate(m.recall)}
              </td>
              <td>{rate(m.f1)}</td>
              <td>{formatInteger(m.support)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {data.groups ? (
        <section
          className="jp-SymphonyView-groups"
          aria-label={trans.__('By %1', data.groups.column)}
        >
          <h4>{trans.__('By %1', data.groups.column)}</h4>
          {data.groups.error ? (
            <p className="jp-SymphonyView-note">{data.groups.error}</p>
          ) : null}
          <div className="jp-SymphonyView-smallMultiples">
            {data.groups.items.map((g, i) => (
              <figure key={i} className="jp-SymphonyView-groupMatrix">
                <Matrix
                  data={data}
                  matrix={g.matrix}
                  normalize={true}
                  trans={trans}
                  selected={null}
                  caption={trans.__('%1 = %2', data.groups!.column, cellText(g.value))}
                  small
                />
                <figcaption title={cellText(g.value)}>
                  {cellText(g.value)}
                  <br />
                  {trans.__(
                    'accuracy %1 · n=%2',
                    rate(g.accuracy),
                    formatInteger(g.rows)
                  )}
                </figcaption>
              </figure>
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}

export const confusionRenderer: IViewRenderer = {
  title: 'Confusion matrix',
  component: ConfusionView,
  describe: spec => spec.variables.slice(1).join(', ') || spec.variables[0]
};

