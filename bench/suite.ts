/**
 * The benchmark suite (`npm run bench`, `npx tensorgrad bench`): the same workloads on tensorgrad
 * (wasm backend on all cores and on one; the reference `js` backend on the small ones), TensorFlow.js 4.22 (pure-JS `cpu`
 * and XNNPACK `wasm` backends) and PyTorch on CPU (1 thread and all threads): today's from the
 * peers' environment of tools/peers.sh (or $TENSORGRAD_BENCH_PYTHON), else Debian's, each row
 * naming its version. PyTorch runs in a process kept open beside ours, and each workload is timed
 * in rounds that alternate tensorgrad's and PyTorch's runs, so both sides meet the same minute of a
 * shared machine. Prints medians with tensorgrad/peer ratios and writes
 * bench/results/latest/suite.json (--out bench/results publishes it for tools/bench-table.ts). Workloads a peer cannot run (tfjs-wasm has no conv-filter or embedding
 * gradient) are listed as such; the slow pure-JS LSTM and GRU (≈90 s a step) run only with --slow.
 *
 *   npx tsx bench/suite.ts [--quick] [--slow] [--device cpu|webgpu]
 */
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tg from "tensorgrad";
import type { WasmBackend } from "../dist/backend/wasm/index.js";
import { median, peerPython, report, timeMs, timeSamples, type Row } from "./harness.js";
import { TorchPeer } from "./torch-peer.js";
import { ConvNet, GruClassifier, LstmClassifier, mlp, tfConvNet, tfMlp, tfTrainStep, tfTransformerStep, tgTrainStep } from "./models.js";

// Node 20 keeps relaxed SIMD behind a V8 flag (Node 22 and Chromium have it on); set it before the
// wasm backend compiles its kernels, so the suite measures the build users of current engines get.
if (process.versions.node.startsWith("20.")) v8.setFlagsFromString("--experimental-wasm-relaxed-simd"); // later lines have it on, and no such flag

// `npm run bench -- --device webgpu`: the GPU yardstick (bench/webgpu.ts) instead of the CPU suite.
const device = process.argv[process.argv.indexOf("--device") + 1];
if (process.argv.includes("--device") && device !== "cpu") {
  if (device !== "webgpu") throw new Error(`bench: --device must be cpu or webgpu, got '${device}'`);
  await import("./webgpu.js");
  process.exit(0);
}

const quick = process.argv.includes("--quick");
const slow = process.argv.includes("--slow");
const sizes = quick ? [128, 256] : [128, 256, 512, 1024];
const rows: Row[] = [];
const add = (workload: string, impl: string, value: number, unit: string, higherIsBetter: boolean) =>
  rows.push({ workload, impl, value, unit, higherIsBetter });
const gflops = (n: number, ms: number) => (2 * n ** 3) / (ms * 1e6);
const gbps = (bytes: number, ms: number) => bytes / (ms * 1e6);
const W = {
  sgemm: (n: number) => `SGEMM n=${n}`,
  add: "add, 4M floats (12 B/elem)",
  sum: "sum, 4M floats (4 B/elem)",
  tiny: "tiny op (add of [1])",
  conv: "conv2d fwd+bwd [64,1,28,28]→6×3×3",
  mlp: "MLP train step, batch 64",
  cnn: "CNN train step, batch 64",
  lstm: "LSTM classifier step (T=120, N=32)",
  gru: "GRU classifier step (T=120, N=32)",
  transformer: "Transformer encoder layer step (d 128, 4 heads, 32 × 64)",
  infer1: "CNN inference, batch 1",
  infer256: "CNN inference, batch 256",
};
const reps = (n: number) => (n <= 256 ? 20 : n <= 512 ? 8 : 4);

// ---- tensorgrad and PyTorch, interleaved -----------------------------------------------------------
// A shared machine's speed drifts by tens of percent within a run, so each workload is measured in
// `rounds` rounds, each timing tensorgrad's configurations and PyTorch's (a process kept open,
// bench/torch-peer.ts) right after one another; a row is the median of its rounds' runs together.
// The first round warms each implementation for a second, later ones for a quarter: after the pause
// between sides a VM's cores run the first milliseconds slowly (a run that warmed later rounds with
// two calls only had the seed LSTM step at 147 steps/s, against 200–260 in runs around it).

