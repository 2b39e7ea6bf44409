/**
 * The networks agents learn: an actor-critic (separate policy and value MLPs, a categorical head
 * for Discrete actions or a diagonal Gaussian with a state-independent log-std for Box actions,
 * SB3's defaults and orthogonal initialisation) and a Q-network (optionally dueling).
 */
import type { Tensor } from "../../ops/tensor.js";
import { ValueError } from "../../base/errors.js";
import { zeros } from "../../ops/creation.js";
import { Module } from "../../nn/module.js";
import { Parameter } from "../../nn/parameter.js";
import { Linear } from "../../nn/layers/linear.js";
import type { Sequential } from "../../nn/layers/container.js";
import { Categorical } from "../../distributions/categorical.js";
import { Normal } from "../../distributions/normal.js";
import { noGrad } from "../../ops/grad-mode.js";
import { scope } from "../../base/scope.js";
import { Box, Discrete, type BoxValue, type Space } from "../spaces.js";
import { inputDim, mlp, obsToTensor, orthogonalInit, type Activation } from "./common.js";
import { envActions } from "./vec-env.js";

/** A diagonal Gaussian over action vectors: Normal per dim, log-probabilities and entropies summed. */
export class DiagGaussian {
  readonly normal: Normal;
  constructor(mean: Tensor, logStd: Tensor) {
    this.normal = new Normal(mean, logStd.exp().expand(...mean.shape));
  }
  sample(): Tensor {
    return this.normal.sample();
  }
  get mode(): Tensor {
    return this.normal.loc;
  }
  logProb(actions: Tensor): Tensor {
    return this.normal.logProb(actions).sum(-1);
  }
  entropy(): Tensor {
    return this.normal.entropy().sum(-1);
  }
}

export type ActionDistribution = Categorical | DiagGaussian;

export interface ActorCriticOptions {
  /** Hidden widths of the policy and value networks (SB3's net_arch); default 64, 64 each. */
  netArch?: { pi: number[]; vf: number[] };
  activation?: Activation;
  orthoInit?: boolean;
  /** Initial log standard deviation of a Gaussian policy. */
  logStdInit?: number;
}

/** The width of one action as the networks see it: 1 for Discrete, the size of a Box. */
export function actionDim(space: Space<unknown>): number {
  if (space instanceof Discrete) return 1;
  if (space instanceof Box) return space.size;
  throw new ValueError(`rl: actions in ${space} are not supported by the built-in agents; use Discrete or Box`);
}

export class ActorCriticPolicy extends Module<[Tensor], Tensor> {
  readonly piNet: Sequential;
  readonly vfNet: Sequential;
  readonly actionNet: Linear;
  readonly valueNet: Linear;
  readonly logStd: Parameter | undefined;
  readonly discrete: boolean;

  constructor(readonly observationSpace: Space<unknown>, readonly actionSpace: Space<unknown>, { netArch = { pi: [64, 64], vf: [64, 64] }, activation = "tanh", orthoInit = true, logStdInit = 0 }: ActorCriticOptions = {}) {
    super();
    const obsDim = inputDim(observationSpace);
    this.discrete = actionSpace instanceof Discrete;
    if (!this.discrete && !(actionSpace instanceof Box)) actionDim(actionSpace);
    const outDim = actionSpace instanceof Discrete ? actionSpace.n : (actionSpace as Box).size;
    const piOut = netArch.pi.length ? netArch.pi[netArch.pi.length - 1]! : obsDim;
    const vfOut = netArch.vf.length ? netArch.vf[netArch.vf.length - 1]! : obsDim;
    this.piNet = this.registerModule("piNet", mlp([obsDim, ...netArch.pi], activation, true));
    this.vfNet = this.registerModule("vfNet", mlp([obsDim, ...netArch.vf], activation, true));
    this.actionNet = this.registerModule("actionNet", new Linear(piOut, outDim));
    this.valueNet = this.registerModule("valueNet", new Linear(vfOut, 1));
    this.logStd = this.discrete ? undefined : this.registerParameter("logStd", new Parameter(zeros([outDim]).add(logStdInit)));
    if (orthoInit) {
      orthogonalInit(this.piNet, Math.SQRT2);
      orthogonalInit(this.vfNet, Math.SQRT2);
      orthogonalInit(this.actionNet, 0.01);
      orthogonalInit(this.valueNet, 1);
    }
  }

  distribution(obs: Tensor): ActionDistribution {
    const out = this.actionNet.forward(this.piNet.forward(obs));
    return this.discrete ? new Categorical({ logits: out }) : new DiagGaussian(out, this.logStd!);
  }

  /** V(obs), shape (n). */
  predictValues(obs: Tensor): Tensor {
    return this.valueNet.forward(this.vfNet.forward(obs)).squeeze(-1);
  }

  /** Log-probabilities and entropies of the given actions ((n, 1) ids or (n, d) vectors), and values. */
  evaluateActions(obs: Tensor, actions: Tensor): { values: Tensor; logProb: Tensor; entropy: Tensor } {
    const dist = this.distribution(obs);
    const logProb = dist instanceof Categorical ? dist.logProb(actions.squeeze(-1)) : dist.logProb(actions);
    return { values: this.predictValues(obs), logProb, entropy: dist.entropy() };
  }

  forward(obs: Tensor): Tensor {
    return this.actionNet.forward(this.piNet.forward(obs));
  }

  /** V of one observation, as a number. */
  value(obs: ArrayLike<number> | number): number {
    return scope(() => noGrad(() => this.predictValues(obsToTensor(this.observationSpace, obs, 1)).item()));
  }

  /** The action for one observation: sampled, or the mode when deterministic; Box actions clipped to the space. */
  act(obs: ArrayLike<number> | number, deterministic: boolean): number | BoxValue {
    return scope(() => noGrad(() => {
      const dist = this.distribution(obsToTensor(this.observationSpace, obs, 1));
      const a = deterministic ? dist.mode : dist.sample();
      if (this.actionSpace instanceof Box) return envActions(this.actionSpace, a.float().dataSync(), 1)[0]!;
      return a.item();
    }));
  }
}

export interface QNetworkOptions {
  netArch?: number[];
  activation?: Activation;
  /** Separate value and advantage streams: Q = V + A − mean(A) (Wang et al. 2016). */
  dueling?: boolean;
}

export class QNetwork extends Module<[Tensor], Tensor> {
  readonly body: Sequential;
  readonly head: Linear;
  readonly valueHead: Linear | undefined;

  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, { netArch = [64, 64], activation = "relu", dueling = false }: QNetworkOptions = {}) {
    super();
    if (!(actionSpace instanceof Discrete)) throw new ValueError(`QNetwork: DQN needs a Discrete action space, got ${actionSpace}`);
    const obsDim = inputDim(observationSpace);
    const width = netArch.length ? netArch[netArch.length - 1]! : obsDim;
    this.body = this.registerModule("body", mlp([obsDim, ...netArch], activation, true));
    this.head = this.registerModule("head", new Linear(width, actionSpace.n));
    this.valueHead = dueling ? this.registerModule("valueHead", new Linear(width, 1)) : undefined;
  }

  /** Q(obs, ·), shape (n, actions). */
  forward(obs: Tensor): Tensor {
    const h = this.body.forward(obs);
    const a = this.head.forward(h);
    if (!this.valueHead) return a;
    return this.valueHead.forward(h).add(a.sub(a.mean(-1, true)));
  }
}
