/*
 * What a pinned output shows. `PinnedOutput` draws the views of our MIME
 * payload: live (computed again in the kernel with the board's state, and
 * linked to the board: a brush here filters the board) when the panel follows
 * this notebook's kernel and it holds the view's variables; the snapshot
 * otherwise. When the output also carries a widget of show() whose model is
 * alive, the widget's views are drawn instead (`WidgetViews`).
 */
import * as React from 'react';

import { stableStringify } from '../suggestions';
import { stateForView } from '../registry';
import {
  IBoardModel,
  IBoardState,
  IBoardView,
  IViewResult,
  JSONObject
} from '../tokens';
import { IPinnedCardProps, PinnedCard } from './card';
import { IPinContext, IWidgetModelLike, pinContext } from './context';
import { IPinPayload, payloadView, readPayloads } from './mime';
import { PinnedNotes } from './notes';
import { SnapshotBoard } from './snapshotboard';

/** Re-render when a signal-like source changes. */
function useSignal(
  signal: { connect(fn: () => void): void; disconnect(fn: () => void): void } | null
): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    if (!signal) {
      return;
    }
    const fn = (): void => setTick(t => t + 1);
    signal.connect(fn);
    return () => signal.disconnect(fn);
  }, [signal]);
}

function sig<T>(s: {
  connect(fn: (sender: T, args: any) => void): boolean;
  disconnect(fn: (sender: T, args: any) => void): boolean;
}): { connect(fn: () => void): void; disconnect(fn: () => void): void } {
  return {
    connect: fn => void s.connect(fn),
    disconnect: fn => void s.disconnect(fn)
  };
}

/** Whether the panel can compute this view live: it follows the kernel and the kernel holds the variables. */
export function canLink(
  ctx: IPinContext,
  kernelId: string | null,
  variables: ReadonlyArray<string>
): boolean {
  const catalogs = ctx.catalogs;
  if (!catalogs || !kernelId || catalogs.board.kernelId !== kernelId) {
    return false;
  }
  const catalog = catalogs.model.catalogFor(kernelId);
  if (!catalog || catalog.status !== 'ok') {
    return false;
  }
  const names = new Set(
    catalog.variables.filter(v => v.kind !== 'error').map(v => v.name)
  );
  return variables.every(v => names.has(v));
}

function useKernel(node: HTMLElement | null, ctx: IPinContext): string | null {
  const [kernel, setKernel] = React.useState<string | null>(null);
  const catalogs = ctx.catalogs;
  useSignal(catalogs ? sig(catalogs.model.stateChanged) : null);
  React.useEffect(() => {
    if (node) {
      setKernel(ctx.kernelFor(node));
    }
  });
  return kernel;
}

interface IOneProps {
  payload: IPinPayload;
  index: number;
  ctx: IPinContext;
  node: HTMLElement | null;
}

/** One view of a pinned output: live when it can be, the snapshot otherwise. */
function PinnedOne(props: IOneProps): JSX.Element {
  const { payload, index, ctx, node } = props;
  const catalogs = ctx.catalogs;
  const kernelId = useKernel(node, ctx);
  const snapshot = React.useMemo(
    () =>
      new SnapshotBoard({
        views: [payloadView(payload, `pin-${index}`)],
        state: payload.spec.state
      }),
    [payload, index]
  );
  React.useEffect(() => () => snapshot.dispose(), [snapshot]);
  useSignal(sig(snapshot.changed));
  useSignal(catalogs ? sig(catalogs.board.changed) : null);
  const live = canLink(ctx, kernelId, payload.spec.variables);
  const [answer, setAnswer] = React.useState<{
    key: string;
    result: IViewResult | null;
    error: string | null;
    /** Asked again; `result` is the previous answer meanwhile. */
    pending: boolean;
  } | null>(null);

  // Keep the kernel watched while a live output is shown.
  React.useEffect(() => {
    if (!live || !catalogs) {
      return;
    }
    const hold = catalogs.model.retain();
    return () => hold.dispose();
  }, [live, catalogs]);

  const spec = payload.spec;
  const state: IBoardState | null =
    live && catalogs
      ? stateForView(ctx.registry, spec, catalogs.board.state)
      : null;
  const catalog = live && catalogs && kernelId ? catalogs.model.catalogFor(kernelId) : null;
  const fingerprints = catalog
    ? spec.variables.map(
        v => catalog.variables.find(x => x.name === v)?.fingerprint ?? null
      )
    : null;
  // A busy kernel is not queued behind: ask once it is idle again (as the board does).
  const idle = catalog?.state === 'idle';
  const key = live ? stableStringify({ state, fingerprints, kernelId, idle }) : '';
  React.useEffect(() => {
    if (!live || !catalogs || !kernelId || !state || !idle) {
      return;
    }
    const controller = new AbortController();
    const request = {
      component: spec.component,
      variables: spec.variables,
      params: spec.params,
      state
    };
    setAnswer(a => ({ key, result: a?.result ?? null, error: null, pending: true }));
    catalogs.client
      .fetchView(kernelId, request, controller.signal)
      .then(result => setAnswer({ key, result, error: null, pending: false }))
      .catch(reason => {
        if (!controller.signal.aborted) {
          setAnswer({
            key,
            result: null,
            error: reason instanceof Error ? reason.message : String(reason),
            pending: false
          });
        }
      });
    return () => controller.abort();
  }, [key]);

  const base = snapshot.views[0];
  let view: IBoardView = base;
  let board: IBoardModel = snapshot;
  let status: string | null = null;
  let mode: IPinnedCardProps['mode'] = 'snapshot';
  if (live && catalogs) {
    board = catalogs.board;
    mode = 'live';
    if (answer?.result) {
      // The latest answer (the previous one while the new one computes).
      view = { ...base, result: answer.result, state };
    }
    if (!idle) {
      status = ctx.trans.__('waiting for the kernel to be idle…');
    } else if (answer?.key === key && answer.error) {
      status = ctx.trans.__('Could not compute this view live: %1. The snapshot is shown.', answer.error);
    } else if (!answer || answer.key !== key || answer.pending) {
      status = ctx.trans.__('computing…');
    }
  }
  return (
    <PinnedCard
      view={view}
      title={payload.title}
      summary={payload.summary}
      provenance={payload.provenance}
      mode={mode}
      board={board}
      renderers={ctx.registry}
      trans={ctx.trans}
      status={status}
      footer={
        <PinnedNotes
          threads={payload.annotations}
          rendermime={ctx.rendermime ?? null}
          trans={ctx.trans}
        />
      }
      onOpenOnBoard={
        live && catalogs
          ? () =>
              catalogs.board.open({
                component: spec.component,
                variables: spec.variables,
                params: spec.params
              })
          : undefined
      }
    />
  );
}

