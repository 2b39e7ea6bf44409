/**
 * MountainCar-v0 (three discrete pushes, −1 per step) and MountainCarContinuous-v0 (a force in
 * [−1, 1], +100 at the goal minus 0.1·force²), with Gymnasium's exact dynamics (Moore 1990). The
 * continuous one keeps its state in float32 as Gymnasium does. `state` is [position, velocity].
 */
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../env.js";
import { Box, Discrete, type BoxValue } from "../spaces.js";
import { renderScene, type Frame, type RenderMode, type Scene, type Shape } from "../render.js";
import { resetBounds } from "./reset-bounds.js";

export interface MountainCarOptions {
  renderMode?: RenderMode;
  goalVelocity?: number;
}

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const height = (x: number) => Math.sin(3 * x) * 0.45 + 0.55;
const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** Gymnasium's 600×400 picture: the hill, a flag at the goal, the car tilted along the slope. */
function mountainScene(position: number, goalPosition: number): Scene {
  const width = 600;
  const screenHeight = 400;
  const scale = width / (MAX_POSITION - MIN_POSITION);
  const toScreen = (x: number, y: number): [number, number] => [(x - MIN_POSITION) * scale, screenHeight - y * scale];
  const shapes: Shape[] = [];
  let prev = toScreen(MIN_POSITION, height(MIN_POSITION));
  for (let i = 1; i <= 100; i++) {
    const x = MIN_POSITION + ((MAX_POSITION - MIN_POSITION) * i) / 100;
    const next = toScreen(x, height(x));
    shapes.push({ kind: "line", x1: prev[0], y1: prev[1], x2: next[0], y2: next[1], stroke: [0, 0, 0], width: 2 });
    prev = next;
  }
  const angle = Math.cos(3 * position);
  const clearance = 10;
  const [cx, cy] = toScreen(position, height(position));
  const rot = (px: number, py: number): [number, number] => [
    cx + px * Math.cos(angle) - py * Math.sin(angle),
    cy - clearance - (px * Math.sin(angle) + py * Math.cos(angle)),
  ];
  shapes.push({ kind: "polygon", points: [rot(-20, 0), rot(-20, 20), rot(20, 20), rot(20, 0)], fill: [0, 0, 0] });
  for (const wx of [20 / 2.5, -20 / 2.5]) {
    const [wxs, wys] = rot(wx, 0);
    shapes.push({ kind: "circle", cx: wxs, cy: wys, r: 5, fill: [128, 128, 128] });
  }
  const [fx, fy] = toScreen(goalPosition, height(goalPosition));
  shapes.push({ kind: "line", x1: fx, y1: fy, x2: fx, y2: fy - 50, stroke: [0, 0, 0], width: 1 });
  shapes.push({ kind: "polygon", points: [[fx, fy - 50], [fx, fy - 40], [fx + 25, fy - 45]], fill: [204, 204, 0] });
  return { width, height: screenHeight, background: [255, 255, 255], shapes };
}

/** What both cars share: the track, the start distribution, the picture. */
abstract class MountainCarBase<A> extends Env<BoxValue, A> {
  readonly minPosition = MIN_POSITION;
  readonly maxPosition = MAX_POSITION;
  readonly maxSpeed = MAX_SPEED;
  abstract readonly goalPosition: number;
  readonly goalVelocity: number;
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  /** [position, velocity]. */
  state: number[] | undefined;

  constructor({ renderMode, goalVelocity = 0 }: MountainCarOptions) {
    super();
    this.goalVelocity = goalVelocity;
    this.metadata = { renderModes: ["rgb_array", "svg"], renderFps: 30 };
    this.renderMode = renderMode;
  }

  reset({ seed, options }: ResetOptions = {}): [BoxValue, Info] {
    this.seedRandom(seed);
    const [low, high] = resetBounds(options, -0.6, -0.4);
    this.state = [low + (high - low) * this.npRandom.random(), 0];
    return [Float32Array.from(this.state), {}];
  }

  scene(): Scene {
    return mountainScene(this.state?.[0] ?? -0.5, this.goalPosition);
  }
  override render(): Frame | undefined {
    return renderScene(this.scene(), this.renderMode);
  }
}

export class MountainCarEnv extends MountainCarBase<number> {
  readonly goalPosition = 0.5;
  readonly force = 0.001;
  readonly gravity = 0.0025;
  readonly actionSpace = new Discrete(3);

  constructor(options: MountainCarOptions = {}) {
    super(options);
  }

  step(action: number): StepResult<BoxValue> {
    if (this.state === undefined) throw new ResetNeeded("MountainCar-v0: step called before reset");
    let [position, velocity] = this.state as [number, number];
    velocity += (action - 1) * this.force + Math.cos(3 * position) * -this.gravity;
    velocity = clip(velocity, -this.maxSpeed, this.maxSpeed);
    position += velocity;
    position = clip(position, this.minPosition, this.maxPosition);
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    this.state = [position, velocity];
    return [Float32Array.from(this.state), -1.0, terminated, false, {}];
  }
}

/** The continuous car keeps its state in float32 after a step, as Gymnasium's does. */
export class Continuous_MountainCarEnv extends MountainCarBase<BoxValue> {
  readonly minAction = -1.0;
  readonly maxAction = 1.0;
  readonly goalPosition = 0.45;
  readonly power = 0.0015;
  readonly actionSpace = new Box(-1, 1, [1]);

  constructor(options: MountainCarOptions = {}) {
    super(options);
  }

  step(action: BoxValue): StepResult<BoxValue> {
    if (this.state === undefined) throw new ResetNeeded("MountainCarContinuous-v0: step called before reset");
    const f32 = Math.fround;
    let [position, velocity] = this.state as [number, number];
    const a = f32(action[0]!);
    const force = Math.min(Math.max(a, this.minAction), this.maxAction);
    velocity += force * this.power - 0.0025 * Math.cos(3 * position);
    if (velocity > this.maxSpeed) velocity = this.maxSpeed;
    if (velocity < -this.maxSpeed) velocity = -this.maxSpeed;
    position += velocity;
    if (position > this.maxPosition) position = this.maxPosition;
    if (position < this.minPosition) position = this.minPosition;
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    let reward = terminated ? 100.0 : 0;
    reward -= a * a * 0.1;
    this.state = [f32(position), f32(velocity)];
    return [Float32Array.from(this.state), reward, terminated, false, {}];
  }
}
