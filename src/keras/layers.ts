/**
 * Keras layers over tg.nn, with Keras' names, defaults and initialisers (glorot-uniform kernels,
 * zero biases, orthogonal recurrent kernels, a forget-gate bias of 1). Images are channels-last
 * ([N, H, W, C]) unless `dataFormat: "channelsFirst"`.
 */
import type { OptionSpec } from "../base/options.js";
import { noGrad } from "../ops/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { Module } from "../nn/module.js";
import * as init from "../nn/init.js";
import { Linear } from "../nn/layers/linear.js";
import { Conv1d, Conv2d } from "../nn/layers/conv.js";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "../nn/layers/norm.js";
import { Embedding as NnEmbedding } from "../nn/layers/embedding.js";
import { GRU as NnGRU, LSTM as NnLSTM, RNN as NnRNN } from "../nn/layers/rnn.js";
import { avgPool2d, maxPool2d } from "../nn/functional/pooling.js";
import { dropout } from "../nn/functional/basic.js";
import { pad } from "../ops/movement.js";
import { activationFn, activationName, type Activation as ActivationSpec } from "./activations.js";
import { KerasTensor, Layer, type LayerOptions, type Shape } from "./layer.js";

const known = (n: number | null | undefined, what: string, layer: string): number => {
  if (n === null || n === undefined) throw new ShapeError(`${layer}: the ${what} must be known to build the layer`);
  return n;
};

/** A marker for the model's input shape (Sequential's first element). */
export class InputLayer extends Layer {
  constructor(opts: { shape: Shape; name?: string }) {
    super({ name: opts.name, inputShape: opts.shape });
  }
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor): Tensor {
    return x;
  }
  getConfig() {
    return { shape: this.inputShape, name: this.name };
  }
}

/** keras.Input: the symbolic input of a functional model (or the first element of a Sequential). */
export const Input = (opts: { shape: Shape; name?: string }): KerasTensor => new KerasTensor([...opts.shape], null, [], opts.name ?? "input");

export interface DenseOptions extends LayerOptions {
  activation?: ActivationSpec;
  useBias?: boolean;
}

/** activation(x·W + b) over the last axis. */
export class Dense extends Layer {
  static override readonly options: OptionSpec = { activation: "any", useBias: "boolean" };
  constructor(readonly units: number, readonly opts: DenseOptions = {}) {
    super(opts);
  }
  protected buildModule(s: Shape): Module {
    const lin = new Linear(known(s[s.length - 1], "last input dim", "Dense"), this.units, { bias: this.opts.useBias ?? true });
    init.xavierUniform_(lin.weight);
    if (lin.bias) init.zeros_(lin.bias);
    return lin;
  }
  computeOutputShape(s: Shape): Shape {
    return [...s.slice(0, -1), this.units];
  }
  protected callBatch(x: Tensor): Tensor {
    return activationFn(this.opts.activation)((this.module as Linear).forward(x));
  }
  getConfig() {
    return { units: this.units, activation: activationName(this.opts.activation), useBias: this.opts.useBias ?? true, name: this.name, inputShape: this.inputShape };
  }
}

export class Flatten extends Layer {
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return [s.some((d) => d === null) ? null : (s as number[]).reduce((a, b) => a * b, 1)];
  }
  protected callBatch(x: Tensor): Tensor {
    return x.reshape(x.shape[0]!, -1);
  }
  getConfig() {
    return { name: this.name, inputShape: this.inputShape };
  }
}

export class Reshape extends Layer {
  constructor(readonly targetShape: number[], opts: LayerOptions = {}) {
    super(opts);
  }
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    const total = (s as number[]).reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return this.targetShape.map((d) => (d === -1 ? total / known : d));
  }
  protected callBatch(x: Tensor): Tensor {
    return x.reshape(x.shape[0]!, ...this.targetShape);
  }
  getConfig() {
    return { targetShape: this.targetShape, name: this.name, inputShape: this.inputShape };
  }
}

export class Activation extends Layer {
  constructor(readonly activation: ActivationSpec, opts: LayerOptions = {}) {
    super(opts);
  }
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor): Tensor {
    return activationFn(this.activation)(x);
  }
  getConfig() {
    return { activation: activationName(this.activation), name: this.name, inputShape: this.inputShape };
  }
}

