/**
 * MessagePassing (PyG's base class): a layer computes a message per edge from its two ends, reduces
 * the messages at each node, and updates the node. `propagate(edgeIndex, {x, norm, …})` hands
 * `message` every argument as given plus, for node tensors, `<name>_i` (the value at the edge's
 * target, the node receiving) and `<name>_j` (at its source) — PyG's convention, gathered only when
 * read. A pair [xSource, xTarget] gives bipartite graphs their two node sets.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { normalizeDim } from "../../base/shape.js";
import { Tensor } from "../../ops/tensor.js";
import { indexSelect } from "../../ops/indexing.js";
import { Module } from "../../nn/module.js";
import { scatter, sizeFromIndex, type ScatterReduce } from "../scatter.js";
import { checkEdgeIndexShape } from "../utils/edges.js";

export type Aggregation = "sum" | "add" | "mean" | "max" | "min" | "mul";
export type Flow = "source_to_target" | "target_to_source";

export interface MessagePassingOptions {
  /** How messages meeting at a node combine (default "add"). */
  aggr?: Aggregation;
  /** "source_to_target" (default): edgeIndex[0] sends, edgeIndex[1] receives. */
  flow?: Flow;
  /** The dim of node tensors that indexes nodes (default −2, as PyG). */
  nodeDim?: number;
}

export type PropagateArgs = Record<string, unknown>;

/** What every message / aggregate / update call sees besides the user's arguments. */
export interface EdgeContext {
  /** The receiving node of each edge (what messages are grouped by). */
  index: Tensor;
  edgeIndex: Tensor;
  edgeIndex_i: Tensor;
  edgeIndex_j: Tensor;
  /** Compressed row offsets (always null here: edge lists are not sorted). */
  ptr: null;
  /** How many receiving nodes there are. */
  dimSize: number;
  size_i: number;
  size_j: number;
}

/** The user's arguments, each node tensor also lifted to its `_i` (receiving) and `_j` (sending) end. */
export type MessageArgs<A extends PropagateArgs> = A & EdgeContext & {
  readonly [K in keyof A & string as `${K}_i` | `${K}_j`]: Tensor;
};

export abstract class MessagePassing<In extends unknown[] = unknown[], Out = Tensor> extends Module<In, Out> {
  readonly aggr: Aggregation;
  readonly flow: Flow;
  readonly nodeDim: number;

  constructor(opts: MessagePassingOptions = {}) {
    super();
    this.aggr = opts.aggr ?? "add";
    this.flow = opts.flow ?? "source_to_target";
    this.nodeDim = opts.nodeDim ?? -2;
    if (!["sum", "add", "mean", "max", "min", "mul"].includes(this.aggr)) throw new ValueError(`${this.constructor.name}: aggr must be "add", "sum", "mean", "max", "min" or "mul", got ${String(this.aggr)}`);
    if (this.flow !== "source_to_target" && this.flow !== "target_to_source") throw new ValueError(`${this.constructor.name}: flow must be "source_to_target" or "target_to_source", got ${String(this.flow)}`);
  }

  /** Messages along every edge, aggregated at the receiving nodes, then updated. */
  propagate<A extends PropagateArgs>(edgeIndex: Tensor, args: A, size: readonly [number, number] | null = null): Tensor {
    const lifted = this.lift(edgeIndex, args, size);
    const messages = this.message(lifted);
    const out = this.aggregate(messages, lifted);
    return this.update(out, lifted);
  }

  /** Per-edge values computed like messages but returned per edge (PyG's edge_updater, e.g. attention). */
  edgeUpdater<A extends PropagateArgs>(edgeIndex: Tensor, args: A, size: readonly [number, number] | null = null): Tensor {
    return this.edgeUpdate(this.lift(edgeIndex, args, size));
  }

  /** The message along each edge; by default the sender's x. */
  message(args: EdgeContext): Tensor {
    const x = (args as unknown as Record<string, unknown>)["x_j"];
    if (!(x instanceof Tensor)) throw new ValueError(`${this.constructor.name}: the default message needs an x argument to propagate`);
    return x;
  }

  /** Messages reduced at their receiving node by the layer's aggregation. */
  aggregate(inputs: Tensor, ctx: EdgeContext): Tensor {
    return scatter(inputs, ctx.index, { dim: this.nodeDim, dimSize: ctx.dimSize, reduce: this.aggr as ScatterReduce });
  }

