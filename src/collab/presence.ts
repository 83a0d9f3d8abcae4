/*
 * Presence: who else has this board open, which view they look at and the
 * brush they are dragging, from the document's awareness (transient: never
 * written into the document). Names and colours here are what browsers say
 * about themselves: they are shown, never used as authorship (annotations
 * carry the server's stamp).
 *
 * - One avatar per person: several awareness clients of one username (a tab
 *   reloaded, whose old state has not expired yet; two tabs) show as one,
 *   the most recently updated; our own username is not shown as someone else.
 * - Our state is removed when the board closes and when the page goes away
 *   (pagehide), so that the others do not keep our avatar for 30 seconds.
 * - A brush in progress is published at most every `brushInterval` ms (the
 *   last position always goes out); releasing it clears it at once.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { Awareness } from 'y-protocols/awareness';

import { IPeer, IPeerBrush } from './tokens';

/** Our field in an awareness state. */
export const PRESENCE_FIELD = 'symphony';

/** Default quiet time between two brush updates sent (ms). */
export const BRUSH_INTERVAL = 50;

function text(value: unknown, limit: number): string {
  return typeof value === 'string' ? value.slice(0, limit) : '';
}

/** A colour we may put in a style: #rgb/#rrggbb or a theme variable. */
export function safeColor(value: string): string {
  return /^#[0-9a-fA-F]{3,8}$/.test(value) || /^var\(--jp-[\w-]+\)$/.test(value)
    ? value
    : 'var(--jp-brand-color1)';
}

function edge(value: unknown): number | string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  return typeof value === 'string' && value.length <= 64 ? value : null;
}

function extent(value: unknown): [number | string, number | string] | undefined {
  if (!Array.isArray(value) || value.length !== 2) {
    return undefined;
  }
  const a = edge(value[0]);
  const b = edge(value[1]);
  return a === null || b === null ? undefined : [a, b];
}

/** A brush from someone else's awareness state, checked (it is data from another browser). */
export function peerBrush(value: unknown): IPeerBrush | null {
  if (!value || typeof value !== 'object') {
    return null;
  }
  const v = value as Record<string, unknown>;
  const view = text(v['view'], 64);
  const column = typeof v['column'] === 'string' && v['column'].length <= 256 ? v['column'] : '';
  const range = extent(v['range']);
  const hover = extent(v['hover']);
  if (!view || !column || (!range && !hover)) {
    return null;
  }
  return { view, column, ...(range ? { range } : {}), ...(hover ? { hover } : {}) };
}

