/** The messages between the 2-D page and its training worker. */
import type { Points } from "./datasets.js";

export interface NetworkSettings {
  hidden: number[];
  activation: "tanh" | "relu" | "gelu" | "sigmoid";
  optimizer: "adam" | "sgd";
  lr: number;
}

export type ToWorker =
  | { type: "build"; settings: NetworkSettings; seed: number }
  | { type: "data"; points: Points }
  | { type: "train" }
  | { type: "pause" };

export type FromWorker =
  | { type: "built"; mermaid: string; parameters: number }
  | { type: "update"; step: number; loss: number; accuracy: number; stepsPerSecond: number; grid: Float32Array; gridSize: number }
  | { type: "error"; message: string };

/** Cells per side of the grid the regions are evaluated on. */
export const GRID = 72;
