/** Keras' core layers: Input, Dense, Activation, Embedding, Dropout, Flatten, Reshape. */
import type { OptionSpec } from "../../base/options.js";
import { ShapeError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import * as init from "../../nn/init.js";
import { Linear } from "../../nn/layers/linear.js";
import { Embedding as NnEmbedding } from "../../nn/layers/embedding.js";
import { dropout } from "../../nn/functional/basic.js";
import { activationFn, activationName, type Activation as ActivationSpec } from "../activations.js";
import { KerasTensor, Layer, type LayerOptions, type Shape } from "../layer.js";

/** A dim that must be known to build a layer (not the batch's None). */
export const known = (n: number | null | undefined, what: string, layer: string): number => {
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
