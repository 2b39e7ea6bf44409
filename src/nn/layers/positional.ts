/** Positional encodings for sequence models over [N, T, E] (batch first) or [T, N, E] inputs. */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { arange } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";
import { Module } from "../module.js";
import { Dropout } from "./dropout.js";
import { Embedding } from "./embedding.js";

export interface PositionalOptions {
  maxLen?: number;
  dropout?: number;
  batchFirst?: boolean;
}

function positionsOf(x: Tensor, batchFirst: boolean, maxLen: number, name: string): number {
  if (x.ndim !== 3) throw new ShapeError(`${name}: expected a 3-D input, got shape ${fmtShape(x.shape)}`);
  const T = x.shape[batchFirst ? 1 : 0]!;
  if (T > maxLen) throw new ShapeError(`${name}: sequence length ${T} exceeds maxLen ${maxLen}`);
  return T;
}

/**
 * The fixed sinusoids of "Attention Is All You Need": pe[t, 2i] = sin(t/10000^(2i/E)),
 * pe[t, 2i+1] = cos(…), added to the input, then dropout. Stored as a non-persistent buffer.
 */
export class SinusoidalPositionalEncoding extends Module<[Tensor], Tensor> {
  readonly dropout: Dropout;
  readonly maxLen: number;
  readonly batchFirst: boolean;

  constructor(readonly dModel: number, { maxLen = 5000, dropout = 0.1, batchFirst = true }: PositionalOptions = {}) {
    super();
    this.maxLen = maxLen;
    this.batchFirst = batchFirst;
    this.dropout = new Dropout(dropout);
    const pos = arange(maxLen).unsqueeze(1); // [T, 1]
    const div = arange(0, dModel, 2).mul(-Math.log(10000) / dModel).exp(); // [E/2]
    const angles = pos.mul(div); // [T, E/2]
    // Interleave sin and cos: [T, E/2, 2] → [T, E] (an odd E drops the last cos column).
    const pe = stack([angles.sin(), angles.cos()], 2).reshape(maxLen, -1).narrow(1, 0, dModel);
    this.registerBuffer("pe", pe, false);
  }

  forward(x: Tensor): Tensor {
    const T = positionsOf(x, this.batchFirst, this.maxLen, "SinusoidalPositionalEncoding");
    const pe = this.getBuffer("pe")!.narrow(0, 0, T);
    return this.dropout.forward(x.add(this.batchFirst ? pe.unsqueeze(0) : pe.unsqueeze(1)));
  }
}

/** A learned vector per position (an Embedding over positions 0…maxLen−1), added to the input. */
export class LearnedPositionalEmbedding extends Module<[Tensor], Tensor> {
  readonly embedding: Embedding;
  readonly dropout: Dropout;
  readonly maxLen: number;
  readonly batchFirst: boolean;

  constructor(readonly dModel: number, { maxLen = 512, dropout = 0, batchFirst = true }: PositionalOptions = {}) {
    super();
    this.maxLen = maxLen;
    this.batchFirst = batchFirst;
    this.embedding = new Embedding(maxLen, dModel);
    this.dropout = new Dropout(dropout);
  }

  forward(x: Tensor): Tensor {
    const T = positionsOf(x, this.batchFirst, this.maxLen, "LearnedPositionalEmbedding");
    const pe = this.embedding.forward(arange(T, undefined, 1, { dtype: "int32", device: x.backend }));
    return this.dropout.forward(x.add(this.batchFirst ? pe.unsqueeze(0) : pe.unsqueeze(1)));
  }
}
