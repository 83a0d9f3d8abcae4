/*
 * symphony-lab's JupyterLab plugins: wiring only. The logic lives in
 * client.ts (server API), model.ts (what to show), board.ts (open views and
 * the shared filter), follower.ts (which notebook), registry.ts and views/
 * (how each component is drawn) and widgets/ (how it looks).
 *
 * - symphony-lab:components provides ISymphonyComponents, the registry of
 *   renderers;
 * - symphony-lab:views registers our renderers through it, as a third
 *   party would;
 * - symphony-lab:plugin makes the side panel and provides ISymphonyCatalogs.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { BoardModel } from './board';
import { collaborationPlugin } from './collab/plugin';
import { CatalogClient, fetchComponents } from './client';
import { SessionFollower } from './follower';
import { symphonyIcon } from './icons';
import { CatalogModel } from './model';
import { ComponentRegistry, stateForView } from './registry';
import {
  IPanelConfig,
  ISymphonyCatalogs,
  ISymphonyComponents
} from './tokens';
import { pinsPlugin, widgetsPlugin } from './pins/plugin';
import { registerRenderers } from './views';
import { BoardWidget } from './widgets/board';
import { SymphonyPanel } from './widgets/panel';

export * from './tokens';

const PLUGIN_ID = 'symphony-lab:plugin';

/** Command ids. */
export namespace CommandIDs {
  export const open = 'symphony-lab:open';
  export const openBoard = 'symphony-lab:open-board';
}

/** The registry of renderers. */
const componentsPlugin: JupyterFrontEndPlugin<ISymphonyComponents> = {
  id: 'symphony-lab:components',
  description:
    'The registry of Symphony view renderers (ISymphonyComponents): one renderer per component name.',
  autoStart: true,
  provides: ISymphonyComponents,
  activate: (app: JupyterFrontEnd): ISymphonyComponents => {
    const registry = new ComponentRegistry();
    // Titles and descriptions of the components the server knows.
    fetchComponents(app.serviceManager.serverSettings)
      .then(list => registry.setInfo(list))
      .catch(reason => {
        console.warn('symphony-lab: could not list the components.', reason);
      });
    return registry;
  }
};

/** Our renderers: summary, distribution, missing, duplicates. */
const viewsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'symphony-lab:views',
  description:
    'The renderers of symphony-lab’s own components, registered through ISymphonyComponents.',
  autoStart: true,
  requires: [ISymphonyComponents],
  activate: (_: JupyterFrontEnd, registry: ISymphonyComponents): void => {
    registerRenderers(registry);
  }
};

const plugin: JupyterFrontEndPlugin<ISymphonyCatalogs> = {
  id: PLUGIN_ID,
  description:
    'The Symphony side panel: the DataFrames, arrays and models the current notebook’s kernel holds.',
  autoStart: true,
  requires: [INotebookTracker, ISymphonyComponents],
  optional: [ISettingRegistry, ICommandPalette, ILayoutRestorer, ITranslator],
  provides: ISymphonyCatalogs,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    registry: ISymphonyComponents,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): ISymphonyCatalogs => {
    const trans = (translator ?? nullTranslator).load('symphony_lab');
    const client = new CatalogClient({
      serverSettings: app.serviceManager.serverSettings
    });
    const model = new CatalogModel({ client });
    const board = new BoardModel({
      fetchView: (kernelId, request, signal, onProgress) =>
        client.fetchView(kernelId, request, signal, onProgress),
      stateFor: (spec, state) => stateForView(registry, spec, state),
      // A change after a quiet time (a brush released) is computed at once;
      // changes within 40 ms of the last one are joined (keys held down).
      debounce: 40,
      // The board's filter and open views go to the server (other viewers,
      // and Python's symphony_lab.selection()); states it pushes come back.
      sendState: (kernelId, state) => client.sendState(kernelId, state)
    });
    client.stateReceived.connect((_, state) => board.applyState(state));
    board.follow(model);
    const panel = new SymphonyPanel({
      model,
      board,
      registry,
      translator: translator ?? nullTranslator,
      onOpenBoard: () => void app.commands.execute(CommandIDs.openBoard)
    });
    new SessionFollower(tracker, source => model.setSource(source));

    app.shell.add(panel, 'right', { rank: 600, type: 'Symphony' });
    if (restorer) {
      restorer.add(panel, 'symphony-lab');
    }

    app.commands.addCommand(CommandIDs.open, {
      label: trans.__('Symphony: Show panel'),
      caption: trans.__(
        'Show the DataFrames, arrays and models of the current notebook’s kernel'
      ),
      icon: args => (args['isPalette'] ? undefined : panel.title.icon),
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });

    // The board in the main area, for views that need room. The kernel is
    // watched while the side panel or this widget is shown.
    const boards = new WidgetTracker<MainAreaWidget<BoardWidget>>({
      namespace: 'symphony-lab-board'
    });
    app.commands.addCommand(CommandIDs.openBoard, {
      label: trans.__('Symphony: Open board in main area'),
      caption: trans.__('Show the board of Symphony views in the main area'),
      execute: () => {
        const current = boards.currentWidget;
        if (current && !current.isDisposed) {
          app.shell.activateById(current.id);
          return;
        }
        const content = new BoardWidget({ board, registry, trans });
        const widget = new MainAreaWidget({ content });
        widget.id = 'symphony-lab-board';
        widget.title.label = trans.__('Symphony board');
        widget.title.icon = symphonyIcon;
        widget.title.closable = true;
        const hold = model.retain();
        widget.disposed.connect(() => hold.dispose());
        void boards.add(widget);
        app.shell.add(widget, 'main', { mode: 'split-right' });
        app.shell.activateById(widget.id);
      }
    });
    if (palette) {
      palette.addItem({
        command: CommandIDs.open,
        category: trans.__('Symphony')
      });
      palette.addItem({
        command: CommandIDs.openBoard,
        category: trans.__('Symphony')
      });
    }

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = (): void => {
            model.setConfig(settings.composite as Partial<IPanelConfig>);
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error('symphony-lab: could not load settings.', reason);
        });
    }

    return { client, model, board };
  }
};

export default [
  componentsPlugin,
  viewsPlugin,
  plugin,
  collaborationPlugin,
  pinsPlugin,
  widgetsPlugin
];
