/**
 * softmax/logSoftmax: the fused wasm primitive (last dim, float32) against the reference backend's
 * composed ops — values (including rows with ±∞ and NaN), gradients, and second-order gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { onBackend } from "../helpers.js";

const same = (a: number[], b: number[], what: string, tol = 1e-6) =>
  a.forEach((v, i) => assert.ok(Object.is(v, b[i]) || Math.abs(v - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${v} vs ${b[i]}`));

test("fused softmax and logSoftmax equal the composed ones", () => {
  const data = Array.from({ length: 5 * 7 }, (_, i) => Math.sin(i * 0.9) * 3);
  const edges = [-Infinity, -Infinity, -Infinity, Infinity, 1, 2, NaN, 0, 0];
  for (const log of [false, true]) {
    const run = () => {
      const x = tg.tensor(data).reshape(5, 7).requiresGrad_();
      const y = log ? tg.logSoftmax(x, -1) : tg.softmax(x, 1);
      y.mul(tg.arange(35).reshape(5, 7).sin()).sum().backward();
      const x2 = tg.tensor(data).reshape(5, 7).requiresGrad_();
      const y2 = log ? tg.logSoftmax(x2, -1) : tg.softmax(x2, -1);
      const [dx] = tg.grad(y2.pow(2).sum(), [x2], { createGraph: true });
      const [d2] = tg.grad(dx!.pow(2).sum(), [x2]);
      const e = tg.tensor(edges).reshape(3, 3);
      return { y: y.flatten().tolist() as number[], g: x.grad!.flatten().tolist() as number[], d2: d2!.flatten().tolist() as number[], edge: (log ? tg.logSoftmax(e, -1) : tg.softmax(e, -1)).flatten().tolist() as number[] };
    };
    const got = onBackend("wasm", run);
    const ref = onBackend("js", run);
    // Second-order gradients pass through several float32 ops, and the fused forward rounds once
    // where the composed one rounds at each op: they agree to float32 noise, not to the last bit.
    for (const k of ["y", "g", "d2", "edge"] as const) same(got[k], ref[k], `${log ? "logSoftmax" : "softmax"} ${k}`, k === "d2" ? 1e-4 : 1e-6);
  }
});
