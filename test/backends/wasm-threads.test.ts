/**
 * The wasm backend's thread pool: large GEMMs split over threads (by batch, or by rows) give exactly
 * the single-thread result, also while the workers are still starting (the caller runs their
 * shares); setNumThreads validates its argument.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { WasmBackend } from "../../src/backend/wasm/index.js";

test("threaded GEMM equals the one-thread GEMM, split by rows and by batch, before and after the workers start", async () => {
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
    ];
    tg.setNumThreads(1);
    const one = cases.map(([a, b]) => a.matmul(b).tolist());
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

test("setNumThreads refuses what is not a positive integer", () => {
  assert.throws(() => tg.setNumThreads(0), /positive integer/);
  assert.throws(() => tg.setNumThreads(1.5), /positive integer/);
});
