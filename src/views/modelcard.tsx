/*
 * The "model_card" view: what a reviewer needs beyond accuracy. The model's
 * type and task, size and latency, metrics on every split side by side
 * (train beside test shows overfitting), the most important features, the
 * hyperparameters, the features and classes.
 * Data: symphony_lab/components/model_card.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatBytes, formatInteger, formatNumber } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Bar, Cell, cell, cellText, isObj, num, str, Unexpected } from './common';

export interface ISplitMetrics {
  features: string;
  labels: string;
  rows: number;
  metrics: Array<[string, number]>;
}

export interface IModelCardData {
  name: string;
  type: string;
  task: string | null;
  params: Array<[string, Cell]>;
  n_features: number | null;
  features: string[] | null;
  classes: string[] | null;
  size_bytes: number | null;
  latency: { batch_rows: number; per_row_seconds: number; single_row_seconds: number } | null;
  importances: Array<{ feature: string; value: number; kind: string }> | null;
  splits: ISplitMetrics[];
}

const METRICS: Array<[string, string]> = [
  ['accuracy', 'Accuracy'],
  ['balanced_accuracy', 'Balanced accuracy'],
  ['macro_f1', 'Macro F1'],
  ['roc_auc', 'ROC AUC'],
  ['log_loss', 'Log loss'],
  ['mae', 'MAE'],
  ['rmse', 'RMSE'],
  ['r2', 'R²']
];

function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map(v => (typeof v === 'string' ? v : String(v))) : null;
}

/** The model card's data, or null when it does not have the expected shape. */
export function parseModelCard(data: unknown): IModelCardData | null {
  if (!isObj(data) || typeof data.type !== 'string' || !Array.isArray(data.splits)) {
    return null;
  }
  const splits: ISplitMetrics[] = [];
  for (const s of data.splits) {
    if (!isObj(s)) {
      continue;
    }
    const metrics: Array<[string, number]> = [];
    for (const [key] of METRICS) {
      const value = num(s[key]);
      if (value !== null) {
        metrics.push([key, value]);
      }
    }
    splits.push({ features: str(s.features) ?? '', labels: str(s.labels) ?? '', rows: num(s.rows) ?? 0, metrics });
  }
  const latency = isObj(data.latency)
    ? {
        batch_rows: num(data.latency.batch_rows) ?? 0,
        per_row_seconds: num(data.latency.per_row_seconds) ?? 0,
        single_row_seconds: num(data.latency.single_row_seconds) ?? 0
      }
    : null;
  const importances = Array.isArray(data.importances)
    ? data.importances
        .filter(isObj)
        .map(i => ({ feature: str(i.feature) ?? '', value: num(i.value) ?? 0, kind: str(i.kind) ?? '' }))
    : null;
  return {
    name: str(data.name) ?? '',
    type: data.type,
    task: str(data.task),
    params: isObj(data.params) ? Object.entries(data.params).map(([k, v]) => [k, cell(v)]) : [],
    n_features: num(data.n_features),
    features: strings(data.features),
    classes: strings(data.classes),
    size_bytes: num(data.size_bytes),
    latency,
    importances,
    splits
  };
}

