/**
 * Feature scaling and imputation with scikit-learn's semantics, over [samples, features] float
 * tensors: fit learns per-column statistics (ignoring NaN, as scikit-learn does), transform
 * applies them, inverseTransform undoes them.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";

function check2d(x: Tensor, op: string, features?: number): Tensor {
  if (x.ndim !== 2) throw new ShapeError(`${op}: expected [samples, features], got shape ${fmtShape(x.shape)}`);
  if (features !== undefined && x.shape[1] !== features) {
    throw new ShapeError(`${op}: fitted on ${features} features, got shape ${fmtShape(x.shape)}`);
  }
  return isFloating(x.dtype) ? x : x.float();
}

function notFitted(op: string): never {
  throw new ValueError(`${op}: call fit() first`);
}

/** Column means and population variances over the non-NaN entries. */
function nanMoments(x: Tensor): { mean: Tensor; variance: Tensor; count: Tensor } {
  const ok = x.isnan().logicalNot();
  const count = ok.float().sum(0);
  const zeroed = where(ok, x, 0);
  const mean = zeroed.sum(0).div(count);
  const variance = where(ok, x.sub(mean), 0).square().sum(0).div(count);
  return { mean, variance, count };
}

export class StandardScaler {
  mean: Tensor | null = null;
  scale: Tensor | null = null;

  constructor(readonly options: { withMean?: boolean; withStd?: boolean } = {}) {}

  fit(x: Tensor): this {
    const { mean, variance } = nanMoments(check2d(x, "StandardScaler.fit"));
    this.mean = this.options.withMean ?? true ? mean : mean.mul(0);
    const std = variance.sqrt();
    // A constant feature keeps scale 1 (scikit-learn's _handle_zeros_in_scale).
    this.scale = this.options.withStd ?? true ? where(std.eq(0), 1, std) : std.mul(0).add(1);
    return this;
  }

  transform(x: Tensor): Tensor {
    if (!this.mean || !this.scale) notFitted("StandardScaler.transform");
    return check2d(x, "StandardScaler.transform", this.mean.shape[0]).sub(this.mean).div(this.scale);
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: Tensor): Tensor {
    if (!this.mean || !this.scale) notFitted("StandardScaler.inverseTransform");
    return check2d(x, "StandardScaler.inverseTransform", this.mean.shape[0]).mul(this.scale).add(this.mean);
  }
}

export class MinMaxScaler {
  min: Tensor | null = null;
  scale: Tensor | null = null;
  dataMin: Tensor | null = null;
  dataMax: Tensor | null = null;
  readonly featureRange: [number, number];

  constructor({ featureRange = [0, 1] }: { featureRange?: [number, number] } = {}) {
    if (!(featureRange[0] < featureRange[1])) throw new ValueError(`MinMaxScaler: featureRange [${featureRange}] must be increasing`);
    this.featureRange = featureRange;
  }

  fit(x: Tensor): this {
    const xf = check2d(x, "MinMaxScaler.fit");
    const ok = xf.isnan().logicalNot();
    this.dataMin = where(ok, xf, Infinity).amin(0);
    this.dataMax = where(ok, xf, -Infinity).amax(0);
    const range = this.dataMax.sub(this.dataMin);
    const [lo, hi] = this.featureRange;
    this.scale = where(range.eq(0), 1, range).reciprocal().mul(hi - lo);
    this.min = this.dataMin.mul(this.scale).neg().add(lo);
    return this;
  }

  transform(x: Tensor): Tensor {
    if (!this.min || !this.scale) notFitted("MinMaxScaler.transform");
    return check2d(x, "MinMaxScaler.transform", this.min.shape[0]).mul(this.scale).add(this.min);
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: Tensor): Tensor {
    if (!this.min || !this.scale) notFitted("MinMaxScaler.inverseTransform");
    return check2d(x, "MinMaxScaler.inverseTransform", this.min.shape[0]).sub(this.min).div(this.scale);
  }
}

export type ImputeStrategy = "mean" | "median" | "most_frequent" | "constant";

/** Replaces NaN (missing) entries column by column. */
export class SimpleImputer {
  statistics: Tensor | null = null;

  constructor(readonly options: { strategy?: ImputeStrategy; fillValue?: number } = {}) {}

  fit(x: Tensor): this {
    const xf = check2d(x, "SimpleImputer.fit");
    const strategy = this.options.strategy ?? "mean";
    if (strategy === "mean") this.statistics = nanMoments(xf).mean;
    else if (strategy === "constant") this.statistics = tensor(new Array(xf.shape[1]!).fill(this.options.fillValue ?? 0));
    else {
      const [n, f] = xf.shape as [number, number];
      const data = xf.dataSync();
      const stats = Array.from({ length: f }, (_, j) => {
        const col: number[] = [];
        for (let i = 0; i < n; i++) if (!Number.isNaN(data[i * f + j]!)) col.push(data[i * f + j]!);
        if (col.length === 0) return NaN;
        col.sort((a, b) => a - b);
        if (strategy === "median") {
          const m = col.length >> 1;
          return col.length % 2 ? col[m]! : (col[m - 1]! + col[m]!) / 2;
        }
        // most_frequent: the smallest of the most common values (scikit-learn's tie rule).
        let best = col[0]!;
        let bestCount = 0;
        for (let i = 0; i < col.length; ) {
          let k = i;
          while (k < col.length && col[k] === col[i]) k++;
          if (k - i > bestCount) [best, bestCount] = [col[i]!, k - i];
          i = k;
        }
        return best;
      });
      this.statistics = tensor(stats);
    }
    return this;
  }

  transform(x: Tensor): Tensor {
    if (!this.statistics) notFitted("SimpleImputer.transform");
    const xf = check2d(x, "SimpleImputer.transform", this.statistics.shape[0]);
    return where(xf.isnan(), this.statistics, xf);
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }
}
