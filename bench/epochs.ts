/**
 * The seed's training loops as a user runs them (`npm run bench:epochs`): one epoch on the 60,000
 * Fashion-MNIST training images, data loading included — the dataset yields one [1, 28, 28] image
 * in [0, 1] at a time, a shuffling DataLoader stacks them — with Adam, cross-entropy and the loss
 * read every step (the seed's `running_loss += loss.item()`), for the B.1 MLP at Keras' batch 32 and
 * the B.2 ConvNet at its batch 64. Beside it: PyTorch with torchvision's FashionMNIST and ToTensor
 * (bench/peers/epoch_bench.py, the peers' environment of tools/peers.sh) and TensorFlow.js's
 * `model.fit` on the same images held as tensors (tfjs has no IDX dataset; its pure-JS backend is
 * timed on the first batches and scaled to the epoch, as a whole one would take minutes). Each
 * side's first epoch is not timed; medians of the next. Needs Debian's dataset-fashion-mnist
 * (sh tools/system-deps.sh).
 *
 *   npx tsx bench/epochs.ts [--epochs N] [--out DIR]
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tg from "tensorgrad";
import type { WasmBackend } from "../dist/backend/wasm/index.js";
import { median, peerPython, report, type Row } from "./harness.js";
import { ConvNet, mlp, tfConvNet, tfMlp } from "./models.js";

const { values: args } = parseArgs({ options: { epochs: { type: "string", default: "2" }, out: { type: "string" } } });
const epochs = Number(args.epochs);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const rows: Row[] = [];
const W = { mlp: "B.1 MLP epoch, batch 32", cnn: "B.2 CNN epoch, batch 64", load: "Fashion-MNIST training set, open" };
const workloads = [
  { name: W.mlp, batchSize: 32, tg: mlp, tf: tfMlp },
  { name: W.cnn, batchSize: 64, tg: () => new ConvNet(), tf: tfConvNet },
];

/** Median seconds of `epochs` epochs after an untimed first one. */
function medianEpoch(runEpoch: () => unknown): number {
  const times: number[] = [];
  for (let e = 0; e <= epochs; e++) {
    const t = performance.now();
    runEpoch();
    times.push((performance.now() - t) / 1000);
  }
  return median(times.slice(1));
}

// ---- tensorgrad: the seed's loop, written as examples/cnn-mnist.ts writes it --------------------
const cores = os.availableParallelism();
let t = performance.now();
const fashion = new tg.data.FashionMNIST({ train: true });
rows.push({ workload: W.load, impl: "tensorgrad data.FashionMNIST", value: (performance.now() - t) / 1000, unit: "s", higherIsBetter: false });
for (const threads of [...new Set([cores, 1])]) {
  tg.setNumThreads(threads);
  await (tg.getBackend() as WasmBackend).startThreads();
  const me = `tensorgrad wasm (${threads} thread${threads > 1 ? "s" : ""})`;
  for (const w of workloads) {
    tg.manualSeed(0);
    const model = w.tg();
    const loader = new tg.data.DataLoader(fashion, { batchSize: w.batchSize, shuffle: true });
    const criterion = new tg.nn.CrossEntropyLoss();
    const optimizer = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
    const seconds = medianEpoch(() => {
      let runningLoss = 0;
      for (const [images, labels] of loader) {
        runningLoss += tg.scope(() => {
          optimizer.zeroGrad();
          const loss = criterion.forward(model.forward(images), labels);
          loss.backward();
          optimizer.step();
          return loss.item();
        });
        images.dispose();
        labels.dispose();
      }
      return runningLoss;
    });
    rows.push({ workload: w.name, impl: me, value: seconds, unit: "s", higherIsBetter: false });
  }
}