/** Views of a show() widget whose model lives in the kernel. */
export function WidgetViews(props: {
  model: IWidgetModelLike;
  ctx: IPinContext;
  node: HTMLElement | null;
}): JSX.Element {
  const { model, ctx, node } = props;
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const fn = (): void => setTick(t => t + 1);
    model.on('change:views', fn);
    return () => model.off('change:views', fn);
  }, [model]);
  const payloads = readPayloads({ views: model.get('views') });
  const raw = (model.get('views') as unknown[]) ?? [];
  const errors = raw.map(v =>
    v && typeof v === 'object' && typeof (v as JSONObject).error === 'string'
      ? String((v as JSONObject).error)
      : null
  );
  const kernelId = useKernel(node, ctx);
  const catalogs = ctx.catalogs;
  const variables = payloads.flatMap(p => p.spec.variables);
  const live = payloads.length > 0 && canLink(ctx, kernelId, variables);
  const sendStates = (state: IBoardState): void => {
    send.current(state);
  };
  const send = React.useRef<(state: IBoardState) => void>(() => undefined);
  send.current = (state: IBoardState): void => {
    const specs = payloads.map(p => p.spec);
    model.set(
      'states',
      specs.map(spec => stateForView(ctx.registry, spec, state))
    );
    model.save_changes();
  };
  const local = React.useMemo(
    () =>
      new SnapshotBoard({
        views: [],
        state: payloads[0]?.spec.state ?? { filter: [] },
        onState: sendStates
      }),
    [model]
  );
  React.useEffect(() => () => local.dispose(), [local]);
  useSignal(sig(local.changed));
  useSignal(catalogs ? sig(catalogs.board.changed) : null);
  // Linked: the board's state is the widget's.
  const boardKey = live && catalogs ? stableStringify(catalogs.board.state) : '';
  React.useEffect(() => {
    if (live && catalogs) {
      const current = stableStringify(model.get('states'));
      const next = payloads.map(p => stateForView(ctx.registry, p.spec, catalogs.board.state));
      if (current !== stableStringify(next)) {
        sendStates(catalogs.board.state);
      }
    }
  }, [boardKey, live]);
  const board: IBoardModel = live && catalogs ? catalogs.board : local;
  return (
    <div className="jp-SymphonyPins" data-widget="true">
      {errors.map((e, i) =>
        e ? (
          <p key={`e${i}`} className="jp-SymphonyView-unexpected" role="alert">
            {e}
          </p>
        ) : null
      )}
      {payloads.map((p, i) => (
        <PinnedCard
          key={i}
          view={payloadView(p, `widget-${i}`)}
          title={p.title}
          summary={p.summary}
          provenance={p.provenance}
          mode={live ? 'live' : 'widget'}
          board={board}
          renderers={ctx.registry}
          trans={ctx.trans}
        />
      ))}
    </div>
  );
}

/** Everything a pinned output shows. */
export function PinnedOutput(props: {
  data: unknown;
  widgetId: string | null;
  ctx: IPinContext;
  node: HTMLElement;
}): JSX.Element {
  const { data, widgetId, ctx, node } = props;
  useSignal(sig(pinContext.widgetsChanged));
  const model = widgetId ? pinContext.widget(widgetId) : null;
  if (model) {
    return <WidgetViews model={model} ctx={ctx} node={node} />;
  }
  const payloads = readPayloads(data);
  if (payloads.length === 0) {
    return (
      <p className="jp-SymphonyView-unexpected" role="alert">
        {ctx.trans.__('This pinned view cannot be read.')}
      </p>
    );
  }
  return (
    <div className="jp-SymphonyPins">
      {payloads.map((p, i) => (
        <PinnedOne key={i} payload={p} index={i} ctx={ctx} node={node} />
      ))}
    </div>
  );
}
