/**
 * Gymnasium 1.x's environment API in camelCase. An environment owns its random stream (`npRandom`,
 * seeded by `reset({seed})`), an observation space and an action space, and answers
 * `reset({seed, options})` → [obs, info] and `step(action)` → [obs, reward, terminated, truncated, info].
 * A `Wrapper` changes one of these and passes the rest through, so wrappers stack as in Gymnasium.
 */
import { Generator } from "../base/rng.js";
import { TensorgradError } from "../base/errors.js";
import type { Space } from "./spaces.js";
import type { Frame, RenderMode } from "./render.js";

export type Info = Record<string, unknown>;
export interface ResetOptions {
  seed?: number;
  options?: Record<string, unknown>;
}
export type StepResult<O> = [obs: O, reward: number, terminated: boolean, truncated: boolean, info: Info];

/** What `make` knows about a registered environment (Gymnasium's EnvSpec). */
export interface EnvSpec {
  id: string;
  maxEpisodeSteps?: number;
  rewardThreshold?: number;
  kwargs: Record<string, unknown>;
}

/** `step` called before `reset`, or after an episode ended without a `reset` (Gymnasium's ResetNeeded). */
export class ResetNeeded extends TensorgradError {}

export interface EnvMetadata {
  renderModes: readonly RenderMode[];
  renderFps?: number;
}

export abstract class Env<O = unknown, A = unknown> {
  abstract readonly observationSpace: Space<O>;
  abstract readonly actionSpace: Space<A>;
  metadata: EnvMetadata = { renderModes: [] };
  renderMode: RenderMode | undefined;
  spec: EnvSpec | undefined;
  private ownRandom: Generator | undefined;

  /** The environment's random stream (Gymnasium's `np_random`); `reset({seed})` reseeds it. */
  get npRandom(): Generator {
    return (this.ownRandom ??= new Generator(Math.floor(Math.random() * 2 ** 31)));
  }
  set npRandom(g: Generator) {
    this.ownRandom = g;
  }

  /** Starts an episode. Implementations call `this.seedRandom(seed)` first, as Gymnasium's call `super().reset(seed=seed)`. */
  abstract reset(opts?: ResetOptions): [O, Info];
  /** Advances one step. */
  abstract step(action: A): StepResult<O>;

  /** The current frame in `renderMode`: an RGB image or an SVG document. */
  render(): Frame | undefined {
    throw new TensorgradError(`${this.constructor.name}.render: this environment does not render`);
  }
  close(): void {}
  /** The innermost environment, under all wrappers. */
  get unwrapped(): Env {
    return this as Env;
  }
  protected seedRandom(seed: number | undefined): void {
    if (seed !== undefined) this.npRandom = new Generator(seed);
  }
  toString(): string {
    return this.spec ? `<${this.constructor.name}<${this.spec.id}>>` : `<${this.constructor.name}>`;
  }
}

/**
 * Wraps an environment and forwards everything; subclasses override what they change. WO and WA
 * are the observation and action types the wrapper shows the outside.
 */
export class Wrapper<O = unknown, A = unknown, WO = O, WA = A> extends Env<WO, WA> {
  constructor(readonly env: Env<O, A>) {
    super();
    this.metadata = env.metadata;
    this.renderMode = env.renderMode;
    this.spec = env.spec;
  }
  override get observationSpace(): Space<WO> {
    return this.env.observationSpace as unknown as Space<WO>;
  }
  override get actionSpace(): Space<WA> {
    return this.env.actionSpace as unknown as Space<WA>;
  }
  override get npRandom(): Generator {
    return this.env.npRandom;
  }
  override set npRandom(g: Generator) {
    this.env.npRandom = g;
  }
  override reset(opts?: ResetOptions): [WO, Info] {
    return this.env.reset(opts) as unknown as [WO, Info];
  }
  override step(action: WA): StepResult<WO> {
    return this.env.step(action as unknown as A) as unknown as StepResult<WO>;
  }
  override render(): Frame | undefined {
    return this.env.render();
  }
  override close(): void {
    this.env.close();
  }
  override get unwrapped(): Env {
    return this.env.unwrapped;
  }
  override toString(): string {
    return `<${this.constructor.name}${this.env}>`;
  }
}
