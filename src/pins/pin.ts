/*
 * Pinning: a view of the board becomes a code cell below the active cell,
 * inserted through the notebook's shared model (so jupyter-collaboration
 * carries it to every collaborator), with `symphony_lab.show(...)` as code
 * and an output bundle made by the server (our MIME type and the static
 * fallbacks; who pinned is the server's identity of the user).
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { URLExt } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IBoardModel, IBoardView, JSONObject } from '../tokens';
import { showCode } from './code';
import { IPinThread, plainData } from './mime';

/**
 * Which board's threads go with a view: the board's notebook and the view's
 * id in the board document (null when the view is not on a shared board).
 * The server reads the threads there; nothing from the browser is trusted
 * about who wrote what.
 */
export interface IPinAnnotationRef {
  notebook: string;
  view: string | null;
}

/** Gives where the annotations of a view are (see ISymphonyPins.setAnnotations). */
export type AnnotationSource = (view: IBoardView) => IPinAnnotationRef | null;

/** The server's answer for one pin. */
export interface IPinAnswer {
  bundle: JSONObject;
  pinned_by: JSONObject | null;
  pinned_at: string;
  /** The threads recorded (also in the bundle's payload). */
  annotations?: IPinThread[];
}

/** Why a notebook cannot take a pin, or null when it can. */
export function cannotPin(
  panel: NotebookPanel | null,
  trans: TranslationBundle
): string | null {
  if (!panel || !panel.content.model) {
    return trans.__('Open a notebook to pin views into.');
  }
  const context = panel.context;
  // A notebook made by File › New and never saved by its user (JupyterLab
  // keeps `isUntitled` until the first save or rename): its name, and the
  // board file beside it, are not the ones it will keep.
  if (!context.contentsModel || !context.path || panel.isUntitled === true) {
    return trans.__(
      'This notebook has not been saved yet: save it, then pin the view.'
    );
  }
  if (context.contentsModel.writable === false || panel.content.model.readOnly) {
    return trans.__(
      'This notebook is read-only: pins cannot be added to it. Save a copy (File › Save Notebook As…) and pin there.'
    );
  }
  return null;
}

/** Ask the server for the output bundle of a view. */
export async function requestBundle(
  settings: ServerConnection.ISettings,
  view: IBoardView,
  state: IBoardView['state'],
  annotations: (IPinAnnotationRef & { board: boolean }) | null = null
): Promise<IPinAnswer> {
  const url = URLExt.join(settings.baseUrl, 'symphony-lab', 'api', 'pins');
  const body = {
    spec: {
      component: view.component,
      variables: view.variables,
      params: view.params,
      state: state ?? { filter: [] }
    },
    data: plainData(view.result?.data ?? null),
    execution_count: view.result?.execution_count ?? null,
    ...(annotations ? { annotations } : {})
  };
  const response = await ServerConnection.makeRequest(
    url,
    { method: 'POST', body: JSON.stringify(body) },
    settings
  );
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(
      typeof answer?.message === 'string' ? answer.message : response.statusText
    );
  }
  return answer as IPinAnswer;
}

/**
 * Pin views into the notebook below its active cell, in order; returns how
 * many were pinned. Throws with a message for the user.
 */
export async function pinViews(options: {
  panel: NotebookPanel | null;
  views: ReadonlyArray<IBoardView>;
  board: IBoardModel;
  settings: ServerConnection.ISettings;
  trans: TranslationBundle;
  annotations?: AnnotationSource | null;
  /** "Pin board": the board's own threads go with the first view. */
  wholeBoard?: boolean;
}): Promise<number> {
  const { panel, views, board, settings, trans } = options;
  const reason = cannotPin(panel, trans);
  if (reason !== null || !panel) {
    throw new Error(reason ?? '');
  }
  const ready = views.filter(v => v.result && v.status !== 'missing');
  if (ready.length === 0) {
    throw new Error(trans.__('No computed view to pin yet.'));
  }
  const cells: JSONObject[] = [];
  for (const [i, view] of ready.entries()) {
    // The state the view was computed with (its own brush left out).
    const state = view.state ?? board.state;
    const source = showCode(view.component, view.variables, view.params, state);
    let ref: IPinAnnotationRef | null = null;
    try {
      ref = options.annotations?.(view) ?? null;
    } catch {
      ref = null;
    }
    const answer = await requestBundle(
      settings,
      view,
      state,
      ref ? { ...ref, board: options.wholeBoard === true && i === 0 } : null
    );
    const annotations = answer.annotations ?? [];
    cells.push({
      cell_type: 'code',
      source,
      execution_count: null,
      outputs: [
        {
          output_type: 'display_data',
          data: answer.bundle,
          metadata: {}
        }
      ],
      metadata: {
        symphony_lab: {
          pin: {
            component: view.component,
            variables: [...view.variables],
            pinned_by: answer.pinned_by,
            pinned_at: answer.pinned_at,
            annotations
          }
        }
      }
    });
  }
  const notebook = panel.content;
  const shared = notebook.model!.sharedModel;
  const index = Math.min(
    Math.max(notebook.activeCellIndex + 1, 0),
    shared.cells.length
  );
  shared.transact(() => {
    shared.insertCells(index, cells as any);
  });
  notebook.activeCellIndex = index + cells.length - 1;
  return cells.length;
}
