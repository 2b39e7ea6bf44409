/**
 * One rank of the resume test (mpirun): DDP training for steps [first, last) of the shared schedule,
 * optionally starting from a checkpoint (weights and SGD's momentum buffers, one safetensors file)
 * that rank 0 wrote at another world size; rank 0 saves the checkpoint at the end.
 *   resume-worker.ts FIRST LAST SAVE [LOAD]
 */
import * as tg from "../../src/index.js";
import { GLOBAL_BATCH, SmallCNN, sgd, train } from "./train-step.js";

const [first, last, save, load] = process.argv.slice(2) as [string, string, string, string | undefined];
const world = tg.distributed.initProcessGroup();
tg.manualSeed(1);
const model = new SmallCNN();
const opt = sgd(model.parameters());
if (load) {
  const saved = tg.io.loadSafetensors(load);
  model.loadStateDict(Object.fromEntries(Object.entries(saved).filter(([k]) => !k.startsWith("momentum."))));
  const sd = opt.stateDict();
  model.parameters().forEach((_, i) => (sd.state[i] = { momentum_buffer: saved[`momentum.${i}`]! }));
  opt.loadStateDict(sd);
}
const ddp = new tg.distributed.DistributedDataParallel(model);
const share = GLOBAL_BATCH / world.size;
train(ddp, model.parameters(), world.rank * share, (world.rank + 1) * share, Number(first), Number(last), opt);
if (world.rank === 0) {
  const state = opt.stateDict().state;
  const momentum = Object.fromEntries(Object.entries(state).map(([i, s]) => [`momentum.${i}`, s.momentum_buffer as tg.Tensor]));
  tg.io.saveSafetensors(save, { ...model.stateDict(), ...momentum });
}
tg.distributed.destroyProcessGroup();