/** Seconds as a person reads a latency: µs, ms or s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1e-3) {
    return `${(seconds * 1e6).toPrecision(3)} µs`;
  }
  if (seconds < 1) {
    return `${(seconds * 1e3).toPrecision(3)} ms`;
  }
  return `${seconds.toPrecision(3)} s`;
}

function metricName(key: string, trans: TranslationBundle): string {
  const found = METRICS.find(([k]) => k === key);
  return found ? trans.__(found[1]) : key;
}

/** The model card view. */
export function ModelCardView(props: IViewRendererProps): JSX.Element {
  const { trans } = props;
  const data = parseModelCard(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const keys = Array.from(new Set(data.splits.flatMap(s => s.metrics.map(([k]) => k))));
  const topImportance = Math.max(...(data.importances ?? []).map(i => i.value), 1e-12);
  const gap =
    data.splits.length === 2 && keys.includes('accuracy')
      ? (data.splits[1].metrics.find(([k]) => k === 'accuracy')?.[1] ?? 0) -
        (data.splits[0].metrics.find(([k]) => k === 'accuracy')?.[1] ?? 0)
      : null;
  return (
    <div className="jp-SymphonyView-modelCard">
      <dl className="jp-SymphonyView-facts">
        <dt>{trans.__('Type')}</dt>
        <dd title={data.type}>{data.type.split('.').pop()}</dd>
        <dt>{trans.__('Task')}</dt>
        <dd>{data.task ?? trans.__('unknown')}</dd>
        <dt>{trans.__('Size')}</dt>
        <dd title={trans.__('Bytes of the pickled model')}>
          {data.size_bytes === null ? '–' : formatBytes(data.size_bytes)}
        </dd>
        <dt>{trans.__('Latency')}</dt>
        <dd>
          {data.latency
            ? trans.__(
                '%1 per row in a batch of %2; %3 for one row alone',
                formatSeconds(data.latency.per_row_seconds),
                formatInteger(data.latency.batch_rows),
                formatSeconds(data.latency.single_row_seconds)
              )
            : '–'}
        </dd>
        <dt>{trans.__('Features')}</dt>
        <dd title={(data.features ?? []).join(', ')}>
          {data.n_features === null ? '–' : formatInteger(data.n_features)}
        </dd>
        {data.classes ? (
          <>
            <dt>{trans.__('Classes')}</dt>
            <dd title={data.classes.join(', ')}>{data.classes.slice(0, 12).join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {data.splits.length > 0 ? (
        <table className="jp-SymphonyView-table jp-SymphonyView-splits">
          <caption>{trans.__('Metrics by split')}</caption>
          <thead>
            <tr>
              <th scope="col">{trans.__('Metric')}</th>
              {data.splits.map((s, i) => (
                <th key={i} scope="col" title={`${s.features}, ${s.labels}`}>
                  {s.features}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{trans.__('Rows')}</th>
              {data.splits.map((s, i) => (
                <td key={i}>{formatInteger(s.rows)}</td>
              ))}
            </tr>
            {keys.map(key => (
              <tr key={key}>
                <th scope="row">{metricName(key, trans)}</th>
                {data.splits.map((s, i) => {
                  const value = s.metrics.find(([k]) => k === key)?.[1];
                  return <td key={i}>{value === undefined ? '–' : formatNumber(Math.round(value * 1000) / 1000)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="jp-SymphonyView-note">{trans.__('No data paired with this model: no metrics.')}</p>
      )}
      {gap !== null && gap > 0.05 ? (
        <p className="jp-SymphonyView-note" data-warning="overfit">
          {trans.__(
            'Accuracy is %1 higher on %2 than on %3: the model may be overfitting.',
            gap.toFixed(2),
            data.splits[1].features,
            data.splits[0].features
          )}
        </p>
      ) : null}
      {data.importances && data.importances.length > 0 ? (
        <table className="jp-SymphonyView-table jp-SymphonyView-importances">
          <caption>
            {trans.__('Most important features (%1)', data.importances[0].kind)}
          </caption>
          <tbody>
            {data.importances.map(item => (
              <tr key={item.feature}>
                <th scope="row" title={item.feature}>
                  {item.feature}
                </th>
                <td>
                  <Bar fraction={item.value / topImportance} label={formatNumber(item.value)} />
                </td>
                <td>{formatNumber(Math.round(item.value * 1000) / 1000)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <details className="jp-SymphonyView-params">
        <summary>{trans.__('Hyperparameters (%1)', formatInteger(data.params.length))}</summary>
        <dl className="jp-SymphonyView-facts">
          {data.params.map(([key, value]) => (
            <React.Fragment key={key}>
              <dt>{key}</dt>
              <dd>{cellText(value)}</dd>
            </React.Fragment>
          ))}
        </dl>
      </details>
    </div>
  );
}

export const modelCardRenderer: IViewRenderer = {
  title: 'Model card',
  component: ModelCardView,
  describe: spec => spec.variables[0] ?? ''
};
