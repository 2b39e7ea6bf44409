/**
 * torchvision's AnchorGenerator: for each feature-map level, a set of base anchors (one per size ×
 * aspect ratio, centred on 0 and rounded to whole pixels) repeated at every cell, the cell's
 * position being its index × the level's stride (image size ÷ feature size, floored). FCOS uses one
 * square anchor per cell as the cell's point and size.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";

export class AnchorGenerator {
  /** Per level, the base anchors [A, 4] as flat xyxy numbers. */
  readonly cellAnchors: number[][];

  constructor(
    readonly sizes: readonly (readonly number[])[] = [[128, 256, 512]],
    readonly aspectRatios: readonly (readonly number[])[] = sizes.map(() => [0.5, 1, 2]),
  ) {
    if (sizes.length !== aspectRatios.length) throw new ValueError(`AnchorGenerator: ${sizes.length} levels of sizes but ${aspectRatios.length} of aspect ratios`);
    this.cellAnchors = sizes.map((scales, level) => {
      const out: number[] = [];
      // torchvision's order: aspect ratio major, scale minor; h/w = ratio, area = scale².
      for (const ratio of aspectRatios[level]!) {
        if (!(ratio > 0)) throw new ValueError(`AnchorGenerator: aspect ratios must be positive, got ${ratio}`);
        const hRatio = Math.sqrt(ratio);
        for (const scale of scales) {
          if (!(scale > 0)) throw new ValueError(`AnchorGenerator: sizes must be positive, got ${scale}`);
          const w = (scale / hRatio) / 2;
          const h = (hRatio * scale) / 2;
          out.push(...[-w, -h, w, h].map(roundHalfEven));
        }
      }
      return out;
    });
  }

  /** Anchors per location at each level. */
  numAnchorsPerLocation(): number[] {
    return this.cellAnchors.map((a) => a.length / 4);
  }

  /**
   * The anchors [Σ H_i·W_i·A_i, 4] of an image of `imageSize` [H, W] whose feature maps have the
   * given [h, w] sizes (the same for every image of a batch), level by level, row-major cells.
   */
  forward(imageSize: readonly [number, number], featureSizes: readonly (readonly [number, number])[]): Tensor {
    if (featureSizes.length !== this.cellAnchors.length) throw new ValueError(`AnchorGenerator: ${this.cellAnchors.length} levels of anchors but ${featureSizes.length} feature maps`);
    const total = featureSizes.reduce((n, [h, w], l) => n + h * w * (this.cellAnchors[l]!.length / 4), 0);
    const out = new Float32Array(total * 4);
    let k = 0;
    featureSizes.forEach(([h, w], level) => {
      const [sy, sx] = [Math.floor(imageSize[0] / h), Math.floor(imageSize[1] / w)];
      const base = this.cellAnchors[level]!;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let a = 0; a < base.length; a += 4) {
            out.set([x * sx + base[a]!, y * sy + base[a + 1]!, x * sx + base[a + 2]!, y * sy + base[a + 3]!], k);
            k += 4;
          }
        }
      }
    });
    return tensor(out, { shape: [total, 4] });
  }
}

/** torch.round: halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
