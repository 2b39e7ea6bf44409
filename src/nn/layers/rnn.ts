/**
 * RNN, LSTM and GRU with PyTorch's signature, parameter names and layouts (`weight_ih_l0`,
 * `weight_hh_l1_reverse`, …), so a PyTorch state dict loads as is.
 *
 * The input projection of every time step is one matmul per layer and direction. The layer then
 * runs the whole recurrence as one backend call where the backend has the routine (forward and
 * backward through time, keeping only the states and gates); otherwise each step is a matmul with
 * W_hh and a few elementwise ops on the autograd tape.
 */
import { checkOptions, type OptionKind } from "../../base/options.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { zeros } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { cat, narrow, select, stack } from "../../ops/movement.js";
import { gruSequence, lstmSequence, rnnSequence } from "../../ops/fused.js";
import { empty } from "../empty.js";
import { dropout, linear } from "../functional/basic.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { gruStep, lstmStep, rnnStep, type Nonlinearity } from "./rnn-cells.js";
import { PackedSequence, lengthMask } from "./packed.js";

export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer but the last (training only). */
  dropout?: number;
  bidirectional?: boolean;
}

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The state a layer carries: h, or [h, c] for LSTM. */
type State = Tensor | [Tensor, Tensor];

export abstract class RNNBase<S extends State> extends Module<[Tensor | PackedSequence, S?], [Tensor | PackedSequence, S]> {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNOptions & { nonlinearity?: Nonlinearity } = {},
  ) {
    super();
    const spec = { numLayers: "integer", bias: "boolean", batchFirst: "boolean", dropout: "number", bidirectional: "boolean" } as const satisfies { [K in keyof Required<RNNOptions>]: OptionKind };
    checkOptions(new.target.name, options, mode.startsWith("RNN") ? { ...spec, nonlinearity: ["tanh", "relu"] } : spec);
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false } = options;
    if (!(p >= 0 && p <= 1)) throw new ValueError(`${new.target.name}: dropout must be in [0, 1], got ${p}`);
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    const gates = GATES[mode] * hiddenSize;
    const dirs = bidirectional ? 2 : 1;
    for (let layer = 0; layer < numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const suffix = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
        this.registerParameter(`weight_ih${suffix}`, new Parameter(empty([gates, inSize])));
        this.registerParameter(`weight_hh${suffix}`, new Parameter(empty([gates, hiddenSize])));
        if (bias) {
          this.registerParameter(`bias_ih${suffix}`, new Parameter(empty([gates])));
          this.registerParameter(`bias_hh${suffix}`, new Parameter(empty([gates])));
        }
      }
    }
    this.resetParameters();
  }

  /** U(±1/√hidden) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  protected get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Runs one layer in one direction over time-major x [T, N, I]; returns outputs [T, N, H] and the final state. */
  private runDirection(x: Tensor, layer: number, reverse: boolean, h0: Tensor, c0: Tensor | null, mask: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const suffix = `_l${layer}${reverse ? "_reverse" : ""}`;
    const wIh = this.ownParameter(`weight_ih${suffix}`)!;
    const wHhT = this.ownParameter(`weight_hh${suffix}`)!.t(); // once per sequence (see rnn-cells.ts)
    const bIh = this.ownParameter(`bias_ih${suffix}`);
    const bHh = this.ownParameter(`bias_hh${suffix}`);
    const [T, N] = x.shape as [number, number];
    // One matmul projects every time step; LSTM and plain RNN fold b_hh in too (one bias, one add).
    const proj = linear(x.reshape(T * N, -1), wIh, bIh && bHh && this.mode !== "GRU" ? bIh.add(bHh) : bIh);
    // The whole recurrence in one backend call where the backend has it (the steps below otherwise).
    const wHh = this.ownParameter(`weight_hh${suffix}`)!;
    const seqMask = mask?.reshape(T, N).to(proj.dtype) ?? null;
    const steps3 = proj.reshape(T, N, -1);
    const states = this.mode === "LSTM" ? lstmSequence(steps3, h0, c0!, wHh, seqMask, reverse)
      : this.mode === "GRU" ? gruSequence(steps3, h0, wHh, bHh, seqMask, reverse)
      : rnnSequence(steps3, h0, wHh, seqMask, reverse, this.mode === "RNN_RELU");
    if (states) {
      // The LSTM's routine returns its last states apart (their gradients then need no padding).
      const [hs, cs, hN, cN] = Array.isArray(states) ? states : [states, null, null, null];
      const [last, from] = reverse ? [0, 0] : [T, 1];
      const out = narrow(hs, 0, from, T);
      return [mask ? out.mul(mask.to(proj.dtype)) : out, hN ?? select(hs, 0, last), cN ?? (cs ? select(cs, 0, last) : null)];
    }
    // Per-step views from one split: its gradient is a single cat, not a full-size pad per step.
    const steps = proj.reshape(T, N, -1).split(1, 0);
    let h = h0;
    let c = c0;
    const outs: Tensor[] = new Array<Tensor>(T);
    for (let k = 0; k < T; k++) {
      const t = reverse ? T - 1 - k : k;
      const xp = steps[t]!.squeeze(0);
      let hNext: Tensor;
      let cNext: Tensor | null = null;
      if (this.mode === "LSTM") [hNext, cNext] = lstmStep(xp, h, c!, wHhT);
      else if (this.mode === "GRU") hNext = gruStep(xp, h, wHhT, bHh);
      else hNext = rnnStep(xp, h, wHhT, this.mode === "RNN_TANH" ? "tanh" : "relu");
      if (mask) {
        // Past a sequence's end the state holds and the output is zero.
        const m = mask.select(0, t);
        h = where(m, hNext, h);
        if (cNext) c = where(m, cNext, c!);
        outs[t] = where(m, hNext, 0);
      } else {
        h = hNext;
        if (cNext) c = cNext;
        outs[t] = hNext;
      }
    }
    return [stack(outs, 0), h, c];
  }

  forward(input: Tensor | PackedSequence, hx?: S): [Tensor | PackedSequence, S] {
    const packed = input instanceof PackedSequence ? input : null;
    let x = packed ? packed.data : (input as Tensor);
    const unbatched = !packed && x.ndim === 2;
    if (!packed && x.ndim !== 3 && !unbatched) {
      throw new ShapeError(`${this.constructor.name}: expected a 3-D input (or 2-D unbatched), got shape ${fmtShape(x.shape)}`);
    }
    if (unbatched) x = x.unsqueeze(1);
    else if (!packed && this.batchFirst) x = x.transpose(0, 1); // → [T, N, I]
    if (x.shape[2] !== this.inputSize) {
      throw new ShapeError(`${this.constructor.name}(${this.inputSize}, ${this.hiddenSize}) expected input features ${this.inputSize}, got shape ${fmtShape(x.shape)}`);
    }
    const [T, N] = x.shape as [number, number];
    const L = this.numLayers * this.directions;
    const isLstm = this.mode === "LSTM";
    const initial = (s: Tensor | undefined): Tensor => {
      if (!s) return zeros([L, N, this.hiddenSize], { dtype: x.dtype, device: x.backend });
      const t = unbatched ? s.unsqueeze(1) : s;
      if (t.ndim !== 3 || t.shape[0] !== L || t.shape[1] !== N || t.shape[2] !== this.hiddenSize) {
        throw new ShapeError(`${this.constructor.name}: expected hidden state of shape [${L}, ${N}, ${this.hiddenSize}], got ${fmtShape(s.shape)}`);
      }
      return t;
    };
    const [hInit, cInit] = isLstm
      ? [initial((hx as [Tensor, Tensor] | undefined)?.[0]), initial((hx as [Tensor, Tensor] | undefined)?.[1])]
      : [initial(hx as Tensor | undefined), null];
    const mask = packed ? lengthMask(packed.lengths, T, packed.data.backend) : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const i = layer * this.directions + d;
        const [out, h, c] = this.runDirection(layerInput, layer, d === 1, hInit.select(0, i), cInit ? cInit.select(0, i) : null, mask);
        outs.push(out);
        hN.push(h);
        if (c) cN.push(c);
      }
      layerInput = outs.length === 1 ? outs[0]! : cat(outs, 2);
      if (this.dropout > 0 && layer < this.numLayers - 1) layerInput = dropout(layerInput, this.dropout, this.training);
    }
    let h = stack(hN, 0);
    let c = isLstm ? stack(cN, 0) : null;
    let output: Tensor | PackedSequence = layerInput;
    if (packed) output = new PackedSequence(layerInput, packed.lengths);
    else if (unbatched) {
      output = layerInput.squeeze(1);
      h = h.squeeze(1);
      c = c?.squeeze(1) ?? null;
    } else if (this.batchFirst) output = layerInput.transpose(0, 1);
    return [output, (isLstm ? [h, c!] : h) as S];
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (!this.bias) parts.push("bias=False");
    if (this.batchFirst) parts.push("batch_first=True");
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push("bidirectional=True");
    return parts.join(", ");
  }
}

export class RNN extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions & { nonlinearity?: Nonlinearity } = {}) {
    super(opts.nonlinearity === "relu" ? "RNN_RELU" : "RNN_TANH", inputSize, hiddenSize, opts);
  }
}

/** Returns [output, [hN, cN]]. */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super("LSTM", inputSize, hiddenSize, opts);
  }
}

export class GRU extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super("GRU", inputSize, hiddenSize, opts);
  }
}
