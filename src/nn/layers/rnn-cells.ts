/**
 * One time step of each recurrent cell, as functions of pre-computed input projections, plus the
 * RNNCell, LSTMCell and GRUCell modules. Gate order is PyTorch's: LSTM i, f, g, o; GRU r, z, n.
 */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { zeros } from "../../ops/creation.js";
import { gruCell, lstmCell } from "../../ops/fused.js";
import { empty } from "../empty.js";
import { linear } from "../functional/basic.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

export type Nonlinearity = "tanh" | "relu";

// The step functions take W_hhᵀ (transposed once per sequence by the caller, so that backward sums
// its gradient over the steps before transposing it back once, instead of once per step).

/** h' = act(xProj + h·W_hhᵀ) where xProj already holds x·W_ihᵀ + b_ih + b_hh. */
export function rnnStep(xProj: Tensor, h: Tensor, wHhT: Tensor, nonlinearity: Nonlinearity): Tensor {
  const pre = xProj.add(h.matmul(wHhT));
  return nonlinearity === "tanh" ? pre.tanh() : pre.relu();
}

/** LSTM: xProj holds x·W_ihᵀ + b_ih + b_hh for the four gates [N, 4H]. */
export function lstmStep(xProj: Tensor, h: Tensor, c: Tensor, wHhT: Tensor): [Tensor, Tensor] {
  return lstmCell(xProj.add(h.matmul(wHhT)), c);
}

/**
 * GRU: xProj holds x·W_ihᵀ + b_ih [N, 3H]; b_hh stays with the hidden projection because the reset
 * gate multiplies the hidden part of n (PyTorch's formulation).
 */
export function gruStep(xProj: Tensor, h: Tensor, wHhT: Tensor, bHh: Tensor | null): Tensor {
  return gruCell(xProj, bHh ? h.matmul(wHhT).add(bHh) : h.matmul(wHhT), h);
}

type CellKind = "RNN" | "LSTM" | "GRU";
const GATES: Record<CellKind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

export abstract class RNNCellBase<Out> extends Module<[Tensor, (Tensor | [Tensor, Tensor])?], Out> {
  readonly weight_ih: Parameter;
  readonly weight_hh: Parameter;
  readonly bias_ih: Parameter | null;
  readonly bias_hh: Parameter | null;

  constructor(
    kind: CellKind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    bias: boolean,
  ) {
    super();
    const g = GATES[kind] * hiddenSize;
    this.weight_ih = new Parameter(empty([g, inputSize]));
    this.weight_hh = new Parameter(empty([g, hiddenSize]));
    this.bias_ih = bias ? new Parameter(empty([g])) : null;
    this.bias_hh = bias ? new Parameter(empty([g])) : null;
    this.resetParameters();
  }

  /** U(±1/√hidden) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -k, k);
  }

  /** Accepts [N, I] or unbatched [I]; returns the batched input and whether to squeeze back. */
  protected batched(x: Tensor): [Tensor, boolean] {
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${this.constructor.name}(${this.inputSize}, ${this.hiddenSize}) expected input [N, ${this.inputSize}] or [${this.inputSize}], got shape ${fmtShape(x.shape)}`);
    }
    return x.ndim === 1 ? [x.unsqueeze(0), true] : [x, false];
  }

  protected zerosState(n: number, like: Tensor): Tensor {
    return zeros([n, this.hiddenSize], { dtype: like.dtype, device: like.backend });
  }

  protected state(h: Tensor | undefined, n: number, x: Tensor, unbatched: boolean): Tensor {
    if (!h) return this.zerosState(n, x);
    return unbatched ? h.unsqueeze(0) : h;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? "" : ", bias=False"}`;
  }
}

export class RNNCell extends RNNCellBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, { bias = true, nonlinearity = "tanh" as Nonlinearity } = {}) {
    super("RNN", inputSize, hiddenSize, bias);
    this.nonlinearity = nonlinearity;
  }
  readonly nonlinearity: Nonlinearity;

  forward(input: Tensor, hx?: Tensor | [Tensor, Tensor]): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.state(hx as Tensor | undefined, x.shape[0]!, x, unbatched);
    const proj = linear(x, this.weight_ih, this.bias_ih);
    const out = rnnStep(this.bias_hh ? proj.add(this.bias_hh) : proj, h, this.weight_hh.t(), this.nonlinearity);
    return unbatched ? out.squeeze(0) : out;
  }
}

export class LSTMCell extends RNNCellBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, { bias = true } = {}) {
    super("LSTM", inputSize, hiddenSize, bias);
  }

  forward(input: Tensor, hx?: Tensor | [Tensor, Tensor]): [Tensor, Tensor] {
    const [x, unbatched] = this.batched(input);
    const [h0, c0] = (hx as [Tensor, Tensor] | undefined) ?? [undefined, undefined];
    const h = this.state(h0, x.shape[0]!, x, unbatched);
    const c = this.state(c0, x.shape[0]!, x, unbatched);
    const proj = linear(x, this.weight_ih, this.bias_ih);
    const [hn, cn] = lstmStep(this.bias_hh ? proj.add(this.bias_hh) : proj, h, c, this.weight_hh.t());
    return unbatched ? [hn.squeeze(0), cn.squeeze(0)] : [hn, cn];
  }
}

export class GRUCell extends RNNCellBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, { bias = true } = {}) {
    super("GRU", inputSize, hiddenSize, bias);
  }

  forward(input: Tensor, hx?: Tensor | [Tensor, Tensor]): Tensor {
    const [x, unbatched] = this.batched(input);
    const h = this.state(hx as Tensor | undefined, x.shape[0]!, x, unbatched);
    const out = gruStep(linear(x, this.weight_ih, this.bias_ih), h, this.weight_hh.t(), this.bias_hh);
    return unbatched ? out.squeeze(0) : out;
  }
}
