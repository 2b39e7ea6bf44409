/**
 * ppo-cartpole: PPO balances the pole (Gymnasium's CartPole-v1) with rl-baselines3-zoo's settings —
 * 8 environments × 32 steps, 20 epochs, learning rate and clip range annealed — then 100 evaluation
 * episodes with deterministic actions, the learning curve as an SVG and one episode as an animated SVG.
 *
 *   npx tsx examples/ppo-cartpole.ts [--steps 100000] [--seed 0] [--out cartpole]
 *   (writes cartpole-learning-curve.svg and cartpole-episode.svg)
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { rl } = tg;
const { values: args } = parseArgs({ options: { steps: { type: "string", default: "100000" }, seed: { type: "string", default: "0" }, out: { type: "string", default: "cartpole" } } });

const agent = new rl.PPO("CartPole-v1", {
  nEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, entCoef: 0,
  learningRate: rl.linearSchedule(1e-3, 0), clipRange: rl.linearSchedule(0.2, 0), seed: Number(args.seed),
});
agent.learn({ totalTimesteps: Number(args.steps), progressBar: true });

const result = rl.evaluatePolicy(agent, "CartPole-v1", { nEvalEpisodes: 100, seed: 1000 });
console.log(`evaluation: mean return ${result.meanReward.toFixed(1)} ± ${result.stdReward.toFixed(1)} over 100 episodes (solved at 475)`);
writeFileSync(`${args.out}-learning-curve.svg`, agent.monitor.toSVG({ title: "PPO on CartPole-v1" }));

// One episode, frame by frame, as an animation that plays in any browser.
const env = rl.make("CartPole-v1", { renderMode: "svg" });
const cart = env.unwrapped as tg.rl.CartPoleEnv;
const frames = [];
let [obs] = env.reset({ seed: 7 });
for (let done = false; !done; ) {
  frames.push(cart.scene());
  const [next, , terminated, truncated] = env.step(agent.predict(obs, { deterministic: true }));
  obs = next;
  done = terminated || truncated;
}
writeFileSync(`${args.out}-episode.svg`, rl.framesToSVG(frames, 50));
console.log(`wrote ${args.out}-learning-curve.svg and ${args.out}-episode.svg (${frames.length} frames)`);
