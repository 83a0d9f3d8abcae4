/*
 * symphony-lab's JupyterLab plugins: wiring only. The logic lives in
 * client.ts (server API), model.ts (what to show), follower.ts (which
 * notebook) and widgets/panel.tsx (how it looks).
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CatalogClient } from './client';
import { SessionFollower } from './follower';
import { CatalogModel } from './model';
import { IPanelConfig, ISymphonyCatalogs } from './tokens';
import { SymphonyPanel } from './widgets/panel';

export * from './tokens';

const PLUGIN_ID = 'symphony-lab:plugin';

/** Command ids. */
export namespace CommandIDs {
  export const open = 'symphony-lab:open';
}

const plugin: JupyterFrontEndPlugin<ISymphonyCatalogs> = {
  id: PLUGIN_ID,
  description:
    'The Symphony side panel: the DataFrames, arrays and models the current notebook’s kernel holds.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette, ILayoutRestorer, ITranslator],
  provides: ISymphonyCatalogs,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
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
    const panel = new SymphonyPanel({
      model,
      translator: translator ?? nullTranslator
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
    if (palette) {
      palette.addItem({
        command: CommandIDs.open,
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

    return { client, model };
  }
};

export default plugin;
