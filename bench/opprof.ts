/**
 * Where a script's time goes, kernel by kernel: wraps the wasm backend's kernel methods with timers,
 * runs the script, and prints the 25 costliest (method, operand shapes/strides) with call counts,
 * then the totals by method.
 * A profiling aid for kernel work, not a benchmark.
 *
 *   npm run build && npx tsx bench/opprof.ts path/to/script.ts
 */
import { FUSED_ROUTINES, KERNELS } from "../dist/backend/backend.js";
import { WasmBackend } from "../dist/backend/wasm/index.js";

const stats = new Map<string, [number, number]>();
const P = WasmBackend.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
// Only the outermost kernel call counts: `copy` runs `cast`, and a routine may run other kernels.
let depth = 0;
for (const m of [...KERNELS, ...FUSED_ROUTINES]) {
  const orig = P[m];
  if (!orig) continue; // a routine wasm does not offer stays absent, so that its op composes
  P[m] = function (this: unknown, ...args: unknown[]) {
    if (depth > 0) return orig.apply(this, args);
    depth++;
    const t = performance.now();
    let r: unknown;
    try {
      r = orig.apply(this, args);
    } finally {
      depth--;
    }
    const dt = performance.now() - t;
    const describe = (a: unknown): string => {
      if (typeof a === "string") return a;
      if (Array.isArray(a)) return `[${a.map((x) => (typeof x === "number" ? x : describe(x))).join(",")}]`;
      const v = a as { shape?: unknown; strides?: unknown } | null;
      return v && v.shape ? `${JSON.stringify(v.shape)}/${JSON.stringify(v.strides)}` : "";
    };
    const desc = args.map(describe).join(" ");
    const key = `${m} ${desc}`;
    const s = stats.get(key) ?? [0, 0];
    s[0] += dt; s[1]++;
    stats.set(key, s);
    return r;
  };
}
await import(new URL(process.argv[2]!, `file://${process.cwd()}/`).href);
const rows = [...stats.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, Number(process.env.TOP ?? 25));
for (const [k, [t, n]] of rows) console.log(t.toFixed(1).padStart(8), String(n).padStart(6), k);
// And by kernel method, so a model's time splits into matmul, elementwise, softmax, …
const byMethod = new Map<string, [number, number]>();
for (const [k, [t, n]] of stats) {
  const m = k.split(" ")[0]!;
  const s = byMethod.get(m) ?? [0, 0];
  byMethod.set(m, [s[0] + t, s[1] + n]);
}
console.log("by method:", [...byMethod.entries()].sort((a, b) => b[1][0] - a[1][0]).map(([m, [t, n]]) => `${m} ${t.toFixed(0)} ms (${n})`).join(", "));
