/** tg.nn — `import { nn } from "tensorgrad"` or `import * as nn from "tensorgrad/nn"`. */
export { Module, StateDictError, type StateDict, type LoadResult, type ForwardHook, type ForwardPreHook } from "./module.js";
export type { BackwardHook, BackwardPreHook } from "./backward-hooks.js";
export { Parameter } from "./parameter.js";
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from "./layers/container.js";
export { Identity, Linear, Bilinear, Flatten, Unflatten, type LinearOptions } from "./layers/linear.js";
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvLayerOptions, type ConvTransposeLayerOptions } from "./layers/conv.js";
export {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool1d, MaxUnpool2d,
  Upsample,
} from "./layers/pooling.js";
export {
  MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, MaxUnpool3d, LPPool1d, LPPool2d, LPPool3d, FractionalMaxPool2d, FractionalMaxPool3d,
} from "./layers/pooling3d.js";
export {
  BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm, CrossMapLRN2d,
  type BatchNormOptions, type LayerNormOptions,
} from "./layers/norm.js";
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout } from "./layers/dropout.js";
export { AdaptiveLogSoftmaxWithLoss, type AdaptiveSoftmaxOutput } from "./layers/adaptive-softmax.js";
export { Embedding, EmbeddingBag, type EmbeddingOptions, type EmbeddingBagLayerOptions } from "./layers/embedding.js";
export {
  ReLU, ReLU6, Hardsigmoid, Hardswish, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Mish, SELU, Softsign, Tanhshrink,
  LogSigmoid, Softmax2d, CELU, GLU, Hardtanh, Softshrink, Hardshrink, Threshold, Softplus, Softmin, PReLU, RReLU,
} from "./layers/activation.js";
export {
  PixelShuffle, PixelUnshuffle, ChannelShuffle, ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, Unfold, Fold,
  ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d,
  CircularPad3d,
} from "./layers/rearrange.js";
export { PairwiseDistance, CosineSimilarity } from "./layers/distance.js";
export {
  CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss,
  CosineEmbeddingLoss, MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss,
  GaussianNLLLoss, TripletMarginLoss, TripletMarginWithDistanceLoss, MultiLabelMarginLoss, CTCLoss, LinearCrossEntropyLoss,
} from "./layers/loss.js";
export { RNNCell, LSTMCell, GRUCell, RNNCellBase, type Nonlinearity } from "./layers/rnn-cells.js";
export { RNN, LSTM, GRU, RNNBase, type RNNOptions } from "./layers/rnn.js";
export { PackedSequence, packPaddedSequence, padPackedSequence } from "./layers/packed.js";
export { MultiheadAttention, type MultiheadAttentionOptions, type MhaForwardOptions } from "./layers/attention.js";
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer,
  type TransformerLayerOptions, type TransformerOptions,
} from "./layers/transformer.js";
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, type PositionalOptions } from "./layers/positional.js";
export { PatchEmbed, sincos2dPositionTable, type PatchEmbedOptions } from "./layers/patch-embed.js";
export * as functional from "./functional/index.js";
export * as init from "./init.js";
export * as utils from "./utils.js";
