/**
 * `tensorgrad rl train|eval|render`: train an agent with the zoo's settings for its environment and
 * save it with its learning log as one folder (written atomically), evaluate a saved agent over N
 * episodes, or render one of its episodes as an animated SVG.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ValueError } from "../base/errors.js";
import { readableFolder, writeFolderAtomic } from "../io/atomic.js";
import { make, spec } from "../rl/registry.js";
import { framesToSVG, type Scene } from "../rl/render.js";
import { fromZoo } from "../rl/agents/zoo.js";
import { load } from "../rl/agents/load.js";
import { evaluatePolicy } from "../rl/agents/evaluation.js";

const AGENT_FILE = "agent.safetensors";
const SAVED_FILES = new Set([AGENT_FILE, "monitor.csv", "monitor.json", "learning-curve.svg"]);

export interface RlArgs {
  steps?: number;
  seed: number;
  save?: string;
  episodes: number;
  out?: string;
}

export function runRl(sub: string | undefined, positionals: readonly string[], a: RlArgs): void {
  switch (sub) {
    case "train":
      return train(positionals[0], positionals[1], a);
    case "eval":
      return evaluate(agentDir(positionals[0], "eval"), a);
    case "render":
      return render(agentDir(positionals[0], "render"), a);
    default:
      throw new ValueError("rl: use rl train <algorithm> <env-id> | rl eval <dir> | rl render <dir> --out FILE.svg");
  }
}

function agentDir(dir: string | undefined, what: string): string {
  if (!dir) throw new ValueError(`rl ${what}: give the folder of a saved agent (rl train … --save DIR)`);
  const file = path.join(readableFolder(dir), AGENT_FILE);
  if (!existsSync(file)) throw new ValueError(`rl ${what}: ${dir} holds no ${AGENT_FILE} (save one with rl train … --save DIR)`);
  return file;
}

function train(algorithm: string | undefined, envId: string | undefined, a: RlArgs): void {
  if (!algorithm || !envId) throw new ValueError("rl train: give an algorithm and an environment id, e.g. rl train ppo CartPole-v1");
  spec(envId); // an unknown id fails here, naming the registered ones
  const { agent, totalTimesteps } = fromZoo(algorithm, envId, a.seed);
  const steps = a.steps ?? totalTimesteps;
  console.log(`${agent.algorithm} on ${envId}, ${steps} steps, seed ${a.seed}`);
  const start = performance.now();
  agent.learn({ totalTimesteps: steps, progressBar: true });
  const secs = (performance.now() - start) / 1000;
  console.log(`trained in ${secs.toFixed(1)} s (${Math.round(agent.numTimesteps / secs)} steps/s); ${agent.monitor.summary(agent.numTimesteps)}`);
  if (a.save) {
    const enc = new TextEncoder();
    writeFolderAtomic(
      a.save,
      {
        [AGENT_FILE]: agent.serialize(),
        "monitor.csv": [enc.encode(agent.monitor.toCSV())],
        "monitor.json": [enc.encode(JSON.stringify(agent.monitor.toJSON()))],
        "learning-curve.svg": [enc.encode(agent.monitor.toSVG({ title: `${agent.algorithm} on ${envId}` }))],
      },
      (names) => names.every((n) => SAVED_FILES.has(n)),
    );
    console.log(`saved the agent, its episode log and its learning curve to ${a.save}`);
  }
}

function evaluate(file: string, a: RlArgs): void {
  const agent = load(file);
  const envId = readEnvId(file);
  const r = evaluatePolicy(agent, make(envId), { nEvalEpisodes: a.episodes, seed: a.seed });
  const threshold = spec(envId).rewardThreshold;
  console.log(`${agent.algorithm} on ${envId} (${agent.numTimesteps} training steps): mean return ${r.meanReward.toFixed(2)} ± ${r.stdReward.toFixed(2)} over ${a.episodes} episodes (deterministic)`);
  if (threshold !== undefined) console.log(`reward threshold ${threshold}: ${r.meanReward >= threshold ? "solved" : "not solved"}`);
}

function render(file: string, a: RlArgs): void {
  if (!a.out) throw new ValueError("rl render: give --out FILE.svg");
  const agent = load(file);
  const env = make(readEnvId(file), { renderMode: "svg" });
  const scenes: Scene[] = [];
  const grab = () => {
    const u = env.unwrapped as unknown as { scene?: () => Scene };
    if (!u.scene) throw new ValueError(`rl render: ${env.spec?.id} has no picture`);
    scenes.push(u.scene());
  };
  const r = evaluatePolicy(agent, env, { nEvalEpisodes: 1, seed: a.seed, onStep: grab });
  // An animation of at most 500 frames: longer episodes are sampled evenly.
  const stride = Math.max(1, Math.ceil(scenes.length / 500));
  const frames = scenes.filter((_, i) => i % stride === 0);
  writeFileSync(a.out, framesToSVG(frames, Math.max(1, Math.round((env.metadata.renderFps ?? 30) / stride))));
  console.log(`wrote ${frames.length} frames of one episode (return ${r.meanReward.toFixed(2)}, ${r.episodeLengths[0]} steps) to ${a.out}`);
}

function readEnvId(file: string): string {
  // The id is in the safetensors header's metadata (load() read it too).
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as { __metadata__?: { env?: string } };
  const id = header.__metadata__?.env;
  if (!id) throw new ValueError(`rl: ${file} does not name its environment`);
  return id;
}
