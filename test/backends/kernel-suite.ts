/**
 * The backend conformance suite: every primitive kernel of the Backend contract, on strided inputs
 * (transposed, sliced, offset, broadcast with stride 0), compared with the reference backend.
 * A backend says which kernels are its own (`owns`) and delegates the rest to its `fallback`: the
 * suite lists both, checks every kernel it owns on every dtype it owns it for and every layout, and
 * spies on the fallback to check that an owned kernel never reaches it. A new backend passes this
 * suite to be selectable (conformance.test.ts runs it on every registered backend).
 */
import { after, before, describe, test } from "node:test";
import v8 from "node:v8";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Backend, View } from "../../src/index.js";
import { JsBackend } from "../../src/backend/js/index.js";
import { KERNELS, type BinaryOp, type KernelName, type ReduceOp, type UnaryOp } from "../../src/backend/backend.js";
import { DTYPES, allocArray, type DType } from "../../src/base/dtype.js";
import { BINARY_OP_NAMES, REDUCE_OP_NAMES, UNARY_OP_NAMES, dtypeRule } from "../../src/base/op-table.js";
import { Generator } from "../../src/base/rng.js";

// Node 20 has relaxed SIMD behind a V8 flag: turn it on before any backend exists, so that this suite
// checks the relaxed-SIMD kernels ("wasm") as well as the plain ones ("wasm-simd128").
if (process.versions.node.startsWith("20.")) v8.setFlagsFromString("--experimental-wasm-relaxed-simd"); // later lines have it on, and no such flag

const reference = new JsBackend();
const gen = new Generator(99);

/** Values for a dtype: floats in ±2 (or (0.5, 2.5) when positive), small ints, bools. */
function values(dtype: DType, n: number, positive = false): tg.AnyTypedArray {
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const u = gen.random();
    out[i] = dtype === "bool" ? +(u > 0.5) : dtype === "int32" ? Math.floor(u * 9) - 4 : positive ? u * 2 + 0.5 : u * 4 - 2;
  }
  return out;
}

/** The layouts every kernel must handle, each as a function of a [rows, cols] logical shape. */
type Layout = (b: Backend, data: tg.AnyTypedArray, dtype: DType, rows: number, cols: number) => View;
const LAYOUTS: Record<string, { size: (r: number, c: number) => number; make: Layout }> = {
  contiguous: { size: (r, c) => r * c, make: (b, d, t, r, c) => ({ storage: b.fromArray(d, t), shape: [r, c], strides: [c, 1], offset: 0 }) },
  transposed: { size: (r, c) => r * c, make: (b, d, t, r, c) => ({ storage: b.fromArray(d, t), shape: [r, c], strides: [1, r], offset: 0 }) },
  "offset slice": {
    size: (r, c) => (r + 1) * (c + 2),
    make: (b, d, t, r, c) => ({ storage: b.fromArray(d, t), shape: [r, c], strides: [c + 2, 1], offset: c + 3 }),
  },
  "broadcast rows": { size: (_r, c) => c, make: (b, d, t, r, c) => ({ storage: b.fromArray(d, t), shape: [r, c], strides: [0, 1], offset: 0 }) },
  "step 2": { size: (r, c) => r * c * 2, make: (b, d, t, r, c) => ({ storage: b.fromArray(d, t), shape: [r, c], strides: [2 * c, 2], offset: 0 }) },
};

/** The same logical view on the backend under test and on the reference. */
function pair(b: Backend, layout: string, dtype: DType, r = 3, c = 4, positive = false): [View, View] {
  const l = LAYOUTS[layout]!;
  const data = values(dtype, l.size(r, c), positive);
  return [l.make(b, data, dtype, r, c), l.make(reference, data, dtype, r, c)];
}

/** The elements of a result; a backend whose memory lives on a device (WebGPU) is read asynchronously. */
function read(b: Backend, storage: ReturnType<Backend["fill"]>, shape: number[]): number[] | Promise<number[]> {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const view = { storage, shape, strides, offset: 0 };
  return b.read ? b.read(view).then((a) => Array.from(a)) : Array.from(b.toArray(view));
}

/** Comparisons waiting on asynchronous reads; each test awaits them at its end (see check). */
let pending: Promise<void>[] = [];

