/**
 * The optional native MPI binding (the tensorgrad-mpi package, packages/mpi in this repository),
 * loaded when a process group starts; TENSORGRAD_MPI may name its folder instead of the package.
 */
import { DistributedError } from "../base/errors.js";
import { nodeBuiltin } from "../base/node.js";

const env = (): Record<string, string | undefined> => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

export type MpiBuffer = Float32Array | Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array;

export interface MpiWorld {
  rank: number;
  size: number;
  threadLevel: number;
  library: string;
}

/** The add-on's operation codes (packages/mpi/src/binding.c). */
export const KIND = { allreduce: 0, broadcast: 1, allgather: 2, reduceScatter: 3, barrier: 4, send: 5, recv: 6, newGroup: 7, fence: 8 } as const;
export const REDUCE = { sum: 0, max: 1, min: 2, product: 3 } as const;

export interface MpiBinding {
  init(): MpiWorld;
  finalize(): void;
  run(async: false, kind: number, comm: number, send: MpiBuffer | null, recv: MpiBuffer | null, reduce: number, peer: number, tag: number): number;
  run(async: true, kind: number, comm: number, send: MpiBuffer | null, recv: MpiBuffer | null, reduce: number, peer: number, tag: number): Promise<number>;
}

/** The binding, or null when it is not installed (then only a world of one process is possible). */
export function loadBinding(): MpiBinding | null {
  const module = nodeBuiltin("node:module");
  if (!module) return null; // a browser: a world of one
  const where = env().TENSORGRAD_MPI || undefined;
  try {
    return module.createRequire(import.meta.url)(where ?? "tensorgrad-mpi") as MpiBinding;
  } catch (e) {
    const missing = (e as { code?: string }).code === "MODULE_NOT_FOUND" && !where;
    if (missing) return null;
    throw new DistributedError(`tg.distributed: cannot load the MPI binding ${where ?? "tensorgrad-mpi"}: ${(e as Error).message}`);
  }
}

/**
 * The world size the launcher announced (mpirun, mpiexec, srun), or null when this process was not
 * started by one. Comparing it with MPI's answer catches the classic silent failure: a binding built
 * against another MPI than the launcher's, where every rank believes it is rank 0 of 1.
 */
export function launcherWorldSize(): number | null {
  for (const name of ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"]) {
    const v = env()[name];
    if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  }
  return null;
}
