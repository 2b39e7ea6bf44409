/**
 * Node2Vec (Grover & Leskovec): node embeddings trained with skip-gram on biased random walks —
 * return parameter p, in-out parameter q (DeepWalk is p = q = 1) — with negative sampling, as PyG's
 * `nn.Node2Vec`.
 */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { DataLoader } from "../../data/dataloader.js";
import { Dataset } from "../../data/dataset.js";
import { Embedding } from "../../nn/layers/embedding.js";
import { Module } from "../../nn/module.js";
import { edgeArrays, maybeNumNodes } from "../utils/edges.js";
import { logisticRegressionAccuracy, type LogisticOptions } from "./logistic.js";

export interface Node2VecOptions {
  walksPerNode?: number;
  p?: number;
  q?: number;
  numNegativeSamples?: number;
  numNodes?: number | null;
  generator?: Generator;
}

const EPS = 1e-15;

/** Sorted neighbour lists in CSR form. */
interface Csr {
  rowptr: Int32Array;
  col: Int32Array;
}

function toCsr(edgeIndex: Tensor, n: number): Csr {
  const { row, col } = edgeArrays(edgeIndex, "Node2Vec", n);
  const rowptr = new Int32Array(n + 1);
  row.forEach((r) => rowptr[r + 1]!++);
  for (let v = 0; v < n; v++) rowptr[v + 1]! += rowptr[v]!;
  const fill = rowptr.slice(0, n);
  const out = new Int32Array(row.length);
  row.forEach((r, e) => (out[fill[r]!++] = col[e]!));
  for (let v = 0; v < n; v++) out.subarray(rowptr[v], rowptr[v + 1]).sort();
  return { rowptr, col: out };
}

