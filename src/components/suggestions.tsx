/*
 * Findings (above the variables) and suggestions (under each variable):
 * buttons that open the view that shows them on the board. Every string
 * from the server is rendered as text.
 *
 * DOM hooks:
 *   .jp-SymphonyPanel-findings
 *     .jp-SymphonyPanel-finding[data-kind][data-severity]
 *   .jp-SymphonyPanel-suggestions
 *     .jp-SymphonyPanel-suggestion[data-component][data-variables]
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { splitTicks } from '../format';
import { viewKey } from '../suggestions';
import {
  IFinding,
  ISuggestion,
  ISymphonyComponents,
  IViewSpec,
  Severity
} from '../tokens';

function severityLabel(severity: Severity, trans: TranslationBundle): string {
  switch (severity) {
    case 'high':
      return trans.__('high');
    case 'medium':
      return trans.__('medium');
    default:
      return trans.__('low');
  }
}

/**
 * A message from the server with Markdown-style backticks: the text between
 * them is set as <code>. Text nodes only, never HTML.
 */
export function TickedText(props: { text: string }): JSX.Element {
  return (
    <>
      {splitTicks(props.text).map((part, i) =>
        part.code ? (
          <code key={i} className="jp-SymphonyPanel-code">
            {part.text}
          </code>
        ) : (
          <React.Fragment key={i}>{part.text}</React.Fragment>
        )
      )}
    </>
  );
}

export interface IFindingsProps {
  findings: IFinding[];
  registry: ISymphonyComponents;
  trans: TranslationBundle;
  onOpen: (spec: IViewSpec) => void;
  /** Listed before "Show all N findings" (default 4). */
  shown?: number;
  /** Drawn after each finding (collaboration: its comments). */
  decorate?: (finding: IFinding) => JSX.Element | null;
}

/** The findings section; nothing when there is none. */
export function Findings(props: IFindingsProps): JSX.Element | null {
  const { findings, registry, trans, onOpen, shown = 4, decorate } = props;
  const [expanded, setExpanded] = React.useState(false);
  if (findings.length === 0) {
    return null;
  }
  const headingId = 'jp-SymphonyPanel-findings-heading';
  const listId = 'jp-SymphonyPanel-findings-list';
  // One more would take the room of the toggle: show it.
  const capped = findings.length > shown + 1;
  const visible = capped && !expanded ? findings.slice(0, shown) : findings;
  return (
    <section
      className="jp-SymphonyPanel-findings"
      aria-labelledby={headingId}
    >
      <h3 className="jp-SymphonyPanel-sectionTitle" id={headingId}>
        {trans.__('Findings')}
        <span className="jp-SymphonyPanel-count">{findings.length}</span>
      </h3>
      <ul className="jp-SymphonyPanel-list" id={listId}>
        {visible.map((finding, i) => {
          const severity = severityLabel(finding.severity, trans);
          return (
            <li key={`${i}:${finding.kind}:${finding.variables.join(',')}`}>
              <button
                type="button"
                className="jp-SymphonyPanel-finding"
                data-kind={finding.kind}
                data-severity={finding.severity}
                title={trans.__(
                  'Open %1 of %2',
                  registry.title(finding.component),
                  finding.variables.join(', ')
                )}
                onClick={() =>
                  onOpen({
                    component: finding.component,
                    variables: finding.variables,
                    params: finding.params
                  })
                }
              >
                <span
                  className="jp-SymphonyPanel-severity"
                  data-severity={finding.severity}
                >
                  {severity}
                  <span className="jp-SymphonyView-srOnly">:</span>
                </span>
                <span className="jp-SymphonyPanel-findingMessage">
                  <TickedText text={finding.message} />
                </span>
              </button>
              {decorate?.(finding) ?? null}
            </li>
          );
        })}
      </ul>
      {capped ? (
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyPanel-moreFindings"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded
            ? trans.__('Show fewer findings')
            : trans.__('Show all %1 findings', findings.length)}
        </button>
      ) : null}
    </section>
  );
}

export interface ISuggestionListProps {
  /** The variable the list is under. */
  name: string;
  suggestions: ISuggestion[];
  registry: ISymphonyComponents;
  trans: TranslationBundle;
  /** Keys (viewKey) of the views open on the board. */
  open: ReadonlySet<string>;
  onOpen: (spec: IViewSpec) => void;
  /** Listed before "N more" (default 3). */
  shown?: number;
}

/** The suggestions of one variable. */
export function SuggestionList(props: ISuggestionListProps): JSX.Element | null {
  const { name, suggestions, registry, trans, open, onOpen, shown = 3 } = props;
  const [expanded, setExpanded] = React.useState(false);
  if (suggestions.length === 0) {
    return null;
  }
  const visible = expanded ? suggestions : suggestions.slice(0, shown);
  const listId = `jp-SymphonyPanel-suggestions-${name}`;
  return (
    <div className="jp-SymphonyPanel-suggestions">
      <ul
        className="jp-SymphonyPanel-suggestionList"
        id={listId}
        aria-label={trans.__('Suggested views of %1', name)}
      >
        {visible.map(suggestion => {
          const key = viewKey(suggestion);
          const others = suggestion.variables.slice(1);
          const title = registry.title(suggestion.component);
          return (
            <li key={key}>
              <button
                type="button"
                className="jp-SymphonyPanel-suggestion"
                data-component={suggestion.component}
                data-variables={suggestion.variables.join(',')}
                data-open={open.has(key) ? 'true' : undefined}
                onClick={() =>
                  onOpen({
                    component: suggestion.component,
                    variables: suggestion.variables,
                    params: suggestion.params
                  })
                }
              >
                <span className="jp-SymphonyPanel-suggestionTitle">
                  {others.length > 0
                    ? trans.__('%1 with %2', title, others.join(', '))
                    : title}
                </span>
                {suggestion.reason ? (
                  <span className="jp-SymphonyPanel-suggestionReason">
                    <TickedText text={suggestion.reason} />
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
      {suggestions.length > shown ? (
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyPanel-moreSuggestions"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded
            ? trans.__('Fewer suggestions')
            : trans.__('%1 more suggestions', suggestions.length - shown)}
        </button>
      ) : null}
    </div>
  );
}
