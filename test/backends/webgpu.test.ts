/**
 * The WebGPU backend's tests: the kernel and fused-routine
 * conformance suites (every kernel and routine against the reference, reads awaited), and models
 * trained on the GPU as on the CPU. Here the adapter is Mesa's software Vulkan driver (lavapipe), which
 * tools/system-deps.sh installs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { kernelConformanceSuite } from "./kernel-suite.js";
import { fusedConformanceSuite } from "./fused-suite.js";
import { opParitySuite } from "../ops/parity-suite.js";
import { GPU_HOST_OPS } from "./gpu-host-ops.js";
import { nnParitySuite } from "../nn/parity-suite.js";

const gpu = await tg.loadBackend("webgpu");

test(`the adapter: ${(gpu as unknown as { gpu: { description: string } }).gpu.description}`, () => {
  assert.ok(tg.readyBackends().includes("webgpu"));
});

kernelConformanceSuite("webgpu");
// The workgroup-per-row softmax kernels serve a GPU's long rows; lavapipe (a fallback adapter)
// would keep one thread per row. This file runs them, so that the fused suite's long rows reach them,
// and fused attention at every head width, where lavapipe composes heads wider than 16.
(gpu as unknown as { longRows: boolean }).longRows = true;
(gpu as unknown as { attentionWidth: number }).attentionWidth = Infinity;
fusedConformanceSuite("webgpu");

opParitySuite("webgpu", GPU_HOST_OPS);
opParitySuite("webgpu", GPU_HOST_OPS, undefined, { moved: true });
nnParitySuite("webgpu"); // every layer case, the adaptive softmax included

test("tensors move to the GPU and back; synchronous reads say to await", async () => {
  const x = tg.tensor([[1, 2, 3], [4, 5, 6]]);
  const g = x.to("webgpu");
  assert.equal(g.backend.name, "webgpu");
  assert.throws(() => g.dataSync(), tg.DeviceError);
  assert.throws(() => g.item(), tg.DeviceError);
  assert.deepEqual(await g.tolistAsync(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(await g.sum().itemAsync(), 21);
  const back = await g.mul(2).toAsync("cpu");
  assert.deepEqual(back.tolist(), [[2, 4, 6], [8, 10, 12]]);
  assert.throws(() => tg.tensor([1], { dtype: "float64" }).to("webgpu"), tg.DTypeError);
});

/** The losses of a few training steps of `make`'s model on a device (same seed, same data). */
async function losses(device: string, steps: number, make: () => { params: tg.nn.Module[]; loss: (x: tg.Tensor, y: tg.Tensor) => tg.Tensor; x: tg.Tensor; y: tg.Tensor }): Promise<number[]> {
  tg.manualSeed(3);
  const { params, loss, x, y } = make();
  for (const m of params) m.to(device);
  const opt = new tg.optim.Adam(params.flatMap((m) => m.parameters()), { lr: 0.01 });
  const [xd, yd] = [x.to(device), y.to(device)];
  const out: number[] = [];
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const l = loss(xd, yd);
    l.backward();
    opt.step();
    out.push(await l.itemAsync());
  }
  return out;
}

async function sameOnBoth(steps: number, make: Parameters<typeof losses>[2]): Promise<void> {
  const cpu = await losses("cpu", steps, make);
  const gpuLosses = await losses("webgpu", steps, make);
  gpuLosses.forEach((l, i) => assert.ok(Math.abs(l - cpu[i]!) < 1e-4 * Math.max(1, Math.abs(cpu[i]!)), `step ${i}: GPU loss ${l}, CPU ${cpu[i]}`));
  assert.ok(gpuLosses[steps - 1]! < gpuLosses[0]!, `the loss falls: ${gpuLosses}`);
}

const { nn } = tg;
const F = nn.functional;

test("the seed's CNN (convolution, max pooling, linear) trains on the GPU as on the CPU", async () => {
  await sameOnBoth(3, () => {
    const conv1 = new nn.Conv2d(1, 6, 3);
    const conv2 = new nn.Conv2d(6, 16, 3);
    const fc = new nn.Sequential(new nn.Linear(16 * 5 * 5, 120), new nn.ReLU(), new nn.Linear(120, 10));
    const forward = (x: tg.Tensor) => fc.forward(F.maxPool2d(F.relu(conv2.forward(F.maxPool2d(F.relu(conv1.forward(x)), 2))), 2).flatten(1));
    return { params: [conv1, conv2, fc], loss: (x, y) => F.crossEntropy(forward(x), y), x: tg.randn([8, 1, 28, 28]), y: tg.randint(0, 10, [8]) };
  });
});

test("a convolution with batch norm (training statistics, running averages) and average pooling trains on the GPU as on the CPU", async () => {
  await sameOnBoth(3, () => {
    const body = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3));
    return { params: [body], loss: (x, y) => F.crossEntropy(body.forward(x), y), x: tg.randn([6, 1, 8, 8]), y: tg.randint(0, 3, [6]) };
  });
});

test("an LSTM classifier and a Transformer encoder layer (with dropout) train on the GPU as on the CPU", async () => {
  await sameOnBoth(3, () => {
    const lstm = new nn.LSTM(8, 16, { batchFirst: true });
    const head = new nn.Linear(16, 2);
    return { params: [lstm, head], loss: (x, y) => F.crossEntropy(head.forward((lstm.forward(x)[0] as tg.Tensor).select(1, -1)), y), x: tg.randn([4, 10, 8]), y: tg.randint(0, 2, [4]) };
  });
  await sameOnBoth(3, () => {
    const layer = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32, dropout: 0.1, batchFirst: true });
    const head = new nn.Linear(16, 3);
    return { params: [layer, head], loss: (x, y) => F.crossEntropy(head.forward(layer.forward(x).mean(1)), y), x: tg.randn([4, 6, 16]), y: tg.randint(0, 3, [4]) };
  });
});

