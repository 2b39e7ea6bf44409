/**
 * Graph data (PyG's `Data` and `Batch`): node features `x`, `edgeIndex` [2, E] (row = source, col =
 * target), `edgeAttr`, `y`, masks and any other attribute, and the disjoint union of several graphs
 * as one batch (edge indices shifted by the nodes before them, a `batch` vector naming each node's
 * graph, `ptr` the offsets).
 */
import { IndexError, ValueError } from "../base/errors.js";
import { TENSOR_CONTAINER } from "../base/scope.js";
import { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { indexSelect } from "../ops/indexing.js";
import { cat } from "../ops/movement.js";
import { checkEdgeIndexShape, edgeArrays, nodeList, positions } from "./utils/edges.js";
import { containsSelfLoops } from "./utils/loops.js";
import { isUndirected } from "./utils/structure.js";
import { subgraph } from "./utils/subgraph.js";

export type DataAttrs = Record<string, unknown>;

/** Attributes indexed by nodes (incremented by the node count when graphs are batched). */
const isIndexKey = (key: string) => key.includes("index") || key.includes("Index") || key.includes("face");

export class Data {
  [key: string]: unknown;
  /** Scopes (a DataLoader's batches) keep the tensors a Data holds, as those of a plain object. */
  get [TENSOR_CONTAINER](): true {
    return true;
  }
  declare x?: Tensor | null;
  declare edgeIndex?: Tensor | null;
  declare edgeAttr?: Tensor | null;
  declare y?: Tensor | null;
  declare pos?: Tensor | null;
  #numNodes: number | null = null;

  constructor(attrs: DataAttrs = {}) {
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "numNodes") this.numNodes = v as number;
      else if (v !== undefined) this[k] = v;
    }
  }

  /** The attribute names that hold a value, in insertion order. */
  keys(): string[] {
    return Object.keys(this).filter((k) => this[k] !== undefined && this[k] !== null);
  }

  get numNodes(): number {
    if (this.#numNodes !== null) return this.#numNodes;
    for (const key of ["x", "pos", "batch"]) {
      const t = this[key];
      if (t instanceof Tensor) return t.shape[0]!;
    }
    if (this.edgeIndex instanceof Tensor) {
      const { row, col } = edgeArrays(this.edgeIndex, "Data.numNodes");
      let hi = -1;
      for (let e = 0; e < row.length; e++) hi = Math.max(hi, row[e]!, col[e]!);
      return hi + 1;
    }
    return 0;
  }

  set numNodes(n: number) {
    if (!Number.isSafeInteger(n) || n < 0) throw new ValueError(`Data: numNodes must be a non-negative integer, got ${n}`);
    this.#numNodes = n;
  }

  get numEdges(): number {
    return this.edgeIndex instanceof Tensor ? this.edgeIndex.shape[1]! : 0;
  }

  get numNodeFeatures(): number {
    return this.x instanceof Tensor ? (this.x.ndim === 1 ? 1 : this.x.shape[1]!) : 0;
  }

  get numFeatures(): number {
    return this.numNodeFeatures;
  }

  get numEdgeFeatures(): number {
    return this.edgeAttr instanceof Tensor ? (this.edgeAttr.ndim === 1 ? 1 : this.edgeAttr.shape[1]!) : 0;
  }

  /** Whether a tensor attribute has one row per node (PyG's is_node_attr): not named edge…, and numNodes rows. */
  isNodeAttr(key: string): boolean {
    const v = this[key];
    return v instanceof Tensor && v.ndim > 0 && !isIndexKey(key) && !key.startsWith("edge") && v.shape[0] === this.numNodes;
  }

  /** Whether a tensor attribute has one row per edge: named edge… (edgeAttr, edgeWeight), or numEdges rows that are not numNodes rows. */
  isEdgeAttr(key: string): boolean {
    const v = this[key];
    if (!(v instanceof Tensor) || v.ndim === 0 || isIndexKey(key) || v.shape[0] !== this.numEdges) return false;
    return key.startsWith("edge") || v.shape[0] !== this.numNodes;
  }

  /** The dim along which batching concatenates this attribute (PyG's __cat_dim__). */
  catDim(key: string, value: unknown): number {
    return isIndexKey(key) && value instanceof Tensor ? value.ndim - 1 : 0;
  }

  /** What batching adds to this attribute's values (PyG's __inc__): node indices shift by the nodes before. */
  inc(key: string, _value: unknown): number {
    return isIndexKey(key) ? this.numNodes : 0;
  }

  /** Checks edgeIndex's dtype, shape and range against numNodes (a typed error naming what is wrong). */
  validate(): true {
    if (this.edgeIndex instanceof Tensor) {
      checkEdgeIndexShape(this.edgeIndex, "Data.validate");
      edgeArrays(this.edgeIndex, "Data.validate", this.numNodes);
    }
    for (const key of this.keys()) {
      const v = this[key];
      if (key !== "edgeIndex" && v instanceof Tensor && key.startsWith("edge") && v.ndim > 0 && v.shape[0] !== this.numEdges) {
        throw new IndexError(`Data.validate: ${key} has ${v.shape[0]} rows for ${this.numEdges} edges`);
      }
    }
    return true;
  }

  hasSelfLoops(): boolean {
    return this.edgeIndex instanceof Tensor && containsSelfLoops(this.edgeIndex);
  }

  hasIsolatedNodes(): boolean {
    if (!(this.edgeIndex instanceof Tensor)) return this.numNodes > 0;
    const { row, col } = edgeArrays(this.edgeIndex, "Data.hasIsolatedNodes", this.numNodes);
    const seen = new Uint8Array(this.numNodes);
    row.forEach((r) => (seen[r] = 1));
    col.forEach((c) => (seen[c] = 1));
    return seen.includes(0);
  }

  isUndirected(): boolean {
    return this.edgeIndex instanceof Tensor ? isUndirected(this.edgeIndex, null, this.numNodes) : true;
  }

  isDirected(): boolean {
    return !this.isUndirected();
  }

  /** A new Data of the same class with the same attribute values (tensors shared; PyG's copy). */
  protected sameKind(attrs: DataAttrs): this {
    const out = new (this.constructor as new (a: DataAttrs) => this)(attrs);
    if (this.#numNodes !== null) out.numNodes = this.#numNodes;
    return out;
  }

  /** A copy with fn applied to every tensor attribute. */
  apply(fn: (t: Tensor, key: string) => Tensor): this {
    const attrs: DataAttrs = {};
    for (const key of Object.keys(this)) {
      const v = this[key];
      attrs[key] = v instanceof Tensor ? fn(v, key) : v;
    }
    return this.sameKind(attrs);
  }

  /** A copy whose tensors are cloned. */
  clone(): this {
    return this.apply((t) => t.clone());
  }

  /** A copy whose tensors live on a device or backend ("cpu", "wasm", "js"…). */
  to(device: string): this {
    return this.apply((t) => t.to(device));
  }

  /** The graph induced by a subset of nodes (node indices or a bool mask), node and edge attributes narrowed, nodes relabelled. */
  subgraph(subset: Tensor | readonly number[]): this {
    const n = this.numNodes;
    const nodes = nodeList(subset, n, "Data.subgraph");
    const edgeIndex = this.edgeIndex instanceof Tensor ? this.edgeIndex : null;
    const [ei, , mask] = edgeIndex ? subgraph(nodes, edgeIndex, null, { relabelNodes: true, numNodes: n }) : [null, null, null];
    const keptEdges = mask ? positions([...mask.dataSync()].flatMap((m, e) => (m ? [e] : []))) : null;
    const at = positions(nodes);
    const attrs: DataAttrs = {};
    for (const key of Object.keys(this)) {
      const v = this[key];
      if (key === "edgeIndex") attrs[key] = ei;
      else if (this.isNodeAttr(key)) attrs[key] = indexSelect(v as Tensor, 0, at);
      else if (keptEdges && this.isEdgeAttr(key)) attrs[key] = indexSelect(v as Tensor, 0, keptEdges);
      else attrs[key] = v;
    }
    const out = this.sameKind(attrs);
    out.numNodes = nodes.length;
    return out;
  }

  toString(): string {
    const parts = this.keys().map((k) => {
      const v = this[k];
      return `${k}=${v instanceof Tensor ? `[${v.shape.join(", ")}]` : Array.isArray(v) ? `[${v.length}]` : String(v)}`;
    });
    return `${this.constructor.name}(${parts.join(", ")})`;
  }
}

export interface FromDataListOptions {
  /** Attributes for which a `<key>Batch` vector is also built (PyG's follow_batch). */
  followBatch?: readonly string[];
  excludeKeys?: readonly string[];
}

/** Several graphs as one disjoint graph: `batch` names each node's graph, `ptr` their offsets. */
export class Batch extends Data {
  declare batch?: Tensor;
  declare ptr?: Tensor;
  #parts: { list: Data[] } | null = null;

  static fromDataList(list: readonly Data[], opts: FromDataListOptions = {}): Batch {
    if (list.length === 0) throw new ValueError("Batch.fromDataList: the list of graphs is empty");
    const exclude = new Set(opts.excludeKeys ?? []);
    const keys = [...new Set(list.flatMap((d) => d.keys()))].filter((k) => !exclude.has(k));
    const attrs: DataAttrs = {};
    const counts = list.map((d) => d.numNodes);
    for (const key of keys) {
      const values = list.map((d) => d[key]);
      if (values.every((v) => v instanceof Tensor)) {
        const tensors = values as Tensor[];
        const dim = list[0]!.catDim(key, tensors[0]);
        let offset = 0;
        const shifted = tensors.map((t, g) => {
          const inc = list[g]!.inc(key, t);
          const out = offset === 0 || inc === 0 ? t : t.add(offset);
          offset += inc;
          return t.ndim === 0 ? out.reshape([1]) : out;
        });
        attrs[key] = cat(shifted, dim < 0 ? shifted[0]!.ndim + dim : dim);
      } else if (values.every((v) => typeof v === "number" || typeof v === "boolean")) {
        attrs[key] = tensor(values as number[]);
      } else {
        attrs[key] = values;
      }
      if (opts.followBatch?.includes(key)) attrs[`${key}Batch`] = repeatIds(values.map((v) => (v instanceof Tensor ? v.shape[0]! : 1)));
    }
    attrs.batch = repeatIds(counts);
    attrs.ptr = tensor(Int32Array.from([0, ...counts.map((_, g) => counts.slice(0, g + 1).reduce((a, b) => a + b, 0))]), { dtype: "int32" });
    const out = new Batch(attrs);
    out.numNodes = counts.reduce((a, b) => a + b, 0);
    out.#parts = { list: [...list] };
    return out;
  }

  get numGraphs(): number {
    return this.ptr instanceof Tensor ? this.ptr.shape[0]! - 1 : 1;
  }

  /** Graph i of the batch, as it was given (PyG's get_example). */
  getExample(i: number): Data {
    const list = this.#parts?.list;
    if (!list) throw new ValueError("Batch.getExample: this batch was not made by fromDataList");
    if (!Number.isInteger(i) || i < -list.length || i >= list.length) throw new IndexError(`Batch.getExample: graph ${i} is out of range for ${list.length} graphs`);
    return list[i < 0 ? i + list.length : i]!;
  }

  toDataList(): Data[] {
    return Array.from({ length: this.numGraphs }, (_, i) => this.getExample(i));
  }
}

/** [0, 0, 1, 1, 1, …]: graph g repeated counts[g] times (int32). */
function repeatIds(counts: readonly number[]): Tensor {
  const out = new Int32Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  counts.forEach((c, g) => {
    out.fill(g, at, at + c);
    at += c;
  });
  return tensor(out, { dtype: "int32" });
}

