/**
 * The matrix-aware optimizers of PyTorch 2: Adafactor (Shazeer & Stern: a factored second moment —
 * row and column means of g² instead of a full table — with relative step sizes and update
 * clipping) and Muon (momentum whose update is orthogonalised by a Newton–Schulz iteration, for 2-D
 * weights). Both follow torch.optim's single-tensor code step for step; Muon's iteration runs in
 * float32 (PyTorch's runs in bfloat16, which tensorgrad does not have).
 */
import type { Tensor } from "../ops/tensor.js";
import { ValueError } from "../base/errors.js";
import { checkOptions, type OptionSpec } from "../base/options.js";
import { zeros, zerosLike } from "../ops/creation.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsArg } from "./optimizer.js";

export interface AdafactorOptions {
  lr: number;
  /** The second moment's decay exponent: β₂ₜ = 1 − t^beta2Decay. */
  beta2Decay: number;
  /** [eps1 (the variance floor; the dtype's epsilon when null), eps2 (the smallest relative step)]. */
  eps: [number | null, number];
  /** The update clipping threshold. */
  d: number;
  weightDecay: number;
  maximize: boolean;
}

function state<T extends Tensor | number>(s: ParamState, key: string, init: () => T): T {
  if (!(key in s)) s[key] = init();
  return s[key] as T;
}

export function adafactor(p: Tensor, grad: Tensor, s: ParamState, o: AdafactorOptions): void {
  const g = o.maximize ? grad.neg() : grad;
  const step = (state(s, "step", () => 0) as number) + 1;
  s.step = step;
  const eps1 = o.eps[0] ?? (p.dtype === "float64" ? 2 ** -52 : 2 ** -23);
  const oneMinusBeta2 = step ** o.beta2Decay;
  const rho = Math.min(o.lr, 1 / Math.sqrt(step));
  const alpha = Math.max(o.eps[1], p.square().sum().sqrt().item() / Math.sqrt(p.numel())) * rho;
  if (o.weightDecay !== 0) p.mul_(1 - o.lr * o.weightDecay);
  let estimate: Tensor;
  if (g.ndim > 1) {
    const rowShape = [...g.shape.slice(0, -1), 1];
    const colShape = [...g.shape.slice(0, -2), 1, g.shape.at(-1)!];
    const rowVar = state(s, "row_var", () => zeros(rowShape, { dtype: p.dtype }));
    const colVar = state(s, "col_var", () => zeros(colShape, { dtype: p.dtype }));
    const g2 = g.square();
    rowVar.add_(g2.sum(-1, true).div(g.shape.at(-1)!).sub(rowVar).mul(oneMinusBeta2));
    colVar.add_(g2.sum(-2, true).div(g.shape.at(-2)!).sub(colVar).mul(oneMinusBeta2));
    estimate = rowVar.matmul(colVar).div(rowVar.mean(-2, true).clamp(eps1));
  } else {
    const variance = state(s, "variance", () => zerosLike(g));
    variance.add_(g.square().sub(variance).mul(oneMinusBeta2));
    estimate = variance;
  }
  const update = estimate.clamp(eps1 * eps1).rsqrt().mul(g);
  const denom = Math.max(1, update.square().sum().sqrt().item() / (Math.sqrt(update.numel()) * o.d));
  p.add_(update, -alpha / denom);
}

export interface MuonOptions {
  lr: number;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  /** The quintic Newton–Schulz iteration's coefficients (a, b, c). */
  nsCoefficients: [number, number, number];
  eps: number;
  nsSteps: number;
  /** How the step scales with the matrix's shape [A, B]: "original" √max(1, A/B), "match_rms_adamw" 0.2·√max(A, B). */
  adjustLrFn: "original" | "match_rms_adamw";
}

/** The orthogonal factor of g (U·Vᵀ of its SVD, approximately) by Newton–Schulz iterations. */
export function zeropowerViaNewtonSchulz(g: Tensor, [a, b, c]: readonly [number, number, number], steps: number, eps: number): Tensor {
  const tall = g.shape[0]! > g.shape[1]!;
  let x = tall ? g.t() : g;
  x = x.div(x.square().sum().sqrt().clamp(eps));
  for (let i = 0; i < steps; i++) {
    const gram = x.matmul(x.t());
    const update = gram.mul(b).add(gram.matmul(gram).mul(c));
    x = x.mul(a).add(update.matmul(x));
  }
  return tall ? x.t() : x;
}

