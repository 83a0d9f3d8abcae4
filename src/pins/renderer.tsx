/*
 * The rendermime renderer of our MIME type: a pinned view in a notebook
 * output (or a show() output), drawn by the registered renderers.
 */
import type { IRenderMime } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { createRoot, Root } from 'react-dom/client';

import { pinContext } from './context';
import { PinnedOutput } from './output';
import { VIEW_MIME_TYPE, WIDGET_MIME_TYPE } from './mime';

/** Rank of our factory: before ipywidgets' (-10), so a show() output whose
 * widget model is gone (kernel restarted, notebook reopened) still shows its
 * views; while the model lives, our renderer draws the widget's views. */
export const RENDERER_RANK = -20;

export class PinnedViewRenderer extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass('jp-SymphonyPinOutput');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const ctx = pinContext.current;
    if (!ctx) {
      this.node.textContent = String(model.data['text/plain'] ?? '');
      return Promise.resolve();
    }
    const widget = model.data[WIDGET_MIME_TYPE] as { model_id?: unknown } | undefined;
    const widgetId =
      widget && typeof widget.model_id === 'string' && widget.model_id
        ? widget.model_id
        : null;
    if (!this._root) {
      this._root = createRoot(this.node);
    }
    this._root.render(
      <PinnedOutput
        data={model.data[VIEW_MIME_TYPE]}
        widgetId={widgetId}
        ctx={ctx}
        node={this.node}
      />
    );
    return Promise.resolve();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const root = this._root;
    this._root = null;
    // Unmount after the current render pass (React warns when synchronous).
    if (root) {
      window.setTimeout(() => root.unmount(), 0);
    }
    super.dispose();
  }

  private _root: Root | null = null;
}

/** The rendermime factory of our MIME type. */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [VIEW_MIME_TYPE],
  defaultRank: RENDERER_RANK,
  createRenderer: () => new PinnedViewRenderer()
};
