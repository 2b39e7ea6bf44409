/**
 * Indices and dtypes as PyTorch checks them: negative indices are errors where PyTorch raises
 * (embedding ids, gather/scatter/indexSelect indices, class targets), layers and losses refuse
 * integer inputs instead of computing, and edge values give PyTorch's float32 answers on every
 * backend.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { eachBackend, flat, onBackend } from "../helpers.js";

const { nn } = tg;
const F = nn.functional;
const i32 = (v: number[] | number[][]) => tg.tensor(v, { dtype: "int32" });

eachBackend((backend) => {
  describe(`strict indices and dtypes (${backend})`, () => {
    test("negative indices are errors where PyTorch raises, naming the op", () =>
      onBackend(backend, () => {
        const emb = new nn.Embedding(10, 4);
        assert.throws(() => emb.forward(i32([3, -1])), (e: Error) => e instanceof tg.IndexError && /embedding: index -1 is out of bounds/.test(e.message));
        assert.throws(() => emb.forward(i32([10])), tg.IndexError);
        const x = tg.tensor([[1, 2, 3], [4, 5, 6]]);
        assert.throws(() => tg.gather(x, 1, i32([[-1]])), /gather: index -1 is out of bounds for dimension 1 with size 3/);
        assert.throws(() => x.scatterAdd(1, i32([[0, -3]]), tg.ones([1, 2])), /scatterAdd: index -3/);
        assert.throws(() => x.indexSelect(0, i32([-2])), /indexSelect: index -2/);
        assert.throws(() => F.crossEntropy(tg.randn([2, 3]), i32([0, -1])), /target -1 is out of bounds for 3 classes/);
        assert.doesNotThrow(() => F.crossEntropy(tg.randn([2, 3]), i32([0, -100]))); // the ignore index
        // Where PyTorch allows negatives they still count from the end.
        assert.deepEqual(x.select(1, -1).tolist(), [3, 6]);
        assert.deepEqual(x.narrow(-1, -2, 2).tolist(), [[2, 3], [5, 6]]);
        assert.deepEqual(x.sum(-1).tolist(), [6, 15]);
      }));

    test("layers and losses check their input dtypes", () =>
      onBackend(backend, () => {
        const lin = new nn.Linear(3, 2);
        assert.throws(() => lin.forward(i32([[1, 2, 3]])), (e: Error) => e instanceof tg.DTypeError && /linear: input of dtype int32 .* weight's float32.*\.float\(\)/.test(e.message));
        assert.throws(() => lin.forward(tg.ones([1, 3], { dtype: "float64" })), /to\("float32"\)/);
        assert.doesNotThrow(() => lin.double().forward(tg.ones([1, 3], { dtype: "float64" })));
        assert.equal(lin.weight.dtype, "float64");
        assert.throws(() => new nn.Conv2d(1, 2, 3).forward(tg.arange(9, undefined, 1, { dtype: "int32" }).reshape(1, 1, 3, 3)), /conv2d: input of dtype int32/);
        assert.throws(() => F.crossEntropy(i32([[1, 2, 3]]), i32([0])), (e: Error) => e instanceof tg.DTypeError && /crossEntropy: input must be floating point/.test(e.message));
        assert.throws(() => F.nllLoss(i32([[1, 2, 3]]), i32([0])), /nllLoss: input must be floating point/);
        assert.throws(() => F.mseLoss(i32([1, 2]), i32([1, 3])), /mseLoss: input must be floating point/);
        assert.doesNotThrow(() => F.mseLoss(tg.tensor([1, 2]), i32([1, 3]))); // one floating operand: PyTorch promotes
        assert.throws(() => F.binaryCrossEntropy(tg.tensor([0.5]), i32([1])), /binaryCrossEntropy: target must be floating point/);
        assert.throws(() => F.binaryCrossEntropyWithLogits(tg.tensor([0.5]), i32([1])), /target must be floating point/);
        assert.throws(() => F.layerNorm(i32([[1, 2, 3]]), [3]), /layerNorm: input must be floating point/);
        assert.throws(() => new nn.BatchNorm1d(3).forward(i32([[1, 2, 3], [4, 5, 6]])), /batchNorm: input must be floating point/);
      }));

    test("losses reject what PyTorch rejects, saying what to pass", () =>
      onBackend(backend, () => {
        assert.throws(() => F.binaryCrossEntropy(tg.tensor([0.2, 1.5]), tg.tensor([0, 1])), (e: Error) => e instanceof tg.ValueError && /probabilities in \[0, 1\], found 1\.5; apply sigmoid first/.test(e.message));
        assert.throws(() => F.binaryCrossEntropy(tg.tensor([-0.1, 0.5]), tg.tensor([0, 1])), /found -0\.1/);
        assert.throws(() => F.crossEntropy(tg.randn([4, 3]), tg.tensor([0, 1, 2, 0])), (e: Error) => e instanceof tg.DTypeError && /class indices must be int32 \(got float32\); use \.int\(\) or pass probabilities of shape \[4, 3\]/.test(e.message));
        assert.throws(() => F.crossEntropy(tg.randn([2, 3]), i32([[1, 0, 0], [0, 0, 1]])), (e: Error) => e instanceof tg.ShapeError && /looks one-hot.*argmax\(1\)/.test(e.message));
        assert.throws(() => tg.keras.losses.sparseCategoricalCrossentropy()(i32([[1, 0, 0]]), tg.tensor([[0.5, 0.3, 0.2]])), /look one-hot.*categorical_crossentropy/);
        assert.doesNotThrow(() => F.crossEntropy(tg.randn([2, 3]), tg.tensor([[1, 0, 0], [0, 0, 1]]))); // probabilities
      }));

    test("edge values as PyTorch computes them in float32", () =>
      onBackend(backend, () => {
        // A certain-wrong class costs +∞ (not NaN); an ignored row costs 0 even at −∞.
        assert.equal(F.crossEntropy(tg.tensor([[-Infinity, 0, 0]]), i32([0])).item(), Infinity);
        assert.equal(F.crossEntropy(tg.tensor([[-Infinity, 0, 0], [0, 1, 2]]), i32([0, -100])).item(), Infinity);
        assert.deepEqual(flat(F.crossEntropy(tg.tensor([[-Infinity, 0, 0], [0, 1, 2]]), i32([-100, 2]), { reduction: "none" })).map((v) => +v.toFixed(4)), [0, 0.4076]);
        // A variance past float32's range: PyTorch's float32 layer_norm gives zeros.
        assert.deepEqual(flat(F.layerNorm(tg.tensor([[1e30, -1e30, 0]]), [3])).map(Math.abs), [0, 0, 0]);
      }));
  });
});
