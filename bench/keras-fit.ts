/**
 * The Keras user's yardstick (`npm run bench:keras`): one `fit` epoch of the seed's B.1 MLP on the
 * 60,000 Fashion-MNIST training images and of its B.3 LSTM (Embedding(10000, 16) → LSTM(32) →
 * Dense(1, sigmoid)) on IMDB's shape — 20,000 reviews of 120 word ids, the training part of
 * `validation_split=0.2` — both at Keras' default batch 32 with Adam, in `tg.keras` and in Keras 3 on
 * TensorFlow (the peers' environment of tools/peers.sh, or $TENSORGRAD_BENCH_PYTHON), on the same
 * arrays, at 1 and all threads. Each side's first epoch (tracing, JIT) is not timed; medians of
 * the next. Needs Debian's dataset-fashion-mnist (sh tools/system-deps.sh).
 *
 *   npx tsx bench/keras-fit.ts [--epochs N] [--out DIR]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";
import type { WasmBackend } from "../dist/backend/wasm/index.js";
import { median, peerPython, report, type Row } from "./harness.js";

const { values: args } = parseArgs({ options: { epochs: { type: "string", default: "2" }, out: { type: "string" } } });
const epochs = Number(args.epochs);
const { keras } = tg;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const rows: Row[] = [];
const W = { mlp: "B.1 MLP fit epoch, Fashion-MNIST 60,000", lstm: "B.3 LSTM fit epoch, 20,000 × 120 ids" };

// The same arrays for both sides, written once.
tg.manualSeed(0);
const fashion = new tg.data.FashionMNIST({ train: true });
const mlpData = { x: fashion.images().reshape(fashion.length, 28, 28).contiguous(), y: fashion.targets().int() };
const lstmData = { x: tg.randint(0, 10000, [20000, 120]).int(), y: tg.randint(0, 2, [20000]).float() };
const dir = mkdtempSync(path.join(os.tmpdir(), "tg-keras-fit-"));
tg.io.saveSafetensors(path.join(dir, "mlp.safetensors"), mlpData);
tg.io.saveSafetensors(path.join(dir, "lstm.safetensors"), lstmData);

/** Median seconds of `epochs` fit epochs after an untimed first one. */
function epochSeconds(model: tg.keras.Sequential, x: tg.Tensor, y: tg.Tensor): number {
  const times: number[] = [];
  for (let e = 0; e <= epochs; e++) {
    const t = performance.now();
    model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    times.push((performance.now() - t) / 1000);
  }
  return median(times.slice(1));
}

const cores = os.availableParallelism();
for (const threads of [...new Set([1, cores])]) {
  tg.setNumThreads(threads);
  await (tg.getBackend() as WasmBackend).startThreads();
  const me = `tensorgrad wasm (${threads} thread${threads > 1 ? "s" : ""})`;
  tg.manualSeed(0);
  const mlp = new keras.Sequential([
    new keras.Flatten({ inputShape: [28, 28] }),
    new keras.Dense(128, { activation: "relu" }),
    new keras.Dense(64, { activation: "relu" }),
    new keras.Dense(10, { activation: "softmax" }),
  ]);
  mlp.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  rows.push({ workload: W.mlp, impl: me, value: epochSeconds(mlp, mlpData.x, mlpData.y), unit: "s", higherIsBetter: false });
  const lstm = new keras.Sequential([new keras.Embedding(10000, 16, { inputShape: [120] }), new keras.LSTM(32), new keras.Dense(1, { activation: "sigmoid" })]);
  lstm.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  rows.push({ workload: W.lstm, impl: me, value: epochSeconds(lstm, lstmData.x, lstmData.y), unit: "s", higherIsBetter: false });
}

const python = peerPython("import keras, tensorflow");
if (!python) console.log("(Keras/TensorFlow not available: run tools/peers.sh or set TENSORGRAD_BENCH_PYTHON; skipping it)");
for (const threads of python ? [...new Set([1, cores])] : []) {
  const script = path.join(root, "bench", "peers", "keras_bench.py");
  const r = JSON.parse(execFileSync(python!, [script, String(threads), dir, String(epochs)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as { mlp: number; lstm: number; version: string };
  const me = `${r.version} (${threads} thread${threads > 1 ? "s" : ""})`;
  rows.push({ workload: W.mlp, impl: me, value: r.mlp, unit: "s", higherIsBetter: false });
  rows.push({ workload: W.lstm, impl: me, value: r.lstm, unit: "s", higherIsBetter: false });
}
rmSync(dir, { recursive: true, force: true });
report("keras-fit", rows);
