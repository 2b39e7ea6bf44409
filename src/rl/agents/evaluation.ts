/**
 * SB3's evaluate_policy: run a policy for nEvalEpisodes whole episodes (deterministic actions by
 * default) and report the mean and standard deviation of the returns.
 */
import { ValueError } from "../../base/errors.js";
import type { Env } from "../env.js";
import { make } from "../registry.js";
import type { Action, Algorithm } from "./base.js";

export interface EvaluationResult {
  meanReward: number;
  stdReward: number;
  episodeRewards: number[];
  episodeLengths: number[];
}

export interface EvaluateOptions {
  nEvalEpisodes?: number;
  deterministic?: boolean;
  /** Episode k resets with seed + k, so evaluations repeat exactly. */
  seed?: number;
  /** Called after every step (e.g. to render frames). */
  onStep?: (env: Env) => void;
}

export function evaluatePolicy(
  policy: Algorithm | ((obs: unknown) => Action),
  env: Env | string,
  { nEvalEpisodes = 10, deterministic = true, seed, onStep }: EvaluateOptions = {},
): EvaluationResult {
  if (!Number.isInteger(nEvalEpisodes) || nEvalEpisodes < 1) throw new ValueError(`evaluatePolicy: nEvalEpisodes must be a positive integer, got ${nEvalEpisodes}`);
  const e: Env = typeof env === "string" ? make(env) : env;
  const act = typeof policy === "function" ? policy : (obs: unknown) => policy.predict(obs, { deterministic });
  const episodeRewards: number[] = [];
  const episodeLengths: number[] = [];
  for (let k = 0; k < nEvalEpisodes; k++) {
    let [obs] = e.reset(seed === undefined ? {} : { seed: seed + k });
    let ret = 0;
    let len = 0;
    for (;;) {
      const [next, reward, terminated, truncated] = e.step(act(obs));
      onStep?.(e);
      ret += reward;
      len++;
      obs = next;
      if (terminated || truncated) break;
      if (len > 1e7) throw new ValueError("evaluatePolicy: an episode ran past 10 million steps; wrap the environment in TimeLimit");
    }
    episodeRewards.push(ret);
    episodeLengths.push(len);
  }
  const mean = episodeRewards.reduce((a, b) => a + b, 0) / nEvalEpisodes;
  const std = Math.sqrt(episodeRewards.reduce((a, r) => a + (r - mean) ** 2, 0) / nEvalEpisodes);
  return { meanReward: mean, stdReward: std, episodeRewards, episodeLengths };
}