function hasEdge(g: Csr, u: number, v: number): boolean {
  let lo = g.rowptr[u]!;
  let hi = g.rowptr[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = g.col[mid]!;
    if (c === v) return true;
    if (c < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export class Node2Vec extends Module<[batch?: Tensor | null], Tensor> {
  readonly embedding: Embedding;
  readonly numNodes: number;
  private readonly csr: Csr;
  private readonly o: Required<Omit<Node2VecOptions, "numNodes">>;

  constructor(edgeIndex: Tensor, readonly embeddingDim: number, readonly walkLength: number, readonly contextSize: number, options: Node2VecOptions = {}) {
    super();
    checkOptions("Node2Vec", options, { walksPerNode: "integer", p: "number", q: "number", numNegativeSamples: "integer", numNodes: "any", generator: "object" });
    if (!(walkLength >= contextSize)) throw new ValueError(`Node2Vec: walkLength (${walkLength}) must be at least contextSize (${contextSize})`);
    if (!(contextSize >= 2)) throw new ValueError(`Node2Vec: contextSize must be at least 2, got ${contextSize}`);
    this.o = { walksPerNode: 1, p: 1, q: 1, numNegativeSamples: 1, generator: defaultGenerator, ...options };
    if (!(this.o.p > 0 && this.o.q > 0)) throw new ValueError(`Node2Vec: p and q must be positive, got p=${this.o.p}, q=${this.o.q}`);
    this.numNodes = maybeNumNodes(edgeIndex, options.numNodes, "Node2Vec");
    this.csr = toCsr(edgeIndex, this.numNodes);
    this.embedding = new Embedding(this.numNodes, embeddingDim);
  }

  /** The embeddings of the given nodes (all nodes by default). */
  forward(batch: Tensor | null = null): Tensor {
    return batch === null ? this.embedding.weight : this.embedding.forward(batch);
  }

  /** A loader over the nodes whose batches are [positive, negative] walk windows, for `loss`. */
  loader(opts: { batchSize?: number; shuffle?: boolean } = {}): DataLoader<number, [Tensor, Tensor]> {
    const n = this.numNodes;
    const nodes = new (class extends Dataset<number> {
      get length(): number {
        return n;
      }
      get(i: number): number {
        return i;
      }
    })();
    return new DataLoader(nodes, { ...opts, collateFn: (batch: number[]) => this.sample(batch) });
  }

  sample(batch: readonly number[]): [Tensor, Tensor] {
    return [this.posSample(batch), this.negSample(batch)];
  }

  /** Windows of contextSize consecutive nodes of biased walks from each node (walksPerNode each). */
  posSample(batch: readonly number[]): Tensor {
    const starts = Array.from({ length: this.o.walksPerNode }, () => batch).flat();
    return this.windows(starts.map((s) => this.walk(s)));
  }

  /** Windows of walks whose steps are uniformly random nodes (the negatives). */
  negSample(batch: readonly number[]): Tensor {
    const g = this.o.generator;
    const starts = Array.from({ length: this.o.walksPerNode * this.o.numNegativeSamples }, () => batch).flat();
    return this.windows(starts.map((s) => [s, ...Array.from({ length: this.walkLength }, () => g.randomInt(this.numNodes))]));
  }

  /**
   * One second-order walk of walkLength steps: from v (reached from t) to a neighbour x with weight
   * 1/p if x = t, 1 if x neighbours t, 1/q otherwise — drawn by rejection. A node without neighbours
   * ends the walk by staying put.
   */
  private walk(start: number): number[] {
    const { rowptr, col } = this.csr;
    const g = this.o.generator;
    const { p, q } = this.o;
    const top = Math.max(1 / p, 1, 1 / q);
    const out = [start];
    let prev = -1;
    let cur = start;
    for (let step = 0; step < this.walkLength; step++) {
      const lo = rowptr[cur]!;
      const deg = rowptr[cur + 1]! - lo;
      if (deg === 0) {
        out.push(cur);
        continue;
      }
      let next = col[lo + g.randomInt(deg)]!;
      if (prev >= 0 && (p !== 1 || q !== 1)) {
        for (;;) {
          const w = next === prev ? 1 / p : hasEdge(this.csr, prev, next) ? 1 : 1 / q;
          if (g.random() * top < w) break;
          next = col[lo + g.randomInt(deg)]!;
        }
      }
      out.push(next);
      prev = cur;
      cur = next;
    }
    return out;
  }

  private windows(walks: readonly number[][]): Tensor {
    const c = this.contextSize;
    const per = this.walkLength + 1 - c + 1;
    const out = new Int32Array(walks.length * per * c);
    let at = 0;
    for (let j = 0; j < per; j++) for (const w of walks) for (let k = 0; k < c; k++) out[at++] = w[j + k]!;
    return tensor(out, { dtype: "int32", shape: [walks.length * per, c] });
  }

  /** Skip-gram with negative sampling: −log σ(h_start·h_ctx) on walks, −log(1 − σ(·)) on negatives. */
  loss(posRw: Tensor, negRw: Tensor): Tensor {
    const part = (rw: Tensor, positive: boolean) => {
      const [B, c] = rw.shape as [number, number];
      const start = this.embedding.forward(rw.select(1, 0)).view(B, 1, this.embeddingDim);
      const rest = this.embedding.forward(rw.narrow(1, 1, c - 1).reshape([-1])).view(B, c - 1, this.embeddingDim);
      const score = start.mul(rest).sum(-1).view(-1).sigmoid();
      return (positive ? score : score.neg().add(1)).add(EPS).log().neg().mean();
    };
    return part(posRw, true).add(part(negRw, false));
  }

  /** Accuracy of a logistic regression fitted on train embeddings, on the test ones (PyG's test). */
  test(trainZ: Tensor, trainY: Tensor, testZ: Tensor, testY: Tensor, opts: LogisticOptions = {}): number {
    return logisticRegressionAccuracy(trainZ, trainY, testZ, testY, opts);
  }

  override extraRepr(): string {
    return `${this.numNodes}, ${this.embeddingDim}`;
  }
}