test("a small classifier trains on the GPU as on the CPU (forward, backward, Adam)", async () => {
  const run = async (device: string) => {
    tg.manualSeed(3);
    const model = new tg.nn.Sequential(new tg.nn.Linear(6, 16), new tg.nn.ReLU(), new tg.nn.Linear(16, 3));
    model.to(device);
    const opt = new tg.optim.Adam(model.parameters(), { lr: 0.05 });
    const [x, y] = [tg.randn([32, 6]).to(device), tg.randint(0, 3, [32]).to(device)];
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      opt.zeroGrad();
      const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      losses.push(await loss.itemAsync());
    }
    return losses;
  };
  const cpu = await run("cpu");
  const gpuLosses = await run("webgpu");
  gpuLosses.forEach((l, i) => assert.ok(Math.abs(l - cpu[i]!) < 1e-4, `step ${i}: GPU loss ${l}, CPU ${cpu[i]}`));
  assert.ok(gpuLosses[7]! < gpuLosses[0]!, `the loss falls: ${gpuLosses}`);
});

/** Trains with `step` (a scope's loss) and checks that, after the first steps, the pool creates no buffer and holds no more bytes. */
async function poolStaysFlat(step: () => tg.Tensor, steps = 40): Promise<void> {
  const backend = tg.backendByName("webgpu") as unknown as { pool: { created: number; bytesInUse: number } };
  // The first steps' losses are disposed too: left to the garbage collector, one would still hold
  // its buffer when the loop's first step asks for one of that size (or not, as the collector ran).
  for (let i = 0; i < 3; i++) {
    const loss = step();
    await loss.data();
    loss.dispose();
  }
  const [created, inUse] = [backend.pool.created, backend.pool.bytesInUse];
  for (let i = 0; i < steps; i++) {
    const loss = step();
    if (i % 10 === 9) await loss.data();
    loss.dispose();
  }
  assert.equal(backend.pool.created, created, "no buffer created after the first steps");
  assert.ok(backend.pool.bytesInUse <= inUse, `bytes in use ${backend.pool.bytesInUse}, after the first steps ${inUse}`);
}

test("GPU memory stays flat over a training loop: the pool serves every step's buffers after the first", async () => {
  tg.manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 4));
  model.to("webgpu");
  const opt = new tg.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = tg.randn([16, 20], { device: "webgpu" });
  const y = tg.randint(0, 4, [16]).to("webgpu");
  await poolStaysFlat(() => tg.scope(() => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  }));
});

test("GPU memory stays flat with the whole-sequence recurrences and fused attention (their scratch buffers return to the pool)", async () => {
  tg.manualSeed(6);
  const [lstm, gru, rnn] = [new nn.LSTM(5, 8, { bidirectional: true }), new nn.GRU(16, 8), new nn.RNN(8, 8)];
  const attention = new nn.MultiheadAttention(8, 2, { dropout: 0.1 });
  const modules = [lstm, gru, rnn, attention];
  for (const m of modules) m.to("webgpu");
  const opt = new tg.optim.Adam(modules.flatMap((m) => [...m.parameters()]), { lr: 1e-3 });
  const x = tg.randn([6, 4, 5], { device: "webgpu" });
  await poolStaysFlat(() => tg.scope(() => {
    opt.zeroGrad();
    const [h1] = lstm.forward(x);
    const [h2] = gru.forward(h1 as tg.Tensor);
    const [h3] = rnn.forward(h2 as tg.Tensor);
    const [a] = attention.forward(h3 as tg.Tensor, h3 as tg.Tensor, h3 as tg.Tensor, { needWeights: false });
    const loss = a.square().mean();
    loss.backward();
    opt.step();
    return loss;
  }), 20);
});

test("fused attention never stores its weights: what its forward keeps for the backward is a fraction of [B, L, S]", async () => {
  const backend = tg.backendByName("webgpu") as unknown as { pool: { bytesInUse: number } };
  const [B, T, E] = [4, 512, 16];
  const [q, k, v] = [0, 1, 2].map(() => tg.randn([B, T, E], { device: "webgpu" }).requiresGrad_()) as [tg.Tensor, tg.Tensor, tg.Tensor];
  await q.data();
  const before = backend.pool.bytesInUse;
  const loss = tg.nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true, dropoutP: 0.1 }).square().mean();
  // The graph now holds what the backward needs (composed: the scores, the weights, the dropout mask).
  const held = backend.pool.bytesInUse - before;
  const weights = B * T * T * 4;
  assert.ok(held < weights / 4, `${held} bytes held for the backward; the weights alone are ${weights}`);
  loss.backward();
  assert.deepEqual(q.grad!.shape, [B, T, E]);
  await q.grad!.data();
});

