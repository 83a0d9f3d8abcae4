/*
 * The "distribution" view: a histogram (numeric, datetime) or a bar chart
 * of categories, split by a group column. Brushing sets the board's shared
 * filter: drag across the histogram (or click a bar, or use the arrow keys
 * and Enter) for a range clause; click categories to toggle an "in" clause.
 * The view is not filtered by its own column's clause (see ownColumns), so
 * the brush stays visible over the whole distribution.
 * Data: symphony_lab/components/distribution.py.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatInteger, formatNumber } from '../format';
import {
  FilterClause,
  IBrushing,
  IRemoteBrush,
  IViewRenderer,
  IViewRendererProps,
  IViewSpec
} from '../tokens';
import { Cell, cell, cells, isObj, num, numbers, str, Unexpected } from './common';

export interface ISeries {
  group: Cell;
  counts: number[];
}

export interface IDistributionData {
  column: string;
  by: string | null;
  kind: string;
  rows: number;
  filtered_rows: number;
  sampled: boolean;
  missing: number;
  /** Histogram: bin edges (numbers, or date strings for datetime). */
  edges: Array<number | string> | null;
  /** Bar chart: the categories (top 30). */
  categories: Cell[] | null;
  other_categories: number;
  series: ISeries[];
}

/** The distribution's data, or null when it does not have the expected shape. */
export function parseDistribution(data: unknown): IDistributionData | null {
  if (!isObj(data)) {
    return null;
  }
  const column = str(data.column);
  const rows = num(data.rows);
  if (column === null || rows === null || !Array.isArray(data.series)) {
    return null;
  }
  const series: ISeries[] = [];
  for (const item of data.series) {
    const counts = isObj(item) ? numbers(item.counts) : null;
    if (!isObj(item) || !counts) {
      return null;
    }
    series.push({ group: cell(item.group), counts });
  }
  let edges: Array<number | string> | null = null;
  if (Array.isArray(data.edges)) {
    edges = data.edges.filter(
      (e): e is number | string =>
        (typeof e === 'number' && Number.isFinite(e)) || typeof e === 'string'
    );
    if (edges.length !== data.edges.length) {
      return null;
    }
  }
  const categories = Array.isArray(data.categories) ? cells(data.categories) : null;
  const width = edges ? Math.max(0, edges.length - 1) : categories?.length ?? 0;
  if (series.some(s => s.counts.length !== width)) {
    return null;
  }
  return {
    column,
    by: str(data.by),
    kind: str(data.kind) ?? '',
    rows,
    filtered_rows: num(data.filtered_rows) ?? rows,
    sampled: data.sampled === true,
    missing: num(data.missing) ?? 0,
    edges,
    categories,
    other_categories: num(data.other_categories) ?? 0,
    series
  };
}

/** The column of a distribution view's parameters. */
function columnOf(spec: IViewSpec): string | null {
  return typeof spec.params.column === 'string' ? spec.params.column : null;
}

/** The current clause on a column, if any. */
function clauseOn(
  filter: ReadonlyArray<FilterClause>,
  column: string
): FilterClause | null {
  return filter.find(c => c.column === column) ?? null;
}

function groupLabel(group: Cell, trans: TranslationBundle): string {
  return group === null ? trans.__('(missing)') : String(group);
}

/** Date strings as sent by the kernel ("2024-01-02 09:18:00") to ms. */
function dateValue(value: string): number {
  return Date.parse(value.includes('T') ? value : value.replace(' ', 'T'));
}

/** An edge as a label: numbers short, dates without what all share. */
export function edgeLabel(edge: number | string, span: number): string {
  if (typeof edge === 'number') {
    return formatNumber(edge);
  }
  const text = edge.replace('T', ' ');
  // Less than two days: the time of day; else the date.
  if (span < 2 * 86400000) {
    return text.slice(11, 16) || text;
  }
  return text.slice(0, 10);
}

const W = 320;
const H = 150;

/**
 * The x, in the chart's own units (0 to `w`), under a pointer at `clientX`
 * over an SVG of viewBox `0 0 w h` laid out in `rect`. The SVG keeps its
 * aspect ratio (xMidYMid meet): when its height is capped (a wide card),
 * the drawing is scaled to the height and centred, so the left of the
 * element is not the left of the drawing.
 */
