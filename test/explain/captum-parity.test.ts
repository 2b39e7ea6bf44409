/** tg.explain against Captum's formulas computed with PyTorch autograd (tools/make_explain_fixtures.py). */
import { describe, test } from "node:test";
import * as tg from "../../src/index.js";
import { assertClose, readFixture, type Encoded } from "../helpers.js";

const { nn, explain } = tg;
const f64 = (e: Encoded) => tg.tensor(e.data.map((v) => v ?? NaN), { dtype: "float64", shape: e.shape });

interface Fixture {
  mlp: {
    state: Record<string, Encoded>; x: Encoded; baselines: Encoded; target: number[]; output: Encoded;
    saliency: Encoded; inputXGradient: Encoded;
    integratedGradients: { method: tg.explain.ApproximationMethod; nSteps: number; attributions: Encoded; delta: Encoded }[];
    deepLift: { attributions: Encoded; delta: Encoded };
    conductance: { nSteps: number; attributions: Encoded };
    featureAblation: { groups: number[]; attributions: Encoded };
  };
  cnn: {
    state: Record<string, Encoded>; x: Encoded; target: number[];
    gradCam: Encoded; guidedBackprop: Encoded; guidedGradCam: Encoded;
    occlusion: { window: number[]; strides: number[]; baseline: number; attributions: Encoded };
  };
}

const fx = readFixture<Fixture>("explain.json");
const load = (model: tg.nn.Module, state: Record<string, Encoded>) => {
  model.double().loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, f64(v)])));
  return model.eval();
};
const mlp = () => load(new nn.Sequential(new nn.Linear(4, 6), new nn.ReLU(), new nn.Linear(6, 5), new nn.Tanh(), new nn.Linear(5, 3)), fx.mlp.state);
const cnn = () => load(new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.ReLU(), new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(64, 3)), fx.cnn.state);
const tight = { atol: 1e-10, rtol: 1e-9 };

describe("explain: Captum parity on an MLP", () => {
  const model = mlp();
  const x = f64(fx.mlp.x);
  const baselines = f64(fx.mlp.baselines);
  const target = fx.mlp.target;

  test("the model loads as PyTorch's", () => assertClose(model.forward(x), f64(fx.mlp.output), tight));
  test("Saliency and InputXGradient", () => {
    assertClose(new explain.Saliency(model).attribute(x, { target }), f64(fx.mlp.saliency), tight);
    assertClose(new explain.InputXGradient(model).attribute(x, { target }), f64(fx.mlp.inputXGradient), tight);
  });
  test("IntegratedGradients: every approximation rule, attributions and convergence delta", () => {
    const ig = new explain.IntegratedGradients(model);
    for (const c of fx.mlp.integratedGradients) {
      const [attr, delta] = ig.attribute(x, { target, baselines, nSteps: c.nSteps, method: c.method, returnConvergenceDelta: true });
      assertClose(attr, f64(c.attributions), tight);
      assertClose(delta, f64(c.delta), tight);
      // internalBatchSize splits the scaled inputs without changing the result.
      assertClose(ig.attribute(x, { target, baselines, nSteps: c.nSteps, method: c.method, internalBatchSize: 7 }), f64(c.attributions), tight);
    }
  });
  test("DeepLift (rescale rule) and its summation-to-delta", () => {
    const [attr, delta] = new explain.DeepLift(model).attribute(x, { target, baselines, returnConvergenceDelta: true });
    assertClose(attr, f64(fx.mlp.deepLift.attributions), tight);
    assertClose(delta, [0, 0, 0], { atol: 1e-12 });
  });
  test("LayerConductance at the first ReLU", () => {
    const attr = new explain.LayerConductance(model, model.getSubmodule("1")).attribute(x, { target, baselines, nSteps: fx.mlp.conductance.nSteps });
    assertClose(attr, f64(fx.mlp.conductance.attributions), tight);
  });
  test("FeatureAblation with grouped features", () => {
    const featureMask = tg.tensor([fx.mlp.featureAblation.groups], { dtype: "int32" });
    assertClose(new explain.FeatureAblation(model).attribute(x, { target, baselines, featureMask }), f64(fx.mlp.featureAblation.attributions), tight);
    assertClose(new explain.FeatureAblation(model).attribute(x, { target, baselines, featureMask, perturbationsPerEval: 2 }), f64(fx.mlp.featureAblation.attributions), tight);
  });
});

describe("explain: Captum parity on a CNN", () => {
  const model = cnn();
  const x = f64(fx.cnn.x);
  const target = fx.cnn.target;

  test("LayerGradCam at the second convolution", () => {
    assertClose(new explain.LayerGradCam(model, model.getSubmodule("2")).attribute(x, { target }), f64(fx.cnn.gradCam), tight);
  });
  test("GuidedBackprop and GuidedGradCam", () => {
    assertClose(new explain.GuidedBackprop(model).attribute(x, { target }), f64(fx.cnn.guidedBackprop), tight);
    assertClose(new explain.GuidedGradCam(model, model.getSubmodule("2")).attribute(x, { target }), f64(fx.cnn.guidedGradCam), tight);
  });
  test("Occlusion with windows cut at the border", () => {
    const o = fx.cnn.occlusion;
    const attr = new explain.Occlusion(model).attribute(x, { target, slidingWindowShapes: o.window, strides: o.strides, baselines: o.baseline, perturbationsPerEval: 3 });
    assertClose(attr, f64(o.attributions), tight);
  });
});
