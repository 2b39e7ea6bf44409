/** Tensor.registerHook and Module forward (pre-)hooks: PyTorch's semantics. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

describe("tensor gradient hooks", () => {
  test("a hook sees a non-leaf's summed gradient and may replace it", () => {
    const x = tg.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    const seen: number[][] = [];
    y.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(10);
    });
    y.add(y.mul(3)).sum().backward(); // dL/dy = 1 + 3 = 4 per element, seen once
    assert.deepEqual(seen, [[4, 4, 4]]);
    assertClose(x.grad!, [80, 80, 80]);
  });

  test("a leaf's hook runs once on its whole gradient before accumulation; remove() unregisters", () => {
    const x = tg.tensor([1, -2], { requiresGrad: true });
    let calls = 0;
    const h = x.registerHook((g) => {
      calls++;
      return g.relu();
    });
    x.mul(x).add(x).sum().backward(); // 2x + 1 = [3, -3]
    assert.equal(calls, 1);
    assertClose(x.grad!, [3, 0]);
    h.remove();
    x.grad = null;
    x.mul(x).add(x).sum().backward();
    assertClose(x.grad!, [3, -3]);
  });

  test("returning nothing keeps the gradient; a wrong shape and a tensor without grad are errors", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    x.registerHook(() => undefined);
    x.sum().backward();
    assertClose(x.grad!, [1, 1]);
    const y = x.mul(1);
    y.registerHook(() => tg.zeros([3]));
    assert.throws(() => y.sum().backward(), tg.ShapeError);
    assert.throws(() => tg.tensor([1]).registerHook((g) => g), tg.AutogradError);
  });
});

describe("module forward hooks", () => {
  test("pre-hooks may replace the arguments, hooks the output; removal restores the plain forward", () => {
    const lin = new tg.nn.Linear(2, 1);
    tg.noGrad(() => {
      lin.weight.copy_(tg.tensor([[1, 1]]));
      lin.bias!.zero_();
    });
    const order: string[] = [];
    const seenArgs: number[][] = [];
    const pre = lin.registerForwardPreHook((_m, [x]) => {
      order.push("pre");
      return [x.mul(2)];
    });
    const post = lin.registerForwardHook((m, args, out) => {
      order.push("post");
      assert.equal(m, lin);
      seenArgs.push(Array.from((args[0] as tg.Tensor).dataSync()));
      return out.add(1);
    });
    assertClose(lin.forward(tg.tensor([[1, 2]])), [7]);
    assert.deepEqual(order, ["pre", "post"]);
    assert.deepEqual(seenArgs, [[2, 4]]);
    pre.remove();
    assertClose(lin.forward(tg.tensor([[1, 2]])), [4]);
    post.remove();
    post.remove();
    assertClose(lin.forward(tg.tensor([[1, 2]])), [3]);
    assert.equal(Object.prototype.hasOwnProperty.call(lin, "forward"), false);
  });

  test("a hook on a submodule fires inside the parent's forward and sees the layer output", () => {
    const model = new tg.nn.Sequential(new tg.nn.Linear(3, 4), new tg.nn.ReLU(), new tg.nn.Linear(4, 2));
    const captured: tg.Tensor[] = [];
    model.getSubmodule("1").registerForwardHook((_m, _a, out) => void captured.push(out));
    model.forward(tg.randn([5, 3]));
    assert.equal(captured.length, 1);
    assert.deepEqual(captured[0]!.shape, [5, 4]);
    assert.deepEqual(Object.keys(model.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
  });
});

test("getSubmodule follows dotted paths and names what is missing", () => {
  const model = new tg.nn.Sequential(new tg.nn.Sequential(new tg.nn.Linear(1, 1)));
  assert.ok(model.getSubmodule("0.0") instanceof tg.nn.Linear);
  assert.equal(model.getSubmodule(""), model);
  assert.throws(() => model.getSubmodule("0.3"), /no submodule '3'/);
});

test("post-accumulate-grad hooks fire once per backward, when the leaf's .grad is complete, while backward still runs", () => {
  const w1 = tg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const w2 = tg.tensor([[0.5, -1], [2, 1]], { requiresGrad: true });
  const shared = tg.tensor([2, 3], { requiresGrad: true });
  const seen: [string, number[]][] = [];
  const record = (name: string) => (t: tg.Tensor) => void seen.push([name, t.grad!.flatten().tolist() as number[]]);
  w1.registerPostAccumulateGradHook(record("w1"));
  w2.registerPostAccumulateGradHook(record("w2"));
  shared.registerPostAccumulateGradHook(record("shared"));
  const x = tg.tensor([[1, 1]]);
  // shared is used twice (first and last): its hook waits for both contributions.
  const h = x.mul(shared).matmul(w1).relu().matmul(w2).mul(shared);
  h.sum().backward();
  assert.deepEqual(seen.map(([n]) => n).sort(), ["shared", "w1", "w2"]);
  assert.ok(seen.findIndex(([n]) => n === "w2") < seen.findIndex(([n]) => n === "w1"), "w2's gradient is ready before w1's");
  for (const [name, grad] of seen) assert.deepEqual(grad, ({ w1, w2, shared } as Record<string, tg.Tensor>)[name]!.grad!.flatten().tolist(), `${name}: the hook saw the final gradient`);
  assert.throws(() => x.mul(w1.sum()).registerPostAccumulateGradHook(() => {}), /only a leaf/);
});
