/** PyG's initialisers where they differ from torch.nn.init's. */
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { uniform_ } from "../../nn/init.js";

/** U(±√(6 / (rows + cols))) over the last two dims (PyG's glorot, also for [1, heads, channels] attention vectors). */
export function glorot_(t: Tensor): Tensor {
  const a = Math.sqrt(6 / (t.shape[t.ndim - 2]! + t.shape[t.ndim - 1]!));
  return noGrad(() => uniform_(t, -a, a));
}
