/**
 * The training both sides of the exactness test run: a small CNN (conv → ReLU → max-pool → linear)
 * on fixed random 8×8 images, SGD with momentum, a few steps over a global batch. A rank trains on
 * its slice of each global batch; one process trains on all of it.
 */
import * as tg from "../../src/index.js";

export const GLOBAL_BATCH = 8;
export const STEPS = 4;

export class SmallCNN extends tg.nn.Module {
  conv = new tg.nn.Conv2d(1, 4, 3, { padding: 1 });
  fc = new tg.nn.Linear(4 * 4 * 4, 3);
  forward(x: tg.Tensor): tg.Tensor {
    const h = tg.nn.functional.maxPool2d(this.conv.forward(x).relu(), 2);
    return this.fc.forward(h.flatten(1));
  }
}

export function data(): [tg.Tensor, tg.Tensor] {
  const g = new tg.Generator(7);
  return [tg.randn([GLOBAL_BATCH * STEPS, 1, 8, 8], { generator: g }), tg.randint(0, 3, [GLOBAL_BATCH * STEPS], { generator: g })];
}

/**
 * Trains `model` (a SmallCNN or its DDP wrapper) on samples [from, to) of each global batch, for
 * steps [first, last) with `opt` (default: a fresh SGD with momentum).
 */
export function train(model: tg.nn.Module, params: tg.nn.Parameter[], from: number, to: number, first = 0, last = STEPS, opt: tg.optim.Optimizer<{ lr: number }> = sgd(params)): void {
  const [x, y] = data();
  for (let s = first; s < last; s++) {
    const at = s * GLOBAL_BATCH;
    opt.zeroGrad();
    const out = model.forward(x.narrow(0, at + from, to - from)) as tg.Tensor;
    tg.nn.functional.crossEntropy(out, y.narrow(0, at + from, to - from)).backward();
    opt.step();
  }
}

export const sgd = (params: tg.nn.Parameter[]) => new tg.optim.SGD(params, { lr: 0.1, momentum: 0.9 });

export const weights = (m: tg.nn.Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k.replace(/^module\./, ""), Array.from(t.dataSync())]));

/** Weights equal to float32 rounding, name by name (throws naming the first that differs). */
export function assertSameWeights(got: Record<string, number[]>, want: Record<string, number[]>): void {
  const names = (o: object) => Object.keys(o).sort().join(", ");
  if (names(got) !== names(want)) throw new Error(`weights named ${names(got)}, expected ${names(want)}`);
  for (const [k, w] of Object.entries(want)) {
    w.forEach((v, i) => {
      if (!(Math.abs(v - got[k]![i]!) <= 2e-5 * Math.max(1, Math.abs(v)))) throw new Error(`${k}[${i}]: ${got[k]![i]} vs ${v}`);
    });
  }
}
