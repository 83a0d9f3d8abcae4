/*
 * One entry of the panel: a <details> whose <summary> shows name, type,
 * shape and memory, and whose body shows what the catalog knows (columns
 * with dtypes, model facts, the error). Every string from the kernel is
 * rendered as a React text node.
 */
import { Button } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import {
  formatBytes,
  formatInteger,
  formatList,
  formatShape,
  publicType,
  shortType
} from '../format';
import { IColumn, IDetailState, IModelInfo, IVariable } from '../tokens';

/** What an entry needs besides its variable. */
export interface IVariableEntryProps {
  variable: IVariable;
  trans: TranslationBundle;
  columnsShown: number;
  showMemory: boolean;
  /** The "Load all columns" state, null before any request. */
  detail: IDetailState | null;
  /** Ask for the variable with all its columns. */
  onLoadDetail: (name: string) => void;
}

/** One variable of the panel. */
export function VariableEntry(props: IVariableEntryProps): JSX.Element {
  const { variable, trans, showMemory } = props;
  const shape = formatShape(variable.shape);
  const memory = showMemory ? formatBytes(variable.memory) : '';
  return (
    <details
      className="jp-SymphonyPanel-variable"
      data-name={variable.name}
      data-kind={variable.kind}
    >
      <summary
        className="jp-SymphonyPanel-summary"
        title={variable.type || undefined}
      >
        {/* Line 1: name (and badge), shape; line 2: type, memory. */}
        <span className="jp-SymphonyPanel-head">
          <span className="jp-SymphonyPanel-name">{variable.name}</span>
          {variable.kind === 'model' && variable.model ? (
            <FittedBadge model={variable.model} trans={trans} />
          ) : null}
        </span>
        {shape ? <span className="jp-SymphonyPanel-shape">{shape}</span> : null}
        <span className="jp-SymphonyPanel-type">
          {shortType(variable.type)}
        </span>
        {memory ? (
          <span
            className="jp-SymphonyPanel-memory"
            title={trans.__('Memory')}
          >
            {memory}
          </span>
        ) : null}
      </summary>
      <div className="jp-SymphonyPanel-details">
        <VariableDetails {...props} />
      </div>
    </details>
  );
}

