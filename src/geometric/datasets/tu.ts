/**
 * Graph classification sets in the TU Dortmund format (PyG's `TUDataset`), read from
 * `<root>/<name>/raw/<name>_*.txt`: A (edges "i, j", 1-based), graph_indicator (each node's graph),
 * graph_labels, and optionally node_labels / node_attributes / edge_labels / edge_attributes.
 */
import { DataError, FormatError } from "../../base/errors.js";
import { requireNode } from "../../base/node.js";
import { checkOptions } from "../../base/options.js";
import { tensor } from "../../ops/creation.js";
import { Data } from "../data.js";
import { edgeTensor } from "../utils/edges.js";
import { GraphDataset, type GraphTransform } from "./graph-dataset.js";

export interface TUDatasetOptions {
  root: string;
  name: string;
  /** Keep the continuous node attributes in x (default false: only the one-hot node labels). */
  useNodeAttr?: boolean;
  /** Keep the continuous edge attributes in edgeAttr (default false). */
  useEdgeAttr?: boolean;
  transform?: GraphTransform | null;
}

/** A comma/space separated numeric table, every row the same width. */
function table(text: string, file: string, integer: boolean): number[][] {
  const rows: number[][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const row = line.split(/[,\s]+/).filter(Boolean).map((s) => {
      const v = Number(s);
      if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new FormatError(`${file}: line ${i + 1} has '${s}', expected ${integer ? "an integer" : "a number"}`);
      return v;
    });
    if (rows.length && row.length !== rows[0]!.length) throw new FormatError(`${file}: line ${i + 1} has ${row.length} columns, earlier lines ${rows[0]!.length}`);
    rows.push(row);
  });
  return rows;
}

/** Integer label columns as one concatenated one-hot block per row (labels shifted to start at 0). */
function oneHot(labels: number[][]): { width: number; rows: number[][] } {
  if (labels.length === 0) return { width: 0, rows: [] };
  const cols = labels[0]!.length;
  const lo = Array.from({ length: cols }, (_, c) => Math.min(...labels.map((r) => r[c]!)));
  const sizes = Array.from({ length: cols }, (_, c) => Math.max(...labels.map((r) => r[c]!)) - lo[c]! + 1);
  const width = sizes.reduce((a, b) => a + b, 0);
  return {
    width,
    rows: labels.map((r) => {
      const out = new Array<number>(width).fill(0);
      let at = 0;
      r.forEach((v, c) => {
        out[at + v - lo[c]!] = 1;
        at += sizes[c]!;
      });
      return out;
    }),
  };
}