export function chartX(
  clientX: number,
  rect: { left: number; width: number; height: number },
  w: number,
  h: number
): number {
  const scale =
    rect.height > 0 ? Math.min(rect.width / w, rect.height / h) : rect.width / w;
  const offset = (rect.width - w * scale) / 2;
  return (clientX - rect.left - offset) / scale;
}
const M = { left: 36, right: 8, top: 6, bottom: 30 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** Longest time a released brush waits for the board's new filter before it is cleared. */
const RELEASE_WAIT_MS = 2000;

/** The histogram with its brush. */
export function Histogram(props: {
  data: IDistributionData;
  edges: Array<number | string>;
  clause: FilterClause | null;
  stacked: boolean;
  onRange: (first: number, last: number) => void;
  onClear: () => void;
  trans: TranslationBundle;
  /** Where brushes in progress are reported and the others' read (collaboration). */
  brushing?: IBrushing;
  /** The board's id of this view (for brushing). */
  viewId?: string;
}): JSX.Element {
  const { data, edges, clause, stacked, onRange, onClear, trans, brushing, viewId } = props;
  const n = edges.length - 1;
  const remote = useRemoteBrushes(brushing, viewId);
  const svgRef = React.useRef<SVGSVGElement>(null);
  const [drag, setDrag] = React.useState<{ from: number; to: number } | null>(
    null
  );
  // After a release the brush stays drawn until the board's new filter reaches this view, whose bins
  // are then drawn selected in the same frame: no frame showing the old selection, and nothing to
  // draw while the linked views' requests leave (src/board.ts). The timer clears it should no new
  // filter come (a board that does not take it).
  const released = React.useRef<{
    clauseKey: string;
    timer: ReturnType<typeof setTimeout>;
  } | null>(null);
  const clauseKey = clause ? JSON.stringify(clause) : '';
  const settled = released.current !== null && released.current.clauseKey !== clauseKey;
  const shownDrag = settled ? null : drag;
  const forgetRelease = (): void => {
    if (released.current !== null) {
      clearTimeout(released.current.timer);
      released.current = null;
    }
  };
  React.useEffect(() => {
    if (settled) {
      forgetRelease();
      setDrag(null); // (already drawn without it)
    }
  });
  React.useEffect(() => forgetRelease, []);
  const [cursor, setCursor] = React.useState<number | null>(null);
  const [anchor, setAnchor] = React.useState<number | null>(null);
  const [hover, setHover] = React.useState<number | null>(null);

  // Positions of the edges along the axis (dates as ms; unparsable: by index).
  const values = edges.map((e, i) =>
    typeof e === 'number' ? e : Number.isFinite(dateValue(e)) ? dateValue(e) : i
  );
  const lo = values[0];
  const hi = values[n];
  const span = hi - lo;
  const xOf = (v: number): number =>
    M.left + (span > 0 ? ((v - lo) / span) * PW : 0);
  const bw = PW / n;
  const binAt = (x: number): number =>
    Math.min(n - 1, Math.max(0, Math.floor((x - M.left) / bw)));

  const totals = Array.from({ length: n }, (_, i) =>
    data.series.reduce((sum, s) => sum + s.counts[i], 0)
  );
  const max = Math.max(
    1,
    ...(stacked ? totals : data.series.flatMap(s => s.counts))
  );
  const yOf = (count: number): number => (count / max) * PH;

  // The bins inside the clause on this column, for highlighting.
  let band: [number, number] | null = null;
  if (clause?.op === 'range') {
    const cmin =
      clause.min === null
        ? lo
        : typeof clause.min === 'number'
          ? clause.min
          : dateValue(clause.min);
    const cmax =
      clause.max === null
        ? hi
        : typeof clause.max === 'number'
          ? clause.max
          : dateValue(clause.max);
    if (Number.isFinite(cmin) && Number.isFinite(cmax)) {
      band = [cmin, cmax];
    }
  }
  const inBand = (i: number): boolean =>
    band === null || (values[i + 1] > band[0] && values[i] < band[1]);

  // Say what the pointer does (a brush being dragged, the bin under it).
  const report = (range: [number, number] | null, hoverBin: number | null): void => {
    if (!brushing || viewId === undefined) {
      return;
    }
    if (range === null && hoverBin === null) {
      brushing.setLocal(viewId, null);
      return;
    }
    brushing.setLocal(viewId, {
      column: data.column,
      ...(range ? { range: [edges[range[0]], edges[range[1] + 1]] } : {}),
      ...(hoverBin !== null ? { hover: [edges[hoverBin], edges[hoverBin + 1]] } : {})
    });
  };
  React.useEffect(
    () => () => {
      if (brushing && viewId !== undefined) {
        brushing.setLocal(viewId, null);
      }
    },
    [brushing, viewId]
  );
  // An edge of another browser's brush along the axis (null: not on it).
  const edgeX = (edge: number | string): number | null => {
    const index = edges.indexOf(edge);
    const v =
      index >= 0
        ? values[index]
        : typeof edge === 'number'
          ? edge
          : dateValue(edge);
    return Number.isFinite(v) ? xOf(Math.min(hi, Math.max(lo, v))) : null;
  };

  const toX = (clientX: number): number => {
    const rect = svgRef.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) {
      return clientX;
    }
    return chartX(clientX, rect, W, H);
  };

  /** End a drag: true when it changes the filter (false: the same bins as now). */
  const finish = (from: number, to: number): boolean => {
    if (Math.abs(to - from) < 3) {
      const bin = binAt(from);
      // Clicking the only bin selected clears the selection.
      if (
        band !== null &&
        band[0] === values[bin] &&
        band[1] === values[bin + 1]
      ) {
        onClear();
      } else {
        onRange(bin, bin);
      }
      return true;
    }
    const a = binAt(Math.min(from, to));
    const b = binAt(Math.max(from, to));
    onRange(a, b);
    return !(band !== null && band[0] === values[a] && band[1] === values[b + 1]);
  };

  const onKeyDown = (event: React.KeyboardEvent): void => {
    const current = cursor ?? 0;
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowRight':
        next = Math.min(n - 1, cursor === null ? 0 : current + 1);
        break;
      case 'ArrowLeft':
        next = Math.max(0, cursor === null ? 0 : current - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = n - 1;
        break;
      case 'Enter':
      case ' ': {
        const a = anchor ?? current;
        onRange(Math.min(a, current), Math.max(a, current));
        // The band shows what was applied; a new selection starts here.
        setCursor(current);
        setAnchor(current);
        event.preventDefault();
        return;
      }
      case 'Escape':
      case 'Delete':
      case 'Backspace':
        onClear();
        setAnchor(cursor);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    setCursor(next);
    if (!event.shiftKey || anchor === null) {
      setAnchor(next);
    }
  };

  const focusBin = hover ?? cursor;
  const selection =
    shownDrag !== null
      ? [
          binAt(Math.min(shownDrag.from, shownDrag.to)),
          binAt(Math.max(shownDrag.from, shownDrag.to))
        ]
      : cursor !== null && anchor !== null && anchor !== cursor
        ? [Math.min(anchor, cursor), Math.max(anchor, cursor)]
        : null;
  const ticks = Array.from(new Set([0, Math.round(n / 3), Math.round((2 * n) / 3), n]));

  return (
    <div className="jp-SymphonyView-chart">
      <svg
        ref={svgRef}
        className="jp-SymphonyView-histogram"
        viewBox={`0 0 ${W} ${H}`}
        role="application"
        tabIndex={0}
        aria-roledescription={trans.__('histogram')}
        aria-label={trans.__(
          'Histogram of %1. Drag, or use the arrow keys (Shift to extend) and Enter, to filter the board to a range; Escape clears it.',
          data.column
        )}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setCursor(null);
          setAnchor(null);
        }}
      >
        <line
          className="jp-SymphonyView-axis"
          x1={M.left}
          x2={M.left + PW}
          y1={M.top + PH + 0.5}
          y2={M.top + PH + 0.5}
        />
        {[0, max / 2, max].map((v, i) => (
          <g key={`y${i}`}>
            <line
              className="jp-SymphonyView-grid"
              x1={M.left}
              x2={M.left + PW}
              y1={M.top + PH - yOf(v)}
              y2={M.top + PH - yOf(v)}
            />
            <text
              className="jp-SymphonyView-tick"
              x={M.left - 4}
              y={M.top + PH - yOf(v) + 3}
              textAnchor="end"
            >
              {formatNumber(Math.round(v))}
            </text>
          </g>
        ))}
        {band !== null ? (
          <rect
            className="jp-SymphonyView-band"
            x={xOf(Math.max(lo, band[0]))}
            y={M.top}
            width={Math.max(1, xOf(Math.min(hi, band[1])) - xOf(Math.max(lo, band[0])))}
            height={PH}
          />
        ) : null}
        {Array.from({ length: n }, (_, i) => {
          const x0 = M.left + i * bw;
          let base = 0;
          return (
            <g
              key={i}
              className="jp-SymphonyView-bin"
              data-bin={i}
              data-selected={band !== null && inBand(i) ? 'true' : undefined}
              opacity={inBand(i) ? 1 : 0.35}
            >
              {data.series.map((s, k) => {
                const h = yOf(s.counts[i]);
                const x = stacked ? x0 : x0 + (k * bw) / data.series.length;
                const w = stacked ? bw : bw / data.series.length;
                const y = M.top + PH - (stacked ? base + h : h);
                if (stacked) {
                  base += h;
                }
                return (
                  <rect
                    key={k}
                    className={`jp-SymphonyView-series-${k % 8}`}
                    x={x + 0.5}
                    y={y}
                    width={Math.max(0.5, w - 1)}
                    height={h}
                  />
                );
              })}
            </g>
          );
        })}
        {selection !== null ? (
          <rect
            className="jp-SymphonyView-brush"
            x={M.left + selection[0] * bw}
            y={M.top}
            width={(selection[1] - selection[0] + 1) * bw}
            height={PH}
          />
        ) : null}
        {remote.map(brush => (
          <RemoteBrushMarks key={brush.clientId} brush={brush} edgeX={edgeX} top={M.top} height={PH} />
        ))}
        {cursor !== null ? (
          <rect
            className="jp-SymphonyView-cursor"
            x={M.left + cursor * bw}
            y={M.top}
            width={bw}
            height={PH}
          />
        ) : null}
        {ticks.map(i => (
          <text
            key={`x${i}`}
            className="jp-SymphonyView-tick"
            x={M.left + i * bw}
            y={M.top + PH + 12}
            textAnchor={i === 0 ? 'start' : i === n ? 'end' : 'middle'}
          >
            {edgeLabel(edges[i], span)}
          </text>
        ))}
        <text
          className="jp-SymphonyView-axisLabel"
          x={M.left + PW / 2}
          y={H - 3}
          textAnchor="middle"
        >
          {data.column}
        </text>
        <rect
          className="jp-SymphonyView-overlay"
          x={M.left}
          y={M.top}
          width={PW}
          height={PH}
          onPointerDown={event => {
            const x = toX(event.clientX);
            // The mouse takes over from the keyboard's selection.
            setCursor(null);
            setAnchor(null);
            (event.currentTarget as Element).setPointerCapture?.(
              event.pointerId
            );
            forgetRelease();
            setDrag({ from: x, to: x });
            report([binAt(x), binAt(x)], binAt(x));
          }}
          onPointerMove={event => {
            const x = toX(event.clientX);
            setHover(binAt(x));
            if (drag && released.current === null) {
              setDrag({ from: drag.from, to: x });
              report([binAt(Math.min(drag.from, x)), binAt(Math.max(drag.from, x))], binAt(x));
            } else {
              report(null, binAt(x));
            }
          }}
          onPointerUp={event => {
            if (drag && released.current === null) {
              const x = toX(event.clientX);
              if (finish(drag.from, x)) {
                // Kept until the new filter comes back (above).
                released.current = {
                  clauseKey,
                  timer: setTimeout(() => {
                    released.current = null;
                    setDrag(null);
                  }, RELEASE_WAIT_MS)
                };
              } else {
                // Drawn in a later task (a transition), so that this one ends with nothing to draw.
                React.startTransition(() => setDrag(null));
              }
              report(null, binAt(x));
            }
          }}
          onPointerLeave={() => {
            setHover(null);
            if (!drag || released.current !== null) {
              report(null, null);
            }
          }}
          onPointerCancel={() => {
            forgetRelease();
            setDrag(null);
            report(null, null);
          }}
        />
      </svg>
      <div className="jp-SymphonyView-readout" aria-live="polite">
        {focusBin !== null && focusBin < n
          ? trans.__(
              '%1 – %2: %3 rows',
              edgeLabel(edges[focusBin], span),
              edgeLabel(edges[focusBin + 1], span),
              formatInteger(totals[focusBin])
            )
          : '\u00a0'}
      </div>
    </div>
  );
}

