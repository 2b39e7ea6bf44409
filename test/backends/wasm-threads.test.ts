/**
 * The wasm backend's thread pool: large GEMMs split over threads (by batch, or by rows) give exactly
 * the single-thread result; setNumThreads validates its argument.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("threaded GEMM equals the one-thread GEMM, split by rows and by batch", () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    tg.manualSeed(1);
    const cases: [tg.Tensor, tg.Tensor][] = [
      [tg.randn([301, 257]), tg.randn([257, 190])], // rows, with a partial last tile
      [tg.randn([190, 301]).t(), tg.randn([190, 77])], // rows of a transposed operand
      [tg.randn([5, 120, 130]), tg.randn([130, 99])], // batches (W broadcast)
    ];
    for (const [a, b] of cases) {
      tg.setNumThreads(1);
      const one = a.matmul(b).tolist();
      tg.setNumThreads(2);
      const two = a.matmul(b).tolist();
      assert.deepEqual(two, one, `matmul ${a.shape} · ${b.shape}`);
    }
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("setNumThreads refuses what is not a positive integer", () => {
  assert.throws(() => tg.setNumThreads(0), /positive integer/);
  assert.throws(() => tg.setNumThreads(1.5), /positive integer/);
});
