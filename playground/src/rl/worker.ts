/**
 * Trains PPO on CartPole-v1 with rl-zoo's settings (tg.rl.fromZoo). `learn` runs to the end in one
 * call, as in Stable-Baselines3 (its learning-rate schedule spans the whole run), so the page stops
 * it through a shared flag that the callback reads; twice a second the callback reports the new
 * episodes and lets the current policy play one episode for the page to animate.
 */
import * as tg from "tensorgrad";
import { reportErrors } from "../common/worker-loop.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
// A 64-unit policy on 8 environments: one thread is fastest.
tg.setNumThreads(1);

/** One deterministic episode of the agent's policy: the states it went through. */
function playEpisode(agent: tg.rl.Algorithm, env: tg.rl.Env<tg.rl.BoxValue, number>, seed: number): { states: Float64Array; length: number } {
  const states: number[] = [];
  let [obs] = env.reset({ seed });
  for (let t = 0; t < 500; t++) {
    states.push(...(obs as Float32Array));
    const step = env.step(agent.predict(obs, { deterministic: true }) as number);
    obs = step[0];
    if (step[2] || step[3]) break;
  }
  return { states: Float64Array.from(states), length: states.length / 4 };
}

onmessage = (e: MessageEvent<ToWorker>) => {
  const { totalTimesteps, seed, stop } = e.data;
  const flag = new Int32Array(stop);
  const { agent } = tg.rl.fromZoo("ppo", "CartPole-v1", seed);
  const env = tg.rl.make("CartPole-v1") as tg.rl.Env<tg.rl.BoxValue, number>;
  const t0 = performance.now();
  let lastReport = t0;
  let reported = 0;
  let lastSteps = 0;
  let episodeSeed = 1000;
  const report = (numTimesteps: number) => {
    const now = performance.now();
    const episodes = agent.monitor.episodes.slice(reported).map((ep) => ({ timestep: ep.timestep, return: ep.return }));
    reported += episodes.length;
    post({ type: "progress", timesteps: numTimesteps, episodes, meanReturn: agent.monitor.meanReturn(20), stepsPerSecond: ((numTimesteps - lastSteps) * 1000) / (now - lastReport) });
    const { states, length } = tg.noGrad(() => playEpisode(agent, env, episodeSeed++));
    post({ type: "episode", timesteps: numTimesteps, states, length }, [states.buffer]);
    lastReport = performance.now();
    lastSteps = numTimesteps;
  };
  agent.learn({
    totalTimesteps,
    callback: ({ numTimesteps }) => {
      if (performance.now() - lastReport > 500) report(numTimesteps);
      return Atomics.load(flag, 0) === 0;
    },
  });
  report(agent.numTimesteps);
  post({ type: "done", timesteps: agent.numTimesteps, meanReturn: agent.monitor.meanReturn(20), seconds: (performance.now() - t0) / 1000 });
};
post({ type: "ready", threads: tg.getNumThreads() });
