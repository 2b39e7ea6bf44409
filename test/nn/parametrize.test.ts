/** nn.utils.parametrize: custom parametrizations, chains, removal, training through them. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const { nn } = tg;
const P = nn.utils.parametrize;

class Symmetric extends nn.Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).t());
  }
}

class Double extends nn.Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

describe("parametrize", () => {
  test("a custom parametrization: the weight is computed from the original on every access, and trains", () => {
    const lin = new nn.Linear(3, 3);
    P.registerParametrization(lin, "weight", new Symmetric());
    assert.equal(P.isParametrized(lin, "weight"), true);
    assert.deepEqual(lin.weight.tolist(), lin.weight.t().tolist());
    assert.deepEqual(Object.keys(lin.stateDict()), ["bias", "parametrizations.weight.original"]);
    const opt = new tg.optim.SGD(lin.parameters(), { lr: 0.1 });
    lin.forward(tg.randn([4, 3])).square().sum().backward();
    opt.step();
    assert.deepEqual(lin.weight.tolist(), lin.weight.t().tolist());
  });

  test("chains apply in order; removal leaves the parametrized value as a plain parameter", () => {
    const lin = new nn.Linear(2, 2);
    P.registerParametrization(lin, "weight", new Symmetric());
    P.registerParametrization(lin, "weight", new Double());
    const original = ([...lin.namedParameters()].find(([k]) => k.endsWith("original"))![1]);
    assert.deepEqual(lin.weight.tolist(), original.triu().add(original.triu(1).t()).mul(2).tolist());
    const value = lin.weight.tolist();
    P.removeParametrizations(lin, "weight");
    assert.equal(P.isParametrized(lin), false);
    assert.ok(lin.weight instanceof nn.Parameter);
    assert.deepEqual(lin.weight.tolist(), value);
    assert.deepEqual(Object.keys(lin.stateDict()).sort(), ["bias", "weight"]);
  });

  test("spectral norm bounds the largest singular value by 1 after a few training-mode accesses", () => {
    const lin = nn.utils.parametrizations.spectralNorm(new nn.Linear(6, 5));
    for (let i = 0; i < 20; i++) void lin.weight;
    const s = tg.linalg.svdvals(lin.weight.detach());
    assert.ok(Math.abs(s.max().item() - 1) < 1e-3, `σ_max ${s.max().item()}`);
  });

  test("errors name the module and the tensor", () => {
    assert.throws(() => P.registerParametrization(new nn.Linear(2, 2), "nope", new Symmetric()), /Linear has no tensor 'nope'/);
    assert.throws(() => P.removeParametrizations(new nn.Linear(2, 2), "weight"), /no parametrization on 'weight'/);
  });
});
