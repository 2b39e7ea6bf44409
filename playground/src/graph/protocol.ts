/** The messages between the graph page and its worker. */
export type ToWorker = { type: "train"; lr: number; epochs: number } | { type: "pause" } | { type: "reset"; seed: number };

export type FromWorker =
  | { type: "graph"; nodes: number; edges: Int32Array; communities: Int32Array; labelled: number[]; mermaid: string }
  | { type: "update"; epoch: number; loss: number; accuracy: number; embedding: Float32Array; stepsPerSecond: number; done: boolean }
  | { type: "error"; message: string };
