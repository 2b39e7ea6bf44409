/**
 * `make(id, options)` and the registry behind it, as Gymnasium's: each id names a constructor with
 * default keyword options, a `maxEpisodeSteps` (make wraps the environment in TimeLimit) and a
 * `rewardThreshold` (the return at which the task counts as solved). `make` also puts the
 * EnvChecker outside, so misuse is a typed error instead of undefined behaviour.
 */
import { ValueError } from "../base/errors.js";
import type { Env, EnvSpec } from "./env.js";
import type { RenderMode } from "./render.js";
import { EnvChecker, TimeLimit } from "./wrappers.js";
import { CartPoleEnv } from "./envs/cartpole.js";
import { Continuous_MountainCarEnv, MountainCarEnv } from "./envs/mountain-car.js";
import { PendulumEnv } from "./envs/pendulum.js";
import { AcrobotEnv } from "./envs/acrobot.js";
import { FrozenLakeEnv } from "./envs/frozen-lake.js";
import { CliffWalkingEnv } from "./envs/cliff-walking.js";
import { TaxiEnv } from "./envs/taxi.js";
import { KArmedBanditEnv } from "./envs/bandit.js";

export type EnvCreator = (kwargs: Record<string, unknown>) => Env;

export interface RegisterOptions {
  entryPoint: EnvCreator;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  kwargs?: Record<string, unknown>;
}

interface Entry extends EnvSpec {
  entryPoint: EnvCreator;
}

const entries = new Map<string, Entry>();

/** Adds an environment id (a user's own environments too). */
export function register(id: string, { entryPoint, maxEpisodeSteps, rewardThreshold, kwargs = {} }: RegisterOptions): void {
  if (entries.has(id)) throw new ValueError(`register: the id ${id} is already registered`);
  entries.set(id, {
    id, entryPoint, kwargs,
    ...(maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps }),
    ...(rewardThreshold === undefined ? {} : { rewardThreshold }),
  });
}

/** The registered ids. */
export function registeredIds(): string[] {
  return [...entries.keys()];
}

/** The spec of a registered id. */
export function spec(id: string): EnvSpec {
  const entry = entries.get(id);
  if (!entry) throw new ValueError(`No environment registered as ${JSON.stringify(id)}; registered: ${registeredIds().join(", ")}`);
  const { entryPoint: _, ...rest } = entry;
  return rest;
}

export interface MakeOptions extends Record<string, unknown> {
  renderMode?: RenderMode;
  /** Overrides the registered episode limit; null for none. */
  maxEpisodeSteps?: number | null;
  /** Leaves out the EnvChecker (for speed in a trusted inner loop). */
  disableEnvChecker?: boolean;
}

/** Creates a registered environment, wrapped in TimeLimit and the EnvChecker. */
export function make<O = unknown, A = unknown>(id: string, options: MakeOptions = {}): Env<O, A> {
  const entry = entries.get(id);
  if (!entry) throw new ValueError(`make: no environment registered as ${JSON.stringify(id)}; registered: ${registeredIds().join(", ")}`);
  const { maxEpisodeSteps, disableEnvChecker = false, ...kwargs } = options;
  const merged = { ...entry.kwargs, ...kwargs };
  let env: Env = entry.entryPoint(merged);
  const limit = maxEpisodeSteps === null ? undefined : maxEpisodeSteps ?? entry.maxEpisodeSteps;
  env.spec = {
    id, kwargs: merged,
    ...(limit === undefined ? {} : { maxEpisodeSteps: limit }),
    ...(entry.rewardThreshold === undefined ? {} : { rewardThreshold: entry.rewardThreshold }),
  };
  if (limit !== undefined) env = new TimeLimit(env, limit);
  if (!disableEnvChecker) env = new EnvChecker(env);
  return env as Env<O, A>;
}

/** The options object a registered constructor receives (unknown keys stay the constructor's concern). */
const opts = <T>(kwargs: Record<string, unknown>) => kwargs as T;

register("CartPole-v1", { entryPoint: (k) => new CartPoleEnv(opts(k)), maxEpisodeSteps: 500, rewardThreshold: 475 });
register("CartPole-v0", { entryPoint: (k) => new CartPoleEnv(opts(k)), maxEpisodeSteps: 200, rewardThreshold: 195 });
register("MountainCar-v0", { entryPoint: (k) => new MountainCarEnv(opts(k)), maxEpisodeSteps: 200, rewardThreshold: -110 });
register("MountainCarContinuous-v0", { entryPoint: (k) => new Continuous_MountainCarEnv(opts(k)), maxEpisodeSteps: 999, rewardThreshold: 90 });
register("Pendulum-v1", { entryPoint: (k) => new PendulumEnv(opts(k)), maxEpisodeSteps: 200 });
register("Acrobot-v1", { entryPoint: (k) => new AcrobotEnv(opts(k)), maxEpisodeSteps: 500, rewardThreshold: -100 });
register("FrozenLake-v1", { entryPoint: (k) => new FrozenLakeEnv(opts(k)), kwargs: { mapName: "4x4" }, maxEpisodeSteps: 100, rewardThreshold: 0.7 });
register("FrozenLake8x8-v1", { entryPoint: (k) => new FrozenLakeEnv(opts(k)), kwargs: { mapName: "8x8" }, maxEpisodeSteps: 200, rewardThreshold: 0.85 });
register("CliffWalking-v1", { entryPoint: (k) => new CliffWalkingEnv(opts(k)) });
register("CliffWalking-v0", { entryPoint: (k) => new CliffWalkingEnv(opts(k)) });
register("CliffWalkingSlippery-v1", { entryPoint: (k) => new CliffWalkingEnv(opts(k)), kwargs: { isSlippery: true } });
register("Taxi-v4", { entryPoint: (k) => new TaxiEnv(opts(k)), maxEpisodeSteps: 200, rewardThreshold: 8 });
register("Taxi-v3", { entryPoint: (k) => new TaxiEnv(opts(k)), maxEpisodeSteps: 200, rewardThreshold: 8 });
register("KArmedBandit-v0", { entryPoint: (k) => new KArmedBanditEnv(opts(k)), maxEpisodeSteps: 1000 });
