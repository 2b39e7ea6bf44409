/**
 * The attribution axioms as tests: completeness (IG, DeepLift, KernelShap), sensitivity and
 * implementation invariance (IG), SHAP values of linear models, attention rollout's rows.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { nn, explain } = tg;

function seededMlp(seed: number) {
  tg.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(5, 8), new nn.ReLU(), new nn.Linear(8, 6), new nn.Sigmoid(), new nn.Linear(6, 3)).double().eval();
}

const maxAbs = (t: tg.Tensor) => Math.max(...Array.from(t.dataSync(), (v) => Math.abs(Number(v))));

describe("integrated gradients", () => {
  const model = seededMlp(1);
  tg.manualSeed(2);
  const x = tg.randn([4, 5], { dtype: "float64" });
  const ig = new explain.IntegratedGradients(model);

  test("completeness: the convergence delta shrinks toward 0 as nSteps grows (10 / 50 / 300)", () => {
    for (const method of ["riemann_trapezoid", "gausslegendre"] as const) {
      const deltas = [10, 50, 300].map((nSteps) => maxAbs(ig.attribute(x, { target: 1, nSteps, method, returnConvergenceDelta: true })[1]));
      assert.ok(deltas[1]! < deltas[0]! && deltas[2]! <= deltas[1]! + 1e-12, `${method}: ${deltas.join(", ")}`);
      assert.ok(deltas[2]! < 1e-4, `${method} at 300 steps: ${deltas[2]}`);
    }
  });

  test("sensitivity: a feature that differs from the baseline and changes the output gets non-zero credit", () => {
    // F depends on x0 only through a ReLU that is flat at the baseline: the gradient at x is still
    // informative along the path, so IG credits x0 with F(x) − F(0) (gradients alone can miss it).
    const f: tg.explain.ForwardFunc = (input) => input.narrow(1, 0, 1).sub(1).relu().neg().add(1).reshape([-1]);
    const input = tg.tensor([[2, 0]], { dtype: "float64" });
    const attr = new explain.IntegratedGradients(f).attribute(input, { nSteps: 200, method: "riemann_middle" });
    assertClose(attr, [-1, 0], { atol: 1e-2 });
    assertClose(new explain.Saliency(f).attribute(tg.tensor([[0.5, 0]], { dtype: "float64" })), [0, 0]);
  });

  test("implementation invariance: functionally equal networks get equal attributions", () => {
    const other = seededMlp(1);
    // Permute the hidden units of the first layer (and the second layer's columns to match).
    const perm = tg.tensor([3, 0, 7, 1, 6, 2, 5, 4], { dtype: "int32" });
    tg.noGrad(() => {
      const l1 = other.getSubmodule("0") as tg.nn.Linear;
      const l2 = other.getSubmodule("2") as tg.nn.Linear;
      l1.weight.copy_(l1.weight.indexSelect(0, perm).contiguous());
      l1.bias!.copy_(l1.bias!.indexSelect(0, perm).contiguous());
      l2.weight.copy_(l2.weight.indexSelect(1, perm).contiguous());
    });
    assertClose(other.forward(x), model.forward(x), { atol: 1e-12 });
    assertClose(new explain.IntegratedGradients(other).attribute(x, { target: 2 }), ig.attribute(x, { target: 2 }), { atol: 1e-12 });
  });

  test("multiplyByInputs = false gives the path-averaged gradient", () => {
    const plain = new explain.IntegratedGradients(model, false).attribute(x, { target: 0 });
    assertClose(plain.mul(x), ig.attribute(x, { target: 0 }), { atol: 1e-12 });
  });
});

describe("DeepLift", () => {
  test("summation-to-delta on a CNN with ReLU modules, and on an MLP with sigmoid", () => {
    tg.manualSeed(3);
    const cnn = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.ReLU(), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(144, 5), new nn.Tanh(), new nn.Linear(5, 2)).double().eval();
    const x = tg.randn([3, 2, 14, 14], { dtype: "float64" });
    const [, delta] = new explain.DeepLift(cnn).attribute(x, { target: [0, 1, 1], baselines: 0.1, returnConvergenceDelta: true });
    assert.ok(maxAbs(delta) < 1e-10, `delta ${maxAbs(delta)}`);
    const mlp = seededMlp(4);
    const [, d2] = new explain.DeepLift(mlp).attribute(tg.randn([5, 5], { dtype: "float64" }), { target: 2, returnConvergenceDelta: true });
    assert.ok(maxAbs(d2) < 1e-10, `delta ${maxAbs(d2)}`);
  });
});

describe("sampling methods", () => {
  test("KernelShap and GradientShap recover a linear model's SHAP values w·(x − b)", () => {
    const w = tg.tensor([[2], [-1], [0.5], [3]], { dtype: "float64" });
    const f: tg.explain.ForwardFunc = (input) => input.matmul(w).reshape([-1]).add(0.7);
    const x = tg.tensor([[1, 2, -1, 0.5]], { dtype: "float64" });
    const base = tg.tensor([[0.5, 0, 0, 1]], { dtype: "float64" });
    const shap = tg.tensor([[1, -2, -0.5, -1.5]], { dtype: "float64" });
    tg.manualSeed(5);
    assertClose(new explain.KernelShap(f).attribute(x, { baselines: base, nSamples: 40 }), shap, { atol: 1e-6 });
    assertClose(new explain.GradientShap(f).attribute(x, { baselines: base, nSamples: 20 }), shap, { atol: 1e-9 });
  });

  test("KernelShap's coefficients sum to F(x) − F(baseline) on a nonlinear model; Lime ranks the strong feature first", () => {
    const f: tg.explain.ForwardFunc = (input) => input.narrow(1, 0, 1).mul(input.narrow(1, 1, 1)).add(input.narrow(1, 2, 1).mul(4)).reshape([-1]);
    const x = tg.tensor([[1, 2, 1]], { dtype: "float64" });
    tg.manualSeed(6);
    const attr = new explain.KernelShap(f).attribute(x, { nSamples: 60 });
    assertClose(attr.sum(), [f(x).item() as number - (f(tg.zerosLike(x)).item() as number)], { atol: 1e-4 });
    const lime = Array.from(new explain.Lime(f).attribute(x, { nSamples: 200 }).dataSync(), Number);
    assert.ok(lime[2]! > lime[0]! && lime[2]! > lime[1]!, `lime ${lime}`);
  });

  test("NoiseTunnel: stdevs 0 reproduces the method; vargrad of a linear model's saliency is 0", () => {
    const model = seededMlp(7);
    const x = tg.randn([2, 5], { dtype: "float64" });
    const sal = new explain.Saliency(model);
    assertClose(new explain.NoiseTunnel(sal).attribute(x, { target: 1, stdevs: 0, ntSamples: 3 }), sal.attribute(x, { target: 1 }), { atol: 1e-12 });
    const linear = new nn.Linear(5, 2).double();
    assertClose(new explain.NoiseTunnel(new explain.Saliency(linear)).attribute(x, { target: 0, ntType: "vargrad", ntSamples: 4 }), tg.zeros([2, 5]), { atol: 1e-12 });
  });
});

describe("layers and attention", () => {
  test("LayerIntegratedGradients on an embedding: token scores sum to F(x) − F(padding)", () => {
    tg.manualSeed(8);
    class Classifier extends nn.Module<[tg.Tensor], tg.Tensor> {
      embedding = new nn.Embedding(20, 6);
      lstm = new nn.LSTM(6, 5, { batchFirst: true });
      head = new nn.Linear(5, 2);
      forward(tokens: tg.Tensor) {
        const out = this.lstm.forward(this.embedding.forward(tokens))[0] as tg.Tensor;
        return this.head.forward(out.narrow(1, out.shape[1]! - 1, 1).reshape([tokens.shape[0]!, 5]));
      }
    }
    const model = new Classifier().double().eval();
    const tokens = tg.tensor([[3, 7, 1, 9], [2, 2, 5, 0]], { dtype: "int32" });
    const lig = new explain.LayerIntegratedGradients(model, model.embedding);
    const attr = lig.attribute(tokens, { target: 1, baselines: 0, nSteps: 100 });
    assert.deepEqual(attr.shape, [2, 4, 6]);
    const perToken = attr.sum(2);
    const expected = model.forward(tokens).narrow(1, 1, 1).sub(model.forward(tg.zerosLike(tokens)).narrow(1, 1, 1)).reshape([2]);
    assertClose(perToken.sum(1), expected, { atol: 1e-6 });
  });

  test("attention rollout: rows are distributions; one layer gives ½(mean heads) + ½I", () => {
    tg.manualSeed(9);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
    const encoder = new nn.TransformerEncoder(layer, 2).double().eval();
    const x = tg.randn([2, 5, 8], { dtype: "float64" });
    const rollout = explain.attentionRollout(encoder, x);
    assert.deepEqual(rollout.shape, [2, 5, 5]);
    assertClose(rollout.sum(-1), tg.ones([2, 5]), { atol: 1e-12 });
    const maps = explain.attentionMaps(encoder, x);
    assert.equal(maps.length, 2);
    assert.deepEqual(maps[0]!.shape, [2, 2, 5, 5]);
    const single = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true }), 1).double().eval();
    const [w] = explain.attentionMaps(single, x);
    assertClose(explain.attentionRollout(single, x), w!.mean(1).mul(0.5).add(tg.eye(5, 5, { dtype: "float64" }).mul(0.5)), { atol: 1e-12 });
  });

  test("Keras models and Keras layers are explained as modules are", () => {
    tg.manualSeed(10);
    const model = new tg.keras.Sequential([
      new tg.keras.layers.Dense(6, { activation: "relu", inputShape: [4] }),
      new tg.keras.layers.Dense(3),
    ]);
    const x = tg.randn([3, 4]);
    model.build([4]);
    const [attr, delta] = new explain.IntegratedGradients(model).attribute(x, { target: 2, nSteps: 200, returnConvergenceDelta: true });
    assert.deepEqual(attr.shape, [3, 4]);
    assert.ok(maxAbs(delta) < 1e-3, `delta ${maxAbs(delta)}`);
    const act = new explain.LayerActivation(model, model.layers[0]!).attribute(x);
    assert.deepEqual(act.shape, [3, 6]);
    assert.ok(Math.min(...Array.from(act.dataSync(), Number)) >= 0);
  });

  test("bad input gets typed errors naming the problem", () => {
    const model = seededMlp(11);
    const x = tg.randn([2, 5], { dtype: "float64" });
    assert.throws(() => new explain.Saliency(model).attribute(x), /pass a target/);
    assert.throws(() => new explain.Saliency(model).attribute(x, { target: 3 }), tg.IndexError);
    assert.throws(() => new explain.Saliency(model).attribute(x, { target: [0, 1, 2] }), /3 targets for 2 examples/);
    assert.throws(() => new explain.IntegratedGradients(model).attribute(x, { target: 0, baselines: tg.zeros([3, 5]) }), tg.ShapeError);
    assert.throws(() => new explain.IntegratedGradients(model).attribute(x, { target: 0, method: "simpson" as "gausslegendre" }), /unknown method/);
    assert.throws(() => new explain.Occlusion(model).attribute(x, { target: 0, slidingWindowShapes: [6] }), tg.ShapeError);
    assert.throws(() => new explain.LayerGradCam(model, new nn.Linear(2, 2)).attribute(x, { target: 0 }), /did not run/);
  });
});
