/** The agents of tg.rl, with Stable-Baselines3's learn/predict/save/load interface. */
export { Algorithm, type LearnOptions, type Callback, type CallbackLocals, type AlgorithmOptions, type Action } from "./base.js";
export { PPO, type PPOOptions } from "./ppo.js";
export { A2C, type A2COptions } from "./a2c.js";
export { REINFORCE, type REINFORCEOptions } from "./reinforce.js";
export { DQN, type DQNOptions } from "./dqn.js";
export { SAC, SquashedGaussianActor, ContinuousCritic, type SACOptions } from "./sac.js";
export { QLearning, SARSA, type TabularOptions } from "./tabular.js";
export { OnPolicyAlgorithm, type OnPolicyOptions } from "./on-policy.js";
export { ActorCriticPolicy, QNetwork, DiagGaussian, type ActorCriticOptions, type QNetworkOptions, type ActionDistribution } from "./policies.js";
export { RolloutBuffer, ReplayBuffer, type RolloutBatch, type ReplayBatch } from "./buffers.js";
export { Monitor, type EpisodeRecord } from "./monitor.js";
export { evaluatePolicy, type EvaluationResult, type EvaluateOptions } from "./evaluation.js";
export { load } from "./load.js";
export { mlp, orthogonalInit, obsToTensor, linearSchedule, type Schedule, type Activation } from "./common.js";
export type { EnvLike } from "./vec-env.js";
export { fromZoo, ZOO, ALGORITHMS as AGENTS, type ZooEntry, type AlgorithmName } from "./zoo.js";
