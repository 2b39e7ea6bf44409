/**
 * torchvision.ops.FeaturePyramidNetwork (Lin et al. 2017): each backbone level through a 1×1
 * lateral convolution, added to the nearest-upsampled coarser level on the way down, then a 3×3
 * smoothing convolution; optionally one more level by max-pooling the coarsest (LastLevelMaxPool).
 * Module names are torchvision's (inner_blocks.i.0, layer_blocks.i.0).
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import { ModuleList } from "../../nn/layers/container.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { interpolate, maxPool2d } from "../../nn/functional/pooling.js";
import { kaimingUniform_, zeros_ } from "../../nn/init.js";
import { Conv2dNormActivation } from "./misc.js";

export interface FeaturePyramidOptions {
  /** "maxpool": one more level, the coarsest max-pooled by 2 (torchvision's LastLevelMaxPool). */
  extraBlocks?: "maxpool" | null;
}

export class FeaturePyramidNetwork extends Module<[Tensor[]], Tensor[]> {
  inner_blocks: ModuleList<Conv2dNormActivation>;
  layer_blocks: ModuleList<Conv2dNormActivation>;
  readonly extraBlocks: "maxpool" | null;

  constructor(
    readonly inChannelsList: readonly number[],
    readonly outChannels: number,
    { extraBlocks = null }: FeaturePyramidOptions = {},
  ) {
    super();
    if (inChannelsList.length === 0 || inChannelsList.some((c) => !(Number.isInteger(c) && c > 0))) {
      throw new ValueError(`FeaturePyramidNetwork: inChannelsList must be positive integers, got [${inChannelsList.join(", ")}]`);
    }
    const plain = { norm: null, activation: null } as const;
    this.inner_blocks = new ModuleList(inChannelsList.map((c) => new Conv2dNormActivation(c, outChannels, { kernelSize: 1, ...plain })));
    this.layer_blocks = new ModuleList(inChannelsList.map(() => new Conv2dNormActivation(outChannels, outChannels, { kernelSize: 3, ...plain })));
    this.extraBlocks = extraBlocks;
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        kaimingUniform_(m.weight, { a: 1 });
        zeros_(m.bias!);
      }
    }
  }

  /** Feature maps from finest to coarsest, each [N, inChannelsList[i], H_i, W_i] → the same levels with outChannels (plus the extra). */
  forward(features: Tensor[]): Tensor[] {
    const L = this.inChannelsList.length;
    if (features.length !== L) throw new ValueError(`FeaturePyramidNetwork: expected ${L} feature maps, got ${features.length}`);
    const inner = [...this.inner_blocks];
    const layer = [...this.layer_blocks];
    let last = inner[L - 1]!.forward(features[L - 1]!);
    const results = [layer[L - 1]!.forward(last)];
    for (let i = L - 2; i >= 0; i--) {
      const lateral = inner[i]!.forward(features[i]!);
      const topDown = interpolate(last, { size: [lateral.shape[2]!, lateral.shape[3]!], mode: "nearest" });
      last = lateral.add(topDown);
      results.unshift(layer[i]!.forward(last));
    }
    if (this.extraBlocks === "maxpool") results.push(maxPool2d(results[L - 1]!, 1, { stride: 2 }));
    return results;
  }
}