/** A workload as the peers' key names it, with how to turn a run's milliseconds into its row's value. */
interface Workload { key: string; name: string; unit: string; higherIsBetter: boolean; value: (ms: number) => number; reps: number; warmup?: number }
const workloads: Workload[] = [
  ...sizes.map((n) => ({ key: `sgemm${n}`, name: W.sgemm(n), unit: "GFLOP/s", higherIsBetter: true, value: (ms: number) => gflops(n, ms), reps: reps(n), warmup: 3 })),
  { key: "add4M", name: W.add, unit: "GB/s", higherIsBetter: true, value: (ms) => gbps(12 << 22, ms), reps: 15 },
  { key: "sum4M", name: W.sum, unit: "GB/s", higherIsBetter: true, value: (ms) => gbps(4 << 22, ms), reps: 15 },
  // Ten warm-up calls: after other workloads the JIT re-optimises the op path for a few thousand
  // calls (measured: 12.5, 6.4, then a steady 2.5 µs), and the steady state is what we compare.
  { key: "tiny1000", name: W.tiny, unit: "µs/op", higherIsBetter: false, value: (ms) => ms, reps: 7, warmup: 10 },
  { key: "conv", name: W.conv, unit: "ms", higherIsBetter: false, value: (ms) => ms, reps: 11 },
  { key: "mlp", name: W.mlp, unit: "ms", higherIsBetter: false, value: (ms) => ms, reps: 21, warmup: 3 },
  { key: "cnn", name: W.cnn, unit: "ms", higherIsBetter: false, value: (ms) => ms, reps: 21, warmup: 3 },
  { key: "infer1", name: W.infer1, unit: "ms", higherIsBetter: false, value: (ms) => ms, reps: 21 },
  { key: "infer256", name: W.infer256, unit: "ms", higherIsBetter: false, value: (ms) => ms, reps: 21 },
  { key: "lstm", name: W.lstm, unit: "steps/s", higherIsBetter: true, value: (ms) => 1000 / ms, reps: quick ? 3 : 7 },
  { key: "gru", name: W.gru, unit: "steps/s", higherIsBetter: true, value: (ms) => 1000 / ms, reps: quick ? 3 : 7 },
  { key: "transformer", name: W.transformer, unit: "ms", higherIsBetter: false, value: (ms) => ms, reps: quick ? 3 : 11 },
];

/** tensorgrad's run of a workload on the backend set when it was made; `reps` and `value` where they differ from the workload's. */
interface Case { fn: () => unknown; reps?: number; value?: (ms: number) => number }

/** The workloads on the backend set now, by key (the reference `js` backend: the small ones, smaller). */
function tensorgradCases(small: boolean): Map<string, Case> {
  tg.manualSeed(0);
  const cases = new Map<string, Case>();
  for (const n of sizes.filter((n) => !small || n <= 256)) {
    const a = tg.randn([n, n]);
    const b = tg.randn([n, n]);
    cases.set(`sgemm${n}`, { fn: () => tg.scope(() => void a.matmul(b)), reps: small ? 2 : undefined });
  }
  const big = 1 << (small ? 20 : 22);
  const a = tg.randn([big]);
  const b = tg.randn([big]);
  cases.set("add4M", { fn: () => tg.scope(() => void a.add(b)), value: (ms) => gbps(12 * big, ms) });
  cases.set("sum4M", { fn: () => tg.scope(() => void a.sum()), value: (ms) => gbps(4 * big, ms) });
  const one = tg.ones([1]);
  cases.set("tiny1000", { fn: () => tg.scope(() => { for (let i = 0; i < 1000; i++) one.add(one); }) });
  const x = tg.randn([64, 1, 28, 28], { requiresGrad: true });
  const w = tg.randn([6, 1, 3, 3], { requiresGrad: true });
  cases.set("conv", { fn: () => tg.scope(() => tg.nn.functional.conv2d(x, w).sum().backward()), reps: small ? 3 : undefined });
  const images = tg.randn([64, 1, 28, 28]);
  const labels = tg.randint(0, 10, [64]);
  cases.set("mlp", { fn: tgTrainStep(mlp(), images, labels), reps: small ? 3 : undefined });
  cases.set("cnn", { fn: tgTrainStep(new ConvNet(), images, labels), reps: small ? 3 : undefined });
  const cnn = new ConvNet();
  cnn.eval();
  for (const batch of [1, 256]) {
    const xb = tg.randn([batch, 1, 28, 28]);
    cases.set(`infer${batch}`, { fn: () => tg.scope(() => tg.noGrad(() => void cnn.forward(xb))), reps: small ? 3 : undefined });
  }
  if (small) return cases;
  const ids = tg.randint(0, 10000, [32, 120]);
  const target = tg.randint(0, 2, [32]).float();
  cases.set("lstm", { fn: tgTrainStep(new LstmClassifier(), ids, target, tg.nn.functional.binaryCrossEntropyWithLogits) });
  cases.set("gru", { fn: tgTrainStep(new GruClassifier(), ids, target, tg.nn.functional.binaryCrossEntropyWithLogits) });
  // PyTorch's TransformerEncoderLayer defaults but a 4·d feed-forward; Adam on the output's mean square.
  const layer = new tg.nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, batchFirst: true });
  const adam = new tg.optim.Adam(layer.parameters(), { lr: 1e-3 });
  const tokens = tg.randn([32, 64, 128]);
  cases.set("transformer", { fn: () => tg.scope(() => { adam.zeroGrad(); layer.forward(tokens).square().mean().backward(); adam.step(); }) });
  return cases;
}

