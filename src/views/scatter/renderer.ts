/*
 * What the map needs of a renderer (WebGL, or canvas 2D as the fallback).
 */
import { Bounds, ICamera } from './camera';

export interface IRenderer {
  readonly kind: 'webgl' | 'canvas';
  /** Whether the drawing context is gone (a lost WebGL context). */
  readonly lost: boolean;
  /** The points in drawing order, their colour codes and selection flags (1: selected). */
  setPoints(xs: Float32Array, ys: Float32Array, cs: Uint8Array, selected: Uint8Array): void;
  setColors(cs: Uint8Array): void;
  setSelected(selected: Uint8Array): void;
  /** 256 × RGBA (0..255), indexed by colour code. */
  setPalette(palette: Uint8Array): void;
  /** Start a frame: size the drawing buffer (device pixels) and clear it. */
  begin(pixelWidth: number, pixelHeight: number): void;
  /** Points [start, start + count), `size` CSS pixels; dim the unselected ones when `dim`. */
  drawPoints(cam: ICamera, start: number, count: number, size: number, alpha: number, dim: boolean): void;
  /**
   * Points given here (a compacted copy of the ones in view: `count` of
   * each array), in one draw call.
   */
  drawSubset(
    cam: ICamera,
    xs: Float32Array,
    ys: Float32Array,
    cs: Uint8Array,
    selected: Uint8Array,
    count: number,
    size: number,
    alpha: number,
    dim: boolean
  ): void;
  /**
   * An RGBA image (premultiplied alpha) into a slot: 0 for the image of a
   * frame (drawn pixel for pixel), 1 for the overview of every point (kept
   * between frames, smoothed when drawn smaller than it is).
   */
  setImage(pixels: Uint8Array, width: number, height: number, slot?: 0 | 1): void;
  /** The image of a slot over `bounds` (data coordinates). */
  drawImage(cam: ICamera, bounds: Bounds, slot?: 0 | 1): void;
  /** Wait until the frame is drawn (for timing). */
  finish(): void;
  dispose(): void;
}
