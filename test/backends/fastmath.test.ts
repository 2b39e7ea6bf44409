/**
 * The wasm backend's SIMD exp, sigmoid, tanh, erf and softmax (wasm/fastmath.ts) against the reference
 * backend's float64 maths, over dense grids of their whole float32 ranges: exp and sigmoid within
 * 2 ulp (tanh too), erf within 2e-7, softmax rows within 6e-7 relative (5 ulp); special values exactly;
 * normal draws equal the reference's bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Backend } from "../../src/index.js";
import { JsBackend } from "../../src/backend/js/index.js";
import type { UnaryOp } from "../../src/backend/backend.js";
import { onBackend } from "../helpers.js";

const reference = new JsBackend();
const wasm = tg.readyBackends().filter((n) => n !== "js").map((n) => tg.backendByName(n));

function run(b: Backend, op: UnaryOp, x: Float32Array): Float32Array {
  const storage = b.unary(op, { storage: b.fromArray(x, "float32"), shape: [x.length], strides: [1], offset: 0 });
  return b.toArray({ storage, shape: [x.length], strides: [1], offset: 0 }) as Float32Array;
}

function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Distance in units in the last place of float32 (both finite, same sign or zero). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  return Math.abs(i[0]! - i[1]!);
}

const SPECIAL = Float32Array.from([0, -0, Infinity, -Infinity, NaN, 1e-30, -1e-30, 88.7, 88.73, -87.3, -103.9, -104.5, 3.92, -3.92, 5, -5]);

for (const b of wasm) {
  test(`${b.name}: exp, sigmoid and tanh are within 2 ulp of the reference over their float32 range`, () => {
    for (const op of ["exp", "sigmoid", "tanh"] as UnaryOp[]) {
      const x = Float32Array.from([...grid(-110, 90, 200_001), ...SPECIAL]);
      const got = run(b, op, x);
      const want = run(reference, op, x);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        if (Number.isNaN(want[i]!)) assert.ok(Number.isNaN(got[i]!), `${op}(${x[i]}) should be NaN`);
        else worst = Math.max(worst, ulps(got[i]!, want[i]!));
      }
      assert.ok(worst <= 2, `${op}: ${worst} ulp`);
    }
  });

  test(`${b.name}: erf is within 2e-7 of the reference (and 1e-6 relative near 0), odd, ±1 in the tails`, () => {
    const x = Float32Array.from([...grid(-6, 6, 200_001), ...grid(-1e-3, 1e-3, 2001), ...SPECIAL]);
    const got = run(b, "erf", x);
    const want = run(reference, "erf", x);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(want[i]!)) {
        assert.ok(Number.isNaN(got[i]!));
        continue;
      }
      const err = Math.abs(got[i]! - want[i]!);
      assert.ok(err <= 2e-7 && err <= Math.max(1e-6 * Math.abs(want[i]!), 1e-40), `erf(${x[i]}) = ${got[i]}, reference ${want[i]}`);
    }
    assert.ok(Object.is(run(b, "erf", Float32Array.from([-0]))[0], -0));
  });

  test(`${b.name}: softmax rows are within 6e-7 relative (5 ulp) of the reference`, () => {
    const gen = new tg.Generator(4);
    for (const C of [1, 3, 4, 7, 64, 65, 1000, 5000]) {
      const R = 5;
      const x = Float32Array.from({ length: R * C }, () => (gen.random() - 0.5) * 40);
      const view = (bk: Backend) => ({ storage: bk.fromArray(x, "float32"), shape: [R, C], strides: [C, 1], offset: 0 });
      const read = (bk: Backend, s: ReturnType<Backend["fill"]>) => bk.toArray({ storage: s, shape: [R, C], strides: [C, 1], offset: 0 });
      const got = read(b, b.softmax!(view(b), false)!);
      const want = new Float64Array(R * C);
      for (let r = 0; r < R; r++) {
        const row = Array.from(x.subarray(r * C, (r + 1) * C));
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(Math.fround(v - m))); // the kernel subtracts in float32, as PyTorch's does
        const s = e.reduce((a, v) => a + v, 0);
        e.forEach((v, j) => (want[r * C + j] = Math.fround(v / s)));
      }
      for (let i = 0; i < x.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 6e-7 * Math.abs(want[i]!) + 1e-44, `C ${C}, element ${i}: ${got[i]} vs ${want[i]}`);
    }
  });
}

test("fused GELU (exact and tanh) gives the composed op's values and gradients", () => {
  for (const approximate of ["none", "tanh"] as const) {
    const values = Array.from({ length: 1001 }, (_, i) => -8 + (16 * i) / 1000);
    // The reference backend has no fused routine: there gelu is the composed formula.
    const [want, dw] = onBackend("js", () => {
      const x = tg.tensor(values).requiresGrad_(true);
      const y = tg.gelu(x, approximate);
      y.sum().backward();
      return [y.tolist() as number[], x.grad!.tolist() as number[]];
    });
    const x = tg.tensor(values).requiresGrad_(true);
    const y = tg.gelu(x, approximate);
    y.sum().backward();
    const [got, dg] = [y.tolist() as number[], x.grad!.tolist() as number[]];
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-6 * Math.max(1, Math.abs(want[i]!)), `gelu ${approximate} at ${values[i]}: ${v} vs ${want[i]}`));
    dg.forEach((v, i) => assert.ok(Math.abs(v - dw[i]!) <= 2e-6 * Math.max(1, Math.abs(dw[i]!)), `gelu' ${approximate} at ${values[i]}: ${v} vs ${dw[i]}`));
  }
});

test("GELU's gradient with createGraph (composed from ops, so it is differentiable again) equals the fused one", () => {
  for (const approximate of ["none", "tanh"] as const) {
    const x = tg.linspace(-6, 6, 401).requiresGrad_(true);
    const [fused] = tg.grad(tg.gelu(x, approximate).sum(), [x]);
    const [composed] = tg.grad(tg.gelu(x, approximate).sum(), [x], { createGraph: true });
    assert.ok(composed!.requiresGrad, "a gradient that can be differentiated again");
    const [a, b] = [fused!.tolist() as number[], composed!.tolist() as number[]];
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 2e-6 * Math.max(1, Math.abs(b[i]!)), `${approximate} at ${i}: ${v} vs ${b[i]}`));
  }
});

test("the wasm normal draws (f64x2 Box–Muller, fdlibm's log and cos) equal the reference's bit for bit", () => {
  const wasmBackend = tg.backendByName("wasm");
  // Offsets past 2^32 carry into the counter's high word; an odd count ends on half a pair.
  for (const [seed, offset, n] of [[7, 5, 1 << 17], [4294967295, 2 ** 33 - 7, 40001]] as const) {
    const read = (b: Backend) => b.toArray({ storage: b.random(n, "normal", seed, offset, "float32"), shape: [n], strides: [1], offset: 0 }) as Float32Array;
    const [got, want] = [read(wasmBackend), read(reference)];
    for (let i = 0; i < n; i++) if (got[i] !== want[i]) assert.fail(`draw ${offset + i} under seed ${seed}: ${got[i]} vs ${want[i]}`);
  }
});

test("the wasm dropout keeps exactly the values whose uniform draw is ≥ p, and says which, also where the counters cross 2^32; its gradient reads that mask", () => {
  const wasmBackend = tg.backendByName("wasm");
  const n = 4099;
  const xs = Float32Array.from({ length: n }, (_, i) => 1 + (i % 97));
  // Within the low words (the kernel's one-high-word path), across 2^32 (the carrying path), past it.
  for (const [seed, offset] of [[3, 0], [11, 2 ** 32 - 1000], [4294967295, 2 ** 40 + 3]] as const) {
    for (const p of [0, 0.1, 1 / 3, 0.5, 1]) {
      const x = { storage: wasmBackend.fromArray(xs, "float32"), shape: [n], strides: [1], offset: 0 };
      const [values, mask] = wasmBackend.dropout!(x, p, seed, offset, false)!;
      const keep = { storage: mask, shape: [n], strides: [1], offset: 0 };
      const y = wasmBackend.toArray({ storage: values, shape: [n], strides: [1], offset: 0 }) as Float32Array;
      const kept = wasmBackend.toArray(keep) as Uint8Array;
      const dx = wasmBackend.toArray({ storage: wasmBackend.dropoutBackward!(x, keep, 1 / (1 - p))!, shape: [n], strides: [1], offset: 0 }) as Float32Array;
      const u = reference.toArray({ storage: reference.random(n, "uniform", seed, offset, "float32"), shape: [n], strides: [1], offset: 0 }) as Float32Array;
      const scale = Math.fround(1 / (1 - p));
      for (let i = 0; i < n; i++) {
        const on = u[i]! >= Math.fround(p);
        const want = on ? Math.fround(xs[i]! * scale) : 0;
        if (y[i] !== want || dx[i] !== want || kept[i] !== +on) assert.fail(`p ${p}, draw ${offset + i} under seed ${seed}: ${y[i]}, ${dx[i]} and mask ${kept[i]} vs ${want}`);
      }
    }
  }
});

test("the wasm dropout of relu(x) is relu then dropout in one pass: the same draws, NaN kept, and a mask that is also relu's gradient", () => {
  const wasmBackend = tg.backendByName("wasm");
  const n = 4099;
  // Negative, zero, −0, positive and NaN values, in the vector body and the scalar tail.
  const xs = Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NaN : i % 7 === 0 ? 0 : i % 13 === 0 ? -0 : (i % 5) - 2.5 + i / n));
  for (const [seed, offset] of [[3, 0], [11, 2 ** 32 - 1000]] as const) {
    for (const p of [0.1, 0.5]) {
      const x = { storage: wasmBackend.fromArray(xs, "float32"), shape: [n], strides: [1], offset: 0 };
      const [values, mask] = wasmBackend.dropout!(x, p, seed, offset, true)!;
      const y = wasmBackend.toArray({ storage: values, shape: [n], strides: [1], offset: 0 }) as Float32Array;
      const kept = wasmBackend.toArray({ storage: mask, shape: [n], strides: [1], offset: 0 }) as Uint8Array;
      const u = reference.toArray({ storage: reference.random(n, "uniform", seed, offset, "float32"), shape: [n], strides: [1], offset: 0 }) as Float32Array;
      const scale = Math.fround(1 / (1 - p));
      for (let i = 0; i < n; i++) {
        const on = u[i]! >= Math.fround(p);
        const v = xs[i]!;
        const want = on ? Math.fround((Number.isNaN(v) ? v : Math.max(v, 0)) * scale) : 0;
        const ok = Number.isNaN(want) ? Number.isNaN(y[i]!) : y[i] === want;
        if (!ok || kept[i] !== +(on && v > 0)) assert.fail(`p ${p}, x ${v}, draw ${offset + i} under seed ${seed}: ${y[i]} and mask ${kept[i]} vs ${want}`);
      }
    }
  }
});
