/*
 * The board: the active filter as removable chips, then the open views as
 * cards. Rendered in the side panel, and in the main area by the
 * "Symphony: Open board in main area" command.
 *
 * DOM hooks:
 *   .jp-SymphonyBoard                        the board
 *   .jp-SymphonyBoard-filters                the filter chips
 *     .jp-SymphonyBoard-chip[data-column]    one clause; its × removes it
 *   .jp-SymphonyView[data-component][data-variables][data-status]
 *     .jp-SymphonyView-status / .jp-SymphonyView-body
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { launchIcon, ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { BoardModel } from '../board';
import { ViewCard, viewTitle } from '../components/viewcard';
import { BoardPinButtons } from '../pins/actions';
import { formatNumber } from '../format';
import { FilterClause, IBoardView, IFinding, ISymphonyComponents } from '../tokens';

function boundText(value: number | string | null): string {
  if (value === null) {
    return '…';
  }
  return typeof value === 'number' ? formatNumber(value) : value;
}

/** A clause as text: "age: 30 – 50", "city: Paris, Lyon". */
export function clauseText(clause: FilterClause, trans: TranslationBundle): string {
  if (clause.op === 'range') {
    return `${clause.column}: ${boundText(clause.min)} – ${boundText(clause.max)}`;
  }
  const values = clause.values.map(v =>
    v === null ? trans.__('(missing)') : String(v)
  );
  const shown = values.slice(0, 3).join(', ');
  return `${clause.column}: ${shown}${values.length > 3 ? ` +${values.length - 3}` : ''}`;
}

/**
 * What another plugin adds to the board (collaboration): a header above the
 * views, a bar above each view, and where the user looks.
 */
export interface IBoardDecorator {
  header?: () => JSX.Element | null;
  view?: (view: IBoardView) => JSX.Element | null;
  /** The pointer or the focus entered a view (its id), or left the views. */
  look?: (viewId: string | null) => void;
  /** After the selection's or the group-by's chip (e.g. its comments). */
  chip?: (kind: 'selection' | 'group') => JSX.Element | null;
  /** After a finding in the panel (e.g. its comments). */
  finding?: (finding: IFinding) => JSX.Element | null;
}

const decorators = new WeakMap<object, IBoardDecorator>();

/** The decorator of a board, if a plugin set one. */
export function boardDecorator(board: object): IBoardDecorator | null {
  return decorators.get(board) ?? null;
}

/** Decorate every rendering of a board (null: stop). */
export function setBoardDecorator(
  board: object,
  decorator: IBoardDecorator | null
): void {
  if (decorator) {
    decorators.set(board, decorator);
  } else {
    decorators.delete(board);
  }
}

export interface IBoardViewProps {
  board: BoardModel;
  registry: ISymphonyComponents;
  trans: TranslationBundle;
  /** Prefix of element ids, unique per place the board is shown. */
  idPrefix?: string;
  /** Move the focus to a view opened (the side panel does). */
  takeFocus?: boolean;
  /** Show the board in the main area too (a button in the heading). */
  onOpenInMain?: () => void;
}

/** The filter chips, and the selection's. */
function Filters(props: IBoardViewProps): JSX.Element | null {
  const { board, trans } = props;
  const filter = board.state.filter;
  const selection = board.state.selection;
  const groups = board.state.groups;
  if (filter.length === 0 && !selection && !groups) {
    return null;
  }
  return (
    <div
      className="jp-SymphonyBoard-filters"
      role="group"
      aria-label={trans.__('Filter applied to every view')}
    >
      <span className="jp-SymphonyBoard-filtersLabel">
        {filter.length > 0
          ? trans.__('Filter')
          : selection
            ? trans.__('Selection')
            : trans.__('Groups')}
      </span>
      {groups ? (
        <span
          className="jp-SymphonyBoard-chip jp-SymphonyBoard-groups"
          data-column={groups.column}
          title={trans.__('Views that split by a group use %1', groups.column)}
        >
          <span className="jp-SymphonyBoard-chipText">
            {trans.__('by %1', groups.column)}
          </span>
          <button
            type="button"
            className="jp-SymphonyBoard-chipRemove"
            aria-label={trans.__('Stop grouping by %1', groups.column)}
            onClick={() => board.setGroups(null)}
          >
            ×
          </button>
        </span>
      ) : null}
      {groups ? decorators.get(board)?.chip?.('group') ?? null : null}
      {selection ? (
        <span
          className="jp-SymphonyBoard-chip jp-SymphonyBoard-selection"
          data-component={selection.component}
          title={trans.__(
            'Selected in %1 of %2',
            props.registry.title(selection.component),
            selection.variables.join(', ')
          )}
        >
          <span className="jp-SymphonyBoard-chipText">
            {selection.label || trans.__('Selected rows')}
          </span>
          <button
            type="button"
            className="jp-SymphonyBoard-chipRemove"
            aria-label={trans.__('Clear the selection')}
            onClick={() => board.setSelection(null)}
          >
            ×
          </button>
        </span>
      ) : null}
      {selection ? decorators.get(board)?.chip?.('selection') ?? null : null}
      {filter.map(clause => {
        const text = clauseText(clause, trans);
        return (
          <span
            key={clause.column}
            className="jp-SymphonyBoard-chip"
            data-column={clause.column}
            data-op={clause.op}
            title={text}
          >
            <span className="jp-SymphonyBoard-chipText">{text}</span>
            <button
              type="button"
              className="jp-SymphonyBoard-chipRemove"
              aria-label={trans.__('Remove the filter on %1', clause.column)}
              onClick={() => board.removeClause(clause.column)}
            >
              ×
            </button>
          </span>
        );
      })}
      {filter.length > 1 ? (
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyBoard-clear"
          onClick={() => board.clearFilter()}
        >
          {trans.__('Clear all')}
        </button>
      ) : null}
    </div>
  );
}

