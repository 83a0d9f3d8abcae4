/*
 * What pinned outputs and widgets need from the application, set once by the
 * pins plugin: the renderers, the panel's catalogs and board (to link a view
 * to the board), the kernel of the notebook an output is in.
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import type { ISymphonyCatalogs, ISymphonyComponents } from '../tokens';

export interface IPinContext {
  registry: ISymphonyComponents;
  catalogs: ISymphonyCatalogs | null;
  trans: TranslationBundle;
  /** Renders comment texts as sanitized Markdown (null: plain text). */
  rendermime?: IRenderMimeRegistry | null;
  /** The kernel of the notebook whose output holds this node, if any. */
  kernelFor(node: HTMLElement): string | null;
}

/** The live widget models of symphony-lab by model id (see widget.ts). */
export interface IWidgetModelLike {
  readonly model_id: string;
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  save_changes(): void;
  on(event: string, callback: () => void, context?: unknown): void;
  off(event: string, callback: () => void, context?: unknown): void;
}

class Context {
  get current(): IPinContext | null {
    return this._current;
  }

  set current(value: IPinContext | null) {
    this._current = value;
  }

  get widgetsChanged(): ISignal<Context, void> {
    return this._widgetsChanged;
  }

  widget(id: string): IWidgetModelLike | null {
    return this._widgets.get(id) ?? null;
  }

  addWidget(model: IWidgetModelLike): void {
    this._widgets.set(model.model_id, model);
    this._widgetsChanged.emit(undefined);
  }

  removeWidget(model: IWidgetModelLike): void {
    if (this._widgets.get(model.model_id) === model) {
      this._widgets.delete(model.model_id);
      this._widgetsChanged.emit(undefined);
    }
  }

  private _current: IPinContext | null = null;
  private _widgets = new Map<string, IWidgetModelLike>();
  private _widgetsChanged = new Signal<Context, void>(this);
}

/** The one context of the application. */
export const pinContext = new Context();
