/**
 * tg.rl's agents, in smoke form (the full learning runs are bench/rl-learning.ts, quoted in the
 * README): each learns something measurable in seconds, saves and loads to identical predictions,
 * obeys its callback, and refuses spaces it cannot handle with a named error.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

const { rl } = tg;

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-rl-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Predictions of an agent on a few fixed observations. */
function probe(agent: tg.rl.Algorithm, obs: unknown[]): string {
  return JSON.stringify(obs.map((o) => { const a = agent.predict(o, { deterministic: true }); return typeof a === "number" ? a : Array.from(a); }));
}

describe("tabular agents", () => {
  test("Q-learning finds the shortest path on FrozenLake without ice; SARSA too; the tables are inspectable", () => {
    for (const Agent of [rl.QLearning, rl.SARSA]) {
      const agent = new Agent(rl.make("FrozenLake-v1", { isSlippery: false }), { learningRate: 0.5, gamma: 0.95, explorationFraction: 0.6, seed: 1 });
      agent.learn({ totalTimesteps: 8000 });
      const result = rl.evaluatePolicy(agent, rl.make("FrozenLake-v1", { isSlippery: false }), { nEvalEpisodes: 5 });
      assert.deepEqual(result.episodeRewards, [1, 1, 1, 1, 1], Agent.name);
      assert.deepEqual(result.episodeLengths, [6, 6, 6, 6, 6], `${Agent.name}: the shortest path is 6 moves`);
      assert.equal(agent.valueTable().length, 16);
      assert.ok(Math.abs(agent.valueTable()[14]! - 1) < 0.05, `${Agent.name}: V(next to the goal) ≈ 1`);
    }
    assert.throws(() => new rl.QLearning("CartPole-v1"), /QLearning: needs Discrete observations and actions, got Box/);
  });
});

describe("deep agents", () => {
  test("PPO learns CartPole beyond chance in 16k steps (SB3 zoo settings)", () => {
    const agent = new rl.PPO("CartPole-v1", { nEnvs: 8, nSteps: 32, batchSize: 256, gaeLambda: 0.8, gamma: 0.98, nEpochs: 20, learningRate: rl.linearSchedule(1e-3, 0), seed: 0 });
    agent.learn({ totalTimesteps: 16000 });
    const first = agent.monitor.episodes.slice(0, 20).reduce((a, e) => a + e.return, 0) / 20;
    assert.ok(agent.monitor.meanReturn(20) > 3 * first, `mean return ${agent.monitor.meanReturn(20)} vs ${first} at the start`);
    assert.ok(Number.isFinite(agent.lastUpdate.approxKl));
  });

  test("every agent saves and loads to identical predictions and stops when its callback says so", () => {
    withTmp((dir) => {
      const cartObs = [Float32Array.of(0, 0, 0.1, 0), Float32Array.of(0.5, -1, -0.1, 1)];
      const penObs = [Float32Array.of(1, 0, 0), Float32Array.of(0, 1, -3)];
      const agents: [tg.rl.Algorithm, unknown[]][] = [
        [new rl.PPO("Pendulum-v1", { nSteps: 64, batchSize: 32, nEpochs: 2, seed: 1 }), penObs],
        [new rl.A2C("CartPole-v1", { nEnvs: 2, seed: 1 }), cartObs],
        [new rl.REINFORCE("CartPole-v1", { nEnvs: 2, nEpisodes: 2, seed: 1 }), cartObs],
        [new rl.DQN("CartPole-v1", { learningStarts: 100, trainFreq: 4, targetUpdateInterval: 50, policyKwargs: { netArch: [32], dueling: true }, doubleQ: true, seed: 1 }), cartObs],
        [new rl.SAC("Pendulum-v1", { learningStarts: 50, batchSize: 32, policyKwargs: { netArch: [16, 16] }, seed: 1 }), penObs],
        [new rl.QLearning("Taxi-v3", { seed: 1 }), [0, 17, 328]],
      ];
      for (const [agent, obs] of agents) {
        let calls = 0;
        agent.learn({ totalTimesteps: 100000, callback: ({ numTimesteps }) => (calls++, numTimesteps < 300) });
        assert.ok(agent.numTimesteps >= 300 && agent.numTimesteps < 310, `${agent.algorithm} stopped at ${agent.numTimesteps}`);
        assert.ok(calls > 0);
        const file = path.join(dir, `${agent.algorithm}.safetensors`);
        agent.save(file);
        const loaded = rl.load(file);
        assert.equal(loaded.algorithm, agent.algorithm);
        assert.equal(loaded.numTimesteps, agent.numTimesteps);
        assert.equal(probe(loaded, obs), probe(agent, obs), `${agent.algorithm}: predictions differ after load`);
      }
      tg.io.saveSafetensors(path.join(dir, "x.safetensors"), { w: tg.ones([1]) });
      assert.throws(() => rl.load(path.join(dir, "x.safetensors")), (e: Error) => e instanceof tg.FormatError && /not a tensorgrad RL agent/.test(e.message));
    });
  });

  test("the agents refuse spaces they cannot handle, naming them", () => {
    assert.throws(() => new rl.DQN("Pendulum-v1"), /DQN: needs a Discrete action space, got Box\(-2, 2, \[1\], float32\)/);
    assert.throws(() => new rl.SAC("CartPole-v1"), /SAC: needs a Box action space, got Discrete\(2\)/);
    assert.throws(() => new rl.PPO(rl.make("CartPole-v1"), { nEnvs: 4 }), /nEnvs = 4 needs an environment id/);
    assert.throws(() => new rl.PPO("CartPole-v1").learn({ totalTimesteps: 0 }), /totalTimesteps must be a positive integer/);
  });

  test("the monitor logs episodes as CSV, JSON and an SVG learning curve; evaluatePolicy takes a function too", () => {
    const agent = new rl.DQN("CartPole-v1", { learningStarts: 10000, seed: 2 });
    agent.learn({ totalTimesteps: 400 });
    const eps = agent.monitor.episodes;
    assert.ok(eps.length > 5);
    assert.equal(eps.reduce((a, e) => a + e.length, 0) <= 400, true);
    assert.match(agent.monitor.toCSV(), /^timestep,return,length\n\d+,\d+,\d+\n/);
    assert.equal(agent.monitor.toJSON().episodes.length, eps.length);
    assert.match(agent.monitor.toSVG({ title: "DQN" }), /^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    const always1 = rl.evaluatePolicy(() => 1, "CartPole-v1", { nEvalEpisodes: 3, seed: 0 });
    assert.ok(always1.meanReward < 20 && always1.episodeLengths.length === 3);
  });
});
