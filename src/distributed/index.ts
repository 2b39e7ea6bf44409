/**
 * tg.distributed: torch.distributed's data-parallel training over MPI (the tensorgrad-mpi binding),
 * with a world of one process where MPI is not installed, so scripts run unchanged.
 */
export { initProcessGroup, destroyProcessGroup, isInitialized, getRank, getWorldSize, newGroup, ProcessGroup, type InitOptions, type DistributedBackend } from "./process-group.js";
export { allReduce, broadcast, allGather, reduceScatter, barrier, send, recv, Work, type ReduceOp, type CollectiveOptions } from "./collectives.js";
export { DistributedSampler, type DistributedSamplerOptions } from "./sampler.js";
export { DistributedDataParallel, type DistributedDataParallelOptions } from "./ddp.js";
export { DataParallel } from "./data-parallel.js";
