/**
 * Float64 finite-difference gradchecks for every differentiable op, with broadcast operands and
 * non-contiguous (transposed, sliced) inputs.
 */
import { describe, test } from "node:test";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

tg.manualSeed(1234);
const d = (shape: number[]) => tg.randn(shape, { dtype: "float64" }).requiresGrad_();
const positive = (shape: number[]) => tg.rand(shape, { dtype: "float64" }).add(0.5).detach().requiresGrad_();
/** A transposed (non-contiguous) leaf of the given final shape. */
const transposed = (shape: [number, number]) => tg.randn([shape[1], shape[0]], { dtype: "float64" }).t().detach().requiresGrad_();
/** A strided slice (every other column) leaf. */
const strided = (rows: number, cols: number) =>
  tg.randn([rows, cols * 2], { dtype: "float64" }).slice(1, 0, null, 2).detach().requiresGrad_();
const index = (data: number[][] | number[]) => tg.tensor(data as number[], { dtype: "int32" });

type Case = [string, (...xs: Tensor[]) => Tensor | Tensor[], () => Tensor[]];

const CASES: Case[] = [
  // unary (on non-contiguous inputs too)
  ["neg", (x) => x.neg(), () => [transposed([3, 4])]],
  ["abs", (x) => x.abs(), () => [d([3, 4])]],
  ["exp", (x) => x.exp(), () => [strided(3, 3)]],
  ["log", (x) => x.log(), () => [positive([3, 4])]],
  ["sqrt", (x) => x.sqrt(), () => [positive([3, 4])]],
  ["rsqrt", (x) => x.rsqrt(), () => [positive([3, 4])]],
  ["sin", (x) => x.sin(), () => [transposed([2, 5])]],
  ["cos", (x) => x.cos(), () => [d([3, 4])]],
  ["tanh", (x) => x.tanh(), () => [d([3, 4])]],
  ["sigmoid", (x) => x.sigmoid(), () => [strided(2, 4)]],
  ["relu", (x) => x.relu(), () => [d([3, 4])]],
  ["erf", (x) => x.erf(), () => [d([3, 4])]],
  ["gelu", (x) => x.gelu(), () => [d([3, 4])]],
  ["gelu tanh", (x) => x.gelu("tanh"), () => [d([3, 4])]],
  ["leakyRelu", (x) => tg.leakyRelu(x, 0.2), () => [d([3, 4])]],
  ["elu", (x) => tg.elu(x), () => [d([3, 4])]],
  ["silu", (x) => tg.silu(x), () => [d([3, 4])]],
  // Scaled away from the kinks at ±3 and 0/6, where the one-sided derivatives differ.
  ["relu6", (x) => tg.nn.functional.relu6(x), () => [tg.tensor([[-1.2, 0.4, 2.5], [5.1, 6.8, 3.3]], { dtype: "float64" }).requiresGrad_()]],
  ["hardsigmoid", (x) => tg.nn.functional.hardsigmoid(x), () => [tg.tensor([[-4.2, -1.1, 0.3], [2.2, 3.6, 1.7]], { dtype: "float64" }).requiresGrad_()]],
  ["hardswish", (x) => tg.nn.functional.hardswish(x), () => [tg.tensor([[-4.2, -1.1, 0.3], [2.2, 3.6, 1.7]], { dtype: "float64" }).requiresGrad_()]],
  ["softplus", (x) => tg.softplus(x, 2), () => [d([3, 4])]],
  ["logSigmoid", (x) => tg.logSigmoid(x), () => [d([3, 4])]],
  ["square", (x) => x.square(), () => [d([3, 4])]],
  ["reciprocal", (x) => x.reciprocal(), () => [positive([3, 4])]],
  ["clamp", (x) => x.clamp(-0.5, 0.5), () => [d([3, 4])]],
  ["floor (zero gradient)", (x) => x.floor().add(x), () => [d([3, 4])]],
  // binary with broadcasting and non-contiguous operands
  ["add broadcast", (a, b) => a.add(b!), () => [d([3, 4]), d([4])]],
  ["sub broadcast both", (a, b) => a.sub(b!), () => [d([2, 1, 4]), d([3, 1])]],
  ["mul transposed", (a, b) => a.mul(b!), () => [transposed([3, 4]), d([3, 1])]],
  ["div", (a, b) => a.div(b!), () => [d([3, 4]), positive([4])]],
  ["pow", (a, b) => a.pow(b!), () => [positive([3, 4]), d([3, 4])]],
  ["pow scalar", (a) => a.pow(3), () => [d([3, 4])]],
  ["maximum", (a, b) => tg.maximum(a, b!), () => [d([3, 4]), d([4])]],
  ["minimum", (a, b) => tg.minimum(a, b!), () => [d([3, 4]), strided(3, 4)]],
  ["where", (a, b) => tg.where(a.gt(0), a, b!), () => [d([3, 4]), d([1, 4])]],
  // reductions
  ["sum dims keepdim", (x) => x.sum([0, 2], true), () => [d([2, 3, 4])]],
  ["mean", (x) => x.mean(1), () => [transposed([3, 4])]],
  ["prod with zero", (x) => x.prod(1), () => [tg.tensor([[1.5, 0, -2], [0.5, 2, 3]], { dtype: "float64", requiresGrad: true })]],
  ["amax", (x) => x.amax(1), () => [d([3, 4])]],
  ["max dim values", (x) => x.max(1).values, () => [d([3, 4])]],
  ["min all", (x) => x.min(), () => [d([3, 4])]],
  ["var", (x) => x.var(1), () => [d([3, 5])]],
  ["std", (x) => x.std(0, false, true), () => [d([3, 5])]],
  ["logsumexp", (x) => x.logsumexp([0, 1]), () => [d([3, 5])]],
  ["softmax", (x) => x.softmax(1), () => [strided(3, 4)]],
  ["logSoftmax", (x) => x.logSoftmax(0), () => [d([3, 4])]],
  // movement
  ["reshape of transposed", (x) => x.reshape(2, 6), () => [transposed([3, 4])]],
  ["permute", (x) => x.permute(2, 0, 1), () => [d([2, 3, 4])]],
  ["expand", (x) => x.expand(3, 2, 4), () => [d([2, 1])]],
  ["narrow", (x) => x.narrow(1, 1, 2), () => [d([3, 4])]],
  ["slice step", (x) => x.slice(1, 1, null, 3), () => [d([2, 8])]],
  ["select", (x) => x.select(0, -1), () => [d([3, 4])]],
  ["cat", (a, b) => tg.cat([a, b!], 0), () => [d([2, 3]), transposed([1, 3])]],
  ["stack", (a, b) => tg.stack([a, b!], 2), () => [d([2, 3]), d([2, 3])]],
  ["split", (x) => x.split([1, 3], 1), () => [d([2, 4])]],
  ["chunk", (x) => x.chunk(2, 0), () => [d([3, 2])]],
  ["pad", (x) => tg.pad(x, [1, 2, 2, 0], 1), () => [d([2, 3])]],
  ["repeat", (x) => x.repeat(2, 3), () => [d([2, 2])]],
  ["squeeze/unsqueeze", (x) => x.squeeze().unsqueeze(1), () => [d([3, 1, 2])]],
  ["clone", (x) => x.clone(), () => [transposed([2, 3])]],
  // products
  ["matmul 2d", (a, b) => a.matmul(b!), () => [d([3, 4]), d([4, 2])]],
  ["matmul transposed operands", (a, b) => a.matmul(b!), () => [transposed([3, 4]), transposed([4, 2])]],
  ["matmul batched broadcast", (a, b) => a.matmul(b!), () => [d([2, 1, 3, 4]), d([3, 4, 2])]],
  ["matmul folded batch", (a, b) => a.matmul(b!), () => [d([2, 3, 4]), d([4, 2])]],
  ["matmul vectors", (a, b) => a.matmul(b!), () => [d([4]), d([4])]],
  ["matmul vector·matrix", (a, b) => a.matmul(b!), () => [d([4]), d([2, 4, 3])]],
  // indexing
  ["gather", (x, i) => x.gather(1, i!), () => [d([3, 4]), index([[0, 3], [1, 1], [2, 0]])]],
  ["scatterAdd", (x, i, s) => x.scatterAdd(0, i!, s!), () => [d([3, 2]), index([[0, 1], [0, 2]]), d([2, 2])]],
  ...(["sum", "mean", "amax", "amin", "prod"] as const).flatMap((reduce): Case[] => [
    [`scatterReduce ${reduce}`, (x, i, s) => x.scatterReduce(0, i!, s!, reduce), () => [d([4, 2]), index([[0, 1], [0, 2], [0, 1]]), d([3, 2])]],
    [`scatterReduce ${reduce} includeSelf false`, (x, i, s) => x.scatterReduce(1, i!, s!, reduce, { includeSelf: false }), () => [d([2, 4]), index([[0, 0, 3], [1, 2, 1]]), d([2, 3])]],
  ]),
  // A zero among the multiplied values, one position with two: the prod rule's special cases.
  ["scatterReduce prod with zeros", (x, i, s) => x.scatterReduce(0, i!, s!.mul(tg.tensor([[1, 0], [0, 1], [1, 0]], { dtype: "float64" })), "prod"), () => [d([3, 2]), index([[0, 1], [0, 1], [2, 1]]), d([3, 2])]],
  ["indexSelect", (x, i) => x.indexSelect(0, i!), () => [d([5, 3]), index([4, 0, 4])]],
  ["maskedFill", (x) => x.maskedFill(x.gt(0), 2), () => [d([3, 4])]],
  // sliding windows
  ["unfold", (x) => tg.unfold(x, [2, 2], { padding: 1, stride: [2, 1], dilation: [1, 2] }), () => [d([1, 2, 4, 5])]],
  ["fold", (x) => tg.fold(x, [3, 4], 2, { padding: [0, 1] }), () => [d([1, 8, 10])]],
  // rearranging (ops/composite/arrange.ts), on non-contiguous inputs where it matters
  ["flip", (x) => x.flip([0, 1]), () => [transposed([3, 4])]],
  ["roll", (x) => x.roll([2, -1], [1, 0]), () => [strided(3, 4)]],
  ["rot90", (x) => x.rot90(3), () => [d([2, 3])]],
  ["tril and triu", (x) => x.tril(1).add(x.triu(-1)), () => [transposed([4, 3])]],
  ["diagonal", (x) => x.diagonal(-1, 1, 2), () => [d([2, 4, 3])]],
  ["diagEmbed", (x) => x.diagEmbed(-1, 0, 2), () => [d([2, 3])]],
  ["trace", (x) => x.trace(), () => [d([3, 4])]],
  ["movedim and tile", (x) => x.movedim(0, -1).tile([2, 1, 2]), () => [d([2, 3, 2])]],
  ["tensorSplit and unbind", (x) => tg.stack([...x.tensorSplit([1, 3], 1).map((p) => p.sum(-1)), ...x.unbind(1)], 0), () => [d([2, 4])]],
  ["hstack, vstack, dstack, columnStack", (a, b) => [tg.hstack([a, b!]), tg.vstack([a, b!]), tg.dstack([a, b!]), tg.columnStack([a, b!])], () => [d([2, 3]), d([2, 3])]],
  ["meshgrid and cartesianProd", (a, b) => [...tg.meshgrid([a, b!]), tg.cartesianProd(a, b!)], () => [d([3]), d([2])]],
  ["repeatInterleave", (x) => x.repeatInterleave(index([1, 0, 3]), 1), () => [d([2, 3])]],
  ["kron", (a, b) => a.kron(b!), () => [d([2, 2]), d([3, 1])]],
  // products (ops/composite/products.ts)
  ["dot, inner, outer, mv", (a, b, m) => [a.dot(b!), a.inner(b!), a.outer(b!), m!.mv(a)], () => [d([3]), d([3]), d([2, 3])]],
  ["addmm family", (i, a, b) => [tg.addmm(i, a!, b!, { beta: 0.5, alpha: 2 }), tg.addmv(i.select(0, 0), a!, b!.select(1, 0)), tg.addr(i, a!.select(1, 0), b!.select(0, 0), { alpha: -1 })], () => [d([2, 2]), d([2, 3]), d([3, 2])]],
  ["baddbmm and addbmm", (i, a, b) => [tg.baddbmm(i, a!, b!, { beta: 2 }), tg.addbmm(i.select(0, 0), a!, b!, { alpha: 0.5 })], () => [d([2, 3, 2]), d([2, 3, 4]), d([2, 4, 2])]],
  ["tensordot", (a, b) => tg.tensordot(a, b!, [[0, 2], [1, 0]]), () => [d([3, 2, 4]), d([4, 3, 2])]],
  ["einsum (batch, contraction, diagonal, ellipsis, three operands)", (a, b, c) => [
    tg.einsum("bij,bjk->bik", a, b!),
    tg.einsum("ii->i", c!),
    tg.einsum("...j,jk", a, b!.select(0, 0)),
    tg.einsum("bij,bjk,kl->bil", a, b!, c!),
  ], () => [d([2, 3, 3]), d([2, 3, 3]), d([3, 3])]],
  // elementwise maths (ops/composite/math.ts), away from the jumps of trunc, fmod and remainder
  ["frac, fmod, remainder", (a, b) => [a.frac(), a.fmod(b!), a.remainder(b!)], () => [tg.tensor([[2.3, -1.7, 4.6], [-3.2, 0.45, 5.9]], { dtype: "float64" }).requiresGrad_(), tg.tensor([1.5, 0.7, 2.1], { dtype: "float64" }).requiresGrad_()]],
  ["lerp (tensor weight, both sides of 0.5)", (a, b, w) => a.lerp(b!, w!), () => [d([2, 3]), d([2, 3]), tg.tensor([[0.1, 0.4, 0.6], [0.9, 0.3, 0.7]], { dtype: "float64" }).requiresGrad_()]],
  ["addcmul and addcdiv", (i, a, b) => [i.addcmul(a!, b!, 0.5), i.addcdiv(a!, b!, -2)], () => [d([2, 3]), d([2, 3]), positive([3])]],
  ["hypot, logaddexp, logaddexp2", (a, b) => [a.hypot(b!), a.logaddexp(b!), a.logaddexp2(b!)], () => [d([2, 3]), d([3])]],
  ["xlogy (x = 0 included)", (x, y) => x.xlogy(y!), () => [tg.tensor([[0, 1.5], [-2, 0]], { dtype: "float64" }).requiresGrad_(), positive([2, 2])]],
  ["exp2, sinh, cosh (sinh's series near 0)", (x) => [x.exp2(), x.sinh(), x.cosh()], () => [tg.tensor([[1e-3, -5e-3, 0.5], [-2, 3, 0.009]], { dtype: "float64" }).requiresGrad_()]],
  ["nanToNum, nansum, nanmean", (x) => [x.nanToNum({ nan: 0.5 }), x.nansum(1), x.nanmean(0)], () => [tg.tensor([[1, NaN, -2], [3, 0.5, NaN]], { dtype: "float64" }).requiresGrad_()]],
  // scans (ops/composite/scans.ts)
  ["cumsum, cumprod, logcumsumexp", (x) => [x.cumsum(1), x.cumprod(1), x.logcumsumexp(0)], () => [strided(3, 5)]],
  ["diff and trapezoids", (y, p) => [y.diff(2, 1, { prepend: p! }), tg.trapezoid(y, { dx: 0.5 }), tg.cumulativeTrapezoid(y, { x: tg.tensor([0, 1, 3, 3.5], { dtype: "float64" }) })], () => [d([2, 4]), d([2, 1])]],
  // indexing (ops/advanced-index.ts): duplicates' gradients add; replaced positions pass none to x
  ["index (slices, a mask, broadcast tensors with duplicates)", (x) => [x.index("1:", tg.slice(null, null, 2)), x.index(x.gt(0.2).detach()), x.index(index([[0, 1], [1, 1]]), index([2, 2]))], () => [d([3, 4])]],
  ["indexPut (replace and accumulate)", (x, v) => [tg.indexPut(x, [index([2, 0])], v!), tg.indexPut(x, [index([1, 1])], v!, true)], () => [d([3, 2]), d([2, 2])]],
  ["maskedSelect, maskedScatter, take, takeAlongDim", (x, s) => [x.maskedSelect(x.gt(0).detach()), x.maskedScatter(x.gt(0).detach(), s!), x.take(index([[0, 5], [5, 2]])), x.takeAlongDim(index([[1], [0]]), 1)], () => [d([2, 3]), d([6])]],
  ["scatter, indexAdd, indexCopy, indexFill", (x, s) => [x.scatter(0, index([[1, 0, 1]]), s!), x.indexAdd(1, index([2, 0, 2]), s!.t().narrow(1, 0, 3).t().narrow(0, 0, 2), -1), x.indexCopy(0, index([1]), s!.narrow(0, 0, 1)), x.indexFill(1, index([0]), 2)], () => [d([2, 3]), d([3, 3])]],
  ["msort, nanmedian, quantile (linear, q tensor), nanquantile", (x) => [x.msort(), (x.nanmedian(1) as tg.ValuesIndices).values, x.quantile(tg.tensor([0.2, 0.7], { dtype: "float64" }), 1), x.nanquantile(0.5, 0)], () => [d([3, 4])]],
  // transcendental functions (ops/composite/transcendental.ts), inside their domains
  ["log1p, expm1, log2, log10, tan, atan", (x) => [x.log1p(), x.expm1(), x.log2(), x.log10(), x.tan(), x.atan()], () => [positive([3, 4])]],
  ["asin, acos, asinh, atanh, acosh, atan2, logit, sinc", (u, y) => [u.asin(), u.acos(), u.asinh(), u.atanh(), u.abs().add(1.5).acosh(), tg.atan2(y!, u), u.abs().logit(), tg.sinc(y!)], () => [tg.rand([2, 3], { dtype: "float64" }).mul(1.6).sub(0.8).detach().requiresGrad_(), d([2, 3])]],
  // special functions (ops/composite/special.ts), including lgamma/digamma's reflection below ½
  ["erfc, erfinv, i0", (x) => [x.erfc(), x.mul(0.9).erfinv(), x.mul(20).i0()], () => [tg.rand([2, 3], { dtype: "float64" }).mul(1.8).sub(0.9).detach().requiresGrad_()]],
  ["lgamma, digamma, polygamma, mvlgamma", (x) => [x.lgamma(), x.digamma(), x.polygamma(2), x.abs().add(1.2).mvlgamma(2)], () => [tg.tensor([[0.3, 2.5, -0.4], [7.5, -1.7, 11]], { dtype: "float64" }).requiresGrad_()]],
  ["lgamma's second derivative is digamma's first", (x) => tg.enableGrad(() => tg.grad(x.lgamma().sum(), [x], { createGraph: true })[0]!), () => [positive([4])]],
  // norms, distances, statistics (ops/composite/norms.ts, statistics.ts), with a zero vector
  ["vectorNorm (2, 3, ∞), matrixNorm (fro, 1), dist, renorm", (x) => [tg.linalg.vectorNorm(x, 2, { dim: 1 }), tg.linalg.vectorNorm(x, 3), tg.linalg.vectorNorm(x, Infinity, { dim: 0 }), tg.linalg.matrixNorm(x), tg.linalg.matrixNorm(x, 1), tg.dist(x, tg.tensor([0.3, -0.2, 0.9], { dtype: "float64" }), 1.5), x.renorm(2, 0, 0.8)], () => [tg.tensor([[0.4, -0.1, 0.25], [1.5, -2, 0.3], [0.7, 0.2, -1.1]], { dtype: "float64" }).requiresGrad_()]],
  ["cdist (direct and matmul forms), cov, corrcoef", (a, b) => [tg.cdist(a, b!), tg.cdist(a, b!, 1), tg.cdist(a.repeat([9, 1]).add(tg.arange(27, undefined, 1, { dtype: "float64" }).reshape([27, 1])), b!), a.cov(), a.corrcoef()], () => [d([3, 4]), d([2, 4])]],
  ["cummax, cummin (values gathered from the running indices)", (x) => [x.cummax(1).values, x.cummin(0).values], () => [d([3, 4])]],
  // assembling (ops/composite/assemble.ts)
  ["selectScatter, sliceScatter, diagonalScatter, put, indexReduce", (x, s) => [x.selectScatter(s!.select(0, 0).narrow(0, 0, 3), 1, 0), x.sliceScatter(s!.narrow(0, 0, 3).narrow(1, 0, 2), 1, 0, 4, 2), x.diagonalScatter(s!.select(0, 1).narrow(0, 0, 3)), x.put(index([0, 5, 0]), s!.select(0, 2).narrow(0, 0, 3), true), x.indexReduce(0, index([2, 0, 2]), s!.narrow(1, 0, 4), "prod")], () => [d([3, 4]), d([3, 4])]],
  ["blockDiag, combinations, vander, cross, diagflat, unfold", (a, b) => [tg.blockDiag(a, b!), tg.combinations(b!.select(0, 0), 2), tg.vander(b!.select(0, 1), 3), tg.linalg.cross(b!, b!.flip(1)), a.diagflat(1), b!.unfold(1, 2, 1)], () => [d([2, 2]), d([2, 3])]],
  // linear algebra (ops/linalg/): Gauss–Jordan with pivoting, Cholesky
  ["inv, det, slogdet, solve (batched)", (a, b) => [tg.linalg.inv(a), tg.linalg.det(a), tg.linalg.slogdet(a).logabsdet, tg.linalg.solve(a, b!)], () => [tg.randn([2, 3, 3], { dtype: "float64" }).add(tg.eye(3, 3, { dtype: "float64" }).mul(2)).detach().requiresGrad_(), d([2, 3, 2])]],
  ["cholesky (of a symmetric positive-definite input), matrixPower, multiDot", (a, b) => [tg.linalg.cholesky(a.matmul(a.t()).add(tg.eye(3, 3, { dtype: "float64" }))), tg.linalg.matrixPower(a.add(tg.eye(3, 3, { dtype: "float64" }).mul(3)), -2), tg.linalg.multiDot([a, b!, b!.t()])], () => [d([3, 3]), d([3, 4])]],
  ["qr (reduced, complete), luFactor, lu, solveTriangular, householderProduct, matrixExp", (a, b) => [...tg.linalg.qr(a), ...tg.linalg.qr(a.t(), { mode: "complete" }), tg.linalg.luFactor(a.narrow(0, 0, 3)).LU, ...tg.linalg.lu(a.narrow(0, 0, 3)), tg.linalg.solveTriangular(a.narrow(0, 0, 3).triu().add(tg.eye(3, 3, { dtype: "float64" }).mul(2)), b!, { upper: true }), tg.linalg.householderProduct(a, b!.select(1, 0).narrow(0, 0, 2)), tg.linalg.matrixExp(a.narrow(0, 0, 3).mul(0.7))], () => [d([4, 3]), d([3, 2])]],
  ["asStrided (overlapping reads add their gradients), asStridedScatter", (x, s) => [tg.asStrided(x, [3, 4], [2, 1], 1), tg.asStridedScatter(x, s!, [2, 2], [3, 1], 2)], () => [d([12]), d([2, 2])]],
  ["geqrf, ormqr (differentiable here; PyTorch has no derivative for them)", (a, c) => {
    const [packed, tau] = tg.geqrf(a);
    return [packed, tau, tg.ormqr(packed, tau, c!), tg.ormqr(packed, tau, c!.t(), { left: false, transpose: true })];
  }, () => [d([4, 3]), d([4, 2])]],
  ["eigh, svd (sign-invariant functions), svdvals, pinv, matrixNorm nuc", (x, a) => {
    const [l, v] = tg.linalg.eigh(x.add(x.t()));
    const { U, S, Vh } = tg.linalg.svd(a, { fullMatrices: false });
    return [l, v.matmul(tg.diagEmbed(l.exp())).matmul(v.t()), U.matmul(tg.diag(S.sqrt())).matmul(Vh), tg.linalg.svdvals(a.t()), tg.linalg.pinv(a), tg.linalg.matrixNorm(a, "nuc")];
  }, () => [d([3, 3]), d([4, 3])]],
];

describe("gradcheck (float64 central differences)", () => {
  for (const [name, fn, inputs] of CASES) {
    test(name, () => {
      tg.testing.gradcheck(fn, inputs());
    });
  }

  test("second order: d²/dx² of x³ through createGraph", () => {
    const firstDerivative = (x: Tensor) =>
      // The numeric pass runs under noGrad; the inner gradient needs the graph regardless.
      tg.enableGrad(() => tg.grad(x.pow(3).sum(), [x], { createGraph: true })[0]!);
    tg.testing.gradcheck(firstDerivative, [d([4])]);
  });
});
