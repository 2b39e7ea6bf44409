/**
 * The learning targets of tg.rl, several seeds each, with the zoo's settings (src/rl/agents/zoo.ts):
 * after training, the mean return over 100 deterministic evaluation episodes (seeded) per seed, and
 * the median over seeds against the target. Long: minutes per seed; the tests run smoke versions.
 *
 *   npx tsx bench/rl-learning.ts ppo CartPole-v1 [--seeds 0,1,2,3,4] [--steps N] [--target 475]
 *
 * Writes bench/results/rl-learning-<algorithm>-<env>.json (-seeds-… added when --seeds is given, so
 * runs of other seeds in parallel processes do not overwrite each other).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
import { median } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const [algorithm, envId] = process.argv.slice(2);
if (!algorithm || !envId) throw new Error("usage: rl-learning.ts <algorithm> <env-id> [--seeds 0,1,2] [--steps N] [--target R] [--episodes 100]");
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const seeds = (flag("seeds") ?? "0,1,2,3,4").split(",").map(Number);
const episodes = Number(flag("episodes") ?? 100);
const target = flag("target") === undefined ? tg.rl.spec(envId).rewardThreshold : Number(flag("target"));
const runs: { seed: number; steps: number; seconds: number; meanReturn: number; stdReturn: number; trainingMeanReturn: number }[] = [];
for (const seed of seeds) {
  const { agent, totalTimesteps } = tg.rl.fromZoo(algorithm, envId, seed);
  const steps = flag("steps") === undefined ? totalTimesteps : Number(flag("steps"));
  const t = performance.now();
  agent.learn({ totalTimesteps: steps });
  const seconds = (performance.now() - t) / 1000;
  const r = tg.rl.evaluatePolicy(agent, envId, { nEvalEpisodes: episodes, seed: 10_000 });
  runs.push({ seed, steps: agent.numTimesteps, seconds, meanReturn: r.meanReward, stdReturn: r.stdReward, trainingMeanReturn: agent.monitor.meanReturn() });
  console.log(`${agent.algorithm} ${envId} seed ${seed}: ${agent.numTimesteps} steps in ${seconds.toFixed(0)} s; evaluation mean return ${r.meanReward.toFixed(2)} ± ${r.stdReward.toFixed(2)} over ${episodes} episodes (training, last 100: ${agent.monitor.meanReturn().toFixed(2)})`);
}
const med = median(runs.map((r) => r.meanReturn));
const solved = runs.filter((r) => target !== undefined && r.meanReturn >= target).length;
console.log(`median evaluation return over ${seeds.length} seeds: ${med.toFixed(2)}${target === undefined ? "" : `; target ${target}: ${med >= target ? "met" : "missed"} (${solved}/${seeds.length} seeds at or above it)`}`);
mkdirSync(path.join(here, "results"), { recursive: true });
const suffix = flag("seeds") === undefined ? "" : `-seeds-${seeds.join("_")}`;
writeFileSync(path.join(here, "results", `rl-learning-${algorithm.toLowerCase()}-${envId}${suffix}.json`), `${JSON.stringify({ algorithm, envId, target, episodes, median: med, runs }, null, 1)}\n`);
