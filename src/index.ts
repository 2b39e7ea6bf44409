/**
 * tensorgrad — `import * as tg from "tensorgrad"`.
 * The public barrel: tensors and their creation, every op as a function (also available as Tensor
 * methods), autograd controls, backends, errors, and `tg.testing`.
 */
export { Tensor, type TensorData } from "./ops/tensor.js";
export type { DType, AnyTypedArray } from "./base/dtype.js";
export { float32, float64, int32, bool } from "./base/dtype.js";
export type { Shape } from "./base/shape.js";
export { Generator, manualSeed, defaultGenerator, seed, initialSeed, getRngState, setRngState } from "./base/rng.js";
export {
  TensorgradError, ShapeError, DTypeError, ValueError, IndexError, AutogradError, DataError, FormatError, DistributedError, DeviceError,
} from "./base/errors.js";

export {
  tensor, tensor as asTensor, tensor as asarray, tensor as fromNumpy, zeros, ones, full, arange, linspace, eye, rand, randn, randint, randperm,
  zerosLike, onesLike, fullLike, randLike, randnLike, randintLike, empty, emptyLike, emptyPermuted, emptyStrided, range, logspace,
  type CreateOptions, type RandomOptions, type NestedArray,
} from "./ops/creation.js";
export {
  add, sub, mul, div, pow, maximum, minimum, neg, abs, sign, exp, log, sqrt, rsqrt, sin, cos, tanh,
  sigmoid, relu, erf, floor, ceil, round, square, reciprocal, clamp, where, isnan,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, cast, type TensorLike,
  bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, bitwiseLeftShift, bitwiseRightShift,
} from "./ops/elementwise.js";
export { gelu, leakyRelu, elu, silu, softplus, logSigmoid, type GeluApproximate } from "./ops/composite/activations.js";
export { softmax, logSoftmax } from "./ops/composite/softmax.js";
export {
  sum, mean, prod, max, min, amax, amin, argmax, argmin, variance as var, std, logsumexp,
  type Dims, type ValuesIndices,
} from "./ops/reduce.js";
export { sort, argsort, topk, kthvalue, median, mode, aminmax } from "./ops/sorting.js";
export {
  reshape, view, flatten, unflatten, squeeze, unsqueeze, permute, transpose, t, expand, narrow,
  select, contiguous, clone, cat, stack, split, chunk, pad, repeat,
} from "./ops/movement.js";
export { index, indexPut, setIndex, slice, Slice, type IndexItem } from "./ops/advanced-index.js";
export { maskedSelect, maskedScatter, take, takeAlongDim, scatter, indexAdd, indexCopy, indexFill } from "./ops/composite/index-ops.js";
export { matmul, mm, bmm } from "./ops/matmul.js";
export { gather, scatterAdd, scatterReduce, indexSelect, maskedFill, oneHot, nonzero, argwhere, type ScatterReduction } from "./ops/indexing.js";
export { unfold, fold, type WindowOptions, type Pair } from "./ops/windows.js";
export {
  flip, fliplr, flipud, roll, rot90, tril, triu, diagonal, diagEmbed, diag, trace, movedim, moveaxis, swapaxes, swapdims,
  atleast1d, atleast2d, atleast3d, tile, broadcastTo, unbind, tensorSplit, hsplit, vsplit, dsplit, hstack, vstack, rowStack,
  dstack, columnStack, ravel, meshgrid, cartesianProd, repeatInterleave, kron,
} from "./ops/composite/arrange.js";
export { dot, outer, inner, mv, addmm, baddbmm, addbmm, addmv, addr, tensordot, einsum, type ScaleOptions } from "./ops/composite/products.js";
export { sign as sgn, clamp as clip, abs as absolute, neg as negative, mul as multiply, sub as subtract, div as divide, div as trueDivide, gt as greater, ge as greaterEqual, lt as less, le as lessEqual, ne as notEqual } from "./ops/elementwise.js";
export { cat as concat, cat as concatenate } from "./ops/movement.js";
export {
  trunc, fix, frac, fmod, remainder, floorDivide, lerp, addcmul, addcdiv, hypot, xlogy, heaviside, logaddexp, logaddexp2, exp2, sinh, cosh,
  deg2rad, rad2deg, clampMin, clampMax, nanToNum, isfinite, isinf, isposinf, isneginf, fmax, fmin, floatPower,
} from "./ops/composite/math.js";
export { erfc, erfinv, lgamma, digamma, polygamma, mvlgamma, i0, igamma, igammac } from "./ops/composite/special.js";
export { gcd, lcm, nextafter, frexp } from "./ops/composite/number-bits.js";
export { norm, dist, renorm, cdist } from "./ops/composite/norms.js";
export { cov, corrcoef, stdMean, varMean, histogram, histogramdd, type CovOptions, type HistogramOptions } from "./ops/composite/statistics.js";
export {
  selectScatter, sliceScatter, diagonalScatter, put, indexReduce, diagflat, blockDiag, combinations, broadcastTensors, vander,
  cross, vdot, trilIndices, triuIndices, unravelIndex, asStrided, asStridedScatter,
} from "./ops/composite/assemble.js";
export { hannWindow, hammingWindow, blackmanWindow, bartlettWindow, kaiserWindow, type WindowFunctionOptions } from "./ops/composite/signal-windows.js";
export { det, inv as inverse, slogdet, logdet } from "./ops/linalg/solve.js";
export { matrixPower } from "./ops/linalg/solve.js";
export { matrixExp, geqrf, ormqr } from "./ops/linalg/factorizations.js";
export { svd, pinverse, choleskySolve, choleskyInverse, triangularSolve, orgqr, luUnpack } from "./ops/linalg/torch-forms.js";
export { bernoulli, multinomial, normal, poisson, type SampleOptions } from "./ops/random.js";
export { numel, isTensor, isFloatingPoint, isNonzero, getDefaultDtype, positive, resultType, promoteTypes, canCast } from "./ops/tensor-info.js";
export {
  unique, uniqueConsecutive, searchsorted, bucketize, isin, bincount, histc, msort, nanmedian, quantile, nanquantile,
  type UniqueOptions, type UniqueResult, type QuantileInterpolation,
} from "./ops/composite/selection.js";
export {
  log1p, expm1, log2, log10, tan, atan, asin, acos, atan2, asinh, acosh, atanh, logit, sinc, copysign, signbit, ldexp,
  asin as arcsin, acos as arccos, atan as arctan, atan2 as arctan2, asinh as arcsinh, acosh as arccosh, atanh as arctanh,
} from "./ops/composite/transcendental.js";
export { gradient, cummax, cummin, cumsum, cumprod, logcumsumexp, diff, trapezoid, trapezoid as trapz, cumulativeTrapezoid } from "./ops/composite/scans.js";
export { all, any, countNonzero, nansum, nanmean, isclose, allclose, equal, type CloseOptions } from "./ops/composite/predicates.js";

