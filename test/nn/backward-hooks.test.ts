/** Module backward hooks (register_full_backward_hook / _pre_hook) against PyTorch's semantics. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

describe("module backward hooks", () => {
  test("the hook sees the gradients with respect to the module's input and output", () => {
    const lin = new tg.nn.Linear(3, 2);
    const x = tg.randn([4, 3]).requiresGrad_();
    const seen: { gi: tg.Tensor[]; go: tg.Tensor[] }[] = [];
    const handle = lin.registerFullBackwardHook((m, gi, go) => void seen.push({ gi: gi as tg.Tensor[], go: go as tg.Tensor[] }));
    const u = tg.randn([4, 2]);
    lin.forward(x).mul(u).sum().backward();
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.go[0]!.tolist(), u.tolist());
    const expected = u.matmul(lin.weight.detach()).tolist();
    (seen[0]!.gi[0]!.tolist() as number[][]).forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (expected as number[][])[i]![j]!) < 1e-6)));
    handle.remove();
    lin.forward(x).sum().backward();
    assert.equal(seen.length, 1);
  });

  test("a hook may scale gradInput; a pre-hook may scale gradOutput (parameters' gradients follow it)", () => {
    const lin = new tg.nn.Linear(2, 2);
    const x = tg.randn([3, 2]).requiresGrad_();
    lin.forward(x).sum().backward();
    const [gx, gw] = [x.grad!.clone(), lin.weight.grad!.clone()];
    x.grad = null;
    lin.zeroGrad();
    lin.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(2)]);
    lin.registerFullBackwardPreHook((_m, go) => [go[0]!.mul(3)]);
    lin.forward(x).sum().backward();
    assert.ok(x.grad!.sub(gx.mul(6)).abs().max().item() < 1e-5);
    assert.ok(lin.weight.grad!.sub(gw.mul(3)).abs().max().item() < 1e-5);
  });

  test("with no input needing a gradient the hook still fires, with null gradInput", () => {
    const lin = new tg.nn.Linear(2, 1);
    let calls = 0;
    lin.registerFullBackwardHook((_m, gi, go) => {
      calls++;
      assert.deepEqual(gi, [null]);
      assert.equal(go.length, 1);
    });
    lin.forward(tg.randn([2, 2])).sum().backward();
    assert.equal(calls, 1);
  });
});
