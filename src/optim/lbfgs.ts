/**
 * L-BFGS (torch.optim.LBFGS): a quasi-Newton method that approximates the inverse Hessian from the
 * last historySize steps and gradient changes, with an optional strong-Wolfe line search. As
 * PyTorch's, step(closure) runs up to maxIter iterations, each re-evaluating the loss through the
 * closure (which must zero the gradients, compute the loss and call backward), over one parameter
 * group whose parameters it treats as one flat vector. The step order, stopping rules and line
 * search follow PyTorch's lbfgs.py (itself minFunc's), so trajectories match it.
 */
import { enableGrad, noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import { keep } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";
import { cat } from "../ops/movement.js";
import { zeros } from "../ops/creation.js";
import { Optimizer, OptimizerError, type ParamsArg } from "./optimizer.js";

export interface LbfgsOptions {
  lr: number;
  maxIter: number;
  /** Function evaluations per step; maxIter·5/4 by default. */
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: "strong_wolfe" | null;
}

/** The history L-BFGS keeps between steps (PyTorch's state of the first parameter). */
interface History {
  funcEvals: number;
  nIter: number;
  d: Tensor | null;
  t: number;
  oldDirs: Tensor[];
  oldSteps: Tensor[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Tensor | null;
  prevLoss: number;
}

const num = (t: Tensor) => t.item();

/** The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds (minFunc's polyinterp). */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Objective = (t: number) => [loss: number, grad: Tensor];

/** The strong-Wolfe line search along d from step t: [loss, gradient, step, evaluations]. */
function strongWolfe(objective: Objective, t0: number, d: Tensor, f: number, g: Tensor, gtd: number, toleranceChange: number, maxLs: number, c1 = 1e-4, c2 = 0.9): [number, Tensor, number, number] {
  let t = t0;
  const dNorm = num(d.abs().max());
  let [fNew, gNew] = objective(t);
  let evals = 1;
  let gtdNew = num(gNew.dot(d));
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const [minStep, maxStep] = [t + 0.01 * (t - tPrev), t * 10];
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    [fNew, gNew] = objective(t);
    evals++;
    gtdNew = num(gNew.dot(d));
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  // Zoom: shrink the bracket around a point that satisfies both conditions.
  let insufficientProgress = false;
  let [low, high] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const [bMax, bMin] = [Math.max(...bracket), Math.min(...bracket)];
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufficientProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufficientProgress = false;
      } else insufficientProgress = true;
    } else insufficientProgress = false;
    [fNew, gNew] = objective(t);
    evals++;
    gtdNew = num(gNew.dot(d));
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]!) {
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high]! - bracket[low]!) >= 0) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low]!, bracketF[low]!, bracketG[low]!, bracketGtd[low]!];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return [bracketF[low]!, bracketG[low]!, bracket[low]!, evals];
}

export class LBFGS extends Optimizer<LbfgsOptions> {
  private readonly params: Tensor[];
  private history: History = { funcEvals: 0, nIter: 0, d: null, t: 0, oldDirs: [], oldSteps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: 0 };

  constructor(params: ParamsArg<LbfgsOptions>, opts: Partial<LbfgsOptions> = {}) {
    const maxIter = opts.maxIter ?? 20;
    super(params, { lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null, ...opts });
    if (this.paramGroups.length !== 1) throw new OptimizerError("LBFGS doesn't support per-parameter options (parameter groups)");
    const search = this.paramGroups[0]!.lineSearchFn;
    if (search !== null && search !== "strong_wolfe") throw new ValueError(`LBFGS: lineSearchFn must be 'strong_wolfe' or null, got '${String(search)}'`);
    this.params = this.paramGroups[0]!.params;
  }

  protected update(): void {
    throw new OptimizerError("LBFGS: step needs a closure that re-evaluates the loss");
  }

