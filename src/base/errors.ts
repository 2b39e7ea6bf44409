/**
 * The typed error hierarchy. Every message names the op or layer, the offending shapes, dtypes or
 * file, and what was expected, so a user can fix the call without reading our source.
 */
export class TensorgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (matmul inner dims, broadcasting, reshape sizes, dims out of range). */
export class ShapeError extends TensorgradError {}

/** A dtype the op does not accept (e.g. a gradient for int32, a float index). */
export class DTypeError extends TensorgradError {}

/** An argument with a bad value that is neither a shape nor a dtype problem. */
export class ValueError extends TensorgradError {}

/** Misuse of autograd: backward twice through a freed graph, backward of a non-scalar, … */
export class AutogradError extends TensorgradError {}

/** Data that cannot be loaded or is malformed (datasets, CSV rows, …). */
export class DataError extends TensorgradError {}

/** A file whose bytes do not follow the format it claims (IDX, safetensors, …). */
export class FormatError extends TensorgradError {}

/** Shapes print as PyTorch prints them in its messages: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** An index outside the dimension it indexes (gather, indexSelect, embedding ids, …). */
export class IndexError extends TensorgradError {}

/** Distributed training that cannot go on: no MPI where the launcher started ranks, a world of the wrong size, a failed collective. */
export class DistributedError extends TensorgradError {}

/** A device that cannot be reached (no WebGPU adapter), or a tensor used where its device cannot serve it (a GPU tensor read synchronously). */
export class DeviceError extends TensorgradError {}
