/** The messages between the text page and its worker. */
export type ToWorker =
  | { type: "init"; textUrl: string }
  | { type: "train"; iters: number }
  | { type: "pause" }
  | { type: "generate"; prompt: string; tokens: number; temperature: number };

export type FromWorker =
  | { type: "ready"; characters: number; vocabulary: number; parameters: number; mermaid: string; config: string }
  | { type: "progress"; iter: number; loss: number; valLoss?: number; stepsPerSecond: number; done: boolean }
  | { type: "token"; text: string }
  | { type: "generated"; tokens: number; seconds: number }
  | { type: "error"; message: string };
