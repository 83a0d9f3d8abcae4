/*
 * Follows the current notebook and its kernel, and tells the model which
 * kernel to show: on a switch of notebook (INotebookTracker.currentChanged)
 * and on every change of the notebook's session (kernel changed, status
 * changed, renamed).
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

import { ISource } from './tokens';

/** A widget with a session, such as a NotebookPanel. */
export interface ISessionWidget {
  readonly sessionContext: ISessionContext;
}

/** The part of a widget tracker (e.g. INotebookTracker) used here. */
export interface ISessionWidgetTracker<T extends ISessionWidget> {
  readonly currentWidget: T | null;
  readonly currentChanged: ISignal<any, T | null>;
}

/** The source to show for a session. */
export function sourceOf(sessionContext: ISessionContext): ISource {
  const kernel = sessionContext.session?.kernel ?? null;
  const status = sessionContext.kernelDisplayStatus || 'unknown';
  return {
    kernelId: kernel?.id ?? null,
    notebookPath: sessionContext.path,
    kernelName: kernel ? sessionContext.kernelDisplayName : '',
    kernelStatus: status,
    starting: !kernel && (status === 'initializing' || status === 'starting')
  };
}

/** Keeps a sink (the model's `setSource`) on the current widget's kernel. */
export class SessionFollower<T extends ISessionWidget> implements IDisposable {
  constructor(
    tracker: ISessionWidgetTracker<T>,
    sink: (source: ISource | null) => void
  ) {
    this._tracker = tracker;
    this._sink = sink;
    tracker.currentChanged.connect(this._onCurrentChanged, this);
    this._follow(tracker.currentWidget);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The widget followed now. */
  get current(): T | null {
    return this._current;
  }

  /** Compute the source again and pass it on. */
  update(): void {
    if (this._isDisposed) {
      return;
    }
    const context = this._current?.sessionContext;
    this._sink(context && !context.isDisposed ? sourceOf(context) : null);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._tracker.currentChanged.disconnect(this._onCurrentChanged, this);
    this._disconnect();
  }

  private _onCurrentChanged(_: unknown, widget: T | null): void {
    this._follow(widget);
  }

  private _follow(widget: T | null): void {
    if (widget === this._current) {
      this.update();
      return;
    }
    this._disconnect();
    this._current = widget;
    const context = widget?.sessionContext;
    if (context) {
      context.kernelChanged.connect(this._onChange, this);
      context.sessionChanged.connect(this._onChange, this);
      context.statusChanged.connect(this._onChange, this);
      context.connectionStatusChanged.connect(this._onChange, this);
      context.propertyChanged.connect(this._onChange, this);
      context.disposed.connect(this._onDisposed, this);
      void context.ready.then(
        () => {
          if (this._current === widget) {
            this.update();
          }
        },
        () => undefined
      );
    }
    this.update();
  }

  private _disconnect(): void {
    const context = this._current?.sessionContext;
    if (context) {
      context.kernelChanged.disconnect(this._onChange, this);
      context.sessionChanged.disconnect(this._onChange, this);
      context.statusChanged.disconnect(this._onChange, this);
      context.connectionStatusChanged.disconnect(this._onChange, this);
      context.propertyChanged.disconnect(this._onChange, this);
      context.disposed.disconnect(this._onDisposed, this);
    }
    this._current = null;
  }

  private _onChange(): void {
    this.update();
  }

  private _onDisposed(): void {
    this._disconnect();
    this.update();
  }

  private _tracker: ISessionWidgetTracker<T>;
  private _sink: (source: ISource | null) => void;
  private _current: T | null = null;
  private _isDisposed = false;
}
