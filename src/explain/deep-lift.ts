/**
 * DeepLIFT with the rescale rule (Shrikumar et al. 2017; Captum's DeepLift). The inputs and baselines
 * run as one batch; each elementwise activation module's gradient is replaced by its multiplier
 * Δout/Δin (its own derivative where Δin ≈ 0), so the gradients of the target output are
 * DeepLIFT's multipliers and (x − x′) · multipliers sums to F(x) − F(x′) (summation-to-delta).
 *
 * NOTE: as in Captum, only activation modules are rescaled (ReLU, LeakyReLU, ELU, GELU, SiLU,
 * Sigmoid, Tanh); functional activations, MaxPool and Softmax keep their ordinary gradients, so for
 * models that use them summation-to-delta holds only approximately.
 */
import type { Tensor } from "../ops/tensor.js";
import { grad } from "../autograd/backward.js";
import { enableGrad, noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import type { RemovableHandle } from "../base/hooks.js";
import { Module } from "../nn/module.js";
import { ELU, GELU, LeakyReLU, ReLU, SiLU, Sigmoid, Tanh } from "../nn/layers/activation.js";
import { cat } from "../ops/movement.js";
import { where } from "../ops/elementwise.js";
import { zerosLike } from "../ops/creation.js";
import { Attribution, convergenceDelta, evaluate, expandBaselines, selectTarget, tileArgs, tileTarget, type Baselines, type TargetOptions } from "./forward.js";
import type { WithDelta } from "./integrated-gradients.js";

const RESCALED = [ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh];
const EPS = 1e-10;

export interface DeepLiftOptions extends TargetOptions {
  baselines?: Baselines;
}

export class DeepLift extends Attribution {
  constructor(
    override readonly model: Module,
    readonly multiplyByInputs = true,
  ) {
    super(model);
    if (!(model instanceof Module)) throw new ValueError("DeepLift: the model must be an nn.Module (its activation modules are rescaled)");
  }

  attribute<D extends boolean | undefined = false>(inputs: Tensor, options: DeepLiftOptions & { returnConvergenceDelta?: D } = {}): WithDelta<D> {
    const baselines = expandBaselines(options.baselines, inputs, "DeepLift");
    const n = inputs.shape[0]!;
    const handles: RemovableHandle[] = [];
    for (const m of this.model.modules()) {
      if (RESCALED.some((cls) => m instanceof cls)) handles.push(m.registerForwardHook((_m, [x], out: Tensor) => rescale(x as Tensor, out, n)));
    }
    let multipliers: Tensor;
    try {
      multipliers = enableGrad(() => {
        const both = cat([inputs, baselines], 0).detach().requiresGrad_(true);
        const out = this.forward(both, ...tileArgs(options.additionalForwardArgs, 2));
        const explained = selectTarget(out, tileTarget(options.target, n, 2, "DeepLift"), "DeepLift").narrow(0, 0, n);
        const [g] = grad(explained.sum(), [both]);
        return (g ?? zerosLike(both)).narrow(0, 0, n);
      });
    } finally {
      for (const h of handles) h.remove();
    }
    const attributions = this.multiplyByInputs ? multipliers.mul(inputs.sub(baselines)) : multipliers;
    if (!options.returnConvergenceDelta) return attributions as WithDelta<D>;
    const delta = noGrad(() => convergenceDelta(attributions, evaluate(this.forward, inputs, options, "DeepLift"), evaluate(this.forward, baselines, options, "DeepLift")));
    return [attributions, delta] as WithDelta<D>;
  }
}

/** The activation's output, with Δout/Δin as its gradient (the first n rows are inputs, the rest baselines). */
function rescale(x: Tensor, out: Tensor, n: number): Tensor {
  if (!out.requiresGrad) return out;
  const mult = noGrad(() => {
    const deltaIn = x.narrow(0, 0, n).sub(x.narrow(0, n, n));
    const deltaOut = out.narrow(0, 0, n).sub(out.narrow(0, n, n));
    const small = deltaIn.abs().lt(EPS);
    const ratio = where(small, 0, deltaOut.div(where(small, 1, deltaIn)));
    return [cat([small, small], 0), cat([ratio, ratio], 0)] as const;
  });
  const [small, ratio] = mult;
  return where(small, out, out.detach().add(x.mul(ratio)).sub(x.detach().mul(ratio)));
}
