/**
 * Gymnasium's everyday wrappers: time limits, episode statistics, running normalisation of
 * observations and rewards, action clipping, an observation map, frame stacking, and the checker
 * `make` puts around every environment (order of calls, actions in the action space, observations
 * in the observation space and free of NaN).
 */
import { ValueError, fmtShape } from "../base/errors.js";
import { Env, ResetNeeded, Wrapper, type Info, type ResetOptions, type StepResult } from "./env.js";
import { Box, describeValue, type BoxValue, type Space } from "./spaces.js";

/** Truncates an episode after maxEpisodeSteps steps. */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  elapsedSteps: number | undefined;
  constructor(env: Env<O, A>, readonly maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) throw new ValueError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
  }
  override step(action: A): StepResult<O> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    this.elapsedSteps = (this.elapsedSteps ?? 0) + 1;
    return [obs, reward, terminated, truncated || this.elapsedSteps >= this.maxEpisodeSteps, info];
  }
  override reset(opts?: ResetOptions): [O, Info] {
    this.elapsedSteps = 0;
    return this.env.reset(opts);
  }
}

export interface EpisodeStatistics {
  /** Return (undiscounted sum of rewards). */
  r: number;
  /** Length in steps. */
  l: number;
  /** Seconds since the episode began. */
  t: number;
}

/** Adds `info.episode = {r, l, t}` when an episode ends; keeps the last `bufferLength` returns and lengths. */
export class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  episodeCount = 0;
  private episodeReturn = 0;
  private episodeLength = 0;
  private start = 0;
  constructor(env: Env<O, A>, readonly bufferLength = 100) {
    super(env);
  }
  override reset(opts?: ResetOptions): [O, Info] {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.start = performance.now();
    return this.env.reset(opts);
  }
  override step(action: A): StepResult<O> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    this.episodeReturn += reward;
    this.episodeLength++;
    if (terminated || truncated) {
      const episode: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t: (performance.now() - this.start) / 1000 };
      this.episodeCount++;
      this.returnQueue.push(episode.r);
      this.lengthQueue.push(episode.l);
      if (this.returnQueue.length > this.bufferLength) {
        this.returnQueue.shift();
        this.lengthQueue.shift();
      }
      return [obs, reward, terminated, truncated, { ...info, episode }];
    }
    return [obs, reward, terminated, truncated, info];
  }
}

/** Welford-style running mean and variance over batches (Gymnasium's RunningMeanStd, epsilon count 1e-4). */
export class RunningMeanStd {
  mean: Float64Array;
  var: Float64Array;
  count = 1e-4;
  constructor(size: number) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
  }
  /** Updates with one sample (a vector of `size` values). */
  update(x: ArrayLike<number>): void {
    const total = this.count + 1;
    for (let i = 0; i < this.mean.length; i++) {
      const delta = x[i]! - this.mean[i]!;
      const newMean = this.mean[i]! + delta / total;
      const m2 = this.var[i]! * this.count + delta * delta * (this.count / total);
      this.mean[i] = newMean;
      this.var[i] = m2 / total;
    }
    this.count = total;
  }
}

function boxSpace(env: Env, who: string): Box {
  if (!(env.observationSpace instanceof Box)) throw new ValueError(`${who}: needs a Box observation space, got ${env.observationSpace}`);
  return env.observationSpace;
}

/** Normalises observations to zero mean and unit variance with running statistics. */
export class NormalizeObservation<A> extends Wrapper<BoxValue, A> {
  readonly obsRms: RunningMeanStd;
  /** Whether the statistics keep updating (turn off for evaluation). */
  updateRunningMean = true;
  private readonly space: Box;
  constructor(env: Env<BoxValue, A>, readonly epsilon = 1e-8) {
    super(env);
    boxSpace(env as Env, "NormalizeObservation");
    this.obsRms = new RunningMeanStd((env.observationSpace as Box).size);
    this.space = new Box(-Infinity, Infinity, (env.observationSpace as Box).shape);
  }
  override get observationSpace(): Space<BoxValue> {
    return this.space;
  }
  private normalize(obs: BoxValue): Float32Array {
    if (this.updateRunningMean) this.obsRms.update(obs);
    return Float32Array.from(obs, (v, i) => (v - this.obsRms.mean[i]!) / Math.sqrt(this.obsRms.var[i]! + this.epsilon));
  }
  override reset(opts?: ResetOptions): [BoxValue, Info] {
    const [obs, info] = this.env.reset(opts);
    return [this.normalize(obs), info];
  }
  override step(action: A): StepResult<BoxValue> {
    const [obs, ...rest] = this.env.step(action);
    return [this.normalize(obs), ...rest];
  }
}

/** Scales rewards so the discounted return has roughly unit variance (Gymnasium's NormalizeReward). */
export class NormalizeReward<O, A> extends Wrapper<O, A> {
  readonly returnRms = new RunningMeanStd(1);
  updateRunningMean = true;
  private discountedReward = 0;
  constructor(env: Env<O, A>, readonly gamma = 0.99, readonly epsilon = 1e-8) {
    super(env);
  }
  override step(action: A): StepResult<O> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    this.discountedReward = this.discountedReward * this.gamma * (terminated ? 0 : 1) + reward;
    if (this.updateRunningMean) this.returnRms.update([this.discountedReward]);
    return [obs, reward / Math.sqrt(this.returnRms.var[0]! + this.epsilon), terminated, truncated, info];
  }
}