export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./ops/grad-mode.js";
export { scope, keep } from "./base/scope.js";
export { grad, type BackwardOptions } from "./autograd/backward.js";
export * as autograd from "./autograd/public.js";
export * as func from "./func/index.js";
export { RemovableHandle, type GradHook } from "./base/hooks.js";

export {
  setBackend, getBackend, listBackends, readyBackends, registerBackend, loadBackend, backendByName, setNumThreads, getNumThreads, device, setDefaultDevice,
} from "./backend/registry.js";
export type { Backend, Storage, View } from "./backend/backend.js";
export { setFloat32MatmulPrecision, getFloat32MatmulPrecision, type MatmulPrecision } from "./base/matmul-precision.js";

export * as testing from "./testing.js";
export * as linalg from "./linalg/index.js";
export * as fft from "./fft/index.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as io from "./io/index.js";
export { save, load } from "./io/save-load.js";
export * as keras from "./keras/index.js";
export * as viz from "./viz/index.js";
export * as geometric from "./geometric/index.js";
export * as cluster from "./cluster/index.js";
export * as distributions from "./distributions/index.js";
export * as rl from "./rl/index.js";
export * as explain from "./explain/index.js";
export * as distributed from "./distributed/index.js";
export * as fairness from "./fairness/index.js";
export * as ssl from "./ssl/index.js";
export * as text from "./text/index.js";
export * as vision from "./vision/index.js";
export * as metrics from "./metrics/index.js";

// torch's root names for nn.functional's ops (torch.conv2d, torch.pixel_shuffle, torch.relu_, …).
export {
  conv1d, conv2d, conv3d, convTbc, nativeChannelShuffle, convTranspose1d, convTranspose2d, convTranspose3d, pixelShuffle, pixelUnshuffle, channelShuffle, prelu, hardshrink, bilinear,
  cosineSimilarity, pairwiseDistance, pdist, relu_, selu_, celu_, rrelu_, threshold_, avgPool1d, adaptiveAvgPool1d,
} from "./nn/functional/index.js";
