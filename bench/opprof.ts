import * as tg from "tensorgrad";
import { WasmBackend } from "../dist/backend/wasm/index.js";
const stats = new Map<string, [number, number]>();
const P = WasmBackend.prototype as any;
for (const m of ["unary", "binary", "where", "reduce", "matmul", "cast", "copy", "assign", "im2col", "col2im", "gather", "scatterAdd", "argReduce", "fill", "pad", "concat", "fromArray", "random"]) {
  const orig = P[m];
  P[m] = function (...args: any[]) {
    const t = performance.now();
    const r = orig.apply(this, args);
    const dt = performance.now() - t;
    const desc = args.map((a) => (typeof a === "string" ? a : a && a.shape ? `${JSON.stringify(a.shape)}/${JSON.stringify(a.strides)}` : Array.isArray(a) ? JSON.stringify(a) : typeof a === "number" ? "" : "")).join(" ");
    const key = `${m} ${desc}`;
    const s = stats.get(key) ?? [0, 0];
    s[0] += dt; s[1]++;
    stats.set(key, s);
    return r;
  };
}
await import(new URL(process.argv[2]!, `file://${process.cwd()}/`).href);
const rows = [...stats.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25);
for (const [k, [t, n]] of rows) console.log(t.toFixed(1).padStart(8), String(n).padStart(6), k);
