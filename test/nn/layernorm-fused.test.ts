/**
 * layerNorm: the fused wasm primitive (rows of the trailing dims, float32) against the reference
 * backend's composed ops — values, gradients of input, weight and bias, and second-order gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("fused layerNorm equals the composed one", () => {
  const data = Array.from({ length: 3 * 4 * 6 }, (_, i) => Math.cos(i * 1.3) * 2 + (i % 5));
  const run = (backend: string) => {
    const previous = tg.getBackend().name;
    tg.setBackend(backend);
    try {
      const x = tg.tensor(data).reshape(3, 4, 6).requiresGrad_();
      const w = tg.linspace(0.5, 1.5, 24).reshape(4, 6).requiresGrad_();
      const b = tg.linspace(-1, 1, 24).reshape(4, 6).requiresGrad_();
      const y = tg.nn.functional.layerNorm(x, [4, 6], w, b);
      y.mul(tg.arange(72).reshape(3, 4, 6).sin()).sum().backward();
      const x2 = tg.tensor(data).reshape(3, 4, 6).requiresGrad_();
      const [dx] = tg.grad(tg.nn.functional.layerNorm(x2, [6]).pow(3).sum(), [x2], { createGraph: true });
      const [d2] = tg.grad(dx!.pow(2).sum(), [x2]);
      return [y, x.grad!, w.grad!, b.grad!, d2!].map((t) => t.flatten().tolist() as number[]);
    } finally {
      tg.setBackend(previous);
    }
  };
  const got = run("wasm");
  const ref = run("js");
  ["y", "dx", "dw", "db", "d2x"].forEach((name, k) =>
    got[k]!.forEach((v, i) => {
      const e = ref[k]![i]!;
      assert.ok(Math.abs(v - e) <= (name === "d2x" ? 1e-4 : 1e-5) * Math.max(1, Math.abs(e)), `${name}[${i}]: ${v} vs ${e}`);
    }),
  );
});
