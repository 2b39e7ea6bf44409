/**
 * Memory over a long training run: the seed CNN on the embedded MNIST, written as in
 * examples/cnn-mnist.ts (a tg.scope per step, the batch disposed after it), on the wasm backend.
 * Prints, every `--every` steps, the bytes the wasm heap has handed out and not freed, the size of
 * the WebAssembly memory, and the process RSS; the run is flat when those stop growing.
 *
 *   npx tsx bench/memory.ts [--steps 10000] [--every 1000]
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
tg.setBackend("wasm");
const heap = (tg.getBackend() as WasmBackend).heap;
tg.manualSeed(0);
const train = new tg.data.EmbeddedMNIST({ train: true });
const loader = new tg.data.DataLoader(train, { batchSize: 64, shuffle: true, dropLast: true });
const model = new ConvNet();
const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
const criterion = new tg.nn.CrossEntropyLoss();
const mib = (b: number) => (b / 2 ** 20).toFixed(1).padStart(7);
console.log("   step   heap live MiB   wasm memory MiB   RSS MiB   loss    ms/step");
let step = 0;
let last = performance.now();
while (step < steps) {
  for (const [images, labels] of loader as Iterable<[tg.Tensor, tg.Tensor]>) {
    const loss = tg.scope(() => {
      opt.zeroGrad();
      const l = criterion.forward(model.forward(images), labels);
      l.backward();
      opt.step();
      return l.item();
    });
    images.dispose();
    labels.dispose();
    if (++step % every === 0 || step === 1) {
      const now = performance.now();
      const ms = step === 1 ? now - last : (now - last) / every;
      last = now;
      console.log(`${String(step).padStart(7)}   ${mib(heap.live)}         ${mib(heap.memory.buffer.byteLength)}          ${mib(process.memoryUsage().rss)}   ${loss.toFixed(3)}  ${ms.toFixed(1)}`);
    }
    if (step >= steps) break;
  }
}
