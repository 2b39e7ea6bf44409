/** The messages between the model-loading page and its worker. */
export type InputKind = "image" | "text" | "numbers";

export type ToWorker =
  | { type: "load"; files: Record<string, Uint8Array> } // a folder's files by name, or one "x.keras"
  | { type: "predict"; input: Float32Array | string | number[] };

export type FromWorker =
  | { type: "loaded"; summary: string; mermaid: string; inputShape: (number | null)[]; outputs: number; kind: InputKind; recipe: string | null }
  | { type: "prediction"; outputs: Float32Array }
  | { type: "error"; message: string };
