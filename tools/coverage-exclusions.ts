/**
 * The PyTorch names tensorgrad leaves out on purpose, and why: they need hardware, storage formats
 * or dtypes it does not have (CUDA, sparse layouts, quantized and complex dtypes), belong to
 * PyTorch's compiler and C++ runtime, or PyTorch itself deprecates them. A rule matches a PyTorch
 * name (snake_case, as tools/coverage/torch-api.json lists it) in the namespaces it names.
 */
export interface Exclusion {
  reason: string;
  /** Where the rule applies; all namespaces if absent. */
  namespaces?: readonly string[];
  match: RegExp | readonly string[];
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    reason: "CUDA and other accelerators' libraries (tensorgrad's GPU path is WebGPU)",
    match: /cuda|cudnn|miopen|mkldnn|fbgemm|vulkan|(^|_)mps|xpu|ipu|xla|hpu|mtia|pin_memory|is_pinned|record_stream|get_device|autocast|^DataParallel$|^SyncBatchNorm$|grouped_mm|scaled_mm/,
  },
  {
    reason: "sparse layouts",
    match: /sparse|coalesce|^(crow|ccol|col|row)_indices|^indices|^values$|^to_dense$|^dense_dim$|^sspaddmm$|^smm$|^hspmm$|^dsmm$|^hsmm$|^saddmm$|^to_mkldnn$|^SparseAdam$/,
  },
  { reason: "quantized dtypes", match: /quantiz|dequantize|^q_|qscheme|^int_repr$|fake_quant|qparams|per_channel/ },
  {
    reason: "complex dtypes",
    match: /complex|conj|^angle$|^imag$|^real$|^isreal$|^polar$|view_as_real|^is_neg$|^resolve_neg$|^adjoint$/,
  },
  { reason: "complex dtypes (every transform returns complex values)", namespaces: ["torch.fft"], match: /fft[2n]?$/ },
  { reason: "complex dtypes (every transform returns complex values)", match: ["stft", "istft"] },
  { reason: "complex dtypes (a general matrix's eigenvalues are complex)", namespaces: ["torch.linalg"], match: ["eig", "eigvals"] },
  { reason: "named tensors", match: /names|^refine_names$|^align_to$|^align_as$|^rename_?$/ },
  {
    reason: "PyTorch's compiler, TorchScript and C++ runtime",
    match: /^compile$|jit|^fork$|^wait$|^import_ir_module|^vmap$|^cond$|^while_loop$|^export$|^sym_|^is_inference|inference_mode|^set_flush_denormal$|deterministic|interop|warn_always|anomaly|^is_storage$|storage|data_ptr|^share_memory_$|^is_shared$|^from_file$|^frombuffer$|^from_dlpack$|__dlpack|^to_dlpack$|^hash_tensor$|^get_device_module$|^set_default_device$|^get_default_device$|^is_distributed$|^module_load$|^get_float32_matmul_precision$|^set_float32_matmul_precision$|^set_printoptions$|^set_warn_always$|^use_deterministic_algorithms$|^dim_order$|^nonzero_static$/,
  },
  {
    reason: "deprecated by PyTorch",
    match: [
      "chain_matmul", "ger", "frobenius_norm", "nuclear_norm", "NLLLoss2d", "upsample", "upsample_bilinear", "upsample_nearest",
      "UpsamplingBilinear2d", "UpsamplingNearest2d", "Container", "IterDataPipe", "MapDataPipe",
    ],
  },
  // torch.linalg has these; the top-level and Tensor spellings are the deprecated ones.
  { reason: "deprecated by PyTorch (torch.linalg has it)", namespaces: ["torch", "torch.Tensor"], match: ["lu", "lu_solve", "cholesky", "qr", "matrix_rank", "symeig", "eig", "lstsq", "solve"] },
  { reason: "PyTorch's compiler, TorchScript and C++ runtime", match: ["resize_as_", "resize_", "is_set_to", "set_", "to_padded_tensor"] },
  { reason: "view-copy variants (PyTorch's compiler removes views with them)", match: /_copy$/ },
  {
    reason: "PyTorch's compiler, TorchScript and C++ runtime",
    match: ["merge_type_from_type_comment", "parse_ir", "parse_schema", "parse_type_comment", "unify_type_list", "typename", "thread_safe_generator", "unsafe_chunk", "unsafe_split", "init_num_threads", "set_default_tensor_type", "is_contiguous", "apply_", "map_", "new"],
  },
  { reason: "lazy modules (shape inferred on first call)", namespaces: ["torch.nn"], match: /^Lazy/ },
  {
    reason: "dtypes tensorgrad does not have (float16, bfloat16, int8, uint8, int16, complex: float32, int32 and float64 stand in)",
    namespaces: ["torch.Tensor"],
    match: ["half", "bfloat16", "byte", "char", "short", "cfloat", "cdouble", "chalf"],
  },
  {
    reason: "in-place shape changes (a tensor's shape and strides are fixed; the out-of-place views give the same tensor)",
    namespaces: ["torch.Tensor"],
    match: ["squeeze_", "unsqueeze_", "t_", "transpose_", "swapaxes_", "swapdims_", "as_strided_"],
  },
  { reason: "Python subclassing", namespaces: ["torch.Tensor"], match: ["as_subclass"] },
];

/** The reason a name is left out, or null if it counts. */
export function exclusionOf(namespace: string, name: string): string | null {
  for (const rule of EXCLUSIONS) {
    if (rule.namespaces && !rule.namespaces.includes(namespace)) continue;
    const hit = rule.match instanceof RegExp ? rule.match.test(name) : rule.match.includes(name);
    if (hit) return rule.reason;
  }
  return null;
}
