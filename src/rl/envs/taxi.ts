/**
 * Taxi (Dietterich 2000) as Gymnasium 1.3 builds it (Taxi-v4; Taxi-v3 is the same world without
 * the rainy and fickle options): a 5×5 grid with walls, four stands R, G, Y, B; pick the passenger
 * up and drop them at the destination. −1 per step, −10 for a wrong pickup or dropoff, +20 on
 * delivery. 500 states: ((row·5 + col)·5 + passenger)·4 + destination.
 */
import { renderScene, type Frame, type RenderMode, type Scene, type Shape } from "../render.js";
import type { Info, ResetOptions, StepResult } from "../env.js";
import { DiscreteEnv, type TransitionTable } from "./toy-text.js";

export const TAXI_MAP = ["+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+"];
const LOCS: readonly (readonly [number, number])[] = [[0, 0], [0, 4], [4, 0], [4, 3]];
const MAX = 4;

export interface TaxiOptions {
  renderMode?: RenderMode;
  isRainy?: boolean;
  ficklePassenger?: boolean;
  rainyProbability?: number;
  fickleProbability?: number;
}

export const encode = (row: number, col: number, pass: number, dest: number) => ((row * 5 + col) * 5 + pass) * 4 + dest;
export function decode(i: number): [row: number, col: number, pass: number, dest: number] {
  const dest = i % 4;
  i = Math.floor(i / 4);
  const pass = i % 5;
  i = Math.floor(i / 5);
  return [Math.floor(i / 5), i % 5, pass, dest];
}
const at = (row: number, col: number) => TAXI_MAP[row]![col]!;
const locIndex = (row: number, col: number) => LOCS.findIndex(([r, c]) => r === row && c === col);

function pickup(row: number, col: number, pass: number): [number, number] {
  return pass < 4 && locIndex(row, col) === pass ? [4, -1] : [pass, -10];
}
function dropoff(row: number, col: number, pass: number, dest: number): [number, number, boolean] {
  if (locIndex(row, col) === dest && pass === 4) return [dest, 20, true];
  if (locIndex(row, col) >= 0 && pass === 4) return [locIndex(row, col), -1, false];
  return [pass, -10, false];
}

function dryTransition(row: number, col: number, pass: number, dest: number, action: number): TransitionTable[number][number] {
  let nr = row, nc = col, np = pass, reward = -1, terminated = false;
  if (action === 0) nr = Math.min(row + 1, MAX);
  else if (action === 1) nr = Math.max(row - 1, 0);
  if (action === 2 && at(1 + row, 2 * col + 2) === ":") nc = Math.min(col + 1, MAX);
  else if (action === 3 && at(1 + row, 2 * col) === ":") nc = Math.max(col - 1, 0);
  else if (action === 4) [np, reward] = pickup(row, col, pass);
  else if (action === 5) [np, reward, terminated] = dropoff(row, col, pass, dest);
  return [[1.0, encode(nr, nc, np, dest), reward, terminated]];
}

/** A lateral drift's landing cell: walls block east/west moves, the border clamps. */
function drift(row: number, col: number, [dr, dc]: readonly [number, number]): [number, number] {
  const nr = Math.max(0, Math.min(row + dr, MAX));
  const nc = Math.max(0, Math.min(col + dc, MAX));
  if (dc === 1 && at(1 + nr, 2 * nc) !== ":") return [row, col];
  if (dc === -1 && at(1 + nr, 2 * nc + 2) !== ":") return [row, col];
  return [nr, nc];
}

function rainyTransition(row: number, col: number, pass: number, dest: number, action: number, pRain: number): TransitionTable[number][number] {
  const moves: Record<number, readonly (readonly [number, number])[]> = {
    0: [[1, 0], [0, 1], [0, -1]],
    1: [[-1, 0], [0, -1], [0, 1]],
    2: [[0, 1], [-1, 0], [1, 0]],
    3: [[0, -1], [1, 0], [-1, 0]],
  };
  let nr = row, nc = col, np = pass, reward = -1, terminated = false;
  let left: [number, number] = [row, col], right: [number, number] = [row, col];
  const canMove =
    (action === 0 && row < MAX) || (action === 1 && row > 0) ||
    (action === 2 && at(1 + row, 2 * col + 2) === ":") || (action === 3 && at(1 + row, 2 * col) === ":");
  if (canMove) {
    const [dr, dc] = moves[action]![0]!;
    nr = Math.max(0, Math.min(row + dr, MAX));
    nc = Math.max(0, Math.min(col + dc, MAX));
    left = drift(row, col, moves[action]![1]!);
    right = drift(row, col, moves[action]![2]!);
  } else if (action === 4) [np, reward] = pickup(row, col, pass);
  else if (action === 5) [np, reward, terminated] = dropoff(row, col, pass, dest);
  const intended = encode(nr, nc, np, dest);
  if (action > 3) return [[1.0, intended, reward, terminated]];
  const lateral = (1.0 - pRain) / 2.0;
  return [
    [pRain, intended, -1, terminated],
    [lateral, encode(left[0], left[1], np, dest), -1, terminated],
    [lateral, encode(right[0], right[1], np, dest), -1, terminated],
  ];
}

export class TaxiEnv extends DiscreteEnv {
  private readonly ficklePassenger: boolean;
  private readonly fickleProbability: number;
  private fickleStep = false;

