/**
 * tg.distributed over MPI on 2 ranks of this machine: all-reduce bandwidth for 1 KB … 64 MB float32
 * messages — tensorgrad's allReduce beside mpi4py on the same MPI and PyTorch's Gloo all_reduce
 * (peers from .peers-venv or $PEERS_PYTHON) — and the seed CNN's DDP training step (batch 32 per
 * rank) beside the same step in one process. Bandwidth is message bytes / time (nccl-tests' algbw).
 *
 *   npm run bench:distributed
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { report, type Row } from "./harness.js";
import { SIZES, repsFor } from "./distributed-sizes.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
if (spawnSync("mpirun", ["--version"]).status !== 0) {
  console.log("bench:distributed needs an MPI (Debian: libopenmpi-dev openmpi-bin); skipping");
  process.exit(0);
}
execFileSync("sh", [path.join(root, "tools/build-mpi.sh")], { stdio: "inherit" });
const env = { ...process.env, TENSORGRAD_MPI: path.join(root, "packages/mpi"), TENSORGRAD_NUM_THREADS: "1", OMPI_MCA_rmaps_base_oversubscribe: "1" };
const asRoot = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
const mpirun = (n: number, program: string[]) => execFileSync("mpirun", ["-n", String(n), ...asRoot, ...program], { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
const lastJson = <T>(out: string) => JSON.parse(out.trim().split("\n").at(-1)!) as T;
const rank = (mode: string) => [process.execPath, "--import", "tsx", path.join(here, "distributed-rank.ts"), mode];
const label = (b: number) => (b >= 1 << 20 ? `${b >> 20} MB` : `${b >> 10} KB`);
const rows: Row[] = [];
const bandwidth = (impl: string, times: Record<string, number>) => {
  for (const b of SIZES) rows.push({ workload: `all-reduce ${label(b)}, 2 ranks`, impl, value: b / times[b]! / 1e9, unit: "GB/s", higherIsBetter: true });
};

bandwidth("tensorgrad (tg.distributed)", lastJson(mpirun(2, rank("allreduce"))));
const python = process.env.PEERS_PYTHON ?? path.join(root, ".peers-venv", "bin", "python");
const reps = JSON.stringify(Object.fromEntries(SIZES.map((b) => [b, repsFor(b)])));
const peer = path.join(here, "peers", "allreduce_bench.py");
if (existsSync(python)) {
  try {
    bandwidth("mpi4py (same MPI)", lastJson(mpirun(2, [python, peer, "mpi4py", JSON.stringify(SIZES), reps])));
  } catch {
    console.log("(mpi4py not importable in the peers' environment: pip install mpi4py; skipping it)");
  }
  const gloo = lastJson<Record<string, number> & { version: string }>(mpirun(2, [python, peer, "gloo", JSON.stringify(SIZES), reps]));
  bandwidth(`PyTorch ${gloo.version} Gloo`, gloo);
} else console.log("(no peers' environment: run tools/peers.sh or set PEERS_PYTHON; skipping mpi4py and Gloo)");

const [node, ...oneProcess] = rank("ddp");
const single = lastJson<{ ms: number }>(execFileSync(node!, oneProcess, { cwd: root, env, encoding: "utf8" }));
const alone = lastJson<{ ms: number }>(mpirun(2, rank("alone")));
const ddp = lastJson<{ ms: number; gradientBytes: number }>(mpirun(2, rank("ddp")));
const step = "seed CNN step, batch 32 per rank";
rows.push({ workload: step, impl: "tensorgrad, 1 process", value: single.ms, unit: "ms", higherIsBetter: false });
rows.push({ workload: step, impl: "tensorgrad, 2 processes side by side", value: alone.ms, unit: "ms", higherIsBetter: false });
rows.push({ workload: step, impl: "tensorgrad DDP, 2 ranks", value: ddp.ms, unit: "ms", higherIsBetter: false });
const pct = (a: number, b: number) => `${(100 * (a / b - 1)).toFixed(1)}%`;
console.log(
  `DDP at 2 ranks (${(ddp.gradientBytes / 1024).toFixed(0)} KB of gradients per step): ${pct(ddp.ms, single.ms)} over one process alone, ` +
    `${pct(ddp.ms, alone.ms)} over two processes training side by side without averaging (this machine's contention: ${pct(alone.ms, single.ms)})`,
);
report("distributed", rows);
