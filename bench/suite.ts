/**
 * The benchmark suite (`npm run bench`, `npx tensorgrad bench`): the same workloads on tensorgrad
 * (wasm backend on all cores and on one; the reference `js` backend on the small ones), TensorFlow.js 4.22 (pure-JS `cpu`
 * and XNNPACK `wasm` backends) and PyTorch on CPU (1 thread and all threads): today's from the
 * peers' environment of tools/peers.sh (or $TENSORGRAD_BENCH_PYTHON), else Debian's, each row
 * naming its version. Prints medians with tensorgrad/peer ratios and writes
 * bench/results/latest/suite.json (--out bench/results publishes it for tools/bench-table.ts). Workloads a peer cannot run (tfjs-wasm has no conv-filter or embedding
 * gradient) are listed as such; the slow pure-JS LSTM and GRU (≈90 s a step) run only with --slow.
 *
 *   npx tsx bench/suite.ts [--quick] [--slow] [--device cpu|webgpu]
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tg from "tensorgrad";
import type { WasmBackend } from "../dist/backend/wasm/index.js";
import { peerPython, report, timeMs, type Row } from "./harness.js";
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

// ---- tensorgrad -------------------------------------------------------------------------------
const cores = os.availableParallelism();
const configs = [
  { backend: "wasm", threads: cores },
  ...(cores > 1 ? [{ backend: "wasm", threads: 1 }] : []),
  { backend: "js", threads: 1 },
];
// Warm the JIT (and the wasm tier-up) first, so that whichever configuration runs first is not
// measured cold: a few thousand tiny ops and a few training steps.
{
  const one = tg.ones([1]);
  for (let i = 0; i < 5; i++) tg.scope(() => { for (let j = 0; j < 1000; j++) one.add(one); });
  const warm = tgTrainStep(new ConvNet(), tg.randn([64, 1, 28, 28]), tg.randint(0, 10, [64]));
  for (let i = 0; i < 5; i++) warm();
}
for (const { backend, threads } of configs) {
  tg.setBackend(backend);
  if (backend === "wasm") {
    tg.setNumThreads(threads);
    await (tg.getBackend() as WasmBackend).startThreads(); // measure the pool, not its start-up
  }
  const simd = (tg.getBackend() as { relaxedSimd?: boolean }).relaxedSimd ? ", relaxed SIMD" : "";
  const me = backend === "wasm" ? `tensorgrad wasm (${threads} thread${threads > 1 ? "s" : ""}${simd})` : "tensorgrad js";
  const small = backend === "js";
  tg.manualSeed(0);
  for (const n of sizes.filter((n) => !small || n <= 256)) {
    const a = tg.randn([n, n]);
    const b = tg.randn([n, n]);
    add(W.sgemm(n), me, gflops(n, await timeMs(() => tg.scope(() => void a.matmul(b)), { warmup: 3, reps: small ? 2 : reps(n) })), "GFLOP/s", true);
  }
  const big = 1 << (small ? 20 : 22);
  const a = tg.randn([big]);
  const b = tg.randn([big]);
  add(W.add, me, gbps(12 * big, await timeMs(() => tg.scope(() => void a.add(b)), { reps: 15 })), "GB/s", true);
  add(W.sum, me, gbps(4 * big, await timeMs(() => tg.scope(() => void a.sum()), { reps: 15 })), "GB/s", true);
  const one = tg.ones([1]);
  // Ten warm-up rounds: after other workloads the JIT re-optimises the op path for a few thousand
  // calls (measured: 12.5, 6.4, then a steady 2.5 µs), and the steady state is what we compare.
  const tinyMs = await timeMs(() => tg.scope(() => { for (let i = 0; i < 1000; i++) one.add(one); }), { warmup: 10, reps: 7 });
  add(W.tiny, me, tinyMs, "µs/op", false);

  const x = tg.randn([64, 1, 28, 28], { requiresGrad: true });
  const w = tg.randn([6, 1, 3, 3], { requiresGrad: true });
  add(W.conv, me, await timeMs(() => tg.scope(() => tg.nn.functional.conv2d(x, w).sum().backward()), { reps: small ? 3 : 11 }), "ms", false);
  const images = tg.randn([64, 1, 28, 28]);
  const labels = tg.randint(0, 10, [64]);
  add(W.mlp, me, await timeMs(tgTrainStep(mlp(), images, labels), { warmup: 3, reps: small ? 3 : 21 }), "ms", false);
  const cnn = new ConvNet();
  add(W.cnn, me, await timeMs(tgTrainStep(cnn, images, labels), { warmup: 3, reps: small ? 3 : 21 }), "ms", false);
  cnn.eval();
  for (const batch of [1, 256]) {
    const xb = tg.randn([batch, 1, 28, 28]);
    add(batch === 1 ? W.infer1 : W.infer256, me, await timeMs(() => tg.scope(() => tg.noGrad(() => void cnn.forward(xb))), { reps: small ? 3 : 21 }), "ms", false);
  }
  if (!small) {
    const ids = tg.randint(0, 10000, [32, 120]);
    const target = tg.randint(0, 2, [32]).float();
    const step = tgTrainStep(new LstmClassifier(), ids, target, tg.nn.functional.binaryCrossEntropyWithLogits);
    add(W.lstm, me, 1000 / (await timeMs(step, { warmup: 2, reps: quick ? 3 : 7 })), "steps/s", true);
    const gruStep = tgTrainStep(new GruClassifier(), ids, target, tg.nn.functional.binaryCrossEntropyWithLogits);
    add(W.gru, me, 1000 / (await timeMs(gruStep, { warmup: 2, reps: quick ? 3 : 7 })), "steps/s", true);
    // PyTorch's TransformerEncoderLayer defaults but a 4·d feed-forward; Adam on the output's mean square.
    const layer = new tg.nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, batchFirst: true });
    const adam = new tg.optim.Adam(layer.parameters(), { lr: 1e-3 });
    const tokens = tg.randn([32, 64, 128]);
    const layerStep = () => tg.scope(() => { adam.zeroGrad(); layer.forward(tokens).square().mean().backward(); adam.step(); });
    add(W.transformer, me, await timeMs(layerStep, { warmup: 2, reps: quick ? 3 : 11 }), "ms", false);
  }
}
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

// ---- PyTorch ------------------------------------------------------------------------------------
// Today's PyTorch from the peers' environment (tools/peers.sh), or $TENSORGRAD_BENCH_PYTHON; else
// Debian's system torch, labelled with its version like every peer.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const torchScript = path.join(root, "bench", "peers", "torch_bench.py");
const python = peerPython("import torch", ["/usr/bin/python3"]);
if (!python) console.log("(PyTorch not available: run tools/peers.sh or set TENSORGRAD_BENCH_PYTHON; skipping it)");
for (const threads of python ? [1, cores] : []) {
  const r = JSON.parse(execFileSync(python!, [torchScript, String(threads), sizes.join(",")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as Record<string, number> & { version: string };
  const me = `PyTorch ${r.version.split("+")[0]} CPU (${threads} thread${threads > 1 ? "s" : ""})`;
  for (const n of sizes) add(W.sgemm(n), me, gflops(n, r[`sgemm${n}`]!), "GFLOP/s", true);
  add(W.add, me, gbps(12 << 22, r.add4M!), "GB/s", true);
  add(W.sum, me, gbps(4 << 22, r.sum4M!), "GB/s", true);
  add(W.tiny, me, r.tiny1000!, "µs/op", false);
  add(W.conv, me, r.conv!, "ms", false);
  add(W.mlp, me, r.mlp!, "ms", false);
  add(W.cnn, me, r.cnn!, "ms", false);
  add(W.infer1, me, r.infer1!, "ms", false);
  add(W.infer256, me, r.infer256!, "ms", false);
  add(W.lstm, me, 1000 / r.lstm!, "steps/s", true);
  add(W.gru, me, 1000 / r.gru!, "steps/s", true);
  add(W.transformer, me, r.transformer!, "ms", false);
}

const order = Object.values(W).flatMap((w) => (typeof w === "function" ? sizes.map(w) : [w]));
rows.sort((x, y) => order.indexOf(x.workload) - order.indexOf(y.workload));
report("suite", rows);