test("Keras fitAsync, evaluateAsync and predict run on the GPU with the CPU's history; fit and evaluate say to await", async () => {
  const run = async (device: string) => {
    await tg.setDefaultDevice(device);
    try {
      tg.manualSeed(4);
      const { keras } = tg;
      const model = new keras.Sequential([new keras.Dense(16, { activation: "relu", inputShape: [6] }), new keras.Dense(3, { activation: "softmax" })]);
      model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy", "sparse_top_k_categorical_accuracy"] });
      // The data stays on the CPU: fit moves each batch to the weights' device.
      const x = tg.randn([40, 6], { device: "cpu" });
      const y = x.narrow(1, 0, 3).argmax(1);
      const history = await model.fitAsync(x, y, { epochs: 3, batchSize: 8, verbose: 0, validationSplit: 0.25, classWeight: { 0: 2 } });
      const evaluation = await model.evaluateAsync(x, y, { returnDict: true });
      const predictions = await model.predict(x).tolistAsync();
      return { model, x, y, history: history.history, evaluation, predictions };
    } finally {
      await tg.setDefaultDevice("cpu");
    }
  };
  const cpu = await run("cpu");
  const gpuRun = await run("webgpu");
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-4, `${what}: GPU ${a}, CPU ${b}`);
  for (const [key, values] of Object.entries(cpu.history)) values.forEach((v, i) => close(gpuRun.history[key]![i]!, v, `${key}[${i}]`));
  for (const [key, v] of Object.entries(cpu.evaluation)) close(gpuRun.evaluation[key]!, v, key);
  (gpuRun.predictions as number[][]).flat().forEach((p, i) => close(p, (cpu.predictions as number[][]).flat()[i]!, `prediction ${i}`));
  assert.throws(() => gpuRun.model.fit(gpuRun.x, gpuRun.y, { verbose: 0 }), (e: Error) => e instanceof tg.DeviceError && /fitAsync/.test(e.message));
  assert.throws(() => gpuRun.model.evaluate(gpuRun.x, gpuRun.y), (e: Error) => e instanceof tg.DeviceError && /evaluateAsync/.test(e.message));
  // A model not built yet is built on the default device: with the GPU there, fit says so too.
  await tg.setDefaultDevice("webgpu");
  try {
    const unbuilt = new tg.keras.Sequential([new tg.keras.Dense(2)]);
    unbuilt.compile({ loss: "mse" });
    assert.throws(() => unbuilt.fit(tg.randn([4, 3], { device: "cpu" }), tg.randn([4, 2], { device: "cpu" }), { verbose: 0 }), (e: Error) => e instanceof tg.DeviceError && /fitAsync/.test(e.message));
  } finally {
    await tg.setDefaultDevice("cpu");
  }
});

test("the host-side domains say so on the GPU: clustering estimators name the move to the CPU; RL agents refuse a GPU default device", async () => {
  const x = tg.randn([20, 2]).to("webgpu");
  assert.throws(() => new tg.cluster.KMeans({ nClusters: 2 }).fit(x), (e: Error) => e instanceof tg.DeviceError && /run on the CPU backends.*toAsync\("cpu"\)/.test(e.message), "KMeans");
  await tg.setDefaultDevice("webgpu");
  try {
    assert.throws(() => new tg.rl.PPO("CartPole-v1", { seed: 0 }), (e: Error) => e instanceof tg.DeviceError && /rl: agents run on the CPU backends/.test(e.message), "PPO");
  } finally {
    await tg.setDefaultDevice("cpu");
  }
});

test("layers that make their own constants (causal and padding masks, pooling windows, padding rows) make them on the input's device", async () => {
  tg.manualSeed(6);
  const x = tg.randn([2, 3, 6, 6]);
  const tokens = tg.randn([2, 5, 8]);
  const padding = tg.tensor([[false, false, false, true, true], [false, false, false, false, false]]);
  // The same weights on each device (a module moves to the GPU synchronously, not back).
  const modules = (device: string) => {
    tg.manualSeed(7);
    const bn = new nn.BatchNorm2d(3, { affine: false });
    bn.eval();
    return { layer: new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true }).to(device), bn: bn.to(device) };
  };
  const cpuModules = modules("cpu");
  const gpuModules = modules("webgpu");
  const cases: [string, (x: tg.Tensor, tokens: tg.Tensor, padding: tg.Tensor, m: typeof cpuModules) => tg.Tensor][] = [
    ["causal self-attention with a key padding mask", (_, t, p, m) => m.layer.forward(t, { isCausal: true, srcKeyPaddingMask: p })],
    ["a square subsequent mask", (_, t, _p, m) => m.layer.forward(t, { srcMask: nn.Transformer.generateSquareSubsequentMask(5, { device: t.backend }) })],
    ["causal scaled dot-product attention", (_, t) => F.scaledDotProductAttention(t, t, t, { isCausal: true })],
    ["avgPool2d with padding", (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })],
    ["adaptiveAvgPool2d", (x) => F.adaptiveAvgPool2d(x, [4, 4])],
    ["reflect padding", (x) => F.pad(x, [1, 2, 2, 1], "reflect")],
    ["batch norm in eval mode", (x, _t, _p, m) => m.bn.forward(x)],
    ["nearest interpolation", (x) => F.interpolate(x, { size: [9, 9], mode: "nearest" })],
  ];
  for (const [what, run] of cases) {
    const cpu = run(x, tokens, padding, cpuModules);
    const gpuOut = run(x.to("webgpu"), tokens.to("webgpu"), padding.to("webgpu"), gpuModules);
    assert.equal(gpuOut.backend.name, "webgpu", what);
    const [a, b] = [await gpuOut.data(), cpu.dataSync()];
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-4, `${what} [${i}]: GPU ${v}, CPU ${b[i]}`));
  }
});

