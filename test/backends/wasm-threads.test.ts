/**
 * The wasm backend's thread pool: large GEMMs split over threads (by batch, by rows, or by parts of K), large
 * elementwise ops and reductions split along their outer dim, and recurrences split by batch rows
 * give exactly the single-thread result,
 * also while the workers are still starting (the caller runs their shares); setNumThreads validates
 * its argument.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { WasmBackend } from "../../src/backend/wasm/index.js";

test("threaded GEMM equals the one-thread GEMM, split by rows, by batch or by parts of K, before and after the workers start", async () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  const backend = tg.getBackend() as WasmBackend;
  try {
    tg.manualSeed(1);
    const cases: [tg.Tensor, tg.Tensor][] = [
      [tg.randn([301, 257]), tg.randn([257, 190])], // rows, with a partial last tile
      [tg.randn([190, 301]).t(), tg.randn([190, 77])], // rows of a transposed operand
      [tg.randn([5, 120, 130]), tg.randn([130, 99])], // batches (W broadcast)
      [tg.randn([300, 200]), tg.randn([180, 200]).t()], // both contiguous along K (the dot-product kernel), by rows
      [tg.randn([6, 120, 130]), tg.randn([110, 130]).t()], // the same by batches
      [tg.randn([3843, 16]), tg.randn([128, 16]).t()], // a short K and a transposed weight (rowsGemm), rows not a multiple of 4
      [tg.randn([3841, 128]), tg.randn([128, 16])], // a narrow B, k-major as it is (rowsGemm)
      [tg.randn([6, 9]), tg.randn([37, 9, 677])], // a small A (conv weights) against long B's, by batch (colsGemm)
      [tg.randn([16, 54]), tg.randn([54, 8195])], // one long B, split by columns, a power-of-two row stride and a ragged end (colsGemm)
      [tg.randn([54, 16]).t(), tg.randn([54, 4099])], // a transposed small A (colsGemm after a copy)
      [tg.randn([16, 7744]), tg.randn([54, 7744]).t()], // few inner products over a long K (a conv weight gradient): cut along K into parts
      [tg.randn([7, 4099]), tg.randn([9, 4099]).t()], // the same with fewer than 8 rows and a K that leaves a remainder
      [tg.randn([3843, 128]).t(), tg.randn([3843, 32])], // a recurrent weight's gradient (Σ over steps of dgatesᵀ·h): packed GEMM over parts of K
    ];
    tg.setNumThreads(1);
    const one = cases.map(([a, b]) => a.matmul(b).tolist());
    for (const [a, b] of cases.slice(-8)) {
      const exact = a.double().matmul(b.double());
      assert.ok(a.matmul(b).double().sub(exact).abs().max().item() <= 1e-5 * exact.abs().max().item(), `matmul ${a.shape} · ${b.shape} is exact to 1e-5`);
    }
    tg.setNumThreads(2);
    // The first split GEMM starts the pool; until a worker is up, the caller runs its share.
    assert.deepEqual(cases[0]![0].matmul(cases[0]![1]).tolist(), one[0]);
    await backend.startThreads();
    assert.equal(backend.readyThreads, 2);
    cases.forEach(([a, b], i) => assert.deepEqual(a.matmul(b).tolist(), one[i], `matmul ${a.shape} · ${b.shape}`));
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("threaded elementwise ops, copies and casts, fills, reductions, uniform and normal draws, dropout, im2col/col2im, max pooling and its gradient, row routines (softmax, layer norm, GELU), gather and scatter-add, and Adam equal their one-thread results, for 3 threads too", async () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    tg.manualSeed(2);
    const big = tg.randn([1 << 18 | 5]); // past the split threshold, with a ragged end
    const m = tg.randn([1031, 300]);
    const [images, filters] = [tg.randn([97, 5, 26, 26]), tg.randn([16, 5, 3, 3])]; // 97 images: uneven ranges; each kernel writes past the split threshold
    const ops: [string, () => tg.Tensor][] = [
      ["add", () => big.add(big.flip(0))],
      ["a mid-size add (split while the workers are awake)", () => big.narrow(0, 0, 100003).mul(big.narrow(0, 7, 100003))],
      ["exp", () => big.exp()],
      ["gt (bool output)", () => big.gt(0)],
      ["where", () => tg.where(big.gt(0), big, big.mul(2))],
      ["bias add (broadcast rows)", () => m.add(tg.arange(300).float())],
      ["strided mul", () => m.t().mul(2)],
      ["permuting copy", () => m.t().contiguous()],
      ["casts (bool to float32, a transposed float32 to float64)", () => tg.cat([big.gt(0).float(), m.t().double().float().flatten()])],
      ["sum", () => big.sum()],
      ["sum of rows", () => m.sum(1)],
      ["sum over the batch", () => m.sum(0)],
      ["max of rows", () => m.amax(1)],
      ["softmax rows", () => tg.softmax(m, -1)],
      ["logSoftmax rows", () => tg.logSoftmax(m, -1)],
      ["layerNorm rows", () => tg.nn.functional.layerNorm(m, [300])],
      ["gelu (tanh)", () => tg.nn.functional.gelu(big, { approximate: "tanh" })],
      ["uniform draws", () => tg.rand([1 << 18 | 5], { generator: tg.manualSeed(9) })],
      ["normal draws", () => tg.randn([1 << 18 | 5], { generator: tg.manualSeed(9) })],
      ["dropout and its gradient", () => {
        tg.manualSeed(9);
        const v = big.detach().requiresGrad_();
        tg.nn.functional.dropout(v, 0.3, true).mul(big).sum().backward();
        return tg.cat([tg.nn.functional.dropout(big, 0.3, true), v.grad!]);
      }],
      ["conv2d (im2col by images) and 2×2 max pooling (by planes)", () => tg.nn.functional.maxPool2d(tg.nn.functional.conv2d(images, filters, null, { padding: 1 }), 2)],
      ["2×2 max pooling's gradient (by planes), odd height and width", () => {
        const v = images.narrow(2, 0, 25).narrow(3, 0, 25).contiguous().requiresGrad_();
        tg.nn.functional.maxPool2d(v, 2).mul(tg.arange(12 * 12).float().cos().reshape(12, 12)).sum().backward();
        return v.grad!;
      }],
      ["conv2d's input gradient (col2im by images)", () => {
        const v = images.detach().requiresGrad_();
        tg.nn.functional.conv2d(v, filters, null, { padding: 1 }).mul(tg.arange(16 * 26 * 26).float().cos().reshape(16, 26, 26)).sum().backward();
        return v.grad!;
      }],
      ["relu's gradient", () => {
        const v = big.detach().requiresGrad_();
        v.relu().mul(big).sum().backward();
        return v.grad!;
      }],
      ["their gradients", () => {
        const v = m.detach().requiresGrad_();
        const w = tg.arange(300).float().sin();
        tg.softmax(v, -1).add(tg.logSoftmax(v, -1)).add(tg.nn.functional.layerNorm(v, [300])).add(tg.nn.functional.gelu(v)).mul(w).sum().backward();
        return v.grad!;
      }],
      ["layer norm with weight and bias, and its three gradients (by 32-row parts)", () => {
        const [v, w, b] = [m.detach().requiresGrad_(), tg.arange(300).float().cos().requiresGrad_(), tg.arange(300).float().sin().requiresGrad_()];
        tg.nn.functional.layerNorm(v, [300], w, b).mul(m.flip(0)).sum().backward();
        return tg.cat([tg.nn.functional.layerNorm(m, [300], w, b).flatten(), v.grad!.flatten(), w.grad!, b.grad!]);
      }],
      ["an embedding's gradient's scatter-add (split by ranges of rows), and an Adam step (by element ranges)", () => {
        const table = tg.nn.Embedding.fromPretrained(m.narrow(1, 0, 64), { freeze: false });
        const ids = tg.arange(5000).mul(37).remainder(1031).int().reshape(50, 100);
        const adam = new tg.optim.Adam(table.parameters(), { lr: 0.01 });
        const out = table.forward(ids);
        out.mul(out).sum().backward();
        const grad = table.weight.grad!.clone();
        adam.step();
        return tg.cat([out.flatten(), grad.flatten(), table.weight.detach().flatten()]);
      }],
      ["zeros (a split fill)", () => tg.zeros([1 << 18 | 5]).add(1)],
    ];
    tg.setNumThreads(1);
    const one = ops.map(([, f]) => f().tolist());
    for (const n of [2, 3]) {
      tg.setNumThreads(n);
      await (tg.getBackend() as WasmBackend).startThreads();
      ops.forEach(([name, f], i) => assert.deepEqual(f().tolist(), one[i], `${name} on ${n} threads`));
    }
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("LSTM, GRU and RNN layers split by batch rows over threads equal their one-thread results, outputs and gradients", async () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    const run = (Layer: typeof tg.nn.LSTM | typeof tg.nn.GRU | typeof tg.nn.RNN) => {
      tg.manualSeed(3);
      const layer = new Layer(16, 32, { bidirectional: true });
      const x = tg.randn([40, 30, 16], { requiresGrad: true }); // 30 rows: a ragged last share
      const [out] = layer.forward(x);
      (out as tg.Tensor).square().sum().backward();
      return [out as tg.Tensor, x.grad!, ...layer.parameters().map((p) => p.grad!)].map((t) => t.tolist());
    };
    for (const Layer of [tg.nn.LSTM, tg.nn.GRU, tg.nn.RNN]) {
      tg.setNumThreads(1);
      const one = run(Layer);
      tg.setNumThreads(2);
      await (tg.getBackend() as WasmBackend).startThreads();
      assert.deepEqual(run(Layer), one, Layer.name);
    }
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("the pool says whether its workers are awake: spinning after a split kernel, asleep after a pause", async () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    tg.setNumThreads(2);
    const backend = tg.getBackend() as WasmBackend;
    await backend.startThreads();
    const big = tg.randn([1 << 19]);
    // A split kernel: the worker runs a share, then spins (retried: a busy machine may pause this
    // thread past the spin time between the kernel and the check).
    let awake = false;
    for (let i = 0; i < 20 && !awake; i++) {
      big.add(1).dispose();
      awake = backend.workers().awake;
    }
    assert.equal(awake, true);
    // Idle far past the spin time, it sleeps.
    for (let waited = 0; waited < 5000 && backend.workers().awake; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(backend.workers().awake, false);
    assert.equal(backend.splits(100000), false);
    assert.equal(backend.splits(1 << 18), true);
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("setNumThreads refuses what is not a positive integer", () => {
  assert.throws(() => tg.setNumThreads(0), /positive integer/);
  assert.throws(() => tg.setNumThreads(1.5), /positive integer/);
});

test("a scatter-add split by index ranges still names a bad index", async () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    tg.setNumThreads(2);
    await (tg.getBackend() as WasmBackend).startThreads();
    const ids = tg.arange(600).int().mul(3).reshape(600, 1).expand(600, 300);
    assert.throws(() => tg.scatterAdd(tg.zeros([1000, 300]), 0, ids, tg.ones([600, 300])), /1000/);
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});
