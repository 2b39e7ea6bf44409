/**
 * The Vision Transformer (Dosovitskiy et al. 2021) with torchvision's module names — conv_proj,
 * class_token, encoder.pos_embedding, encoder.layers.encoder_layer_i (ln_1, self_attention, ln_2,
 * mlp), encoder.ln, heads.head — and initialisation, so torchvision's ViT checkpoints load by
 * name. Any size: vitB16 is torchvision's vit_b_16; smaller images and patches work the same.
 * (The patch embedding is conv_proj itself, as in torchvision, so its names stay theirs.)
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { zeros } from "../../ops/creation.js";
import { cat } from "../../ops/movement.js";
import { Module } from "../../nn/module.js";
import { Parameter } from "../../nn/parameter.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { LayerNorm } from "../../nn/layers/norm.js";
import { Linear } from "../../nn/layers/linear.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { GELU } from "../../nn/layers/activation.js";
import { MultiheadAttention } from "../../nn/layers/attention.js";
import { ModuleDict, Sequential } from "../../nn/layers/container.js";
import { constant_, normal_, truncNormal_, xavierUniform_ } from "../../nn/init.js";

export interface VisionTransformerOptions {
  imageSize: number;
  patchSize: number;
  numLayers: number;
  numHeads: number;
  hiddenDim: number;
  mlpDim: number;
  dropout?: number;
  attentionDropout?: number;
  numClasses?: number;
  inChannels?: number;
}

/** Linear → GELU → dropout → linear → dropout (torchvision's MLPBlock, names "0" and "3"). */
class MLPBlock extends Sequential {
  constructor(dim: number, mlpDim: number, dropout: number) {
    super(new Linear(dim, mlpDim), new GELU(), new Dropout(dropout), new Linear(mlpDim, dim), new Dropout(dropout));
    noGrad(() => {
      for (const m of this.children()) {
        if (m instanceof Linear) {
          xavierUniform_(m.weight);
          normal_(m.bias!, 0, 1e-6);
        }
      }
    });
  }
}

/** Pre-norm Transformer block: x + attention(ln_1(x)), then + mlp(ln_2(·)). */
export class EncoderBlock extends Module<[Tensor], Tensor> {
  ln_1: LayerNorm;
  self_attention: MultiheadAttention;
  dropout: Dropout;
  ln_2: LayerNorm;
  mlp: Sequential;

  constructor(numHeads: number, hiddenDim: number, mlpDim: number, dropout: number, attentionDropout: number) {
    super();
    this.ln_1 = new LayerNorm(hiddenDim, { eps: 1e-6 });
    this.self_attention = new MultiheadAttention(hiddenDim, numHeads, { dropout: attentionDropout, batchFirst: true });
    this.dropout = new Dropout(dropout);
    this.ln_2 = new LayerNorm(hiddenDim, { eps: 1e-6 });
    this.mlp = new MLPBlock(hiddenDim, mlpDim, dropout);
  }

  forward(input: Tensor): Tensor {
    const x = this.ln_1.forward(input);
    const attended = this.dropout.forward(this.self_attention.forward(x, x, x, { needWeights: false })[0]).add(input);
    return attended.add(this.mlp.forward(this.ln_2.forward(attended)));
  }
}

/** Learned position embeddings, dropout, the blocks, a final LayerNorm. */
export class Encoder extends Module<[Tensor], Tensor> {
  pos_embedding: Parameter;
  dropout: Dropout;
  layers: ModuleDict<EncoderBlock>;
  ln: LayerNorm;

  constructor(seqLength: number, o: Required<Omit<VisionTransformerOptions, "imageSize" | "patchSize" | "numClasses" | "inChannels">>) {
    super();
    this.pos_embedding = new Parameter(zeros([1, seqLength, o.hiddenDim]));
    noGrad(() => normal_(this.pos_embedding, 0, 0.02));
    this.dropout = new Dropout(o.dropout);
    this.layers = new ModuleDict(Object.fromEntries(Array.from({ length: o.numLayers }, (_, i) => [`encoder_layer_${i}`, new EncoderBlock(o.numHeads, o.hiddenDim, o.mlpDim, o.dropout, o.attentionDropout)])));
    this.ln = new LayerNorm(o.hiddenDim, { eps: 1e-6 });
  }

  forward(input: Tensor): Tensor {
    let x = this.dropout.forward(input.add(this.pos_embedding));
    for (const [, block] of this.layers) x = block.forward(x);
    return this.ln.forward(x);
  }
}

/** torchvision.models.VisionTransformer: patches → tokens with a class token → encoder → head on the class token. */
export class VisionTransformer extends Module<[Tensor], Tensor> {
  conv_proj: Conv2d;
  class_token: Parameter;
  encoder: Encoder;
  heads: Sequential;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly hiddenDim: number;

  constructor({ imageSize, patchSize, numLayers, numHeads, hiddenDim, mlpDim, dropout = 0, attentionDropout = 0, numClasses = 1000, inChannels = 3 }: VisionTransformerOptions) {
    super();
    if (imageSize % patchSize !== 0) throw new ValueError(`VisionTransformer: imageSize ${imageSize} must be divisible by patchSize ${patchSize}`);
    if (hiddenDim % numHeads !== 0) throw new ValueError(`VisionTransformer: hiddenDim ${hiddenDim} must be divisible by numHeads ${numHeads}`);
    this.imageSize = imageSize;
    this.patchSize = patchSize;
    this.hiddenDim = hiddenDim;
    this.conv_proj = new Conv2d(inChannels, hiddenDim, patchSize, { stride: patchSize });
    this.class_token = new Parameter(zeros([1, 1, hiddenDim]));
    this.encoder = new Encoder((imageSize / patchSize) ** 2 + 1, { numLayers, numHeads, hiddenDim, mlpDim, dropout, attentionDropout });
    const head = new Linear(hiddenDim, numClasses);
    this.heads = new Sequential({ head });
    noGrad(() => {
      truncNormal_(this.conv_proj.weight, 0, Math.sqrt(1 / (inChannels * patchSize * patchSize)));
      constant_(this.conv_proj.bias!, 0);
      constant_(head.weight, 0);
      constant_(head.bias!, 0);
    });
  }

  forward(x: Tensor): Tensor {
    const [n, , h, w] = x.shape as [number, number, number, number];
    if (h !== this.imageSize || w !== this.imageSize) throw new ValueError(`VisionTransformer: expected ${this.imageSize}×${this.imageSize} images, got ${h}×${w}`);
    const tokens = this.conv_proj.forward(x).reshape(n, this.hiddenDim, -1).permute(0, 2, 1);
    const encoded = this.encoder.forward(cat([this.class_token.expand(n, -1, -1), tokens], 1));
    return this.heads.forward(encoded.select(1, 0));
  }
}

/** torchvision's vit_b_16: 224×224 images, 16×16 patches, 12 layers of 12 heads, 768 wide, MLP 3072. */
export const vitB16 = (options: Partial<VisionTransformerOptions> = {}) => new VisionTransformer({ imageSize: 224, patchSize: 16, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072, ...options });
