/**
 * One rank of the fault test (mpirun): rank 1 fails — it throws, or kills itself — while the others
 * wait for it in an all-reduce. The launcher must end them all, naming the failed rank.
 *   fault-worker.ts throw|kill
 */
import * as tg from "../../src/index.js";

const world = tg.distributed.initProcessGroup();
if (world.rank === 1) {
  if (process.argv[2] === "kill") process.kill(process.pid, "SIGKILL");
  else throw new Error("a failure on purpose");
}
tg.distributed.allReduce(tg.ones([4]));
console.log(`rank ${world.rank} was not stopped`);
