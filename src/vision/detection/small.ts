/**
 * A detector sized for small images on a CPU: a plain strided CNN (stride 8 and 16 outputs, batch
 * norm, ReLU), a two-level FeaturePyramidNetwork, and an FCOS head with two convolutions per branch
 * — 0.83M parameters, for 64×64 scenes of 15–25 pixel objects (tg.vision.datasets).
 */
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import { Sequential } from "../../nn/layers/container.js";
import { GroupNorm } from "../../nn/layers/norm.js";
import { Conv2dNormActivation } from "../ops/misc.js";
import { FeaturePyramidNetwork } from "../ops/fpn.js";
import { AnchorGenerator } from "./anchors.js";
import { FCOS, FCOSHead, type FcosOptions } from "./fcos.js";

/** Conv-BN-ReLU stages to strides 8 (C3) and 16 (C4), then an FPN to `outChannels` on both. */
export class SmallBackbone extends Module<[Tensor], Tensor[]> {
  body: Sequential;
  c4: Sequential;
  fpn: FeaturePyramidNetwork;

  constructor(inChannels: number, readonly outChannels = 64, width = 32) {
    super();
    const block = (i: number, o: number, stride = 1) => new Conv2dNormActivation(i, o, { stride });
    this.body = new Sequential(
      block(inChannels, width, 2), // stride 2
      block(width, width),
      block(width, 2 * width, 2), // 4
      block(2 * width, 2 * width),
      block(2 * width, 4 * width, 2), // 8
      block(4 * width, 4 * width),
    );
    this.c4 = new Sequential(block(4 * width, 4 * width, 2), block(4 * width, 4 * width)); // 16
    this.fpn = new FeaturePyramidNetwork([4 * width, 4 * width], outChannels);
  }

  forward(x: Tensor): Tensor[] {
    const c3 = this.body.forward(x);
    return this.fpn.forward([c3, this.c4.forward(c3)]);
  }
}

/** FCOS on SmallBackbone: points at strides 8 and 16, GroupNorm(16) heads of two convolutions. numClasses counts the background. */
export function fcosSmall(inChannels: number, numClasses: number, options: Omit<FcosOptions, "head" | "anchorGenerator"> = {}): FCOS {
  const backbone = new SmallBackbone(inChannels);
  return new FCOS(backbone, numClasses, {
    ...options,
    anchorGenerator: new AnchorGenerator([[8], [16]], [[1], [1]]),
    head: new FCOSHead(backbone.outChannels, 1, numClasses, { numConvs: 2, norm: (c) => new GroupNorm(16, c) }),
  });
}
