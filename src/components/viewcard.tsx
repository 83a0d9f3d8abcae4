/*
 * One view on the board: a card with its title, controls (collapse, move
 * up/down, close), a status line and the renderer's drawing (a generic one
 * for a component without a renderer). A renderer that throws is caught
 * here and its error shown as text.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  closeIcon,
  moveDownIcon,
  moveUpIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import { BoardModel } from '../board';
import { formatDuration, formatInteger } from '../format';
import { PinButton } from '../pins/actions';
import { describeView } from '../registry';
import { GenericView } from '../views/generic';
import {
  IBoardState,
  IBoardView,
  ISymphonyComponents,
  IViewRenderer
} from '../tokens';

/**
 * The header's icons, made once: React skips an element it was given before,
 * so a card drawn again does not draw (and style) its icons again.
 */
const ICONS = {
  expand: <caretRightIcon.react tag="span" elementSize="small" />,
  collapse: <caretDownIcon.react tag="span" elementSize="small" />,
  retry: <refreshIcon.react tag="span" elementSize="small" />,
  moveUp: <moveUpIcon.react tag="span" elementSize="small" />,
  moveDown: <moveDownIcon.react tag="span" elementSize="small" />,
  close: <closeIcon.react tag="span" elementSize="small" />
};

/** The title of a view: "Distribution · df · age by label". */
export function viewTitle(
  view: IBoardView,
  registry: ISymphonyComponents
): string {
  const title = registry.title(view.component);
  const detail = describeView(registry, view);
  if (detail && view.variables.length > 1) {
    return `${title} · ${detail}`;
  }
  return [title, view.variables.join(', '), detail].filter(Boolean).join(' · ');
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The parts of the status line of a computed view. */
export function statusParts(
  view: IBoardView,
  trans: TranslationBundle
): string[] {
  const data = view.result?.data as { [key: string]: unknown } | undefined;
  const parts: string[] = [];
  if (!data || typeof data !== 'object') {
    return parts;
  }
  const rows = num(data.rows);
  const filtered = num(data.filtered_rows);
  if (data.sampled === true) {
    const sample = num(data.sample_rows);
    const of = filtered ?? rows;
    parts.push(
      sample !== null && of !== null
        ? trans.__('sampled: %1 of %2 rows', formatInteger(sample), formatInteger(of))
        : trans.__('sampled')
    );
  }
  const selection = view.result?.selection;
  if (selection?.error) {
    parts.push(trans.__('selection not applied: %1', selection.error));
  } else if (selection && !selection.source && selection.rows !== undefined) {
    parts.push(
      trans.__('on the selection (%1 rows)', formatInteger(selection.rows))
    );
  } else if (selection?.source) {
    parts.push(trans.__('the selection is made here'));
  }
  const clauses = view.state?.filter.length ?? 0;
  if (clauses > 0 && rows !== null && filtered !== null) {
    parts.push(
      filtered < rows
        ? trans.__('filtered: %1 of %2 rows', formatInteger(filtered), formatInteger(rows))
        : trans.__('the filter keeps all %1 rows', formatInteger(rows))
    );
  }
  if (view.result?.cached) {
    parts.push(trans.__('cached'));
  }
  return parts;
}

class RenderBoundary extends React.Component<
  { trans: TranslationBundle; children: React.ReactNode; resetKey: unknown },
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
    // New data: try the renderer again.
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
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

export interface IViewCardProps {
  /** Prefix of the element ids (the board may be shown twice). */
  idPrefix: string;
  /** Move the focus to the card when the board asks to bring it into sight. */
  takeFocus: boolean;
  view: IBoardView;
  index: number;
  count: number;
  board: BoardModel;
  registry: ISymphonyComponents;
  trans: TranslationBundle;
  /**
   * What the card shows that comes from the board and the registry rather
   * than from `view` (the board passes them, so that a card whose view, state
   * and renderer did not change is not drawn again; see `ViewCard`). Read
   * from `board` and `registry` when left out.
   */
  state?: IBoardState;
  focusSeq?: number | null;
  title?: string;
  description?: string;
  renderer?: IViewRenderer | null;
}

/**
 * How long a view that already shows an answer computes its next one before
 * it says so ("computing…", its body dimmed). Most answers come sooner: a
 * brush's linked views would otherwise flash twice, and the browser would
 * draw that flash while the kernel computes (on a laptop's two cores).
 */
export const BUSY_DELAY_MS = 300;

/** Whether a view has been computing for longer than `BUSY_DELAY_MS`. */
function useSlow(loading: boolean): boolean {
  const [slow, setSlow] = React.useState(false);
  React.useEffect(() => {
    if (!loading) {
      setSlow(false);
      return;
    }
    const timer = setTimeout(() => setSlow(true), BUSY_DELAY_MS);
    return () => clearTimeout(timer);
  }, [loading]);
  return loading && slow;
}

/**
 * One card of the board. Drawn again only when one of its props changes
 * (React.memo): an answer for one view leaves the other cards alone.
 */
export const ViewCard = React.memo(ViewCardBody);

function ViewCardBody(props: IViewCardProps): JSX.Element {
  const { view, index, count, board, registry, trans, idPrefix, takeFocus } =
    props;
  const boardState = props.state ?? board.state;
  const loading = view.status === 'loading';
  const slow = useSlow(loading);
  // A view with an answer keeps showing it, and what it says of it, until
  // its next answer comes or it has computed for a while.
  const quietlyLoading = loading && !slow && !!view.result && !view.progress;
  const title = props.title ?? viewTitle(view, registry);
  const headingRef = React.useRef<HTMLHeadingElement>(null);
  const cardRef = React.useRef<HTMLElement>(null);
  const focusSeq =
    props.focusSeq !== undefined
      ? props.focusSeq
      : board.focus?.id === view.id
        ? board.focus.seq
        : null;
  React.useEffect(() => {
    if (focusSeq === null || !headingRef.current) {
      return;
    }
    cardRef.current?.scrollIntoView?.({ block: 'nearest' });
    if (takeFocus) {
      headingRef.current.focus({ preventScroll: true });
    }
  }, [focusSeq]);

  const renderer =
    props.renderer !== undefined ? props.renderer : registry.get(view.component);
  const Body = renderer?.component ?? GenericView;
  const headingId = `${idPrefix}-${view.id}-title`;
  const bodyId = `${idPrefix}-${view.id}-body`;
  let status: React.ReactNode = null;
  switch (quietlyLoading ? 'ready' : view.status) {
    case 'loading':
      status = view.progress ? (
        <span className="jp-SymphonyView-progress">
          <progress
            max={1}
            value={view.progress.fraction}
            aria-label={trans.__('Progress of %1', title)}
          />
          <span className="jp-SymphonyView-progressText">
            {trans.__(
              '%1… %2%',
              view.progress.phase,
              Math.round(view.progress.fraction * 100)
            )}
          </span>
          <button
            type="button"
            className="jp-SymphonyView-cancel"
            aria-label={trans.__('Cancel computing %1', title)}
            onClick={() => board.cancel(view.id)}
          >
            {trans.__('Cancel')}
          </button>
        </span>
      ) : (
        trans.__('computing…')
      );
      break;
    case 'waiting':
      status = trans.__('waiting for the kernel to be idle…');
      break;
    case 'missing':
      status = trans.__(
        'The kernel does not hold %1 any more.',
        view.variables.join(', ')
      );
      break;
    case 'error':
      status = view.error;
      break;
    default:
      status = statusParts(view, trans).join(' · ');
  }
  const elapsed = view.result ? formatDuration(view.result.elapsed_ms) : '';
  return (
    <section
      ref={cardRef}
      className="jp-SymphonyView"
      data-component={view.component}
      data-variables={view.variables.join(',')}
      data-status={view.status}
      aria-labelledby={headingId}
      aria-busy={loading}
      data-busy={loading && !quietlyLoading ? 'true' : undefined}
    >
      <header className="jp-SymphonyView-header">
        <button
          type="button"
          className="jp-SymphonyView-iconButton jp-SymphonyView-collapse"
          aria-expanded={!view.collapsed}
          aria-controls={bodyId}
          aria-label={view.collapsed ? trans.__('Expand %1', title) : trans.__('Collapse %1', title)}
          title={view.collapsed ? trans.__('Expand') : trans.__('Collapse')}
          onClick={() => board.setCollapsed(view.id, !view.collapsed)}
        >
          {view.collapsed ? ICONS.expand : ICONS.collapse}
        </button>
        <h4
          ref={headingRef}
          className="jp-SymphonyView-title"
          id={headingId}
          tabIndex={-1}
          title={
            (props.description ?? registry.info(view.component)?.description) ||
            title
          }
        >
          {title}
        </h4>
        {view.status === 'error' ? (
          <button
            type="button"
            className="jp-SymphonyView-iconButton jp-SymphonyView-retry"
            aria-label={trans.__('Compute %1 again', title)}
            title={trans.__('Try again')}
            onClick={() => board.refresh(view.id)}
          >
            {ICONS.retry}
          </button>
        ) : null}
        <PinButton view={view} title={title} trans={trans} />
        <button
          type="button"
          className="jp-SymphonyView-iconButton jp-SymphonyView-moveUp"
          aria-label={trans.__('Move %1 up', title)}
          title={trans.__('Move up')}
          disabled={index === 0}
          onClick={() => board.move(view.id, -1)}
        >
          {ICONS.moveUp}
        </button>
        <button
          type="button"
          className="jp-SymphonyView-iconButton jp-SymphonyView-moveDown"
          aria-label={trans.__('Move %1 down', title)}
          title={trans.__('Move down')}
          disabled={index === count - 1}
          onClick={() => board.move(view.id, 1)}
        >
          {ICONS.moveDown}
        </button>
        <button
          type="button"
          className="jp-SymphonyView-iconButton jp-SymphonyView-close"
          aria-label={trans.__('Close %1', title)}
          title={trans.__('Close')}
          onClick={() => board.close(view.id)}
        >
          {ICONS.close}
        </button>
      </header>
      {!view.collapsed ? (
        <>
          <div
            className="jp-SymphonyView-status"
            data-status={quietlyLoading ? 'ready' : view.status}
            role={view.status === 'error' ? 'alert' : 'status'}
            title={elapsed ? trans.__('Computed in %1', elapsed) : undefined}
          >
            {status}
          </div>
          <div className="jp-SymphonyView-body" id={bodyId}>
            {view.result && view.status !== 'missing' ? (
              <RenderBoundary trans={trans} resetKey={view.result}>
                <Body
                  view={view}
                  data={view.result.data}
                  result={view.result}
                  filter={boardState.filter}
                  board={board}
                  trans={trans}
                />
              </RenderBoundary>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
