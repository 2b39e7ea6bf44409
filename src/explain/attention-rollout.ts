/**
 * Attention rollout (Abnar & Zuidema 2020): how much each output position draws on each input token
 * through a Transformer encoder's stacked self-attention. Each layer's attention, fused over heads,
 * gets the residual connection's identity added and its rows renormalised; the layers' matrices
 * are multiplied from the first to the last.
 */
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { TensorgradError, ValueError } from "../base/errors.js";
import type { RemovableHandle } from "../base/hooks.js";
import { eye } from "../ops/creation.js";
import { MultiheadAttention } from "../nn/layers/attention.js";
import type { Module } from "../nn/module.js";
import type { MhaForwardOptions } from "../nn/layers/attention.js";

export interface AttentionRolloutOptions {
  /** How a layer's heads are fused: their mean (default), max or min. */
  headFusion?: "mean" | "max" | "min";
  /** Further arguments to the model's forward (a padding mask, …). */
  additionalForwardArgs?: readonly unknown[];
}

/**
 * Each self-attention layer's weights (N, heads, L, L) on one forward pass, in the order the layers
 * ran: every MultiheadAttention whose query is its key is asked for per-head weights.
 */
export function attentionMaps(model: Module, inputs: Tensor, additionalForwardArgs: readonly unknown[] = []): Tensor[] {
  const maps: Tensor[] = [];
  const handles: RemovableHandle[] = [];
  for (const m of model.modules()) {
    if (!(m instanceof MultiheadAttention)) continue;
    handles.push(m.registerForwardPreHook((_m, [q, k, v, opts]) => (q === k ? [q, k, v, { ...(opts as MhaForwardOptions), needWeights: true, averageAttnWeights: false }] : undefined)));
    handles.push(m.registerForwardHook((_m, [q, k], out: [Tensor, Tensor | null]) => {
      if (q === k && out[1]) maps.push(out[1].detach());
    }));
  }
  try {
    noGrad(() => model.forward(inputs, ...additionalForwardArgs));
  } finally {
    for (const h of handles) h.remove();
  }
  if (!maps.length) throw new TensorgradError("attentionRollout: the model ran no self-attention (nn.MultiheadAttention with query = key)");
  return maps;
}

/** The rolled-out attention (N, L, L): row i gives how much position i draws on each input token. */
export function attentionRollout(model: Module, inputs: Tensor, options: AttentionRolloutOptions = {}): Tensor {
  const { headFusion = "mean" } = options;
  if (!["mean", "max", "min"].includes(headFusion)) throw new ValueError(`attentionRollout: headFusion must be mean, max or min, got '${headFusion}'`);
  const maps = attentionMaps(model, inputs, options.additionalForwardArgs);
  return noGrad(() => {
    let rollout: Tensor | null = null;
    for (const w of maps) {
      const fused = headFusion === "mean" ? w.mean(1) : headFusion === "max" ? w.amax(1) : w.amin(1); // (N, L, L)
      const withResidual = fused.add(eye(fused.shape[1]!, undefined, { dtype: fused.dtype, device: fused.backend }));
      const a = withResidual.div(withResidual.sum(-1, true));
      rollout = rollout ? a.matmul(rollout) : a;
    }
    return rollout!;
  });
}
