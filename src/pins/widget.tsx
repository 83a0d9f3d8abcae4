/*
 * The ipywidgets 8 model and view of symphony_lab.show() (Python
 * symphony_lab/pins/show.py, module "symphony-lab"). The model registers
 * itself while it lives, so a pinned output carrying it draws its views; the
 * view draws them with the same cards and renderers.
 */
import {
  DOMWidgetModel,
  DOMWidgetView,
  ISerializers
} from '@jupyter-widgets/base';
import * as React from 'react';
import { createRoot, Root } from 'react-dom/client';

import { pinContext } from './context';
import { WIDGET_MODULE, WIDGET_VERSION } from './mime';
import { WidgetViews } from './output';

const MODULE_NAME = WIDGET_MODULE;
const MODULE_VERSION = WIDGET_VERSION;

export class SymphonyViewModel extends DOMWidgetModel {
  defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      _model_name: 'SymphonyViewModel',
      _model_module: MODULE_NAME,
      _model_module_version: MODULE_VERSION,
      _view_name: 'SymphonyViewView',
      _view_module: MODULE_NAME,
      _view_module_version: MODULE_VERSION,
      views: [],
      states: []
    };
  }

  initialize(
    attributes: Backbone.ObjectHash,
    options: { model_id: string; comm?: any; widget_manager: any }
  ): void {
    super.initialize(attributes, options);
    pinContext.addWidget(this);
    this.once('destroy', () => pinContext.removeWidget(this));
    this.on('comm_live_update', () => {
      if (!this.comm_live) {
        pinContext.removeWidget(this);
      }
    });
  }

  static serializers: ISerializers = { ...DOMWidgetModel.serializers };
}

export class SymphonyViewView extends DOMWidgetView {
  render(): void {
    this.el.classList.add('jp-SymphonyWidget');
    const ctx = pinContext.current;
    if (!ctx) {
      this.el.textContent = 'symphony-lab is not ready.';
      return;
    }
    this._root = createRoot(this.el);
    this._root.render(
      <WidgetViews model={this.model as SymphonyViewModel} ctx={ctx} node={this.el} />
    );
  }

  remove(): void {
    this._root?.unmount();
    this._root = null;
    super.remove();
  }

  private _root: Root | null = null;
}