function same(actual: number[] | Promise<number[]>, expected: number[] | Promise<number[]>, what: string, tol = 1e-6): void {
  if (actual instanceof Promise || expected instanceof Promise) {
    pending.push(Promise.all([actual, expected]).then(([a, e]) => same(a, e, what, tol)));
    return;
  }
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => {
    const e = expected[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(v) : v === e || Math.abs(v - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${what}: element ${i} is ${v}, reference ${e}`);
  });
}

// The op table's ops on floats (the others are checked on their own dtypes below).
const UNARY = UNARY_OP_NAMES.filter((op) => dtypeRule(op) !== "logical" && dtypeRule(op) !== "bitwise");
const BINARY = BINARY_OP_NAMES.filter((op) => dtypeRule(op) === "arithmetic" || dtypeRule(op) === "comparison");
const REDUCE = REDUCE_OP_NAMES;

/** The ops a kernel takes (the elementwise, reduction and random kernels), or [undefined]. */
const OPS: Partial<Record<KernelName, readonly string[]>> = {
  unary: UNARY_OP_NAMES, binary: BINARY_OP_NAMES, reduce: REDUCE_OP_NAMES, argReduce: ["argmax", "argmin"], random: ["uniform", "normal"],
};

/** "kernel", "kernel on float32", "unary exp on float32, int32" …: what a backend owns, or delegates. */
function ownership(b: Backend, own: boolean): string[] {
  const out: string[] = [];
  for (const kernel of KERNELS) {
    for (const op of OPS[kernel] ?? [undefined]) {
      const dtypes = DTYPES.filter((d) => b.supportsDType(d) && b.owns(kernel, d, op) === own);
      if (dtypes.length === 0) continue;
      const what = op ? `${kernel} ${op}` : kernel;
      out.push(dtypes.length === DTYPES.length ? what : `${what} (${dtypes.join(", ")})`);
    }
  }
  return out;
}

type Delegation = [KernelName, DType, string | undefined];

/**
 * Starts recording the kernels that b hands to its fallback, as [kernel, dtype, op]: calls made by
 * b itself (not the fallback's calls of its own kernels) that return normally (a kernel may let the
 * reference throw the error naming a bad index). The returned function stops and gives the record.
 */
function recordDelegations(b: Backend): () => Delegation[] {
  const fallback = b.fallback as unknown as Record<string, (...args: unknown[]) => unknown> | null;
  const calls: Delegation[] = [];
  if (!fallback) return () => calls;
  let depth = 0;
  for (const kernel of KERNELS) {
    const original = fallback[kernel]!;
    fallback[kernel] = (...args: unknown[]) => {
      depth++;
      try {
        const result = original.apply(fallback, args);
        if (depth === 1) {
          const op = kernel === "random" ? (args[1] as string) : OPS[kernel] ? (args[0] as string) : undefined;
          const view = args.find((a): a is View => typeof a === "object" && a !== null && "storage" in a);
          const dtype = view?.storage.dtype ?? (args.find((a) => typeof a === "string" && (DTYPES as readonly string[]).includes(a)) as DType);
          calls.push([kernel, dtype, op]);
        }
        return result;
      } finally {
        depth--;
      }
    };
  }
  return () => {
    for (const kernel of KERNELS) delete fallback[kernel];
    return calls;
  };
}

/** Values for a kernel and dtype that every op takes (positive floats for log/sqrt/pow, shifts in range). */
function opValues(dtype: DType, n: number, op: string | undefined): tg.AnyTypedArray {
  const positive = op === "log" || op === "sqrt" || op === "rsqrt" || op === "pow";
  const v = values(dtype, n, positive);
  if (dtype === "int32" && (op === "bitwiseLeftShift" || op === "bitwiseRightShift" || op === "pow")) v.forEach((x, i) => (v[i] = Math.abs(x)));
  return v;
}

/** Runs kernel (with op) on dtype over every layout, on b and on the reference, and compares. */
function checkOwned(b: Backend, kernel: KernelName, dtype: DType, op: string | undefined): void {
  const tol = dtype === "float64" || dtype === "float32" ? 1e-5 : 0;
  for (const layout of Object.keys(LAYOUTS)) {
    const l = LAYOUTS[layout]!;
    const both = (d: DType, o = op) => {
      const data = opValues(d, l.size(3, 4), o);
      return [l.make(b, data, d, 3, 4), l.make(reference, data, d, 3, 4)] as const;
    };
    const what = `${kernel}${op ? ` ${op}` : ""} on ${dtype}, ${layout}`;
    const [x, rx] = both(dtype);
    const run = (f: (be: Backend, v: View, w: View, c: View) => ReturnType<Backend["copy"]>, shape = [3, 4]) => {
      const [y, ry] = both(dtype);
      const [c, rc] = both("bool");
      same(read(b, f(b, x, y, c), shape), read(reference, f(reference, rx, ry, rc), shape), what, tol);
    };
    switch (kernel) {
      case "copy": run((be, v) => be.copy(v)); break;
      case "cast": for (const to of DTYPES.filter((d) => b.supportsDType(d))) run((be, v) => be.cast(v, to)); break;
      case "unary": run((be, v) => be.unary(op as UnaryOp, v)); break;
      case "binary": run((be, v, w) => be.binary(op as BinaryOp, v, w)); break;
      case "where": run((be, v, w, c) => be.where(c, v, w)); break;
      case "reduce": for (const axes of [[0], [1], [0, 1]]) run((be, v) => be.reduce(op as ReduceOp, v, axes), [3, 4].filter((_, i) => !axes.includes(i))); break;
      case "argReduce": for (const axis of [0, 1]) run((be, v) => be.argReduce(op as "argmax", v, axis), [axis === 0 ? 4 : 3]); break;
      case "gather": {
        const idx = new Int32Array([0, 3, 1, 1, 2, 3]);
        const at = (be: Backend): View => ({ storage: be.fromArray(idx, "int32"), shape: [3, 2], strides: [2, 1], offset: 0 });
        same(read(b, b.gather(x, 1, at(b)), [3, 2]), read(reference, reference.gather(rx, 1, at(reference)), [3, 2]), what, 0);
        break;
      }
      case "assign": {
        const target = (be: Backend) => be.fill(12, 0, dtype);
        const [t, rt] = [target(b), target(reference)];
        b.assign({ storage: t, shape: [3, 4], strides: [1, 3], offset: 0 }, x);
        reference.assign({ storage: rt, shape: [3, 4], strides: [1, 3], offset: 0 }, rx);
        same(read(b, t, [12]), read(reference, rt, [12]), what, 0);
        break;
      }
      default:
        return; // the other kernels are checked on their own dtypes by the tests below
    }
  }
}

/** A test whose comparisons may wait on asynchronous reads. */
function check(name: string, fn: () => void): void {
  test(name, async () => {
    pending = [];
    fn();
    await Promise.all(pending);
  });
}

/** The conformance suite of one registered backend (an asynchronous one loaded first). */
export function kernelConformanceSuite(name: string): void {
  const b = tg.backendByName(name);
  const kind = (b as { relaxedSimd?: boolean }).relaxedSimd ? " (relaxed SIMD)" : "";
  describe(`backend conformance: ${name}${kind}`, () => {
    // Over the whole suite: a kernel the backend owns never reaches its fallback.
    let stop: () => Delegation[] = () => [];
    before(() => (stop = recordDelegations(b)));
    after(() => {
      const leaks = stop().filter(([kernel, dtype, op]) => b.owns(kernel, dtype, op));
      assert.deepEqual(leaks, [], `${name} handed kernels it owns to its fallback`);
    });

    test("which kernels are its own, and which it delegates", (t) => {
      const own = ownership(b, true);
      const delegated = ownership(b, false);
      t.diagnostic(`${name} owns: ${own.join("; ") || "nothing"}`);
      t.diagnostic(`${name} delegates to ${b.fallback?.name ?? "nothing"}: ${delegated.join("; ") || "nothing"}`);
      assert.ok(own.length > 0, "a backend owns at least one kernel");
      // Without a fallback, what a backend does not own is what the op layer never sends it (its dtype rules promote or refuse first).
      if (delegated.length && b.fallback === null) t.diagnostic(`${name} has no fallback: those never reach it`);
    });

    check("the reference loops it delegates to build on its own fill, copy and assign (pad, concat)", () => {
      if (!b.fallback || b.owns("pad", "float32") || b.owns("concat", "float32")) return;
      const target = b as unknown as Record<string, (...args: unknown[]) => unknown>;
      const calls: string[] = [];
      for (const m of ["fill", "assign"]) {
        const original = target[m]!;
        target[m] = (...args: unknown[]) => (calls.push(m), original.apply(b, args));
      }
      try {
        const [x] = pair(b, "transposed", "float32");
        b.pad(x, [[1, 0], [0, 2]], 0);
        b.concat([x, x], 0);
      } finally {
        delete target.fill;
        delete target.assign;
      }
      assert.deepEqual(calls, ["fill", "assign", "assign", "assign"]);
    });

    check("every elementwise, reduction, copy and gather kernel it owns, on every dtype it owns it for and every layout", () => {
      for (const kernel of KERNELS) {
        for (const op of OPS[kernel] ?? [undefined]) {
          for (const dtype of DTYPES) {
            if (!b.owns(kernel, dtype, op) || !b.supportsDType(dtype)) continue;
            if (kernel === "binary" && dtype === "bool" && !(op ?? "").startsWith("logical") && !["eq", "ne"].includes(op ?? "")) continue;
            checkOwned(b, kernel, dtype, op);
          }
        }
      }
    });

    check("fromArray/toArray round-trip, fill, arange", () => {
      for (const dtype of ["float32", "int32", "bool"] as DType[]) {
        if (!b.supportsDType(dtype)) continue;
        const data = values(dtype, 7);
        same(read(b, b.fromArray(data, dtype), [7]), Array.from(data), `round-trip ${dtype}`, 0);
        same(read(b, b.fill(5, 3, dtype), [5]), read(reference, reference.fill(5, 3, dtype), [5]), `fill ${dtype}`, 0);
      }
      same(read(b, b.arange(6, -1, 0.5, "float32"), [6]), [-1, -0.5, 0, 0.5, 1, 1.5], "arange", 0);
    });

    check("random draws equal the reference's for the same seed and offset", () => {
      same(read(b, b.random(64, "uniform", 7, 1000, "float32"), [64]), read(reference, reference.random(64, "uniform", 7, 1000, "float32"), [64]), "uniform", 0);
      same(read(b, b.random(64, "normal", 7, 5, "float32"), [64]), read(reference, reference.random(64, "normal", 7, 5, "float32"), [64]), "normal");
    });

    for (const layout of Object.keys(LAYOUTS)) {
      check(`copy, cast, unary, binary, where on a ${layout} view`, () => {
        const [x, rx] = pair(b, layout, "float32");
        same(read(b, b.copy(x), [3, 4]), read(reference, reference.copy(rx), [3, 4]), "copy", 0);
        for (const to of ["int32", "bool", "float32"] as DType[]) {
          same(read(b, b.cast(x, to), [3, 4]), read(reference, reference.cast(rx, to), [3, 4]), `cast → ${to}`, 0);
        }
        for (const op of UNARY) {
          const [p, rp] = pair(b, layout, "float32", 3, 4, op === "log" || op === "sqrt" || op === "rsqrt");
          same(read(b, b.unary(op, p), [3, 4]), read(reference, reference.unary(op, rp), [3, 4]), `unary ${op}`);
        }
        const [bl, rbl] = pair(b, layout, "bool");
        same(read(b, b.unary("logicalNot", bl), [3, 4]), read(reference, reference.unary("logicalNot", rbl), [3, 4]), "logicalNot", 0);
        for (const op of BINARY) {
          const [a1, ra1] = pair(b, layout, "float32", 3, 4, op === "pow");
          const [a2, ra2] = pair(b, "contiguous", "float32");
          same(read(b, b.binary(op, a1, a2), [3, 4]), read(reference, reference.binary(op, ra1, ra2), [3, 4]), `binary ${op}`);
          if (op !== "div" && op !== "pow") {
            const [i1, ri1] = pair(b, layout, "int32");
            const [i2, ri2] = pair(b, "transposed", "int32");
            same(read(b, b.binary(op, i1, i2), [3, 4]), read(reference, reference.binary(op, ri1, ri2), [3, 4]), `binary ${op} int32`, 0);
          }
        }
        for (const op of ["logicalAnd", "logicalOr", "logicalXor"] as BinaryOp[]) {
          const [c1, rc1] = pair(b, "contiguous", "bool");
          same(read(b, b.binary(op, bl, c1), [3, 4]), read(reference, reference.binary(op, rbl, rc1), [3, 4]), op, 0);
        }
        const [y, ry] = pair(b, "contiguous", "float32");
        same(read(b, b.where(bl, x, y), [3, 4]), read(reference, reference.where(rbl, rx, ry), [3, 4]), "where", 0);
      });

      check(`reduce and argReduce on a ${layout} view`, () => {
        const [x, rx] = pair(b, layout, "float32");
        for (const op of REDUCE) {
          for (const axes of [[0], [1], [0, 1]]) {
            const shape = [3, 4].filter((_, i) => !axes.includes(i));
            same(read(b, b.reduce(op, x, axes), shape), read(reference, reference.reduce(op, rx, axes), shape), `${op} over ${axes}`, 1e-5);
          }
        }
        for (const op of ["argmax", "argmin"] as const) {
          for (const axis of [0, 1]) {
            const shape = [axis === 0 ? 4 : 3];
            same(read(b, b.argReduce(op, x, axis), shape), read(reference, reference.argReduce(op, rx, axis), shape), `${op} axis ${axis}`, 0);
          }
        }
      });

      check(`argsort and argmode on a ${layout} view`, () => {
        for (const dtype of ["float32", "int32"] as DType[]) {
          const [x, rx] = pair(b, layout, dtype);
          for (const axis of [0, 1]) {
            // The order comes out with the axis moved last.
            const shape = axis === 0 ? [4, 3] : [3, 4];
            for (const descending of [false, true]) {
              same(read(b, b.argsort(x, axis, descending), shape), read(reference, reference.argsort(rx, axis, descending), shape), `argsort ${dtype} axis ${axis}${descending ? " descending" : ""}`, 0);
            }
            same(read(b, b.argmode(x, axis), [axis === 0 ? 4 : 3]), read(reference, reference.argmode(rx, axis), [axis === 0 ? 4 : 3]), `argmode ${dtype} axis ${axis}`, 0);
          }
        }
      });

      check(`pad, concat, assign, gather, scatterAdd on a ${layout} view`, () => {
        const [x, rx] = pair(b, layout, "float32");
        const pads: [number, number][] = [[1, 0], [2, 3]];
        same(read(b, b.pad(x, pads, 0.5), [4, 9]), read(reference, reference.pad(rx, pads, 0.5), [4, 9]), "pad", 0);
        const [y, ry] = pair(b, "transposed", "float32", 3, 2);
        same(read(b, b.concat([x, y], 1), [3, 6]), read(reference, reference.concat([rx, ry], 1), [3, 6]), "concat", 0);
        const idxData = new Int32Array([0, 3, 1, 1, 2, 3]);
        const idx: View = { storage: b.fromArray(idxData, "int32"), shape: [3, 2], strides: [2, 1], offset: 0 };
        const ridx: View = { storage: reference.fromArray(idxData, "int32"), shape: [3, 2], strides: [2, 1], offset: 0 };
        same(read(b, b.gather(x, 1, idx), [3, 2]), read(reference, reference.gather(rx, 1, ridx), [3, 2]), "gather", 0);
        const [s, rs] = pair(b, "contiguous", "float32", 3, 2);
        same(read(b, b.scatterAdd(x, 1, idx, s), [3, 4]), read(reference, reference.scatterAdd(rx, 1, ridx, rs), [3, 4]), "scatterAdd");
        for (const op of ["amax", "amin", "prod"] as const) {
          for (const self of [true, false]) {
            same(read(b, b.scatterReduce(x, 1, idx, s, op, self), [3, 4]), read(reference, reference.scatterReduce(rx, 1, ridx, rs, op, self), [3, 4]), `scatterReduce ${op} includeSelf ${self}`, 0);
          }
        }
        const target = b.fill(12, 0, "float32");
        const rtarget = reference.fill(12, 0, "float32");
        b.assign({ storage: target, shape: [3, 4], strides: [1, 3], offset: 0 }, x);
        reference.assign({ storage: rtarget, shape: [3, 4], strides: [1, 3], offset: 0 }, rx);
        same(read(b, target, [12]), read(reference, rtarget, [12]), "assign", 0);
      });
    }

    check("matmul over batched, transposed and broadcast operands", () => {
      for (const [la, lb] of [["contiguous", "contiguous"], ["transposed", "step 2"], ["offset slice", "transposed"]]) {
        const [a, ra] = pair(b, la!, "float32", 3, 5);
        const [c, rc] = pair(b, lb!, "float32", 5, 4);
        const batched = (v: View, batchStride: number): View => ({ ...v, shape: [2, ...v.shape], strides: [batchStride, ...v.strides] });
        const out = b.matmul(batched(a, 0), batched(c, 0));
        const rout = reference.matmul(batched(ra, 0), batched(rc, 0));
        same(read(b, out, [2, 3, 4]), read(reference, rout, [2, 3, 4]), `matmul ${la}·${lb}`, 1e-5);
      }
    });

    check("im2col and col2im over a strided 4-D view", () => {
      const g = { kernel: [2, 3], stride: [2, 1], padding: [1, 1], dilation: [1, 2] } as const;
      const data = values("float32", 2 * 3 * 5 * 6);
      // A [2, 3, 5, 4] window of a [2, 3, 5, 6] tensor, starting at column 1 (offset and row gaps).
      const view = (be: Backend): View => ({ storage: be.fromArray(data, "float32"), shape: [2, 3, 5, 4], strides: [90, 30, 6, 1], offset: 1 });
      const cols = b.im2col(view(b), g, -7);
      const rcols = reference.im2col(view(reference), g, -7);
      const L = 3 * 2; // output grid 3×2
      same(read(b, cols, [2, 18, L]), read(reference, rcols, [2, 18, L]), "im2col", 0);
      const colView = (be: Backend, s: ReturnType<Backend["fill"]>): View => ({ storage: s, shape: [2, 18, L], strides: [18 * L, L, 1], offset: 0 });
      same(
        read(b, b.col2im(colView(b, cols), 3, [5, 4], g), [2, 3, 5, 4]),
        read(reference, reference.col2im(colView(reference, rcols), 3, [5, 4], g), [2, 3, 5, 4]),
        "col2im",
        1e-6,
      );
    });

    check("im2col's batch-inner layout [K, N, L], and col2im reading it (and a step-2 batch) without a copy", () => {
      const g = { kernel: [3, 3], stride: [2, 1], padding: [1, 1], dilation: [1, 1] } as const;
      const data = values("float32", 3 * 2 * 5 * 6);
      const img = (be: Backend): View => ({ storage: be.fromArray(data, "float32"), shape: [3, 2, 5, 6], strides: [60, 30, 6, 1], offset: 0 });
      const [N, K, L] = [3, 18, 3 * 6];
      const inner = b.im2col(img(b), g, 0, true);
      const outer = reference.im2col(img(reference), g, 0);
      // The reference's [N, K, L], read in [K, N, L] order, is the batch-inner storage.
      const expected = read(reference, outer, [N, K, L]) as number[]; // the reference reads synchronously
      const transposed = Array.from({ length: N * K * L }, (_, i) => {
        const [k, n, l] = [Math.floor(i / (N * L)), Math.floor(i / L) % N, i % L];
        return expected[(n * K + k) * L + l]!;
      });
      same(read(b, inner, [K, N, L]), transposed, "im2col batch-inner", 0);
      same(read(reference, reference.im2col(img(reference), g, 0, true), [K, N, L]), transposed, "im2col batch-inner (reference)", 0);
      const asNKL = (s: ReturnType<Backend["fill"]>): View => ({ storage: s, shape: [N, K, L], strides: [L, N * L, 1], offset: 0 });
      const want = read(reference, reference.col2im({ storage: outer, shape: [N, K, L], strides: [K * L, L, 1], offset: 0 }, 2, [5, 6], g), [N, 2, 5, 6]);
      same(read(b, b.col2im(asNKL(inner), 2, [5, 6], g), [N, 2, 5, 6]), want, "col2im of the batch-inner layout", 1e-6);
      // Every other image of a [6, K, L] tensor: a batch stride of 2·K·L.
      const doubled = values("float32", 6 * K * L);
      const every2 = (be: Backend): View => ({ storage: be.fromArray(doubled, "float32"), shape: [N, K, L], strides: [2 * K * L, L, 1], offset: K * L });
      same(read(b, b.col2im(every2(b), 2, [5, 6], g), [N, 2, 5, 6]), read(reference, reference.col2im(every2(reference), 2, [5, 6], g), [N, 2, 5, 6]), "col2im, batch step 2", 1e-6);
    });

    check("kernels at sizes that cross SIMD tails and GEMM blocks", () => {
      const view = (be: Backend, data: tg.AnyTypedArray, shape: number[], strides: number[], offset = 0): View => ({ storage: be.fromArray(data, "float32"), shape, strides, offset });
      // GEMM: M, N, K past the 128/512/256 blocks and not multiples of the 4×8 tile; A transposed, B batch-broadcast.
      const [M, K, N] = [133, 301, 517];
      const da = values("float32", 2 * M * K);
      const db = values("float32", K * N);
      for (const transposed of [false, true]) {
        const as = transposed ? [M * K, 1, M] : [M * K, K, 1];
        const out = b.matmul(view(b, da, [2, M, K], as), view(b, db, [2, K, N], [0, N, 1]));
        const rout = reference.matmul(view(reference, da, [2, M, K], as), view(reference, db, [2, K, N], [0, N, 1]));
        same(read(b, out, [2, M, N]), read(reference, rout, [2, M, N]), `matmul ${M}×${K}·${K}×${N} transposed=${transposed}`, 1e-4);
      }
      // GEMMs with small outputs and both operands contiguous along K (the dot-product kernel):
      // odd M and N, K past and short of the SIMD width, B batched or broadcast.
      for (const [m, n, k] of [[6, 9, 676], [7, 5, 19], [16, 54, 121], [1, 3, 16], [41, 130, 67]] as const) {
        const aData = values("float32", 3 * m * k);
        const bData = values("float32", 3 * n * k);
        for (const bBatch of [n * k, 0]) {
          const args = (be: Backend) => [view(be, aData, [3, m, k], [m * k, k, 1]), view(be, bData, [3, k, n], [bBatch, 1, k])] as const;
          same(read(b, b.matmul(...args(b)), [3, m, n]), read(reference, reference.matmul(...args(reference)), [3, m, n]), `matmul ${m}×${k}·(${n}×${k})ᵀ batch stride ${bBatch}`, 1e-4);
        }
      }
      // Comparisons over odd widths, broadcast both ways, with NaN and equal values.
      const cmpData = Float32Array.from({ length: 37 }, (_, i) => (i % 7 === 3 ? NaN : (i % 5) - 2));
      const cmpRow = Float32Array.from([0, NaN, -1, 2, 0, 1, -2, 0, 1, 0, 0], (v) => v);
      for (const op of ["eq", "ne", "lt", "le", "gt", "ge"] as BinaryOp[]) {
        for (const [shape, sa, sb] of [[[37], [1], [1]], [[37, 11], [1, 0], [0, 1]], [[11, 37], [0, 1], [1, 0]]] as [number[], number[], number[]][]) {
          const args = (be: Backend) => [view(be, cmpData, shape, sa), view(be, shape[0] === 37 && shape.length === 1 ? cmpData.slice().reverse() : cmpRow, shape, sb)] as const;
          const got = b.binary(op, ...args(b));
          const want = reference.binary(op, ...args(reference));
          same(read(b, got, shape), read(reference, want, shape), `${op} ${shape}`, 0);
        }
      }
      // Elementwise with row and column broadcasts and odd widths.
      const dx = values("float32", 37 * 23);
      const dr = values("float32", 23);
      const dc = values("float32", 37, true);
      const shapes: [number[], number[]][] = [[[37, 23], [0, 1]], [[37, 23], [1, 0]]];
      for (const [shape, strides] of shapes) {
        const src = strides[0] === 0 ? dr : dc;
        for (const op of ["add", "sub", "mul", "div", "maximum", "minimum", "pow", "gt"] as BinaryOp[]) {
          const a = view(b, dx, [37, 23], [23, 1]);
          const ra = view(reference, dx, [37, 23], [23, 1]);
          const lhs = op === "pow" ? view(b, src, shape, strides) : a;
          const rlhs = op === "pow" ? view(reference, src, shape, strides) : ra;
          const rhs = op === "pow" ? a : view(b, src, shape, strides);
          const rrhs = op === "pow" ? ra : view(reference, src, shape, strides);
          same(read(b, b.binary(op, lhs, rhs), shape), read(reference, reference.binary(op, rlhs, rrhs), shape), `binary ${op} broadcast ${strides}`);
        }
      }
      for (const op of ["relu", "exp", "tanh", "sigmoid", "abs", "round"] as UnaryOp[]) {
        same(read(b, b.unary(op, view(b, dx, [37, 23], [23, 1])), [37, 23]), read(reference, reference.unary(op, view(reference, dx, [37, 23], [23, 1])), [37, 23]), `unary ${op} 37×23`);
      }
      // Reductions over one and two axes of a [3, 37, 23] tensor, including the leading (batch) axis.
      const d3 = values("float32", 3 * 37 * 23);
      for (const op of REDUCE) {
        for (const axes of [[0], [1], [2], [0, 1], [0, 2], [1, 2]]) {
          const shape = [3, 37, 23].filter((_, i) => !axes.includes(i));
          const tol = op === "prod" ? 1e-4 : 1e-5;
          same(
            read(b, b.reduce(op, view(b, d3, [3, 37, 23], [851, 23, 1]), axes), shape),
            read(reference, reference.reduce(op, view(reference, d3, [3, 37, 23], [851, 23, 1]), axes), shape),
            `${op} over ${axes} of [3, 37, 23]`,
            tol,
          );
        }
      }
      // argmax/gather/scatterAdd as max pooling uses them, along the middle dim of [3, 37, 23].
      for (const axis of [0, 1, 2]) {
        const shape = [3, 37, 23].filter((_, i) => i !== axis);
        for (const op of ["argmax", "argmin"] as const) {
          same(read(b, b.argReduce(op, view(b, d3, [3, 37, 23], [851, 23, 1]), axis), shape), read(reference, reference.argReduce(op, view(reference, d3, [3, 37, 23], [851, 23, 1]), axis), shape), `${op} axis ${axis} of [3, 37, 23]`, 0);
        }
      }
      const dnan = d3.slice();
      for (const i of [5, 30, 400, 401, 1500]) dnan[i] = NaN; // a NaN wins wherever it comes in its window
      for (const op of ["argmax", "argmin"] as const) {
        same(read(b, b.argReduce(op, view(b, dnan, [3, 37, 23], [851, 23, 1]), 1), [3, 23]), read(reference, reference.argReduce(op, view(reference, dnan, [3, 37, 23], [851, 23, 1]), 1), [3, 23]), `${op} with NaNs`, 0);
      }
      const di = new Int32Array(3 * 5 * 23).map((_, i) => (i * 13) % 37);
      const idx = (be: Backend): View => ({ storage: be.fromArray(di, "int32"), shape: [3, 5, 23], strides: [115, 23, 1], offset: 0 });
      same(read(b, b.gather(view(b, d3, [3, 37, 23], [851, 23, 1]), 1, idx(b)), [3, 5, 23]), read(reference, reference.gather(view(reference, d3, [3, 37, 23], [851, 23, 1]), 1, idx(reference)), [3, 5, 23]), "gather [3, 5, 23] of [3, 37, 23]", 0);
      const dsrc = values("float32", 3 * 5 * 23);
      same(
        read(b, b.scatterAdd(view(b, d3, [3, 37, 23], [851, 23, 1]), 1, idx(b), view(b, dsrc, [3, 5, 23], [1, 69, 3])), [3, 37, 23]),
        read(reference, reference.scatterAdd(view(reference, d3, [3, 37, 23], [851, 23, 1]), 1, idx(reference), view(reference, dsrc, [3, 5, 23], [1, 69, 3])), [3, 37, 23]),
        "scatterAdd [3, 5, 23] into [3, 37, 23]",
        1e-6,
      );
      // im2col/col2im at the seed CNN's geometry and with stride 2.
      const dimg = values("float32", 2 * 3 * 28 * 28);
      for (const g of [
        { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
        { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
      ] as const) {
        const img = (be: Backend) => view(be, dimg, [2, 3, 28, 28], [2352, 784, 28, 1]);
        const [oh, ow] = [Math.floor((28 + 2 * g.padding[0] - g.kernel[0]) / g.stride[0]) + 1, Math.floor((28 + 2 * g.padding[1] - g.kernel[1]) / g.stride[1]) + 1];
        const rows = 3 * g.kernel[0] * g.kernel[1];
        const cols = b.im2col(img(b), g, 0);
        const rcols = reference.im2col(img(reference), g, 0);
        same(read(b, cols, [2, rows, oh * ow]), read(reference, rcols, [2, rows, oh * ow]), `im2col k${g.kernel} s${g.stride}`, 0);
        const cv = (s: ReturnType<Backend["fill"]>): View => ({ storage: s, shape: [2, rows, oh * ow], strides: [rows * oh * ow, oh * ow, 1], offset: 0 });
        same(read(b, b.col2im(cv(cols), 3, [28, 28], g), [2, 3, 28, 28]), read(reference, reference.col2im(cv(rcols), 3, [28, 28], g), [2, 3, 28, 28]), `col2im k${g.kernel}`, 1e-6);
      }
    });

    check("gather and scatterAdd with one index per row (message passing's lifted node features), odd row lengths", () => {
      for (const cols of [1, 4, 7, 13]) {
        const rows = 5;
        const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i) * 3);
        const x = (be: Backend): View => ({ storage: be.fromArray(data, "float32"), shape: [rows, cols], strides: [cols, 1], offset: 0 });
        const at = new Int32Array([4, 0, 4, 2, 1, 4]);
        // The index of each row, expanded along the features (stride 0), as indexSelect makes it.
        const idx = (be: Backend): View => ({ storage: be.fromArray(at, "int32"), shape: [6, cols], strides: [1, 0], offset: 0 });
        same(read(b, b.gather(x(b), 0, idx(b)), [6, cols]), read(reference, reference.gather(x(reference), 0, idx(reference)), [6, cols]), `gather rows of ${cols}`, 0);
        const msgs = Float32Array.from({ length: 6 * cols }, (_, i) => Math.cos(i));
        const src = (be: Backend): View => ({ storage: be.fromArray(msgs, "float32"), shape: [6, cols], strides: [cols, 1], offset: 0 });
        same(
          read(b, b.scatterAdd(x(b), 0, idx(b), src(b)), [rows, cols]),
          read(reference, reference.scatterAdd(x(reference), 0, idx(reference), src(reference)), [rows, cols]),
          `scatterAdd rows of ${cols}`,
        );
      }
    });

    test("index errors are reported, not read out of bounds; negative indices are errors (PyTorch's gather/scatter)", async () => {
      const x = b.fromArray(new Float32Array(4), "float32");
      const at = (i: number): View => ({ storage: b.fromArray(new Int32Array([i]), "int32"), shape: [1], strides: [1], offset: 0 });
      const xv: View = { storage: x, shape: [4], strides: [1], offset: 0 };
      if (b.read) {
        // A device kernel cannot throw: it records the bad index, and the next read raises the error.
        const rejects = (p: number[] | Promise<number[]>, what: string) => assert.rejects(Promise.resolve(p), (e: Error) => e instanceof tg.IndexError && e.message.includes(" out of bounds "), what);
        for (const i of [4, -1, -2147483648]) {
          await rejects(read(b, b.gather(xv, 0, at(i)), [1]), `gather index ${i}`);
          await rejects(read(b, b.scatterAdd(xv, 0, at(i), xv), [4]), `scatterAdd index ${i}`);
          await rejects(read(b, b.scatterReduce(xv, 0, at(i), xv, "amax", false), [4]), `scatterReduce index ${i}`);
        }
        assert.deepEqual(await read(b, x, [4]), [0, 0, 0, 0], "a read after the error is clean");
        return;
      }
      for (const i of [4, -1, -4, -2147483648]) {
        assert.throws(() => b.gather(xv, 0, at(i)), (e: Error) => e instanceof tg.IndexError && e.message.includes(`index ${i} `), `gather index ${i}`);
        assert.throws(() => b.scatterAdd(xv, 0, at(i), xv), tg.IndexError, `scatterAdd index ${i}`);
        assert.throws(() => b.scatterReduce(xv, 0, at(i), xv, "amax", false), tg.IndexError, `scatterReduce index ${i}`);
      }
    });
  });
}
