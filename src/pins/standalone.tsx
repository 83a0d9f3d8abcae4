/*
 * The exported dashboard (symphony_lab/pins/export.py inlines this bundle in
 * one HTML file): the views embedded in the page, drawn by the same
 * renderers as the side panel, with one local board (filter, selection) and
 * no request to any server.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { createRoot } from 'react-dom/client';

import { IViewRenderer } from '../tokens';
import { RENDERERS } from '../views';
import { PinnedCard } from './card';
import { IPinPayload, payloadView, readPayloads } from './mime';
import { SnapshotBoard } from './snapshotboard';

/** Messages as written (the page is English), with %1, %2 … filled in. */
function fill(msg: string, args: unknown[]): string {
  return msg.replace(/%(\d+)/g, (m, i) => {
    const v = args[Number(i) - 1];
    return v === undefined ? m : String(v);
  });
}

const plain = {
  __: (msg: string, ...args: unknown[]) => fill(msg, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args]),
  _p: (_: string, msg: string, ...args: unknown[]) => fill(msg, args),
  _np: (_: string, one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args]),
  gettext: (msg: string, ...args: unknown[]) => fill(msg, args),
  ngettext: (one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args]),
  pgettext: (_: string, msg: string, ...args: unknown[]) => fill(msg, args),
  npgettext: (_: string, one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args]),
  dcnpgettext: (_d: string, _c: string, one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args])
};
const trans = plain as unknown as TranslationBundle;

const table = new Map<string, IViewRenderer>(RENDERERS);
const renderers = { get: (name: string) => table.get(name) ?? null };

function Page(props: { payloads: IPinPayload[] }): JSX.Element {
  const { payloads } = props;
  const board = React.useMemo(
    () =>
      new SnapshotBoard({
        views: payloads.map((p, i) => payloadView(p, `export-${i}`)),
        state: { filter: [] }
      }),
    [payloads]
  );
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const fn = (): void => setTick(t => t + 1);
    board.changed.connect(fn);
    return () => {
      board.changed.disconnect(fn);
    };
  }, [board]);
  return (
    <div className="jp-SymphonyPins jp-SymphonyExport-views">
      {payloads.map((p, i) => (
        <PinnedCard
          key={i}
          view={board.views[i]}
          title={p.title}
          summary={p.summary}
          provenance={p.provenance}
          mode="snapshot"
          board={board}
          renderers={renderers}
          trans={trans}
        />
      ))}
    </div>
  );
}

function main(): void {
  const source = document.getElementById('symphony-lab-data');
  const mount = document.getElementById('symphony-lab-app');
  if (!source || !mount) {
    return;
  }
  let payloads: IPinPayload[] = [];
  try {
    payloads = readPayloads(JSON.parse(source.textContent || 'null'));
  } catch (reason) {
    console.error('symphony-lab: the embedded views cannot be read.', reason);
    return;
  }
  mount.textContent = '';
  createRoot(mount).render(<Page payloads={payloads} />);
}

main();