export function muon(p: Tensor, grad: Tensor, s: ParamState, o: MuonOptions): void {
  if (grad.ndim !== 2) throw new ValueError(`Muon: only 2-D parameters are supported, got shape [${grad.shape.join(", ")}]`);
  const buf = state(s, "momentum_buffer", () => zerosLike(grad));
  buf.add_(grad.sub(buf).mul(1 - o.momentum));
  const direction = o.nesterov ? grad.add(buf.sub(grad).mul(o.momentum)) : buf;
  const update = zeropowerViaNewtonSchulz(direction, o.nsCoefficients, o.nsSteps, o.eps);
  const [A, B] = p.shape as [number, number];
  const adjusted = o.lr * (o.adjustLrFn === "match_rms_adamw" ? 0.2 * Math.sqrt(Math.max(A, B)) : Math.sqrt(Math.max(1, A / B)));
  p.mul_(1 - o.lr * o.weightDecay);
  p.add_(update, -adjusted);
}

function withDefaults<D extends object>(name: string, defaults: D, opts: object, kinds: OptionSpec): D {
  checkOptions(name, opts, kinds);
  return { ...defaults, ...opts };
}

export class Adafactor extends Optimizer<AdafactorOptions> {
  constructor(params: ParamsArg<AdafactorOptions>, opts: Partial<AdafactorOptions> = {}) {
    super(params, withDefaults("Adafactor", { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false }, opts,
      { lr: "number", beta2Decay: "number", eps: "array", d: "number", weightDecay: "number", maximize: "boolean" }));
  }
  protected override validate(g: ParamGroup<AdafactorOptions>): void {
    super.validate(g);
    if (!(g.beta2Decay <= 0)) throw new ValueError(`Adafactor: beta2Decay should be <= 0 but is: ${g.beta2Decay}`);
    if (g.eps[0] !== null && !(g.eps[0] >= 0)) throw new ValueError(`Adafactor: epsilon1 should be >= 0 but is: ${g.eps[0]}`);
    if (!(g.eps[1] >= 0)) throw new ValueError(`Adafactor: epsilon2 should be >= 0 but is: ${g.eps[1]}`);
    if (!(g.d >= 1)) throw new ValueError(`Adafactor: Clipping threshold d should be >= 1 but is: ${g.d}`);
    if (!(g.weightDecay >= 0)) throw new ValueError(`Adafactor: weight_decay should be >= 0 but is: ${g.weightDecay}`);
  }
  protected update(p: Tensor, grad: Tensor, s: ParamState, g: ParamGroup<AdafactorOptions>): void {
    adafactor(p, grad, s, g);
  }
}

export class Muon extends Optimizer<MuonOptions> {
  constructor(params: ParamsArg<MuonOptions>, opts: Partial<MuonOptions> = {}) {
    super(params, withDefaults("Muon", { lr: 1e-3, weightDecay: 0.1, momentum: 0.95, nesterov: true, nsCoefficients: [3.4445, -4.775, 2.0315], eps: 1e-7, nsSteps: 5, adjustLrFn: "original" }, opts,
      { lr: "number", weightDecay: "number", momentum: "number", nesterov: "boolean", nsCoefficients: "array", eps: "number", nsSteps: "number", adjustLrFn: ["original", "match_rms_adamw"] }));
    for (const group of this.paramGroups) {
      for (const p of group.params) if (p.ndim !== 2) throw new ValueError(`Muon only supports 2D parameters whereas we found a parameter with size: [${p.shape.join(", ")}]`);
    }
  }
  protected override validate(g: ParamGroup<MuonOptions>): void {
    super.validate(g);
    if (!(g.momentum >= 0)) throw new ValueError(`Muon: momentum should be >= 0 but is: ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new ValueError(`Muon: weight decay should be >= 0 but is: ${g.weightDecay}`);
    if (!(Number.isInteger(g.nsSteps) && g.nsSteps > 0 && g.nsSteps < 100)) throw new ValueError(`Muon: nsSteps must be an integer in [1, 99], got ${g.nsSteps}`);
  }
  protected update(p: Tensor, grad: Tensor, s: ParamState, g: ParamGroup<MuonOptions>): void {
    muon(p, grad, s, g);
  }
}