export class Dropout extends Layer {
  constructor(readonly rate: number, opts: LayerOptions = {}) {
    super(opts);
  }
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor, training: boolean): Tensor {
    return dropout(x, this.rate, training);
  }
  getConfig() {
    return { rate: this.rate, name: this.name, inputShape: this.inputShape };
  }
}

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : v);
type DataFormat = "channelsLast" | "channelsFirst";

export interface Conv2DOptions extends LayerOptions {
  strides?: Pair;
  padding?: "valid" | "same";
  dilationRate?: Pair;
  activation?: ActivationSpec;
  useBias?: boolean;
  dataFormat?: DataFormat;
}

/** Moves channels-last images to PyTorch's channels-first layout and back around `fn`. */
function channelsFirst(x: Tensor, format: DataFormat, fn: (nchw: Tensor) => Tensor): Tensor {
  if (format === "channelsFirst") return fn(x);
  const perm = x.ndim === 4 ? [0, 3, 1, 2] : [0, 2, 1];
  const back = x.ndim === 4 ? [0, 2, 3, 1] : [0, 2, 1];
  return fn(x.permute(perm)).permute(back);
}

function convOut(size: number | null, k: number, s: number, d: number, padding: "valid" | "same"): number | null {
  if (size === null) return null;
  return padding === "same" ? Math.ceil(size / s) : Math.floor((size - d * (k - 1) - 1) / s) + 1;
}

export class Conv2D extends Layer {
  static override readonly options: OptionSpec = { strides: "any", padding: ["valid", "same"], dilationRate: "any", activation: "any", useBias: "boolean", dataFormat: "any" };
  constructor(readonly filters: number, readonly kernelSize: Pair, readonly opts: Conv2DOptions = {}) {
    super(opts);
    if ((opts.padding ?? "valid") === "same" && pair(opts.strides ?? 1).some((s) => s !== 1)) {
      throw new ValueError("Conv2D: padding 'same' with strides > 1 is not supported yet; pad explicitly or use 'valid'");
    }
  }
  private get format(): DataFormat {
    return this.opts.dataFormat ?? "channelsLast";
  }
  protected buildModule(s: Shape): Module {
    if (s.length !== 3) throw new ShapeError(`Conv2D expects inputs [H, W, C] (without the batch dim), got ${fmtShape(s as number[])}`);
    const channels = known(this.format === "channelsLast" ? s[2] : s[0], "channel count", "Conv2D");
    const conv = new Conv2d(channels, this.filters, pair(this.kernelSize), {
      stride: pair(this.opts.strides ?? 1),
      padding: this.opts.padding ?? "valid",
      dilation: pair(this.opts.dilationRate ?? 1),
      bias: this.opts.useBias ?? true,
    });
    init.xavierUniform_(conv.weight);
    if (conv.bias) init.zeros_(conv.bias);
    return conv;
  }
  computeOutputShape(s: Shape): Shape {
    const [k0, k1] = pair(this.kernelSize);
    const [s0, s1] = pair(this.opts.strides ?? 1);
    const [d0, d1] = pair(this.opts.dilationRate ?? 1);
    const pad = this.opts.padding ?? "valid";
    const [h, w] = this.format === "channelsLast" ? [s[0]!, s[1]!] : [s[1]!, s[2]!];
    const oh = convOut(h, k0, s0, d0, pad);
    const ow = convOut(w, k1, s1, d1, pad);
    return this.format === "channelsLast" ? [oh, ow, this.filters] : [this.filters, oh, ow];
  }
  protected callBatch(x: Tensor): Tensor {
    const y = channelsFirst(x, this.format, (nchw) => (this.module as Conv2d).forward(nchw));
    return activationFn(this.opts.activation)(y);
  }
  getConfig() {
    return { filters: this.filters, kernelSize: this.kernelSize, ...this.opts, activation: activationName(this.opts.activation), name: this.name, inputShape: this.inputShape };
  }
}

