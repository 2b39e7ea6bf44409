/**
 * The seed's LSTM classifier — Embedding(10000, 16) → LSTM(32) → Linear(1), sequences of 120,
 * batch 32, binary cross-entropy, Adam — training steps per second: tensorgrad beside
 * TensorFlow.js (pure-JS CPU backend) and PyTorch on CPU when /usr/bin/python3 has torch.
 *
 *   npx tsx bench/lstm.ts [--steps 5]
 */
import { execFileSync } from "node:child_process";
import * as tg from "tensorgrad";
import * as tf from "@tensorflow/tfjs";
import { report, timeMs, type Row } from "./harness.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const reps = arg("steps", 5);
const [V, E, H, T, N] = [10000, 16, 32, 120, 32];
const workload = `LSTM classifier step (T=${T}, N=${N})`;
const rows: Row[] = [];
const perSecond = (ms: number) => 1000 / ms;

// tensorgrad
{
  tg.manualSeed(0);
  class Classifier extends tg.nn.Module<[tg.Tensor], tg.Tensor> {
    embedding = new tg.nn.Embedding(V, E);
    lstm = new tg.nn.LSTM(E, H, { batchFirst: true });
    fc = new tg.nn.Linear(H, 1);
    forward(ids: tg.Tensor) {
      const [, [h]] = this.lstm.forward(this.embedding.forward(ids));
      return this.fc.forward(h.select(0, 0)).squeeze(1);
    }
  }
  const model = new Classifier();
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = tg.randint(0, V, [N, T]);
  const y = tg.randint(0, 2, [N]).float();
  const step = () => {
    opt.zeroGrad();
    tg.nn.functional.binaryCrossEntropyWithLogits(model.forward(x), y).backward();
    opt.step();
  };
  const ms = await timeMs(step, { warmup: 1, reps });
  rows.push({ workload, impl: `tensorgrad (${tg.getBackend().name})`, value: perSecond(ms), unit: "steps/s", higherIsBetter: true });
}

// TensorFlow.js, pure-JS CPU backend
{
  await tf.setBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: E, inputLength: T }),
      tf.layers.lstm({ units: H }),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
  const x = tf.randomUniform([N, T], 0, V, "int32");
  const y = tf.randomUniform([N, 1]).round();
  const ms = await timeMs(() => model.trainOnBatch(x, y), { warmup: 1, reps });
  rows.push({ workload, impl: "tfjs 4.22 (cpu, pure JS)", value: perSecond(ms), unit: "steps/s", higherIsBetter: true });
}

// PyTorch on CPU, when available
try {
  const script = `
import time, torch, torch.nn as nn
torch.set_num_threads(1)
class M(nn.Module):
    def __init__(s):
        super().__init__(); s.e = nn.Embedding(${V}, ${E}); s.l = nn.LSTM(${E}, ${H}, batch_first=True); s.f = nn.Linear(${H}, 1)
    def forward(s, x):
        _, (h, _) = s.l(s.e(x)); return s.f(h[0]).squeeze(1)
m = M(); o = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.randint(0, ${V}, (${N}, ${T})); y = torch.randint(0, 2, (${N},)).float()
def step():
    o.zero_grad(); nn.functional.binary_cross_entropy_with_logits(m(x), y).backward(); o.step()
step(); ts = []
for _ in range(${Math.max(reps, 5)}):
    t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
ts.sort(); print(ts[len(ts) // 2] * 1000)
`;
  const ms = Number(execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  rows.push({ workload, impl: `PyTorch CPU (1 thread)`, value: perSecond(ms), unit: "steps/s", higherIsBetter: true });
} catch {
  console.log("(PyTorch not available: /usr/bin/python3 -c 'import torch' failed; skipping it)");
}

report("lstm", rows);
