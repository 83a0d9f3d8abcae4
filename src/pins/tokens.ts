/*
 * The pins' public interface: other plugins (collaboration) can give the
 * annotations attached to a view, which a pin records in its cell.
 */
import { Token } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';

import type { AnnotationSource } from './pin';

export interface ISymphonyPins {
  /** Give the annotations of a view (the last source set wins). */
  setAnnotations(source: AnnotationSource): IDisposable;
}

export const ISymphonyPins = new Token<ISymphonyPins>(
  'symphony-lab:ISymphonyPins',
  'Pins of Symphony views into notebooks; a plugin may give the annotations a pin records.'
);
