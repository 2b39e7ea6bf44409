/**
 * The backend seam, proven by a third backend written here: it owns a few float32 kernels, hands
 * every other kernel to the reference loops (as its fallback, over its own storage), and passes
 * the kernel and fused-routine conformance suites unchanged; a model trains on it as on js.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { JsBackend, JsStorage } from "../../src/backend/js/index.js";
import type { ArgReduceOp, BinaryOp, KernelName, RandomDistribution, ReduceOp, ScatterReduceOp, UnaryOp, WindowGeometry } from "../../src/backend/backend.js";
import type { AnyTypedArray, DType } from "../../src/base/dtype.js";
import { trackStorage } from "../../src/base/scope.js";
import { kernelConformanceSuite } from "./kernel-suite.js";
import { fusedConformanceSuite } from "./fused-suite.js";

type View = tg.View;
type Storage = tg.Storage;

const OWN_UNARY: Partial<Record<UnaryOp, (x: number) => number>> = { neg: (x) => -x, exp: Math.exp, relu: (x) => (x > 0 ? x : 0) };
const OWN_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = { add: (a, b) => a + b, mul: (a, b) => a * b };

/** Row-major element offsets of a strided view. */
function offsets(v: View): number[] {
  const out: number[] = [];
  const walk = (dim: number, at: number) => {
    if (dim === v.shape.length) return void out.push(at);
    for (let i = 0; i < v.shape[dim]!; i++) walk(dim + 1, at + i * v.strides[dim]!);
  };
  walk(0, v.offset);
  return out;
}

class ToyBackend implements tg.Backend {
  readonly name = "toy";
  readonly numThreads = 1;
  /** The reference loops, keeping their outputs as this backend's storage. */
  readonly fallback: JsBackend = new JsBackend({ backend: this, make: (dtype, data) => this.store(dtype, data), empty: (dtype, size) => this.store(dtype, new (data(dtype))(size)) });

  private store(dtype: DType, values: AnyTypedArray): JsStorage {
    const s = new JsStorage(this, dtype, values);
    trackStorage(s);
    return s;
  }

  supportsDType(): boolean {
    return true;
  }
  setNumThreads(): void {}
  owns(kernel: KernelName, dtype: DType, op?: string): boolean {
    if (dtype !== "float32") return false;
    return (kernel === "unary" && op! in OWN_UNARY) || (kernel === "binary" && op! in OWN_BINARY);
  }

  // Its own kernels.
  unary(op: UnaryOp, x: View): Storage {
    const f = OWN_UNARY[op];
    if (!f || x.storage.dtype !== "float32") return this.fallback.unary(op, x);
    const src = (x.storage as JsStorage).data;
    return this.store("float32", Float32Array.from(offsets(x), (at) => f(src[at]!)));
  }
  binary(op: BinaryOp, a: View, b: View): Storage {
    const f = OWN_BINARY[op];
    if (!f || a.storage.dtype !== "float32") return this.fallback.binary(op, a, b);
    const [da, db] = [(a.storage as JsStorage).data, (b.storage as JsStorage).data];
    const ob = offsets(b);
    return this.store("float32", Float32Array.from(offsets(a), (at, i) => f(da[at]!, db[ob[i]!]!)));
  }

  // The rest, delegated.
  fromArray(d: AnyTypedArray, dtype: DType) { return this.fallback.fromArray(d, dtype); }
  toArray(v: View) { return this.fallback.toArray(v); }
  dispose(s: Storage) { this.fallback.dispose(s); }
  fill(size: number, value: number, dtype: DType) { return this.fallback.fill(size, value, dtype); }
  arange(size: number, start: number, step: number, dtype: DType) { return this.fallback.arange(size, start, step, dtype); }
  random(size: number, dist: RandomDistribution, seed: number, offset: number, dtype: DType) { return this.fallback.random(size, dist, seed, offset, dtype); }
  copy(x: View) { return this.fallback.copy(x); }
  cast(x: View, dtype: DType) { return this.fallback.cast(x, dtype); }
  where(c: View, a: View, b: View) { return this.fallback.where(c, a, b); }
  reduce(op: ReduceOp, x: View, axes: readonly number[]) { return this.fallback.reduce(op, x, axes); }
  argReduce(op: ArgReduceOp, x: View, axis: number) { return this.fallback.argReduce(op, x, axis); }
  argsort(x: View, axis: number, descending: boolean) { return this.fallback.argsort(x, axis, descending); }
  argmode(x: View, axis: number) { return this.fallback.argmode(x, axis); }
  matmul(a: View, b: View) { return this.fallback.matmul(a, b); }
  gather(x: View, dim: number, index: View) { return this.fallback.gather(x, dim, index); }
  scatterAdd(base: View, dim: number, index: View, src: View) { return this.fallback.scatterAdd(base, dim, index, src); }
  scatterReduce(base: View, dim: number, index: View, src: View, reduce: ScatterReduceOp, includeSelf: boolean) { return this.fallback.scatterReduce(base, dim, index, src, reduce, includeSelf); }
  pad(x: View, pads: readonly (readonly [number, number])[], value: number) { return this.fallback.pad(x, pads, value); }
  concat(xs: readonly View[], axis: number) { return this.fallback.concat(xs, axis); }
  assign(dst: View, src: View) { this.fallback.assign(dst, src); }
  im2col(x: View, g: WindowGeometry, padValue: number, batchInner?: boolean) { return this.fallback.im2col(x, g, padValue, batchInner); }
  col2im(cols: View, channels: number, size: readonly [number, number], g: WindowGeometry) { return this.fallback.col2im(cols, channels, size, g); }
}

function data(dtype: DType): new (n: number) => AnyTypedArray {
  return { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array }[dtype];
}

tg.registerBackend("toy", () => new ToyBackend());

kernelConformanceSuite("toy");
fusedConformanceSuite("toy");

test("a small classifier trains on the toy backend exactly as on the reference backend", () => {
  const losses = (backend: string) => {
    const previous = tg.getBackend().name;
    tg.setBackend(backend);
    try {
      tg.manualSeed(3);
      const model = new tg.nn.Sequential(new tg.nn.Linear(6, 8), new tg.nn.ReLU(), new tg.nn.Linear(8, 3));
      const opt = new tg.optim.Adam(model.parameters(), { lr: 0.05 });
      const [x, y] = [tg.randn([16, 6]), tg.randint(0, 3, [16])];
      return Array.from({ length: 5 }, () => {
        opt.zeroGrad();
        const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      });
    } finally {
      tg.setBackend(previous);
    }
  };
  const toy = losses("toy");
  assert.deepEqual(toy, losses("js"));
  assert.ok(toy[4]! < toy[0]!, `the loss falls: ${toy}`);
});
