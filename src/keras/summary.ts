/** model.summary(): Keras' table of layers, output shapes and parameter counts. */
import type { Layer, Shape } from "./layer.js";

interface Summarizable {
  readonly name: string;
  readonly layers: readonly Layer[];
  /** Each layer's output shape, in the order of `layers` (null where not yet known). */
  layerOutputShapes(): (Shape | null)[];
}

const fmt = (n: number) => n.toLocaleString("en-US");
const shapeText = (s: Shape) => `(None, ${s.map((d) => (d === null ? "None" : String(d))).join(", ")})`;

export function summarize(model: Summarizable): string {
  const widths = [29, 26, 10];
  // Every cell keeps at least one space before the next column, as Keras' table does.
  const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? `${c.padEnd(widths[i]! - 1)} ` : c)).join("").trimEnd();
  const rule = (ch: string) => ch.repeat(65);
  const rows: string[] = [`Model: "${model.name}"`, rule("_"), line([" Layer (type)", "Output Shape", "Param #"]), rule("=")];
  const shapes = model.layerOutputShapes();
  let total = 0;
  let trainable = 0;
  for (const [i, layer] of model.layers.entries()) {
    const shape = shapes[i] ?? null;
    const params = layer.countParams();
    total += params;
    trainable += layer.countTrainableParams();
    rows.push(line([` ${layer.name} (${layer.constructor.name})`, shape ? shapeText(shape) : "(unknown)", fmt(params)]));
    rows.push("");
  }
  rows.pop();
  rows.push(rule("="), `Total params: ${fmt(total)}`, `Trainable params: ${fmt(trainable)}`, `Non-trainable params: ${fmt(total - trainable)}`, rule("_"));
  return rows.join("\n");
}
