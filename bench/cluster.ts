/**
 * KMeans (Lloyd, k = 10, the same initial centres, 20 iterations) on the 70,000 × 784 Fashion-MNIST
 * images (Debian's dataset-fashion-mnist), and Ward agglomeration of 5,000 points (10-D blobs),
 * tensorgrad beside scikit-learn 1.9 in the same run, at 1 and 2 threads. scikit-learn comes from the peers' virtual environment (tools/peers.sh) or
 * $PEERS_PYTHON.
 *
 *   npm run bench:cluster [-- --limit N]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
import { report, timeMs, type Row } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf("--limit");
const limit = at > 0 ? Number(process.argv[at + 1]) : Infinity;
const [K, ITERS] = [10, 20];

const parts = [true, false].map((train) => new tg.data.FashionMNIST({ train }).images());
let x = tg.cat(parts, 0).reshape([-1, 784]);
if (Number.isFinite(limit)) x = x.narrow(0, 0, Math.min(limit, x.shape[0]!));
x = x.contiguous();
const [n, d] = x.shape as [number, number];
const init = x.narrow(0, 0, K);
const rows: Row[] = [];
const workload = (threads: number) => `KMeans ${n}×${d}, k=${K}, ${ITERS} it., ${threads} thread${threads > 1 ? "s" : ""}`;
let inertia = 0;
for (const threads of [1, 2]) {
  tg.setNumThreads(threads);
  const ms = await timeMs(() => {
    const km = new tg.cluster.KMeans({ nClusters: K, init, nInit: 1, maxIter: ITERS, tol: 0 }).fit(x);
    inertia = km.inertia;
  }, { warmup: 2, reps: 3 });
  rows.push({ workload: workload(threads), impl: `tensorgrad ${tg.getBackend().name}`, value: ms, unit: "ms", higherIsBetter: false });
}
console.log(`tensorgrad inertia after ${ITERS} iterations: ${inertia.toExponential(6)}`);

const python = process.env.PEERS_PYTHON ?? path.join(here, "..", ".peers-venv", "bin", "python");
if (existsSync(python)) {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-bench-cluster-"));
  try {
    const file = path.join(dir, "x.f32");
    writeFileSync(file, x.dataSync() as Float32Array);
    for (const threads of [1, 2]) {
      const out = execFileSync(python, [path.join(here, "peers", "sklearn_bench.py"), "kmeans", file, String(n), String(d), String(K), String(ITERS), String(threads)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      const r = JSON.parse(out) as { ms: number; inertia: number; version: string };
      if (threads === 1) console.log(`scikit-learn inertia: ${r.inertia.toExponential(6)}`);
      rows.push({ workload: workload(threads), impl: `scikit-learn ${r.version}`, value: r.ms, unit: "ms", higherIsBetter: false });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log("(scikit-learn not available: run tools/peers.sh or set PEERS_PYTHON; skipping it)");
}
// MiniBatchKMeans from the same centres: batches of 1024 for PASSES passes (a fixed number of steps).
{
  const PASSES = 2;
  const work = (threads: number) => `MiniBatchKMeans ${n}×${d}, k=${K}, batch 1024, ${Math.floor((PASSES * n) / 1024)} steps, ${threads} thread${threads > 1 ? "s" : ""}`;
  for (const threads of [1, 2]) {
    tg.setNumThreads(threads);
    const ms = await timeMs(() => {
      new tg.cluster.MiniBatchKMeans({ nClusters: K, init, maxIter: PASSES, batchSize: 1024, maxNoImprovement: null, computeLabels: false, randomState: 0 }).fit(x);
    }, { warmup: 1, reps: 3 });
    rows.push({ workload: work(threads), impl: `tensorgrad ${tg.getBackend().name}`, value: ms, unit: "ms", higherIsBetter: false });
  }
  if (existsSync(python)) {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-bench-minibatch-"));
    try {
      const file = path.join(dir, "x.f32");
      writeFileSync(file, x.dataSync() as Float32Array);
      for (const threads of [1, 2]) {
        const r = JSON.parse(execFileSync(python, [path.join(here, "peers", "sklearn_bench.py"), "minibatch", file, String(n), String(d), String(K), String(PASSES), String(threads)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })) as { ms: number; version: string };
        rows.push({ workload: work(threads), impl: `scikit-learn ${r.version}`, value: r.ms, unit: "ms", higherIsBetter: false });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
// Ward agglomeration of 5,000 10-D points in 8 blobs (seeded), into 8 clusters.
{
  const [N, D, C] = [5000, 10, 8];
  const g = new tg.Generator(0);
  const centres = Array.from({ length: C }, () => Array.from({ length: D }, () => 20 * g.random() - 10));
  const pts = Float32Array.from({ length: N * D }, (_, i) => centres[Math.floor(i / D) % C]![i % D]! + 2 * (g.random() - 0.5) * 3);
  const X = tg.tensor(pts, { shape: [N, D] });
  const wardWork = `Ward agglomeration ${N}×${D}, 8 clusters`;
  let ours: Int32Array = new Int32Array();
  const ms = await timeMs(() => {
    ours = new tg.cluster.AgglomerativeClustering({ nClusters: C, linkage: "ward" }).fit(X).labels;
  }, { warmup: 1, reps: 3, warmupMs: 0 });
  rows.push({ workload: wardWork, impl: "tensorgrad (float64 JS)", value: ms, unit: "ms", higherIsBetter: false });
  if (existsSync(python)) {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-bench-ward-"));
    try {
      const file = path.join(dir, "x.f32");
      writeFileSync(file, pts);
      const r = JSON.parse(execFileSync(python, [path.join(here, "peers", "sklearn_bench.py"), "ward", file, String(N), String(D), String(C), "1"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })) as { ms: number; labels: number[]; version: string };
      rows.push({ workload: wardWork, impl: `scikit-learn ${r.version}`, value: r.ms, unit: "ms", higherIsBetter: false });
      console.log(`Ward labels equal to scikit-learn's: ${r.labels.every((v, i) => v === ours[i])}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
report("cluster", rows);
