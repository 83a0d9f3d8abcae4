/*
 * The pin and export buttons of the board (a card's "Pin", the board's "Pin
 * board" and "Export"). The pins plugin sets what they do; without it (tests,
 * another application) they are not shown.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IBoardModel, IBoardView } from '../tokens';

export interface IPinActions {
  /** Pin views into the current notebook (one cell each); `wholeBoard`: "Pin board" (the board's threads go too). */
  pin(views: ReadonlyArray<IBoardView>, wholeBoard?: boolean): void;
  /** Export views as one self-contained HTML file. */
  exportViews(views: ReadonlyArray<IBoardView>): void;
}

let current: IPinActions | null = null;

/** Set (or clear) what the buttons do. */
export function setPinActions(actions: IPinActions | null): void {
  current = actions;
}

/** A card's "Pin" button. */
export function PinButton(props: {
  view: IBoardView;
  title: string;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { view, title, trans } = props;
  if (!current) {
    return null;
  }
  const actions = current;
  return (
    <button
      type="button"
      className="jp-SymphonyView-button jp-SymphonyView-pin"
      aria-label={trans.__('Pin %1 into the notebook', title)}
      title={trans.__('Pin into the notebook, below the active cell')}
      disabled={!view.result || view.status === 'missing'}
      onClick={() => actions.pin([view])}
    >
      {trans.__('Pin')}
    </button>
  );
}

/** The board's "Pin board" and "Export" buttons. */
export function BoardPinButtons(props: {
  board: IBoardModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { board, trans } = props;
  if (!current || board.views.length === 0) {
    return null;
  }
  const actions = current;
  const ready = board.views.filter(v => v.result && v.status !== 'missing');
  return (
    <span className="jp-SymphonyBoard-pins">
      <button
        type="button"
        className="jp-SymphonyView-button jp-SymphonyBoard-pin"
        title={trans.__('Pin every open view into the notebook')}
        disabled={ready.length === 0}
        onClick={() => actions.pin(ready, true)}
      >
        {trans.__('Pin board')}
      </button>
      <button
        type="button"
        className="jp-SymphonyView-button jp-SymphonyBoard-export"
        title={trans.__('Export the open views as one HTML file that works offline')}
        disabled={ready.length === 0}
        onClick={() => actions.exportViews(ready)}
      >
        {trans.__('Export')}
      </button>
    </span>
  );
}