test("the workgroup reductions agree with the CPU within subgroups and by the plain tree: long lines of each op and dtype, NaN and ±∞, long softmax rows", async () => {
  // The adapter here (lavapipe) has subgroups, so the conformance suites run that form; both run here.
  const backend = gpu as unknown as { subgroups: boolean };
  const chosen = backend.subgroups;
  tg.manualSeed(9);
  const line = tg.randn([3, 5000]);
  const edges = line.clone();
  edges.narrow(1, 100, 1).fill_(NaN);
  const infs = line.clone();
  infs.narrow(1, 7, 1).fill_(Infinity);
  infs.narrow(1, 4000, 1).fill_(-Infinity);
  const small = tg.randn([2, 3000]).mul(0.001).add(1); // prod within float range
  const cases: [string, () => tg.Tensor][] = [];
  for (const [what, x] of [["values", line], ["a NaN", edges], ["±∞", infs]] as const) {
    for (const op of ["sum", "amax", "amin"] as const) cases.push([`${op} of ${what}`, () => x.to(dev)[op](1)]);
  }
  cases.push(["prod", () => small.to(dev).prod(1)]);
  cases.push(["int32 sum", () => line.mul(100).int().to(dev).sum(1)]);
  cases.push(["int32 max", () => line.mul(100).int().to(dev).amax(1)]);
  cases.push(["bool min (all)", () => line.gt(-5).to(dev).all(1)]);
  cases.push(["a full sum", () => line.to(dev).sum()]);
  cases.push(["softmax of long rows", () => line.to(dev).softmax(1)]);
  cases.push(["log-softmax of long rows with ±∞", () => infs.to(dev).logSoftmax(1)]);
  let dev = "cpu";
  try {
    for (const subgroups of [true, false]) {
      backend.subgroups = subgroups;
      for (const [what, f] of cases) {
        dev = "cpu";
        const expected = f().dataSync();
        dev = "webgpu";
        const got = await f().data();
        got.forEach((v, i) => {
          const e = Number(expected[i]!);
          const ok = Number.isNaN(e) ? Number.isNaN(v) : v === e || Math.abs(Number(v) - e) <= 1e-4 * Math.max(1, Math.abs(e));
          assert.ok(ok, `subgroups ${subgroups}: ${what} [${i}]: GPU ${v}, CPU ${e}`);
        });
      }
    }
  } finally {
    backend.subgroups = chosen;
  }
});

test("matmul's tiled and broadcast (vec4 and scalar loads) and direct (thin, split-K) kernels agree with the CPU: aligned and unaligned sizes, offsets, transposes, batches", async () => {
  tg.manualSeed(8);
  // The adapter picks one of the tiled and broadcast forms (a CPU adapter, as here, the broadcast one); both run here.
  const backend = gpu as unknown as { matmulForm: "tiled" | "broadcast" };
  const chosen = backend.matmulForm;
  // Each case: the base tensors, and the views taken of them (on each device, so the GPU's are views too).
  const cases: [string, number[][], (a: tg.Tensor, b: tg.Tensor) => [tg.Tensor, tg.Tensor]][] = [
    ["aligned 132×64·64×136", [[132, 64], [64, 136]], (a, b) => [a, b]],
    ["unaligned 37×21·21×45", [[37, 21], [21, 45]], (a, b) => [a, b]],
    ["aligned rows at an offset of 4", [[130, 68], [64, 72]], (a, b) => [a.narrow(0, 1, 129).narrow(1, 4, 64), b.narrow(1, 4, 64)]],
    ["rows at an offset of 1 (not 4-aligned)", [[20, 17], [16, 9]], (a, b) => [a.narrow(1, 1, 16), b]],
    ["transposed operands", [[48, 40], [24, 48]], (a, b) => [a.t(), b.t()]],
    ["batched, B broadcast", [[3, 33, 16], [16, 20]], (a, b) => [a, b.expand(3, 16, 20)]],
    ["thin: 6 rows (a small convolution's forward)", [[6, 9], [9, 3001]], (a, b) => [a, b]],
    ["thin with a long K, split and summed (a weight gradient)", [[6, 20000], [9, 20000]], (a, b) => [a, b.t()]],
    ["thin, batched and transposed", [[3, 16, 5], [7, 16]], (a, b) => [a.transpose(1, 2), b.t().expand(3, 16, 7)]],
    ["wide: several column blocks, rows not a multiple of 8", [[2, 45, 50], [2, 50, 1100]], (a, b) => [a, b]],
    ["narrow: 33 columns", [[64, 40], [40, 33]], (a, b) => [a, b]],
  ];
  try {
    for (const form of ["tiled", "broadcast"] as const) {
      backend.matmulForm = form;
      for (const [what, shapes, view] of cases) {
        const [a, b] = shapes.map((s) => tg.randn(s)) as [tg.Tensor, tg.Tensor];
        const expected = tg.matmul(...view(a, b)).dataSync();
        const got = await tg.matmul(...view(a.to("webgpu"), b.to("webgpu"))).data();
        assert.equal(got.length, expected.length, `${form}: ${what}`);
        got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-4 * Math.max(1, Math.abs(expected[i]!)), `${form}: ${what} [${i}]: GPU ${v}, CPU ${expected[i]}`));
      }
    }
  } finally {
    backend.matmulForm = chosen;
  }
});

