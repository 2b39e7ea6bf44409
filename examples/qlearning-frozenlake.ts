/**
 * qlearning-frozenlake: tabular Q-learning on the slippery 4×4 FrozenLake (Gymnasium's FrozenLake-v1),
 * where the ice moves you sideways two times in three; the learned values and greedy policy printed
 * as grids, and the success rate over 1,000 episodes (the optimal policy's is about 74%).
 *
 *   npx tsx examples/qlearning-frozenlake.ts [--steps 300000] [--seed 0]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { rl } = tg;
const { values: args } = parseArgs({ options: { steps: { type: "string", default: "300000" }, seed: { type: "string", default: "0" } } });

const agent = new rl.QLearning("FrozenLake-v1", { learningRate: 0.1, gamma: 0.99, explorationFraction: 0.5, explorationFinalEps: 0.01, seed: Number(args.seed) });
agent.learn({ totalTimesteps: Number(args.steps) });

const lake = rl.MAPS["4x4"]!;
const arrows = "←↓→↑";
const values = agent.valueTable();
const policy = agent.policyTable();
console.log("state values V(s) and the greedy policy (H: hole, G: goal):");
for (let r = 0; r < 4; r++) {
  const v = [0, 1, 2, 3].map((c) => values[r * 4 + c]!.toFixed(2).padStart(5)).join(" ");
  const p = [0, 1, 2, 3].map((c) => (/[HG]/.test(lake[r]![c]!) ? lake[r]![c]! : arrows[policy[r * 4 + c]!])).join(" ");
  console.log(`  ${v}    ${p}`);
}
const result = rl.evaluatePolicy(agent, "FrozenLake-v1", { nEvalEpisodes: 1000, seed: 1000 });
console.log(`success rate ${(100 * result.meanReward).toFixed(1)}% over 1000 episodes (the task counts as solved at 70%)`);
