/**
 * In-place updates (`add_`, `copy_`, `zero_`, …): compute out of place, then write into the
 * target's storage through the backend's `assign` kernel. They are for updates outside the graph
 * (optimizer steps, initialisation), so they refuse to run while a gradient would be recorded.
 */
import { isGradEnabled, noGrad } from "./grad-mode.js";
import { AutogradError, ShapeError, fmtShape } from "../base/errors.js";
import { broadcastShapes, shapesEqual } from "../base/shape.js";
import type { Tensor } from "./tensor.js";
import { bumpVersion } from "../base/version.js";
import { scope } from "../base/scope.js";
import { cast, expandTo, type TensorLike } from "./elementwise.js";
import { clone } from "./movement.js";

export function updateInPlace(target: Tensor, op: string, operands: readonly TensorLike[], compute: () => Tensor): Tensor {
  if (isGradEnabled() && [target, ...operands].some((t) => typeof t === "object" && t.requiresGrad)) {
    throw new AutogradError(
      `${op}: cannot modify a tensor in place while gradients are recorded (shape ${fmtShape(target.shape)}); wrap the update in tg.noGrad(() => …)`,
    );
  }
  // In a scope, so that the value computed out of place is freed as soon as it is written: left
  // to the garbage collector, every call in a loop took a fresh heap block, and a 4M-element add_
  // ran at 42 GB/s where add ran at 112.
  return scope(() => {
    let value = noGrad(compute);
    const shape = broadcastShapes([value.shape, target.shape], op);
    if (!shapesEqual(shape, target.shape)) {
      throw new ShapeError(`${op}: a value of shape ${fmtShape(value.shape)} cannot be written into a tensor of shape ${fmtShape(target.shape)}`);
    }
    if (value.storage === target.storage) value = noGrad(() => clone(value)); // never read what we overwrite
    value = noGrad(() => expandTo(cast(value, target.dtype), target.shape));
    target.backend.assign(target, value);
    bumpVersion(target.storage);
    return target;
  });
}