function FittedBadge(props: {
  model: IModelInfo;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  if (typeof model.fitted !== 'boolean') {
    return null;
  }
  return (
    <span
      className="jp-SymphonyPanel-badge"
      data-fitted={model.fitted ? 'true' : 'false'}
    >
      {model.fitted ? trans.__('fitted') : trans.__('unfitted')}
    </span>
  );
}

/**
 * A qualified type name: its public path ("sklearn.ensemble.
 * RandomForestClassifier", private modules left out) that breaks only after
 * a dot, with the full name as a tooltip. Null for an empty type.
 */
export function TypeName(props: { type: string }): JSX.Element | null {
  const { type } = props;
  if (!type) {
    return null;
  }
  const parts = publicType(type).split('.');
  return (
    <span className="jp-SymphonyPanel-typeName" title={type}>
      {parts.map((part, i) => (
        <React.Fragment key={i}>
          {part}
          {i < parts.length - 1 ? (
            <>
              .<wbr />
            </>
          ) : null}
        </React.Fragment>
      ))}
    </span>
  );
}

type FactValue = string | number | JSX.Element | null | undefined;

/** A list of facts as a <dl>; facts without a value are left out. */
function Facts(props: {
  facts: Array<[string, FactValue]>;
}): JSX.Element | null {
  const facts = props.facts.filter(
    ([, value]) => value !== null && value !== undefined && value !== ''
  );
  if (facts.length === 0) {
    return null;
  }
  return (
    <dl className="jp-SymphonyPanel-facts">
      {facts.map(([label, value]) => (
        <React.Fragment key={label}>
          <dt>{label}</dt>
          <dd>
            {typeof value === 'object' ? value : String(value)}
          </dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

function VariableDetails(props: IVariableEntryProps): JSX.Element {
  const { variable, trans } = props;
  const type = variable.type ? <TypeName type={variable.type} /> : null;
  switch (variable.kind) {
    case 'dataframe':
    case 'table':
      return (
        <>
          <Facts
            facts={[
              [trans.__('Type'), type],
              [trans.__('Index'), variable.index]
            ]}
          />
          <Columns {...props} />
        </>
      );
    case 'series':
      return (
        <Facts
          facts={[
            [trans.__('Type'), type],
            [trans.__('Name'), variable.series_name],
            [trans.__('Dtype'), variable.dtype]
          ]}
        />
      );
    case 'index':
    case 'array':
      return (
        <Facts
          facts={[
            [trans.__('Type'), type],
            [trans.__('Dtype'), variable.dtype],
            [trans.__('Shape'), formatShape(variable.shape)]
          ]}
        />
      );
    case 'model':
      return <ModelDetails {...props} />;
    case 'error':
      return (
        <>
          <Facts facts={[[trans.__('Type'), type]]} />
          <p className="jp-SymphonyPanel-variableError">
            {variable.error || trans.__('The object could not be described.')}
          </p>
        </>
      );
    default:
      return (
        <Facts
          facts={[
            [trans.__('Type'), type],
            [trans.__('Kind'), variable.kind],
            [trans.__('Dtype'), variable.dtype]
          ]}
        />
      );
  }
}

function ModelDetails(props: IVariableEntryProps): JSX.Element {
  const { variable, trans } = props;
  const model = variable.model ?? {};
  let fitted: string | null = null;
  if (typeof model.fitted === 'boolean') {
    fitted = model.fitted ? trans.__('fitted') : trans.__('not fitted');
  }
  const classes =
    model.classes && model.classes.length > 0
      ? formatList(model.classes, 10, model.n_classes)
      : typeof model.n_classes === 'number'
        ? formatInteger(model.n_classes)
        : null;
  const features =
    model.feature_names && model.feature_names.length > 0
      ? formatList(model.feature_names, 10, model.feature_names_total)
      : null;
  return (
    <Facts
      facts={[
        [
          trans.__('Type'),
          variable.type ? <TypeName type={variable.type} /> : null
        ],
        [trans.__('State'), fitted],
        [trans.__('Task'), model.task],
        [
          trans.__('Features in'),
          typeof model.n_features_in === 'number'
            ? formatInteger(model.n_features_in)
            : null
        ],
        [trans.__('Features'), features],
        [trans.__('Classes'), classes],
        [
          trans.__('Parameters'),
          typeof model.n_parameters === 'number'
            ? formatInteger(model.n_parameters)
            : null
        ]
      ]}
    />
  );
}

/**
 * Columns with dtypes: the first `columnsShown`, a toggle for the others,
 * and "Load all columns" when the catalog sent fewer than the table has.
 */
function Columns(props: IVariableEntryProps): JSX.Element | null {
  const { variable, trans, columnsShown, detail, onLoadDetail } = props;
  const [expanded, setExpanded] = React.useState(false);
  const loaded = detail?.status === 'loaded' ? detail.variable ?? null : null;
  const columns: IColumn[] = loaded?.columns ?? variable.columns ?? [];
  const total = Math.max(
    loaded?.columns_total ?? variable.columns_total ?? columns.length,
    columns.length
  );
  if (columns.length === 0 && total === 0) {
    return null;
  }
  const capped = total > columns.length;
  const visible = expanded ? columns : columns.slice(0, columnsShown);
  const listId = `jp-SymphonyPanel-columns-${variable.name}`;
  return (
    <div className="jp-SymphonyPanel-columnsBlock">
      <table className="jp-SymphonyPanel-columns" id={listId}>
        <colgroup>
          <col className="jp-SymphonyPanel-columnNameCol" />
          <col className="jp-SymphonyPanel-dtypeCol" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">{trans.__('Column')}</th>
            <th scope="col">{trans.__('Dtype')}</th>
          </tr>
        </thead>
        <tbody>
          {visible.map((column, i) => (
            <tr key={`${i}:${column.name}`} className="jp-SymphonyPanel-column">
              <td className="jp-SymphonyPanel-columnName" title={column.name}>
                {column.name}
              </td>
              <td className="jp-SymphonyPanel-dtype" title={column.dtype}>
                {column.dtype}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {columns.length > columnsShown ? (
        <Button
          minimal
          small
          className="jp-SymphonyPanel-showColumns"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded
            ? trans.__('Show fewer columns')
            : capped
              ? trans.__(
                  'Show %1 of %2 columns',
                  formatInteger(columns.length),
                  formatInteger(total)
                )
              : trans.__('Show all %1 columns', formatInteger(columns.length))}
        </Button>
      ) : null}
      {capped && !loaded ? (
        <Button
          minimal
          small
          className="jp-SymphonyPanel-loadColumns"
          disabled={detail?.status === 'loading'}
          onClick={() => {
            setExpanded(true);
            onLoadDetail(variable.name);
          }}
        >
          {detail?.status === 'loading'
            ? trans.__('Loading columns…')
            : trans.__('Load all %1 columns', formatInteger(total))}
        </Button>
      ) : null}
      {capped && loaded ? (
        <p className="jp-SymphonyPanel-note">
          {trans.__(
            'Showing the first %1 of %2 columns.',
            formatInteger(columns.length),
            formatInteger(total)
          )}
        </p>
      ) : null}
      {detail?.status === 'error' ? (
        <p className="jp-SymphonyPanel-loadError" role="alert">
          {trans.__('Could not load the columns: %1', detail.error ?? '')}
        </p>
      ) : null}
    </div>
  );
}
