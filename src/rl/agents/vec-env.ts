/**
 * How agents hold their environments: always a SyncVectorEnv in "sameStep" autoreset mode (so a
 * truncated episode's last observation is at hand for bootstrapping), each copy wrapped in
 * RecordEpisodeStatistics so finished episodes reach the agent's Monitor. An agent accepts an id
 * (made nEnvs times), an Env, or a SyncVectorEnv built that way.
 */
import { ValueError } from "../../base/errors.js";
import type { Env, Info } from "../env.js";
import { make } from "../registry.js";
import { Box, Discrete, type BoxValue } from "../spaces.js";
import { SyncVectorEnv, type BatchedObs } from "../vector.js";
import { RecordEpisodeStatistics, type EpisodeStatistics } from "../wrappers.js";

export type EnvLike = string | Env | SyncVectorEnv;

export function toVecEnv(env: EnvLike, nEnvs = 1): SyncVectorEnv {
  if (env instanceof SyncVectorEnv) {
    if (env.autoresetMode !== "sameStep") throw new ValueError('rl: agents need a SyncVectorEnv with autoresetMode "sameStep"');
    return env;
  }
  if (typeof env !== "string" && nEnvs !== 1) throw new ValueError(`rl: nEnvs = ${nEnvs} needs an environment id to make copies from; pass a SyncVectorEnv instead`);
  const fns = Array.from({ length: nEnvs }, () => () => new RecordEpisodeStatistics(typeof env === "string" ? make(env) : env) as Env);
  return new SyncVectorEnv(fns, { autoresetMode: "sameStep" });
}

/** The registered id behind an environment, if any (saved with an agent so load can remake it). */
export function envId(env: EnvLike): string | undefined {
  if (typeof env === "string") return env;
  if (env instanceof SyncVectorEnv) return env.envs[0]?.spec?.id;
  return env.spec?.id;
}

/** Finished episodes in a step's infos (sameStep mode puts them in finalInfo). */
export function finishedEpisodes(infos: readonly Info[]): EpisodeStatistics[] {
  const out: EpisodeStatistics[] = [];
  for (const info of infos) {
    const final = info.finalInfo as Info | undefined;
    const ep = (final?.episode ?? info.episode) as EpisodeStatistics | undefined;
    if (ep) out.push(ep);
  }
  return out;
}

/** Per-environment actions from a flat array: integers for Discrete, clipped vectors for Box. */
export function envActions(space: Discrete | Box, flat: ArrayLike<number>, nEnvs: number, clip = true): (number | BoxValue)[] {
  if (space instanceof Discrete) return Array.from({ length: nEnvs }, (_, i) => flat[i]!);
  const d = space.size;
  return Array.from({ length: nEnvs }, (_, i) => {
    const a = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      const v = flat[i * d + j]!;
      a[j] = clip ? Math.min(Math.max(v, space.low[j]!), space.high[j]!) : v;
    }
    return a;
  });
}

/** Row i of a batched observation. */
export function obsRow(obs: BatchedObs, i: number, width: number): BatchedObs {
  return obs.subarray(i * width, (i + 1) * width);
}
