/**
 * CartPole-v1 with Gymnasium's exact dynamics (Barto, Sutton & Anderson 1983): Euler integration
 * in float64, observations rounded to float32, +1 per step including the terminating one, an
 * episode ends when |x| > 2.4 or |θ| > 12°. `state` is the float64 state, settable as Gymnasium's
 * `env.unwrapped.state`.
 */
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../env.js";
import { Box, Discrete, type BoxValue } from "../spaces.js";
import { renderScene, type Frame, type RenderMode, type Scene } from "../render.js";
import { resetBounds } from "./reset-bounds.js";

export interface CartPoleOptions {
  renderMode?: RenderMode;
  /** Sutton & Barto's reward: 0 per step, −1 on failure. */
  suttonBartoReward?: boolean;
}

export class CartPoleEnv extends Env<BoxValue, number> {
  readonly gravity = 9.8;
  readonly massCart = 1.0;
  readonly massPole = 0.1;
  readonly totalMass = this.massPole + this.massCart;
  readonly length = 0.5; // half the pole's length
  readonly poleMassLength = this.massPole * this.length;
  readonly forceMag = 10.0;
  readonly tau = 0.02; // seconds between state updates
  readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  readonly xThreshold = 2.4;
  readonly actionSpace = new Discrete(2);
  readonly observationSpace: Box;
  /** [x, ẋ, θ, θ̇] in float64. */
  state: number[] | undefined;
  private stepsBeyondTerminated: number | undefined;
  private readonly suttonBartoReward: boolean;

  constructor({ renderMode, suttonBartoReward = false }: CartPoleOptions = {}) {
    super();
    const high = [this.xThreshold * 2, Infinity, this.thetaThresholdRadians * 2, Infinity];
    this.observationSpace = new Box(high.map((h) => -h), high);
    this.metadata = { renderModes: ["rgb_array", "svg"], renderFps: 50 };
    this.renderMode = renderMode;
    this.suttonBartoReward = suttonBartoReward;
  }

  step(action: number): StepResult<BoxValue> {
    if (this.state === undefined) throw new ResetNeeded("CartPole-v1: step called before reset");
    let [x, xDot, theta, thetaDot] = this.state as [number, number, number, number];
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + this.poleMassLength * thetaDot * thetaDot * sin) / this.totalMass;
    const thetaAcc =
      (this.gravity * sin - cos * temp) / (this.length * (4.0 / 3.0 - (this.massPole * cos * cos) / this.totalMass));
    const xAcc = temp - (this.poleMassLength * thetaAcc * cos) / this.totalMass;
    x = x + this.tau * xDot;
    xDot = xDot + this.tau * xAcc;
    theta = theta + this.tau * thetaDot;
    thetaDot = thetaDot + this.tau * thetaAcc;
    this.state = [x, xDot, theta, thetaDot];

    const terminated =
      x < -this.xThreshold || x > this.xThreshold || theta < -this.thetaThresholdRadians || theta > this.thetaThresholdRadians;
    let reward: number;
    if (!terminated) reward = this.suttonBartoReward ? 0 : 1;
    else if (this.stepsBeyondTerminated === undefined) {
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBartoReward ? -1 : 1;
    } else {
      this.stepsBeyondTerminated++;
      reward = this.suttonBartoReward ? -1 : 0;
    }
    return [Float32Array.from(this.state), reward, terminated, false, {}];
  }

  reset({ seed, options }: ResetOptions = {}): [BoxValue, Info] {
    this.seedRandom(seed);
    const [low, high] = resetBounds(options, -0.05, 0.05);
    this.state = Array.from({ length: 4 }, () => low + (high - low) * this.npRandom.random());
    this.stepsBeyondTerminated = undefined;
    return [Float32Array.from(this.state), {}];
  }

  /** Gymnasium's 600×400 picture: a black cart on a track, a brown pole, a blue axle. */
  scene(): Scene {
    const width = 600;
    const height = 400;
    const scale = width / (this.xThreshold * 2);
    const poleWidth = 10;
    const poleLen = scale * (2 * this.length);
    const [x = 0, , theta = 0] = this.state ?? [];
    const cartX = x * scale + width / 2;
    const cartY = height - 100; // pygame draws with y up, then flips
    const axleY = cartY - 30 / 4;
    const rot = (px: number, py: number): [number, number] => [
      cartX + px * Math.cos(theta) + py * Math.sin(theta),
      axleY - (-px * Math.sin(theta) + py * Math.cos(theta)),
    ];
    const l = -poleWidth / 2;
    const r = poleWidth / 2;
    const t = poleLen - poleWidth / 2;
    const b = -poleWidth / 2;
    return {
      width, height, background: [255, 255, 255],
      shapes: [
        { kind: "line", x1: 0, y1: cartY, x2: width, y2: cartY, stroke: [0, 0, 0], width: 1 },
        { kind: "polygon", points: [[cartX - 25, cartY + 15], [cartX - 25, cartY - 15], [cartX + 25, cartY - 15], [cartX + 25, cartY + 15]], fill: [0, 0, 0] },
        { kind: "polygon", points: [rot(l, b), rot(l, t), rot(r, t), rot(r, b)], fill: [202, 152, 101] },
        { kind: "circle", cx: cartX, cy: axleY, r: poleWidth / 2, fill: [129, 132, 203] },
      ],
    };
  }

  override render(): Frame | undefined {
    return renderScene(this.scene(), this.renderMode);
  }
}