/** Re-render when the others' brushes change; theirs on this view. */
function useRemoteBrushes(brushing: IBrushing | undefined, viewId: string | undefined): IRemoteBrush[] {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    if (!brushing) {
      return;
    }
    const bump = (): void => setTick(t => t + 1);
    brushing.remoteChanged.connect(bump);
    return () => {
      brushing.remoteChanged.disconnect(bump);
    };
  }, [brushing]);
  return brushing && viewId !== undefined ? brushing.remote(viewId) : [];
}

/** Someone else's brush in progress (outline and initials) and the bin they point at, in their colour. */
function RemoteBrushMarks(props: {
  brush: IRemoteBrush;
  edgeX: (edge: number | string) => number | null;
  top: number;
  height: number;
}): JSX.Element | null {
  const { brush, edgeX, top, height } = props;
  const span = (extent: [number | string, number | string] | undefined): [number, number] | null => {
    if (!extent) {
      return null;
    }
    const a = edgeX(extent[0]);
    const b = edgeX(extent[1]);
    return a === null || b === null ? null : [Math.min(a, b), Math.max(a, b)];
  };
  const range = span(brush.range);
  const hover = span(brush.hover);
  if (!range && !hover) {
    return null;
  }
  const style = { stroke: brush.color, color: brush.color };
  return (
    <g
      className="jp-SymphonyView-remote"
      data-name={brush.name}
      data-brushing={range ? 'true' : 'false'}
      style={style}
    >
      <title>{brush.name}</title>
      {hover ? (
        <rect
          className="jp-SymphonyView-remoteHover"
          x={hover[0]}
          y={top + height - 3}
          width={Math.max(1, hover[1] - hover[0])}
          height={3}
          style={{ fill: brush.color }}
        />
      ) : null}
      {range ? (
        <>
          <rect
            className="jp-SymphonyView-remoteBrush"
            x={range[0]}
            y={top + 0.5}
            width={Math.max(1, range[1] - range[0])}
            height={height - 1}
            style={{ ...style, fill: brush.color }}
          />
          <text className="jp-SymphonyView-remoteInitials" x={range[0] + 3} y={top + 11} style={{ fill: brush.color }}>
            {brush.initials}
          </text>
        </>
      ) : null}
    </g>
  );
}

