/**
 * Process groups (torch.distributed's): the world every rank joins with initProcessGroup, and the
 * subgroups newGroup makes. Over MPI when the binding is installed; without it a world of one
 * process, where every collective is the identity, so the same script runs unchanged.
 */
import { DistributedError, ValueError } from "../base/errors.js";
import { type MpiBinding, KIND, launcherWorldSize, loadBinding } from "./binding.js";

export type DistributedBackend = "mpi";

export interface InitOptions {
  /** "mpi" (the only one): over MPI when installed and launched, else a world of one process. */
  backend?: DistributedBackend;
}

/** A set of ranks that run collectives together: `rank` and `size` are this process's within it. */
export class ProcessGroup {
  constructor(
    /** The MPI binding, or null for the one-process world. */
    readonly mpi: MpiBinding | null,
    /** The binding's communicator handle (0: the world). */
    readonly handle: number,
    /** This process's rank within the group; -1 when it is not a member. */
    readonly rank: number,
    readonly size: number,
    /** The world ranks of the members, in group order. */
    readonly ranks: readonly number[],
  ) {}

  get isMember(): boolean {
    return this.rank >= 0;
  }
}

let world: ProcessGroup | null = null;

function requireWorld(op: string): ProcessGroup {
  if (!world) throw new DistributedError(`${op}: the default process group is not initialised; call tg.distributed.initProcessGroup() first`);
  return world;
}

/**
 * Joins the world (torch.distributed.init_process_group). Under a launcher the world is MPI's, and
 * its size must be the launcher's; started directly (no launcher), a world of one process.
 */
export function initProcessGroup({ backend = "mpi" }: InitOptions = {}): ProcessGroup {
  if (world) throw new DistributedError("initProcessGroup: the default process group is already initialised");
  if (backend !== "mpi") throw new ValueError(`initProcessGroup: unknown backend '${String(backend)}'; the backend is "mpi"`);
  const launched = launcherWorldSize();
  const mpi = loadBinding();
  if (!mpi) {
    if (launched !== null && launched > 1) {
      throw new DistributedError(
        `initProcessGroup: started as one of ${launched} ranks, but the MPI binding is not installed (npm install tensorgrad-mpi, with an MPI such as Debian's libopenmpi-dev); each rank would train alone`,
      );
    }
    world = new ProcessGroup(null, 0, 0, 1, [0]);
    return world;
  }
  const info = mpi.init();
  if (launched !== null && info.size !== launched) {
    throw new DistributedError(
      `initProcessGroup: the launcher started ${launched} ranks but MPI reports a world of ${info.size} (rank ${info.rank}); the binding was built against another MPI than the launcher's (${info.library.split("\n")[0]})`,
    );
  }
  world = new ProcessGroup(mpi, 0, info.rank, info.size, Array.from({ length: info.size }, (_, i) => i));
  // The launcher ends the other ranks when one fails; this line says which one failed, and why.
  process.on("uncaughtExceptionMonitor", (e) => console.error(`tg.distributed: rank ${info.rank} of ${info.size} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`));
  return world;
}

/** Leaves the world: MPI is finalised after every queued operation (it is also at exit). */
export function destroyProcessGroup(): void {
  world?.mpi?.finalize();
  world = null;
}

export function isInitialized(): boolean {
  return world !== null;
}

/** This process's rank in the group (the world by default); -1 where it is not a member. */
export function getRank(group?: ProcessGroup): number {
  return (group ?? requireWorld("getRank")).rank;
}

export function getWorldSize(group?: ProcessGroup): number {
  return (group ?? requireWorld("getWorldSize")).size;
}

/** The world, for collectives given no group. */
export function defaultGroup(op: string): ProcessGroup {
  return requireWorld(op);
}

/**
 * A subgroup of the world's ranks (torch.distributed.new_group). Every rank of the world must call
 * it, with the same ranks, in the same order as its other collectives; ranks outside get a group
 * whose rank is -1, and collectives on it are errors there.
 */
export function newGroup(ranks?: readonly number[]): ProcessGroup {
  const w = requireWorld("newGroup");
  const members = ranks ? [...ranks] : [...w.ranks];
  if (members.some((r) => !Number.isInteger(r) || r < 0 || r >= w.size) || new Set(members).size !== members.length) {
    throw new ValueError(`newGroup: ranks must be distinct integers in [0, ${w.size}), got [${members.join(", ")}]`);
  }
  const rank = members.indexOf(w.rank);
  if (!w.mpi) return new ProcessGroup(null, 0, rank, members.length, members);
  const handle = w.mpi.run(false, KIND.newGroup, w.handle, Int32Array.from(members), null, 0, 0, 0);
  return new ProcessGroup(w.mpi, handle, rank, members.length, members);
}