export class Presence implements IDisposable {
  constructor(awareness: Awareness, options: { brushInterval?: number } = {}) {
    this._awareness = awareness;
    this._brushInterval = options.brushInterval ?? BRUSH_INTERVAL;
    awareness.on('change', this._onChange);
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this._onPageHide);
      window.addEventListener('pageshow', this._onPageShow);
    }
  }

  get changed(): ISignal<Presence, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Everyone else here: one per username (the most recent state), by awareness client. */
  peers(): IPeer[] {
    const self = this._awareness.clientID;
    const own = text(
      ((this._awareness.getLocalState()?.['user'] ?? {}) as Record<string, unknown>)['username'],
      256
    );
    const latest = new Map<string, { peer: IPeer; updated: number }>();
    this._awareness.getStates().forEach((state, clientId) => {
      // Only browsers that say who they are (not the server's own state).
      if (clientId === self || !state || !state['user']) {
        return;
      }
      const user = (state['user'] ?? {}) as Record<string, unknown>;
      const username = text(user['username'], 256);
      if (own && username === own) {
        // Ourselves in another tab, or before a reload.
        return;
      }
      const ours = (state[PRESENCE_FIELD] ?? {}) as Record<string, unknown>;
      const name =
        text(user['display_name'], 80) ||
        text(user['name'], 80) ||
        text(user['username'], 80) ||
        'Anonymous';
      const peer: IPeer = {
        clientId,
        username,
        name,
        initials:
          text(user['initials'], 4) ||
          name
            .split(/\s+/)
            .slice(0, 2)
            .map(w => w.charAt(0))
            .join('')
            .toUpperCase(),
        color: safeColor(text(user['color'], 64)),
        view: text(ours['view'], 64) || null,
        brush: peerBrush(ours['brush'])
      };
      const updated = this._awareness.meta.get(clientId)?.lastUpdated ?? 0;
      const key = username || `client:${clientId}`;
      const known = latest.get(key);
      if (
        !known ||
        updated > known.updated ||
        (updated === known.updated && clientId > known.peer.clientId)
      ) {
        latest.set(key, { peer, updated });
      }
    });
    return [...latest.values()]
      .map(({ peer }) => peer)
      .sort((a, b) => a.clientId - b.clientId);
  }

  /** Say which view (document id) this browser looks at. */
  setView(view: string | null): void {
    if (this._isDisposed || this._view === view) {
      return;
    }
    this._view = view;
    this._publish();
  }

  /** Say where this browser's brush in progress is (null: released). */
  setBrush(brush: IPeerBrush | null): void {
    if (this._isDisposed) {
      return;
    }
    this._brush = brush;
    if (brush === null) {
      // A release goes out at once, and cancels a pending position.
      if (this._brushTimer !== null) {
        clearTimeout(this._brushTimer);
        this._brushTimer = null;
      }
      this._lastBrushSent = 0;
      if (this._sentBrush !== null) {
        this._publish();
      }
      return;
    }
    const wait = this._lastBrushSent + this._brushInterval - Date.now();
    if (wait <= 0 && this._brushTimer === null) {
      this._publish();
      return;
    }
    if (this._brushTimer === null) {
      this._brushTimer = setTimeout(() => {
        this._brushTimer = null;
        this._publish();
      }, Math.max(0, wait));
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._brushTimer !== null) {
      clearTimeout(this._brushTimer);
      this._brushTimer = null;
    }
    this._awareness.off('change', this._onChange);
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', this._onPageHide);
      window.removeEventListener('pageshow', this._onPageShow);
    }
    // Leave at once rather than after awareness' 30 s timeout.
    this._leave();
    Signal.clearData(this);
  }

  private _publish(): void {
    if (this._awareness.getLocalState() === null) {
      return;
    }
    this._sentBrush = this._brush;
    if (this._brush !== null) {
      this._lastBrushSent = Date.now();
    }
    this._awareness.setLocalStateField(PRESENCE_FIELD, {
      view: this._view,
      brush: this._brush
    });
  }

  /** Remove our awareness state: the others drop our avatar and brush now. */
  private _leave(): void {
    const state = this._awareness.getLocalState();
    if (state !== null) {
      this._hidden = state;
      this._awareness.setLocalState(null);
    }
  }

  private _onPageHide = (): void => {
    this._leave();
  };

  private _onPageShow = (event: PageTransitionEvent): void => {
    // Back from the back/forward cache: be here again.
    if (event.persisted && this._hidden && this._awareness.getLocalState() === null) {
      this._awareness.setLocalState({ ...this._hidden });
      this._hidden = null;
    }
  };

  private _onChange = (change: { added: number[] }): void => {
    // Someone joined: say again who we are, so that they see us at once
    // (awareness states are otherwise renewed only every 15 seconds).
    const self = this._awareness.clientID;
    if (change.added.some(id => id !== self)) {
      const state = this._awareness.getLocalState();
      if (state) {
        this._awareness.setLocalState({ ...state });
      }
    }
    this._changed.emit(undefined);
  };

  private _awareness: Awareness;
  private _brushInterval: number;
  private _view: string | null = null;
  private _brush: IPeerBrush | null = null;
  private _sentBrush: IPeerBrush | null = null;
  private _lastBrushSent = 0;
  private _brushTimer: ReturnType<typeof setTimeout> | null = null;
  private _hidden: { [key: string]: unknown } | null = null;
  private _isDisposed = false;
  private _changed = new Signal<Presence, void>(this);
}