  constructor({ renderMode, isRainy = false, ficklePassenger = false, rainyProbability = 0.8, fickleProbability = 0.3 }: TaxiOptions = {}) {
    const P: TransitionTable = [];
    const initial = new Array<number>(500).fill(0);
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 5; col++) {
        for (let pass = 0; pass < 5; pass++) {
          for (let dest = 0; dest < 4; dest++) {
            const s = encode(row, col, pass, dest);
            if (pass < 4 && pass !== dest) initial[s]! += 1;
            P[s] = [0, 1, 2, 3, 4, 5].map((a) =>
              isRainy ? rainyTransition(row, col, pass, dest, a, rainyProbability) : dryTransition(row, col, pass, dest, a),
            );
          }
        }
      }
    }
    const total = initial.reduce((a, b) => a + b, 0);
    super(P, initial.map((v) => v / total), "Taxi-v4");
    this.ficklePassenger = ficklePassenger;
    this.fickleProbability = fickleProbability;
    this.metadata = { renderModes: ["ansi", "rgb_array", "svg"], renderFps: 4 };
    this.renderMode = renderMode;
  }

  /** Which of the six actions change something or are legal here (Gymnasium's action_mask). */
  actionMask(state: number): Int8Array {
    const mask = new Int8Array(6);
    const [row, col, pass, dest] = decode(state);
    if (row < 4) mask[0] = 1;
    if (row > 0) mask[1] = 1;
    if (col < 4 && at(row + 1, 2 * col + 2) === ":") mask[2] = 1;
    if (col > 0 && at(row + 1, 2 * col) === ":") mask[3] = 1;
    if (pass < 4 && locIndex(row, col) === pass) mask[4] = 1;
    if (pass === 4 && (locIndex(row, col) === dest || locIndex(row, col) >= 0)) mask[5] = 1;
    return mask;
  }

  override reset(opts: ResetOptions = {}): [number, Info] {
    const [s] = super.reset(opts);
    this.fickleStep = this.ficklePassenger && this.npRandom.random() < this.fickleProbability;
    return [s, { prob: 1.0, actionMask: this.actionMask(s) }];
  }

  override step(action: number): StepResult<number> {
    const before = this.s;
    const [s0, r, t, , info] = super.step(action);
    let s = s0;
    if (before !== undefined && this.ficklePassenger && this.fickleStep) {
      const [shRow, shCol, shPass, shDest] = decode(before);
      const [row, col, pass] = decode(s);
      if (shPass === 4 && (row !== shRow || col !== shCol)) {
        this.fickleStep = false;
        const others = [0, 1, 2, 3].filter((d) => d !== shDest);
        s = encode(row, col, pass, others[this.npRandom.randomInt(others.length)]!);
        this.s = s;
      }
    }
    return [s, r, t, false, { ...info, actionMask: this.actionMask(s) }];
  }

  scene(): Scene {
    const cell = 60;
    const shapes: Shape[] = [];
    const [row, col, pass, dest] = decode(this.s ?? 0);
    const colors = [[255, 0, 0], [0, 255, 0], [255, 255, 0], [0, 0, 255]] as const;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 5; c++) {
        const k = locIndex(r, c);
        const fill = k >= 0 ? colors[k]!.map((v) => Math.round(v * 0.4 + 150)) as unknown as readonly [number, number, number] : ([235, 235, 235] as const);
        shapes.push({ kind: "polygon", points: [[c * cell + 1, r * cell + 1], [(c + 1) * cell - 1, r * cell + 1], [(c + 1) * cell - 1, (r + 1) * cell - 1], [c * cell + 1, (r + 1) * cell - 1]], fill });
        if (c < 4 && at(r + 1, 2 * c + 2) === "|") shapes.push({ kind: "line", x1: (c + 1) * cell, y1: r * cell, x2: (c + 1) * cell, y2: (r + 1) * cell, stroke: [0, 0, 0], width: 4 });
      }
    }
    const [dr, dc] = LOCS[dest]!;
    shapes.push({ kind: "polygon", points: [[dc * cell + 8, dr * cell + 8], [(dc + 1) * cell - 8, dr * cell + 8], [(dc + 1) * cell - 8, (dr + 1) * cell - 8], [dc * cell + 8, (dr + 1) * cell - 8]], fill: colors[dest]! });
    shapes.push({ kind: "polygon", points: [[col * cell + 12, row * cell + 18], [(col + 1) * cell - 12, row * cell + 18], [(col + 1) * cell - 12, (row + 1) * cell - 18], [col * cell + 12, (row + 1) * cell - 18]], fill: pass === 4 ? [0, 160, 0] : [230, 200, 0] });
    if (pass < 4) {
      const [pr, pc] = LOCS[pass]!;
      shapes.push({ kind: "circle", cx: (pc + 0.5) * cell, cy: (pr + 0.5) * cell, r: 10, fill: [120, 60, 160] });
    }
    return { width: 5 * cell, height: 5 * cell, background: [0, 0, 0], shapes };
  }

  override render(): Frame | undefined {
    if (this.renderMode === "ansi") {
      const [row, col, pass, dest] = decode(this.s ?? 0);
      const destination = "RGYB"[dest];
      const lines = TAXI_MAP.map((l) => l.split(""));
      // The taxi is _ (empty) or @ (carrying); the passenger's stand is in lower case.
      lines[1 + row]![2 * col + 1] = pass === 4 ? "@" : "_";
      if (pass < 4) {
        const [pr, pc] = LOCS[pass]!;
        lines[1 + pr]![2 * pc + 1] = lines[1 + pr]![2 * pc + 1]!.toLowerCase();
      }
      return lines.map((l) => l.join("")).join("\n") + `\ndestination ${destination}\n`;
    }
    return renderScene(this.scene(), this.renderMode);
  }
}
