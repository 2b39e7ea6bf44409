/**
 * FrozenLake-v1 as Gymnasium builds it: walk from S to G over frozen tiles F without falling into a
 * hole H; on slippery ice the agent moves as intended with probability `successRate` (1/3 by
 * default) and to either side otherwise. Maps "4x4" and "8x8", or any `desc`, or a random valid map.
 */
import { ValueError } from "../../base/errors.js";
import { Generator } from "../../base/rng.js";
import { renderScene, type Frame, type RenderMode, type Scene, type Shape } from "../render.js";
import { DiscreteEnv, type TransitionTable } from "./toy-text.js";

export const MAPS: Readonly<Record<string, readonly string[]>> = {
  "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
  "8x8": ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"],
};

const LEFT = 0, DOWN = 1, RIGHT = 2, UP = 3;

/** Whether G can be reached from the top-left corner without crossing a hole. */
function isValid(board: string[][], size: number): boolean {
  const frontier: [number, number][] = [[0, 0]];
  const seen = new Set<number>();
  while (frontier.length) {
    const [r, c] = frontier.pop()!;
    if (seen.has(r * size + c)) continue;
    seen.add(r * size + c);
    for (const [dr, dc] of [[1, 0], [0, 1], [-1, 0], [0, -1]] as const) {
      const rn = r + dr, cn = c + dc;
      if (rn < 0 || rn >= size || cn < 0 || cn >= size) continue;
      if (board[rn]![cn] === "G") return true;
      if (board[rn]![cn] !== "H") frontier.push([rn, cn]);
    }
  }
  return false;
}

/** A random map with a path from S to G; each tile is frozen with probability p. */
export function generateRandomMap(size = 8, p = 0.8, seed?: number): string[] {
  const rng = new Generator(seed ?? Math.floor(Math.random() * 2 ** 31));
  for (;;) {
    const board = Array.from({ length: size }, () => Array.from({ length: size }, (): string => (rng.random() < Math.min(1, p) ? "F" : "H")));
    board[0]![0] = "S";
    board[size - 1]![size - 1] = "G";
    if (isValid(board, size)) return board.map((row) => row.join(""));
  }
}

export interface FrozenLakeOptions {
  renderMode?: RenderMode;
  desc?: readonly string[];
  mapName?: "4x4" | "8x8" | null;
  isSlippery?: boolean;
  successRate?: number;
  /** Rewards for reaching the goal, a hole, a frozen tile. */
  rewardSchedule?: readonly [number, number, number];
}

export class FrozenLakeEnv extends DiscreteEnv {
  readonly desc: readonly string[];
  readonly nrow: number;
  readonly ncol: number;

  constructor({ renderMode, desc, mapName = "4x4", isSlippery = true, successRate = 1 / 3, rewardSchedule = [1, 0, 0] }: FrozenLakeOptions = {}) {
    const board = desc ?? (mapName === null ? generateRandomMap() : MAPS[mapName]);
    if (!board) throw new ValueError(`FrozenLake: unknown mapName ${String(mapName)}; use "4x4", "8x8", a desc or null for a random map`);
    const nrow = board.length;
    const ncol = board[0]!.length;
    if (board.some((row) => row.length !== ncol || /[^SFHG]/.test(row))) {
      throw new ValueError(`FrozenLake: desc rows must have equal length and hold only S, F, H, G; got ${JSON.stringify(board)}`);
    }
    const failRate = (1 - successRate) / 2;
    const toS = (row: number, col: number) => row * ncol + col;
    const inc = (row: number, col: number, a: number): [number, number] => {
      if (a === LEFT) col = Math.max(col - 1, 0);
      else if (a === DOWN) row = Math.min(row + 1, nrow - 1);
      else if (a === RIGHT) col = Math.min(col + 1, ncol - 1);
      else if (a === UP) row = Math.max(row - 1, 0);
      return [row, col];
    };
    const outcome = (row: number, col: number, a: number): [number, number, boolean] => {
      const [r, c] = inc(row, col, a);
      const letter = board[r]![c]!;
      const reward = rewardSchedule["GHF".indexOf(letter === "S" ? "F" : letter)]!;
      return [toS(r, c), reward, letter === "G" || letter === "H"];
    };
    const P: TransitionTable = [];
    for (let row = 0; row < nrow; row++) {
      for (let col = 0; col < ncol; col++) {
        const s = toS(row, col);
        P[s] = [];
        for (let a = 0; a < 4; a++) {
          const letter = board[row]![col]!;
          if (letter === "G" || letter === "H") P[s]![a] = [[1.0, s, 0, true]];
          else if (isSlippery) P[s]![a] = [(a + 3) % 4, a, (a + 1) % 4].map((b) => [b === a ? successRate : failRate, ...outcome(row, col, b)]);
          else P[s]![a] = [[1.0, ...outcome(row, col, a)]];
        }
      }
    }
    const starts = board.join("").split("").map((ch): number => (ch === "S" ? 1 : 0));
    const nStarts = starts.reduce((a, b) => a + b, 0);
    if (nStarts === 0) throw new ValueError("FrozenLake: the map has no start tile S");
    super(P, starts.map((v) => v / nStarts), "FrozenLake-v1");
    this.desc = board;
    this.nrow = nrow;
    this.ncol = ncol;
    this.metadata = { renderModes: ["ansi", "rgb_array", "svg"], renderFps: 4 };
    this.renderMode = renderMode;
  }

  /** Tiles as coloured squares: ice, holes, start, goal, the agent as a circle. */
  scene(): Scene {
    const cell = Math.min(64, Math.floor(512 / Math.max(this.nrow, this.ncol)));
    const colors: Record<string, readonly [number, number, number]> = { S: [180, 210, 240], F: [200, 230, 250], H: [30, 60, 110], G: [90, 190, 90] };
    const shapes: Shape[] = [];
    this.desc.forEach((row, r) =>
      row.split("").forEach((ch, c) => {
        const x = c * cell, y = r * cell;
        shapes.push({ kind: "polygon", points: [[x + 1, y + 1], [x + cell - 1, y + 1], [x + cell - 1, y + cell - 1], [x + 1, y + cell - 1]], fill: colors[ch]! });
      }),
    );
    const s = this.s ?? 0;
    shapes.push({ kind: "circle", cx: ((s % this.ncol) + 0.5) * cell, cy: (Math.floor(s / this.ncol) + 0.5) * cell, r: cell * 0.3, fill: [220, 60, 60] });
    return { width: cell * this.ncol, height: cell * this.nrow, background: [255, 255, 255], shapes };
  }

  override render(): Frame | undefined {
    if (this.renderMode === "ansi") {
      const s = this.s ?? 0;
      const rows = this.desc.map((row, r) => row.split("").map((ch, c) => (r * this.ncol + c === s ? `[${ch}]` : ch)).join(""));
      const moved = this.lastAction === undefined ? "" : `  (${["Left", "Down", "Right", "Up"][this.lastAction]})\n`;
      return moved + rows.join("\n") + "\n";
    }
    return renderScene(this.scene(), this.renderMode);
  }
}