/** The bar chart of categories; click (Enter, Space) toggles a category. */
export function Categories(props: {
  data: IDistributionData;
  categories: Cell[];
  clause: FilterClause | null;
  onToggle: (value: Cell) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { data, categories, clause, onToggle, trans } = props;
  const totals = categories.map((_, i) =>
    data.series.reduce((sum, s) => sum + s.counts[i], 0)
  );
  const max = Math.max(1, ...totals);
  const selected = clause?.op === 'in' ? clause.values : null;
  return (
    <div className="jp-SymphonyView-chart">
      <ul
        className="jp-SymphonyView-categories"
        aria-label={trans.__(
          'Values of %1; press a value to filter the board to it',
          data.column
        )}
      >
        {categories.map((category, i) => {
          const on = selected !== null && selected.includes(category);
          return (
            <li key={`${i}:${String(category)}`}>
              <button
                type="button"
                className="jp-SymphonyView-category"
                aria-pressed={on}
                data-selected={on ? 'true' : undefined}
                data-dimmed={selected !== null && !on ? 'true' : undefined}
                onClick={() => onToggle(category)}
              >
                <span className="jp-SymphonyView-categoryLabel">
                  {category === null ? trans.__('(missing)') : String(category)}
                </span>
                <span className="jp-SymphonyView-categoryBar" aria-hidden="true">
                  {data.series.map((s, k) => (
                    <span
                      key={k}
                      className={`jp-SymphonyView-segment jp-SymphonyView-series-${k % 8}`}
                      style={{ width: `${(s.counts[i] / max) * 100}%` }}
                    />
                  ))}
                </span>
                <span className="jp-SymphonyView-categoryCount">
                  {formatInteger(totals[i])}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {data.other_categories > 0 ? (
        <p className="jp-SymphonyView-note">
          {trans._n(
            '%1 more value not shown',
            '%1 more values not shown',
            data.other_categories
          )}
        </p>
      ) : null}
    </div>
  );
}

function Legend(props: {
  data: IDistributionData;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { data, trans } = props;
  if (data.series.length < 2) {
    return null;
  }
  return (
    <ul
      className="jp-SymphonyView-legend"
      aria-label={trans.__('Groups of %1', data.by ?? '')}
    >
      {data.series.map((s, k) => (
        <li key={k}>
          <svg width="10" height="10" aria-hidden="true">
            <rect className={`jp-SymphonyView-series-${k % 8}`} width="10" height="10" />
          </svg>
          {groupLabel(s.group, trans)}
        </li>
      ))}
    </ul>
  );
}

/** The distribution view. */
export function DistributionView(props: IViewRendererProps): JSX.Element {
  const { trans, board, filter } = props;
  const [stacked, setStacked] = React.useState(true);
  const data = parseDistribution(props.data);
  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const column = data.column;
  const clause = clauseOn(filter, column);
  const empty =
    (data.edges !== null && data.edges.length < 2) ||
    (data.edges === null && (data.categories ?? []).length === 0);
  return (
    <div className="jp-SymphonyView-distribution" data-kind={data.kind}>
      <div className="jp-SymphonyView-toolbar">
        <Legend data={data} trans={trans} />
        {data.series.length > 1 && data.edges ? (
          <button
            type="button"
            className="jp-SymphonyView-button jp-SymphonyView-stackToggle"
            aria-pressed={stacked}
            onClick={() => setStacked(!stacked)}
          >
            {trans.__('Stacked')}
          </button>
        ) : null}
        {clause ? (
          <button
            type="button"
            className="jp-SymphonyView-button jp-SymphonyView-clearFilter"
            onClick={() => board.removeClause(column)}
          >
            {trans.__('Clear filter')}
          </button>
        ) : null}
      </div>
      {empty ? (
        <p className="jp-SymphonyView-note">
          {trans.__('No values to show.')}
        </p>
      ) : data.edges ? (
        <Histogram
          data={data}
          edges={data.edges}
          clause={clause}
          stacked={stacked}
          trans={trans}
          brushing={board.brushing}
          viewId={props.view.id}
          onRange={(first, last) =>
            board.setClause({
              column,
              op: 'range',
              min: data.edges![first],
              max: data.edges![last + 1]
            })
          }
          onClear={() => board.removeClause(column)}
        />
      ) : (
        <Categories
          data={data}
          categories={data.categories ?? []}
          clause={clause}
          trans={trans}
          onToggle={value => board.toggleValue(column, value)}
        />
      )}
      {data.missing > 0 ? (
        <p className="jp-SymphonyView-note">
          {trans._n('%1 missing value', '%1 missing values', data.missing)}
        </p>
      ) : null}
    </div>
  );
}

/** The renderer registered for "distribution". */
export const distributionRenderer: IViewRenderer = {
  title: 'Distribution',
  component: DistributionView,
  describe: spec => {
    const column = columnOf(spec);
    const by = typeof spec.params.by === 'string' ? spec.params.by : null;
    return column ? (by ? `${column} by ${by}` : column) : '';
  },
  ownColumns: spec => {
    const column = columnOf(spec);
    return column ? [column] : [];
  }
};
