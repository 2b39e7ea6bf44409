/**
 * Stable-Baselines3's algorithm shape: construct with an environment and options, `learn({
 * totalTimesteps, callback})` runs the algorithm's own collect/train loop and counts steps,
 * `predict(obs, {deterministic})` acts, `save(path)` writes one safetensors file (networks, the
 * options as JSON metadata, the environment id) atomically, and `tg.rl.load(path)` brings it back.
 */
import { Generator, manualSeed } from "../../base/rng.js";
import { DeviceError, ValueError } from "../../base/errors.js";
import { getBackend } from "../../backend/registry.js";
import type { Module, StateDict } from "../../nn/module.js";
import { encodeSafetensors } from "../../io/safetensors.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { Box, Discrete, type BoxValue, type Space } from "../spaces.js";
import type { SyncVectorEnv } from "../vector.js";
import { Monitor } from "./monitor.js";
import { envId, finishedEpisodes, toVecEnv, type EnvLike } from "./vec-env.js";
import type { Info } from "../env.js";

export interface CallbackLocals {
  agent: Algorithm;
  numTimesteps: number;
}
/** Called after every environment step; returning false stops training (SB3's callback rule). */
export type Callback = (locals: CallbackLocals) => boolean | void;

export interface LearnOptions {
  totalTimesteps: number;
  callback?: Callback;
  /** A progress line with steps/s and the mean return of the last 100 episodes. */
  progressBar?: boolean;
}

export interface AlgorithmOptions {
  seed?: number;
}

export type Action = number | BoxValue;

export abstract class Algorithm {
  /** The name `load` dispatches on. */
  abstract readonly algorithm: string;
  readonly env: SyncVectorEnv;
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Discrete | Box;
  readonly monitor = new Monitor();
  readonly rng: Generator;
  readonly seed: number;
  numTimesteps = 0;
  protected readonly envIdValue: string | undefined;
  private totalTimesteps = 1;

  constructor(env: EnvLike, { seed = Math.floor(Math.random() * 2 ** 31) }: AlgorithmOptions = {}, nEnvs = 1) {
    // Every environment step reads the policy's action, synchronously; a small policy gains
    // nothing from a GPU (SB3 advises the CPU for its MLP policies).
    const device = getBackend();
    if (device.read) throw new DeviceError(`rl: agents run on the CPU backends (each environment step reads the policy's action at once), but the default device is '${device.name}'; create the agent with a CPU default device`);
    this.env = toVecEnv(env, nEnvs);
    this.envIdValue = envId(env);
    this.observationSpace = this.env.singleObservationSpace;
    const a = this.env.singleActionSpace;
    if (!(a instanceof Discrete || a instanceof Box)) throw new ValueError(`rl: action space ${a} is not supported; use Discrete or Box`);
    this.actionSpace = a;
    this.seed = seed;
    // As SB3's set_random_seed: network initialisation and action sampling draw from the default
    // generator, so one seed makes the whole run repeat.
    manualSeed(seed);
    this.rng = new Generator(seed);
    this.actionSpace.seed(seed);
  }

  /** The fraction of training left, 1 → 0 (what SB3's schedules take). */
  protected get progressRemaining(): number {
    return Math.max(0, 1 - this.numTimesteps / this.totalTimesteps);
  }

  /** Runs the algorithm until totalTimesteps more environment steps (or the callback says stop). */
  learn({ totalTimesteps, callback, progressBar = false }: LearnOptions): this {
    if (!Number.isInteger(totalTimesteps) || totalTimesteps <= 0) throw new ValueError(`learn: totalTimesteps must be a positive integer, got ${totalTimesteps}`);
    const end = this.numTimesteps + totalTimesteps;
    this.totalTimesteps = end;
    const onStep = (infos: readonly Info[]): boolean => {
      this.numTimesteps += this.env.numEnvs;
      for (const ep of finishedEpisodes(infos)) this.monitor.record(this.numTimesteps, ep.r, ep.l);
      if (progressBar) this.monitor.progress(this.numTimesteps, end);
      return callback?.({ agent: this, numTimesteps: this.numTimesteps }) !== false;
    };
    this.run(end, onStep);
    return this;
  }

  /** The algorithm's loop: step the environments until `end`, calling onStep after each vector step. */
  protected abstract run(end: number, onStep: (infos: readonly Info[]) => boolean): void;

  /** The action for one observation (a Discrete id or a Box vector). */
  abstract predict(obs: unknown, opts?: { deterministic?: boolean }): Action;

  /** Hyperparameters, saved with the weights. */
  protected abstract config(): Record<string, unknown>;
  /** Tensors saved with the agent (network weights, tables). */
  protected abstract saveState(): StateDict;
  /** Restores what saveState wrote. */
  abstract loadState(state: StateDict): void;

  /** The agent as safetensors bytes: its tensors, and its algorithm, options and environment id as metadata. */
  serialize(): Uint8Array[] {
    return encodeSafetensors(this.saveState(), {
      format: "tensorgrad-rl",
      algorithm: this.algorithm,
      config: JSON.stringify(this.config()),
      env: this.envIdValue ?? "",
      numTimesteps: String(this.numTimesteps),
    });
  }

  /** Writes the agent to one safetensors file, atomically. */
  save(path: string): void {
    writeFileAtomic(path, this.serialize());
  }
}

/** A Module's state dict with every key under a prefix (several networks in one file). */
export function prefixed(prefix: string, module: Module): StateDict {
  return Object.fromEntries(Object.entries(module.stateDict()).map(([k, v]) => [`${prefix}.${k}`, v]));
}
/** The part of a saved state under a prefix, with the prefix taken off. */
export function unprefixed(prefix: string, state: StateDict): StateDict {
  return Object.fromEntries(Object.entries(state).filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, v]) => [k.slice(prefix.length + 1), v]));
}
