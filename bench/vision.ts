/**
 * ResNet-18 (torchvision's layout, 10 classes) on 32×32 inputs: forward at batch 1 and 32 (eval,
 * no gradients) and a training step at batch 32 (cross-entropy, SGD with momentum) — tensorgrad
 * beside PyTorch 2.13 CPU (bench/peers/vision_bench.py, the peers' environment of tools/peers.sh or
 * $PEERS_PYTHON) in the same run, on 1 and 2 threads; median milliseconds.
 *
 *   npm run bench:vision
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const impl = `tensorgrad ${tg.getBackend().name}`;
const rows: Row[] = [];

tg.manualSeed(0);
const model = tg.vision.models.resnet18({ numClasses: 10 });
const opt = new tg.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x1 = tg.randn([1, 3, 32, 32]);
const x32 = tg.randn([32, 3, 32, 32]);
const y32 = tg.randint(0, 10, [32]);
const forward = (x: tg.Tensor) => () => tg.noGrad(() => tg.scope(() => void model.forward(x).dataSync()));
const step = () =>
  tg.scope(() => {
    opt.zeroGrad();
    tg.nn.functional.crossEntropy(model.forward(x32), y32).backward();
    opt.step();
  });

const threadCounts = tg.getNumThreads() >= 2 ? [1, 2] : [1];
const workloads = (t: number) => ({ f1: `forward, batch 1 (${t} thr)`, f32: `forward, batch 32 (${t} thr)`, s32: `train step, batch 32 (${t} thr)` });
for (const t of threadCounts) {
  tg.setNumThreads(t);
  const w = workloads(t);
  model.eval();
  rows.push({ workload: w.f1, impl, value: await timeMs(forward(x1), { reps: 20 }), unit: "ms", higherIsBetter: false });
  rows.push({ workload: w.f32, impl, value: await timeMs(forward(x32), { reps: 5 }), unit: "ms", higherIsBetter: false });
  model.train();
  rows.push({ workload: w.s32, impl, value: await timeMs(step, { reps: 5 }), unit: "ms", higherIsBetter: false });
}

const python = process.env.PEERS_PYTHON ?? path.join(here, "..", ".peers-venv", "bin", "python");
if (existsSync(python)) {
  for (const t of threadCounts) {
    try {
      const out = execFileSync(python, [path.join(here, "peers", "vision_bench.py"), String(t)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      const r = JSON.parse(out) as { forward1: number; forward32: number; train32: number; version: string };
      const w = workloads(t);
      const peer = `PyTorch ${r.version} (torchvision)`;
      rows.push({ workload: w.f1, impl: peer, value: r.forward1, unit: "ms", higherIsBetter: false });
      rows.push({ workload: w.f32, impl: peer, value: r.forward32, unit: "ms", higherIsBetter: false });
      rows.push({ workload: w.s32, impl: peer, value: r.train32, unit: "ms", higherIsBetter: false });
    } catch {
      console.log("(torchvision not importable in the peers' environment: run tools/peers.sh; skipping it)");
      break;
    }
  }
} else {
  console.log("(PyTorch not available: run tools/peers.sh or set PEERS_PYTHON; skipping it)");
}
report("vision", rows);
