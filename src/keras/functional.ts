/**
 * The functional API: `new keras.Model({inputs, outputs})` over a graph of layers applied to
 * symbolic tensors, so residual connections and several inputs are possible.
 */
import { ShapeError, ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { KerasTensor, type Layer, type Shape } from "./layer.js";
import { BaseModel } from "./model.js";

export class Model extends BaseModel {
  readonly inputs: KerasTensor[];
  readonly outputs: KerasTensor[];
  /** Every symbolic tensor made by a layer, in an order where inputs come first. */
  private readonly nodes: KerasTensor[] = [];
  readonly layers: Layer[] = [];

  constructor({ inputs, outputs, name }: { inputs: KerasTensor | KerasTensor[]; outputs: KerasTensor | KerasTensor[]; name?: string }) {
    super(name ? { name } : {});
    this.inputs = Array.isArray(inputs) ? inputs : [inputs];
    this.outputs = Array.isArray(outputs) ? outputs : [outputs];
    const seen = new Set<KerasTensor>();
    const visit = (t: KerasTensor) => {
      if (seen.has(t)) return;
      seen.add(t);
      if (!t.layer) {
        if (!this.inputs.includes(t)) throw new ValueError(`Model: the graph reaches an input '${t.name}' that is not among the model's inputs`);
        return;
      }
      t.inputs.forEach(visit);
      this.nodes.push(t);
      if (!this.layers.includes(t.layer)) {
        if (this.layers.some((l) => l.name === t.layer!.name)) throw new ValueError(`Model: two layers are named '${t.layer.name}'`);
        this.layers.push(t.layer);
        this.track(t.layer);
      }
    };
    this.outputs.forEach(visit);
  }

  get name(): string {
    return this.opts.name ?? "model";
  }

  inputShape(): Shape | null {
    return this.inputs[0]?.shape ?? null;
  }

  get built(): boolean {
    return true; // every layer was built when it was applied to a symbolic tensor
  }

  build(_inputShape: Shape): void {}

  /** Runs the graph; several inputs go in as an array (call it through callMany). */
  call(x: Tensor, training = false): Tensor {
    return this.callMany([x], training)[0]!;
  }

  callMany(xs: readonly Tensor[], training = false): Tensor[] {
    if (xs.length !== this.inputs.length) throw new ShapeError(`${this.name}: expected ${this.inputs.length} inputs, got ${xs.length}`);
    const values = new Map<KerasTensor, Tensor>(this.inputs.map((t, i) => [t, xs[i]!]));
    for (const node of this.nodes) {
      values.set(node, node.layer!.callInputs(node.inputs.map((t) => values.get(t)!), training));
    }
    return this.outputs.map((t) => values.get(t)!);
  }

  outputShape(): Shape {
    return this.outputs[0]!.shape;
  }

  layerOutputShapes(): (Shape | null)[] {
    return this.layers.map((l) => this.nodes.find((n) => n.layer === l)?.shape ?? null);
  }

  /** Layers with the names of the tensors they read, so the graph can be rebuilt. */
  protected architecture() {
    return {
      className: "Model",
      config: {
        name: this.name,
        inputs: this.inputs.map((t) => ({ name: t.name, shape: t.shape })),
        layers: this.nodes.map((n) => ({ className: n.layer!.constructor.name, config: n.layer!.getConfig(), inbound: n.inputs.map((t) => (t.layer ? t.layer.name : t.name)) })),
        outputs: this.outputs.map((t) => t.layer!.name),
      },
    };
  }
}
