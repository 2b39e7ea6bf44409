/**
 * AdaptiveLogSoftmaxWithLoss (Grave et al.'s adaptive softmax, torch.nn's): frequent classes in a
 * head softmax, rare ones in tail clusters reached through one head entry each and scored by
 * smaller projections, so a large vocabulary costs a fraction of a full softmax.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor, zeros } from "../../ops/creation.js";
import { cat } from "../../ops/movement.js";
import { Module } from "../module.js";
import { ModuleList, Sequential } from "./container.js";
import { Linear } from "./linear.js";
import { refuseIfAny } from "../../ops/deferred-check.js";

/** forward's result: each example's log-probability of its target, and the mean negative log-likelihood. */
export type AdaptiveSoftmaxOutput = [output: Tensor, loss: Tensor] & { output: Tensor; loss: Tensor };

export class AdaptiveLogSoftmaxWithLoss extends Module<[Tensor, Tensor], AdaptiveSoftmaxOutput> {
  readonly cutoffs: number[];
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;
  readonly head: Linear;
  readonly tail: ModuleList<Sequential>;

  constructor(
    readonly inFeatures: number,
    readonly nClasses: number,
    cutoffs: readonly number[],
    { divValue = 4, headBias = false }: { divValue?: number; headBias?: boolean } = {},
  ) {
    super();
    const sorted = [...cutoffs].every((c, i, a) => Number.isInteger(c) && c > 0 && c < nClasses && (i === 0 || c > a[i - 1]!));
    if (!sorted || cutoffs.length === 0) {
      throw new ValueError(`AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, each smaller than n_classes (${nClasses}), got [${cutoffs.join(", ")}]`);
    }
    this.cutoffs = [...cutoffs, nClasses];
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    this.head = new Linear(inFeatures, this.headSize, { bias: headBias });
    this.tail = new ModuleList(
      Array.from({ length: this.nClusters }, (_, i) => {
        const hidden = Math.floor(inFeatures / divValue ** (i + 1));
        const out = this.cutoffs[i + 1]! - this.cutoffs[i]!;
        return new Sequential(new Linear(inFeatures, hidden, { bias: false }), new Linear(hidden, out, { bias: false }));
      }),
    );
  }

  forward(input: Tensor, target: Tensor): AdaptiveSoftmaxOutput {
    const batched = target.ndim === 1;
    if (!(batched ? input.ndim === 2 && input.shape[0] === target.shape[0] : target.ndim === 0 && input.ndim === 1)) {
      throw new ShapeError(`AdaptiveLogSoftmaxWithLoss: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} should be [N, in] and [N] (or [in] and [])`);
    }
    const x = batched ? input : input.unsqueeze(0);
    const targets = batched ? target : target.unsqueeze(0);
    const output = x.backend.read ? this.everyRowOutput(x, targets.toBackend(x.backend)) : this.selectedRowsOutput(x, targets);
    const loss = output.neg().mean();
    const out = batched ? output : output.squeeze(0);
    return Object.assign([out, loss] as [Tensor, Tensor], { output: out, loss });
  }

  /** Each example's log-probability of its target, each tail cluster run on the rows whose target it holds (read from the targets). */
  private selectedRowsOutput(x: Tensor, targets: Tensor): Tensor {
    const t = Array.from(targets.contiguous().dataSync());
    const bounds = [0, ...this.cutoffs];
    const bad = t.find((v) => !(v >= 0 && v < this.nClasses));
    if (bad !== undefined) throw new ValueError(`AdaptiveLogSoftmaxWithLoss: Target values should be in [0, ${this.nClasses - 1}], but values in range [${Math.min(...t)}, ${Math.max(...t)}] were found.`);
    // Each example's head entry: its own class in the shortlist, else its cluster's entry.
    const headIndex = t.map((v) => (v < this.shortlistSize ? v : this.shortlistSize + bounds.findIndex((b, i) => i > 0 && v < bounds[i + 1]!) - 1));
    let output = zeros([t.length], { dtype: x.dtype, device: x.backend });
    for (let i = 1; i < bounds.length - 1; i++) {
      const rows = t.map((v, r) => (v >= bounds[i]! && v < bounds[i + 1]! ? r : -1)).filter((r) => r >= 0);
      if (rows.length === 0) continue;
      const rowIndex = tensor(rows, { dtype: "int32", device: x.backend });
      const clusterLogProb = this.tail.at(i - 1)!.forward(x.indexSelect(0, rowIndex)).logSoftmax(1);
      const relative = tensor(rows.map((r) => t[r]! - bounds[i]!), { dtype: "int32", device: x.backend }).unsqueeze(1);
      output = output.indexCopy(0, rowIndex, clusterLogProb.gather(1, relative).squeeze(1));
    }
    const headLogProb = this.head.forward(x).logSoftmax(1);
    return output.add(headLogProb.gather(1, tensor(headIndex, { dtype: "int32", device: x.backend }).unsqueeze(1)).squeeze(1));
  }

  /**
   * The same where reads are asynchronous (the GPU): every tail cluster runs on every row and each
   * row keeps its own cluster's term, so nothing waits for the targets' values; a target out of
   * range is refused at the next read.
   */
  private everyRowOutput(x: Tensor, t: Tensor): Tensor {
    refuseIfAny(t.lt(0).logicalOr(t.ge(this.nClasses)), `AdaptiveLogSoftmaxWithLoss: Target values should be in [0, ${this.nClasses - 1}], but {value} was found (target {index})`, t);
    const cluster = this.cutoffs.slice(0, -1).map((c) => t.ge(c).int()).reduce((a, b) => a.add(b)); // 0: the shortlist
    const headIndex = t.where(cluster.eq(0), cluster.add(this.shortlistSize - 1)).clamp(0, this.headSize - 1);
    let output = this.head.forward(x).logSoftmax(1).gather(1, headIndex.unsqueeze(1)).squeeze(1);
    for (let i = 0; i < this.nClusters; i++) {
      const [lo, hi] = [this.cutoffs[i]!, this.cutoffs[i + 1]!];
      const relative = t.sub(lo).clamp(0, hi - lo - 1).unsqueeze(1);
      const term = this.tail.at(i)!.forward(x).logSoftmax(1).gather(1, relative).squeeze(1);
      output = output.add(term.where(cluster.eq(i + 1), 0));
    }
    return output;
  }

  /** log P(class | input) for every class: [N, nClasses]. */
  logProb(input: Tensor): Tensor {
    const x = input.ndim === 1 ? input.unsqueeze(0) : input;
    const head = this.head.forward(x).logSoftmax(1);
    const parts = [head.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const cluster = this.tail.at(i)!.forward(x).logSoftmax(1);
      parts.push(cluster.add(head.narrow(1, this.shortlistSize + i, 1)));
    }
    const out = cat(parts, 1);
    return input.ndim === 1 ? out.squeeze(0) : out;
  }

  /** The most likely class of each input: [N] int32. */
  predict(input: Tensor): Tensor {
    return this.logProb(input).argmax(-1);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, n_classes=${this.nClasses}, cutoffs=[${this.cutoffs.join(", ")}]`;
  }
}
