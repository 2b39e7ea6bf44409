/**
 * batchNorm in training mode: the fused wasm primitive (float32, statistics per channel) against the
 * reference backend's composed ops — values, running statistics, gradients of input, weight and bias,
 * second-order gradients, and the shapes where the SIMD loops have tails (spatial 1, 3, 5) or a
 * channel has constant values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

function compare(shape: number[], affine: boolean) {
  const size = shape.reduce((a, b) => a * b, 1);
  const C = shape[1]!;
  const data = Array.from({ length: size }, (_, i) => (i % 7 === 3 && shape[1]! > 2 ? 0.25 : Math.cos(i * 1.3) * 2 + (i % 5)));
  const run = (backend: string) => {
    const previous = tg.getBackend().name;
    tg.setBackend(backend);
    try {
      const x = tg.tensor(data).reshape(...shape).requiresGrad_();
      const w = affine ? tg.linspace(0.5, 1.5, C).requiresGrad_() : null;
      const b = affine ? tg.linspace(-1, 1, C).requiresGrad_() : null;
      const [rm, rv] = [tg.zeros([C]), tg.ones([C])];
      const y = tg.nn.functional.batchNorm(x, rm, rv, { weight: w, bias: b, training: true, momentum: 0.1 });
      y.mul(tg.arange(size).reshape(...shape).sin()).sum().backward();
      const x2 = tg.tensor(data).reshape(...shape).requiresGrad_();
      const [dx] = tg.grad(tg.nn.functional.batchNorm(x2, null, null, { training: true }).pow(3).sum(), [x2], { createGraph: true });
      const [d2] = tg.grad(dx!.pow(2).sum(), [x2]);
      const out = [y, rm, rv, x.grad!, d2!, ...(affine ? [w!.grad!, b!.grad!] : [])];
      return out.map((t) => t.flatten().tolist() as number[]);
    } finally {
      tg.setBackend(previous);
    }
  };
  const got = run("wasm");
  const ref = run("js");
  ["y", "runningMean", "runningVar", "dx", "d2x", "dw", "db"].slice(0, got.length).forEach((name, k) =>
    got[k]!.forEach((v, i) => {
      const e = ref[k]![i]!;
      assert.ok(Math.abs(v - e) <= (name === "d2x" ? 2e-4 : 2e-5) * Math.max(1, Math.abs(e)), `[${shape}] ${name}[${i}]: ${v} vs ${e}`);
    }),
  );
}

test("fused batchNorm equals the composed one, with and without weight and bias", () => {
  compare([4, 3, 5, 6], true);
  compare([5, 4, 3], false);
  compare([6, 8], true); // [N, C]: one value per image and channel
  compare([2, 3, 1, 5], true);
});

test("on the wasm backend a training step of BatchNorm2d is one fused kernel forward and one backward", () => {
  const backend = tg.getBackend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  if (!backend.batchNorm) return assert.equal(tg.getBackend().name, "js"); // the reference backend composes
  const calls: string[] = [];
  const originals = { batchNorm: backend.batchNorm, batchNormBackward: backend.batchNormBackward! };
  for (const [name, fn] of Object.entries(originals)) backend[name] = (...args: unknown[]) => (calls.push(name), fn.apply(backend, args));
  try {
    const bn = new tg.nn.BatchNorm2d(3);
    const x = tg.randn([4, 3, 5, 5]).requiresGrad_();
    bn.forward(x).square().sum().backward();
    assert.deepEqual(calls, ["batchNorm", "batchNormBackward"]);
    assert.ok(x.grad && bn.weight!.grad && bn.bias!.grad);
  } finally {
    for (const name of Object.keys(originals)) delete backend[name]; // the prototype's methods show again
  }
});