export function readTU(folder: string, name: string, opts: { useNodeAttr?: boolean; useEdgeAttr?: boolean } = {}): Data[] {
  const fs = requireNode("node:fs", "reading TU datasets");
  const path = requireNode("node:path", "reading TU datasets");
  const file = (part: string) => path.join(folder, `${name}_${part}.txt`);
  const optional = (part: string, integer: boolean): number[][] | null =>
    fs.existsSync(file(part)) ? table(fs.readFileSync(file(part), "utf8"), file(part), integer) : null;
  const required = (part: string, integer: boolean): number[][] => {
    const t = optional(part, integer);
    if (t === null) throw new DataError(`TUDataset: ${file(part)} is missing`);
    return t;
  };
  const edges = required("A", true);
  const indicator = required("graph_indicator", true).map((r) => r[0]! - 1);
  const n = indicator.length;
  const graphLabels = optional("graph_labels", true) ?? optional("graph_attributes", false);
  for (let v = 1; v < n; v++) if (indicator[v]! < indicator[v - 1]!) throw new FormatError(`${file("graph_indicator")}: nodes must be grouped by graph (line ${v + 1} goes back to graph ${indicator[v]! + 1})`);
  const numGraphs = n ? indicator[n - 1]! + 1 : 0;
  if (edges.some((e) => e.length !== 2)) throw new FormatError(`${file("A")}: every line must hold two node numbers`);
  edges.forEach(([a, b], i) => {
    if (a! < 1 || a! > n || b! < 1 || b! > n) throw new FormatError(`${file("A")}: line ${i + 1} names node ${a! < 1 || a! > n ? a : b}, outside 1…${n}`);
    if (indicator[a! - 1] !== indicator[b! - 1]) throw new FormatError(`${file("A")}: line ${i + 1} joins nodes of different graphs`);
  });
  const nodeAttr = opts.useNodeAttr ? optional("node_attributes", false) : null;
  const nodeLabels = oneHot(optional("node_labels", true) ?? []);
  const edgeAttr = opts.useEdgeAttr ? optional("edge_attributes", false) : null;
  const edgeLabels = oneHot(optional("edge_labels", true) ?? []);
  for (const [what, rows, count] of [["node_attributes", nodeAttr, n], ["node_labels", nodeLabels.rows.length ? nodeLabels.rows : null, n], ["edge_attributes", edgeAttr, edges.length], ["edge_labels", edgeLabels.rows.length ? edgeLabels.rows : null, edges.length]] as const) {
    if (rows && rows.length !== count) throw new FormatError(`${file(what)}: ${rows.length} lines for ${count} ${what.startsWith("node") ? "nodes" : "edges"}`);
  }
  let labels: number[] | null = null;
  if (graphLabels) {
    if (graphLabels.length !== numGraphs) throw new FormatError(`TUDataset: ${graphLabels.length} graph labels for ${numGraphs} graphs`);
    // Class labels renumbered 0…k−1 in sorted order (PyG: unique(return_inverse)).
    const distinct = [...new Set(graphLabels.map((r) => r[0]!))].sort((a, b) => a - b);
    labels = graphLabels.map((r) => distinct.indexOf(r[0]!));
  }
  const start = new Array<number>(numGraphs + 1).fill(0);
  indicator.forEach((g) => start[g + 1]!++);
  for (let g = 0; g < numGraphs; g++) start[g + 1]! += start[g]!;
  const edgesOf: number[][] = Array.from({ length: numGraphs }, () => []);
  edges.forEach(([a, b], e) => a !== b && edgesOf[indicator[a! - 1]!]!.push(e)); // self loops dropped, as PyG
  const out: Data[] = [];
  for (let g = 0; g < numGraphs; g++) {
    const lo = start[g]!;
    const count = start[g + 1]! - lo;
    const features = Array.from({ length: count }, (_, k) => [...(nodeAttr?.[lo + k] ?? []), ...(nodeLabels.rows[lo + k] ?? [])]);
    const es = edgesOf[g]!.sort((p, q) => edges[p]![0]! - edges[q]![0]! || edges[p]![1]! - edges[q]![1]!);
    const attrs: Record<string, unknown> = {
      edgeIndex: edgeTensor(es.map((e) => edges[e]![0]! - 1 - lo), es.map((e) => edges[e]![1]! - 1 - lo)),
      numNodes: count,
    };
    if (features[0]?.length) attrs.x = tensor(features.flat(), { shape: [count, features[0].length] });
    const edgeFeatures = es.map((e) => [...(edgeAttr?.[e] ?? []), ...(edgeLabels.rows[e] ?? [])]);
    if (edgeFeatures[0]?.length) attrs.edgeAttr = tensor(edgeFeatures.flat(), { shape: [es.length, edgeFeatures[0].length] });
    if (labels) attrs.y = tensor(Int32Array.of(labels[g]!), { dtype: "int32" });
    out.push(new Data(attrs));
  }
  return out;
}

export class TUDataset extends GraphDataset {
  readonly name: string;

  constructor(options: TUDatasetOptions) {
    checkOptions("TUDataset", options, { root: "string", name: "string", useNodeAttr: "boolean", useEdgeAttr: "boolean", transform: "any" });
    const path = requireNode("node:path", "reading TU datasets");
    super(readTU(path.join(options.root, options.name, "raw"), options.name, options), options.transform ?? null);
    this.name = options.name;
  }
}
