/**
 * CliffWalking-v1 (Sutton & Barto, example 6.6) as Gymnasium builds it: a 4×12 grid, start at the
 * bottom left, goal at the bottom right, the cliff between them sends the agent back to the start
 * with −100; every other step costs −1. Optionally slippery (intended or either side, 1/3 each).
 */
import { renderScene, type Frame, type RenderMode, type Scene, type Shape } from "../render.js";
import { DiscreteEnv, type TransitionTable } from "./toy-text.js";

export interface CliffWalkingOptions {
  renderMode?: RenderMode;
  isSlippery?: boolean;
}

const ROWS = 4, COLS = 12;
const MOVES: readonly (readonly [number, number])[] = [[-1, 0], [0, 1], [1, 0], [0, -1]]; // up, right, down, left
const isCliff = (r: number, c: number) => r === 3 && c >= 1 && c <= 10;

export class CliffWalkingEnv extends DiscreteEnv {
  readonly shape = [ROWS, COLS] as const;
  readonly startStateIndex = 3 * COLS;

  constructor({ renderMode, isSlippery = false }: CliffWalkingOptions = {}) {
    const start = 3 * COLS;
    const P: TransitionTable = [];
    for (let s = 0; s < ROWS * COLS; s++) {
      const r = Math.floor(s / COLS), c = s % COLS;
      P[s] = [0, 1, 2, 3].map((move) => {
        const moves = isSlippery ? [(move + 3) % 4, move, (move + 1) % 4] : [move];
        return moves.map((m) => {
          const nr = Math.min(Math.max(r + MOVES[m]![0], 0), ROWS - 1);
          const nc = Math.min(Math.max(c + MOVES[m]![1], 0), COLS - 1);
          const p = 1 / moves.length;
          if (isCliff(nr, nc)) return [p, start, -100, false];
          return [p, nr * COLS + nc, -1, nr === ROWS - 1 && nc === COLS - 1];
        });
      });
    }
    super(P, Array.from({ length: ROWS * COLS }, (_, s) => (s === start ? 1 : 0)), "CliffWalking-v1");
    this.metadata = { renderModes: ["ansi", "rgb_array", "svg"], renderFps: 4 };
    this.renderMode = renderMode;
  }

  scene(): Scene {
    const cell = 48;
    const shapes: Shape[] = [];
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLS; c++) {
        const x = c * cell, y = r * cell;
        const fill = isCliff(r, c) ? ([60, 40, 30] as const) : r === 3 && c === COLS - 1 ? ([90, 190, 90] as const) : ([225, 235, 225] as const);
        shapes.push({ kind: "polygon", points: [[x + 1, y + 1], [x + cell - 1, y + 1], [x + cell - 1, y + cell - 1], [x + 1, y + cell - 1]], fill });
      }
    }
    const s = this.s ?? this.startStateIndex;
    shapes.push({ kind: "circle", cx: ((s % COLS) + 0.5) * cell, cy: (Math.floor(s / COLS) + 0.5) * cell, r: cell * 0.3, fill: [220, 60, 60] });
    return { width: cell * COLS, height: cell * ROWS, background: [255, 255, 255], shapes };
  }

  override render(): Frame | undefined {
    if (this.renderMode === "ansi") {
      const s = this.s ?? this.startStateIndex;
      let out = "";
      for (let r = 0; r < ROWS; r++) {
        for (let c = 0; c < COLS; c++) out += r * COLS + c === s ? " x " : isCliff(r, c) ? " C " : r === 3 && c === COLS - 1 ? " T " : " o ";
        out += "\n";
      }
      return out + "\n";
    }
    return renderScene(this.scene(), this.renderMode);
  }
}
