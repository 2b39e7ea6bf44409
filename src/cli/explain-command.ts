/**
 * `tensorgrad explain <model-dir> --input inputs.json`: why a saved model decided as it did. Image
 * models get heat maps (SVG, one row per input: the image and its attribution); text models get
 * integrated gradients on their embedding layer, per token, as highlighted HTML.
 */
import type { Tensor } from "../ops/tensor.js";
import { TensorgradError } from "../base/errors.js";
import { noGrad } from "../ops/grad-mode.js";
import type { BaseModel } from "../keras/model.js";
import { Conv2D, Embedding } from "../keras/layers/index.js";
import { IntegratedGradients } from "../explain/integrated-gradients.js";
import { Saliency } from "../explain/gradient.js";
import { Occlusion } from "../explain/perturbation.js";
import { LayerGradCam, LayerIntegratedGradients, interpolateAttribution } from "../explain/layer.js";
import { heatmapsToSVG } from "../viz/heatmap.js";
import { tokensToHTML } from "../viz/attribution-text.js";
import { writeFileAtomic } from "../io/atomic.js";
import { Vocab } from "../data/text/vocab.js";

export const EXPLAIN_METHODS = ["integrated-gradients", "saliency", "occlusion", "gradcam"] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

export interface ExplainOptions {
  method: ExplainMethod;
  /** The class to explain for every input (default: each input's predicted class). */
  target?: number;
  steps: number;
  out: string;
  /** A text model's vocabulary (from recipe.json). */
  vocab?: readonly string[];
}

/** Each input's predicted class (argmax, or the sigmoid unit for one output) and its score. */
function predictions(model: BaseModel, x: Tensor): { classes: number[]; scores: number[]; sigmoid: boolean } {
  const out = noGrad(() => model.call(x, false));
  const sigmoid = out.shape[out.ndim - 1] === 1;
  const rows = out.reshape([x.shape[0]!, -1]).tolist() as number[][];
  const classes = rows.map((r) => (sigmoid ? (r[0]! >= 0.5 ? 1 : 0) : r.indexOf(Math.max(...r))));
  return { classes, scores: rows.map((r, i) => (sigmoid ? r[0]! : r[classes[i]!]!)), sigmoid };
}

export function runExplain(model: BaseModel, x: Tensor, o: ExplainOptions): void {
  const { classes, scores, sigmoid } = predictions(model, x);
  const target = sigmoid ? null : o.target !== undefined ? o.target : classes;
  classes.forEach((c, i) => console.log(`input ${i}: predicted ${sigmoid ? `probability ${scores[i]!.toFixed(4)} (label ${c})` : `class ${c} (${scores[i]!.toFixed(4)})`}${!sigmoid && o.target !== undefined ? `, explaining class ${o.target}` : ""}`));
  if (o.vocab) return explainText(model, x, o, target);
  if (x.ndim !== 4) throw new TensorgradError(`explain: expected image inputs (N, H, W, C) or a text model, got shape [${x.shape.join(", ")}]`);
  const attributions = imageAttributions(model, x, o, target);
  const panels = Array.from({ length: x.shape[0]! }, (_, i) => [
    { image: x.select(0, i).permute([2, 0, 1]), title: `input ${i}: ${classes[i]}` },
    { image: x.select(0, i).permute([2, 0, 1]), heat: attributions.select(0, i).permute([2, 0, 1]), title: o.method },
  ]).flat();
  writeFileAtomic(o.out, [new TextEncoder().encode(heatmapsToSVG(panels, { columns: 2, scale: 5 }))]);
  console.log(`wrote ${o.method} heat maps to ${o.out}`);
}

/** (N, H, W, C) attributions of each input for its target. */
function imageAttributions(model: BaseModel, x: Tensor, o: ExplainOptions, target: number | number[] | null): Tensor {
  switch (o.method) {
    case "saliency":
      return new Saliency(model).attribute(x, { target });
    case "occlusion": {
      const [h, w, c] = x.shape.slice(1) as [number, number, number];
      const side = Math.max(2, Math.round(Math.min(h, w) / 7));
      return new Occlusion(model).attribute(x, { target, slidingWindowShapes: [side, side, c], strides: [Math.max(1, side >> 1), Math.max(1, side >> 1), c], perturbationsPerEval: 16 });
    }
    case "gradcam": {
      const conv = [...model.layers].reverse().find((l) => l instanceof Conv2D);
      if (!conv) throw new TensorgradError("explain: gradcam needs a Conv2D layer; this model has none");
      const cam = new LayerGradCam(model, conv).attribute(x, { target, channelsLast: true, reluAttributions: true });
      return interpolateAttribution(cam, [x.shape[1]!, x.shape[2]!], "bilinear").permute([0, 2, 3, 1]);
    }
    default: {
      const [attr, delta] = new IntegratedGradients(model).attribute(x, { target, nSteps: o.steps, internalBatchSize: 256, returnConvergenceDelta: true });
      console.log(`integrated gradients, ${o.steps} steps: largest |convergence delta| ${Math.max(...Array.from(delta.dataSync(), (v) => Math.abs(Number(v)))).toExponential(2)}`);
      return attr;
    }
  }
}

/** Integrated gradients on the embedding, per token, from an all-padding baseline. */
function explainText(model: BaseModel, x: Tensor, o: ExplainOptions, target: number | number[] | null): void {
  if (o.method !== "integrated-gradients") throw new TensorgradError(`explain: text models are explained with integrated-gradients, not ${o.method}`);
  const embedding = model.layers.find((l) => l instanceof Embedding);
  if (!embedding) throw new TensorgradError("explain: this text model has no Embedding layer");
  const perToken = new LayerIntegratedGradients(model, embedding).attribute(x, { target, baselines: 0, nSteps: o.steps }).sum(2);
  const vocab = new Vocab(o.vocab!);
  const ids = x.tolist() as number[][];
  const scores = perToken.tolist() as number[][];
  const html = ids.map((row, i) => {
    // padSequences pads in front with id 0: the text starts at the first other id.
    const start = Math.max(0, row.findIndex((id) => id !== 0));
    const kept = row.map((id, t) => [id, t] as const).slice(start);
    const tokens = vocab.lookupTokens(kept.map(([id]) => id));
    const s = kept.map(([, t]) => scores[i]![t]!);
    const top = tokens.map((tok, k) => [tok, s[k]!] as const).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 5);
    console.log(`input ${i}: strongest tokens ${top.map(([tok, v]) => `${tok} ${v >= 0 ? "+" : ""}${v.toFixed(3)}`).join(", ")}`);
    return tokensToHTML(tokens, s, { title: `input ${i}` });
  });
  writeFileAtomic(o.out, [new TextEncoder().encode(`<!doctype html>\n<meta charset="utf-8">\n<title>tensorgrad explain</title>\n${html.join("<hr>\n")}`)]);
  console.log(`wrote highlighted tokens to ${o.out}`);
}
