/**
 * tg.rl's Gymnasium API: spaces (sample, contains, seeding), make and the registry, every wrapper,
 * SyncVectorEnv in both autoreset modes, the EnvChecker's typed errors, reproducible resets, and
 * frames as RGB arrays and SVG.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { rl } = tg;

describe("spaces", () => {
  test("sample lies in the space, contains rejects the rest, and seeding repeats the draws", () => {
    const spaces: tg.rl.Space<unknown>[] = [
      new rl.Discrete(5, 3), new rl.Box(-1, 2, [3]), new rl.Box([-Infinity, 0], [Infinity, Infinity]), new rl.Box(0, 4, [2], "int32"),
      new rl.MultiDiscrete([2, 3, 4]), new rl.MultiBinary(6),
      new rl.Tuple([new rl.Discrete(2), new rl.Box(0, 1, [2])]), new rl.Dict({ pos: new rl.Box(-1, 1, [2]), id: new rl.Discrete(3) }),
    ];
    for (const s of spaces) {
      s.seed(42);
      const a = Array.from({ length: 50 }, () => s.sample());
      for (const x of a) assert.ok(s.contains(x), `${s} sampled ${JSON.stringify(x)} outside itself`);
      s.seed(42);
      assert.deepEqual(Array.from({ length: 50 }, () => s.sample()), a, `${s}: same seed, different draws`);
    }
    assert.ok(!new rl.Discrete(5, 3).contains(2) && !new rl.Discrete(5, 3).contains(3.5) && new rl.Discrete(5, 3).contains(7));
    assert.ok(!new rl.Box(-1, 1, [2]).contains(Float32Array.of(0, 1.5)) && !new rl.Box(-1, 1, [2]).contains(Float32Array.of(0)));
    assert.ok(!new rl.Box(-1, 1, [1]).contains(Float32Array.of(NaN)));
    assert.ok(!new rl.MultiBinary(2).contains([0, 2]));
    assert.equal(rl.flatdim(new rl.Dict({ a: new rl.Discrete(3), b: new rl.Box(0, 1, [2, 2]) })), 7);
    assert.throws(() => new rl.Box([0, 1], [1], [2]), /high has 1 values but the shape \[2\] holds 2/);
    assert.throws(() => new rl.Box(1, 0, [1]), /low\[0\] = 1 is above high\[0\] = 0/);
    assert.throws(() => new rl.Discrete(0), /Discrete: n must be a positive integer/);
  });
});

describe("make, the registry and the EnvChecker", () => {
  test("specs carry Gymnasium's limits and thresholds; unknown ids name the registered ones", () => {
    const env = rl.make("CartPole-v1");
    assert.equal(env.spec?.maxEpisodeSteps, 500);
    assert.equal(env.spec?.rewardThreshold, 475);
    assert.ok(env.unwrapped instanceof rl.CartPoleEnv);
    assert.equal(rl.spec("FrozenLake8x8-v1").maxEpisodeSteps, 200);
    assert.throws(() => rl.make("CartPole-v9"), /no environment registered as "CartPole-v9"; registered: CartPole-v1/);
    assert.throws(() => rl.register("CartPole-v1", { entryPoint: () => new rl.CartPoleEnv() }), /already registered/);
  });

  test("the same seed gives the same episode; different seeds differ", () => {
    const run = (seed: number) => {
      const env = rl.make("CartPole-v1");
      const [o0] = env.reset({ seed });
      env.actionSpace.seed(seed);
      const obs = [Array.from(o0 as Float32Array)];
      for (let t = 0; t < 20; t++) {
        const [o, , te, tr] = env.step(env.actionSpace.sample());
        obs.push(Array.from(o as Float32Array));
        if (te || tr) break;
      }
      return obs;
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3)[0], run(4)[0]);
    const [o] = rl.make("CartPole-v1").reset({ seed: 1, options: { low: -0.01, high: 0.01 } });
    assert.ok(Array.from(o as Float32Array).every((v) => Math.abs(v) <= 0.01));
  });

  test("misuse is a typed error naming it: step before reset or after the end, actions outside the space, NaN observations", () => {
    const env = rl.make<Float32Array, number>("CartPole-v1");
    assert.throws(() => env.step(0), (e: Error) => e instanceof rl.ResetNeeded && /CartPole-v1: step called before reset/.test(e.message));
    env.reset({ seed: 0 });
    assert.throws(() => env.step(2), (e: Error) => e instanceof tg.ValueError && /CartPole-v1: action 2 is not in the action space Discrete\(2\)/.test(e.message));
    let done = false;
    while (!done) {
      const [, , te, tr] = env.step(1);
      done = te || tr;
    }
    assert.throws(() => env.step(1), /after the episode ended/);
    assert.throws(() => rl.make("Pendulum-v1").reset({ seed: 0 }) && rl.make("Pendulum-v1").step(Float32Array.of(0)), rl.ResetNeeded);
    const pendulum = rl.make("Pendulum-v1");
    pendulum.reset({ seed: 0 });
    assert.throws(() => pendulum.step(Float32Array.of(3)), /action Float32Array \[3\] is not in the action space Box\(-2, 2, \[1\], float32\)/);

    class Broken extends rl.Env<tg.rl.BoxValue, number> {
      readonly observationSpace = new rl.Box(-1, 1, [2]);
      readonly actionSpace = new rl.Discrete(2);
      reset(): [tg.rl.BoxValue, tg.rl.Info] {
        return [Float32Array.of(0, 0), {}];
      }
      step(): tg.rl.StepResult<tg.rl.BoxValue> {
        return [Float32Array.of(0, NaN), 0, false, false, {}];
      }
    }
    rl.register("Broken-v0", { entryPoint: () => new Broken() });
    const broken = rl.make("Broken-v0");
    broken.reset();
    assert.throws(() => broken.step(0), /Broken-v0: step returned an observation with NaN at index 1/);
  });
});

describe("wrappers", () => {
  test("TimeLimit truncates; RecordEpisodeStatistics reports return and length", () => {
    const env = new rl.RecordEpisodeStatistics(new rl.TimeLimit(new rl.CartPoleEnv(), 7));
    env.reset({ seed: 0 });
    let info: tg.rl.Info = {};
    let steps = 0;
    for (;;) {
      const [, , te, tr, inf] = env.step(steps % 2);
      steps++;
      if (te || tr) {
        info = inf;
        assert.ok(tr && !te);
        break;
      }
    }
    assert.deepEqual({ r: (info.episode as tg.rl.EpisodeStatistics).r, l: (info.episode as tg.rl.EpisodeStatistics).l }, { r: 7, l: 7 });
    assert.deepEqual(env.returnQueue, [7]);
  });

  test("NormalizeObservation and NormalizeReward keep Gymnasium's running statistics", () => {
    const env = new rl.NormalizeObservation(new rl.CartPoleEnv());
    const raw: number[][] = [];
    const inner = env.env as tg.rl.CartPoleEnv;
    const [o0] = env.reset({ seed: 0 });
    raw.push(Array.from(inner.state!, Math.fround));
    let last = o0;
    for (let t = 0; t < 5; t++) {
      [last] = env.step(t % 2);
      raw.push(Array.from(inner.state!, Math.fround));
    }
    // Gymnasium's RunningMeanStd starts with count 1e-4, mean 0, var 1.
    const n = raw.length;
    const mean = raw[0]!.map((_, j) => raw.reduce((a, r) => a + r[j]!, 0) / (n + 1e-4));
    assert.ok(mean.every((m, j) => Math.abs(m - env.obsRms.mean[j]!) < 1e-6), `means ${mean} vs ${Array.from(env.obsRms.mean)}`);
    const expected = raw[n - 1]!.map((v, j) => (v - env.obsRms.mean[j]!) / Math.sqrt(env.obsRms.var[j]! + 1e-8));
    Array.from(last).forEach((v, j) => assert.ok(Math.abs(v - expected[j]!) < 1e-4));
    const rew = new rl.NormalizeReward(new rl.CartPoleEnv(), 0.9);
    rew.reset({ seed: 0 });
    const [, r1] = rew.step(0);
    // After one step the return is 1: mean 1/(1+1e-4)·1, var from 1 → about 1e-4.
    assert.ok(Math.abs(r1 - 1 / Math.sqrt(rew.returnRms.var[0]! + 1e-8)) < 1e-9);
  });

  test("ClipAction, TransformObservation and FrameStackObservation", () => {
    const clipped = new rl.ClipAction(new rl.PendulumEnv());
    clipped.reset({ seed: 0 });
    const inner = clipped.env as tg.rl.PendulumEnv;
    clipped.step(Float32Array.of(10));
    assert.equal(inner.lastU, 2);
    assert.ok(clipped.actionSpace.contains(Float32Array.of(100)));
    const doubled = new rl.TransformObservation(new rl.CartPoleEnv(), (o: tg.rl.BoxValue) => Float32Array.from(o, (v) => 2 * v));
    const [d0] = doubled.reset({ seed: 5 });
    const [c0] = new rl.CartPoleEnv().reset({ seed: 5 });
    assert.deepEqual(Array.from(d0), Array.from(c0, (v) => Math.fround(2 * v)));
    const stacked = new rl.FrameStackObservation(new rl.CartPoleEnv(), 3);
    const [s0] = stacked.reset({ seed: 1 });
    assert.deepEqual(stacked.observationSpace.shape, [3, 4]);
    assert.deepEqual(Array.from(s0.subarray(0, 4)), Array.from(s0.subarray(8, 12)));
    const [s1] = stacked.step(1);
    assert.deepEqual(Array.from(s1.subarray(4, 8)), Array.from(s0.subarray(8, 12)));
    const zero = new rl.FrameStackObservation(new rl.CartPoleEnv(), 2, "zero");
    const [z0] = zero.reset({ seed: 1 });
    assert.deepEqual(Array.from(z0.subarray(0, 4)), [0, 0, 0, 0]);
  });
});

describe("SyncVectorEnv", () => {
  const fns = (k: number) => Array.from({ length: k }, () => () => rl.make("CartPole-v1", { maxEpisodeSteps: 5 }));
  test("nextStep autoreset: the step after an episode ends resets that copy and ignores its action", () => {
    const venv = new rl.SyncVectorEnv(fns(2));
    const [obs] = venv.reset({ seed: 10 });
    assert.equal(obs.length, 8);
    assert.deepEqual(venv.observationSpace.shape, [2, 4]);
    for (let t = 0; t < 4; t++) venv.step([0, 1]);
    const [, r5, , tr5] = venv.step([0, 1]);
    assert.deepEqual(tr5, [true, true]);
    assert.deepEqual(Array.from(r5), [1, 1]);
    const [o6, r6, te6, tr6] = venv.step([0, 1]);
    assert.deepEqual([Array.from(r6), te6, tr6], [[0, 0], [false, false], [false, false]]);
    assert.ok(Array.from(o6).every((v) => Math.abs(v) <= 0.05), "reset observations");
  });
  test("sameStep autoreset: the reset observation at once, the last one in infos[i].finalObs", () => {
    const venv = new rl.SyncVectorEnv(fns(2), { autoresetMode: "sameStep" });
    venv.reset({ seed: 10 });
    for (let t = 0; t < 4; t++) venv.step([0, 1]);
    const [o5, , , tr5, infos] = venv.step([0, 1]);
    assert.deepEqual(tr5, [true, true]);
    assert.ok(infos[0]!.finalObs instanceof Float32Array);
    assert.ok(Array.from(o5).every((v) => Math.abs(v) <= 0.05));
    assert.throws(() => venv.step([0]), /got 1 actions for 2 environments/);
  });
});

describe("rendering", () => {
  test("every classic-control and grid environment renders an RGB array and an SVG", () => {
    for (const id of ["CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1", "Acrobot-v1", "FrozenLake-v1", "CliffWalking-v1", "Taxi-v3"]) {
      const rgbEnv = rl.make(id, { renderMode: "rgb_array" });
      rgbEnv.reset({ seed: 0 });
      const img = rgbEnv.render() as tg.rl.RGBImage;
      assert.equal(img.data.length, img.width * img.height * 3, id);
      const colours = new Set<number>();
      for (let i = 0; i < img.data.length; i += 3 * 7) colours.add((img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!);
      assert.ok(colours.size >= 2, `${id}: a blank frame`);
      const svgEnv = rl.make(id, { renderMode: "svg" });
      svgEnv.reset({ seed: 0 });
      assert.match(svgEnv.render() as string, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\n$/, id);
    }
    const cart = new rl.CartPoleEnv({ renderMode: "rgb_array" });
    cart.reset({ seed: 0 });
    const img = cart.render() as tg.rl.RGBImage;
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 600 + x) * 3, (y * 600 + x) * 3 + 3));
    assert.deepEqual(px(300, 300), [0, 0, 0], "the cart is black at the centre");
    assert.deepEqual(px(5, 5), [255, 255, 255]);
    const lake = rl.make("FrozenLake-v1", { renderMode: "ansi" });
    lake.reset({ seed: 0 });
    assert.equal(lake.render(), "[S]FFF\nFHFH\nFFFH\nHFFG\n");
    assert.match(rl.framesToSVG([cart.scene(), cart.scene()], 50), /<animate attributeName="visibility"/);
  });
});