export class Conv1D extends Layer {
  static override readonly options: OptionSpec = { strides: "any", padding: ["valid", "same"], dilationRate: "any", activation: "any", useBias: "boolean", dataFormat: "any" };
  constructor(readonly filters: number, readonly kernelSize: number, readonly opts: Omit<Conv2DOptions, "strides" | "dilationRate"> & { strides?: number; dilationRate?: number } = {}) {
    super(opts);
  }
  private get format(): DataFormat {
    return this.opts.dataFormat ?? "channelsLast";
  }
  protected buildModule(s: Shape): Module {
    const channels = known(this.format === "channelsLast" ? s[1] : s[0], "channel count", "Conv1D");
    const conv = new Conv1d(channels, this.filters, this.kernelSize, { stride: this.opts.strides ?? 1, padding: this.opts.padding ?? "valid", dilation: this.opts.dilationRate ?? 1, bias: this.opts.useBias ?? true });
    init.xavierUniform_(conv.weight);
    if (conv.bias) init.zeros_(conv.bias);
    return conv;
  }
  computeOutputShape(s: Shape): Shape {
    const len = this.format === "channelsLast" ? s[0]! : s[1]!;
    const out = convOut(len, this.kernelSize, this.opts.strides ?? 1, this.opts.dilationRate ?? 1, this.opts.padding ?? "valid");
    return this.format === "channelsLast" ? [out, this.filters] : [this.filters, out];
  }
  protected callBatch(x: Tensor): Tensor {
    return activationFn(this.opts.activation)(channelsFirst(x, this.format, (ncl) => (this.module as Conv1d).forward(ncl)));
  }
  getConfig() {
    return { filters: this.filters, kernelSize: this.kernelSize, ...this.opts, activation: activationName(this.opts.activation), name: this.name, inputShape: this.inputShape };
  }
}

export interface PoolOptions extends LayerOptions {
  strides?: Pair | null;
  padding?: "valid" | "same";
  dataFormat?: DataFormat;
}

