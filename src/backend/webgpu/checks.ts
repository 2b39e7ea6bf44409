/**
 * Checks of values on the device (Backend.deferCheck): an op that must refuse bad values (a
 * singular matrix for inv, a matrix that is not positive-definite for cholesky) cannot read them
 * without stalling the queue. Instead a kernel looks at the bool flags the op computed and, where
 * one is set, records the check in the backend's check buffer: [claim, message id, first position].
 * The first failing check in queue order claims the buffer (its sequence number, by
 * compare-and-swap from 0); its threads then take the smallest flagged position, and a second
 * dispatch may copy the value found there for the message. The next read raises it, as index
 * errors are raised (WebGpuBackend.read).
 */
import { META, prologue } from "./wgsl.js";
import type { MapKernel } from "./elementwise.js";

/** The check buffer's words when nothing failed: no claim, no message, the largest position, no value. */
export const CHECK_CLEAR = new Uint32Array([0, 0, 0xffffffff, 0]);

/** flags: a contiguous bool (u32) buffer of n elements from `offset`; seq ≥ 1 names this check. */
export function checkKernel(n: number, flags: { buffer: GPUBuffer; offset: number }, seq: number, message: number, check: GPUBuffer): MapKernel {
  const code = `${META}
@group(0) @binding(1) var<storage, read_write> check: array<atomic<u32>, 4>;
@group(0) @binding(2) var<storage, read> flags: array<u32>;
${prologue()}
  if (flags[u32(params[1]) + i] == 0u) { return; }
  let seq = u32(params[2]);
  loop {
    let r = atomicCompareExchangeWeak(&check[0], 0u, seq);
    if (!r.exchanged && r.old_value == 0u) { continue; } // a spurious failure of the weak exchange
    if (r.exchanged || r.old_value == seq) {
      atomicStore(&check[1], u32(params[3]));
      atomicMin(&check[2], i);
    }
    break;
  }
}`;
  return { code, meta: [n, flags.offset, seq, message], buffers: [check, flags.buffer], threads: n };
}

/** Where check `seq` failed, copies the float32 value at the first flagged position into word 3. */
export function checkValueKernel(values: { buffer: GPUBuffer; offset: number }, seq: number, check: GPUBuffer): MapKernel {
  const code = `${META}
@group(0) @binding(1) var<storage, read_write> check: array<atomic<u32>, 4>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
${prologue()}
  if (atomicLoad(&check[0]) != u32(params[2])) { return; }
  atomicStore(&check[3], bitcast<u32>(values[u32(params[1]) + atomicLoad(&check[2])]));
}`;
  return { code, meta: [1, values.offset, seq], buffers: [check, values.buffer], threads: 1 };
}