test("float32 matmul precision \"medium\": the tiled kernel multiplies scaled float16 within float16's error bound, on rows and columns far outside float16's range; \"highest\" stays float32", async () => {
  tg.manualSeed(9);
  const backend = gpu as unknown as { matmulForm: "tiled" | "broadcast"; halfProducts: boolean };
  const [form, half] = [backend.matmulForm, backend.halfProducts];
  // Rows of A and columns of B scaled from 1e-15 to 1e15 (float16 alone holds 6e-8 … 65504; the products stay float32 normals).
  const wild = (rows: number, cols: number, along: 0 | 1) => {
    const exps = tg.randint(-15, 16, along === 0 ? [rows, 1] : [1, cols]).float();
    return tg.randn([rows, cols]).mul(tg.pow(10, exps));
  };
  const cases: [string, () => [tg.Tensor, tg.Tensor]][] = [
    ["aligned 132×64·64×136", () => [tg.randn([132, 64]), tg.randn([64, 136])]],
    ["unaligned, batched 3×37×21·21×45", () => [tg.randn([3, 37, 21]), tg.randn([21, 45])]],
    ["transposed operands, K 300", () => [tg.randn([300, 48]).t(), tg.randn([40, 300]).t()]],
    ["rows and columns from 1e-15 to 1e15", () => [wild(70, 50, 0), wild(50, 90, 1)]],
  ];
  try {
    backend.matmulForm = "tiled";
    backend.halfProducts = true;
    for (const precision of ["medium", "highest"] as const) {
      tg.setFloat32MatmulPrecision(precision);
      for (const [what, make] of cases) {
        const [a, b] = make();
        const exact = tg.matmul(a.double(), b.double()).dataSync();
        const bound = tg.matmul(a.double().abs(), b.double().abs()).dataSync(); // Σ|a||b|
        const got = await tg.matmul(a.to("webgpu"), b.to("webgpu")).data();
        // float16 rounds each scaled operand to 2^-11 and a slice's sum of 16 products to about 2^-8 of their magnitudes.
        const tol = precision === "medium" ? 2 ** -7 : 1e-5;
        let worst = 0;
        got.forEach((v, i) => {
          const rel = Math.abs(v - exact[i]!) / (bound[i]! || 1);
          worst = Math.max(worst, rel);
          assert.ok(rel <= tol, `${precision}: ${what} [${i}]: GPU ${v}, exact ${exact[i]} (error ${rel.toExponential(2)} of Σ|a||b|)`);
        });
        // The half-precision path ran: its error is far above float32's.
        if (precision === "medium") assert.ok(worst > 1e-5, `${what}: error ${worst} is float32's, not float16's`);
      }
    }
  } finally {
    tg.setFloat32MatmulPrecision("highest");
    [backend.matmulForm, backend.halfProducts] = [form, half];
  }
});

test("searchsorted, bucketize and histc run on the GPU as the host loops run them: duplicates, NaN, ±∞, right, batched rows, a number, an empty sequence, ranges", async () => {
  const seq = tg.tensor([[-Infinity, 1, 3, 3, 3, 7, NaN], [0, 0, 2, 4, 6, 8, Infinity]]);
  const values = tg.tensor([[3, 0, 9, NaN, -Infinity, 3.5], [0, 8, 1, Infinity, -1, 10]]);
  const long = tg.arange(0, 5000).mul(0.5);
  const probes = tg.randn([300]).mul(2000);
  const cases: [string, (s: tg.Tensor, v: tg.Tensor, l: tg.Tensor, p: tg.Tensor) => tg.Tensor][] = [
    ["batched rows", (s, v) => tg.searchsorted(s, v)],
    ["batched rows, right", (s, v) => tg.searchsorted(s, v, { right: true })],
    ["a 1-D sequence for every value", (s, v) => tg.searchsorted(s.select(0, 0), v)],
    ["5,000 boundaries", (_s, _v, l, p) => tg.bucketize(p, l)],
    ["5,000 boundaries, right", (_s, _v, l, p) => tg.bucketize(p, l, { right: true })],
    ["a number", (s) => tg.searchsorted(s.select(0, 1), 5)],
    ["an empty sequence", (_s, v) => tg.searchsorted(tg.zeros([0], { device: v.backend }), v)],
    // histc's bins, over the data's range and over a given one (the values keep off the bins' edges).
    ["histc over the data's range", (_s, _v, _l, p) => p.histc({ bins: 7 })],
    ["histc over [-1000, 1500], NaN and ±∞ left out", (_s, _v, _l, p) => tg.cat([p, tg.tensor([NaN, Infinity, -Infinity], { device: p.backend })]).histc({ bins: 10, min: -1000, max: 1500 })],
    ["histc of one value (min = max)", (_s, _v, _l, p) => p.narrow(0, 0, 1).histc({ bins: 4 })],
  ];
  for (const [what, f] of cases) {
    const expected = f(seq, values, long, probes);
    const got = f(seq.to("webgpu"), values.to("webgpu"), long.to("webgpu"), probes.to("webgpu"));
    assert.equal(got.dtype, expected.dtype, what);
    assert.deepEqual(got.shape, expected.shape, what);
    assert.deepEqual([...(await got.data())], [...expected.dataSync()], what);
  }
});

test("an error the device reports (here a shader it refuses) raises a DeviceError at the next read", async () => {
  const backend = tg.backendByName("webgpu") as unknown as { queue: { dispatch(code: string, meta: number[], buffers: GPUBuffer[], threads: number): void } };
  backend.queue.dispatch("this is not WGSL", [1], [], 1);
  await assert.rejects(tg.ones([2], { device: "webgpu" }).data(), (e: Error) => e instanceof tg.DeviceError && /before this read failed/.test(e.message));
  assert.deepEqual([...(await tg.ones([2], { device: "webgpu" }).data())], [1, 1], "the next read is clean");
});

test("advanced indexing computes its positions on the GPU: a bad index in one dim is an IndexError even where the flat row exists", async () => {
  const x = tg.arange(12).reshape(3, 4).to("webgpu");
  assert.deepEqual(await x.index(tg.tensor([2, -1], { dtype: "int32" }).to("webgpu"), tg.tensor([0, 3], { dtype: "int32" }).to("webgpu")).tolistAsync(), [8, 11]);
  const written = x.indexPut([tg.tensor([0, 0, 1], { dtype: "int32" }).to("webgpu")], tg.tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]]).to("webgpu"));
  assert.deepEqual(await written.tolistAsync(), [[2, 2, 2, 2], [3, 3, 3, 3], [8, 9, 10, 11]], "of duplicate positions the last write wins");
  // (0, 5) would be flat row 5 of 12: in range as a row, out of range in dim 1.
  const bad = x.index(tg.tensor([0], { dtype: "int32" }).to("webgpu"), tg.tensor([5], { dtype: "int32" }).to("webgpu"));
  await assert.rejects(bad.data(), tg.IndexError);
});

