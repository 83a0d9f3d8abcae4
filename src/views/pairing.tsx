/*
 * The pairing of a model view: which data the model is judged on, and which
 * columns are labels and predictions. A person can change what the server
 * paired: another split of the same model (the view keeps its place on the
 * board), or, for one frame holding both, its label and prediction columns
 * (kept in the view's parameters, so the board keeps the choice).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatInteger } from '../format';
import { IBoardModel, IBoardView, IPairing, IViewResult } from '../tokens';

/** How a pairing reads in a list: "X_test + y_test (test, 114 rows)". */
export function pairingLabel(pairing: IPairing, trans: TranslationBundle): string {
  const names =
    pairing.kind === 'model'
      ? pairing.variables.slice(1).join(' + ') +
        (typeof pairing.params.label === 'string' ? ` [${pairing.params.label}]` : '')
      : pairing.variables.join(' + ');
  const rows = trans.__('%1 rows', formatInteger(pairing.rows));
  return pairing.split ? `${names} (${pairing.split}, ${rows})` : `${names} (${rows})`;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The data a model view is computed on, and the choices a person has. */
export function PairingPicker(props: {
  view: IBoardView;
  result: IViewResult;
  board: IBoardModel;
  trans: TranslationBundle;
  /** The frame's columns, for a view of one frame holding labels and predictions. */
  columns?: string[];
}): JSX.Element | null {
  const { view, result, board, trans, columns } = props;
  const options = result.pairings ?? [];
  const current = options.findIndex(
    p =>
      same(p.variables, view.variables) &&
      (p.params.label === undefined || p.params.label === view.params.label)
  );
  const frameMode = view.variables.length === 1 && columns && columns.length > 1;
  if (options.length < 2 && !frameMode) {
    return null;
  }
  const column = (key: 'label' | 'prediction') => {
    const value = typeof view.params[key] === 'string' ? (view.params[key] as string) : '';
    return (
      <label>
        {key === 'label' ? trans.__('Labels') : trans.__('Predictions')}{' '}
        <select
          className={`jp-SymphonyView-pick-${key}`}
          value={value}
          onChange={event => board.setParams(view.id, { [key]: event.target.value })}
        >
          {(columns ?? []).map(c => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
    );
  };
  return (
    <div className="jp-SymphonyView-controls jp-SymphonyView-pairing">
      {options.length >= 2 ? (
        <label>
          {trans.__('Data')}{' '}
          <select
            className="jp-SymphonyView-pickPairing"
            value={current >= 0 ? String(current) : ''}
            title={current >= 0 ? options[current].reason : undefined}
            onChange={event => {
              const chosen = options[Number(event.target.value)];
              if (chosen) {
                board.setVariables(view.id, chosen.variables, chosen.params);
              }
            }}
          >
            {current < 0 ? <option value="">{view.variables.join(' + ')}</option> : null}
            {options.map((p, i) => (
              <option key={i} value={String(i)} title={p.reason}>
                {pairingLabel(p, trans)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {frameMode ? (
        <>
          {column('label')}
          {column('prediction')}
        </>
      ) : null}
    </div>
  );
}
