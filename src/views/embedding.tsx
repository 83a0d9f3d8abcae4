/*
 * The "embedding" view: the rows as points of a 2-D projection, drawn by the
 * map renderer (./scatter), with a legend, a colour picker, a lasso that
 * selects rows for every other view, and hover for a point's index label.
 * When the kernel sent a density raster (too many points), zooming in asks
 * for the points of the visible window (params x_min … y_max).
 * Data: symphony_lab/components/embedding.py.
 */
import * as React from 'react';

import { formatInteger, formatNumber, formatPercent } from '../format';
import { IViewRenderer, IViewRendererProps } from '../tokens';
import { isObj, num, str, Unexpected } from './common';
import {
  Bounds,
  contains,
  cssColor,
  IHover,
  IPoints,
  IRaster,
  MISSING,
  OTHER,
  PaletteKind,
  parseBounds,
  parsePoints,
  parseRaster,
  Scatter
} from './scatter';

export interface ILegendItem {
  value: string;
  rows: number;
  code: number;
}

export interface IEmbeddingData {
  mode: 'points' | 'raster';
  rows: number;
  filteredRows: number;
  inWindow: number;
  method: string;
  source: string;
  explained: number[] | null;
  fittedRows: number;
  bounds: Bounds;
  window: Bounds | null;
  points: IPoints | null;
  raster: IRaster | null;
  sampled: boolean;
  color: {
    by: string;
    name: string | null;
    kind: PaletteKind;
    items: ILegendItem[];
    min: number | null;
    max: number | null;
  };
  options: { model: boolean; columns: string[] };
}

/** The kernel's payload, checked; null when it does not have the expected shape. */
export function parseEmbedding(data: unknown): IEmbeddingData | null {
  if (!isObj(data)) {
    return null;
  }
  const mode = data.mode === 'raster' ? 'raster' : data.mode === 'points' ? 'points' : null;
  const bounds = parseBounds(data.bounds);
  const rows = num(data.rows);
  if (!mode || !bounds || rows === null) {
    return null;
  }
  const points = parsePoints(data.points);
  const raster = mode === 'raster' ? parseRaster(data.raster) : null;
  if ((mode === 'points' && !points) || (mode === 'raster' && !raster)) {
    return null;
  }
  const color = isObj(data.color) ? data.color : {};
  const kind: PaletteKind =
    color.kind === 'categorical' ? 'categorical' : color.kind === 'continuous' ? 'continuous' : 'none';
  const items: ILegendItem[] = [];
  if (kind === 'categorical' && Array.isArray(color.categories)) {
    color.categories.filter(isObj).forEach((c, i) => {
      items.push({ value: c.value === null ? '∅' : String(c.value), rows: num(c.rows) ?? 0, code: i });
    });
    const other = num(color.other) ?? 0;
    if (other > 0) {
      items.push({ value: 'other', rows: other, code: OTHER });
    }
    const missing = num(color.missing) ?? 0;
    if (missing > 0) {
      items.push({ value: '∅', rows: missing, code: MISSING });
    }
  }
  const options = isObj(data.color_options) ? data.color_options : {};
  const explained = Array.isArray(data.explained)
    ? data.explained.map(v => num(v) ?? 0)
    : null;
  return {
    mode,
    rows,
    filteredRows: num(data.filtered_rows) ?? rows,
    inWindow: num(data.in_window) ?? rows,
    method: str(data.method) ?? 'pca',
    source: str(data.source) ?? '',
    explained,
    fittedRows: num(data.fitted_rows) ?? rows,
    bounds,
    window: parseBounds(data.window),
    points,
    raster,
    sampled: data.sampled === true,
    color: {
      by: str(color.by) ?? 'none',
      name: str(color.name),
      kind,
      items,
      min: num(color.min),
      max: num(color.max)
    },
    options: {
      model: options.model === true,
      columns: Array.isArray(options.columns)
        ? options.columns.filter((c): c is string => typeof c === 'string')
        : []
    }
  };
}

