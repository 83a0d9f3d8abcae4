/*
 * Where the annotations of a pinned view are: the collaboration plugin's
 * board session (its notebook) and the view's id in the board document.
 * The collaboration plugin calls `connectPinAnnotations` with its
 * controller; the pin then asks the server for those threads (the server
 * reads them from the board, in shared and in single-user mode alike).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';

import type { IBoardView } from '../tokens';
import type { AnnotationSource } from './pin';
import { ISymphonyPins } from './tokens';

/** What the collaboration controller offers (see src/collab/controller.ts). */
export interface IAnnotationHost {
  readonly session: { readonly notebook: string } | null;
  docIdOf(localId: string): string | null;
}

/** The annotation source of a collaboration controller. */
export function annotationSource(host: IAnnotationHost): AnnotationSource {
  return (view: IBoardView) => {
    const session = host.session;
    if (!session || !session.notebook) {
      return null;
    }
    return { notebook: session.notebook, view: host.docIdOf(view.id) };
  };
}

/** Give the pins (when they are there) the annotations the controller knows of. */
export function connectPinAnnotations(
  app: JupyterFrontEnd,
  host: IAnnotationHost
): void {
  app
    .resolveOptionalService(ISymphonyPins)
    .then(pins => {
      pins?.setAnnotations(annotationSource(host));
    })
    .catch(reason =>
      console.warn('symphony-lab: pins will not record annotations.', reason)
    );
}
