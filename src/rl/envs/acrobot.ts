/**
 * Acrobot-v1 with Gymnasium's exact dynamics (Sutton & Barto's "book" equations, one RK4 step of
 * 0.2 s): swing the tip of a two-link chain above the bar. −1 per step, 0 on the terminating one.
 * Observations are [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]; `state` is [θ1, θ2, θ̇1, θ̇2].
 */
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../env.js";
import { Box, Discrete, type BoxValue } from "../spaces.js";
import { renderScene, type Frame, type RenderMode, type Scene } from "../render.js";
import { resetBounds } from "./reset-bounds.js";

export interface AcrobotOptions {
  renderMode?: RenderMode;
}

const PI = Math.PI;
const MAX_VEL_1 = 4 * PI;
const MAX_VEL_2 = 9 * PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0];

/** Wraps x into [m, M] by whole turns (Gymnasium's `wrap`). */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x -= diff;
  while (x < m) x += diff;
  return x;
}
const bound = (x: number, m: number, M: number) => Math.min(Math.max(x, m), M);

/** The equations of motion: d/dt of [θ1, θ2, θ̇1, θ̇2] under torque a on the second joint. */
function dsdt(s: readonly number[], a: number): number[] {
  const m1 = 1.0, m2 = 1.0, l1 = 1.0, lc1 = 0.5, lc2 = 0.5, I1 = 1.0, I2 = 1.0, g = 9.8;
  const [theta1, theta2, dtheta1, dtheta2] = s as [number, number, number, number];
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2];
}

/** One classical Runge–Kutta step of length dt. */
function rk4(y0: readonly number[], a: number, dt: number): number[] {
  const add = (y: readonly number[], k: readonly number[], h: number) => y.map((v, i) => v + h * k[i]!);
  const k1 = dsdt(y0, a);
  const k2 = dsdt(add(y0, k1, dt / 2), a);
  const k3 = dsdt(add(y0, k2, dt / 2), a);
  const k4 = dsdt(add(y0, k3, dt), a);
  return y0.map((v, i) => v + (dt / 6.0) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
}

export class AcrobotEnv extends Env<BoxValue, number> {
  readonly dt = 0.2;
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box([-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2], [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2]);
  state: number[] | undefined;

  constructor({ renderMode }: AcrobotOptions = {}) {
    super();
    this.metadata = { renderModes: ["rgb_array", "svg"], renderFps: 15 };
    this.renderMode = renderMode;
  }

  reset({ seed, options }: ResetOptions = {}): [BoxValue, Info] {
    this.seedRandom(seed);
    const [low, high] = resetBounds(options, -0.1, 0.1);
    // Gymnasium draws the start state in float32.
    this.state = Array.from({ length: 4 }, () => Math.fround(low + (high - low) * this.npRandom.random()));
    return [this.observation(), {}];
  }

  step(action: number): StepResult<BoxValue> {
    if (this.state === undefined) throw new ResetNeeded("Acrobot-v1: step called before reset");
    const ns = rk4(this.state, AVAIL_TORQUE[action]!, this.dt);
    ns[0] = wrap(ns[0]!, -PI, PI);
    ns[1] = wrap(ns[1]!, -PI, PI);
    ns[2] = bound(ns[2]!, -MAX_VEL_1, MAX_VEL_1);
    ns[3] = bound(ns[3]!, -MAX_VEL_2, MAX_VEL_2);
    this.state = ns;
    const terminated = -Math.cos(ns[0]) - Math.cos(ns[1] + ns[0]) > 1.0;
    return [this.observation(), terminated ? 0.0 : -1.0, terminated, false, {}];
  }

  private observation(): Float32Array {
    const [t1, t2, d1, d2] = this.state as [number, number, number, number];
    return Float32Array.of(Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), d1, d2);
  }

  /** Gymnasium's 500×500 picture: two blue links hanging from a pivot, the goal line above. */
  scene(): Scene {
    const size = 500;
    const scale = size / 4.4;
    const off = size / 2;
    const [t1 = 0, t2 = 0] = this.state ?? [];
    const p1: [number, number] = [off + Math.sin(t1) * scale, off + Math.cos(t1) * scale];
    const p2: [number, number] = [p1[0] + Math.sin(t1 + t2) * scale, p1[1] + Math.cos(t1 + t2) * scale];
    const link = (a: [number, number], b: [number, number]) => ({ kind: "line" as const, x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: [0, 204, 204] as const, width: 0.2 * scale });
    return {
      width: size, height: size, background: [255, 255, 255],
      shapes: [
        { kind: "line", x1: off - 2.2 * scale, y1: off - scale, x2: off + 2.2 * scale, y2: off - scale, stroke: [0, 0, 0], width: 1 },
        link([off, off], p1),
        link(p1, p2),
        { kind: "circle", cx: off, cy: off, r: 0.1 * scale, fill: [204, 204, 0] },
        { kind: "circle", cx: p1[0], cy: p1[1], r: 0.1 * scale, fill: [204, 204, 0] },
      ],
    };
  }
  override render(): Frame | undefined {
    return renderScene(this.scene(), this.renderMode);
  }
}
