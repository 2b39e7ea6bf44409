/** What MPI said at initialisation. */
export interface MpiWorld {
  rank: number;
  size: number;
  /** MPI_THREAD_* level provided (the add-on's MPI thread needs FUNNELED). */
  threadLevel: number;
  /** MPI_Get_library_version: which MPI the add-on was built with and runs on. */
  library: string;
}

export type Buffer = Float32Array | Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array;

/** Starts the add-on's MPI thread (MPI_Init_thread) once; later calls return the same world. */
export function init(): MpiWorld;
/** MPI_Finalize, after every queued operation; also done when the process exits. */
export function finalize(): void;
/**
 * One operation, run after every operation submitted before it. kind: 0 allreduce, 1 broadcast,
 * 2 allgather, 3 reduce-scatter, 4 barrier, 5 send, 6 recv, 7 new group, 8 fence (nothing: a synchronous
 * fence waits for everything queued before it); reduce: 0 sum, 1 max, 2 min,
 * 3 prod. A null send buffer reduces in place. Synchronous calls return the result (elements
 * received, a new group's handle); asynchronous ones a Promise of it.
 */
export function run(async: false, kind: number, comm: number, send: Buffer | null, recv: Buffer | null, reduce: number, peer: number, tag: number): number;
export function run(async: true, kind: number, comm: number, send: Buffer | null, recv: Buffer | null, reduce: number, peer: number, tag: number): Promise<number>;
