/*
 * A pinned view drawn in a notebook output, a widget or an exported page:
 * the title, who pinned it and when, the state it was computed with, and the
 * component's own renderer (the same one the side panel uses) in an error
 * boundary. No component draws anything here itself.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatNumber } from '../format';
import {
  FilterClause,
  IBoardModel,
  IBoardView,
  IViewRenderer
} from '../tokens';
import { GenericView } from '../views/generic';
import type { IProvenance } from './mime';

/** Where renderers are found (the registry, or the exported page's table). */
export interface IRendererLookup {
  get(name: string): IViewRenderer | null;
}

/** How the card's data relates to the kernel. */
export type PinMode = 'live' | 'snapshot' | 'widget';

class Boundary extends React.Component<
  { trans: TranslationBundle; resetKey: unknown; children: React.ReactNode },
  { error: string | null; key: unknown }
> {
  state = { error: null as string | null, key: undefined as unknown };

  static getDerivedStateFromError(error: unknown): { error: string } {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  static getDerivedStateFromProps(
    props: { resetKey: unknown },
    state: { error: string | null; key: unknown }
  ): { error: string | null; key: unknown } | null {
    return props.resetKey !== state.key
      ? { error: null, key: props.resetKey }
      : null;
  }

  render(): React.ReactNode {
    if (this.state.error !== null) {
      return (
        <p className="jp-SymphonyView-unexpected" role="alert">
          {this.props.trans.__('This view failed to draw: %1', this.state.error)}
        </p>
      );
    }
    return this.props.children;
  }
}

function bound(value: number | string | null): string {
  return value === null ? '…' : typeof value === 'number' ? formatNumber(value) : value;
}

/** A clause as text: "age: 30 – 50", "sex: f, m". */
export function clauseLabel(clause: FilterClause): string {
  if (clause.op === 'range') {
    return `${clause.column}: ${bound(clause.min)} – ${bound(clause.max)}`;
  }
  const values = clause.values.map(v => (v === null ? '(missing)' : String(v)));
  return `${clause.column}: ${values.slice(0, 3).join(', ')}${
    values.length > 3 ? ` +${values.length - 3}` : ''
  }`;
}

/** "pinned by Ada at 2026-11-27 16:40 UTC, after cell [12]". */
export function provenanceText(
  prov: IProvenance | null,
  trans: TranslationBundle
): string {
  if (!prov) {
    return '';
  }
  const who =
    prov.pinned_by?.display_name || prov.pinned_by?.name || prov.pinned_by?.username;
  const when = prov.pinned_at ? prov.pinned_at.replace('T', ' ').replace(/\+00:00$/, ' UTC') : '';
  const parts: string[] = [];
  if (who) {
    parts.push(trans.__('pinned by %1', who));
  }
  if (when) {
    parts.push(who ? trans.__('at %1', when) : trans.__('computed at %1', when));
  }
  if (prov.execution_count !== null) {
    parts.push(trans.__('after cell [%1]', prov.execution_count));
  }
  return parts.join(' ');
}

export interface IPinnedCardProps {
  view: IBoardView;
  title: string;
  summary: string;
  provenance: IProvenance | null;
  mode: PinMode;
  board: IBoardModel;
  renderers: IRendererLookup;
  trans: TranslationBundle;
  /** Shown above the drawing (computing, an error of a live view). */
  status?: string | null;
  /** Open the view on the side panel's board. */
  onOpenOnBoard?: () => void;
  /** Drawn under the view (the comment threads recorded with a pin). */
  footer?: React.ReactNode;
}

/** One pinned view. */
export function PinnedCard(props: IPinnedCardProps): JSX.Element {
  const { view, title, summary, provenance, mode, board, renderers, trans } = props;
  const renderer = renderers.get(view.component);
  const Body = renderer?.component ?? GenericView;
  const filter = board.state.filter;
  const modeText =
    mode === 'live'
      ? trans.__('live · linked to the board')
      : mode === 'widget'
        ? trans.__('computed in the kernel')
        : trans.__('snapshot');
  return (
    <section
      className="jp-SymphonyPin"
      data-component={view.component}
      data-variables={view.variables.join(',')}
      data-mode={mode}
      aria-label={title}
    >
      <header className="jp-SymphonyPin-header">
        <span className="jp-SymphonyPin-title">{title}</span>
        <span className="jp-SymphonyPin-mode" data-mode={mode}>
          {modeText}
        </span>
        {props.onOpenOnBoard ? (
          <button
            type="button"
            className="jp-SymphonyView-button jp-SymphonyPin-open"
            onClick={props.onOpenOnBoard}
          >
            {trans.__('Open on board')}
          </button>
        ) : null}
      </header>
      <div className="jp-SymphonyPin-meta">
        {provenanceText(provenance, trans)}
      </div>
      {filter.length > 0 || board.state.selection ? (
        <div className="jp-SymphonyPin-state" aria-label={trans.__('State of the view')}>
          {filter.map(c => (
            <span key={c.column} className="jp-SymphonyPin-chip">
              {clauseLabel(c)}
              {mode !== 'live' ? (
                <button
                  type="button"
                  className="jp-SymphonyPin-chipClear"
                  aria-label={trans.__('Remove the filter on %1', c.column)}
                  onClick={() => board.removeClause(c.column)}
                >
                  ×
                </button>
              ) : null}
            </span>
          ))}
          {board.state.selection ? (
            <span className="jp-SymphonyPin-chip">
              {trans.__('selection: %1', board.state.selection.label)}
              {mode !== 'live' ? (
                <button
                  type="button"
                  className="jp-SymphonyPin-chipClear"
                  aria-label={trans.__('Clear the selection')}
                  onClick={() => board.setSelection(null)}
                >
                  ×
                </button>
              ) : null}
            </span>
          ) : null}
        </div>
      ) : null}
      {props.status ? (
        <div className="jp-SymphonyPin-status" role="status">
          {props.status}
        </div>
      ) : null}
      <p className="jp-SymphonyPin-summary">{summary}</p>
      <div className="jp-SymphonyPin-body">
        {view.result ? (
          <Boundary trans={trans} resetKey={view.result}>
            <Body
              view={view}
              data={view.result.data}
              result={view.result}
              filter={filter}
              board={board}
              trans={trans}
            />
          </Boundary>
        ) : null}
      </div>
      {props.footer ?? null}
    </section>
  );
}
