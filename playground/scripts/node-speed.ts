/**
 * The playground's training loops in Node, for the "steps/s in the page vs in Node" comparison:
 * the very trainers the pages' workers run (same models, batches and thread counts), timed for a
 * few seconds each after a warm-up. The page's numbers come from the browser tests
 * (test/playground), which print them.
 *
 *   npx tsx --tsconfig playground/tsconfig.json playground/scripts/node-speed.ts [--seconds 5]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import * as tg from "tensorgrad";
import { ClassifierTrainer } from "../src/classify/trainer.js";
import { makeDataset } from "../src/classify/datasets.js";
import { GRID } from "../src/classify/protocol.js";
import { splitDigits } from "../src/common/mnist-digits.js";
import { MnistTrainer } from "../src/mnist/trainer.js";
import { CharGPTTrainer } from "../src/text/trainer.js";
import { KarateTrainer } from "../src/graph/trainer.js";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "5" } } });
const seconds = Number(args.seconds);
const data = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "public", "data");

/** Steps per second of `step` over `seconds`, after a one-second warm-up. */
function rate(step: () => unknown): number {
  for (const t0 = performance.now(); performance.now() - t0 < 1000; ) step();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    step();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const rows: [string, number, number][] = [];
const measure = (page: string, threads: number, step: () => unknown) => {
  tg.setNumThreads(threads);
  rows.push([page, threads, rate(step)]);
  console.log(`${page}: ${rows.at(-1)![2].toFixed(1)} steps/s on ${threads} thread${threads > 1 ? "s" : ""}`);
};
const cores = Math.min(navigator.hardwareConcurrency, tg.getNumThreads());

const classify = new ClassifierTrainer({ hidden: [16, 16], activation: "tanh", optimizer: "adam", lr: 0.01 }, 0, GRID);
classify.setData(makeDataset("spiral"));
measure("classify (full-batch MLP step)", 1, () => classify.step());

const digits = splitDigits(new Uint8Array(gunzipSync(readFileSync(path.join(data, "mnist.bin.gz")))), "mnist.bin.gz");
const mnist = new MnistTrainer(digits.train, digits.test);
measure("mnist (CNN step, batch 64)", cores, () => mnist.step());

const text = new CharGPTTrainer(readFileSync(path.join(data, "moby-dick.txt"), "utf8"));
measure("text (GPT step, batch 16 × 64)", cores, () => text.step());

const karate = new KarateTrainer(0);
measure("graph (GCN epoch)", 1, () => karate.step());

tg.setNumThreads(1);
const { agent } = tg.rl.fromZoo("ppo", "CartPole-v1", 0);
const t0 = performance.now();
agent.learn({ totalTimesteps: 20_000 });
rows.push(["rl (PPO environment steps)", 1, 20_000 / ((performance.now() - t0) / 1000)]);
console.log(`rl (PPO environment steps): ${rows.at(-1)![2].toFixed(0)} steps/s on 1 thread`);
console.log(`\n| page | threads | steps/s in Node ${process.version} |\n|---|---:|---:|\n${rows.map(([p, t, r]) => `| ${p} | ${t} | ${r.toFixed(1)} |`).join("\n")}`);
