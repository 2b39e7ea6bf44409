/**
 * Reinforcement-learning speed, tensorgrad beside its peers in one run:
 * - PPO on CartPole-v1 with rl-baselines3-zoo's settings (8 environments × 32 steps, 20 epochs of
 *   one 256-row minibatch), environment steps per second including the updates, against a
 *   CleanRL-style PyTorch 2.13 script with the same networks and hyper-parameters
 *   (bench/peers/rl_bench.py), at 1 thread and the machine's default;
 * - raw CartPole-v1 steps per second (make(), random actions) against Gymnasium 1.3.
 * PyTorch and Gymnasium come from the peers' virtual environment (tools/peers.sh) or $PEERS_PYTHON.
 *
 *   npm run bench:rl [-- --steps 20000]
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "tensorgrad";
import { median, report, type Row } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf("--steps");
const STEPS = at > 0 ? Number(process.argv[at + 1]) : 20_000;
const ENV_STEPS = 200_000;
const REPS = 3;
const python = process.env.PEERS_PYTHON ?? path.join(here, "..", ".peers-venv", "bin", "python");
const peers = existsSync(python);
if (!peers) console.log("(PyTorch and Gymnasium not available: run tools/peers.sh or set PEERS_PYTHON; skipping them)");
const peer = (...args: string[]) => JSON.parse(execFileSync(python, [path.join(here, "peers", "rl_bench.py"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })) as { stepsPerSec: number; meanReturn?: number; version: string };
const rows: Row[] = [];

function ppoStepsPerSec(): { stepsPerSec: number; meanReturn: number } {
  const agent = new tg.rl.PPO("CartPole-v1", {
    nEnvs: 8, nSteps: 32, batchSize: 256, gaeLambda: 0.8, gamma: 0.98, nEpochs: 20, entCoef: 0,
    learningRate: tg.rl.linearSchedule(1e-3, 0), clipRange: tg.rl.linearSchedule(0.2, 0), seed: 0,
  });
  const t = performance.now();
  agent.learn({ totalTimesteps: STEPS });
  return { stepsPerSec: agent.numTimesteps / ((performance.now() - t) / 1000), meanReturn: agent.monitor.meanReturn() };
}

const defaultThreads = tg.getNumThreads();
for (const threads of [...new Set([1, defaultThreads])]) {
  const work = `PPO CartPole-v1, ${STEPS} steps incl. updates, ${threads} thread${threads > 1 ? "s" : ""}`;
  tg.setNumThreads(threads);
  const ours = Array.from({ length: REPS }, ppoStepsPerSec);
  console.log(`tensorgrad: mean return of the last 100 episodes after ${STEPS} steps ${ours[0]!.meanReturn.toFixed(1)}`);
  rows.push({ workload: work, impl: `tensorgrad ${tg.getBackend().name}`, value: median(ours.map((r) => r.stepsPerSec)), unit: "steps/s", higherIsBetter: true });
  if (peers) {
    const theirs = Array.from({ length: REPS }, () => peer("ppo", String(STEPS), String(threads)));
    console.log(`PyTorch: mean return of the last 100 episodes after ${STEPS} steps ${theirs[0]!.meanReturn?.toFixed(1)}`);
    rows.push({ workload: work, impl: `PyTorch ${theirs[0]!.version} (CleanRL-style)`, value: median(theirs.map((r) => r.stepsPerSec)), unit: "steps/s", higherIsBetter: true });
  }
}
tg.setNumThreads(defaultThreads);

{
  const work = `CartPole-v1 raw steps (make(), random actions), ${ENV_STEPS} steps`;
  const run = () => {
    const env = tg.rl.make("CartPole-v1");
    env.reset({ seed: 0 });
    env.actionSpace.seed(0);
    const t = performance.now();
    for (let i = 0; i < ENV_STEPS; i++) {
      const [, , te, tr] = env.step(env.actionSpace.sample());
      if (te || tr) env.reset();
    }
    return ENV_STEPS / ((performance.now() - t) / 1000);
  };
  run();
  rows.push({ workload: work, impl: "tensorgrad", value: median(Array.from({ length: REPS }, run)), unit: "steps/s", higherIsBetter: true });
  if (peers) rows.push({ workload: work, impl: `Gymnasium ${peer("env", "1000").version}`, value: median(Array.from({ length: REPS }, () => peer("env", String(ENV_STEPS)).stepsPerSec)), unit: "steps/s", higherIsBetter: true });
}
report("rl", rows);
