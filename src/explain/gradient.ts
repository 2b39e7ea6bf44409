/** Plain gradient attributions (Captum's Saliency, InputXGradient, GuidedBackprop, Deconvolution). */
import type { Tensor } from "../ops/tensor.js";
import { Module } from "../nn/module.js";
import { ReLU } from "../nn/layers/activation.js";
import { ValueError } from "../base/errors.js";
import type { RemovableHandle } from "../base/hooks.js";
import { Attribution, gradientAt, type TargetOptions } from "./forward.js";

/** Gradients of the target output with respect to the inputs, absolute by default (Simonyan et al.). */
export class Saliency extends Attribution {

  attribute(inputs: Tensor, { abs = true, ...options }: TargetOptions & { abs?: boolean } = {}): Tensor {
    const g = gradientAt(this.forward, inputs, options, "Saliency");
    return abs ? g.abs() : g;
  }
}

/** Input × gradient (Shrikumar et al.). */
export class InputXGradient extends Attribution {

  attribute(inputs: Tensor, options: TargetOptions = {}): Tensor {
    return gradientAt(this.forward, inputs, options, "InputXGradient").mul(inputs);
  }
}

/**
 * Gradients with every nn.ReLU's backward changed (Springenberg et al.): guided backprop passes only
 * positive gradients through ReLUs that were active; deconvolution passes positive gradients
 * whatever the ReLU's input was. As in Captum, only ReLU modules are changed (not functional relu).
 */
class ModifiedReluGradient extends Attribution {
  constructor(
    override readonly model: Module,
    private readonly keepForwardMask: boolean,
    private readonly name: string,
  ) {
    super(model);
    if (!(model instanceof Module)) throw new ValueError(`${name}: the model must be an nn.Module (its ReLU modules are changed)`);
  }

  attribute(inputs: Tensor, options: TargetOptions = {}): Tensor {
    const handles: RemovableHandle[] = [];
    for (const m of this.model.modules()) {
      if (!(m instanceof ReLU)) continue;
      handles.push(m.registerForwardHook((_m, [x], out: Tensor) => {
        if (!out.requiresGrad) return undefined;
        // Deconvolution: the output's value, but the gradient bypasses the ReLU's own mask.
        const routed = this.keepForwardMask ? out : out.detach().add((x as Tensor).sub((x as Tensor).detach()));
        const hooked = routed.mul(1);
        hooked.registerHook((g) => g.relu());
        return hooked;
      }));
    }
    try {
      return gradientAt(this.forward, inputs, options, this.name);
    } finally {
      for (const h of handles) h.remove();
    }
  }
}

export class GuidedBackprop extends ModifiedReluGradient {
  constructor(model: Module) {
    super(model, true, "GuidedBackprop");
  }
}

export class Deconvolution extends ModifiedReluGradient {
  constructor(model: Module) {
    super(model, false, "Deconvolution");
  }
}
