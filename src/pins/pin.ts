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
import { plainData } from './mime';

/** What a pin records about annotations (from the collaboration plugin, when it gives them). */
export interface IPinAnnotation {
  id: string;
  author: string;
  text: string;
  created: string | null;
}

/** Gives the annotations attached to a view (see ISymphonyPins.setAnnotations). */
export type AnnotationSource = (view: IBoardView) => IPinAnnotation[];

/** The server's answer for one pin. */
export interface IPinAnswer {
  bundle: JSONObject;
  pinned_by: JSONObject | null;
  pinned_at: string;
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
  if (!context.contentsModel || !context.path) {
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
  state: IBoardView['state']
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
    execution_count: view.result?.execution_count ?? null
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
  for (const view of ready) {
    // The state the view was computed with (its own brush left out).
    const state = view.state ?? board.state;
    const source = showCode(view.component, view.variables, view.params, state);
    const answer = await requestBundle(settings, view, state);
    let annotations: IPinAnnotation[] = [];
    try {
      annotations = options.annotations?.(view) ?? [];
    } catch {
      annotations = [];
    }
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
