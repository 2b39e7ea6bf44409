/**
 * The GPU yardstick (`npm run bench:webgpu`): tensorgrad's webgpu backend against TensorFlow.js'
 * WebGPU backend (@tensorflow/tfjs-backend-webgpu) on the same adapter in the same process (both
 * on one Dawn instance from the `webgpu` package): SGEMM at several sizes and the seed's MLP
 * training step (784 → 128 → 64 → 10, batch 64, Adam). Each repetition ends with a read of the
 * result, so the time includes the GPU's work and one readback on both sides.
 *
 * On lavapipe (Mesa's software Vulkan, CI's adapter) these are CPU timings in disguise: quote
 * the ratios only. On a GPU, the table names the adapter.
 *
 *   npx tsx bench/webgpu.ts [--large] [--out DIR]      (--large adds SGEMM 2048 and 4096)
 */
import { parseArgs } from "node:util";
import { create, globals } from "webgpu";
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";

const { values: args } = parseArgs({ options: { large: { type: "boolean", default: false }, out: { type: "string" } } });

// One Dawn instance for both libraries: tensorgrad takes navigator.gpu where it exists, as tfjs does.
Object.assign(globalThis, globals);
const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as object;
Object.defineProperty(nav, "gpu", { value: create([]), configurable: true });
const tf = await import("@tensorflow/tfjs"); // with the gradients (tfjs-core alone has none)
await import("@tensorflow/tfjs-backend-webgpu");
await tf.setBackend("webgpu");
const gpu = (await tg.device("webgpu")) as unknown as { gpu: { description: string } };
const adapter = gpu.gpu.description;
console.log(`adapter: ${adapter}`);

const rows: Row[] = [];
const ours = "tensorgrad webgpu";
const theirs = `tfjs-backend-webgpu ${tf.version_core}`;

for (const n of args.large ? [256, 512, 1024, 2048, 4096] : [256, 512, 1024]) {
  const workload = `SGEMM n=${n}`;
  const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
  const opts = { warmup: 1, reps: n >= 2048 ? 3 : 5, warmupMs: 0 };
  const [a, b] = [tg.randn([n, n], { device: "webgpu" }), tg.randn([n, n], { device: "webgpu" })];
  rows.push({ workload, impl: ours, value: gflops(await timeMs(() => a.matmul(b).data(), opts)), unit: "GFLOP/s", higherIsBetter: true });
  const [ta, tb] = [tf.randomNormal([n, n]), tf.randomNormal([n, n])];
  rows.push({ workload, impl: theirs, value: gflops(await timeMs(async () => {
    const c = tf.matMul(ta, tb);
    await c.data();
    c.dispose();
  }, opts)), unit: "GFLOP/s", higherIsBetter: true });
}

// The seed's MLP: a training step on a batch of 64.
{
  const workload = "MLP train step, batch 64";
  const opts = { warmup: 3, reps: 10, warmupMs: 0 };
  tg.manualSeed(0);
  const model = new tg.nn.Sequential(new tg.nn.Linear(784, 128), new tg.nn.ReLU(), new tg.nn.Linear(128, 64), new tg.nn.ReLU(), new tg.nn.Linear(64, 10));
  model.to("webgpu");
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = tg.randn([64, 784], { device: "webgpu" });
  const y = tg.randint(0, 10, [64]).to("webgpu");
  rows.push({ workload, impl: ours, value: await timeMs(() => {
    opt.zeroGrad();
    const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.data();
  }, opts), unit: "ms", higherIsBetter: false });

  const dense = (i: number, o: number) => [tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(1 / i))), tf.variable(tf.zeros([o]))] as const;
  const layers = [dense(784, 128), dense(128, 64), dense(64, 10)];
  const tx = tf.randomNormal([64, 784]);
  const ty = tf.oneHot(tf.randomUniform([64], 0, 10, "int32"), 10);
  const topt = tf.train.adam(1e-3);
  const forward = () => layers.reduce((h: import("@tensorflow/tfjs").Tensor, [w, b], i) => {
    const z = tf.add(tf.matMul(h, w), b);
    return i < layers.length - 1 ? tf.relu(z) : z;
  }, tx);
  rows.push({ workload, impl: theirs, value: await timeMs(async () => {
    const loss = topt.minimize(() => tf.losses.softmaxCrossEntropy(ty, forward() as import("@tensorflow/tfjs").Tensor2D), true)!;
    await loss.data();
    loss.dispose();
  }, opts), unit: "ms", higherIsBetter: false });
}

console.log(`adapter: ${adapter}`);
report("webgpu", rows);
