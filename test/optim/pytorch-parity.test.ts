/** Optimizer trajectories and scheduler rates against PyTorch (test/fixtures/optim.json). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

const { optim } = tg;
const S = optim.lrScheduler;

interface Fixture {
  problem: { x: number[]; y: number[]; w0: number[]; b0: number[] };
  optimizers: Record<string, [number[], number[]][]>;
  groups: [number[], number[]][];
  closureOptimizers: Record<string, [number[], number[]][]>;
  matrixOptimizers: Record<string, [number[], number[]][]>;
  updateBn: { batches: number[][]; state: Record<string, number[]> };
  schedulers: Record<string, { lr: number[][]; momentum: (number | null)[][] }>;
  plateauMetrics: number[];
}
const fx = readFixture<Fixture>("optim.json");
const X = tg.tensor(fx.problem.x, { shape: [5, 3] });
const Y = tg.tensor(fx.problem.y, { shape: [5, 4] });
const lossFn = (w: Tensor, b: Tensor) => X.matmul(w).add(b).tanh().sub(Y).pow(2).mean();

type Make = (ps: Tensor[]) => tg.optim.Optimizer<{ lr: number }>;
const OPTIMIZERS: Record<string, Make> = {
  sgd: (ps) => new optim.SGD(ps, { lr: 0.1 }),
  sgd_momentum: (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }),
  sgd_momentum_dampening_wd: (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.05 }),
  sgd_nesterov_wd: (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  sgd_maximize: (ps) => new optim.SGD(ps, { lr: 0.01, momentum: 0.5, maximize: true }),
  adam: (ps) => new optim.Adam(ps, { lr: 0.05 }),
  adam_wd: (ps) => new optim.Adam(ps, { lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1 }),
  adam_amsgrad: (ps) => new optim.Adam(ps, { lr: 0.05, amsgrad: true }),
  adam_maximize: (ps) => new optim.Adam(ps, { lr: 0.01, maximize: true }),
  adamw: (ps) => new optim.AdamW(ps, { lr: 0.05 }),
  adamw_amsgrad_wd: (ps) => new optim.AdamW(ps, { lr: 0.05, weightDecay: 0.3, amsgrad: true }),
  rmsprop: (ps) => new optim.RMSprop(ps, { lr: 0.01 }),
  rmsprop_centered_momentum_wd: (ps) => new optim.RMSprop(ps, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.1 }),
  adagrad: (ps) => new optim.Adagrad(ps, { lr: 0.1 }),
  adagrad_decay_wd_init: (ps) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.1, weightDecay: 0.05, initialAccumulatorValue: 0.2 }),
  adadelta: (ps) => new optim.Adadelta(ps, { lr: 1 }),
  adadelta_wd: (ps) => new optim.Adadelta(ps, { lr: 0.5, rho: 0.8, weightDecay: 0.1 }),
  adamax: (ps) => new optim.Adamax(ps, { lr: 0.05 }),
  adamax_wd: (ps) => new optim.Adamax(ps, { lr: 0.05, betas: [0.8, 0.9], weightDecay: 0.1 }),
  nadam: (ps) => new optim.NAdam(ps, { lr: 0.05 }),
  nadam_wd: (ps) => new optim.NAdam(ps, { lr: 0.05, weightDecay: 0.1, momentumDecay: 0.01 }),
  radam: (ps) => new optim.RAdam(ps, { lr: 0.05 }),
  radam_wd: (ps) => new optim.RAdam(ps, { lr: 0.05, betas: [0.5, 0.6], weightDecay: 0.1 }),
  rprop: (ps) => new optim.Rprop(ps, { lr: 0.05 }),
  rprop_etas_steps: (ps) => new optim.Rprop(ps, { lr: 0.1, etas: [0.3, 1.5], stepSizes: [0.01, 0.2] }),
  asgd: (ps) => new optim.ASGD(ps, { lr: 0.1 }),
  adafactor: (ps) => new optim.Adafactor(ps, { lr: 0.05 }),
  adafactor_wd_clip_maximize: (ps) => new optim.Adafactor(ps, { lr: 0.03, beta2Decay: -0.5, eps: [1e-20, 1e-2], d: 1.5, weightDecay: 0.1, maximize: true }),
  asgd_wd_t0: (ps) => new optim.ASGD(ps, { lr: 0.1, lambd: 0.01, alpha: 0.5, t0: 2, weightDecay: 0.1 }),
};

function runTrajectory(make: (w: Tensor, b: Tensor) => tg.optim.Optimizer<{ lr: number }>, expected: [number[], number[]][]) {
  const w = tg.tensor(fx.problem.w0, { shape: [3, 4], requiresGrad: true });
  const b = tg.tensor(fx.problem.b0, { requiresGrad: true });
  const opt = make(w, b);
  expected.forEach(([ew, eb], step) => {
    if (step > 0) {
      opt.zeroGrad();
      lossFn(w, b).backward();
      opt.step();
    }
    assertClose(w, ew, { atol: 1e-5, rtol: 1e-4 });
    assertClose(b, eb, { atol: 1e-5, rtol: 1e-4 });
  });
}

describe("optimizers match PyTorch step by step", () => {
  test("every fixture case has an optimizer here", () => assert.deepEqual(Object.keys(OPTIMIZERS).sort(), Object.keys(fx.optimizers).sort()));
  for (const [name, expected] of Object.entries(fx.optimizers)) {
    test(name, () => runTrajectory((w, b) => OPTIMIZERS[name]!([w, b]), expected));
  }
  test("parameter groups with their own options", () =>
    runTrajectory((w, b) => new optim.SGD([{ params: [w], lr: 0.1 }, { params: [b], momentum: 0.5 }], { lr: 0.01 }), fx.groups));
});

const MATRIX_OPTIMIZERS: Record<string, (w: Tensor) => tg.optim.Muon> = {
  muon: (w) => new optim.Muon([w], { lr: 0.05 }),
  muon_plain_momentum_adamw_lr: (w) => new optim.Muon([w], { lr: 0.02, momentum: 0.8, nesterov: false, weightDecay: 0.05, adjustLrFn: "match_rms_adamw" }),
};

describe("Muon matches PyTorch's (with its Newton–Schulz iteration in float32)", () => {
  test("every fixture case has an optimizer here", () => assert.deepEqual(Object.keys(MATRIX_OPTIMIZERS).sort(), Object.keys(fx.matrixOptimizers).sort()));
  for (const [name, expected] of Object.entries(fx.matrixOptimizers)) test(name, () => runTrajectory((w) => MATRIX_OPTIMIZERS[name]!(w), expected));
  test("Muon refuses parameters that are not matrices", () => assert.throws(() => new optim.Muon([tg.zeros([3], { requiresGrad: true })]), /2D parameters/));
});

const CLOSURE_OPTIMIZERS: Record<string, (ps: Tensor[]) => tg.optim.LBFGS> = {
  lbfgs: (ps) => new optim.LBFGS(ps, { lr: 1, maxIter: 5 }),
  lbfgs_history_tolerance: (ps) => new optim.LBFGS(ps, { lr: 0.5, maxIter: 7, historySize: 3, toleranceChange: 1e-5 }),
  lbfgs_strong_wolfe: (ps) => new optim.LBFGS(ps, { lr: 1, maxIter: 6, lineSearchFn: "strong_wolfe" }),
};

describe("step(closure) optimizers match PyTorch", () => {
  test("every fixture case has an optimizer here", () => assert.deepEqual(Object.keys(CLOSURE_OPTIMIZERS).sort(), Object.keys(fx.closureOptimizers).sort()));
  for (const [name, expected] of Object.entries(fx.closureOptimizers)) {
    test(name, () => {
      // float64, as the generator: the steps grow large enough that float32 rounding would decide the path.
      const w = tg.tensor(fx.problem.w0, { shape: [3, 4], dtype: "float64", requiresGrad: true });
      const b = tg.tensor(fx.problem.b0, { dtype: "float64", requiresGrad: true });
      const [X64, Y64] = [X.double(), Y.double()];
      const opt = CLOSURE_OPTIMIZERS[name]!([w, b]);
      const closure = () => {
        opt.zeroGrad();
        const loss = X64.matmul(w).add(b).tanh().sub(Y64).pow(2).mean();
        loss.backward();
        return loss;
      };
      expected.forEach(([ew, eb], step) => {
        if (step > 0) opt.step(closure);
        assertClose(w, ew, { atol: 1e-9, rtol: 1e-8 });
        assertClose(b, eb, { atol: 1e-9, rtol: 1e-8 });
      });
    });
  }
  test("LBFGS needs a closure", () => assert.throws(() => new optim.LBFGS([tg.zeros([1], { requiresGrad: true })]).step(), /closure/));
});

test("swaUtils.updateBn recomputes BatchNorm statistics as a cumulative average", () => {
  const model = new tg.nn.Sequential(new tg.nn.Linear(3, 4), new tg.nn.BatchNorm1d(4));
  const state = fx.updateBn.state;
  model.loadStateDict({ "0.weight": tg.tensor(state["0.weight"]!, { shape: [4, 3] }), "0.bias": tg.tensor(state["0.bias"]!) }, { strict: false });
  const batches = fx.updateBn.batches.map((b) => [tg.tensor(b, { shape: [6, 3] })]);
  model.eval();
  optim.swaUtils.updateBn(batches, model);
  const sd = model.stateDict();
  assertClose(sd["1.running_mean"]!, state["1.running_mean"]!, { atol: 1e-5, rtol: 1e-4 });
  assertClose(sd["1.running_var"]!, state["1.running_var"]!, { atol: 1e-5, rtol: 1e-4 });
  assert.equal(sd["1.num_batches_tracked"]!.item(), 3);
  assert.equal(model.training, false);
  assert.equal(([...model.children()][1] as tg.nn.BatchNorm1d).momentum, 0.1);
});

type MakeSched = (o: tg.optim.Optimizer<{ lr: number }>) => { step(metric?: number): void };
const sgd = (p: Tensor) => new optim.SGD([p], { lr: 0.1 });
const SCHEDULERS: Record<string, [(p: Tensor) => tg.optim.Optimizer<{ lr: number }>, MakeSched]> = {
  step_lr: [sgd, (o) => new S.StepLR(o, 3, 0.5)],
  multistep_lr: [sgd, (o) => new S.MultiStepLR(o, [2, 5, 9], 0.3)],
  exponential_lr: [sgd, (o) => new S.ExponentialLR(o, 0.9)],
  cosine_annealing: [sgd, (o) => new S.CosineAnnealingLR(o, 10, 0.01)],
  warm_restarts: [sgd, (o) => new S.CosineAnnealingWarmRestarts(o, 4)],
  warm_restarts_mult: [sgd, (o) => new S.CosineAnnealingWarmRestarts(o, 3, 2, 0.001)],
  linear_lr: [sgd, (o) => new S.LinearLR(o, 0.25, 1, 4)],
  lambda_lr: [sgd, (o) => new S.LambdaLR(o, (e) => 0.95 ** e + 0.01 * e)],
  one_cycle: [(p) => new optim.SGD([p], { lr: 0.1, momentum: 0.9 }), (o) => new S.OneCycleLR(o, 1, { totalSteps: 16 })],
  one_cycle_three_phase_linear_adam: [
    (p) => new optim.Adam([p], { lr: 0.1 }),
    (o) => new S.OneCycleLR(o, 0.5, { totalSteps: 16, pctStart: 0.25, annealStrategy: "linear", threePhase: true, divFactor: 10, finalDivFactor: 100 }),
  ],
  sequential: [sgd, (o) => new S.SequentialLR(o, [new S.LinearLR(o, 0.1, 1, 3), new S.ExponentialLR(o, 0.9)], [3])],
  plateau: [sgd, (o) => new S.ReduceLROnPlateau(o, { factor: 0.5, patience: 2, cooldown: 1, minLr: 0.01 })],
  constant_lr: [sgd, (o) => new S.ConstantLR(o, 0.25, 4)],
  polynomial_lr: [sgd, (o) => new S.PolynomialLR(o, 10, 2)],
  multiplicative_lr: [sgd, (o) => new S.MultiplicativeLR(o, (e) => (e % 2 ? 0.9 : 0.99))],
  cyclic_triangular2_momentum: [
    (p) => new optim.SGD([p], { lr: 0.1, momentum: 0.9 }),
    (o) => new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, stepSizeDown: 2, mode: "triangular2" }),
  ],
  chained_constant_exponential: [sgd, (o) => new S.ChainedScheduler([new S.ConstantLR(o, 0.1, 2), new S.ExponentialLR(o, 0.9)])],
  chained_linear_step: [sgd, (o) => new S.ChainedScheduler([new S.LinearLR(o, 0.5, 1, 3), new S.StepLR(o, 2, 0.5)])],
  cyclic_exp_range: [sgd, (o) => new S.CyclicLR(o, 0.02, 0.2, { stepSizeUp: 4, mode: "exp_range", gamma: 0.9, cycleMomentum: false })],
  swalr_cos: [sgd, (o) => new optim.swaUtils.SWALR(o, 0.03, 5)],
  swalr_linear_instant: [sgd, (o) => new optim.swaUtils.SWALR(o, 0.02, 0, "linear")],
};

describe("learning-rate schedulers match PyTorch", () => {
  test("every fixture case has a scheduler here", () => assert.deepEqual(Object.keys(SCHEDULERS).sort(), Object.keys(fx.schedulers).sort()));
  for (const [name, expected] of Object.entries(fx.schedulers)) {
    test(name, () => {
      const p = tg.zeros([1], { requiresGrad: true });
      const [makeOpt, makeSched] = SCHEDULERS[name]!;
      const opt = makeOpt(p);
      const sched = makeSched(opt);
      const momentum = () => opt.paramGroups.map((g) => {
        const o = g as { momentum?: number; betas?: [number, number] };
        return o.betas ? o.betas[0] : o.momentum ?? null;
      });
      const lrs = [opt.paramGroups.map((g) => g.lr)];
      const moms = [momentum()];
      for (let i = 0; i < expected.lr.length - 1; i++) {
        opt.step();
        sched.step(name === "plateau" ? fx.plateauMetrics[i] : undefined);
        lrs.push(opt.paramGroups.map((g) => g.lr));
        moms.push(momentum());
      }
      assertClose(lrs.flat(), expected.lr.flat(), { atol: 1e-9, rtol: 1e-6 });
      if (name.startsWith("one_cycle")) assertClose(moms.flat() as number[], expected.momentum.flat() as number[], { atol: 1e-9, rtol: 1e-6 });
    });
  }
});
