/** tg.nn.functional: PyTorch's torch.nn.functional, camelCased. */
export { linear, bilinear, dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout, embedding } from "./basic.js";
export { normalize, cosineSimilarity, pairwiseDistance, pdist } from "./similarity.js";
export { pixelShuffle, pixelUnshuffle, channelShuffle, channelShuffle as nativeChannelShuffle } from "./shuffle.js";
export { conv1d, conv2d, convTranspose2d, type ConvOptions, type ConvTransposeOptions, type Padding } from "./conv.js";
export { conv3d, convTbc, convTranspose1d, convTranspose3d, type Conv3dOptions, type ConvTranspose3dOptions, type Triple } from "./conv3d.js";
export {
  maxPool3d, maxPool3dWithIndices, avgPool3d, adaptiveAvgPool3d, adaptiveMaxPool3d, adaptiveMaxPool3dWithIndices, maxUnpool3d, type Pool3dOptions, type SizeTriple,
} from "./pooling3d.js";
export {
  lpPool1d, lpPool2d, lpPool3d, fractionalMaxPool2d, fractionalMaxPool2dWithIndices, fractionalMaxPool3d, fractionalMaxPool3dWithIndices, type FractionalMaxPoolOptions,
} from "./pooling-lp-fractional.js";
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, interpolate, maxPool1dWithIndices, maxPool2dWithIndices,
  maxUnpool1d, maxUnpool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices,
  type PoolOptions, type InterpolateOptions, type InterpolateMode, type SizePair,
} from "./pooling.js";
export { batchNorm, layerNorm, groupNorm, rmsNorm, instanceNorm, localResponseNorm, crossMapLrn2d, type BatchNormOptions } from "./norm.js";
export {
  crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, mseLoss, l1Loss, smoothL1Loss,
  huberLoss, klDiv, cosineEmbeddingLoss, linearCrossEntropy, type Reduction,
} from "../losses.js";
export {
  marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss, multiMarginLoss, tripletMarginLoss, poissonNllLoss,
  gaussianNllLoss, tripletMarginWithDistanceLoss, multilabelMarginLoss,
} from "../losses-margin.js";
export { relu_, elu_, celu_, selu_, leakyRelu_, hardtanh_, threshold_, rrelu_ } from "./inplace.js";
export { relu, sigmoid, tanh } from "../../ops/elementwise.js";
export {
  gelu, leakyRelu, elu, silu, relu6, hardsigmoid, hardswish, softplus, logSigmoid, logSigmoid as logsigmoid, hardtanh, softsign, tanhshrink,
  softshrink, hardshrink, threshold, mish, celu, selu, glu, softmin, prelu, rrelu,
} from "../../ops/composite/activations.js";
export { softmax, logSoftmax } from "../../ops/composite/softmax.js";
export { pad, type PadMode } from "./padding.js";
export { embeddingBag, gumbelSoftmax, type EmbeddingBagOptions, type BagMode } from "./embedding-bag.js";
export { affineGrid, gridSample, type GridSampleOptions } from "./grid-sample.js";
export { ctcLoss, type CtcOptions } from "../losses-ctc.js";
export { oneHot } from "../../ops/indexing.js";
export { unfold, fold } from "../../ops/windows.js";
export { scaledDotProductAttention, type AttentionOptions } from "./attention.js";
export { multiHeadAttentionForward, type MultiHeadAttentionOptions } from "./multi-head-attention.js";
