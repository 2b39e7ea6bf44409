/**
 * Max pooling on every backend (the wasm backend's SIMD window argmax over unfolded windows, its
 * fused 2×2 routine) against the reference backend: values and input gradients, with padding,
 * dilation, ceil mode, ties and NaNs, unbatched input, and second-order gradients. (The fused 2×2
 * routine itself is in test/backends/fused-suite.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { onBackend } from "../helpers.js";

const backends = tg.readyBackends().filter((name) => name !== "js");

test("max pooling equals the reference's on every backend, values and gradients", () => {
  const data = Array.from({ length: 2 * 3 * 9 * 8 }, (_, i) => (i % 7 === 3 ? 0.5 : Math.sin(i * 1.7)));
  data[20] = NaN;
  const settings: [number | [number, number], tg.nn.functional.PoolOptions][] = [
    [2, {}],
    [3, { stride: 2, padding: 1 }],
    [[2, 3], { stride: [2, 1], dilation: [2, 1], ceilMode: true }],
    // Geometries near 2×2 that are not it keep the unfolded path.
    [2, { dilation: 2 }],
    [2, { padding: 1 }],
    [2, { ceilMode: true }],
    [2, { stride: 1 }],
  ];
  for (const [kernel, opts] of settings) {
    const run = () => {
      const x = tg.tensor(data).reshape(2, 3, 9, 8).requiresGrad_();
      const y = tg.nn.functional.maxPool2d(x, kernel, opts);
      tg.where(tg.isnan(y), 0, y.mul(tg.arange(y.numel()).reshape(y.shape))).sum().backward();
      return { y: y.tolist(), g: x.grad!.tolist() };
    };
    const ref = onBackend("js", run);
    for (const name of backends) {
      const got = onBackend(name, run);
      assert.deepEqual(got.y, ref.y, `${name}: values, kernel ${kernel} ${JSON.stringify(opts)}`);
      assert.deepEqual(got.g, ref.g, `${name}: gradients, kernel ${kernel} ${JSON.stringify(opts)}`);
    }
  }
});

test("max pooling: the module on unbatched input, and second-order gradients, on every backend", () => {
  const image = tg.randn([3, 9, 10]).tolist(); // unbatched [C, H, W]
  const data = tg.randn([1, 2, 4, 6]).tolist();
  const run = () => {
    const y = new tg.nn.MaxPool2d(2).forward(tg.tensor(image)).tolist();
    // Second order through the pooling: d/dx Σ (∂/∂x Σ pool(x)³)².
    const v = tg.tensor(data).requiresGrad_();
    const [g] = tg.grad(tg.nn.functional.maxPool2d(v, 2).pow(3).sum(), [v], { createGraph: true });
    return { y, d2: tg.grad(g!.pow(2).sum(), [v])[0]!.flatten().tolist() as number[] };
  };
  const ref = onBackend("js", run);
  for (const name of backends) {
    const got = onBackend(name, run);
    assert.deepEqual(got.y, ref.y, `${name}: unbatched`);
    got.d2.forEach((v, i) => assert.ok(Math.abs(v - ref.d2[i]!) <= 1e-4 * Math.max(1, Math.abs(ref.d2[i]!)), `${name}: d2[${i}]: ${v} vs ${ref.d2[i]}`));
  }
});
