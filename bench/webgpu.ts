/**
 * The GPU yardstick (`npm run bench:webgpu`): tensorgrad's webgpu backend against TensorFlow.js'
 * WebGPU backend (@tensorflow/tfjs-backend-webgpu) on the same adapter in the same process (both
 * on one Dawn instance from the `webgpu` package): SGEMM at several sizes, and training steps of
 * the seed's MLP and CNN (batch 64, Adam) and of a Transformer encoder layer. Each repetition
 * ends with a read of the result, so the time includes the GPU's work and one readback on both
 * sides. `npm run bench -- --device webgpu` runs this file.
 *
 * On lavapipe (Mesa's software Vulkan, CI's adapter) these are CPU timings in disguise: quote
 * the ratios only. On a GPU, the table names the adapter.
 *
 *   npx tsx bench/webgpu.ts [--large] [--out DIR]      (--large adds SGEMM 2048 and 4096)
 *   npm run bench -- --device webgpu [--large]
 */
import type { Tensor as TfTensor } from "@tensorflow/tfjs";
import { parseArgs } from "node:util";
import { create, globals } from "webgpu";
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";
import { ConvNet, mlp, tfConvNet, tfMlp, tfTrainStep, tfTransformerStep } from "./models.js";

// (--device webgpu: how `npm run bench -- --device webgpu` reaches this file through suite.ts.)
const { values: args } = parseArgs({ options: { large: { type: "boolean", default: false }, out: { type: "string" }, device: { type: "string" } } });

// One Dawn instance for both libraries: tensorgrad takes navigator.gpu where it exists, as tfjs does.
Object.assign(globalThis, globals);
const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as object;
Object.defineProperty(nav, "gpu", { value: create([]), configurable: true });
const tf = await import("@tensorflow/tfjs"); // with the gradients (tfjs-core alone has none)
await import("@tensorflow/tfjs-backend-webgpu");
await tf.setBackend("webgpu");
const gpu = (await tg.device("webgpu")) as unknown as { gpu: { description: string }; halfProducts: boolean; matmulForm: string };
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
  const tfjs: Row = { workload, impl: theirs, value: gflops(await timeMs(async () => {
    const c = tf.matMul(ta, tb);
    await c.data();
    c.dispose();
  }, opts)), unit: "GFLOP/s", higherIsBetter: true };
  rows.push(tfjs);
  // Float16 products (tg.setFloat32MatmulPrecision("medium")), where the adapter has shader-f16 and
  // runs the tiled kernel (on a CPU adapter "medium" changes nothing); beside the same tfjs timing.
  if (n >= 1024 && gpu.halfProducts && gpu.matmulForm === "tiled") {
    tg.setFloat32MatmulPrecision("medium");
    const half = `${workload}, "medium"`;
    rows.push({ workload: half, impl: `${ours}, float16 products`, value: gflops(await timeMs(() => a.matmul(b).data(), opts)), unit: "GFLOP/s", higherIsBetter: true });
    rows.push({ ...tfjs, workload: half });
    tg.setFloat32MatmulPrecision("highest");
  }
}

/** One training step on tensorgrad's GPU, ending with a read of the loss (the GPU's work included). */
function tgStep(model: tg.nn.Module<[tg.Tensor], tg.Tensor>, x: tg.Tensor, loss: (out: tg.Tensor) => tg.Tensor): () => Promise<unknown> {
  model.to("webgpu");
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const xd = x.to("webgpu");
  return () => {
    const l = tg.scope(() => {
      opt.zeroGrad();
      const l = loss(model.forward(xd));
      l.backward();
      opt.step();
      return l.detach();
    });
    return l.data().finally(() => l.dispose());
  };
}

const stepOpts = { warmup: 3, reps: 10, warmupMs: 0 };
const classes = (n: number) => tg.randint(0, 10, [n]).to("webgpu");
const oneHot = (n: number) => tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10);

// The seed's MLP and CNN: a training step on a batch of 64 (Adam, cross-entropy).
for (const [workload, ourModel, theirModel, shape] of [
  ["MLP train step, batch 64", mlp, tfMlp, [64, 1, 28, 28]],
  ["CNN train step, batch 64", () => new ConvNet(), tfConvNet, [64, 1, 28, 28]],
] as const) {
  tg.manualSeed(0);
  const y = classes(64);
  rows.push({ workload, impl: ours, value: await timeMs(tgStep(ourModel(), tg.randn([...shape]), (out) => tg.nn.functional.crossEntropy(out, y)), stepOpts), unit: "ms", higherIsBetter: false });
  const step = tfTrainStep(theirModel(), tf.randomNormal([64, 28, 28, 1]), oneHot(64));
  rows.push({ workload, impl: theirs, value: await timeMs(step, stepOpts), unit: "ms", higherIsBetter: false });
}

// A Transformer encoder layer (d 128, 4 heads, feed-forward 512, post-norm, ReLU, no dropout) on
// 16 sequences of 32 tokens, Adam on the output's mean square. TensorFlow.js has no such layer:
// the same maths is written from its ops (models.ts).
{
  const workload = "Transformer encoder layer step (d 128, 4 heads, 16 × 32)";
  const [B, T, d, H, F] = [16, 32, 128, 4, 512];
  tg.manualSeed(0);
  const layer = new tg.nn.TransformerEncoderLayer(d, H, { dimFeedforward: F, dropout: 0, batchFirst: true });
  rows.push({ workload, impl: ours, value: await timeMs(tgStep(layer, tg.randn([B, T, d]), (out) => out.square().mean()), stepOpts), unit: "ms", higherIsBetter: false });
  rows.push({ workload, impl: theirs, value: await timeMs(tfTransformerStep(B, T, d, H, F, 0), stepOpts), unit: "ms", higherIsBetter: false });
}

// Causal self-attention alone, forward and backward, as a GPT's heads run it: 32 heads of 64 over
// 256 tokens. tensorgrad fuses it on a GPU (fused-attention.ts; a CPU-run adapter composes heads
// this wide); TensorFlow.js composes it from two products, a mask and a softmax.
{
  const workload = "causal attention forward + backward (32 heads of 64, 256 tokens)";
  const [BH, T, D] = [32, 256, 64];
  const [q, k, v] = [0, 1, 2].map(() => tg.randn([BH, T, D], { device: "webgpu" }).requiresGrad_()) as [tg.Tensor, tg.Tensor, tg.Tensor];
  rows.push({ workload, impl: ours, value: await timeMs(async () => {
    const dq = tg.scope(() => tg.grad(tg.nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true }).square().mean(), [q, k, v])[0]!);
    await dq.data();
    dq.dispose();
  }, stepOpts), unit: "ms", higherIsBetter: false });
  const [tq, tk, tv] = [0, 1, 2].map(() => tf.randomNormal([BH, T, D]));
  const future = tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)).mul(-1e9);
  const attention = (a: TfTensor, b: TfTensor, c: TfTensor) => tf.matMul(tf.softmax(tf.matMul(a.mul(1 / Math.sqrt(D)), b, false, true).add(future)), c).square().mean();
  const grads = tf.grads(attention);
  rows.push({ workload, impl: theirs, value: await timeMs(async () => {
    const [dq, dk, dv] = grads([tq!, tk!, tv!]);
    await dq!.data();
    tf.dispose([dq!, dk!, dv!]);
  }, stepOpts), unit: "ms", higherIsBetter: false });
}

console.log(`adapter: ${adapter}`);
report("webgpu", rows);