export type WindowRequest =
  | { kind: 'keep' }
  | { kind: 'all' }
  | { kind: 'window'; bounds: Bounds };

function area(b: Bounds): number {
  return Math.max(0, b[1] - b[0]) * Math.max(0, b[3] - b[2]);
}

function clampTo(b: Bounds, to: Bounds): Bounds {
  return [Math.max(b[0], to[0]), Math.min(b[1], to[1]), Math.max(b[2], to[2]), Math.min(b[3], to[3])];
}

/**
 * Whether the map should ask the kernel for other points after the view
 * moved to `visible`: the points of the window around it when zoomed into a
 * raster, a new window when the view leaves the one the points cover, every
 * point again when the view covers most of the map.
 */
export function windowRequest(
  visible: Bounds,
  data: Pick<IEmbeddingData, 'mode' | 'window' | 'bounds' | 'raster'>
): WindowRequest {
  const seen = clampTo(visible, data.bounds);
  if (seen[1] <= seen[0] || seen[3] <= seen[2]) {
    return { kind: 'keep' };
  }
  const margin = 0.25;
  const dx = (visible[1] - visible[0]) * margin;
  const dy = (visible[3] - visible[2]) * margin;
  const wanted = clampTo([visible[0] - dx, visible[1] + dx, visible[2] - dy, visible[3] + dy], data.bounds);
  const covering = area(wanted) >= 0.8 * area(data.bounds);
  if (data.mode === 'raster' && data.raster) {
    if (area(seen) < 0.25 * area(data.raster.bounds) || !contains(data.raster.bounds, seen)) {
      return covering ? (data.window ? { kind: 'all' } : { kind: 'keep' }) : { kind: 'window', bounds: wanted };
    }
    return { kind: 'keep' };
  }
  if (data.window) {
    if (covering) {
      return { kind: 'all' };
    }
    if (!contains(data.window, seen)) {
      return { kind: 'window', bounds: wanted };
    }
  }
  return { kind: 'keep' };
}

/** The parameters that say which projection a lasso's polygon is in (not colours or windows). */
const SELECTION_PARAMS = ['method', 'features', 'fit_rows', 'label', 'prediction', 'task'];

function methodName(method: string): string {
  return method === 'umap' ? 'UMAP' : method === 't-SNE' || method === 'tsne' ? 't-SNE' : 'PCA';
}