  private flatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad ? p.grad.reshape([-1]) : zeros([p.numel()], { dtype: p.dtype }))), 0);
  }

  private addStep(stepSize: number, direction: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(direction.narrow(0, offset, n).reshape([...p.shape]), stepSize);
      offset += n;
    }
  }

  private evaluate(closure: () => Tensor): number {
    return enableGrad(() => num(closure()));
  }

  /** Runs up to maxIter L-BFGS iterations; returns the loss the closure gave first. */
  override step(closure?: () => Tensor): Tensor {
    if (!closure) throw new OptimizerError("LBFGS: step needs a closure that zeroes the gradients, computes the loss, calls backward and returns the loss");
    const group = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const h = this.history;
    // PyTorch keeps these scalars as tensors of the parameters' dtype: round as float32 does.
    const f = this.params[0]!.dtype === "float32" ? Math.fround : (v: number) => v;
    const origLoss = enableGrad(closure);
    let loss = num(origLoss);
    let currentEvals = 1;
    h.funcEvals++;
    return noGrad(() => {
      let flatGrad = this.flatGrad();
      if (num(flatGrad.abs().max()) <= toleranceGrad) return origLoss;
      let { d, t } = h;
      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        h.nIter++;
        if (h.nIter === 1) {
          d = flatGrad.neg();
          [h.oldDirs, h.oldSteps, h.ro, h.hDiag] = [[], [], [], 1];
        } else {
          const y = flatGrad.sub(h.prevFlatGrad!);
          const s = d!.mul(t);
          const ys = num(y.dot(s));
          if (ys > 1e-10) {
            if (h.oldDirs.length === historySize) [h.oldDirs, h.oldSteps, h.ro] = [h.oldDirs.slice(1), h.oldSteps.slice(1), h.ro.slice(1)];
            h.oldDirs.push(keep(y));
            h.oldSteps.push(keep(s));
            h.ro.push(f(1 / ys));
            h.hDiag = f(ys / num(y.dot(y)));
          }
          // The two-loop recursion: d = −H·g from the history.
          const al: number[] = [];
          let q = flatGrad.neg();
          for (let i = h.oldDirs.length - 1; i >= 0; i--) {
            al[i] = f(num(h.oldSteps[i]!.dot(q)) * h.ro[i]!);
            q = q.sub(h.oldDirs[i]!.mul(al[i]!));
          }
          let r = q.mul(h.hDiag);
          for (let i = 0; i < h.oldDirs.length; i++) {
            const be = f(num(h.oldDirs[i]!.dot(r)) * h.ro[i]!);
            r = r.add(h.oldSteps[i]!.mul(al[i]! - be));
          }
          d = r;
        }
        h.prevFlatGrad = keep(flatGrad.clone());
        h.prevLoss = loss;
        if (h.nIter === 1) {
          const inverse = f(1 / num(flatGrad.abs().sum()));
          t = inverse < 1 ? f(inverse * lr) : lr;
        } else t = lr;
        const gtd = num(flatGrad.dot(d!));
        if (gtd > -toleranceChange) break;
        let lsEvals = 0;
        let optimal = false;
        if (lineSearchFn === "strong_wolfe") {
          const start = this.params.map((p) => p.clone());
          const direction = d!;
          const objective: Objective = (step) => {
            this.addStep(step, direction);
            const value = this.evaluate(closure);
            const g = this.flatGrad().clone();
            this.params.forEach((p, i) => p.copy_(start[i]!));
            return [value, g];
          };
          [loss, flatGrad, t, lsEvals] = strongWolfe(objective, t, direction, loss, flatGrad, gtd, toleranceChange, maxEval - currentEvals);
          this.addStep(t, direction);
          optimal = num(flatGrad.abs().max()) <= toleranceGrad;
        } else {
          this.addStep(t, d!);
          if (nIter !== maxIter) {
            loss = this.evaluate(closure);
            flatGrad = this.flatGrad();
            optimal = num(flatGrad.abs().max()) <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        h.funcEvals += lsEvals;
        if (nIter === maxIter || currentEvals >= maxEval || optimal) break;
        if (num(d!.mul(t).abs().max()) <= toleranceChange) break;
        if (Math.abs(loss - h.prevLoss) < toleranceChange) break;
      }
      h.d = d ? keep(d) : null;
      h.t = t;
      return origLoss;
    });
  }
}
