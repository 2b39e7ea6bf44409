/**
 * tg.rl — reinforcement learning: Gymnasium 1.x's environment API in camelCase (spaces, `make`,
 * wrappers, vectorised environments), the classic-control and toy-text environments with
 * Gymnasium's exact dynamics, and agents with Stable-Baselines3's `learn`/`predict`/`save`/`load`.
 */
export { Env, Wrapper, ResetNeeded, type Info, type ResetOptions, type StepResult, type EnvSpec, type EnvMetadata } from "./env.js";
export * as spaces from "./spaces.js";
export { Space, Discrete, Box, MultiDiscrete, MultiBinary, Tuple, Dict, flatdim, type BoxValue, type BoxDType } from "./spaces.js";
export { make, register, spec, registeredIds, type MakeOptions, type RegisterOptions, type EnvCreator } from "./registry.js";
export {
  TimeLimit, RecordEpisodeStatistics, NormalizeObservation, NormalizeReward, ClipAction, TransformObservation,
  FrameStackObservation, FrameStack, EnvChecker, RunningMeanStd, type EpisodeStatistics,
} from "./wrappers.js";
export { SyncVectorEnv, batchSpace, type AutoresetMode, type BatchedObs, type VectorStepResult, type SyncVectorEnvOptions } from "./vector.js";
export { sceneToRGB, sceneToSVG, framesToSVG, type Scene, type Shape, type RGBImage, type Frame, type RenderMode, type Color } from "./render.js";
export { CartPoleEnv, type CartPoleOptions } from "./envs/cartpole.js";
export { MountainCarEnv, Continuous_MountainCarEnv, type MountainCarOptions } from "./envs/mountain-car.js";
export { PendulumEnv, type PendulumOptions } from "./envs/pendulum.js";
export { AcrobotEnv, type AcrobotOptions } from "./envs/acrobot.js";
export { FrozenLakeEnv, generateRandomMap, MAPS, type FrozenLakeOptions } from "./envs/frozen-lake.js";
export { CliffWalkingEnv, type CliffWalkingOptions } from "./envs/cliff-walking.js";
export { TaxiEnv, type TaxiOptions } from "./envs/taxi.js";
export { KArmedBanditEnv, type BanditOptions } from "./envs/bandit.js";
export { DiscreteEnv, categoricalSample, type Transition, type TransitionTable } from "./envs/toy-text.js";
export * from "./agents/index.js";