abstract class Pooling2D extends Layer {
  static override readonly options: OptionSpec = { strides: "any", padding: ["valid", "same"], dataFormat: "any" };
  constructor(readonly poolSize: Pair = 2, readonly opts: PoolOptions = {}) {
    super(opts);
  }
  protected abstract kind: "max" | "avg";
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    const fmt = this.opts.dataFormat ?? "channelsLast";
    const [k0, k1] = pair(this.poolSize);
    const [s0, s1] = pair(this.opts.strides ?? this.poolSize);
    const pad = this.opts.padding ?? "valid";
    const [h, w, c] = fmt === "channelsLast" ? [s[0]!, s[1]!, s[2]!] : [s[1]!, s[2]!, s[0]!];
    const oh = convOut(h, k0, s0, 1, pad);
    const ow = convOut(w, k1, s1, 1, pad);
    return fmt === "channelsLast" ? [oh, ow, c] : [c, oh, ow];
  }
  protected callBatch(x: Tensor): Tensor {
    const [k0, k1] = pair(this.poolSize);
    const [s0, s1] = pair(this.opts.strides ?? this.poolSize);
    return channelsFirst(x, this.opts.dataFormat ?? "channelsLast", (nchw) => {
      let input = nchw;
      if ((this.opts.padding ?? "valid") === "same") {
        // TensorFlow's 'same': pad so that out = ceil(in / stride), the extra on the far side.
        const extra = (size: number, k: number, s: number) => Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
        const eh = extra(nchw.shape[2]!, k0, s0);
        const ew = extra(nchw.shape[3]!, k1, s1);
        const fill = this.kind === "max" ? -Infinity : NaN;
        input = pad(nchw, [Math.floor(ew / 2), ew - Math.floor(ew / 2), Math.floor(eh / 2), eh - Math.floor(eh / 2)], fill);
      }
      if (this.kind === "max") return maxPool2d(input, [k0, k1], { stride: [s0, s1] });
      if (input === nchw) return avgPool2d(input, [k0, k1], { stride: [s0, s1] });
      // Average over the real pixels only (TensorFlow excludes the 'same' padding).
      const valid = input.isnan().logicalNot().float();
      const sums = avgPool2d(input.where(valid.bool(), 0), [k0, k1], { stride: [s0, s1], divisorOverride: 1 });
      return sums.div(avgPool2d(valid, [k0, k1], { stride: [s0, s1], divisorOverride: 1 }));
    });
  }
  getConfig() {
    return { poolSize: this.poolSize, ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

export class MaxPooling2D extends Pooling2D {
  protected kind = "max" as const;
}

export class AveragePooling2D extends Pooling2D {
  protected kind = "avg" as const;
}

export class GlobalAveragePooling2D extends Layer {
  static override readonly options: OptionSpec = { dataFormat: "any" };
  constructor(readonly opts: LayerOptions & { dataFormat?: DataFormat } = {}) {
    super(opts);
  }
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return [(this.opts.dataFormat ?? "channelsLast") === "channelsLast" ? s[2]! : s[0]!];
  }
  protected callBatch(x: Tensor): Tensor {
    return (this.opts.dataFormat ?? "channelsLast") === "channelsLast" ? x.mean([1, 2]) : x.mean([2, 3]);
  }
  getConfig() {
    return { ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

/** Mean over the steps of [N, T, C] (channels-last sequences). */
export class GlobalAveragePooling1D extends Layer {
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return [s[s.length - 1]!];
  }
  protected callBatch(x: Tensor): Tensor {
    return x.mean(1);
  }
  getConfig() {
    return { name: this.name, inputShape: this.inputShape };
  }
}

export interface BatchNormalizationOptions extends LayerOptions {
  /** Keras' momentum: the share of the old moving average kept (0.99 ≙ PyTorch's momentum 0.01). */
  momentum?: number;
  epsilon?: number;
}

/** Normalises the last axis (the channels of a channels-last image). */
export class BatchNormalization extends Layer {
  static override readonly options: OptionSpec = { momentum: "number", epsilon: "number" };
  constructor(readonly opts: BatchNormalizationOptions = {}) {
    super(opts);
  }
  protected buildModule(s: Shape): Module {
    const features = known(s[s.length - 1], "last input dim", "BatchNormalization");
    const o = { eps: this.opts.epsilon ?? 1e-3, momentum: 1 - (this.opts.momentum ?? 0.99) };
    return s.length === 3 ? new BatchNorm2d(features, o) : new BatchNorm1d(features, o);
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor): Tensor {
    const bn = this.module as BatchNorm1d;
    if (x.ndim === 2) return bn.forward(x);
    // Channels-last [N, …, C] → [N, C, …] for PyTorch's batch norm, and back.
    const toFirst = [0, x.ndim - 1, ...x.shape.slice(1, -1).map((_, i) => i + 1)];
    const toLast = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
    return bn.forward(x.permute(toFirst)).permute(toLast);
  }
  getConfig() {
    return { ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

export class LayerNormalization extends Layer {
  static override readonly options: OptionSpec = { epsilon: "number" };
  constructor(readonly opts: LayerOptions & { epsilon?: number } = {}) {
    super(opts);
  }
  protected buildModule(s: Shape): Module {
    return new LayerNorm(known(s[s.length - 1], "last input dim", "LayerNormalization"), { eps: this.opts.epsilon ?? 1e-3 });
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor): Tensor {
    return (this.module as LayerNorm).forward(x);
  }
  getConfig() {
    return { ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

export interface EmbeddingOptions extends LayerOptions {
  /** Keras 2's input_length: the sequence length, i.e. inputShape [inputLength]. */
  inputLength?: number;
}

export class Embedding extends Layer {
  constructor(readonly inputDim: number, readonly outputDim: number, { inputLength, ...opts }: EmbeddingOptions = {}) {
    super(inputLength !== undefined && !opts.inputShape ? { ...opts, inputShape: [inputLength] } : opts);
  }
  protected buildModule(): Module {
    const e = new NnEmbedding(this.inputDim, this.outputDim);
    init.uniform_(e.weight, -0.05, 0.05); // Keras' default initialiser
    return e;
  }
  computeOutputShape(s: Shape): Shape {
    return [...s, this.outputDim];
  }
  protected callBatch(x: Tensor): Tensor {
    return (this.module as NnEmbedding).forward(x.dtype === "int32" ? x : x.int());
  }
  getConfig() {
    return { inputDim: this.inputDim, outputDim: this.outputDim, name: this.name, inputShape: this.inputShape };
  }
}

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
