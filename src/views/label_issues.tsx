/*
 * The "label_issues" view: rows whose given label the model contradicts
 * with confidence, lowest self-confidence first, with the label it
 * suggests. How the probabilities were had (out-of-fold or not) is said
 * first: without out-of-fold probabilities the model may have learnt the
 * very labels it is asked about. A row, a kind of mix-up (given a,
 * likely b) or every issue can be selected for the other views.
 * Data: symphony_lab/components/label_issues.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatInteger, formatPercent } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { Cell, cell, cells, cellText, isObj, num, Pager, str, Unexpected, ValuesTable } from './common';
import { PairingPicker } from './pairing';

export interface IIssue {
  position: number;
  index: Cell;
  given: Cell;
  suggested: Cell;
  self_confidence: number | null;
  suggested_confidence: number | null;
  values: Cell[];
}

export interface ILabelIssuesData {
  rows: number;
  filtered_rows: number;
  labelled: number;
  label: string;
  method: 'out_of_fold' | 'model' | 'given';
  folds: number | null;
  seconds: number;
  note: string;
  issues_total: number;
  issues_filtered: number;
  fraction: number;
  classes: Array<{ class: Cell; threshold: number | null; given: number; issues: number }>;
  pairs: Array<{ given: Cell; suggested: Cell; count: number }>;
  columns: string[];
  page: number;
  page_size: number;
  items: IIssue[];
  group_columns: string[];
}

/** The label-issues view's data, or null when it does not have the expected shape. */
export function parseLabelIssues(data: unknown): ILabelIssuesData | null {
  if (!isObj(data) || !Array.isArray(data.items)) {
    return null;
  }
  const rows = num(data.rows);
  const method = data.method;
  if (rows === null || (method !== 'out_of_fold' && method !== 'model' && method !== 'given')) {
    return null;
  }
  const items: IIssue[] = [];
  for (const item of data.items) {
    if (!isObj(item)) {
      continue;
    }
    const position = num(item.position);
    if (position === null) {
      continue;
    }
    items.push({
      position,
      index: cell(item.index),
      given: cell(item.given),
      suggested: cell(item.suggested),
      self_confidence: num(item.self_confidence),
      suggested_confidence: num(item.suggested_confidence),
      values: cells(item.values)
    });
  }
  const classes = (Array.isArray(data.classes) ? data.classes : []).filter(isObj).map(c => ({
    class: cell(c.class),
    threshold: num(c.threshold),
    given: num(c.given) ?? 0,
    issues: num(c.issues) ?? 0
  }));
  const pairs = (Array.isArray(data.pairs) ? data.pairs : []).filter(isObj).map(p => ({
    given: cell(p.given),
    suggested: cell(p.suggested),
    count: num(p.count) ?? 0
  }));
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.map(v => (typeof v === 'string' ? v : String(v))) : [];
  return {
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    labelled: num(data.labelled) ?? rows,
    label: str(data.label) ?? '',
    method,
    folds: num(data.folds),
    seconds: num(data.seconds) ?? 0,
    note: str(data.note) ?? '',
    issues_total: num(data.issues_total) ?? items.length,
    issues_filtered: num(data.issues_filtered) ?? items.length,
    fraction: num(data.fraction) ?? 0,
    classes,
    pairs,
    columns: strings(data.columns),
    page: num(data.page) ?? 0,
    page_size: num(data.page_size) ?? 20,
    items,
    group_columns: strings(data.group_columns)
  };
}

