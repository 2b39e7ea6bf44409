/**
 * The ops that compute on the host from the values, which the GPU refuses with a typed error (its
 * reads are asynchronous): output shapes that depend on the data, and float_power (float64 by
 * definition). The other fixtures
 * run on the GPU. Shared by the parity runs in Node (webgpu.test.ts) and in a browser page
 * (test/browser/conformance-page.ts).
 */
export const GPU_HOST_OPS: ReadonlySet<string> = new Set([
  "repeat_interleave", "masked_select", "unique_values", "unique_inverse", "unique_counts", "unique_consecutive_counts",
  "bincount", "bincount_weights",
  "float_power",
]);
