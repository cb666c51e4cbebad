/**
 * Viewers of logged W&B media for the run page: 3D objects (point clouds and meshes, three.js
 * loaded on first use), custom charts (W&B's presets without vega) and model graphs.
 */
export { Object3DPanel } from './object3d/object3d-panel.js';
export { CustomChartPanel } from './custom-chart/custom-chart-panel.js';
export type { ChartTable } from './custom-chart/table-columns.js';
export { GraphPanel } from './graph/graph-panel.js';