function confidence(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

/** What the probabilities are, in words. */
export function methodText(data: ILabelIssuesData, trans: TranslationBundle): string {
  if (data.method === 'out_of_fold') {
    return trans.__('out-of-fold probabilities (%1 folds, %2 s)', formatInteger(data.folds ?? 0), data.seconds.toFixed(1));
  }
  if (data.method === 'given') {
    return trans.__('the probabilities given');
  }
  return trans.__("the model's own probabilities (not out-of-fold)");
}

/** The label issues view. */
export function LabelIssuesView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view } = props;
  const data = parseLabelIssues(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const own = board.state.selection;
  const mine =
    own && own.component === view.component && own.variables.join('\n') === view.variables.join('\n')
      ? own
      : null;
  const spec = mine?.spec ?? {};
  const select = (next: { [key: string]: string | number | boolean | null } | null, label: string): void => {
    const same = next !== null && JSON.stringify(next) === JSON.stringify(spec);
    board.setSelection(
      !next || same
        ? null
        : { component: view.component, variables: [...view.variables], params: { ...view.params }, spec: next, label }
    );
  };
  const allSelected = mine !== null && spec.all === true;
  const selectedRow = mine !== null && typeof spec.position === 'number' ? String(spec.position) : null;
  const byKey = new Map(data.items.map(i => [String(i.position), i]));
  const warn = data.method === 'model' && !/held-out/.test(data.note);
  return (
    <div className="jp-SymphonyView-labelIssues" data-method={data.method}>
      <p className="jp-SymphonyView-lede">
        {trans.__(
          '%1 of %2 labelled rows of %3 look mislabelled (%4), from %5.',
          formatInteger(data.issues_total),
          formatInteger(data.labelled),
          data.label,
          formatPercent(data.fraction),
          methodText(data, trans)
        )}
      </p>
      {data.note ? (
        <p className="jp-SymphonyView-note" data-warning={warn ? 'true' : undefined}>
          {data.note}
        </p>
      ) : null}
      <PairingPicker view={view} result={props.result} board={board} trans={trans} columns={data.group_columns} />
      <div className="jp-SymphonyView-controls">
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyView-selectAll"
          aria-pressed={allSelected}
          disabled={data.issues_total === 0}
          onClick={() =>
            select({ all: true }, trans.__('%1 likely label errors', formatInteger(data.issues_total)))
          }
        >
          {allSelected
            ? trans.__('Clear the selection')
            : trans.__('Select all %1', formatInteger(data.issues_total))}
        </button>
      </div>
      {data.pairs.length ? (
        <>
          <h4 className="jp-SymphonyView-subhead">{trans.__('Most common mix-ups')}</h4>
          <ul className="jp-SymphonyView-mixups">
            {data.pairs.slice(0, 8).map((p, i) => {
              const pressed =
                mine !== null && cellText(cell(spec.given)) === cellText(p.given) && cellText(cell(spec.suggested)) === cellText(p.suggested);
              return (
                <li key={i}>
                  <button
                    type="button"
                    className="jp-SymphonyView-mixup"
                    aria-pressed={pressed}
                    onClick={() =>
                      select(
                        { given: p.given, suggested: p.suggested },
                        trans.__('labelled %1, likely %2', cellText(p.given), cellText(p.suggested))
                      )
                    }
                  >
                    {trans.__('labelled %1, likely %2', cellText(p.given), cellText(p.suggested))}
                    <span className="jp-SymphonyView-count">{formatInteger(p.count)}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      {data.items.length ? (
        <>
          <h4 className="jp-SymphonyView-subhead">
            {data.issues_filtered === data.issues_total
              ? trans.__('Likely errors, least confident label first')
              : trans.__(
                  'Likely errors among the %1 rows of the board (%2 of %3)',
                  formatInteger(data.filtered_rows),
                  formatInteger(data.issues_filtered),
                  formatInteger(data.issues_total)
                )}
          </h4>
          <ValuesTable
            columns={data.columns}
            lead={[trans.__('Row'), trans.__('Given'), trans.__('Suggested'), trans.__('p(given)'), trans.__('p(suggested)')]}
            rows={data.items.map(i => ({
              key: String(i.position),
              lead: [
                cellText(i.index),
                cellText(i.given),
                <strong key="s">{cellText(i.suggested)}</strong>,
                confidence(i.self_confidence),
                confidence(i.suggested_confidence)
              ],
              values: i.values
            }))}
            caption={trans.__('Rows whose label looks wrong')}
            selected={selectedRow}
            onSelect={key => {
              const issue = key === null ? null : byKey.get(key);
              select(
                issue ? { position: issue.position } : null,
                issue ? trans.__('row %1 (labelled %2)', cellText(issue.index), cellText(issue.given)) : ''
              );
            }}
            selectTitle={trans.__('Select this row in every other view')}
          />
          <Pager
            page={data.page}
            pageSize={data.page_size}
            total={data.issues_filtered}
            onPage={page => board.setParams(view.id, { page })}
            trans={trans}
            label={trans.__('Pages of likely label errors')}
          />
        </>
      ) : (
        <p className="jp-SymphonyView-note">{trans.__('No row looks mislabelled here.')}</p>
      )}
    </div>
  );
}

export const labelIssuesRenderer: IViewRenderer = {
  title: 'Label issues',
  component: LabelIssuesView,
  describe: spec => spec.variables.slice(-1).join('')
};
