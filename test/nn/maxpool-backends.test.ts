/**
 * Max pooling on the wasm backend (its SIMD window argmax over unfolded windows) against the
 * reference backend: values and input gradients, with padding, dilation, ceil mode, ties and NaNs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("wasm max pooling equals the reference's, values and gradients", () => {
  const previous = tg.getBackend().name;
  const data = Array.from({ length: 2 * 3 * 9 * 8 }, (_, i) => (i % 7 === 3 ? 0.5 : Math.sin(i * 1.7)));
  data[20] = NaN;
  const settings: [number | [number, number], tg.nn.functional.PoolOptions][] = [
    [2, {}],
    [3, { stride: 2, padding: 1 }],
    [[2, 3], { stride: [2, 1], dilation: [2, 1], ceilMode: true }],
  ];
  try {
    for (const [kernel, opts] of settings) {
      const run = (backend: string) => {
        tg.setBackend(backend);
        const x = tg.tensor(data).reshape(2, 3, 9, 8).requiresGrad_();
        const y = tg.nn.functional.maxPool2d(x, kernel, opts);
        y.mul(tg.arange(y.numel()).reshape(y.shape)).sum().backward();
        return { y: y.tolist(), g: x.grad!.tolist() };
      };
      const ref = run("js");
      const got = run("wasm");
      assert.deepEqual(got.y, ref.y, `values, kernel ${kernel} ${JSON.stringify(opts)}`);
      assert.deepEqual(got.g, ref.g, `gradients, kernel ${kernel} ${JSON.stringify(opts)}`);
    }
  } finally {
    tg.setBackend(previous);
  }
});
