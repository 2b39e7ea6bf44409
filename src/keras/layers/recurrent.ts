/** Keras' recurrent layers on tg.nn's: glorot kernels, orthogonal recurrent kernels, a forget-gate bias of 1. */
import type { OptionSpec } from "../../base/options.js";
import { noGrad } from "../../ops/grad-mode.js";
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import * as init from "../../nn/init.js";
import { GRU as NnGRU, LSTM as NnLSTM, RNN as NnRNN } from "../../nn/layers/rnn.js";
import { Layer, type LayerOptions, type Shape } from "../layer.js";
import { known } from "./core.js";

export interface RecurrentOptions extends LayerOptions {
  returnSequences?: boolean;
  /** SimpleRNN only: "tanh" (default) or "relu". */
  activation?: "tanh" | "relu";
}

type Kind = "SimpleRNN" | "LSTM" | "GRU";

/** Keras' initialisers on a PyTorch recurrent module: glorot kernels, orthogonal recurrent kernels. */
function kerasRecurrentInit(m: Module, kind: Kind, units: number): void {
  noGrad(() => {
    for (const [name, p] of m.namedParameters()) {
      if (name.startsWith("weight_ih")) init.xavierUniform_(p);
      else if (name.startsWith("weight_hh")) init.orthogonal_(p);
      else {
        init.zeros_(p);
        // unit_forget_bias: the forget gate (second quarter in i, f, g, o) starts at 1, in b_ih only.
        if (kind === "LSTM" && name.startsWith("bias_ih")) p.narrow(0, units, units).fill_(1);
      }
    }
  });
}

abstract class RecurrentBase extends Layer {
  static override readonly options: OptionSpec = { returnSequences: "boolean", activation: ["tanh", "relu"] };
  protected abstract kind: Kind;
  constructor(readonly units: number, readonly opts: RecurrentOptions = {}, protected readonly bidirectional = false) {
    super(opts);
  }
  protected buildModule(s: Shape): Module {
    const features = known(s[s.length - 1], "feature dim", this.kind);
    const o = { batchFirst: true, bidirectional: this.bidirectional };
    const m =
      this.kind === "LSTM" ? new NnLSTM(features, this.units, o) : this.kind === "GRU" ? new NnGRU(features, this.units, o) : new NnRNN(features, this.units, { ...o, nonlinearity: this.opts.activation ?? "tanh" });
    kerasRecurrentInit(m, this.kind, this.units);
    return m;
  }
  computeOutputShape(s: Shape): Shape {
    const width = this.units * (this.bidirectional ? 2 : 1);
    return this.opts.returnSequences ? [s[0]!, width] : [width];
  }
  protected callBatch(x: Tensor): Tensor {
    const [out, state] = (this.module as NnLSTM).forward(x);
    if (this.opts.returnSequences) return out as Tensor;
    const h = Array.isArray(state) ? state[0] : (state as Tensor); // [directions, N, units]
    return this.bidirectional ? h.permute(1, 0, 2).reshape(x.shape[0]!, -1) : h.select(0, 0);
  }
  getConfig(): Record<string, unknown> {
    return { units: this.units, ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

export class SimpleRNN extends RecurrentBase {
  protected kind = "SimpleRNN" as const;
}
export class LSTM extends RecurrentBase {
  protected kind = "LSTM" as const;
}
export class GRU extends RecurrentBase {
  protected kind = "GRU" as const;
}

/** Runs a recurrent layer forwards and backwards and concatenates the two (mergeMode "concat"). */
export class Bidirectional extends RecurrentBase {
  static override readonly options: OptionSpec = { returnSequences: "boolean", activation: ["tanh", "relu"], mergeMode: ["concat"] };
  protected kind: Kind;
  constructor(readonly layer: SimpleRNN | LSTM | GRU, opts: LayerOptions & { mergeMode?: "concat" } = {}) {
    super(layer.units, { ...layer.opts, ...opts, name: opts.name ?? `bidirectional_${layer.name}` }, true);
    this.kind = (layer as unknown as { kind: Kind }).kind;
    if (opts.mergeMode && opts.mergeMode !== "concat") throw new ValueError("Bidirectional: only mergeMode 'concat' is supported");
  }
  override getConfig(): Record<string, unknown> {
    return { layer: { className: this.layer.constructor.name, config: this.layer.getConfig() }, name: this.name, inputShape: this.inputShape };
  }
}
