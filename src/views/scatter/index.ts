/*
 * The embedding map's renderer (see scatter.ts).
 */
export * from './camera';
export * from './decode';
export * from './density';
export * from './grid';
export * from './lasso';
export * from './palette';
export * from './renderer';
export { GLRenderer } from './gl';
export { Canvas2DRenderer } from './canvas2d';
export { Scatter } from './scatter';
export type { FrameMode, IFrameInfo, IHover, IScatterData, IScatterOptions } from './scatter';
