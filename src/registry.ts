/*
 * The registry of view renderers (the token ISymphonyComponents): one
 * renderer per component name, ours registered like a third party's. It
 * also keeps what the server says about each component (title,
 * description), for titles and tooltips.
 */
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { stableStringify } from './suggestions';

import {
  IBoardState,
  IComponentInfo,
  ISymphonyComponents,
  IViewRenderer,
  IViewSpec
} from './tokens';

/** The renderer registry. */
export class ComponentRegistry implements ISymphonyComponents {
  get changed(): ISignal<ISymphonyComponents, void> {
    return this._changed;
  }

  get names(): ReadonlyArray<string> {
    return Array.from(this._renderers.keys()).filter(
      name => (this._renderers.get(name) ?? []).length > 0
    );
  }

  register(name: string, renderer: IViewRenderer): IDisposable {
    if (!name || typeof renderer?.component !== 'function') {
      throw new Error(`Invalid renderer for the component "${name}".`);
    }
    const stack = this._renderers.get(name) ?? [];
    stack.push(renderer);
    this._renderers.set(name, stack);
    this._changed.emit(undefined);
    return new DisposableDelegate(() => {
      const current = this._renderers.get(name) ?? [];
      const i = current.indexOf(renderer);
      if (i >= 0) {
        current.splice(i, 1);
        this._changed.emit(undefined);
      }
    });
  }

  get(name: string): IViewRenderer | null {
    const stack = this._renderers.get(name);
    return stack && stack.length > 0 ? stack[stack.length - 1] : null;
  }

  info(name: string): IComponentInfo | null {
    return this._info.get(name) ?? null;
  }

  title(name: string): string {
    return this._info.get(name)?.title || this.get(name)?.title || name;
  }

  /** Take the server's list of components. */
  setInfo(components: ReadonlyArray<IComponentInfo>): void {
    this._info = new Map(components.map(c => [c.name, c]));
    this._changed.emit(undefined);
  }

  private _renderers = new Map<string, IViewRenderer[]>();
  private _info = new Map<string, IComponentInfo>();
  private _changed = new Signal<ISymphonyComponents, void>(this);
}

/** A short description of a view's parameters, from its renderer. */
export function describeView(
  registry: ISymphonyComponents,
  spec: IViewSpec
): string {
  try {
    return registry.get(spec.component)?.describe?.(spec) ?? '';
  } catch {
    return '';
  }
}

/**
 * The state a view is computed with: the board's, without the clauses on
 * columns the renderer brushes itself (see `IViewRenderer.ownColumns`).
 */
export function stateForView(
  registry: ISymphonyComponents,
  spec: IViewSpec,
  state: IBoardState
): IBoardState {
  // The view that made the selection draws it and is computed without it.
  const selection = state.selection;
  if (
    selection &&
    selection.component === spec.component &&
    stableStringify(selection.variables) === stableStringify(spec.variables)
  ) {
    const { selection: _, ...rest } = state;
    return stateForView(registry, spec, rest);
  }
  let own: string[] = [];
  try {
    own = registry.get(spec.component)?.ownColumns?.(spec) ?? [];
  } catch {
    own = [];
  }
  if (own.length === 0) {
    return state;
  }
  const filter = state.filter.filter(c => !own.includes(c.column));
  return filter.length === state.filter.length ? state : { ...state, filter };
}