/** The board: filter chips and cards. Renders nothing when it is empty. */
export function BoardView(props: IBoardViewProps): JSX.Element | null {
  const {
    board,
    registry,
    trans,
    idPrefix = 'jp-SymphonyBoard',
    takeFocus = false,
    onOpenInMain
  } = props;
  const headingId = `${idPrefix}-heading`;
  const views = board.views;
  const decorator = decorators.get(board);
  if (views.length === 0 && board.state.filter.length === 0) {
    return null;
  }
  return (
    <section className="jp-SymphonyBoard" aria-labelledby={headingId}>
      <h3 className="jp-SymphonyPanel-sectionTitle" id={headingId}>
        {trans.__('Board')}
        <span className="jp-SymphonyPanel-count">{views.length}</span>
        {views.length > 1 ? (
          <button
            type="button"
            className="jp-SymphonyView-button jp-SymphonyBoard-closeAll"
            onClick={() => board.closeAll()}
          >
            {trans.__('Close all')}
          </button>
        ) : null}
        <BoardPinButtons board={board} trans={trans} />
        {onOpenInMain ? (
          <button
            type="button"
            className="jp-SymphonyView-iconButton jp-SymphonyBoard-openInMain"
            aria-label={trans.__('Open the board in the main area')}
            title={trans.__('Open the board in the main area')}
            onClick={onOpenInMain}
          >
            <launchIcon.react tag="span" elementSize="small" />
          </button>
        ) : null}
      </h3>
      <Filters {...props} />
      {decorator?.header?.() ?? null}
      {views.length === 0 ? (
        <p className="jp-SymphonyView-note">
          {trans.__('No view is open. Open one from a finding or a suggestion.')}
        </p>
      ) : (
        <div className="jp-SymphonyBoard-views">
          {views.map((view, i) => {
            const card = (
              <ViewCard
                key={view.id}
                idPrefix={idPrefix}
                takeFocus={takeFocus}
                view={view}
                index={i}
                count={views.length}
                board={board}
                registry={registry}
                trans={trans}
                state={board.state}
                focusSeq={board.focus?.id === view.id ? board.focus.seq : null}
                title={viewTitle(view, registry)}
                description={registry.info(view.component)?.description}
                renderer={registry.get(view.component)}
              />
            );
            return decorator?.view ? (
              <div
                key={view.id}
                className="jp-SymphonyBoard-item"
                onMouseEnter={() => decorator.look?.(view.id)}
                onFocus={() => decorator.look?.(view.id)}
                onMouseLeave={() => decorator.look?.(null)}
              >
                {decorator.view(view)}
                {card}
              </div>
            ) : (
              card
            );
          })}
        </div>
      )}
    </section>
  );
}

/** The board as a widget of its own (main area). */
export class BoardWidget extends ReactWidget {
  constructor(options: IBoardViewProps) {
    super();
    this._props = options;
    this.addClass('jp-SymphonyBoardWidget');
    options.board.changed.connect(this._onBoardChange, this);
    options.registry.changed.connect(this._onChange, this);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._props.board.changed.disconnect(this._onBoardChange, this);
    this._props.registry.changed.disconnect(this._onChange, this);
    super.dispose();
  }

  protected render(): JSX.Element {
    const { board, trans } = this._props;
    return (
      <div className="jp-SymphonyBoardWidget-content">
        <BoardView {...this._props} idPrefix="jp-SymphonyBoardWidget" />
        {board.views.length === 0 && board.state.filter.length === 0 ? (
          <p className="jp-SymphonyView-note">
            {board.kernelId
              ? trans.__('No view is open. Open one from a finding or a suggestion in the Symphony panel.')
              : trans.__('Open a notebook with a kernel to see its board.')}
          </p>
        ) : null}
      </div>
    );
  }

  private _onChange(): void {
    this.update();
  }

  private _onBoardChange(): void {
    if (!this._props.board.drawingHeld) {
      this.update(); // (a held change is drawn when the hold ends: `changed` fires again)
    }
  }

  private _props: IBoardViewProps;
}
