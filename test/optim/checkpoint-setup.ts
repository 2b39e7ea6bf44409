/** Shared by the resume test and its worker process: a model, data, training steps, checkpoints as JSON. */
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const { nn, optim } = tg;

export function setup() {
  tg.manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05, amsgrad: true, weightDecay: 0.01 });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, 2, 0.5);
  const x = tg.randn([16, 4]);
  const y = tg.randint(0, 3, [16]);
  const step = () => {
    optimizer.zeroGrad();
    nn.functional.crossEntropy(model.forward(x), y).backward();
    optimizer.step();
    scheduler.step();
  };
  return { model, optimizer, scheduler, step };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isTensor = (v: unknown): v is Tensor => v instanceof tg.Tensor;

/** Tensors become {shape, dtype, data}; float32 values survive JSON exactly. */
export function toJson(v: unknown): Json {
  if (isTensor(v)) return { __tensor: true, shape: [...v.shape], dtype: v.dtype, data: Array.from(v.dataSync()) };
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v as Json;
}

export function fromJson(v: Json): unknown {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v && typeof v === "object") {
    if (v.__tensor) return tg.tensor(v.data as number[], { shape: v.shape as number[], dtype: v.dtype as tg.DType });
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
  }
  return v;
}

export function flatParams(model: tg.nn.Module): number[] {
  return model.parameters().flatMap((p) => Array.from(p.dataSync()));
}
