/*
 * The pins plugins: our MIME renderer (pinned views in notebook outputs),
 * the Pin / Pin board / Export actions of the board, and the ipywidgets
 * model and view of symphony_lab.show().
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { DisposableDelegate } from '@lumino/disposable';

import { ISymphonyCatalogs, ISymphonyComponents, IBoardView } from '../tokens';
import { setPinActions } from './actions';
import { pinContext } from './context';
import { plainData, WIDGET_MODULE, WIDGET_VERSION } from './mime';
import { AnnotationSource, pinViews } from './pin';
import { rendererFactory, RENDERER_RANK } from './renderer';
import { ISymphonyPins } from './tokens';

export namespace PinCommandIDs {
  export const pinBoard = 'symphony-lab:pin-board';
  export const exportBoard = 'symphony-lab:export-board';
}

/** A file name from a title: letters, digits and dashes. */
export function exportFileName(date: Date): string {
  const stamp = date.toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `symphony-board-${stamp}.html`;
}

/**
 * Ask the server for the exported page of views and save it as a download.
 * With the board's kernel, the server has the kernel encode the views'
 * frames (as `symphony_lab.export()` does), so that the page filters offline.
 */
async function exportViews(
  settings: ServerConnection.ISettings,
  views: ReadonlyArray<IBoardView>,
  title: string,
  kernelId: string | null
): Promise<{ name: string; offline: boolean }> {
  const url = URLExt.join(settings.baseUrl, 'symphony-lab', 'api', 'pins', 'export');
  const body = {
    title,
    kernel_id: kernelId ?? undefined,
    views: views.map(v => ({
      spec: {
        component: v.component,
        variables: v.variables,
        params: v.params,
        state: v.state ?? { filter: [] }
      },
      data: plainData(v.result?.data ?? null),
      // What the data was computed from: the kernel says so if a variable changed since.
      fingerprints: v.result?.fingerprints ?? null
    }))
  };
  const response = await ServerConnection.makeRequest(
    url,
    { method: 'POST', body: JSON.stringify(body) },
    settings
  );
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw new Error(
      typeof answer?.message === 'string' ? answer.message : response.statusText
    );
  }
  const html = await response.text();
  const name = exportFileName(new Date());
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  // Whether the kernel could encode the views' frames (the page's header says why not).
  return { name, offline: response.headers.get('X-Symphony-Lab-Offline') === 'codes' };
}

export const pinsPlugin: JupyterFrontEndPlugin<ISymphonyPins> = {
  id: 'symphony-lab:pins',
  description:
    'Pin Symphony views into notebooks (a cell with symphony_lab.show() and an output readable everywhere), draw pinned views, export the board.',
  autoStart: true,
  requires: [ISymphonyComponents, ISymphonyCatalogs, INotebookTracker, IRenderMimeRegistry],
  optional: [ITranslator, ICommandPalette],
  provides: ISymphonyPins,
  activate: (
    app: JupyterFrontEnd,
    registry: ISymphonyComponents,
    catalogs: ISymphonyCatalogs,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ): ISymphonyPins => {
    const trans = (translator ?? nullTranslator).load('symphony_lab');
    const settings = app.serviceManager.serverSettings;
    let annotations: AnnotationSource | null = null;
    pinContext.current = {
      registry,
      catalogs,
      trans,
      rendermime,
      kernelFor: node => {
        const panel = tracker.find(p => p.node.contains(node));
        return panel?.sessionContext.session?.kernel?.id ?? null;
      }
    };
    rendermime.addFactory(rendererFactory, RENDERER_RANK);

    const pin = (views: ReadonlyArray<IBoardView>, wholeBoard = false): void => {
      pinViews({
        panel: tracker.currentWidget,
        views,
        board: catalogs.board,
        settings,
        trans,
        annotations,
        wholeBoard
      })
        .then(n =>
          Notification.success(
            n === 1
              ? trans.__('Pinned 1 view into the notebook.')
              : trans.__('Pinned %1 views into the notebook.', n),
            { autoClose: 3000 }
          )
        )
        .catch(reason =>
          Notification.error(
            trans.__('Could not pin: %1', reason instanceof Error ? reason.message : String(reason)),
            { autoClose: 8000 }
          )
        );
    };
    const doExport = (views: ReadonlyArray<IBoardView>): void => {
      const notebook = tracker.currentWidget?.context.path ?? '';
      const title = notebook
        ? trans.__('Symphony board of %1', notebook)
        : trans.__('Symphony board');
      exportViews(settings, views, title, catalogs.board.kernelId)
        .then(({ name, offline }) =>
          offline
            ? Notification.success(
                trans.__('Exported the board as %1; it filters offline.', name),
                { autoClose: 4000 }
              )
            : Notification.warning(
                trans.__(
                  'Exported the board as %1; its views are not filtered offline (the page says why).',
                  name
                ),
                { autoClose: 8000 }
              )
        )
        .catch(reason =>
          Notification.error(
            trans.__('Could not export: %1', reason instanceof Error ? reason.message : String(reason)),
            { autoClose: 8000 }
          )
        );
    };
    setPinActions({ pin, exportViews: doExport });

    const ready = (): IBoardView[] =>
      catalogs.board.views.filter(v => v.result && v.status !== 'missing');
    app.commands.addCommand(PinCommandIDs.pinBoard, {
      label: trans.__('Symphony: Pin board into the notebook'),
      isEnabled: () => ready().length > 0,
      execute: () => pin(ready(), true)
    });
    app.commands.addCommand(PinCommandIDs.exportBoard, {
      label: trans.__('Symphony: Export board as HTML'),
      isEnabled: () => ready().length > 0,
      execute: () => doExport(ready())
    });
    if (palette) {
      for (const command of [PinCommandIDs.pinBoard, PinCommandIDs.exportBoard]) {
        palette.addItem({ command, category: trans.__('Symphony') });
      }
    }
    return {
      setAnnotations: source => {
        annotations = source;
        return new DisposableDelegate(() => {
          if (annotations === source) {
            annotations = null;
          }
        });
      }
    };
  }
};

/** The model and view of symphony_lab.show(), for the ipywidgets manager. */
export const widgetsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'symphony-lab:widgets',
  description: 'The ipywidgets model and view of symphony_lab.show().',
  autoStart: true,
  requires: [IJupyterWidgetRegistry, ISymphonyPins],
  activate: (_: JupyterFrontEnd, widgets: IJupyterWidgetRegistry): void => {
    widgets.registerWidget({
      name: WIDGET_MODULE,
      version: WIDGET_VERSION,
      exports: async () => {
        const module = await import('./widget');
        return {
          SymphonyViewModel: module.SymphonyViewModel,
          SymphonyViewView: module.SymphonyViewView
        } as any;
      }
    });
  }
};