function Legend(props: { data: IEmbeddingData; palette: Uint8Array | null; trans: IViewRendererProps['trans'] }): JSX.Element | null {
  const { data, palette, trans } = props;
  const color = data.color;
  if (color.kind === 'none' || !palette) {
    return null;
  }
  if (color.kind === 'continuous') {
    const stops = [0, 64, 127, 191, 254].map(code => cssColor(palette, code)).join(', ');
    return (
      <div className="jp-SymphonyEmbedding-legend" data-kind="continuous">
        <span className="jp-SymphonyEmbedding-legendName">{color.name}</span>
        <span>{color.min === null ? '' : formatNumber(color.min)}</span>
        <span
          className="jp-SymphonyEmbedding-ramp"
          style={{ background: `linear-gradient(to right, ${stops})` }}
          role="img"
          aria-label={trans.__('colour ramp of %1', color.name ?? '')}
        />
        <span>{color.max === null ? '' : formatNumber(color.max)}</span>
      </div>
    );
  }
  return (
    <ul className="jp-SymphonyEmbedding-legend" data-kind="categorical" aria-label={trans.__('Legend')}>
      {color.items.map(item => (
        <li key={`${item.code}:${item.value}`} data-value={item.value}>
          <span className="jp-SymphonyEmbedding-swatch" style={{ background: cssColor(palette, item.code) }} />
          <span className="jp-SymphonyEmbedding-legendValue">{item.value}</span>
          <span className="jp-SymphonyEmbedding-legendRows">{formatInteger(item.rows)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The embedding map view. */
export function EmbeddingView(props: IViewRendererProps): JSX.Element {
  const { trans, board, view, result } = props;
  const data = React.useMemo(() => parseEmbedding(props.data), [props.data]);
  const host = React.useRef<HTMLDivElement>(null);
  const scatterRef = React.useRef<Scatter | null>(null);
  const [hover, setHover] = React.useState<IHover | null>(null);
  const [lassoMode, setLassoMode] = React.useState(false);
  const [palette, setPalette] = React.useState<Uint8Array | null>(null);
  const [renderer, setRenderer] = React.useState<string>('none');
  const latest = React.useRef({ data, view, board, result });
  latest.current = { data, view, board, result };
  const identity = React.useRef('');
  const viewTimer = React.useRef(0);

  const own = board.state.selection;
  const mine =
    own && own.component === view.component && own.variables.join('\n') === view.variables.join('\n')
      ? own
      : null;

  React.useEffect(() => {
    if (!host.current) {
      return;
    }
    const scatter = new Scatter(host.current, {
      onHover: setHover,
      onLasso: (polygon, count) => {
        const { data: d, view: v, board: b, result: r } = latest.current;
        const params: { [key: string]: any } = {};
        for (const key of SELECTION_PARAMS) {
          const value = (r.params as any)?.[key] ?? (v.params as any)?.[key];
          if (value !== undefined) {
            params[key] = value;
          }
        }
        b.setSelection({
          component: v.component,
          variables: [...v.variables],
          params,
          spec: { polygon },
          label:
            d && d.mode === 'points' && !d.window
              ? trans.__('%1 points in a lasso on the map of %2', formatInteger(count), v.variables.join(', '))
              : trans.__('a lasso on the map of %1', v.variables.join(', '))
        });
      },
      onView: visible => {
        window.clearTimeout(viewTimer.current);
        viewTimer.current = window.setTimeout(() => {
          const { data: d, view: v, board: b } = latest.current;
          if (!d) {
            return;
          }
          const ask = windowRequest(visible, d);
          if (ask.kind === 'window') {
            const [x_min, x_max, y_min, y_max] = ask.bounds;
            b.setParams(v.id, { x_min, x_max, y_min, y_max });
          } else if (ask.kind === 'all') {
            b.setParams(v.id, { x_min: null, x_max: null, y_min: null, y_max: null });
          }
        }, 300);
      }
    });
    scatterRef.current = scatter;
    setRenderer(scatter.kind);
    const observer = new MutationObserver(() => {
      scatter.refreshTheme();
      setPalette(scatter.colors.slice());
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
    return () => {
      window.clearTimeout(viewTimer.current);
      observer.disconnect();
      scatter.dispose();
      scatterRef.current = null;
    };
  }, []);

  React.useEffect(() => {
    const scatter = scatterRef.current;
    if (!scatter || !data) {
      return;
    }
    const id = JSON.stringify([view.variables, data.method, data.source, data.bounds]);
    scatter.setData(
      { points: data.points, raster: data.raster, bounds: data.bounds, window: data.window, colorKind: data.color.kind },
      id !== identity.current
    );
    identity.current = id;
    setPalette(scatter.colors.slice());
  }, [data]);

  const polygon = mine && Array.isArray(mine.spec.polygon) ? (mine.spec.polygon as Array<[number, number]>) : null;
  React.useEffect(() => {
    scatterRef.current?.setSelection(polygon);
  }, [JSON.stringify(polygon)]);

  React.useEffect(() => {
    scatterRef.current?.setLassoMode(lassoMode);
  }, [lassoMode]);

  if (!data) {
    return <Unexpected trans={trans} />;
  }
  const colorValue =
    data.color.by === 'column' ? `column:${data.color.name ?? ''}` : data.color.by;
  const onColor = (event: React.ChangeEvent<HTMLSelectElement>): void => {
    const value = event.target.value;
    if (value.startsWith('column:')) {
      board.setParams(view.id, { color_by: 'column', color: value.slice('column:'.length) });
    } else {
      board.setParams(view.id, { color_by: value, color: null });
    }
  };
  const explained =
    data.explained && data.method === 'pca'
      ? trans.__(' (%1 + %2 of the variance)', formatPercent(data.explained[0]), formatPercent(data.explained[1]))
      : '';
  const hoverText = (h: IHover): string => {
    if (data.color.kind === 'categorical') {
      const item = data.color.items.find(i => i.code === h.code);
      return item ? `${h.label} · ${item.value}` : h.label;
    }
    if (data.color.kind === 'continuous' && data.color.min !== null && data.color.max !== null && h.code !== MISSING) {
      const v = data.color.min + (h.code / 254) * (data.color.max - data.color.min);
      return `${h.label} · ≈${formatNumber(v)}`;
    }
    return h.label;
  };
  return (
    <div className="jp-SymphonyEmbedding" data-mode={data.mode} data-renderer={renderer}>
      <div className="jp-SymphonyEmbedding-toolbar">
        <label className="jp-SymphonyEmbedding-color">
          {trans.__('Colour')}
          <select value={colorValue} onChange={onColor} aria-label={trans.__('Colour the points by')}>
            <option value="none">{trans.__('nothing')}</option>
            {data.options.model ? (
              <>
                <option value="correct">{trans.__('right or wrong')}</option>
                <option value="label">{trans.__('label')}</option>
                <option value="prediction">{trans.__('prediction')}</option>
              </>
            ) : null}
            {data.options.columns.map(c => (
              <option key={c} value={`column:${c}`}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyEmbedding-lassoButton"
          aria-pressed={lassoMode}
          title={trans.__('Draw a lasso to select rows (or shift-drag)')}
          onClick={() => setLassoMode(!lassoMode)}
        >
          {trans.__('Lasso')}
        </button>
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyEmbedding-fit"
          title={trans.__('Show every point')}
          onClick={() => {
            scatterRef.current?.showAll();
          }}
        >
          {trans.__('Fit')}
        </button>
        {mine ? (
          <button
            type="button"
            className="jp-SymphonyView-button jp-SymphonyEmbedding-clear"
            onClick={() => board.setSelection(null)}
          >
            {trans.__('Clear selection')}
          </button>
        ) : null}
      </div>
      <div className="jp-SymphonyEmbedding-map" ref={host}>
        {hover ? (
          <div
            className="jp-SymphonyEmbedding-hover"
            style={{ left: `${hover.x + 8}px`, top: `${hover.y + 8}px` }}
            role="tooltip"
          >
            {hoverText(hover)}
          </div>
        ) : null}
        {renderer === 'none' ? (
          <p className="jp-SymphonyEmbedding-noCanvas">{trans.__('This browser cannot draw the map (no canvas).')}</p>
        ) : null}
      </div>
      <Legend data={data} palette={palette} trans={trans} />
      <p className="jp-SymphonyEmbedding-caption">
        {trans.__('%1 of %2', methodName(data.method), data.source)}
        {explained}
        {' · '}
        {data.mode === 'raster'
          ? trans.__(
              '%1 points as a density map (zoom in for points)',
              formatInteger(data.inWindow)
            )
          : trans.__('%1 points', formatInteger(data.points?.count ?? 0))}
        {data.filteredRows < data.rows ? trans.__(' (%1 of %2 rows pass the board)', formatInteger(data.filteredRows), formatInteger(data.rows)) : ''}
        {data.fittedRows < data.rows ? trans.__(' · fitted on a sample of %1 rows', formatInteger(data.fittedRows)) : ''}
        {data.window ? trans.__(' · window of the map') : ''}
      </p>
    </div>
  );
}

export const embeddingRenderer: IViewRenderer = {
  title: 'Embedding map',
  component: EmbeddingView,
  describe: spec => {
    const params = spec.params as { [key: string]: unknown } | undefined;
    const method = typeof params?.method === 'string' ? methodName(params.method) : 'PCA';
    return method;
  }
};
