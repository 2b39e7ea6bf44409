/** Shared test helpers: closeness checks and fixture loading. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import * as tg from "../src/index.js";

export function flat(x: tg.Tensor | number[] | tg.AnyTypedArray): number[] {
  return x instanceof tg.Tensor ? Array.from(x.dataSync()) : Array.from(x);
}

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise (NaN matches NaN), and equal shapes for tensors. */
export function assertClose(
  actual: tg.Tensor | number[],
  expected: tg.Tensor | number[] | tg.AnyTypedArray,
  { atol = 1e-5, rtol = 1e-5, shape }: { atol?: number; rtol?: number; shape?: readonly number[] } = {},
): void {
  if (shape && actual instanceof tg.Tensor) assert.deepEqual(actual.shape, shape);
  if (actual instanceof tg.Tensor && expected instanceof tg.Tensor) assert.deepEqual(actual.shape, expected.shape);
  const a = flat(actual);
  const e = flat(expected);
  assert.equal(a.length, e.length, `length ${a.length} != ${e.length}`);
  a.forEach((v, i) => {
    const w = e[i]!;
    if (Number.isNaN(w)) return assert.ok(Number.isNaN(v), `element ${i}: expected NaN, got ${v}`);
    if (!Number.isFinite(w)) return assert.equal(v, w, `element ${i}`);
    assert.ok(Math.abs(v - w) <= atol + rtol * Math.abs(w), `element ${i}: got ${v}, expected ${w}`);
  });
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

/** Runs fn on every synchronous backend (the whole suite runs per backend, jax-js style; the GPU has test/backends/webgpu.test.ts). */
export function eachBackend(fn: (name: string) => void): void {
  for (const name of tg.readyBackends()) fn(name);
}

/** fn's result with `name` as the current backend (the previous one restored after). */
export function onBackend<T>(name: string, fn: () => T): T {
  const previous = tg.getBackend().name;
  tg.setBackend(name);
  try {
    return fn();
  } finally {
    tg.setBackend(previous);
  }
}

/** A tensor as the fixture generators write it (null stands for a non-finite value). */
export interface Encoded {
  shape: number[];
  dtype?: "float32" | "int32";
  data: (number | null)[];
}

export function decode(e: Encoded): tg.Tensor {
  return tg.tensor(e.data.map((v) => v ?? NaN), { dtype: e.dtype ?? "float32", shape: e.shape });
}

/** CI's extra passes (other Node lines, the reference backend) run with TENSORGRAD_QUICK=1. */
export const QUICK = process.env.TENSORGRAD_QUICK === "1";

/**
 * A test registered in the full pass only. Whole example programs and CLI runs exercise the same
 * TypeScript front end on every Node line and backend, which the unit suites already cover there;
 * running them once keeps CI short.
 */
export function fullPassTest(name: string, fn: () => void | Promise<void>): void {
  if (!QUICK) test(name, fn);
}