test("value checks run on the GPU without a read: a singular matrix, one not positive-definite, mvlgamma's domain, quantile's q, maskedScatter's source size, the adaptive softmax's targets raise a ValueError at the next read, the first failed check in queue order wins, then reads work again", async () => {
  const dev = (rows: number[][]) => tg.tensor(rows).to("webgpu");
  const singular = dev([[1, 2], [2, 4]]); // pivot 2 is zero
  const notPd = dev([[4, 2, 0], [2, 1, 0], [0, 0, 1]]); // the minor of order 2 is zero
  // The ops return at once; nothing waits for the values.
  const inverse = tg.linalg.inv(singular);
  await assert.rejects(inverse.data(), (e: unknown) => e instanceof tg.ValueError && /inv: the matrix is singular \(pivot 2 is zero/.test((e as Error).message));
  assert.deepEqual(await dev([[1, 2]]).tolistAsync(), [[1, 2]], "the next read is clean");
  tg.linalg.cholesky(notPd);
  tg.linalg.solve(singular, dev([[1], [1]])); // fails too, but after cholesky
  await assert.rejects(dev([[0]]).data(), (e: unknown) => e instanceof tg.ValueError && /cholesky: .*not positive-definite \(the leading minor of order 2/.test((e as Error).message));
  const x = dev([[3, 1.5], [0.9, 2]]);
  const ok = tg.mvlgamma(x, 2); // every element > 0.5
  assert.ok(Math.abs((await ok.tolistAsync() as number[][])[0]![0]! - tg.mvlgamma(tg.tensor([[3]]), 2).item()) < 1e-5);
  tg.mvlgamma(x, 3); // 0.9 is not > 1
  await assert.rejects(x.data(), (e: unknown) => e instanceof tg.ValueError && /mvlgamma: .*\(element 3 is not\)/.test((e as Error).message));
  tg.quantile(dev([[1, 2, 3]]), dev([[0.5, 1.5]]).reshape(-1), 1); // q read on the device
  await assert.rejects(dev([[0]]).data(), (e: unknown) => e instanceof tg.ValueError && /quantile: q must be in \[0, 1\], got 1.5/.test((e as Error).message));
  const y = dev([[1, -1], [2, 3]]);
  y.maskedScatter(y.gt(0), dev([[9, 8]]).reshape(-1)); // three positions, two source elements
  await assert.rejects(y.data(), (e: unknown) => e instanceof tg.ValueError && /maskedScatter: the mask selects 3 elements, but source has only 2/.test((e as Error).message));
  const adaptive = new tg.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6]).to("webgpu");
  const { output } = adaptive.forward(dev([[1, 2, 3, 4], [0, 1, 0, 1]]), tg.tensor([7, 12], { dtype: "int32" }));
  await assert.rejects(output.data(), (e: unknown) => e instanceof tg.ValueError && /Target values should be in \[0, 9\], but 12 was found \(target 1\)/.test((e as Error).message));
  // Valid inputs: the results of the CPU, and no error.
  const spd = dev([[4, 2, 0.4], [2, 3, 0.5], [0.4, 0.5, 2]]);
  const [l, inv] = [await tg.linalg.cholesky(spd).toAsync("cpu"), await tg.linalg.inv(spd).toAsync("cpu")];
  assert.ok(tg.allclose(l, tg.linalg.cholesky(await spd.toAsync("cpu")), { atol: 1e-5 }));
  assert.ok(tg.allclose(inv, tg.linalg.inv(await spd.toAsync("cpu")), { atol: 1e-5 }));
});

