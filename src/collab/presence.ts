/*
 * Presence: who else has this board open and which view they look at, from
 * the document's awareness (transient: never written into the document).
 * Names and colours here are what browsers say about themselves: they are
 * shown, never used as authorship (annotations carry the server's stamp).
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import type { Awareness } from 'y-protocols/awareness';

import { IPeer } from './tokens';

/** Our field in an awareness state. */
export const PRESENCE_FIELD = 'symphony';

function text(value: unknown, limit: number): string {
  return typeof value === 'string' ? value.slice(0, limit) : '';
}

/** A colour we may put in a style: #rgb/#rrggbb or a theme variable. */
export function safeColor(value: string): string {
  return /^#[0-9a-fA-F]{3,8}$/.test(value) || /^var\(--jp-[\w-]+\)$/.test(value)
    ? value
    : 'var(--jp-brand-color1)';
}

export class Presence implements IDisposable {
  constructor(awareness: Awareness) {
    this._awareness = awareness;
    awareness.on('change', this._onChange);
  }

  get changed(): ISignal<Presence, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Everyone else here, by awareness client. */
  peers(): IPeer[] {
    const peers: IPeer[] = [];
    const self = this._awareness.clientID;
    this._awareness.getStates().forEach((state, clientId) => {
      // Only browsers that say who they are (not the server's own state).
      if (clientId === self || !state || !state['user']) {
        return;
      }
      const user = (state['user'] ?? {}) as Record<string, unknown>;
      const ours = (state[PRESENCE_FIELD] ?? {}) as Record<string, unknown>;
      const name =
        text(user['display_name'], 80) ||
        text(user['name'], 80) ||
        text(user['username'], 80) ||
        'Anonymous';
      peers.push({
        clientId,
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
        view: text(ours['view'], 64) || null
      });
    });
    return peers.sort((a, b) => a.clientId - b.clientId);
  }

  /** Say which view (document id) this browser looks at. */
  setView(view: string | null): void {
    if (this._isDisposed || this._view === view) {
      return;
    }
    this._view = view;
    this._awareness.setLocalStateField(PRESENCE_FIELD, { view });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._awareness.off('change', this._onChange);
    Signal.clearData(this);
  }

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
  private _view: string | null = null;
  private _isDisposed = false;
  private _changed = new Signal<Presence, void>(this);
}
