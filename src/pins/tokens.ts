/*
 * The pins' public interface: another plugin (collaboration) says where the
 * annotations of a view are (its board and its id there); a pin asks the
 * server for those threads and records them in its cell and its output.
 */
import { Token } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';

import type { AnnotationSource } from './pin';

export interface ISymphonyPins {
  /** Say where the annotations of a view are (the last source set wins). */
  setAnnotations(source: AnnotationSource): IDisposable;
}

export const ISymphonyPins = new Token<ISymphonyPins>(
  'symphony-lab:ISymphonyPins',
  'Pins of Symphony views into notebooks; a plugin may give the annotations a pin records.'
);
