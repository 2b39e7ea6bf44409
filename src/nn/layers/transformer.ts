/**
 * TransformerEncoderLayer, TransformerDecoderLayer, their stacks and Transformer, with PyTorch's
 * structure and state-dict names (post-norm by default, `normFirst` for pre-norm).
 */
import type { Tensor } from "../../ops/tensor.js";
import type { Backend } from "../../backend/backend.js";
import type { DType } from "../../base/dtype.js";
import { full } from "../../ops/creation.js";
import { gelu } from "../../ops/composite/activations.js";
import { lowerTriangle } from "../functional/attention.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { ModuleList } from "./container.js";
import { Dropout } from "./dropout.js";
import { reluDropout } from "../functional/basic.js";
import { Linear } from "./linear.js";
import { LayerNorm } from "./norm.js";
import { MultiheadAttention } from "./attention.js";
import { where } from "../../ops/elementwise.js";
import { checkChoice, checkOptions, type OptionKind } from "../../base/options.js";

export interface TransformerLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: "relu" | "gelu" | ((x: Tensor) => Tensor);
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}

type Spec<T> = { readonly [K in keyof Required<T>]: OptionKind };
const LAYER_OPTIONS: Spec<TransformerLayerOptions> = {
  dimFeedforward: "integer", dropout: "number", activation: "any", layerNormEps: "number", batchFirst: "boolean", normFirst: "boolean", bias: "boolean",
};
const ENCODER_FORWARD: Spec<EncoderForwardOptions> = { srcMask: "tensor", srcKeyPaddingMask: "tensor", isCausal: "boolean" };
const DECODER_FORWARD: Spec<DecoderForwardOptions> = {
  tgtMask: "tensor", memoryMask: "tensor", tgtKeyPaddingMask: "tensor", memoryKeyPaddingMask: "tensor", tgtIsCausal: "boolean", memoryIsCausal: "boolean",
};

function activationFn(a: TransformerLayerOptions["activation"]): (x: Tensor) => Tensor {
  if (typeof a === "function") return a;
  return checkChoice("Transformer layer", "activation", a ?? "relu", ["relu", "gelu"]) === "gelu" ? (x) => gelu(x) : (x) => x.relu();
}

export interface EncoderForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

export interface DecoderForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/** Copies a layer: a new one with the same options, then the same weights (PyTorch deep-copies). */
function cloneLayer<M extends Module>(layer: M, make: () => M): M {
  const copy = make();
  copy.loadStateDict(layer.stateDict());
  copy.train(layer.training);
  return copy;
}

/**
 * What the encoder and decoder layers share: the checked options, and makers of their parts with
 * those options (each layer creates them in PyTorch's order, which its state dict keeps).
 */
function layerParts(layer: string, dModel: number, nhead: number, options: TransformerLayerOptions) {
  checkOptions(layer, options, LAYER_OPTIONS);
  const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true } = options;
  return {
    normFirst,
    activation: activationFn(options.activation),
    reluActivation: options.activation === undefined || options.activation === "relu",
    attention: () => new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst }),
    /** linear1, dropout, linear2. */
    feedForward: () => [new Linear(dModel, dimFeedforward, { bias }), new Dropout(dropout), new Linear(dimFeedforward, dModel, { bias })] as const,
    norm: () => new LayerNorm(dModel, { eps: layerNormEps, bias }),
    dropout: () => new Dropout(dropout),
  };
}

/**
 * A feed-forward's dropout(activation(h)): for the built-in relu one fused pass, unless a hook
 * watches the dropout module (hooks wrap its forward as an own property, module.ts).
 */
function activateAndDrop(h: Tensor, activation: (x: Tensor) => Tensor, relu: boolean, dropout: Dropout): Tensor {
  if (relu && !Object.prototype.hasOwnProperty.call(dropout, "forward")) return reluDropout(h, dropout.p, dropout.training);
  return dropout.forward(activation(h));
}

export class TransformerEncoderLayer extends Module<[Tensor, EncoderForwardOptions?], Tensor> {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;
  private readonly reluActivation: boolean;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerLayerOptions = {},
  ) {
    super();
    const parts = layerParts(new.target.name, dModel, nhead, options);
    this.self_attn = parts.attention();
    [this.linear1, this.dropout, this.linear2] = parts.feedForward();
    [this.norm1, this.norm2] = [parts.norm(), parts.norm()];
    [this.dropout1, this.dropout2] = [parts.dropout(), parts.dropout()];
    this.normFirst = parts.normFirst;
    this.activation = parts.activation;
    this.reluActivation = parts.reluActivation;
  }

  private selfAttention(x: Tensor, o: EncoderForwardOptions): Tensor {
    const [out] = this.self_attn.forward(x, x, x, { attnMask: o.srcMask ?? null, keyPaddingMask: o.srcKeyPaddingMask ?? null, needWeights: false, isCausal: o.isCausal ?? false });
    return this.dropout1.forward(out);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout2.forward(this.linear2.forward(activateAndDrop(this.linear1.forward(x), this.activation, this.reluActivation, this.dropout)));
  }

  forward(src: Tensor, o: EncoderForwardOptions = {}): Tensor {
    checkOptions(`${this.constructor.name}.forward`, o, ENCODER_FORWARD);
    let x = src;
    if (this.normFirst) {
      x = x.add(this.selfAttention(this.norm1.forward(x), o));
      return x.add(this.feedForward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(this.selfAttention(x, o)));
    return this.norm2.forward(x.add(this.feedForward(x)));
  }

  clone(): TransformerEncoderLayer {
    return cloneLayer(this, () => new TransformerEncoderLayer(this.dModel, this.nhead, this.options));
  }
}