const cores = os.availableParallelism();
const rounds = quick ? 1 : 3;
// Warm the JIT (and the wasm tier-up) first, so that whichever configuration runs first is not
// measured cold: a few thousand tiny ops and a few training steps.
{
  const one = tg.ones([1]);
  for (let i = 0; i < 5; i++) tg.scope(() => { for (let j = 0; j < 1000; j++) one.add(one); });
  const warm = tgTrainStep(new ConvNet(), tg.randn([64, 1, 28, 28]), tg.randint(0, 10, [64]));
  for (let i = 0; i < 5; i++) warm();
}
const configs = [
  { backend: "wasm", threads: cores },
  ...(cores > 1 ? [{ backend: "wasm", threads: 1 }] : []),
  { backend: "js", threads: 1 },
].map((config) => {
  const use = async () => {
    tg.setBackend(config.backend);
    if (config.backend !== "wasm") return;
    tg.setNumThreads(config.threads);
    await (tg.getBackend() as WasmBackend).startThreads(); // measure the pool, not its start-up
  };
  return { ...config, use };
});
const tensorgrad: { impl: string; rounds: number; cases: Map<string, Case>; use: () => Promise<void> }[] = [];
for (const config of configs) {
  await config.use();
  const simd = (tg.getBackend() as { relaxedSimd?: boolean }).relaxedSimd ? ", relaxed SIMD" : "";
  const impl = config.backend === "wasm" ? `tensorgrad wasm (${config.threads} thread${config.threads > 1 ? "s" : ""}${simd})` : "tensorgrad js";
  // The reference backend is far off the others' speed: one round of it, outside the comparison.
  tensorgrad.push({ ...config, impl, rounds: config.backend === "js" ? 1 : rounds, cases: tensorgradCases(config.backend === "js") });
}

// Today's PyTorch from the peers' environment (tools/peers.sh), or $TENSORGRAD_BENCH_PYTHON; else
// Debian's system torch, labelled with its version like every peer.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const python = peerPython("import torch", ["/usr/bin/python3"]);
if (!python) console.log("(PyTorch not available: run tools/peers.sh or set TENSORGRAD_BENCH_PYTHON; skipping it)");
const torch = python ? await TorchPeer.start(python, path.join(root, "bench", "peers", "torch_bench.py")) : undefined;
// PyTorch's OpenMP threads spin-wait for a while after each parallel region (libgomp's default), and
// ours for a few ms: each side measures only once the other's threads have gone to sleep.
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
const torchImpl = (threads: number) => `PyTorch ${torch!.version.split("+")[0]} CPU (${threads} thread${threads > 1 ? "s" : ""})`;

for (const wl of workloads) {
  const runs = new Map<string, { times: number[]; value: (ms: number) => number }>();
  const record = (impl: string, times: number[], value = wl.value) => {
    const entry = runs.get(impl) ?? { times: [], value };
    entry.times.push(...times);
    runs.set(impl, entry);
  };
  for (let round = 0; round < rounds; round++) {
    const warming = { warmup: wl.warmup ?? 2, warmupMs: round === 0 ? 1000 : 250 };
    const ours = async () => {
      for (const config of tensorgrad) {
        const c = config.cases.get(wl.key);
        if (!c || round >= config.rounds) continue;
        await config.use();
        const n = c.reps ?? Math.ceil(wl.reps / config.rounds);
        record(config.impl, await timeSamples(c.fn, { ...warming, reps: n }), c.value);
      }
    };
    const pytorch = async () => {
      for (const threads of torch ? [1, cores] : []) {
        record(torchImpl(threads), await torch!.times(wl.key, threads, { ...warming, reps: Math.ceil(wl.reps / rounds) }));
      }
    };
    // Who goes first alternates by round, so that neither side always follows the other.
    for (const side of round % 2 ? [pytorch, ours] : [ours, pytorch]) {
      await side();
      await settle();
    }
  }
  for (const [impl, { times, value }] of runs) add(wl.name, impl, value(median(times)), wl.unit, wl.higherIsBetter);
}
torch?.close();
tg.setBackend("wasm");
tg.setNumThreads(cores);

