/**
 * Experience storage. `RolloutBuffer` holds one on-policy rollout of nSteps × nEnvs transitions and
 * computes GAE(λ) advantages and returns as Stable-Baselines3 does; `ReplayBuffer` is the
 * off-policy ring buffer of (obs, action, reward, nextObs, done) with uniform sampling. Both keep
 * flat typed arrays and hand out minibatches as tensors.
 */
import type { Tensor } from "../../ops/tensor.js";
import type { Generator as Rng } from "../../base/rng.js";
import { tensor } from "../../ops/creation.js";
import { randomPermutation } from "../../data/dataset.js";

/** Rows `idx` of a flat array of rows of width `width`. */
function gatherRows(src: Float32Array, idx: ArrayLike<number>, width: number): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i]! * width, (idx[i]! + 1) * width), i * width);
  return out;
}

export interface RolloutBatch {
  obs: Tensor;
  actions: Tensor;
  oldValues: Tensor;
  oldLogProb: Tensor;
  advantages: Tensor;
  returns: Tensor;
}

export class RolloutBuffer {
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly episodeStarts: Float32Array;
  readonly values: Float32Array;
  readonly logProbs: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  pos = 0;

  constructor(readonly nSteps: number, readonly nEnvs: number, readonly obsDim: number, readonly actionDim: number, readonly gamma = 0.99, readonly gaeLambda = 0.95) {
    const n = nSteps * nEnvs;
    this.obs = new Float32Array(n * obsDim);
    this.actions = new Float32Array(n * actionDim);
    this.rewards = new Float32Array(n);
    this.episodeStarts = new Float32Array(n);
    this.values = new Float32Array(n);
    this.logProbs = new Float32Array(n);
    this.advantages = new Float32Array(n);
    this.returns = new Float32Array(n);
  }

  get full(): boolean {
    return this.pos === this.nSteps;
  }
  reset(): void {
    this.pos = 0;
  }

  /** Stores one step of every environment (row t·nEnvs + e). */
  add(obs: ArrayLike<number>, actions: ArrayLike<number>, rewards: ArrayLike<number>, episodeStarts: ArrayLike<number>, values: ArrayLike<number>, logProbs: ArrayLike<number>): void {
    const row = this.pos * this.nEnvs;
    this.obs.set(obs, row * this.obsDim);
    this.actions.set(actions, row * this.actionDim);
    this.rewards.set(rewards, row);
    this.episodeStarts.set(episodeStarts, row);
    this.values.set(values, row);
    this.logProbs.set(logProbs, row);
    this.pos++;
  }

  /**
   * GAE(λ) backwards over the rollout (SB3's compute_returns_and_advantage): lastValues are V of the
   * observations after the last step, dones whether each environment's episode ended at that step.
   */
  computeReturnsAndAdvantage(lastValues: ArrayLike<number>, dones: ArrayLike<number>): void {
    const E = this.nEnvs;
    for (let e = 0; e < E; e++) {
      let lastGae = 0;
      for (let t = this.nSteps - 1; t >= 0; t--) {
        const i = t * E + e;
        const nextNonTerminal = t === this.nSteps - 1 ? 1 - dones[e]! : 1 - this.episodeStarts[i + E]!;
        const nextValue = t === this.nSteps - 1 ? lastValues[e]! : this.values[i + E]!;
        const delta = this.rewards[i]! + this.gamma * nextValue * nextNonTerminal - this.values[i]!;
        lastGae = delta + this.gamma * this.gaeLambda * nextNonTerminal * lastGae;
        this.advantages[i] = lastGae;
        this.returns[i] = lastGae + this.values[i]!;
      }
    }
  }

  /** Shuffled minibatches of batchSize rows (the last one smaller when it does not divide). */
  *batches(batchSize: number, rng: Rng): Generator<RolloutBatch> {
    const n = this.nSteps * this.nEnvs;
    const perm = randomPermutation(n, rng);
    for (let start = 0; start < n; start += batchSize) {
      const idx = perm.slice(start, Math.min(start + batchSize, n));
      const m = idx.length;
      const pick = (a: Float32Array) => tensor(gatherRows(a, idx, 1), { shape: [m] });
      yield {
        obs: tensor(gatherRows(this.obs, idx, this.obsDim), { shape: [m, this.obsDim] }),
        actions: tensor(gatherRows(this.actions, idx, this.actionDim), { shape: [m, this.actionDim] }),
        oldValues: pick(this.values),
        oldLogProb: pick(this.logProbs),
        advantages: pick(this.advantages),
        returns: pick(this.returns),
      };
    }
  }
}

export interface ReplayBatch {
  obs: Tensor;
  actions: Tensor;
  rewards: Tensor;
  nextObs: Tensor;
  dones: Tensor;
}

/**
 * A ring buffer of transitions. `dones` is 1 only for a true termination: a time-limit truncation
 * keeps bootstrapping from the next observation (SB3's handle_timeout_termination).
 */
export class ReplayBuffer {
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;
  pos = 0;
  size = 0;

  constructor(readonly capacity: number, readonly obsDim: number, readonly actionDim: number) {
    this.obs = new Float32Array(capacity * obsDim);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.actions = new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.dones = new Float32Array(capacity);
  }

  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, done: boolean): void {
    this.obs.set(obs, this.pos * this.obsDim);
    this.nextObs.set(nextObs, this.pos * this.obsDim);
    this.actions.set(action, this.pos * this.actionDim);
    this.rewards[this.pos] = reward;
    this.dones[this.pos] = done ? 1 : 0;
    this.pos = (this.pos + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** batchSize transitions drawn uniformly with replacement. */
  sample(batchSize: number, rng: Rng): ReplayBatch {
    const idx = Int32Array.from({ length: batchSize }, () => rng.randomInt(this.size));
    return {
      obs: tensor(gatherRows(this.obs, idx, this.obsDim), { shape: [batchSize, this.obsDim] }),
      actions: tensor(gatherRows(this.actions, idx, this.actionDim), { shape: [batchSize, this.actionDim] }),
      rewards: tensor(gatherRows(this.rewards, idx, 1), { shape: [batchSize] }),
      nextObs: tensor(gatherRows(this.nextObs, idx, this.obsDim), { shape: [batchSize, this.obsDim] }),
      dones: tensor(gatherRows(this.dones, idx, 1), { shape: [batchSize] }),
    };
  }
}
