/*
 * The board's REST routes (see docs/api.md): the board file of a notebook,
 * single-user saves, and annotation operations (always through the server,
 * which stamps the author).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { JSONObject } from '@lumino/coreutils';

import { AnnotationRequest, IAnnotation, IBoardInfo, IDocView } from './tokens';

const BOARDS = 'symphony-lab/api/boards';

async function request<T>(
  settings: ServerConnection.ISettings,
  path: string,
  notebook: string,
  init: RequestInit
): Promise<T> {
  const url =
    URLExt.join(settings.baseUrl, path) +
    URLExt.objectToQueryString({ notebook });
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    throw await ServerConnection.ResponseError.create(response);
  }
  return (await response.json()) as T;
}

export class BoardClient {
  constructor(settings: ServerConnection.ISettings) {
    this._settings = settings;
  }

  get serverSettings(): ServerConnection.ISettings {
    return this._settings;
  }

  /** The board of a notebook (null board when it has none yet). */
  get(notebook: string): Promise<IBoardInfo> {
    return request(this._settings, BOARDS, notebook, { method: 'GET' });
  }

  /** Create the board file if it does not exist. */
  ensure(notebook: string): Promise<IBoardInfo> {
    return request(this._settings, BOARDS, notebook, { method: 'POST' });
  }

  /** Save views and state (single-user mode). */
  save(
    notebook: string,
    views: Record<string, IDocView>,
    state: JSONObject
  ): Promise<IBoardInfo> {
    return request(this._settings, BOARDS, notebook, {
      method: 'PUT',
      body: JSON.stringify({ views, state })
    });
  }

  annotate(notebook: string, op: AnnotationRequest): Promise<IAnnotation> {
    return request(this._settings, `${BOARDS}/annotations`, notebook, {
      method: 'POST',
      body: JSON.stringify(op)
    });
  }

  private _settings: ServerConnection.ISettings;
}
