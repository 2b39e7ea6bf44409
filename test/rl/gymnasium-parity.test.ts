/**
 * tg.rl's environments against Gymnasium 1.3 (test/fixtures/rl.json from tools/make_rl_fixtures.py):
 * from the same start state and the same actions, every observation equal within float32 rounding,
 * every reward, terminated and truncated equal; toy-text transition tables and initial
 * distributions equal exactly; Taxi's action masks equal.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { readFixture } from "../helpers.js";

const { rl } = tg;

interface Step {
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
}
interface Trajectory {
  id: string;
  start: number[];
  actions: (number | number[])[];
  maxEpisodeSteps: number | null;
  kwargs: Record<string, unknown>;
  steps: Step[];
}
interface Table {
  id: string;
  kwargs: Record<string, unknown>;
  P: [number, number, number, boolean][][][];
  initial: number[];
}
interface Fixture {
  classic: Trajectory[];
  tables: Table[];
  taxiMasks: number[][];
}

const fx = readFixture<Fixture>("rl.json");
const camel = (kwargs: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

/** Within float32 rounding of the value, or a tiny absolute slack near zero. */
function close32(actual: number, expected: number, what: string): void {
  const tol = 4 * 2 ** -24 * Math.max(Math.abs(expected), 1e-3) + 1e-7;
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected}`);
}

describe("classic control matches Gymnasium 1.3 step by step", () => {
  for (const [n, tr] of fx.classic.entries()) {
    test(`${tr.id} #${n} (${tr.steps.length} steps${tr.maxEpisodeSteps ? `, limit ${tr.maxEpisodeSteps}` : ""})`, () => {
      const env = rl.make(tr.id, { disableEnvChecker: true, ...camel(tr.kwargs), ...(tr.maxEpisodeSteps ? { maxEpisodeSteps: tr.maxEpisodeSteps } : {}) });
      env.reset({ seed: 0 });
      (env.unwrapped as unknown as { state: number[] }).state = tr.start.slice();
      tr.steps.forEach((expected, t) => {
        const a = tr.actions[t]!;
        const [obs, reward, terminated, truncated] = env.step(typeof a === "number" ? a : Float32Array.from(a));
        const o = Array.from(obs as ArrayLike<number>);
        assert.equal(o.length, expected.obs.length);
        o.forEach((v, i) => close32(v, expected.obs[i]!, `step ${t} obs[${i}]`));
        close32(reward, expected.reward, `step ${t} reward`);
        assert.equal(terminated, expected.terminated, `step ${t} terminated`);
        assert.equal(truncated, expected.truncated, `step ${t} truncated`);
      });
    });
  }
});

describe("toy text transition tables equal Gymnasium's exactly", () => {
  for (const tb of fx.tables) {
    test(`${tb.id} ${JSON.stringify(tb.kwargs)}`, () => {
      const env = rl.make(tb.id, camel(tb.kwargs)).unwrapped as tg.rl.DiscreteEnv;
      assert.deepEqual(env.P, tb.P);
      assert.deepEqual(Array.from(env.initialStateDistrib), tb.initial);
    });
  }
  test("Taxi's action masks", () => {
    const taxi = new rl.TaxiEnv();
    fx.taxiMasks.forEach((mask, s) => assert.deepEqual(Array.from(taxi.actionMask(s)), mask, `state ${s}`));
  });
});
