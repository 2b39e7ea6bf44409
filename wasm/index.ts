// AssemblyScript sources of the wasm backend's kernels, compiled by `npm run build:wasm` into
// src/backend/wasm/kernels.generated.ts. Pointers are byte offsets into the imported memory.
export { sgemm, GEMM_SCRATCH_BYTES } from "./gemm";
export { sgemmDot, sumBlocks } from "./dot";
export { unary, binary, where, convert, gelu, geluBackward, reluBackward } from "./elementwise";
export { layerNormRows, layerNormRowsBackward, LAYER_NORM_PART_ROWS, reduce, softmaxRows, softmaxRowsBackward, sumParts, sumPartsF64 } from "./reduce";
export { im2col, col2im } from "./windows";
export { maxPool2x2, maxPool2x2Backward } from "./pooling";
export { batchNormForward, batchNormBackward } from "./batchnorm";

/** First byte after the kernels' static data (maths tables): the JS heap allocates above it. */
export function heapBase(): usize {
  return __heap_base;
}
export { argReduce, gather, scatterAdd, scatterReduce } from "./indexing";
export { adam, sgd } from "./optim";
export { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from "./recurrent";
export { dropout, dropoutBackward, normal, uniform } from "./random";
export { kmeansStep, KMEANS_PARTS } from "./kmeans";
export { gruSequence, gruSequenceBackward, lstmSequence, lstmSequenceBackward, rnnSequence, rnnSequenceBackward } from "./recurrent-sequence";
export { colsGemm, rowsGemm, transposeInto } from "./rows-gemm";
export { fill32 } from "./memops";
