/**
 * One rank of bench/distributed.ts (started by mpirun, or alone for the one-process baseline):
 *   allreduce — tg.distributed.allReduce of float32 tensors of each size, median seconds per call;
 *   ddp       — the seed CNN's training step at batch 32 per rank under DistributedDataParallel;
 *   alone     — the same step without DDP on every rank: what the ranks cost each other on this
 *               machine (shared cores and memory) before any averaging.
 * Rank 0 prints one JSON line.
 */
import * as tg from "tensorgrad";
import { SIZES, repsFor } from "./distributed-sizes.js";
import { ConvNet } from "./models.js";

const mode = process.argv[2];
const { rank, size } = tg.distributed.initProcessGroup();
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (mode === "allreduce") {
  const out: Record<number, number> = {};
  for (const bytes of SIZES) {
    const t = tg.ones([bytes / 4]);
    const reps = repsFor(bytes);
    const rounds: number[] = [];
    for (let r = 0; r < 4; r++) {
      tg.distributed.barrier();
      const start = performance.now();
      for (let i = 0; i < reps; i++) tg.distributed.allReduce(t);
      rounds.push((performance.now() - start) / 1000 / reps);
    }
    out[bytes] = med(rounds.slice(1)); // the first round warms up
  }
  if (rank === 0) console.log(JSON.stringify(out));
} else if (mode === "ddp" || mode === "alone") {
  const F = tg.nn.functional;
  tg.manualSeed(0);
  const net = new ConvNet(); // the seed CNN
  const model = mode === "ddp" ? new tg.distributed.DistributedDataParallel(net) : net;
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = tg.randn([32, 1, 28, 28]);
  const y = tg.randint(0, 10, [32]);
  const step = () =>
    tg.scope(() => {
      opt.zeroGrad();
      F.crossEntropy(model.forward(x) as tg.Tensor, y).backward();
      opt.step();
    });
  for (let i = 0; i < 200; i++) step(); // V8 settles over the first few hundred steps
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    tg.distributed.barrier();
    const start = performance.now();
    for (let i = 0; i < 50; i++) step();
    times.push((performance.now() - start) / 50);
  }
  if (rank === 0) console.log(JSON.stringify({ ms: med(times), size, gradientBytes: model.parameters().reduce((n, p) => n + 4 * p.numel(), 0) }));
}
tg.distributed.destroyProcessGroup();
