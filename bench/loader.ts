/**
 * Data loading against compute: batches per second of the DataLoader alone (EmbeddedMNIST, batch
 * 64, shuffled) beside the seed CNN's training step on the same batches, and the epoch time with
 * `for await` prefetching. Loading is worth overlapping only if it is a visible share of a step.
 *
 *   npx tsx bench/loader.ts
 */
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";
import { ConvNet } from "./models.js";

const { nn, data } = tg;
tg.manualSeed(0);
const dataset = new data.EmbeddedMNIST({ train: true });
const loader = new data.DataLoader(dataset, { batchSize: 64, shuffle: true });
const rows: Row[] = [];

const batches = 30;
const loadMs = await timeMs(() => {
  let n = 0;
  for (const _ of loader) if (++n === batches) break;
}, { warmup: 1, reps: 3 });
rows.push({ workload: "batches/s (batch 64)", impl: "tensorgrad DataLoader alone", value: (batches * 1000) / loadMs, unit: "batches/s", higherIsBetter: true });

const net = new ConvNet();
const opt = new tg.optim.Adam(net.parameters());
const [x, y] = [...loader][0] as [tg.Tensor, tg.Tensor];
const stepMs = await timeMs(() => {
  opt.zeroGrad();
  nn.functional.crossEntropy(net.forward(x), y).backward();
  opt.step();
}, { warmup: 1, reps: 5 });
rows.push({ workload: "batches/s (batch 64)", impl: "seed CNN training step", value: 1000 / stepMs, unit: "batches/s", higherIsBetter: true });
console.log(`loading is ${((100 * loadMs) / batches / stepMs).toFixed(1)}% of a training step's time`);
report("loader", rows);
