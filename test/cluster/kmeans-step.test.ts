/**
 * The wasm backend's fused k-means step split over threads: bit-identical to one thread (the parts
 * are fixed). Its values against the composed step are in test/backends/fused-suite.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { WasmBackend } from "../../src/backend/wasm/index.js";
import { kmeansStep } from "../../src/ops/fused.js";

test("kmeansStep split over threads gives exactly the one-thread result", async () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  tg.setBackend("wasm");
  try {
    const g = new tg.Generator(3);
    const x = tg.randn([4099, 130], { generator: g });
    const centres = tg.randn([13, 130], { generator: g });
    const weights = tg.rand([4099], { generator: g });
    tg.setNumThreads(1);
    const one = kmeansStep(x, centres, weights).map((t) => Array.from(t.dataSync()));
    tg.setNumThreads(2);
    await (tg.getBackend() as WasmBackend).startThreads();
    const two = kmeansStep(x, centres, weights).map((t) => Array.from(t.dataSync()));
    assert.deepEqual(two, one);
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});

test("kmeansStep names the shapes it cannot take", () => {
  assert.throws(() => kmeansStep(tg.zeros([4, 3]), tg.zeros([2, 5])), /kmeansStep: expected x \[n, d\], centres \[k, d\].*\[4, 3\], \[2, 5\]/);
  assert.throws(() => kmeansStep(tg.zeros([4, 3]), tg.zeros([2, 3]), tg.ones([5])), /\[5\]/);
});

test("setNumThreads applies to the current wasm backend (also wasm-simd128)", () => {
  const previous = tg.getBackend().name;
  const threads = tg.getNumThreads();
  try {
    tg.setBackend("wasm-simd128");
    tg.setNumThreads(1);
    assert.equal((tg.getBackend() as WasmBackend).numThreads, 1);
    assert.equal(tg.getNumThreads(), 1);
  } finally {
    tg.setNumThreads(threads);
    tg.setBackend(previous);
  }
});
