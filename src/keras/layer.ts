/**
 * The Keras layer: a thin, shape-inferring front-end over tg.nn. A layer learns its input shape on
 * first use (or from `inputShape`), then builds the nn module that holds its weights; the maths is
 * always the nn module's. Shapes here exclude the batch dim, as in Keras.
 */
import { checkOptions, type OptionSpec } from "../base/options.js";
import { ShapeError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import type { Module } from "../nn/module.js";

/** A shape without the batch dim; null for a size known only at run time. */
export type Shape = (number | null)[];

const counters = new Map<string, number>();

/** Keras' automatic names: dense, dense_1, dense_2, … */
function autoName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

function snake(name: string): string {
  // Keras' to_snake_case: "_" before each capitalised word, then between a lower-case letter and a capital
  // (so GlobalAveragePooling1D → global_average_pooling1d, LSTM → lstm).
  return name.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * A symbolic tensor of the functional API: a shape (without the batch dim), the layer that makes it
 * and that layer's inputs. `keras.Input` makes the first ones; `layer.apply(...)` the rest.
 */
export class KerasTensor {
  constructor(
    readonly shape: Shape,
    readonly layer: Layer | null,
    readonly inputs: readonly KerasTensor[],
    readonly name: string,
  ) {}
}

export interface LayerOptions {
  name?: string;
  /** The input shape without the batch dim, for the first layer of a model. */
  inputShape?: Shape;
  trainable?: boolean;
}

/** The options every layer takes. */
export const LAYER_OPTIONS: OptionSpec = { name: "string", inputShape: "array", trainable: "boolean" };

export abstract class Layer {
  readonly name: string;
  inputShape: Shape | null;
  module: Module | null = null;
  built = false;
  private isTrainable: boolean;

  /** The options a layer class takes besides LayerOptions' (checked at run time, see base/options.ts). */
  static readonly options: OptionSpec = {};

  constructor(opts: LayerOptions = {}) {
    checkOptions(new.target.name, opts, { ...LAYER_OPTIONS, ...(new.target as unknown as typeof Layer).options });
    this.name = opts.name ?? autoName(snake(new.target.name));
    this.inputShape = opts.inputShape ? [...opts.inputShape] : null;
    this.isTrainable = opts.trainable ?? true;
  }

  /**
   * Keras' layer.trainable: false freezes the layer's weights (no gradients, so fit leaves them as
   * they are); setting it back to true unfreezes them — at once, without recompiling.
   */
  get trainable(): boolean {
    return this.isTrainable;
  }

  set trainable(flag: boolean) {
    this.isTrainable = flag;
    this.module?.requiresGrad_(flag);
  }

  /** Creates the weights for an input shape; returns the nn module holding them (or null). */
  protected abstract buildModule(inputShape: Shape): Module | null;
  abstract computeOutputShape(inputShape: Shape): Shape;
  /** The forward computation on a batch. */
  protected abstract callBatch(x: Tensor, training: boolean): Tensor;

  build(inputShape: Shape): void {
    if (this.built) return;
    this.inputShape = [...inputShape];
    this.module = this.buildModule(inputShape);
    if (this.module && !this.trainable) this.module.requiresGrad_(false);
    this.built = true;
  }

  call(x: Tensor, training = false): Tensor {
    if (!this.built) this.build(x.shape.slice(1));
    this.module?.train(training);
    return this.callBatch(x, training);
  }

  /** Weights as Keras counts them: parameters plus float state such as BatchNorm's moving statistics. */
  countParams(): number {
    if (!this.module) return 0;
    const state = this.module.buffers().filter((b) => b.dtype === "float32" || b.dtype === "float64");
    return [...this.module.parameters(), ...state].reduce((n, t) => n + t.numel(), 0);
  }

  countTrainableParams(): number {
    if (!this.module || !this.trainable) return 0;
    return this.module.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  }

  /** Connects the layer in a functional model: builds it for the input's shape and returns its output. */
  apply(input: KerasTensor | readonly KerasTensor[]): KerasTensor {
    const inputs = Array.isArray(input) ? [...(input as KerasTensor[])] : [input as KerasTensor];
    if (inputs.length !== 1) throw new ShapeError(`${this.name} (${this.constructor.name}) takes one input, got ${inputs.length}`);
    this.build(inputs[0]!.shape);
    return new KerasTensor(this.computeOutputShape(inputs[0]!.shape), this, inputs, this.name);
  }

  /** Runs the layer on the tensors of its inputs (one for most layers). */
  callInputs(xs: readonly Tensor[], training: boolean): Tensor {
    return this.call(xs[0]!, training);
  }

  /** The constructor arguments, for saving the architecture as JSON. */
  abstract getConfig(): Record<string, unknown>;
}

/** A layer of several inputs (Add, Concatenate, MultiHeadAttention). */
export abstract class MergeLayer extends Layer {
  protected abstract buildMulti(shapes: Shape[]): Module | null;
  abstract computeOutputShapeMulti(shapes: Shape[]): Shape;
  protected abstract callMulti(xs: readonly Tensor[], training: boolean): Tensor;
  private inputShapes: Shape[] | null = null;

  protected buildModule(): Module | null {
    throw new ShapeError(`${this.name} (${this.constructor.name}) takes several inputs; use it in a functional model`);
  }
  computeOutputShape(s: Shape): Shape {
    return this.computeOutputShapeMulti(this.inputShapes ?? [s]);
  }
  protected callBatch(x: Tensor, training: boolean): Tensor {
    return this.callMulti([x], training);
  }

  override apply(input: KerasTensor | readonly KerasTensor[]): KerasTensor {
    const inputs = Array.isArray(input) ? [...(input as KerasTensor[])] : [input as KerasTensor];
    if (!this.built) {
      this.inputShapes = inputs.map((t) => [...t.shape]);
      this.inputShape = inputs[0]!.shape;
      this.module = this.buildMulti(this.inputShapes);
      this.built = true;
    }
    return new KerasTensor(this.computeOutputShapeMulti(inputs.map((t) => t.shape)), this, inputs, this.name);
  }

  override callInputs(xs: readonly Tensor[], training: boolean): Tensor {
    if (!this.built) this.apply(xs.map((x) => new KerasTensor(x.shape.slice(1), null, [], "input")));
    this.module?.train(training);
    return this.callMulti(xs, training);
  }
}
