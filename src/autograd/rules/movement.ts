/** Gradient rules for views and data movement: each sends the gradient back to where it came from. */
import type { Tensor } from "../../ops/tensor.js";
import { apply } from "../../ops/dispatch.js";
import { cat, narrow, permute, reshape, split, unsqueeze } from "../../ops/movement.js";
import { zerosLike } from "../../ops/creation.js";
import { sum } from "../../ops/reduce.js";
import type { RuleTable } from "./types.js";

/** Zero-pads one dim of t. */
function padDim(t: Tensor, dim: number, before: number, after: number): Tensor {
  if (before === 0 && after === 0) return t;
  const pads = t.shape.map((_, i): [number, number] => (i === dim ? [before, after] : [0, 0]));
  return apply("pad", [t], { pads, value: 0 });
}

export const movementRules: RuleTable<"reshape" | "permute" | "expand" | "slice" | "pad" | "cat" | "split"> = {
  reshape: (g, { inputs: [x] }) => [reshape(g, x.shape)],
  permute: (g, { attrs: { dims } }) => {
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => (inverse[d] = i));
    return [permute(g, inverse)];
  },
  expand: (g, { inputs: [x], attrs: { shape } }) => {
    const lead = shape.length - x.ndim;
    const dims = shape.map((_, i) => i).filter((i) => i < lead || (x.shape[i - lead] === 1 && shape[i] !== 1));
    return [reshape(dims.length ? sum(g, dims, true) : g, x.shape)];
  },
  slice: (g, { inputs: [x], attrs: { dim, start, step, length } }) => {
    const size = x.shape[dim]!;
    if (length === 0) return [padDim(g, dim, 0, size)];
    let spread = g;
    if (step > 1) {
      // Put each gradient row at every step-th position: [.., L, ..] → [.., L, step, ..] → [.., L·step, ..].
      spread = padDim(unsqueeze(g, dim + 1), dim + 1, 0, step - 1);
      spread = reshape(spread, g.shape.map((d, i) => (i === dim ? d * step : d)));
      spread = narrow(spread, dim, 0, (length - 1) * step + 1);
    }
    return [padDim(spread, dim, start, size - start - spread.shape[dim]!)];
  },
  pad: (g, { inputs: [x], attrs: { pads } }) => {
    let out = g;
    pads.forEach(([before], d) => {
      if (out.shape[d] !== x.shape[d]) out = narrow(out, d, before, x.shape[d]!);
    });
    return [out];
  },
  cat: (g, { inputs, attrs: { dim } }) => split(g, inputs.map((x) => x.shape[dim]!), dim),
  split: (gs, { outputs, attrs: { dim } }) => [cat(gs.map((g, i) => g ?? zerosLike(outputs[i]!)), dim)],
};