  update(aggrOut: Tensor, _args: EdgeContext): Tensor {
    return aggrOut;
  }

  edgeUpdate(_args: EdgeContext): Tensor {
    throw new ValueError(`${this.constructor.name}: edgeUpdater needs an edgeUpdate method`);
  }

  private lift<A extends PropagateArgs>(given: Tensor, givenArgs: A, size: readonly [number, number] | null): MessageArgs<A> {
    const name = this.constructor.name;
    checkEdgeIndexShape(given, name);
    const [edgeIndex, args] = onNodesDevice(given, givenArgs);
    const [i, j] = this.flow === "source_to_target" ? [1, 0] : [0, 1];
    const sizes: [number | null, number | null] = size ? [size[0], size[1]] : [null, null];
    // A node set's size is learnt from the tensors lifted to that end of the edges (checked to agree),
    // as PyG does: per-edge arguments are never mistaken for node tensors.
    const see = (end: number, t: Tensor, what: string) => {
      const n = t.shape[normalizeDim(this.nodeDim, t.ndim, name)]!;
      const known = sizes[end];
      if (known !== null && known !== n) throw new ShapeError(`${name}: ${what} has ${n} nodes along dim ${this.nodeDim}, expected ${known} (shape ${fmtShape(t.shape)})`);
      sizes[end] = n;
    };
    const ends = [edgeIndex.select(0, 0), edgeIndex.select(0, 1)];
    const index = ends[i]!;
    const fromX = (end: number) => {
      const x = args["x"];
      const t = x instanceof Tensor ? x : isPair(x) ? x[end] : null;
      return t ? t.shape[normalizeDim(this.nodeDim, t.ndim, name)]! : null;
    };
    // (Counted on the edges as given: a CPU edgeIndex is read there, not on the nodes' device.)
    const sizeOf = (end: number) => sizes[end] ?? fromX(end) ?? sizes[1 - end] ?? sizeFromIndex(given.select(0, i));
    const out: Record<string, unknown> = { ...args, index, edgeIndex, edgeIndex_i: ends[i], edgeIndex_j: ends[j], ptr: null };
    Object.defineProperty(out, "dimSize", { enumerable: true, get: () => sizeOf(i) });
    Object.defineProperty(out, "size_i", { enumerable: true, get: () => sizeOf(i) });
    Object.defineProperty(out, "size_j", { enumerable: true, get: () => sizeOf(j) });
    for (const [key, v] of Object.entries(args)) {
      const node = (end: number): Tensor | null => (v instanceof Tensor ? v : isPair(v) ? (v[end] ?? null) : null);
      for (const [suffix, end] of [["_i", i], ["_j", j]] as const) {
        let cached: Tensor | undefined;
        Object.defineProperty(out, key + suffix, {
          enumerable: true,
          get: () => {
            if (cached) return cached;
            const t = node(end);
            if (!t) throw new ValueError(`${name}: ${key}${suffix} was read but ${key} has no tensor for that end of the edges`);
            see(end, t, key);
            return (cached = indexSelect(t, normalizeDim(this.nodeDim, t.ndim, name), ends[end]!, name));
          },
        });
      }
    }
    return out as MessageArgs<A>;
  }
}

/**
 * The edges and the other arguments moved to the node features' device: the graph's structure (self
 * loops, normalisation) is computed on the host from a CPU edgeIndex, while x and the layer may
 * live on the GPU (as PyTorch's indexing takes CPU indices for GPU data).
 */
function onNodesDevice<A extends PropagateArgs>(edgeIndex: Tensor, args: A): [Tensor, A] {
  // x's device, or (for an edge updater without x) the first node tensor's.
  const tensorOf = (v: unknown) => (v instanceof Tensor ? v : isPair(v) ? (v[0] ?? v[1]) : null);
  const device = (tensorOf(args["x"]) ?? Object.values(args).map(tensorOf).find((t) => t !== null))?.backend;
  if (!device) return [edgeIndex, args];
  const move = (t: Tensor | null) => (t && t.backend !== device ? t.toBackend(device) : t);
  const moved = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v instanceof Tensor ? move(v) : isPair(v) ? [move(v[0]), move(v[1])] : v]));
  return [move(edgeIndex)!, moved as A];
}

function isPair(v: unknown): v is [Tensor | null, Tensor | null] {
  return Array.isArray(v) && v.length === 2 && v.every((t) => t === null || t instanceof Tensor);
}
