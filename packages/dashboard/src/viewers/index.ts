/**
 * Viewers of logged W&B media for the run page: 3D objects (point clouds and meshes, three.js
 * loaded on first use), custom charts (W&B's presets without vega) and model graphs.
 */
export { Object3DPanel, type Object3DPanelProps, type Object3DState } from './object3d/object3d-panel.js';
export { CustomChartPanel, type CustomChartPanelProps, type CustomChartState } from './custom-chart/custom-chart-panel.js';
export type { CustomChartSpec } from './custom-chart/presets.js';
export type { ChartTable } from './custom-chart/table-columns.js';
export { GraphPanel, type GraphPanelProps } from './graph/graph-panel.js';
