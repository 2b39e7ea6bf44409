/** tg.cluster.rl — clustering guided by reinforcement learning: the environment and its generated tasks. */
export { ClusteringEnv, SPLIT, STOP, type ClusteringEnvOptions, type ClusteringReward } from "./env.js";
export { generateTask, standardize, type ClusteringTask, type TaskOptions } from "./tasks.js";
