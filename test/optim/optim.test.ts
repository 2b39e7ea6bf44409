/** Optimizer mechanics: groups, zeroGrad, state dicts, validation; clipping and vector utilities. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { optim, nn } = tg;

describe("optimizer mechanics", () => {
  test("zeroGrad sets to null or zeroes; parameters without grad are skipped", () => {
    const a = tg.ones([2], { requiresGrad: true });
    const b = tg.ones([2], { requiresGrad: true });
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    a.mul(3).sum().backward();
    opt.step();
    assertClose(a, [-0.5, -0.5]);
    assertClose(b, [1, 1]);
    opt.zeroGrad({ setToNone: false });
    assert.deepEqual(a.grad!.tolist(), [0, 0]);
    opt.zeroGrad();
    assert.equal(a.grad, null);
  });

  test("step(closure) returns the closure's loss; updates record no graph", () => {
    const w = tg.ones([2], { requiresGrad: true });
    const opt = new optim.Adam([w], { lr: 0.1 });
    const loss = opt.step(() => {
      const l = w.square().sum();
      l.backward();
      return l;
    });
    assert.equal(loss!.item(), 2);
    assert.equal(w.gradFn, null);
    assert.equal(w.isLeaf, true);
  });

  test("state dicts use parameter indices and copy, and addParamGroup merges defaults", () => {
    const m = new nn.Linear(3, 2);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
    m.forward(tg.ones([1, 3])).sum().backward();
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.state), ["0", "1"]);
    assert.deepEqual(sd.paramGroups[0]!.params, [0, 1]);
    assert.equal(sd.paramGroups[0]!.momentum, 0.9);
    const buf = opt.state.get(m.weight)!.momentum_buffer as tg.Tensor;
    assert.notEqual((sd.state[0]!.momentum_buffer as tg.Tensor).storage, buf.storage);
    const extra = tg.zeros([1], { requiresGrad: true });
    opt.addParamGroup({ params: [extra], lr: 0.5 });
    assert.equal(opt.paramGroups[1]!.momentum, 0.9);
    assert.equal(opt.paramGroups[1]!.lr, 0.5);
    assert.throws(() => opt.addParamGroup({ params: [extra] }), /more than one parameter group/);
  });

  test("invalid options are named", () => {
    const p = [tg.zeros([1], { requiresGrad: true })];
    assert.throws(() => new optim.Adam(p, { lr: -1 }), /invalid learning rate -1/);
    assert.throws(() => new optim.Adam(p, { betas: [1, 0.9] }), /beta parameter at index 0/);
    assert.throws(() => new optim.SGD(p, { nesterov: true }), /Nesterov momentum requires a momentum/);
    assert.throws(() => new optim.SGD([]), /empty parameter list/);
    assert.throws(() => new optim.SGD([tg.ones([1], { requiresGrad: true }).mul(2)]), /non-leaf/);
    assert.throws(() => new optim.lrScheduler.OneCycleLR(new optim.Adagrad(p), 0.1, { totalSteps: 10 }), /no momentum or betas/);
    assert.throws(() => new optim.Rprop(p, { etas: [1.5, 1.2] }), /Rprop: invalid eta values/);
    assert.throws(() => new optim.Rprop(p, { stepSizes: [1, 0.5] }), /Rprop: invalid step sizes/);
    assert.throws(() => new optim.RAdam(p, { betas: [0.9, 1] }), /RAdam: invalid beta parameter at index 1/);
    assert.throws(() => new optim.ASGD(p, { weightDecay: -1 }), /ASGD: invalid weightDecay value/);
    assert.throws(() => new optim.lrScheduler.CyclicLR(new optim.Adagrad(p), 0.01, 0.1), /CyclicLR: the optimizer has no momentum or betas/);
    assert.throws(() => new optim.lrScheduler.CyclicLR(new optim.SGD(p, { momentum: 0.9 }), [0.01, 0.02], 0.1), /expected 1 values of baseLr, got 2/);
    assert.throws(() => new optim.lrScheduler.PolynomialLR(new optim.SGD(p), 0), /totalIters must be a positive integer/);
    assert.throws(() => new optim.lrScheduler.ConstantLR(new optim.SGD(p), 2), /factor must be in \[0, 1\]/);
    assert.throws(() => new optim.lrScheduler.ChainedScheduler([]), /ChainedScheduler: give at least one scheduler/);
    const [a, b] = [new optim.SGD(p), new optim.SGD([tg.zeros([1], { requiresGrad: true })])];
    assert.throws(() => new optim.lrScheduler.ChainedScheduler([new optim.lrScheduler.StepLR(a, 2), new optim.lrScheduler.StepLR(b, 2)]), /every scheduler must drive the same optimizer/);
  });

  test("ASGD keeps the running average of the iterates in state.ax once past t0", () => {
    const p = tg.tensor([1], { requiresGrad: true });
    const opt = new optim.ASGD([p], { lr: 0.1, lambd: 0, t0: 1 });
    const iterates: number[] = [];
    for (let i = 0; i < 4; i++) {
      opt.zeroGrad();
      p.square().sum().backward();
      opt.step();
      iterates.push(p.item());
    }
    // As PyTorch's: each step uses the mu the previous one set, 1/max(1, step − t0); it is 1 through
    // step 3 (ax copies p), then 1/2, so ax is the mean of the iterates of steps 3 and 4.
    const ax = (opt.state.get(p)!.ax as tg.Tensor).item();
    assert.ok(Math.abs(ax - (iterates[2]! + iterates[3]!) / 2) < 1e-6, `${ax} vs the mean of ${iterates.slice(2)}`);
  });

  test("OneCycleLR runs a PyTorch-style loop of totalSteps steps to the end, and refuses one more", () => {
    const p = tg.zeros([1], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const s = new optim.lrScheduler.OneCycleLR(opt, 1, { totalSteps: 10 });
    const lrs: number[] = [];
    for (let i = 0; i < 10; i++) {
      opt.step();
      s.step();
      lrs.push(opt.paramGroups[0]!.lr);
    }
    // torch.optim.lr_scheduler.OneCycleLR(SGD(lr=0.1, momentum=0.9), max_lr=1.0, total_steps=10), same loop.
    [0.049519367986526286, 4e-6, 0.04951936798652623].forEach((v, i) => assert.ok(Math.abs(lrs[7 + i]! - v) < 1e-12, `step ${8 + i}: ${lrs[7 + i]} vs ${v}`));
    assert.throws(() => s.step(), /tried to step 11 times; the specified number of total steps is 10/);
  });
});

describe("nn.utils", () => {
  test("clipGradNorm scales all gradients jointly and returns the old norm", () => {
    const a = tg.zeros([2], { requiresGrad: true });
    const b = tg.zeros([1], { requiresGrad: true });
    a.grad = tg.tensor([3, 0]);
    b.grad = tg.tensor([4]);
    const norm = nn.utils.clipGradNorm([a, b], 1);
    assertClose(norm, [5]);
    assertClose(a.grad, [0.6, 0], { atol: 1e-6 });
    assertClose(b.grad, [0.8], { atol: 1e-6 });
    const inf = nn.utils.clipGradNorm([a, b], 10, { normType: Infinity });
    assertClose(inf, [0.8], { atol: 1e-6 });
    b.grad = tg.tensor([NaN]);
    assert.throws(() => nn.utils.clipGradNorm([a, b], 1, { errorIfNonfinite: true }), /non-finite/);
  });

  test("clipGradValue clamps; parameters ↔ vector round-trips", () => {
    const a = tg.zeros([3], { requiresGrad: true });
    a.grad = tg.tensor([-2, 0.5, 3]);
    nn.utils.clipGradValue([a], 1);
    assert.deepEqual(a.grad.tolist(), [-1, 0.5, 1]);
    const m = new nn.Linear(2, 2);
    const v = nn.utils.parametersToVector(m.parameters());
    assert.deepEqual(v.shape, [6]);
    nn.utils.vectorToParameters(tg.arange(6), m.parameters());
    assert.deepEqual(m.weight.tolist(), [[0, 1], [2, 3]]);
    assert.deepEqual(m.bias!.tolist(), [4, 5]);
    assert.throws(() => nn.utils.vectorToParameters(tg.arange(5), m.parameters()), /expected a vector of 6 elements/);
  });
});
