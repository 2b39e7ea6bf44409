/** tg.viz — model and pipeline diagrams (Mermaid); training curves, 2-D scatter plots, dendrograms and attribution heat maps, images with their detections (SVG, PNG); highlighted tokens (HTML). */
export { kerasToMermaid, moduleToMermaid, pipelineToMermaid, type PipelineSpec } from "./mermaid.js";
export { historyToCSV, historyToSVG, saveHistory, type HistoryLike } from "./plot.js";
export { scatterToSVG, type ScatterOptions } from "./scatter.js";
export { dendrogramToSVG, type DendrogramLayout } from "./dendrogram.js";
export { imagesToSVG } from "./images.js";
export { detectionsToSVG, imageToDataURI, type DetectionPanel } from "./detections.js";
import type { Module } from "../nn/module.js";
import { BaseModel } from "../keras/model.js";
import { kerasToMermaid, moduleToMermaid } from "./mermaid.js";

/** Any model — Keras Sequential or functional, or an nn.Module — as a Mermaid flowchart. */
export function toMermaid(model: BaseModel | Module): string {
  return model instanceof BaseModel ? kerasToMermaid(model) : moduleToMermaid(model);
}
export { heatmapsToSVG, heatmapToPNG, type HeatmapPanel, type HeatmapOptions, type HeatSign, type Grid } from "./heatmap.js";
export { encodePNG } from "./png.js";
export { tokensToHTML, attributionBarsToSVG } from "./attribution-text.js";
export { tradeoffToSVG, type NamedPoint } from "./tradeoff.js";
export { attentionToSVG, type AttentionPanel } from "./attention-matrix.js";