test("the spectral decompositions and matrixExp run on the GPU: eigh, svd (tall, wide, batched) against the CPU's float64 results; matrixExp squares each matrix as its norm needs, and refuses a norm past its squarings at the next read", async () => {
  const g = new tg.Generator(4);
  const sym = tg.randn([3, 24, 24], { generator: g });
  const [values, vectors] = tg.linalg.eigh(sym.to("webgpu"));
  const [cpuValues, cpuVectors] = tg.linalg.eigh(sym);
  assert.ok(tg.allclose(await values.toAsync("cpu"), cpuValues, { atol: 1e-4 }), "eigenvalues");
  assert.ok(tg.allclose(await vectors.toAsync("cpu"), cpuVectors, { atol: 1e-3 }), "eigenvectors");
  for (const shape of [[40, 12], [9, 30], [2, 16, 16]]) {
    const a = tg.randn(shape, { generator: g });
    const { U, S, Vh } = tg.linalg.svd(a.to("webgpu"), { fullMatrices: false });
    const [u, s, vh] = [await U.toAsync("cpu"), await S.toAsync("cpu"), await Vh.toAsync("cpu")];
    assert.ok(tg.allclose(s, tg.linalg.svdvals(a), { atol: 1e-4 }), `singular values of ${shape}`);
    assert.ok(tg.allclose(u.mul(s.unsqueeze(-2)).matmul(vh), a, { atol: 1e-4 }), `U·S·Vh of ${shape}`);
  }
  // Norms 0.3, 40 and 2·10⁴: no squarings, 7 and 16, each matrix its own.
  const a = tg.stack([tg.tensor([[0.1, 0.2], [-0.1, 0]]), tg.tensor([[-20, 1], [0, -20]]), tg.tensor([[-1e4, 0], [1e4, -1e4]])]);
  const e = await tg.linalg.matrixExp(a.to("webgpu")).toAsync("cpu");
  assert.ok(tg.allclose(e, tg.linalg.matrixExp(a), { rtol: 1e-4, atol: 1e-6 }), "matrixExp");
  const huge = tg.linalg.matrixExp(tg.tensor([[[1, 0], [0, 1]], [[-1e20, 0], [0, 1]]]).to("webgpu"));
  await assert.rejects(huge.data(), (e: unknown) => e instanceof tg.ValueError && /matrixExp: matrix 2's 1-norm, 10{20}, is too large for the 64 squarings/.test((e as Error).message));
});

test("samplers and random fills run on the GPU off the default device: multinomial (with and without replacement, its checks), bernoulli, in-place fills and init, distributions, RReLU, clipGradNorm, isin, randint, randperm, fftfreq, packed LSTM", async () => {
  tg.manualSeed(11);
  const dev = (t: tg.Tensor) => t.to("webgpu");
  const onGpu = async (t: tg.Tensor) => {
    assert.equal(t.backend.name, "webgpu");
    return t.toAsync("cpu");
  };
  // With replacement: frequencies follow the weights; a zero weight is never drawn.
  const weights = dev(tg.tensor([[1, 0, 3, 4], [5, 5, 0, 0]]));
  const draws = await onGpu(tg.multinomial(weights, 4000, true));
  const counts = (row: number) => [0, 1, 2, 3].map((k) => draws.select(0, row).eq(k).sum().item() / 4000);
  counts(0).forEach((f, k) => assert.ok(Math.abs(f - [1, 0, 3, 4][k]! / 8) < 0.03, `row 0, category ${k}: ${f}`));
  counts(1).forEach((f, k) => assert.ok(Math.abs(f - [0.5, 0.5, 0, 0][k]!) < 0.03, `row 1, category ${k}: ${f}`));
  // Without replacement: distinct categories of non-zero weight; the first draw follows the weights.
  const firsts = new Array<number>(4).fill(0);
  for (let i = 0; i < 300; i++) {
    const row = (await onGpu(tg.multinomial(dev(tg.tensor([1, 0, 3, 4])), 3))).tolist() as number[];
    assert.deepEqual([...row].sort(), [0, 2, 3]);
    firsts[row[0]!]!++;
  }
  assert.ok(Math.abs(firsts[3]! / 300 - 0.5) < 0.1 && Math.abs(firsts[0]! / 300 - 0.125) < 0.07, `first draws ${firsts}`);
  tg.multinomial(dev(tg.tensor([1, 0, 0])), 2);
  await assert.rejects(weights.data(), /fewer non-zero weights than the 2 samples/);
  tg.multinomial(dev(tg.tensor([1, -2])), 1, true);
  await assert.rejects(weights.data(), /weights must be finite and non-negative, got -2/);
  // Bernoulli, with its check deferred.
  const p = dev(tg.tensor([0, 1, 0.5]));
  assert.deepEqual(((await onGpu(tg.bernoulli(p))).tolist() as number[]).slice(0, 2), [0, 1]);
  tg.bernoulli(dev(tg.tensor([0.5, 1.5])));
  await assert.rejects(p.data(), /probabilities must be in \[0, 1\], got 1\.5/);
  // Fills, init and distributions make their draws on the tensor's device.
  const w = dev(tg.zeros([64, 64]));
  tg.nn.init.kaimingUniform_(w);
  // (assert.ok gets a message everywhere here: without one, Node re-reads this long file to quote the call, and a failure hung the run.)
  const std = (await onGpu(w.std())).item();
  assert.ok(Math.abs(std - Math.sqrt(2 / 64)) < 0.02, `kaimingUniform_ std ${std}`); // gain √2, bound √(6 / fan_in)
  for (const fill of [(t: tg.Tensor) => t.normal_(), (t: tg.Tensor) => t.exponential_(), (t: tg.Tensor) => t.random_(0, 5)]) await onGpu(fill(dev(tg.zeros([8]))));
  const loc = dev(tg.zeros([4]));
  await onGpu(new tg.distributions.Normal(loc, 1).rsample([2]));
  await onGpu(new tg.distributions.Categorical({ logits: dev(tg.zeros([3, 5])) }).sample());
  await onGpu(new tg.distributions.Bernoulli({ probs: dev(tg.full([3], 0.3)) }).sample());
  await onGpu(new tg.nn.RReLU().forward(dev(tg.randn([5]))));
  // clipGradNorm scales on the device (PyTorch's form: no read of the norm).
  const a = dev(tg.tensor([3, 4])).requiresGrad_();
  a.mul(a).div(2).sum().backward(); // grad = a, norm 5
  const norm = (await onGpu(tg.nn.utils.clipGradNorm([a], 1))).item();
  assert.ok(Math.abs(norm - 5) < 1e-5, `norm ${norm}`);
  assert.ok(tg.allclose(await onGpu(a.grad!), tg.tensor([0.6, 0.8]), { atol: 1e-5 }), "clipped gradient");
  assert.deepEqual((await onGpu(tg.isin(dev(tg.tensor([1, 2, NaN, 4])), dev(tg.tensor([4, NaN, 1]))))).tolist(), [true, false, false, true]);
  assert.equal(tg.randint(0, 5, [3], { device: "webgpu" }).backend.name, "webgpu");
  assert.deepEqual(((await onGpu(tg.randperm(5, { device: "webgpu" }))).tolist() as number[]).sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual((await onGpu(tg.fft.fftfreq(4, 1, { device: "webgpu" }))).tolist(), [0, 0.25, -0.5, -0.25]);
  const packed = tg.nn.utils.rnn.packPaddedSequence(dev(tg.randn([3, 2, 4])), [3, 2]);
  await onGpu((new tg.nn.LSTM(4, 3).to("webgpu").forward(packed)[0] as tg.nn.utils.rnn.PackedSequence).data);
});

test("graph layers on the GPU: node features and layer there, edges on the CPU (the structure is computed on the host), the same outputs as the CPU's; GPU edges serve SAGE and GIN, and GCN says where to keep them", async () => {
  tg.manualSeed(12);
  const { GCNConv, GATConv, SAGEConv, GINConv } = tg.geometric.nn;
  const x = tg.randn([6, 4]);
  const edges = tg.tensor([[0, 1, 2, 3, 4, 5, 1, 2], [1, 2, 3, 4, 5, 0, 0, 2]], { dtype: "int32" }); // with a self loop
  const layers: [string, () => tg.nn.Module][] = [
    ["GCNConv", () => new GCNConv(4, 3)],
    ["GATConv", () => new GATConv(4, 3, { heads: 2 })],
    ["SAGEConv", () => new SAGEConv(4, 3)],
    ["GINConv", () => new GINConv(new tg.nn.Linear(4, 3))],
  ];
  for (const [name, make] of layers) {
    const layer = make().eval() as unknown as { forward(x: tg.Tensor, e: tg.Tensor): tg.Tensor } & tg.nn.Module;
    const expected = layer.forward(x, edges);
    layer.to("webgpu");
    const got = await layer.forward(x.to("webgpu"), edges).toAsync("cpu");
    assert.ok(tg.allclose(got, expected, { atol: 1e-5 }), `${name}, CPU edges`);
    if (name === "SAGEConv" || name === "GINConv") assert.ok(tg.allclose(await layer.forward(x.to("webgpu"), edges.to("webgpu")).toAsync("cpu"), expected, { atol: 1e-5 }), `${name}, GPU edges`);
  }
  assert.throws(() => new GCNConv(4, 3).to("webgpu").forward(x.to("webgpu"), edges.to("webgpu")), (e: Error) => e instanceof tg.DeviceError && /keep edgeIndex on the CPU/.test(e.message));
});

test("gradient attributions run on the GPU with the model there, as on the CPU: IntegratedGradients, NoiseTunnel, GradientShap", async () => {
  const model = new tg.nn.Sequential(new tg.nn.Linear(4, 8), new tg.nn.Tanh(), new tg.nn.Linear(8, 3));
  const x = tg.randn([2, 4]);
  const methods: [string, (m: tg.nn.Module<[tg.Tensor], tg.Tensor>, x: tg.Tensor) => tg.Tensor][] = [
    ["IntegratedGradients", (m, x) => new tg.explain.IntegratedGradients(m).attribute(x, { target: 1 })],
    ["NoiseTunnel", (m, x) => new tg.explain.NoiseTunnel(new tg.explain.Saliency(m)).attribute(x, { target: 1, ntSamples: 4, generator: new tg.Generator().manualSeed(3) })],
    ["GradientShap", (m, x) => new tg.explain.GradientShap(m).attribute(x, { target: 1, baselines: tg.zeros([3, 4], { device: x.backend }), generator: new tg.Generator().manualSeed(3) })],
  ];
  const expected = methods.map(([, attribute]) => attribute(model, x));
  model.to("webgpu");
  for (const [i, [name, attribute]] of methods.entries()) {
    const got = await attribute(model, x.to("webgpu")).toAsync("cpu");
    assert.ok(tg.allclose(got, expected[i]!, { atol: 1e-4 }), name);
  }
});

test("perturbation attributions run the model on the GPU, as on the CPU: FeatureAblation (its own and a CPU feature mask), Occlusion, and Lime and KernelShap through attributeAsync (their surrogates fitted on the host)", async () => {
  const model = new tg.nn.Sequential(new tg.nn.Linear(6, 8), new tg.nn.Tanh(), new tg.nn.Linear(8, 3));
  const x = tg.randn([2, 6], { generator: new tg.Generator(8) });
  const mask = tg.tensor([[0, 0, 1, 1, 2, 2]], { dtype: "int32" });
  const seeded = () => new tg.Generator().manualSeed(5);
  const sync: [string, (m: typeof model, x: tg.Tensor) => tg.Tensor][] = [
    ["FeatureAblation", (m, x) => new tg.explain.FeatureAblation(m).attribute(x, { target: 2 })],
    ["FeatureAblation with a mask", (m, x) => new tg.explain.FeatureAblation(m).attribute(x, { target: [0, 1], featureMask: mask, baselines: tg.ones([6]) })],
    ["Occlusion", (m, x) => new tg.explain.Occlusion(m).attribute(x, { target: 1, slidingWindowShapes: [2], strides: 2 })],
  ];
  const surrogates: [string, (m: typeof model) => tg.explain.Lime][] = [["Lime", (m) => new tg.explain.Lime(m)], ["KernelShap", (m) => new tg.explain.KernelShap(m)]];
  const expected = sync.map(([, attribute]) => attribute(model, x));
  const expectedSurrogates = surrogates.map(([, make]) => make(model).attribute(x, { target: 1, featureMask: mask, nSamples: 30, generator: seeded() }));
  model.to("webgpu");
  const gx = x.to("webgpu");
  for (const [i, [name, attribute]] of sync.entries()) assert.ok(tg.allclose(await attribute(model, gx).toAsync("cpu"), expected[i]!, { atol: 1e-4 }), name);
  for (const [i, [name, make]] of surrogates.entries()) {
    const got = await make(model).attributeAsync(gx, { target: 1, featureMask: mask, nSamples: 30, generator: seeded() });
    assert.ok(tg.allclose(await got.toAsync("cpu"), expectedSurrogates[i]!, { atol: 1e-3 }), name);
    assert.throws(() => make(model).attribute(gx, { target: 1 }), (e: unknown) => e instanceof tg.DeviceError && /use await .*\.attributeAsync/.test((e as Error).message), `${name}: the sync form names the async one`);
  }
  assert.throws(() => new tg.explain.FeatureAblation(model).attribute(gx, { featureMask: mask.to("webgpu"), target: 0 }), (e: unknown) => e instanceof tg.DeviceError && /keep featureMask on the CPU/.test((e as Error).message), "a GPU feature mask");
});
