/**
 * How precisely float32 matrix products are computed: PyTorch's `torch.set_float32_matmul_precision`.
 *
 * - "highest" (the default): in float32 everywhere.
 * - "high": PyTorch allows TF32 here. No backend has TF32 (WebGPU exposes no tensor cores), so
 *   every backend computes in float32, as PyTorch does where no fast kernel exists.
 * - "medium": a backend may multiply in half precision. On webgpu, where the adapter has
 *   `shader-f16`, the tiled matmul scales each row of A and each column of B by a power of two,
 *   multiplies in float16 and sums in float32 (docs/webgpu.md: "Half-precision products"); the CPU
 *   backends compute in float32 (WebAssembly has no half-precision arithmetic).
 *
 * A process-wide setting, read by the backends at each product, like PyTorch's.
 */
import { ValueError } from "./errors.js";

export type MatmulPrecision = "highest" | "high" | "medium";

const PRECISIONS: readonly MatmulPrecision[] = ["highest", "high", "medium"];

let precision: MatmulPrecision = "highest";

export function setFloat32MatmulPrecision(p: MatmulPrecision): void {
  if (!(PRECISIONS as readonly unknown[]).includes(p)) {
    throw new ValueError(`setFloat32MatmulPrecision: expected one of ${PRECISIONS.map((q) => `"${q}"`).join(", ")}, got ${JSON.stringify(p)}`);
  }
  precision = p;
}

export function getFloat32MatmulPrecision(): MatmulPrecision {
  return precision;
}
