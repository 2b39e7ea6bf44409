/**
 * Keras 3's TorchModuleWrapper: any nn.Module as a Keras layer — a pre-trained encoder inside a
 * Sequential or functional model, frozen with `trainable: false` and unfrozen later by setting
 * `layer.trainable = true`. The module is used as it is (its weights are the layer's weights).
 */
import { noGrad } from "../ops/grad-mode.js";
import { FormatError, ShapeError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { zeros } from "../ops/creation.js";
import type { Module } from "../nn/module.js";
import type { OptionSpec } from "../base/options.js";
import { Layer, type LayerOptions, type Shape } from "./layer.js";

export interface TorchModuleWrapperOptions extends LayerOptions {
  /** The output shape (without the batch dim) for an input shape; default: found by a forward pass on zeros. */
  outputShape?: (inputShape: Shape) => Shape;
}

export class TorchModuleWrapper extends Layer {
  static override readonly options: OptionSpec = { outputShape: "function" };
  private readonly shapeOf?: (inputShape: Shape) => Shape;

  constructor(
    readonly wrapped: Module,
    { outputShape, ...opts }: TorchModuleWrapperOptions = {},
  ) {
    super(opts);
    if (outputShape) this.shapeOf = outputShape;
  }

  protected buildModule(): Module {
    return this.wrapped;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (this.shapeOf) return this.shapeOf(inputShape);
    if (inputShape.some((d) => d === null)) throw new ShapeError(`${this.name}: cannot infer the output shape for input ${fmtShape(inputShape as number[])}; pass outputShape`);
    // One example of zeros through the module in eval mode (BatchNorm's statistics untouched).
    const wasTraining = this.wrapped.training;
    this.wrapped.eval();
    try {
      return [...(noGrad(() => this.wrapped.forward(zeros([1, ...(inputShape as number[])]))) as Tensor).shape.slice(1)];
    } finally {
      this.wrapped.train(wasTraining);
    }
  }

  protected callBatch(x: Tensor): Tensor {
    return this.wrapped.forward(x) as Tensor;
  }

  getConfig(): Record<string, unknown> {
    throw new FormatError(`${this.name}: a TorchModuleWrapper's module has no JSON form; save its weights with tg.io.saveSafetensors(module.stateDict()) and rebuild the model in code`);
  }
}
