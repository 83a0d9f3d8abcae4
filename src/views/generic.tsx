/*
 * The drawing of a component without a renderer (a Python plugin without
 * its TypeScript side): its data as a generic table of its fields. Scalars
 * as name/value pairs, lists of objects as tables (first 50 rows, columns
 * by first appearance), anything else as JSON text.
 */
import * as React from 'react';

import { IViewRendererProps } from '../tokens';
import { cell, CellView, isObj } from './common';

const MAX_ROWS = 50;
const MAX_COLUMNS = 20;
const MAX_TEXT = 2000;

function isScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

function json(value: unknown): string {
  let text = '';
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    text = '';
  }
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function Value(props: { value: unknown }): JSX.Element {
  const { value } = props;
  if (isScalar(value)) {
    return <CellView value={cell(value)} />;
  }
  return <code className="jp-SymphonyView-json">{json(value)}</code>;
}

function Rows(props: { name: string; rows: Array<{ [key: string]: unknown }> }): JSX.Element {
  const { name, rows } = props;
  const columns: string[] = [];
  for (const row of rows.slice(0, MAX_ROWS)) {
    for (const key of Object.keys(row)) {
      if (!columns.includes(key) && columns.length < MAX_COLUMNS) {
        columns.push(key);
      }
    }
  }
  return (
    <div className="jp-SymphonyView-tableScroll" tabIndex={0} role="region" aria-label={name}>
      <table className="jp-SymphonyView-table jp-SymphonyView-values">
        <caption className="jp-SymphonyView-srOnly">{name}</caption>
        <thead>
          <tr>
            {columns.map(c => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, MAX_ROWS).map((row, i) => (
            <tr key={i}>
              {columns.map(c => (
                <td key={c}>
                  <Value value={row[c]} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The generic drawing. */
export function GenericView(props: IViewRendererProps): JSX.Element {
  const { data, trans, view } = props;
  const note = (
    <p className="jp-SymphonyView-note">
      {trans.__('No renderer is installed for “%1”; its data:', view.component)}
    </p>
  );
  if (!isObj(data)) {
    return (
      <>
        {note}
        <pre className="jp-SymphonyView-raw">{json(data)}</pre>
      </>
    );
  }
  const entries = Object.entries(data);
  const scalars = entries.filter(([, v]) => !Array.isArray(v) || !v.every(isObj));
  const tables = entries.filter(
    (e): e is [string, Array<{ [key: string]: unknown }>] =>
      Array.isArray(e[1]) && e[1].length > 0 && e[1].every(isObj)
  );
  return (
    <div className="jp-SymphonyView-generic">
      {note}
      {scalars.length > 0 ? (
        <dl className="jp-SymphonyPanel-facts">
          {scalars.map(([key, value]) => (
            <React.Fragment key={key}>
              <dt>{key}</dt>
              <dd>
                <Value value={value} />
              </dd>
            </React.Fragment>
          ))}
        </dl>
      ) : null}
      {tables.map(([key, rows]) => (
        <React.Fragment key={key}>
          <h5 className="jp-SymphonyView-subhead">
            {key}
            {rows.length > MAX_ROWS
              ? ` ${trans.__('(first %1 of %2)', MAX_ROWS, rows.length)}`
              : ''}
          </h5>
          <Rows name={key} rows={rows} />
        </React.Fragment>
      ))}
    </div>
  );
}
