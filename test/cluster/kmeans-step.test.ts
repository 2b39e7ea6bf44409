/**
 * The fused k-means step (one pass over the data on the wasm backend) against the same step
 * composed of ordinary ops on the reference backend: labels, distances, per-centre sums and
 * weights, for shapes that exercise every tail of the kernel (odd rows, k not a multiple of 4,
 * d not a multiple of 8 or 4), with and without weights, and split over threads (bit-identical to
 * one thread: the parts are fixed).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { WasmBackend } from "../../src/backend/wasm/index.js";
import { kmeansStep } from "../../src/ops/fused.js";

const near = (a: tg.Tensor, b: tg.Tensor, tol: number, what: string) => {
  const [x, y] = [a.dataSync(), b.dataSync()];
  assert.equal(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
};

test("kmeansStep on the wasm backend equals the composed step on the reference backend", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    for (const [n, d, k] of [[1, 3, 1], [7, 5, 3], [33, 8, 5], [101, 19, 10], [64, 4, 4], [50, 12, 7], [40, 2, 9]] as const) {
      const g = new tg.Generator(n * 31 + d * 7 + k);
      const x = tg.randn([n, d], { generator: g });
      const c = x.narrow(0, 0, Math.min(k, n)).add(tg.randn([Math.min(k, n), d], { generator: g }).mul(0.1));
      const centres = k <= n ? c : tg.cat([c, tg.randn([k - n, d], { generator: g })], 0);
      for (const weights of [null, tg.rand([n], { generator: g }).add(0.5)]) {
        const fused = kmeansStep(x, centres, weights);
        const js = tg.backendByName("js");
        const reference = kmeansStep(x.toBackend(js), centres.toBackend(js), weights?.toBackend(js) ?? null);
        const what = `n=${n} d=${d} k=${k}${weights ? " weighted" : ""}`;
        assert.deepEqual(Array.from(fused[0].dataSync()), Array.from(reference[0].dataSync()), `${what}: labels`);
        near(fused[1], reference[1], 1e-5, `${what}: dist`);
        near(fused[2], reference[2], 1e-5, `${what}: sums`);
        near(fused[3], reference[3], 1e-6, `${what}: mass`);
      }
    }
  } finally {
    tg.setBackend(previous);
  }
});

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
