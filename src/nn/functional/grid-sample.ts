/**
 * Spatial transformers: affineGrid (the sampling grid of an affine map) and gridSample (the input
 * read at a grid's normalised coordinates) for 2-D [N, C, H, W] and 3-D [N, C, D, H, W] inputs,
 * with PyTorch's modes (bilinear — trilinear in 3-D —, nearest, bicubic in 2-D), padding modes
 * (zeros, border, reflection) and alignCorners. Composed from gathers and elementwise ops, so the
 * gradient reaches both the input and the grid (through the interpolation weights).
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { linspace, ones } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";

export interface GridSampleOptions {
  mode?: "bilinear" | "nearest" | "bicubic";
  paddingMode?: "zeros" | "border" | "reflection";
  alignCorners?: boolean;
}

/** The normalised coordinates of `n` pixel centres along one dim (−1 … 1 at the corners' centres or edges). */
function baseCoordinates(n: number, alignCorners: boolean, like: Tensor): Tensor {
  const line = linspace(-1, 1, n, { dtype: like.dtype, device: like.backend });
  return alignCorners || n <= 1 ? (n === 1 && !alignCorners ? line.mul(0) : line) : line.mul((n - 1) / n);
}

/** The [N, H, W, 2] (or [N, D, H, W, 3]) grid of theta [N, 2, 3] (or [N, 3, 4]) applied to the output's pixel coordinates. */
export function affineGrid(theta: Tensor, size: readonly number[], { alignCorners = false }: { alignCorners?: boolean } = {}): Tensor {
  if (!isFloating(theta.dtype)) throw new DTypeError(`affineGrid: theta must be floating point, got ${theta.dtype}`);
  const spatial = size.length - 2;
  if (spatial !== 2 && spatial !== 3) throw new ShapeError(`affineGrid: size must be [N, C, H, W] or [N, C, D, H, W], got ${fmtShape(size)}`);
  const N = size[0]!;
  if (theta.ndim !== 3 || theta.shape[0] !== N || theta.shape[1] !== spatial || theta.shape[2] !== spatial + 1) {
    throw new ShapeError(`affineGrid: theta must be [${N}, ${spatial}, ${spatial + 1}] for size ${fmtShape(size)}, got ${fmtShape(theta.shape)}`);
  }
  const dims = size.slice(2); // [D,] H, W
  // Base points [..., (x, y[, z]), 1]: x runs along the last dim.
  const axes = dims.map((n) => baseCoordinates(n, alignCorners, theta));
  const grids = axes.map((a, k) => a.reshape(dims.map((n, j) => (j === k ? n : 1))).expand(...dims));
  const base = stack([...grids.reverse(), ones(dims, { dtype: theta.dtype, device: theta.backend })], -1).reshape(1, -1, spatial + 1); // [1, P, s+1]
  return base.matmul(theta.transpose(1, 2)).reshape(N, ...dims, spatial); // [N, P, s] → grid
}

/** Pixel coordinates from normalised ones. */
function unnormalize(coord: Tensor, size: number, alignCorners: boolean): Tensor {
  return alignCorners ? coord.add(1).mul((size - 1) / 2) : coord.add(1).mul(size).sub(1).div(2);
}

/** Coordinates reflected into [lo, hi] (twice the span is the period), as PyTorch's reflect_coordinates. */
function reflect(coord: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return coord.mul(0);
  const low = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const shifted = coord.sub(low).abs();
  const flips = shifted.div(span).floor();
  const extra = shifted.sub(flips.mul(span)); // fmod(shifted, span)
  const even = flips.remainder(2).eq(0);
  return extra.add(low).where(even, extra.neg().add(span + low));
}

/** Applies the padding mode to (pixel) coordinates along a dim of `size`. */
function padCoordinates(coord: Tensor, size: number, padding: NonNullable<GridSampleOptions["paddingMode"]>, alignCorners: boolean): Tensor {
  if (padding === "border") return coord.clamp(0, size - 1);
  if (padding === "reflection") {
    const reflected = alignCorners ? reflect(coord, 0, 2 * (size - 1)) : reflect(coord, -1, 2 * size - 1);
    return reflected.clamp(0, size - 1);
  }
  return coord;
}

