/*
 * Brushing: what a pointer is doing on a view right now, before anything is
 * applied to the board. A renderer reports the brush it is dragging (and the
 * bin under the pointer); the collaboration plugin publishes it in awareness
 * (never in the shared document) and hands back the brushes of the others,
 * which renderers draw as outlines in each person's colour.
 *
 * Nothing here touches the board's state: the filter changes only when a
 * brush is released, as before.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IBrushExtent, IBrushing, ILiveBrush, IRemoteBrush } from './tokens';

function same(a: ILiveBrush | null, b: ILiveBrush | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class Brushing implements IBrushing {
  get local(): ILiveBrush | null {
    return this._local;
  }

  get localChanged(): ISignal<IBrushing, ILiveBrush | null> {
    return this._localChanged;
  }

  get remoteChanged(): ISignal<IBrushing, void> {
    return this._remoteChanged;
  }

  setLocal(view: string, extent: IBrushExtent | null): void {
    const current = this._local;
    if (extent === null) {
      // Only the view that brushes clears its own brush.
      if (current === null || current.view !== view) {
        return;
      }
      this._local = null;
    } else {
      const next: ILiveBrush = { view, ...extent };
      if (same(current, next)) {
        return;
      }
      this._local = next;
    }
    this._localChanged.emit(this._local);
  }

  remote(view: string): IRemoteBrush[] {
    return this._remote.filter(brush => brush.view === view);
  }

  setRemote(brushes: IRemoteBrush[]): void {
    if (JSON.stringify(brushes) === JSON.stringify(this._remote)) {
      return;
    }
    this._remote = brushes;
    this._remoteChanged.emit(undefined);
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _local: ILiveBrush | null = null;
  private _remote: IRemoteBrush[] = [];
  private _localChanged = new Signal<IBrushing, ILiveBrush | null>(this);
  private _remoteChanged = new Signal<IBrushing, void>(this);
}