// ---- TensorFlow.js: model.fit on the images as tensors --------------------------------------------
const require = createRequire(import.meta.url);
setWasmPaths(`${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
const images = fashion.images().reshape(fashion.length, 28, 28, 1);
const pixels = Float32Array.from(images.contiguous().dataSync());
const classes = Int32Array.from(fashion.targets().dataSync());
for (const backend of ["wasm", "cpu"]) {
  await tf.setBackend(backend);
  await tf.ready();
  const tfImages = tf.tensor4d(pixels, [fashion.length, 28, 28, 1]);
  const tfLabels = tf.oneHot(tf.tensor1d(classes, "int32"), 10);
  for (const w of workloads) {
    // The pure-JS backend runs a scaled-down epoch: the first `part` images, scaled to 60,000.
    const part = backend === "cpu" ? w.batchSize * (w.name === W.cnn ? 4 : 40) : fashion.length;
    const me = `tfjs 4.22 ${backend}${part < fashion.length ? ` (${part / w.batchSize} batches, scaled)` : ""}`;
    const model = w.tf();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
    const x = tfImages.slice(0, part);
    const y = tfLabels.slice(0, part);
    try {
      const times: number[] = [];
      for (let e = 0; e <= (part < fashion.length ? 1 : epochs); e++) {
        const t0 = performance.now();
        await model.fit(x, y, { batchSize: w.batchSize, epochs: 1, shuffle: true, verbose: 0 });
        times.push(((performance.now() - t0) / 1000) * (fashion.length / part));
      }
      rows.push({ workload: w.name, impl: me, value: median(times.slice(1)), unit: "s", higherIsBetter: false });
    } catch (e) {
      console.log(`(${me}: ${w.name} unsupported: ${(e as Error).message.split("\n")[0]})`);
    }
    tf.dispose([x, y]);
    model.dispose();
  }
  tf.dispose([tfImages, tfLabels]);
}

// ---- PyTorch: the seed's loop with torchvision's dataset ------------------------------------------
const python = peerPython('import importlib.util, torch; assert importlib.util.find_spec("torchvision")');
if (!python) console.log("(PyTorch with torchvision not available: run tools/peers.sh or set TENSORGRAD_BENCH_PYTHON; skipping it)");
if (python) {
  // torchvision reads the uncompressed IDX files from ROOT/FashionMNIST/raw.
  const dir = mkdtempSync(path.join(os.tmpdir(), "tg-epochs-"));
  const raw = path.join(dir, "FashionMNIST", "raw");
  mkdirSync(raw, { recursive: true });
  const debian = tg.data.DEBIAN_FASHION_MNIST;
  for (const f of readdirSync(debian).filter((f) => f.endsWith(".gz"))) writeFileSync(path.join(raw, f.slice(0, -3)), gunzipSync(readFileSync(path.join(debian, f))));
  // PyTorch's CPU allocator is malloc, and glibc hands freed blocks of activations back to the OS
  // (munmap, heap trimming): each step then faults them in again. Where a page fault is dear (12 µs
  // on a Firecracker VM) that made its CNN epoch vary 5.5–26 s; keeping freed memory (one fixed
  // mmap and trim threshold) gives it a steady 6.3–6.5 s, so the peer runs at its best.
  const KEEP_FREED_MEMORY = "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295";
  for (const threads of [...new Set([1, cores])]) {
    const r = JSON.parse(execFileSync(python, [path.join(root, "bench", "peers", "epoch_bench.py"), String(threads), dir, String(epochs)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, GLIBC_TUNABLES: KEEP_FREED_MEMORY } })) as Record<string, number> & { version: string; torchvision: string };
    const me = `PyTorch ${r.version.split("+")[0]} CPU, torchvision ${r.torchvision.split("+")[0]} (${threads} thread${threads > 1 ? "s" : ""})`;
    rows.push({ workload: W.mlp, impl: me, value: r.mlp!, unit: "s", higherIsBetter: false });
    rows.push({ workload: W.cnn, impl: me, value: r.cnn!, unit: "s", higherIsBetter: false });
    if (threads === 1) rows.push({ workload: W.load, impl: `torchvision ${r.torchvision.split("+")[0]} datasets.FashionMNIST`, value: r.load!, unit: "s", higherIsBetter: false });
  }
  rmSync(dir, { recursive: true, force: true });
}
const order = Object.values(W);
rows.sort((a, b) => order.indexOf(a.workload) - order.indexOf(b.workload));
report("epochs", rows);
