/**
 * SGEMM throughput, C = A·B for square float32 matrices: tensorgrad's wasm backend (one thread so
 * far) and reference backend (small sizes), TensorFlow.js pure-JS CPU and WASM (XNNPACK) backends,
 * and PyTorch on CPU (1 thread) when /usr/bin/python3 has torch. GFLOP/s = 2n³ / time.
 *
 *   npx tsx bench/gemm.ts [--sizes 128,256,512,1024]
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import * as tg from "tensorgrad";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { report, timeMs, type Row } from "./harness.js";

const i = process.argv.indexOf("--sizes");
const sizes = (i > 0 ? process.argv[i + 1]! : "128,256,512,1024").split(",").map(Number);
const rows: Row[] = [];
const gflops = (n: number, ms: number) => (2 * n ** 3) / (ms * 1e6);
const reps = (n: number) => (n <= 256 ? 20 : n <= 512 ? 8 : 3);

for (const n of sizes) {
  const workload = `SGEMM n=${n}`;
  for (const backend of n <= 256 ? ["wasm", "js"] : ["wasm"]) {
    tg.setBackend(backend);
    const a = tg.randn([n, n]);
    const b = tg.randn([n, n]);
    const ms = await timeMs(() => a.matmul(b), { warmup: 2, reps: backend === "js" ? 2 : reps(n) });
    rows.push({ workload, impl: `tensorgrad ${backend} (1 thread)`, value: gflops(n, ms), unit: "GFLOP/s", higherIsBetter: true });
  }
}

const require = createRequire(import.meta.url);
setWasmPaths(`${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
for (const backend of ["cpu", "wasm"]) {
  try {
    await tf.setBackend(backend);
    await tf.ready();
  } catch (e) {
    console.log(`(tfjs ${backend} backend unavailable: ${(e as Error).message})`);
    continue;
  }
  for (const n of sizes) {
    if (backend === "cpu" && n > 512) continue; // minutes per run
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const ms = await timeMs(() => tf.matMul(a, b).dataSync(), { warmup: 1, reps: backend === "cpu" ? 2 : reps(n) });
    rows.push({ workload: `SGEMM n=${n}`, impl: `tfjs 4.22 ${backend}`, value: gflops(n, ms), unit: "GFLOP/s", higherIsBetter: true });
  }
}

try {
  const script = `
import time, torch
torch.set_num_threads(1)
for n in [${sizes.join(",")}]:
    a = torch.randn(n, n); b = torch.randn(n, n); a @ b
    ts = []
    for _ in range(7):
        t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
    ts.sort(); print(n, ts[3] * 1000)
`;
  const out = execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  for (const line of out.trim().split("\n")) {
    const [n, ms] = line.split(" ").map(Number) as [number, number];
    rows.push({ workload: `SGEMM n=${n}`, impl: "PyTorch CPU (1 thread)", value: gflops(n, ms), unit: "GFLOP/s", higherIsBetter: true });
  }
} catch {
  console.log("(PyTorch not available; skipping it)");
}

rows.sort((x, y) => Number(x.workload.split("=")[1]) - Number(y.workload.split("=")[1]));
report("gemm", rows);
