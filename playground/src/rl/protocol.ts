/** The messages between the CartPole page and its worker. */
export type ToWorker = { type: "train"; totalTimesteps: number; seed: number; stop: SharedArrayBuffer };

export type FromWorker =
  | { type: "ready"; threads: number }
  | { type: "progress"; timesteps: number; episodes: { timestep: number; return: number }[]; meanReturn: number; stepsPerSecond: number }
  | { type: "episode"; timesteps: number; states: Float64Array; length: number } // [x, ẋ, θ, θ̇] per step
  | { type: "done"; timesteps: number; meanReturn: number; seconds: number }
  | { type: "error"; message: string };
