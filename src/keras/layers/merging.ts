/** Keras' layers of several inputs: Add, Multiply, Concatenate. */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { cat } from "../../ops/movement.js";
import { MergeLayer, type LayerOptions, type Shape } from "../layer.js";

function sameShapes(shapes: Shape[], layer: string): Shape {
  const first = shapes[0]!;
  for (const s of shapes) {
    if (s.length !== first.length || s.some((d, i) => d !== first[i])) {
      throw new ShapeError(`${layer}: inputs must have the same shape, got ${shapes.map((x) => fmtShape(x as number[])).join(" and ")}`);
    }
  }
  return first;
}

export class Add extends MergeLayer {
  protected buildMulti(shapes: Shape[]): null {
    sameShapes(shapes, "Add");
    return null;
  }
  computeOutputShapeMulti(shapes: Shape[]): Shape {
    return shapes[0]!;
  }
  protected callMulti(xs: readonly Tensor[]): Tensor {
    return xs.reduce((a, b) => a.add(b));
  }
  getConfig() {
    return { name: this.name };
  }
}

export class Multiply extends Add {
  protected override callMulti(xs: readonly Tensor[]): Tensor {
    return xs.reduce((a, b) => a.mul(b));
  }
}

export class Concatenate extends MergeLayer {
  constructor(readonly axis = -1, opts: LayerOptions = {}) {
    super(opts);
  }
  protected buildMulti(): null {
    return null;
  }
  computeOutputShapeMulti(shapes: Shape[]): Shape {
    const rank = shapes[0]!.length;
    const a = this.axis < 0 ? this.axis + rank : this.axis - 1; // Keras' axis counts the batch dim
    const out = [...shapes[0]!];
    out[a] = shapes.some((s) => s[a] === null) ? null : shapes.reduce((n, s) => n + (s[a] as number), 0);
    return out;
  }
  protected callMulti(xs: readonly Tensor[]): Tensor {
    return cat([...xs], this.axis);
  }
  getConfig() {
    return { axis: this.axis, name: this.name };
  }
}
