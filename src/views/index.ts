/*
 * Our renderers, registered through ISymphonyComponents the same way a
 * third party's would be (see docs/frontend.md, "Adding a component").
 */
import { IDisposable } from '@lumino/disposable';

import { ISymphonyComponents, IViewRenderer } from '../tokens';
import { correlationsRenderer } from './correlations';
import { distributionRenderer } from './distribution';
import { duplicatesRenderer } from './duplicates';
import { missingRenderer } from './missing';
import { outliersRenderer } from './outliers';
import { summaryRenderer } from './summary';
import { tableRenderer } from './table';

/** Our renderers by component name. */
export const RENDERERS: ReadonlyArray<[string, IViewRenderer]> = [
  ['summary', summaryRenderer],
  ['distribution', distributionRenderer],
  ['missing', missingRenderer],
  ['duplicates', duplicatesRenderer],
  ['correlations', correlationsRenderer],
  ['outliers', outliersRenderer],
  ['table', tableRenderer]
];

/** Register our renderers; dispose the result to take them back. */
export function registerRenderers(
  registry: ISymphonyComponents
): IDisposable[] {
  return RENDERERS.map(([name, renderer]) =>
    registry.register(name, renderer)
  );
}

export {
  correlationsRenderer,
  distributionRenderer,
  duplicatesRenderer,
  missingRenderer,
  outliersRenderer,
  summaryRenderer,
  tableRenderer
};