export class TransformerDecoderLayer extends Module<[Tensor, Tensor, DecoderForwardOptions?], Tensor> {
  readonly self_attn: MultiheadAttention;
  readonly multihead_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;
  private readonly reluActivation: boolean;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerLayerOptions = {},
  ) {
    super();
    const parts = layerParts(new.target.name, dModel, nhead, options);
    [this.self_attn, this.multihead_attn] = [parts.attention(), parts.attention()];
    [this.linear1, this.dropout, this.linear2] = parts.feedForward();
    [this.norm1, this.norm2, this.norm3] = [parts.norm(), parts.norm(), parts.norm()];
    [this.dropout1, this.dropout2, this.dropout3] = [parts.dropout(), parts.dropout(), parts.dropout()];
    this.normFirst = parts.normFirst;
    this.activation = parts.activation;
    this.reluActivation = parts.reluActivation;
  }

  private selfAttention(x: Tensor, o: DecoderForwardOptions): Tensor {
    const [out] = this.self_attn.forward(x, x, x, { attnMask: o.tgtMask ?? null, keyPaddingMask: o.tgtKeyPaddingMask ?? null, needWeights: false, isCausal: o.tgtIsCausal ?? false });
    return this.dropout1.forward(out);
  }

  private crossAttention(x: Tensor, mem: Tensor, o: DecoderForwardOptions): Tensor {
    const [out] = this.multihead_attn.forward(x, mem, mem, { attnMask: o.memoryMask ?? null, keyPaddingMask: o.memoryKeyPaddingMask ?? null, needWeights: false, isCausal: o.memoryIsCausal ?? false });
    return this.dropout2.forward(out);
  }

  private feedForward(x: Tensor): Tensor {
    return this.dropout3.forward(this.linear2.forward(activateAndDrop(this.linear1.forward(x), this.activation, this.reluActivation, this.dropout)));
  }

  forward(tgt: Tensor, memory: Tensor, o: DecoderForwardOptions = {}): Tensor {
    checkOptions(`${this.constructor.name}.forward`, o, DECODER_FORWARD);
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.selfAttention(this.norm1.forward(x), o));
      x = x.add(this.crossAttention(this.norm2.forward(x), memory, o));
      return x.add(this.feedForward(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(this.selfAttention(x, o)));
    x = this.norm2.forward(x.add(this.crossAttention(x, memory, o)));
    return this.norm3.forward(x.add(this.feedForward(x)));
  }

  clone(): TransformerDecoderLayer {
    return cloneLayer(this, () => new TransformerDecoderLayer(this.dModel, this.nhead, this.options));
  }
}

/** numLayers copies of an encoder layer, then an optional final norm. */
export class TransformerEncoder extends Module<[Tensor, EncoderForwardOptions?], Tensor> {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, { norm = null }: { norm?: LayerNorm | null } = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = norm;
  }

  forward(src: Tensor, o: EncoderForwardOptions = {}): Tensor {
    checkOptions(`${this.constructor.name}.forward`, o, ENCODER_FORWARD);
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, o);
    return this.norm ? this.norm.forward(x) : x;
  }
}

export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderForwardOptions?], Tensor> {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, { norm = null }: { norm?: LayerNorm | null } = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone()));
    this.norm = norm;
  }

  forward(tgt: Tensor, memory: Tensor, o: DecoderForwardOptions = {}): Tensor {
    checkOptions(`${this.constructor.name}.forward`, o, DECODER_FORWARD);
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, o);
    return this.norm ? this.norm.forward(x) : x;
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

/** The encoder–decoder Transformer of "Attention Is All You Need", as torch.nn.Transformer. */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?], Tensor> {
  readonly encoder: TransformerEncoder;
  readonly decoder: TransformerDecoder;
  readonly dModel: number;

  constructor(options: TransformerOptions = {}) {
    super();
    checkOptions("Transformer", options, { ...LAYER_OPTIONS, dModel: "integer", nhead: "integer", numEncoderLayers: "integer", numDecoderLayers: "integer" } satisfies Spec<TransformerOptions>);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, layerNormEps = 1e-5, bias = true, ...layerOpts } = options;
    this.dModel = dModel;
    const layerOptions = { ...layerOpts, layerNormEps, bias };
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, { norm: new LayerNorm(dModel, { eps: layerNormEps, bias }) });
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, { norm: new LayerNorm(dModel, { eps: layerNormEps, bias }) });
    // xavier_uniform on every matrix, as PyTorch's Transformer._reset_parameters.
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p);
  }

  forward(src: Tensor, tgt: Tensor, o: TransformerForwardOptions = {}): Tensor {
    checkOptions("Transformer.forward", o, {
      srcMask: "tensor", tgtMask: "tensor", memoryMask: "tensor", srcKeyPaddingMask: "tensor", tgtKeyPaddingMask: "tensor", memoryKeyPaddingMask: "tensor",
    } satisfies Spec<TransformerForwardOptions>);
    const memory = this.encoder.forward(src, { srcMask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null });
    return this.decoder.forward(tgt, memory, {
      tgtMask: o.tgtMask ?? null,
      memoryMask: o.memoryMask ?? null,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null,
    });
  }

  /** A float [sz, sz] mask: 0 on and below the diagonal, −inf above (torch's generate_square_subsequent_mask), on `device`. */
  static generateSquareSubsequentMask(sz: number, { device, dtype = "float32" }: { device?: string | Backend; dtype?: DType } = {}): Tensor {
    const zero = full([sz, sz], 0, { dtype, device });
    return where(lowerTriangle(sz, sz, zero.backend), zero, -Infinity);
  }
}
