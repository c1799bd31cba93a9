/**
 * Dependency-free SVG charts: line charts, training curves, confusion matrices and relevance heatmaps. Import from
 * `myelin` or `myelin/plots`.
 *
 * @module plots
 */
export { lineChart } from './line-chart.js';
export type { LineChartOptions, LineSeries } from './line-chart.js';
export { trainingCurves } from './training-curves.js';
export type { CurvesHistory, NamedHistory, TrainingCurvesOptions } from './training-curves.js';
export { confusionMatrixHeatmap } from './confusion-heatmap.js';
export type { ConfusionMatrixHeatmapOptions } from './confusion-heatmap.js';
export { niceTicks } from './ticks.js';
export type { NiceTicks } from './ticks.js';
export { reliabilityDiagram } from './reliability-diagram.js';
export type {
  ReliabilityBin,
  ReliabilitySeries,
  ReliabilityDiagramOptions,
} from './reliability-diagram.js';
export { relevanceHeatmap } from './relevance-heatmap.js';
export type { RelevanceHeatmapOptions } from './relevance-heatmap.js';
export { attentionHeatmap } from './attention-heatmap.js';
export type { AttentionHeatmapOptions } from './attention-heatmap.js';
