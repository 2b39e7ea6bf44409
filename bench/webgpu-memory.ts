/**
 * GPU memory over a long training run: the seed CNN on the embedded MNIST on the webgpu backend,
 * written as examples/cnn-mnist.ts (a tg.scope per step; the batch moves to the GPU inside it).
 * Prints, every `--every` steps, the GPU buffers created so far, the bytes in use and pooled (the
 * pool serves every request once the first steps have run: then all three stay flat), the process
 * RSS, and the loss (the only read, every `--every` steps).
 *
 *   npx tsx bench/webgpu-memory.ts [--steps 10000] [--every 250]
 */
import * as tg from "tensorgrad";
import { ConvNet } from "./models.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg("steps", 10000);
const every = arg("every", 250);
const gpu = await tg.device("webgpu");
const pool = (gpu as unknown as { pool: { created: number; bytesInUse: number; bytesPooled: number } }).pool;
tg.manualSeed(0);
const loader = new tg.data.DataLoader(new tg.data.EmbeddedMNIST({ train: true }), { batchSize: 64, shuffle: true, dropLast: true });
const model = new ConvNet().to("webgpu");
const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
const criterion = new tg.nn.CrossEntropyLoss();
const mib = (b: number) => (b / 2 ** 20).toFixed(1).padStart(8);
console.log("   step   buffers created   in use MiB   pooled MiB   RSS MiB    loss   ms/step");
let step = 0;
let last = performance.now();
const first: number[] = [];
while (step < steps) {
  for (const [images, labels] of loader) {
    const loss = tg.scope(() => {
      opt.zeroGrad();
      const l = criterion.forward(model.forward(images.toBackend(gpu)), labels.toBackend(gpu));
      l.backward();
      opt.step();
      return l.detach();
    });
    images.dispose();
    labels.dispose();
    if (++step % every === 0 || step === 10) {
      const value = await loss.itemAsync();
      const now = performance.now();
      const ms = (now - last) / (step === 10 ? 10 : every);
      last = now;
      if (step === 10) first.push(pool.created, pool.bytesInUse + pool.bytesPooled);
      console.log(`${String(step).padStart(7)}   ${String(pool.created).padStart(15)}   ${mib(pool.bytesInUse)}     ${mib(pool.bytesPooled)}   ${mib(process.memoryUsage().rss)}   ${value.toFixed(3)}  ${ms.toFixed(1).padStart(7)}`);
    }
    loss.dispose();
    if (step >= steps) break;
  }
}
const growth = pool.created - first[0]!;
console.log(`after step 10: ${growth} buffers created, ${((pool.bytesInUse + pool.bytesPooled - first[1]!) / 2 ** 20).toFixed(1)} MiB more GPU memory held`);
