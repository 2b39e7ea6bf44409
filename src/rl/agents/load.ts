/**
 * `tg.rl.load(path)`: reads an agent saved with `agent.save(path)` — the algorithm, its options
 * and the environment id from the file's metadata, then the weights — and returns it ready to
 * predict or to continue learning.
 */
import { FormatError } from "../../base/errors.js";
import { readSafetensors } from "../../io/safetensors.js";
import type { Algorithm } from "./base.js";
import type { EnvLike } from "./vec-env.js";
import { PPO } from "./ppo.js";
import { A2C } from "./a2c.js";
import { DQN } from "./dqn.js";
import { SAC } from "./sac.js";
import { REINFORCE } from "./reinforce.js";
import { QLearning, SARSA } from "./tabular.js";

const ALGORITHMS: Record<string, new (env: EnvLike, options: never) => Algorithm> = { PPO, A2C, DQN, SAC, REINFORCE, QLearning, SARSA };

export function load(path: string, { env }: { env?: EnvLike } = {}): Algorithm {
  const { tensors, metadata } = readSafetensors(path);
  if (metadata.format !== "tensorgrad-rl") throw new FormatError(`${path}: not a tensorgrad RL agent (its metadata has no format "tensorgrad-rl")`);
  const Cls = ALGORITHMS[metadata.algorithm ?? ""];
  if (!Cls) throw new FormatError(`${path}: unknown algorithm ${JSON.stringify(metadata.algorithm)}; known: ${Object.keys(ALGORITHMS).join(", ")}`);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(metadata.config ?? "{}") as Record<string, unknown>;
  } catch {
    throw new FormatError(`${path}: the saved options are not valid JSON`);
  }
  // A schedule (a function) cannot be saved: the loaded agent uses the default rate.
  for (const k of ["learningRate", "clipRange"]) if (config[k] === "schedule") delete config[k];
  const target = env ?? metadata.env;
  if (!target) throw new FormatError(`${path}: the agent was trained on an unregistered environment; pass {env} to load it`);
  const agent = new Cls(target, config as never);
  agent.loadState(tensors);
  agent.numTimesteps = Number(metadata.numTimesteps ?? 0);
  return agent;
}