/** PyTorch's cubic convolution weights (A = −0.75) for the taps at offsets −1, 0, 1, 2 from ⌊x⌋. */
function cubicWeights(t: Tensor): Tensor[] {
  const A = -0.75;
  const near = (x: Tensor) => x.mul(A + 2).sub(A + 3).mul(x).mul(x).add(1);
  const far = (x: Tensor) => x.mul(A).sub(5 * A).mul(x).add(8 * A).mul(x).sub(4 * A);
  return [far(t.add(1)), near(t), near(t.neg().add(1)), far(t.neg().add(2))];
}

/**
 * Samples input [N, C, *S] at grid [N, *O, k] (k = 2 or 3; x first): [N, C, *O]. Each output is a
 * weighted sum of taps; a tap outside the input reads 0 (zeros), or its coordinate is clamped or
 * reflected first (border, reflection).
 */
export function gridSample(input: Tensor, grid: Tensor, { mode = "bilinear", paddingMode = "zeros", alignCorners = false }: GridSampleOptions = {}): Tensor {
  const spatial = input.ndim - 2;
  if (spatial !== 2 && spatial !== 3) throw new ShapeError(`gridSample: input must be [N, C, H, W] or [N, C, D, H, W], got ${fmtShape(input.shape)}`);
  if (grid.ndim !== spatial + 2 || grid.shape[0] !== input.shape[0] || grid.shape.at(-1) !== spatial) {
    throw new ShapeError(`gridSample: grid must be [${input.shape[0]}, ${spatial === 2 ? "Ho, Wo" : "Do, Ho, Wo"}, ${spatial}] for input ${fmtShape(input.shape)}, got ${fmtShape(grid.shape)}`);
  }
  if (!["bilinear", "nearest", "bicubic"].includes(mode)) throw new ValueError(`gridSample: mode must be bilinear, nearest or bicubic, got '${mode}'`);
  if (mode === "bicubic" && spatial === 3) throw new ValueError("gridSample: bicubic mode needs a 4-D input, as PyTorch");
  if (!["zeros", "border", "reflection"].includes(paddingMode)) throw new ValueError(`gridSample: paddingMode must be zeros, border or reflection, got '${paddingMode}'`);
  const [N, C] = input.shape as [number, number];
  const sizes = input.shape.slice(2); // [D,] H, W
  const outShape = grid.shape.slice(1, -1);
  const points = outShape.reduce((a, b) => a * b, 1);
  const flatGrid = grid.reshape(N, points, spatial);
  // Per input dim (outermost first): the pixel coordinate of each output point; grid's last axis is x (the innermost dim).
  const coords = sizes.map((size, d) => unnormalize(flatGrid.select(2, spatial - 1 - d), size, alignCorners));
  // Per dim: the taps as [coordinate (float, integral), weight] pairs.
  const taps = coords.map((c, d) => {
    const size = sizes[d]!;
    // Nearest: weight 1, computed from the grid so that it stays in the graph with gradient 0, as PyTorch's.
    if (mode === "nearest") return [[padCoordinates(c, size, paddingMode, alignCorners).round(), c.mul(0).add(1)] as const];
    if (mode === "bilinear") {
      const x = padCoordinates(c, size, paddingMode, alignCorners);
      const x0 = x.detach().floor();
      const t = x.sub(x0);
      return [[x0, t.neg().add(1)], [x0.add(1), t]] as const;
    }
    const x0 = c.detach().floor();
    const weights = cubicWeights(c.sub(x0));
    return weights.map((w, j) => [padCoordinates(x0.add(j - 1), size, paddingMode, alignCorners), w] as const);
  });
  const flatInput = input.reshape(N, C, -1);
  let out: Tensor | null = null;
  const visit = (d: number, position: Tensor | null, weight: Tensor | null, valid: Tensor | null) => {
    if (d === spatial) {
      const index = position!.clamp(0, sizes.reduce((a, b) => a * b, 1) - 1).int();
      let values = flatInput.gather(2, index.unsqueeze(1).expand(N, C, points));
      const factor = weight ? weight.mul(valid!) : valid!;
      values = values.mul(factor.unsqueeze(1));
      out = out ? out.add(values) : values;
      return;
    }
    const stride = sizes.slice(d + 1).reduce((a, b) => a * b, 1);
    for (const [coord, w] of taps[d]!) {
      const inside = coord.ge(0).logicalAnd(coord.le(sizes[d]! - 1)).to(input.dtype);
      const pos = coord.detach().mul(stride);
      visit(d + 1, position ? position.add(pos) : pos, w ? (weight ? weight.mul(w) : w) : weight, valid ? valid.mul(inside) : inside);
    }
  };
  visit(0, null, null, null);
  return out!.reshape(N, C, ...outShape);
}
