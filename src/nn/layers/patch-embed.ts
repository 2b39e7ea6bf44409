/**
 * Vision Transformer inputs: images cut into patches, each linearly embedded (timm's PatchEmbed, the
 * `conv_proj` of torchvision's VisionTransformer), and MAE's fixed 2-D sine-cosine position table.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { Module } from "../module.js";
import { Conv2d } from "./conv.js";

export interface PatchEmbedOptions {
  /** The (square) image side, or [height, width] (default 224). */
  imgSize?: number | [number, number];
  patchSize?: number;
  inChans?: number;
  embedDim?: number;
}

/** (N, C, H, W) images → (N, L, D) patch embeddings, L = (H/p)·(W/p) in row-major patch order. */
export class PatchEmbed extends Module<[Tensor], Tensor> {
  readonly proj: Conv2d;
  readonly imgSize: [number, number];
  readonly gridSize: [number, number];
  readonly numPatches: number;

  constructor(readonly options: PatchEmbedOptions = {}) {
    super();
    const { imgSize = 224, patchSize = 16, inChans = 3, embedDim = 768 } = options;
    this.imgSize = typeof imgSize === "number" ? [imgSize, imgSize] : imgSize;
    if (this.imgSize[0] % patchSize || this.imgSize[1] % patchSize) throw new ValueError(`PatchEmbed: ${this.imgSize.join("×")} images do not split into ${patchSize}×${patchSize} patches`);
    this.gridSize = [this.imgSize[0] / patchSize, this.imgSize[1] / patchSize];
    this.numPatches = this.gridSize[0] * this.gridSize[1];
    // A convolution with kernel = stride = patch side is the per-patch linear map.
    this.proj = new Conv2d(inChans, embedDim, patchSize, { stride: patchSize });
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[2] !== this.imgSize[0] || x.shape[3] !== this.imgSize[1]) {
      throw new ShapeError(`PatchEmbed: expected (N, C, ${this.imgSize[0]}, ${this.imgSize[1]}) images, got ${fmtShape(x.shape)}`);
    }
    return this.proj.forward(x).flatten(2).transpose(1, 2);
  }
}

/**
 * MAE's get_2d_sincos_pos_embed: for each patch of a gridH × gridW grid (row-major), half the
 * dimensions encode its column and half its row with the sinusoids of "Attention Is All You Need"
 * (sines then cosines, frequencies 1/10000^(k/(D/4))). With clsToken a row of zeros comes first.
 * Returns (L, D), or (1 + L, D).
 */
export function sincos2dPositionTable(embedDim: number, gridH: number, gridW: number, { clsToken = false }: { clsToken?: boolean } = {}): Tensor {
  if (!Number.isInteger(embedDim) || embedDim % 4) throw new ValueError(`sincos2dPositionTable: embedDim must be a multiple of 4, got ${embedDim}`);
  const quarter = embedDim / 4;
  const rows = gridH * gridW + (clsToken ? 1 : 0);
  const out = new Float32Array(rows * embedDim);
  const omega = Array.from({ length: quarter }, (_, k) => 1 / 10000 ** (k / quarter));
  for (let i = 0; i < gridH; i++) {
    for (let j = 0; j < gridW; j++) {
      const at = (i * gridW + j + (clsToken ? 1 : 0)) * embedDim;
      // MAE meshgrids (w, h): the first half of the dimensions encodes the column, the second the row.
      for (const [half, pos] of [[0, j], [1, i]] as const) {
        for (let k = 0; k < quarter; k++) {
          out[at + half * 2 * quarter + k] = Math.sin(pos * omega[k]!);
          out[at + half * 2 * quarter + quarter + k] = Math.cos(pos * omega[k]!);
        }
      }
    }
  }
  return tensor(out, { shape: [rows, embedDim] });
}
