/** The message sizes of bench/distributed.ts (1 KB … 64 MB, ×16) and calls per measurement, shared with its ranks. */
export const SIZES = [1 << 10, 1 << 14, 1 << 18, 1 << 22, 1 << 26];
export const repsFor = (bytes: number) => (bytes <= 1 << 14 ? 1000 : bytes <= 1 << 18 ? 200 : bytes <= 1 << 22 ? 30 : 3);
