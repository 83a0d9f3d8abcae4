/*
 * When a widget drawn with React renders after its model changed.
 *
 * `Widget.update()` posts the update request to Lumino's message loop,
 * which runs it at the next animation frame: an answer that arrives just
 * after a frame waits up to 16 ms before React even starts, then React's
 * commit is seen at the frame after that. `RenderSoon` runs the update
 * right after the current task instead (a microtask), so that the changes
 * of one task (one answer, one click) are drawn together and in time for
 * the next frame. A hidden widget keeps Lumino's usual posted update.
 */
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

export class RenderSoon {
  constructor(private readonly _widget: Widget) {}

  /** Ask for one render after the current task (several asks, one render). */
  request(): void {
    if (this._queued) {
      return;
    }
    this._queued = true;
    queueMicrotask(() => {
      this._queued = false;
      const widget = this._widget;
      if (widget.isDisposed) {
        return;
      }
      if (widget.isVisible) {
        MessageLoop.sendMessage(widget, Widget.Msg.UpdateRequest);
      } else {
        widget.update();
      }
    });
  }

  private _queued = false;
}
