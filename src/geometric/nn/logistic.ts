/**
 * Multinomial logistic regression on fixed features, as scikit-learn's LogisticRegression (L2,
 * C = 1) — what PyG's embedding tests fit on learnt node vectors. Full-batch Adam to convergence.
 */
import { noGrad, enableGrad } from "../../ops/grad-mode.js";
import type { Tensor } from "../../ops/tensor.js";
import { zeros } from "../../ops/creation.js";
import { crossEntropy } from "../../nn/losses.js";
import { Adam } from "../../optim/optimizers.js";

export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's C). */
  C?: number;
  maxIter?: number;
}

/** Fits on (x, y) and returns the accuracy on (testX, testY). */
export function logisticRegressionAccuracy(x: Tensor, y: Tensor, testX: Tensor, testY: Tensor, opts: LogisticOptions = {}): number {
  const { C = 1, maxIter = 300 } = opts;
  const n = x.shape[0]!;
  const classes = Math.max(...y.dataSync(), ...testY.dataSync()) + 1;
  const xs = x.detach();
  const w = zeros([x.shape[1]!, classes]).requiresGrad_();
  const b = zeros([classes]).requiresGrad_();
  const opt = new Adam([w, b], { lr: 0.05 });
  enableGrad(() => {
    for (let it = 0; it < maxIter; it++) {
      opt.zeroGrad();
      // scikit-learn minimises C·Σ loss + ½‖W‖²; divided by C·n this is the mean loss plus ‖W‖²/(2Cn).
      const loss = crossEntropy(xs.matmul(w).add(b), y).add(w.square().sum().div(2 * C * n));
      loss.backward();
      opt.step();
    }
  });
  return noGrad(() => testX.detach().matmul(w).add(b).argmax(1).eq(testY).float().mean().item());
}
