/*
 * The exported dashboard (symphony_lab/pins/export.py inlines this bundle in
 * one HTML file): the views embedded in the page, drawn by the same
 * renderers as the side panel, with one local board (filter, selection) and
 * no request to any server. When the page carries binned codes of the
 * views' frames (symphony_lab/pins/cube.py), a change of the filter or the
 * selection computes the views that can be computed again (./offline.ts) and
 * feeds the new data to the same renderers; the others keep their exported
 * data and say so.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { createRoot } from 'react-dom/client';

import { IBoardState, IBoardView, IViewRenderer } from '../tokens';
import { RENDERERS } from '../views';
import { PinnedCard } from './card';
import { IPinPayload, payloadView, readPayloads } from './mime';
import { IOfflineCube, readOffline, recompute } from './offline';
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

/** What a card says about its data when the state is not the exported one. */
interface INote {
  /** Computed again in the page (else: kept as exported). */
  computed: boolean;
  text: string;
}

/** A state as comparable text: filter, selection and groups, absent ones as null. */
function stateKey(state: Partial<IBoardState> | null | undefined): string {
  const s = state ?? {};
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map(k => [k, sort((v as { [k: string]: unknown })[k])])
          )
        : v;
  return JSON.stringify(sort([s.filter ?? [], s.selection ?? null, s.groups ?? null]));
}

/** The state the views were exported with, when they all share one; else an empty filter. */
export function exportedState(payloads: IPinPayload[]): IBoardState {
  const keys = new Set(payloads.map(p => stateKey(p.spec.state)));
  const first = payloads[0]?.spec.state as Partial<IBoardState> | undefined;
  if (keys.size !== 1 || !first) {
    return { filter: [] };
  }
  const state: IBoardState = { filter: first.filter ?? [] };
  if (first.selection) {
    state.selection = first.selection;
  }
  if (first.groups) {
    state.groups = first.groups;
  }
  return state;
}

/** The views under `state`: as exported where computed with it, else computed offline, with a note. */
export function offlineViews(
  payloads: IPinPayload[],
  cube: IOfflineCube | null,
  state: IBoardState
): { views: IBoardView[]; notes: Array<INote | null> } {
  const notes: Array<INote | null> = [];
  const views = payloads.map((p, i) => {
    const view = payloadView(p, `export-${i}`);
    let own: string[] = [];
    try {
      own = table.get(p.spec.component)?.ownColumns?.(view) ?? [];
    } catch {
      own = [];
    }
    // What of the state this view sees: not its own brush, not the selection it made.
    const seen = (s: Partial<IBoardState> | null | undefined): string => {
      const selection = s?.selection;
      const source =
        !!selection &&
        selection.component === p.spec.component &&
        JSON.stringify(selection.variables) === JSON.stringify(p.spec.variables);
      return stateKey({
        filter: (s?.filter ?? []).filter(c => !own.includes(c.column)),
        selection: source ? undefined : selection,
        groups: s?.groups
      });
    };
    if (seen(p.spec.state) === seen(state) || !view.result) {
      notes.push(null);
      return view;
    }
    if (!cube) {
      notes.push({ computed: false, text: 'Not filtered offline: this page holds only the exported data.' });
      return view;
    }
    const answer = recompute(cube, i, p.spec, p.data, state, own);
    if ('reason' in answer) {
      notes.push({ computed: false, text: `Not filtered offline: ${answer.reason}.` });
      return view;
    }
    notes.push({
      computed: true,
      text: `Computed offline${answer.notes.length ? ` (${answer.notes.join('; ')})` : ''}.`
    });
    return {
      ...view,
      result: { ...view.result, data: answer.data, state: state as unknown as typeof view.result.state },
      state
    };
  });
  return { views, notes };
}

function Page(props: { payloads: IPinPayload[]; cube: IOfflineCube | null }): JSX.Element {
  const { payloads, cube } = props;
  const [notes, setNotes] = React.useState<Array<INote | null>>(() => payloads.map(() => null));
  const board = React.useMemo(
    () =>
      new SnapshotBoard({
        views: payloads.map((p, i) => payloadView(p, `export-${i}`)),
        state: exportedState(payloads)
      }),
    [payloads]
  );
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const fn = (): void => setTick(t => t + 1);
    // Every change of the filter or selection computes the views again (the first one too).
    const onState = (_: unknown, state: IBoardState): void => {
      const next = offlineViews(payloads, cube, state);
      setNotes(next.notes);
      board.setViews(next.views);
    };
    board.changed.connect(fn);
    board.stateChanged.connect(onState);
    return () => {
      board.changed.disconnect(fn);
      board.stateChanged.disconnect(onState);
    };
  }, [board]);
  return (
    <div className="jp-SymphonyPins jp-SymphonyExport-views">
      {payloads.map((p, i) => (
        <PinnedCard
          key={i}
          view={board.views[i]}
          title={p.title}
          summary={
            notes[i]?.computed
              ? `As exported, before this filter: ${p.summary}`
              : p.summary
          }
          provenance={p.provenance}
          mode="snapshot"
          status={notes[i]?.text ?? null}
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
  let cube: IOfflineCube | null = null;
  try {
    const embedded = JSON.parse(source.textContent || 'null');
    payloads = readPayloads(embedded);
    cube = readOffline(embedded?.offline);
  } catch (reason) {
    console.error('symphony-lab: the embedded views cannot be read.', reason);
    return;
  }
  mount.textContent = '';
  createRoot(mount).render(<Page payloads={payloads} cube={cube} />);
}

main();
