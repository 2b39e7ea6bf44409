/**
 * Model diagrams as Mermaid flowcharts: Keras Sequential and functional models (layer names, types
 * and output shapes; residual and multi-input edges), nn.Module trees, and data pipelines
 * (dataset → transforms → loader → model → loss).
 */
import type { Module } from "../nn/module.js";
import type { BaseModel } from "../keras/model.js";
import type { Shape } from "../keras/layer.js";

/** Mermaid node ids: letters, digits and underscores only. */
const id = (s: string) => `n_${s.replace(/[^A-Za-z0-9_]/g, "_")}`;
/** Labels are quoted; quotes inside become #quot; (Mermaid's entity syntax). */
const label = (...lines: string[]) => `"${lines.map((l) => l.replace(/"/g, "#quot;")).join("<br/>")}"`;
const shapeText = (s: Shape | null) => (s ? `(None, ${s.map((d) => d ?? "None").join(", ")})` : "");

interface Graph {
  config: { inputs?: { name: string; shape: Shape }[]; layers: { config: { name: string }; inbound?: string[] }[] };
}

/**
 * A Keras model: a node per layer (name, type, output shape) and an edge per connection, so
 * residual and multi-input graphs show as they are.
 */
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


/** An nn.Module as its tree: containers are subgraphs, leaves are nodes in registration order. */
export function moduleToMermaid(module: Module, name = module.constructor.name): string {
  const lines = ["flowchart TD"];
  const walk = (m: Module, path: string, indent: string): string[] => {
    const children = [...m.namedChildren()];
    if (children.length === 0) {
      lines.push(`${indent}${id(path)}[${label(path.split(".").pop()!, m.toString().split("\n")[0]!)}]`);
      return [id(path)];
    }
    lines.push(`${indent}subgraph ${id(path)}[${label(`${path.split(".").pop()!} (${m.constructor.name})`)}]`);
    const leaves: string[] = [];
    let prev: string | null = null;
    for (const [k, child] of children) {
      const ids = walk(child, `${path}.${k}`, `${indent}  `);
      if (prev && ids[0]) lines.push(`${indent}  ${prev} --> ${ids[0]}`);
      prev = ids[ids.length - 1] ?? prev;
      leaves.push(...ids);
    }
    lines.push(`${indent}end`);
    return leaves;
  };
  walk(module, name, "  ");
  return lines.join("\n");
}

export interface PipelineSpec {
  dataset: string;
  transforms?: string[];
  loader?: string;
  model: string;
  loss?: string;
  optimizer?: string;
}

/** dataset → transforms → loader → model → loss (→ optimizer) as a left-to-right flowchart. */
export function pipelineToMermaid(p: PipelineSpec): string {
  const steps: [string, string][] = [["dataset", p.dataset], ...(p.transforms ?? []).map((t, i) => [`transform_${i}`, t] as [string, string])];
  if (p.loader) steps.push(["loader", p.loader]);
  steps.push(["model", p.model]);
  if (p.loss) steps.push(["loss", p.loss]);
  const lines = ["flowchart LR", ...steps.map(([k, v]) => `  ${id(k)}[${label(v)}]`)];
  for (let i = 1; i < steps.length; i++) lines.push(`  ${id(steps[i - 1]![0])} --> ${id(steps[i]![0])}`);
  if (p.optimizer) lines.push(`  ${id("optimizer")}[${label(p.optimizer)}]`, `  ${id("loss")} -. gradients .-> ${id("optimizer")}`, `  ${id("optimizer")} -. updates .-> ${id("model")}`);
  return lines.join("\n");
}
