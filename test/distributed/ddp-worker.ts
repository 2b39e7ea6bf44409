/**
 * One rank of the exactness test, started by mpirun: DistributedDataParallel over this rank's slice
 * of each global batch; rank 0 writes the final weights (JSON) to the path in argv[2].
 */
import { writeFileSync } from "node:fs";
import * as tg from "../../src/index.js";
import { GLOBAL_BATCH, SmallCNN, train, weights } from "./train-step.js";

const world = tg.distributed.initProcessGroup({ backend: "mpi" });
tg.manualSeed(world.rank + 1); // different initial weights per rank: DDP must broadcast rank 0's
const model = new SmallCNN();
const ddp = new tg.distributed.DistributedDataParallel(model, { bucketCapMb: 0.0005 }); // several buckets
const share = GLOBAL_BATCH / world.size;
train(ddp, ddp.parameters(), world.rank * share, (world.rank + 1) * share);
if (world.rank === 0) writeFileSync(process.argv[2]!, JSON.stringify({ size: world.size, weights: weights(model) }));
tg.distributed.destroyProcessGroup();
