/**
 * spirals: a two-layer network learns to separate two interleaved spirals, written with tensors and
 * autograd only (the nn, optim and keras layers build on exactly these pieces).
 *
 *   npx tsx examples/spirals.ts [--steps 300] [--seed 0]
 */
import * as tg from "tensorgrad";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg("steps", 500);
tg.manualSeed(arg("seed", 0));

// Two spirals, 200 points each: x is [400, 2], y holds class indices [400].
const n = 200;
const t = tg.linspace(0.25, 3 * Math.PI, n);
const spiral = (phase: number) => tg.stack([t.mul(t.add(phase).cos()), t.mul(t.add(phase).sin())], 1).div(3);
const x = tg.cat([spiral(0), spiral(Math.PI)]).add(tg.randn([2 * n, 2]).mul(0.02));
const y = tg.cat([tg.zeros([n], { dtype: "int32" }), tg.ones([n], { dtype: "int32" })]);

// Parameters, initialised like PyTorch's Linear (uniform in ±1/√fanIn).
const param = (shape: number[], fanIn: number) =>
  tg.rand(shape).mul(2).sub(1).div(Math.sqrt(fanIn)).requiresGrad_();
let params = [param([2, 64], 2), param([64], 2), param([64, 2], 64), param([2], 64)];

const forward = ([w1, b1, w2, b2]: tg.Tensor[], input: tg.Tensor) => input.matmul(w1!).add(b1!).tanh().matmul(w2!).add(b2!);

// Gradient descent with heavy-ball momentum: v ← 0.9·v + g, p ← p − lr·v.
const lr = 0.1;
let velocity = params.map((p) => tg.zerosLike(p));
const started = performance.now();
for (let step = 1; step <= steps; step++) {
  const logits = forward(params, x);
  // Cross-entropy from its formula: −mean(log softmax(logits)[i, yᵢ]).
  const loss = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
  loss.backward();
  tg.noGrad(() => {
    velocity = velocity.map((v, i) => v.mul(0.9).add(params[i]!.grad!));
    params = params.map((p, i) => p.sub(velocity[i]!.mul(lr)).requiresGrad_());
  });
  if (step % 50 === 0 || step === 1) {
    const accuracy = tg.noGrad(() => forward(params, x).argmax(1).eq(y).float().mean().item());
    console.log(`step ${String(step).padStart(4)}  loss ${loss.item().toFixed(4)}  accuracy ${(accuracy * 100).toFixed(1)}%`);
  }
}
console.log(`trained ${steps} steps in ${((performance.now() - started) / 1000).toFixed(2)} s`);
