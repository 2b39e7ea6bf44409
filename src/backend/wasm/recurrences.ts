/**
 * The wasm backend's whole-sequence recurrences on float32 (the host side of
 * wasm/recurrent-sequence.ts): RNN, LSTM and GRU layers over all time steps in one kernel call
 * each way, split over the pool by batch rows when the recurrence is large. The rows are
 * independent, so each thread runs through the whole sequence with no step-by-step barrier.
 */
import { isContiguous } from "../../base/shape.js";
import type { Storage, View } from "../backend.js";
import type { WasmBackend } from "./index.js";
import type { WasmStorage } from "./storage.js";

/**
 * Multiply-adds of a whole recurrence (T·N·4H·H for an LSTM) from which its batch rows split over
 * the pool: the threads run through the sequence independently, so one wake-up serves every step.
 */
const PARALLEL_RECURRENCE_MACS = 1 << 20;

type SequenceKernel = "lstmSequence" | "lstmSequenceBackward" | "gruSequence" | "gruSequenceBackward" | "rnnSequence" | "rnnSequenceBackward";

/**
 * Runs a sequence kernel over batch rows [0, N) — args, then the row range — split into row ranges
 * (whole 4-row blocks) over the pool when the recurrence of T steps with a [G, H] W_hh is large.
 */
function byRows(w: WasmBackend, kernel: SequenceKernel, [T, N, G, H]: [number, number, number, number], args: number[]): void {
  const run = w.k[kernel] as (...a: number[]) => void;
  const threads = w.numThreads;
  if (threads === 1 || N < 8 || T * N * G * H < PARALLEL_RECURRENCE_MACS) return run(...args, 0, N);
  const per = Math.ceil(N / threads / 4) * 4;
  const shares: number[][] = [];
  for (let n0 = 0; n0 < N; n0 += per) shares.push([...args, n0, Math.min(N, n0 + per)]);
  w.workers().run(kernel, shares, run);
}

/** Runs a forward kernel with W_hh [G, H] transposed into scratch (the kernels read it k-major). */
function withTransposed(w: WasmBackend, wHh: View, G: number, H: number, body: (wT: number) => void): void {
  const bytes = Math.max(4 * G * H, 1);
  const wT = w.heap.alloc(bytes);
  w.k.transposeInto(w.addr(wHh), G, H, wT);
  body(wT);
  w.heap.release(wT, bytes);
}

export function lstmSequence(w: WasmBackend, proj: View, h0: View, c0: View, wHh: View, mask: View | null, reverse: boolean): [Storage, Storage, Storage] {
  const [T, N, G] = proj.shape as [number, number, number];
  const H = G / 4;
  const [hs, cs, act] = [w.allocate("float32", (T + 1) * N * H), w.allocate("float32", (T + 1) * N * H), w.allocate("float32", T * N * 5 * H)];
  withTransposed(w, wHh, G, H, (wT) => {
    byRows(w, "lstmSequence", [T, N, G, H], [w.addr(proj), w.addr(h0), w.addr(c0), wT, mask ? w.addr(mask) : 0, hs.ptr, cs.ptr, act.ptr, T, N, H, reverse ? 1 : 0]);
  });
  return [hs, cs, act];
}

export function lstmSequenceBackward(w: WasmBackend, act: View, cs: View, wHh: View, mask: View | null, dhs: View | null, dcs: View | null, dhN: View | null, dcN: View | null, reverse: boolean): [Storage, Storage, Storage] {
  const [T1, N, H] = cs.shape as [number, number, number];
  const T = T1 - 1;
  // The kernel reads the incoming gradients (contiguous: a broadcast one is copied) and accumulates
  // into its own copy of the cell states' (without any, it only writes dc).
  const copies: WasmStorage[] = [];
  const dense = (d: View | null) => (!d ? 0 : isContiguous(d.shape, d.strides) ? w.addr(d) : copies[copies.push(w.copy(d) as WasmStorage) - 1]!.ptr);
  const dc = (dcs ? w.copy(dcs) : w.allocate("float32", T1 * N * H)) as WasmStorage;
  const [dh, dproj] = [w.allocate("float32", T1 * N * H), w.allocate("float32", T * N * 4 * H)];
  byRows(w, "lstmSequenceBackward", [T, N, 4 * H, H], [w.addr(act), w.addr(cs), w.addr(wHh), mask ? w.addr(mask) : 0, dense(dhs), dense(dhN), dense(dcN), dh.ptr, dc.ptr, dproj.ptr, T, N, H, dcs ? 1 : 0, reverse ? 1 : 0]);
  for (const c of copies) c.release();
  return [dproj, dh, dc];
}

export function gruSequence(w: WasmBackend, xProj: View, h0: View, wHh: View, bHh: View, mask: View | null, reverse: boolean): [Storage, Storage] {
  const [T, N, G] = xProj.shape as [number, number, number];
  const H = G / 3;
  const [hs, act] = [w.allocate("float32", (T + 1) * N * H), w.allocate("float32", T * N * 4 * H)];
  withTransposed(w, wHh, G, H, (wT) => {
    byRows(w, "gruSequence", [T, N, G, H], [w.addr(xProj), w.addr(h0), wT, w.addr(bHh), mask ? w.addr(mask) : 0, hs.ptr, act.ptr, T, N, H, reverse ? 1 : 0]);
  });
  return [hs, act];
}

export function gruSequenceBackward(w: WasmBackend, act: View, hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean): [Storage, Storage, Storage] {
  const [T1, N, H] = hs.shape as [number, number, number];
  const T = T1 - 1;
  const dh = w.copy(dhs) as WasmStorage; // accumulated in place
  const [dx, dhp] = [w.allocate("float32", T * N * 3 * H), w.allocate("float32", T * N * 3 * H)];
  byRows(w, "gruSequenceBackward", [T, N, 3 * H, H], [w.addr(act), w.addr(hs), w.addr(wHh), mask ? w.addr(mask) : 0, dh.ptr, dx.ptr, dhp.ptr, T, N, H, reverse ? 1 : 0]);
  return [dx, dhp, dh];
}

export function rnnSequence(w: WasmBackend, xProj: View, h0: View, wHh: View, mask: View | null, reverse: boolean, relu: boolean): Storage {
  const [T, N, H] = xProj.shape as [number, number, number];
  const hs = w.allocate("float32", (T + 1) * N * H);
  withTransposed(w, wHh, H, H, (wT) => {
    byRows(w, "rnnSequence", [T, N, H, H], [w.addr(xProj), w.addr(h0), wT, mask ? w.addr(mask) : 0, hs.ptr, T, N, H, reverse ? 1 : 0, relu ? 1 : 0]);
  });
  return hs;
}

export function rnnSequenceBackward(w: WasmBackend, hs: View, wHh: View, mask: View | null, dhs: View, reverse: boolean, relu: boolean): [Storage, Storage] {
  const [T1, N, H] = hs.shape as [number, number, number];
  const T = T1 - 1;
  const dh = w.copy(dhs) as WasmStorage; // accumulated in place
  const dx = w.allocate("float32", T * N * H);
  byRows(w, "rnnSequenceBackward", [T, N, H, H], [w.addr(hs), w.addr(wHh), mask ? w.addr(mask) : 0, dh.ptr, dx.ptr, T, N, H, reverse ? 1 : 0, relu ? 1 : 0]);
  return [dx, dh];
}