// ---- TensorFlow.js ----------------------------------------------------------------------------
const require = createRequire(import.meta.url);
setWasmPaths(`${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
for (const backend of ["cpu", "wasm"]) {
  await tf.setBackend(backend);
  await tf.ready();
  const me = `tfjs 4.22 ${backend}`;
  const pureJs = backend === "cpu";
  const time = async (fn: () => unknown, r: number) => timeMs(async () => {
    const out = tf.tidy(() => fn() as tf.Tensor);
    if (out instanceof tf.Tensor) { await out.data(); out.dispose(); }
  }, { warmup: 2, reps: r });
  for (const n of sizes.filter((n) => !pureJs || n <= 512)) {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    add(W.sgemm(n), me, gflops(n, await time(() => tf.matMul(a, b), pureJs ? 2 : reps(n))), "GFLOP/s", true);
  }
  const big = 1 << 22;
  const a = tf.randomNormal([big]);
  const b = tf.randomNormal([big]);
  add(W.add, me, gbps(12 * big, await time(() => tf.add(a, b), 15)), "GB/s", true);
  add(W.sum, me, gbps(4 * big, await time(() => tf.sum(a), 15)), "GB/s", true);
  const one = tf.ones([1]);
  add(W.tiny, me, await timeMs(() => tf.tidy(() => { for (let i = 0; i < 1000; i++) tf.add(one, one); }), { warmup: 10, reps: 7 }), "µs/op", false);

  const x = tf.randomNormal([64, 28, 28, 1]);
  const w = tf.randomNormal([3, 3, 1, 6]);
  try {
    const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, "valid").sum());
    add(W.conv, me, await timeMs(async () => { const gs = g([x, w]); await gs[1]!.data(); tf.dispose(gs); }, { warmup: 1, reps: pureJs ? 3 : 11 }), "ms", false);
  } catch (e) {
    console.log(`(${me}: conv2d backward unsupported: ${(e as Error).message.split("\n")[0]})`);
  }
  const images = tf.randomNormal([64, 28, 28, 1]);
  const labels = tf.oneHot(tf.randomUniform([64], 0, 10, "int32") as tf.Tensor1D, 10);
  for (const [name, build] of [[W.mlp, tfMlp], [W.cnn, tfConvNet]] as const) {
    try {
      add(name, me, await timeMs(tfTrainStep(build(), images, labels), { warmup: 1, reps: pureJs && name === W.cnn ? 2 : 9 }), "ms", false);
    } catch (e) {
      console.log(`(${me}: ${name} unsupported: ${(e as Error).message.split("\n")[0]})`);
    }
  }
  const cnn = tfConvNet();
  for (const batch of [1, 256]) {
    const xb = tf.randomNormal([batch, 28, 28, 1]);
    add(batch === 1 ? W.infer1 : W.infer256, me, await time(() => cnn.predict(xb), pureJs && batch === 256 ? 3 : 15), "ms", false);
  }
  // The Transformer layer from tfjs ops (≈ 2.6 GFLOP a step: pure JS only with --slow).
  if (!pureJs || slow) {
    try {
      add(W.transformer, me, await timeMs(tfTransformerStep(32, 64, 128, 4, 512, 0.1), { warmup: 1, reps: pureJs ? 2 : 5 }), "ms", false);
    } catch (e) {
      console.log(`(${me}: ${W.transformer} unsupported: ${(e as Error).message.split("\n")[0]})`);
    }
  }
  if (slow && pureJs) {
    const ids = tf.randomUniform([32, 120], 0, 10000, "int32");
    const y = tf.randomUniform([32, 1]).round();
    for (const [name, rnn] of [[W.lstm, tf.layers.lstm({ units: 32 })], [W.gru, tf.layers.gru({ units: 32 })]] as const) {
      const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10000, outputDim: 16, inputLength: 120 }), rnn, tf.layers.dense({ units: 1, activation: "sigmoid" })] });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: "binaryCrossentropy" });
      add(name, me, 1000 / (await timeMs(() => model.trainOnBatch(ids, y), { warmup: 1, reps: 2 })), "steps/s", true);
    }
  }
}

const order = Object.values(W).flatMap((w) => (typeof w === "function" ? sizes.map(w) : [w]));
rows.sort((x, y) => order.indexOf(x.workload) - order.indexOf(y.workload));
report("suite", rows);
