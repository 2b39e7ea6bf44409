/**
 * Keras models as Mermaid flowcharts: a node per layer (name, type, output shape) and an edge per
 * connection, so residual and multi-input graphs show as they are. (tg.viz re-exports this and
 * draws nn.Module trees and pipelines too.)
 */
import type { BaseModel } from "./model.js";
import type { Shape } from "./layer.js";

/** Mermaid node ids: letters, digits and underscores only. */
export const id = (s: string) => `n_${s.replace(/[^A-Za-z0-9_]/g, "_")}`;
/** Labels are quoted; quotes inside become #quot; (Mermaid's entity syntax). */
export const label = (...lines: string[]) => `"${lines.map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;
const shapeText = (s: Shape | null) => (s ? `(None, ${s.map((d) => d ?? "None").join(", ")})` : "");

interface Graph {
  config: { inputs?: { name: string; shape: Shape }[]; layers: { config: { name: string }; inbound?: string[] }[] };
}

export function kerasToMermaid(model: BaseModel, direction: "TD" | "LR" = "TD"): string {
  const lines = [`flowchart ${direction}`];
  const shapes = model.layerOutputShapes();
  const graph = (model.toJSON() as unknown as Graph).config;
  if (graph.inputs) {
    // A functional model: edges follow each layer's inbound tensors.
    for (const input of graph.inputs) lines.push(`  ${id(input.name)}[${label(input.name, "Input", shapeText(input.shape))}]`);
    model.layers.forEach((l, i) => lines.push(`  ${id(l.name)}[${label(l.name, l.constructor.name, shapeText(shapes[i] ?? null))}]`));
    for (const l of graph.layers) for (const from of l.inbound ?? []) lines.push(`  ${id(from)} --> ${id(l.config.name)}`);
    return lines.join("\n");
  }
  const first = model.layers[0]?.inputShape;
  if (first) lines.push(`  ${id("input")}[${label("input", "Input", shapeText(first))}]`);
  let prev = first ? id("input") : null;
  model.layers.forEach((l, i) => {
    lines.push(`  ${id(l.name)}[${label(l.name, l.constructor.name, shapeText(shapes[i] ?? null))}]`);
    if (prev) lines.push(`  ${prev} --> ${id(l.name)}`);
    prev = id(l.name);
  });
  return lines.join("\n");
}

