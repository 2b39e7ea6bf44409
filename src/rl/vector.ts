/**
 * Vectorised environments as Gymnasium 1.x's SyncVectorEnv: n copies stepped together, observations
 * batched into one typed array (row i is environment i), rewards a Float64Array, terminated and
 * truncated boolean arrays, one info object per environment. Autoreset as Gymnasium's modes:
 * "nextStep" (the default: the step after an episode ends resets that copy and ignores its action)
 * or "sameStep" (the copy resets at once; the last observation goes to `infos[i].finalObs`).
 */
import { ValueError } from "../base/errors.js";
import type { Env, Info } from "./env.js";
import { Box, Discrete, MultiDiscrete, type Space } from "./spaces.js";

export type AutoresetMode = "nextStep" | "sameStep";
export type BatchedObs = Float32Array | Int32Array;
export type VectorStepResult = [obs: BatchedObs, rewards: Float64Array, terminated: boolean[], truncated: boolean[], infos: Info[]];

/** The space of n stacked elements of `space` (Gymnasium's batch_space). */
export function batchSpace(space: Space<unknown>, n: number): Space<unknown> {
  if (space instanceof Box) {
    const rep = (a: Float64Array) => Array.from({ length: n }, () => Array.from(a)).flat();
    return new Box(rep(space.low), rep(space.high), [n, ...space.shape], space.dtype);
  }
  if (space instanceof Discrete) {
    if (space.start !== 0) throw new ValueError(`batchSpace: Discrete with start ${space.start} is not supported`);
    return new MultiDiscrete(new Array(n).fill(space.n));
  }
  throw new ValueError(`batchSpace: ${space} cannot be batched into one typed array; use Box or Discrete observations`);
}

export interface SyncVectorEnvOptions {
  autoresetMode?: AutoresetMode;
}

export class SyncVectorEnv<A = unknown> {
  readonly envs: Env<unknown, A>[];
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<A>;
  readonly observationSpace: Space<unknown>;
  readonly autoresetMode: AutoresetMode;
  private readonly obsSize: number;
  private readonly obsBuffer: BatchedObs;
  private readonly needsAutoreset: boolean[];

  constructor(envFns: readonly (() => Env<unknown, A>)[], { autoresetMode = "nextStep" }: SyncVectorEnvOptions = {}) {
    if (envFns.length === 0) throw new ValueError("SyncVectorEnv: needs at least one environment");
    this.envs = envFns.map((fn) => fn());
    this.numEnvs = this.envs.length;
    this.singleObservationSpace = this.envs[0]!.observationSpace;
    this.singleActionSpace = this.envs[0]!.actionSpace;
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs);
    this.autoresetMode = autoresetMode;
    const space = this.singleObservationSpace;
    this.obsSize = space instanceof Box ? space.size : 1;
    this.obsBuffer = space instanceof Box ? new Float32Array(this.numEnvs * this.obsSize) : new Int32Array(this.numEnvs);
    this.needsAutoreset = new Array<boolean>(this.numEnvs).fill(false);
  }

  private put(i: number, obs: unknown): void {
    if (typeof obs === "number") this.obsBuffer[i] = obs;
    else this.obsBuffer.set(obs as ArrayLike<number>, i * this.obsSize);
  }

  /** Resets every copy; a seed s seeds copy i with s + i (Gymnasium's rule). */
  reset({ seed, options }: { seed?: number | readonly number[]; options?: Record<string, unknown> } = {}): [BatchedObs, Info[]] {
    const infos: Info[] = [];
    this.envs.forEach((env, i) => {
      const s = seed === undefined ? undefined : typeof seed === "number" ? seed + i : seed[i];
      const [obs, info] = env.reset({ ...(s === undefined ? {} : { seed: s }), ...(options ? { options } : {}) });
      this.put(i, obs);
      infos.push(info);
    });
    this.needsAutoreset.fill(false);
    return [this.obsBuffer.slice(), infos];
  }

  /** Steps every copy with its action (actions[i] for copy i). */
  step(actions: ArrayLike<A> | readonly A[]): VectorStepResult {
    if (actions.length !== this.numEnvs) throw new ValueError(`SyncVectorEnv.step: got ${actions.length} actions for ${this.numEnvs} environments`);
    const rewards = new Float64Array(this.numEnvs);
    const terminated = new Array<boolean>(this.numEnvs).fill(false);
    const truncated = new Array<boolean>(this.numEnvs).fill(false);
    const infos: Info[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i]!;
      if (this.autoresetMode === "nextStep" && this.needsAutoreset[i]) {
        const [obs, info] = env.reset();
        this.put(i, obs);
        infos.push(info);
        this.needsAutoreset[i] = false;
        continue;
      }
      const [obs, reward, term, trunc, info] = env.step(actions[i] as A);
      rewards[i] = reward;
      terminated[i] = term;
      truncated[i] = trunc;
      if ((term || trunc) && this.autoresetMode === "sameStep") {
        const [resetObs, resetInfo] = env.reset();
        this.put(i, resetObs);
        infos.push({ ...resetInfo, finalObs: obs, finalInfo: info });
      } else {
        this.put(i, obs);
        infos.push(info);
        this.needsAutoreset[i] = term || trunc;
      }
    }
    return [this.obsBuffer.slice(), rewards, terminated, truncated, infos];
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}