/** Clips continuous actions into the action box, so a policy's raw Gaussian sample is always legal. */
export class ClipAction<O> extends Wrapper<O, BoxValue> {
  private readonly box: Box;
  private readonly space: Box;
  constructor(env: Env<O, BoxValue>) {
    super(env);
    if (!(env.actionSpace instanceof Box)) throw new ValueError(`ClipAction: needs a Box action space, got ${env.actionSpace}`);
    this.box = env.actionSpace;
    this.space = new Box(-Infinity, Infinity, this.box.shape, this.box.dtype);
  }
  override get actionSpace(): Space<BoxValue> {
    return this.space;
  }
  override step(action: BoxValue): StepResult<O> {
    const clipped = Float32Array.from(action, (v, i) => Math.min(Math.max(v, this.box.low[i]!), this.box.high[i]!));
    return this.env.step(clipped);
  }
}

/** Applies fn to every observation; give the new observation space when fn changes it. */
export class TransformObservation<O, A, WO> extends Wrapper<O, A, WO, A> {
  constructor(env: Env<O, A>, readonly fn: (obs: O) => WO, private readonly space?: Space<WO>) {
    super(env);
  }
  override get observationSpace(): Space<WO> {
    return this.space ?? (this.env.observationSpace as unknown as Space<WO>);
  }
  override reset(opts?: ResetOptions): [WO, Info] {
    const [obs, info] = this.env.reset(opts);
    return [this.fn(obs), info];
  }
  override step(action: A): StepResult<WO> {
    const [obs, ...rest] = this.env.step(action);
    return [this.fn(obs), ...rest];
  }
}

/**
 * Stacks the last stackSize observations (Gymnasium 1.x's FrameStackObservation): the observation
 * becomes a Box of shape [stackSize, ...obsShape], oldest first, padded at the episode's start with
 * the reset observation ("reset") or zeros ("zero").
 */
export class FrameStackObservation<A> extends Wrapper<BoxValue, A> {
  private readonly frames: BoxValue[] = [];
  private readonly space: Box;
  private readonly inner: Box;
  constructor(env: Env<BoxValue, A>, readonly stackSize: number, readonly paddingType: "reset" | "zero" = "reset") {
    super(env);
    if (!Number.isInteger(stackSize) || stackSize < 1) throw new ValueError(`FrameStackObservation: stackSize must be a positive integer, got ${stackSize}`);
    this.inner = boxSpace(env as Env, "FrameStackObservation");
    const rep = (a: Float64Array) => Array.from({ length: stackSize }, () => Array.from(a)).flat();
    this.space = new Box(rep(this.inner.low), rep(this.inner.high), [stackSize, ...this.inner.shape], this.inner.dtype);
  }
  override get observationSpace(): Space<BoxValue> {
    return this.space;
  }
  private stacked(): BoxValue {
    const out = new Float32Array(this.stackSize * this.inner.size);
    this.frames.forEach((f, i) => out.set(f, i * this.inner.size));
    return out;
  }
  override reset(opts?: ResetOptions): [BoxValue, Info] {
    const [obs, info] = this.env.reset(opts);
    const pad = this.paddingType === "zero" ? new Float32Array(this.inner.size) : obs;
    this.frames.length = 0;
    for (let i = 0; i < this.stackSize - 1; i++) this.frames.push(pad);
    this.frames.push(obs);
    return [this.stacked(), info];
  }
  override step(action: A): StepResult<BoxValue> {
    const [obs, ...rest] = this.env.step(action);
    this.frames.push(obs);
    this.frames.shift();
    return [this.stacked(), ...rest];
  }
}
/** Gymnasium 0.x's name for FrameStackObservation. */
export const FrameStack = FrameStackObservation;

/**
 * What `make` wraps every environment in: `step` before `reset` or after the episode ended is a
 * ResetNeeded error; an action outside the action space, or an observation outside the observation
 * space (a NaN, a wrong length, a value past the bounds), is a ValueError naming it.
 */
export class EnvChecker<O, A> extends Wrapper<O, A> {
  private needsReset = true;
  override reset(opts?: ResetOptions): [O, Info] {
    const [obs, info] = this.env.reset(opts);
    this.checkObservation(obs, "reset");
    this.needsReset = false;
    return [obs, info];
  }
  override step(action: A): StepResult<O> {
    const id = this.spec?.id ?? this.env.unwrapped.constructor.name;
    if (this.needsReset) throw new ResetNeeded(`${id}: step called before reset, or after the episode ended (terminated or truncated) without a reset`);
    if (!this.env.actionSpace.contains(action)) {
      throw new ValueError(`${id}: action ${describeValue(action)} is not in the action space ${this.env.actionSpace}`);
    }
    const result = this.env.step(action);
    this.checkObservation(result[0], "step");
    if (!Number.isFinite(result[1])) throw new ValueError(`${id}: step returned the reward ${result[1]}; rewards must be finite numbers`);
    if (result[2] || result[3]) this.needsReset = true;
    return result;
  }
  private checkObservation(obs: O, where: string): void {
    const space = this.env.observationSpace;
    if (space.contains(obs)) return;
    const id = this.spec?.id ?? this.env.unwrapped.constructor.name;
    const values = ArrayBuffer.isView(obs) ? Array.from(obs as unknown as ArrayLike<number>) : undefined;
    const nan = values?.findIndex(Number.isNaN) ?? -1;
    if (nan >= 0) throw new ValueError(`${id}: ${where} returned an observation with NaN at index ${nan}: ${describeValue(obs)}`);
    if (space instanceof Box && values && values.length !== space.size) {
      throw new ValueError(`${id}: ${where} returned an observation of ${values.length} values; the observation space ${fmtShape(space.shape)} holds ${space.size}`);
    }
    throw new ValueError(`${id}: ${where} returned the observation ${describeValue(obs)}, which is not in the observation space ${space}`);
  }
}
