/*
 * The collaboration plugin: registers the board document type with
 * jupyter-collaboration's content provider (when it is there), opens the
 * board of the followed notebook, binds it to the BoardModel and decorates
 * the board with presence and annotation threads.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import * as React from 'react';

import { BoardModel } from '../board';
import { connectPinAnnotations } from '../pins/annotations';
import { ISymphonyCatalogs } from '../tokens';
import { setBoardDecorator } from '../widgets/board';
import { BoardClient } from './client';
import {
  CollabHeader,
  findingTarget,
  groupTarget,
  selectionTarget,
  TargetComments,
  ViewDecoration
} from './components';
import { CollabController } from './controller';
import { BoardDoc } from './doc';
import { BOARD_CONTENT_TYPE } from './session';

export const collaborationPlugin: JupyterFrontEndPlugin<void> = {
  id: 'symphony-lab:collaboration',
  description:
    'The board of each notebook as a shared document: teammates see the same views, filter and selection, who is here, and annotation threads.',
  autoStart: true,
  requires: [ISymphonyCatalogs],
  optional: [ICollaborativeContentProvider, IRenderMimeRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    catalogs: ISymphonyCatalogs,
    provider: ICollaborativeContentProvider | null,
    rendermime: IRenderMimeRegistry | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('symphony_lab');
    const board = catalogs.board;
    if (!(board instanceof BoardModel)) {
      return;
    }
    if (provider) {
      provider.sharedModelFactory.registerDocumentFactory(
        BOARD_CONTENT_TYPE,
        () => BoardDoc.create()
      );
    }
    const disabled = PageConfig.getOption('disableRTC') === 'true';
    const controller = new CollabController({
      board,
      model: catalogs.model,
      client: new BoardClient(app.serviceManager.serverSettings),
      provider: disabled ? null : provider,
      offReason: disabled
        ? trans.__(
            'collaboration is turned off in this JupyterLab (disableRTC): the board is saved for you alone.'
          )
        : provider
          ? null
          : trans.__(
              'jupyter-collaboration is not active in this JupyterLab: the board is saved for you alone.'
            ),
      username: () => app.serviceManager.user.identity?.username ?? ''
    });
    // Pins record the threads of the pinned view (and of the board, for "Pin board").
    connectPinAnnotations(app, controller);
    const props = { controller, rendermime, trans };
    setBoardDecorator(board, {
      header: () => (
        <CollabHeader {...props} model={catalogs.model} board={board} />
      ),
      view: view => (
        <ViewDecoration
          {...props}
          view={view}
          title={`${view.component} · ${view.variables.join(', ')}`}
        />
      ),
      look: id => controller.look(id),
      chip: kind => {
        const { selection, groups } = board.state;
        if (kind === 'selection' && selection) {
          return (
            <TargetComments {...props} target={selectionTarget(selection)} what={trans.__('the selection')} />
          );
        }
        if (kind === 'group' && groups) {
          return (
            <TargetComments {...props} target={groupTarget(groups)} what={trans.__('the groups')} />
          );
        }
        return null;
      },
      finding: finding => (
        <TargetComments {...props} target={findingTarget(finding)} what={trans.__('this finding')} />
      )
    });
  }
};
