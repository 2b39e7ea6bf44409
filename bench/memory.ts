/**
 * Memory over a long training run: the seed CNN on the embedded MNIST, written as in
 * examples/cnn-mnist.ts (a tg.scope per step, the batch disposed after it), on the wasm backend.
 * Prints, every `--every` steps, the bytes the wasm heap has handed out and not freed, the size of
 * the WebAssembly memory, the process RSS and JS heap, and the collections the heap asked for; the run is flat
 * when those stop growing. `--unscoped` writes the loop PyTorch-style instead, with no scope and
 * no dispose, so that the garbage is left to the heap's synchronous collections.
 *
 *   npx tsx bench/memory.ts [--steps 10000] [--every 1000] [--unscoped]
 */
import * as tg from "tensorgrad";
import type { WasmBackend } from "../dist/backend/wasm/index.js";
import { ConvNet } from "./models.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg("steps", 10000);
const every = arg("every", 1000);
const unscoped = process.argv.includes("--unscoped");
tg.setBackend("wasm");
const backend = tg.getBackend() as WasmBackend;
const heap = backend.heap;
tg.manualSeed(0);
const train = new tg.data.EmbeddedMNIST({ train: true });
const loader = new tg.data.DataLoader(train, { batchSize: 64, shuffle: true, dropLast: true });
const model = new ConvNet();
const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
const criterion = new tg.nn.CrossEntropyLoss();
const mib = (b: number) => (b / 2 ** 20).toFixed(1).padStart(7);
console.log(`${unscoped ? "unscoped" : "scoped"} loop`);
console.log("   step   heap live MiB   wasm memory MiB   RSS MiB   JS heap MiB   loss    ms/step   collections (ms each)");
let step = 0;
let last = performance.now();
while (step < steps) {
  for (const [images, labels] of loader) {
    const train = () => {
      opt.zeroGrad();
      const l = criterion.forward(model.forward(images), labels);
      l.backward();
      opt.step();
      return l.item();
    };
    const loss = unscoped ? train() : tg.scope(train);
    if (!unscoped) {
      images.dispose();
      labels.dispose();
    }
    if (++step % every === 0 || step === 1) {
      const now = performance.now();
      const ms = step === 1 ? now - last : (now - last) / every;
      last = now;
      console.log(`${String(step).padStart(7)}   ${mib(heap.live)}         ${mib(heap.memory.buffer.byteLength)}          ${mib(process.memoryUsage().rss)}   ${mib(process.memoryUsage().heapUsed)}       ${loss.toFixed(3)}  ${ms.toFixed(1).padStart(7)}   ${String(backend.reclaimer.collections).padStart(11)} (${(backend.reclaimer.collectionMs / Math.max(1, backend.reclaimer.collections)).toFixed(1)})`);
    }
    if (step >= steps) break;
  }
}
