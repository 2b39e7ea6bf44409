/**
 * The Keras layer: a thin, shape-inferring front-end over tg.nn. A layer learns its input shape on
 * first use (or from `inputShape`), then builds the nn module that holds its weights; the maths is
 * always the nn module's. Shapes here exclude the batch dim, as in Keras.
 */
import type { Tensor } from "../core/tensor.js";
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
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

export interface LayerOptions {
  name?: string;
  /** The input shape without the batch dim, for the first layer of a model. */
  inputShape?: Shape;
  trainable?: boolean;
}

export abstract class Layer {
  readonly name: string;
  inputShape: Shape | null;
  module: Module | null = null;
  built = false;
  trainable: boolean;

  constructor(opts: LayerOptions = {}) {
    this.name = opts.name ?? autoName(snake(new.target.name));
    this.inputShape = opts.inputShape ? [...opts.inputShape] : null;
    this.trainable = opts.trainable ?? true;
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

  /** The constructor arguments, for saving the architecture as JSON. */
  abstract getConfig(): Record<string, unknown>;
}
