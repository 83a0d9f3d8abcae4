/*
 * Our renderers, registered through ISymphonyComponents the same way a
 * third party's would be (see docs/frontend.md, "Adding a component").
 */
import { IDisposable } from '@lumino/disposable';

import { ISymphonyComponents, IViewRenderer } from '../tokens';
import { confusionRenderer } from './confusion';
import { correlationsRenderer } from './correlations';
import { distributionRenderer } from './distribution';
import { driftRenderer } from './drift';
import { duplicatesRenderer } from './duplicates';
import { embeddingRenderer } from './embedding';
import { labelIssuesRenderer } from './label_issues';
import { missingRenderer } from './missing';
import { modelCardRenderer } from './modelcard';
import { outliersRenderer } from './outliers';
import { subgroupsRenderer } from './subgroups';
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
  ['table', tableRenderer],
  ['confusion', confusionRenderer],
  ['drift', driftRenderer],
  ['model_card', modelCardRenderer],
  ['embedding', embeddingRenderer],
  ['subgroups', subgroupsRenderer],
  ['label_issues', labelIssuesRenderer]
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
  confusionRenderer,
  correlationsRenderer,
  distributionRenderer,
  driftRenderer,
  duplicatesRenderer,
  labelIssuesRenderer,
  missingRenderer,
  modelCardRenderer,
  outliersRenderer,
  subgroupsRenderer,
  summaryRenderer,
  tableRenderer
};
