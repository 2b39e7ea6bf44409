/** The messages between the MNIST page and its worker. */
export interface LayerActivation {
  name: string;
  channels: number;
  height: number;
  width: number;
  values: Float32Array; // channels × height × width (a dense layer: 1 × 1 × width)
}

export type ToWorker =
  | { type: "init"; dataUrl: string }
  | { type: "train"; epochs: number; lr: number }
  | { type: "pause" }
  | { type: "look"; pixels: Float32Array }; // 28×28 in [0, 1], white digit on black

export type FromWorker =
  | { type: "ready"; train: number; test: number; mermaid: string; parameters: number; threads: number }
  | { type: "progress"; step: number; epoch: number; loss: number; stepsPerSecond: number; testAccuracy?: number; done: boolean }
  | { type: "filters"; weights: Float32Array; count: number; size: number }
  | { type: "look"; probabilities: Float32Array; activations: LayerActivation[]; saliency: Float32Array }
  | { type: "error"; message: string };
