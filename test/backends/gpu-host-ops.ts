/**
 * The ops that compute on the host from the values, which the GPU refuses with a typed error (its
 * reads are asynchronous): output shapes that depend on the data, and float_power (float64 by
 * definition). The other fixtures
 * run on the GPU. Shared by the parity runs in Node (webgpu.test.ts) and in a browser page
 * (test/browser/conformance-page.ts).
 */
export const GPU_HOST_OPS: ReadonlySet<string> = new Set([
  "repeat_interleave", "masked_select", "masked_scatter", "unique_values", "unique_inverse", "unique_counts", "unique_consecutive_counts",
  "bincount", "bincount_weights", "quantile_q_tensor_keepdim",
  "float_power",
]);

/** The nn parity cases that read values on the host: adaptive softmax picks each cluster's rows by the targets (shapes that depend on the data). */
export const GPU_HOST_LAYERS: ReadonlySet<string> = new Set(["adaptive_log_softmax"]);
