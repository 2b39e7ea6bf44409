/**
 * maxPool2d(2): the fused wasm primitive (2×2 windows, stride 2) against the reference backend's
 * unfolded windows — values, the gradient reaching each window's first maximum (ties and NaN as
 * PyTorch's argmax), odd sizes (the last row and column dropped), and second-order gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { onBackend } from "../helpers.js";

test("fused 2×2 max pooling equals the unfolded one: values and gradients, ties, NaN, odd sizes", () => {
  for (const [H, W] of [[6, 8], [7, 13], [2, 2], [26, 26]] as const) {
    // Few distinct values, so that windows hold ties (post-ReLU zeros), and a NaN.
    const data = Array.from({ length: 2 * 3 * H * W }, (_, i) => (i === 17 ? NaN : Math.max(0, Math.round(Math.sin(i * 0.7) * 3))));
    const run = (backend: string) =>
      onBackend(backend, () => {
        const x = tg.tensor(data).reshape(2, 3, H, W).requiresGrad_();
        const y = tg.nn.functional.maxPool2d(x, 2);
        const weights = tg.arange(y.numel()).reshape(y.shape).cos();
        tg.where(tg.isnan(y), 0, y.mul(weights)).sum().backward();
        return [y.flatten().tolist() as number[], x.grad!.flatten().tolist() as number[]];
      });
    const [gotY, gotG] = run("wasm");
    const [refY, refG] = run("js");
    assert.deepEqual(gotY, refY, `values ${H}×${W}`);
    assert.deepEqual(gotG, refG, `gradient ${H}×${W}`);
  }
});

test("fused 2×2 max pooling: the module on unbatched input, other geometries, second-order gradients", () => {
  const image = tg.randn([3, 9, 10]).tolist(); // unbatched [C, H, W]
  const [fused, composed] = ["wasm", "js"].map((b) => onBackend(b, () => new tg.nn.MaxPool2d(2).forward(tg.tensor(image)).tolist()));
  assert.deepEqual(fused, composed);
  // Geometries near 2×2 that are not it (dilation, padding, ceil mode, stride 1) keep the unfolded path.
  const variants: tg.nn.functional.PoolOptions[] = [{ dilation: 2 }, { padding: 1 }, { ceilMode: true }, { stride: 1 }];
  for (const opts of variants) {
    const [a, b] = ["wasm", "js"].map((be) => onBackend(be, () => tg.nn.functional.maxPool2d(tg.tensor(image), 2, opts).tolist()));
    assert.deepEqual(a, b, JSON.stringify(opts));
  }
  // Second order through the pooling: d/dx Σ (∂/∂x Σ pool(x)³)².
  const data = tg.randn([1, 2, 4, 6]).tolist();
  const [d2w, d2r] = ["wasm", "js"].map((b) =>
    onBackend(b, () => {
      const v = tg.tensor(data).requiresGrad_();
      const [g] = tg.grad(tg.nn.functional.maxPool2d(v, 2).pow(3).sum(), [v], { createGraph: true });
      return tg.grad(g!.pow(2).sum(), [v])[0]!.flatten().tolist() as number[];
    }),
  );
  d2w!.forEach((v, i) => assert.ok(Math.abs(v - d2r![i]!) <= 1e-4 * Math.max(1, Math.abs(d2r![i]!)), `d2[${i}]: ${v} vs ${d2r![i]}`));
});
