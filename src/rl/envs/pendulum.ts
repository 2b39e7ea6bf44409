/**
 * Pendulum-v1 with Gymnasium's exact dynamics: swing a pendulum up and keep it there with a torque
 * in [−2, 2]; the cost is θ² + 0.1·θ̇² + 0.001·u² with θ normalised to [−π, π). Observations are
 * [cos θ, sin θ, θ̇]. `state` is [θ, θ̇]. No termination: the registry truncates at 200 steps.
 */
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../env.js";
import { Box, type BoxValue } from "../spaces.js";
import { renderScene, type Frame, type RenderMode, type Scene } from "../render.js";
import { ValueError } from "../../base/errors.js";

export interface PendulumOptions {
  renderMode?: RenderMode;
  g?: number;
}

/** Python's floored modulo, so negative angles wrap as in Gymnasium's angle_normalize. */
const angleNormalize = (x: number) => {
  const m = 2 * Math.PI;
  return ((((x + Math.PI) % m) + m) % m) - Math.PI;
};

export class PendulumEnv extends Env<BoxValue, BoxValue> {
  readonly maxSpeed = 8;
  readonly maxTorque = 2.0;
  readonly dt = 0.05;
  readonly g: number;
  readonly m = 1.0;
  readonly l = 1.0;
  readonly actionSpace = new Box(-2, 2, [1]);
  readonly observationSpace = new Box([-1, -1, -8], [1, 1, 8]);
  state: number[] | undefined;
  lastU: number | undefined;

  constructor({ renderMode, g = 10.0 }: PendulumOptions = {}) {
    super();
    this.g = g;
    this.metadata = { renderModes: ["rgb_array", "svg"], renderFps: 30 };
    this.renderMode = renderMode;
  }

  step(action: BoxValue): StepResult<BoxValue> {
    if (this.state === undefined) throw new ResetNeeded("Pendulum-v1: step called before reset");
    const [th, thdot] = this.state as [number, number];
    const u = Math.fround(Math.min(Math.max(Math.fround(action[0]!), -this.maxTorque), this.maxTorque));
    this.lastU = u;
    const costs = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + Math.fround(0.001 * Math.fround(u * u));
    let newthdot = thdot + ((3 * this.g) / (2 * this.l) * Math.sin(th) + Math.fround((3.0 / (this.m * this.l ** 2)) * u)) * this.dt; // float32 in Gymnasium (u is)
    newthdot = Math.min(Math.max(newthdot, -this.maxSpeed), this.maxSpeed);
    const newth = th + newthdot * this.dt;
    this.state = [newth, newthdot];
    return [this.observation(), -costs, false, false, {}];
  }

  reset({ seed, options }: ResetOptions = {}): [BoxValue, Info] {
    this.seedRandom(seed);
    const x = options?.xInit ?? options?.x_init ?? Math.PI;
    const y = options?.yInit ?? options?.y_init ?? 1.0;
    if (typeof x !== "number" || typeof y !== "number") throw new ValueError(`Pendulum-v1 reset: xInit and yInit must be numbers`);
    this.state = [-x + 2 * x * this.npRandom.random(), -y + 2 * y * this.npRandom.random()];
    this.lastU = undefined;
    return [this.observation(), {}];
  }

  private observation(): Float32Array {
    const [theta, thetadot] = this.state as [number, number];
    return Float32Array.of(Math.cos(theta), Math.sin(theta), thetadot);
  }

  /** Gymnasium's 500×500 picture: a red rod from the centre, an axle, the last torque as an arc. */
  scene(): Scene {
    const size = 500;
    const scale = size / 4.4;
    const c = size / 2;
    const th = (this.state?.[0] ?? 0) + Math.PI / 2;
    const len = 1 * scale;
    const w = 0.2 * scale;
    const rot = (px: number, py: number): [number, number] => [c + px * Math.cos(th) - py * Math.sin(th), c - (px * Math.sin(th) + py * Math.cos(th))];
    const [ex, ey] = rot(len, 0);
    return {
      width: size, height: size, background: [255, 255, 255],
      shapes: [
        { kind: "polygon", points: [rot(0, -w / 2), rot(0, w / 2), rot(len, w / 2), rot(len, -w / 2)], fill: [204, 77, 77] },
        { kind: "circle", cx: c, cy: c, r: w / 2, fill: [204, 77, 77] },
        { kind: "circle", cx: ex, cy: ey, r: w / 2, fill: [204, 77, 77] },
        { kind: "circle", cx: c, cy: c, r: 0.05 * scale, fill: [0, 0, 0] },
        ...(this.lastU === undefined ? [] : [{ kind: "text" as const, x: 10, y: 24, size: 16, text: `torque ${this.lastU.toFixed(2)}`, fill: [0, 0, 0] as const }]),
      ],
    };
  }
  override render(): Frame | undefined {
    return renderScene(this.scene(), this.renderMode);
  }
}
