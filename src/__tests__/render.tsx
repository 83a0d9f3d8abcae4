/**
 * Rendering a view renderer in jsdom, shared by the renderer specs.
 */
import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { act } from 'react';

import { BoardModel } from '../board';
import { IBoardView, IViewRendererProps, IViewSpec } from '../tokens';
import { viewResult } from './helpers';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

/** A React root (react-dom/client, required: its types are not a dependency). */
export interface IRoot {
  render(node: React.ReactNode): void;
  unmount(): void;
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const { createRoot } = require('react-dom/client') as {
  createRoot: (node: Element) => IRoot;
};

export const trans = nullTranslator.load('symphony_lab');

/**
 * Render `Component` for a view opened on `board` with `data`, and render it again whenever the
 * board changes (as the board's card does).
 */
export function drawView(
  root: IRoot,
  board: BoardModel,
  Component: React.ComponentType<IViewRendererProps>,
  spec: IViewSpec,
  data: unknown
): IBoardView {
  const id = board.open(spec)!;
  const view = board.views.find(v => v.id === id)!;
  const result = viewResult(spec, data);
  const rerender = () =>
    root.render(
      <Component
        view={board.views.find(v => v.id === id) ?? view}
        data={data}
        result={result}
        filter={board.state.filter}
        board={board}
        trans={trans}
      />
    );
  act(rerender);
  board.changed.connect(() => act(rerender));
  return view;
}

/**
 * Let the board announce its last change of the shared state (it does so in
 * the task after the change, src/board.ts) and the views draw it.
 */
export async function announced(board: BoardModel): Promise<void> {
  await act(() => board.announced());
}

/** What a renderer spec draws on: a host element in the document, a React root on it, a board following kernel `k1`. */
export interface IStage {
  host: HTMLElement;
  root: IRoot;
  board: BoardModel;
}

/** A fresh stage (call in `beforeEach`). */
export function mountStage(): IStage {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const board = new BoardModel();
  board.setKernel('k1');
  return { host, root: createRoot(host), board };
}

/** Take a stage down (call in `afterEach`). */
export function unmountStage(stage: IStage): void {
  act(() => stage.root.unmount());
  stage.host.remove();
  stage.board.dispose();
}
