/**
 * tg.distributions against torch.distributions (test/fixtures/rl.json from tools/make_rl_fixtures.py):
 * log-probabilities, entropies and normalised logits in float64, and sampling frequencies.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

const { Categorical, Normal, Bernoulli } = tg.distributions;
const d = readFixture<{ distributions: Record<string, Record<string, number[] | number[][]>> }>("rl.json").distributions;
const f64 = (x: number[] | number[][]) => tg.tensor(x, { dtype: "float64" });

describe("distributions match torch.distributions", () => {
  test("Categorical from logits and from probs", () => {
    const c = d.categorical!;
    const cat = new Categorical({ logits: f64(c.logits!) });
    assertClose(cat.logits, (c.normLogits as number[][]).flat(), { atol: 1e-12 });
    assertClose(cat.logProb(tg.tensor(c.values as number[], { dtype: "int32" })), c.logProb as number[], { atol: 1e-12 });
    assertClose(cat.entropy(), c.entropy as number[], { atol: 1e-12 });
    const byProbs = new Categorical({ probs: f64(c.probs!) });
    assertClose(byProbs.entropy(), c.probsEntropy as number[], { atol: 1e-12 });
    assertClose(byProbs.logProb(tg.tensor([0, 5, 2], { dtype: "int32" })), c.probsLogProb as number[], { atol: 1e-12 });
  });
  test("Normal: logProb, entropy, cdf", () => {
    const n = d.normal!;
    const normal = new Normal(f64(n.loc!), f64(n.scale!));
    assertClose(normal.logProb(f64(n.x!)), (n.logProb as number[][]).flat(), { atol: 1e-12 });
    assertClose(normal.entropy(), (n.entropy as number[][]).flat(), { atol: 1e-12 });
    assertClose(normal.cdf(f64(n.x!)), (n.cdf as number[][]).flat(), { atol: 1e-7 });
  });
  test("Bernoulli from logits and from probs (0 and 1 included)", () => {
    const b = d.bernoulli!;
    const bern = new Bernoulli({ logits: f64(b.logits!) });
    assertClose(bern.logProb(f64(b.values!)), b.logProb as number[], { atol: 1e-12 });
    assertClose(bern.entropy(), b.entropy as number[], { atol: 1e-12 });
    const byProbs = new Bernoulli({ probs: f64(b.probs!) });
    assertClose(byProbs.logProb(f64(b.probsValues!)), b.probsLogProb as number[], { atol: 1e-5, rtol: 1e-5 });
    assertClose(byProbs.entropy(), b.probsEntropy as number[], { atol: 1e-5 });
  });
  test("samples follow the distribution (χ²-sized tolerances) and gradients flow through rsample and logProb", () => {
    const g = new tg.Generator(7);
    const probs = [0.1, 0.2, 0.3, 0.4];
    const s = new Categorical({ probs: tg.tensor(probs) }).sample([20000], { generator: g });
    assert.equal(s.dtype, "int32");
    const counts = [0, 0, 0, 0];
    for (const v of s.dataSync()) counts[v]!++;
    counts.forEach((c, k) => assert.ok(Math.abs(c / 20000 - probs[k]!) < 0.015, `class ${k}: ${c / 20000}`));
    const x = new Normal(2, 0.5).sample([20000], { generator: g });
    assert.ok(Math.abs(x.mean().item() - 2) < 0.02 && Math.abs(x.std().item() - 0.5) < 0.02);
    const bits = new Bernoulli({ probs: tg.full([20000], 0.3) }).sample([], { generator: g });
    assert.ok(Math.abs(bits.mean().item() - 0.3) < 0.015);
    const loc = tg.tensor([0.5], { requiresGrad: true });
    const z = new Normal(loc, 1).rsample([4], { generator: g });
    z.sum().backward();
    assert.equal(loc.grad!.item(), 4);
    const logits = tg.tensor([[1, 2, 3]], { requiresGrad: true });
    new Categorical({ logits }).logProb(tg.tensor([2], { dtype: "int32" })).sum().backward();
    assertClose(logits.grad!, tg.tensor([[0, 0, 1]]).sub(tg.softmax(tg.tensor([[1, 2, 3]]), -1)), { atol: 1e-6 });
  });
  test("bad parameters are named", () => {
    assert.throws(() => new Categorical({} as never), /Categorical: needs probs or logits/);
    assert.throws(() => new Categorical({ logits: tg.tensor([[1, 2], [3, 4]]) }).logProb(tg.tensor([0, 1, 0], { dtype: "int32" })), /does not broadcast/);
  });
});
