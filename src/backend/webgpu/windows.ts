/**
 * The sliding windows of convolution and pooling: im2col (one thread per column element) and its
 * adjoint col2im, computed as a gather (one thread per input pixel, summing the window taps that
 * cover it), so that it needs no atomics and sums in a fixed order.
 */
import { windowGrid, type WindowGeometry } from "../backend.js";
import { META, WGSL_TYPE, binding, prologue, type GpuDType } from "./wgsl.js";
import { valueBits, type MapKernel, type Operand } from "./elementwise.js";

function geometry(g: WindowGeometry): number[] {
  return [g.kernel[0], g.kernel[1], g.stride[0], g.stride[1], g.padding[0], g.padding[1], g.dilation[0], g.dilation[1]];
}

/** meta: [total, N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, …]: the geometry as WGSL lets. */
const GEOMETRY = `
  let N = u32(params[1]); let C = u32(params[2]); let H = i32(params[3]); let W = i32(params[4]);
  let kh = u32(params[5]); let kw = u32(params[6]); let sh = params[7]; let sw = params[8];
  let ph = params[9]; let pw = params[10]; let dh = params[11]; let dw = params[12];
  let oh = u32(params[13]); let ow = u32(params[14]);`;

export function im2colKernel(x: Operand, shape: readonly number[], g: WindowGeometry, padValue: number, batchInner: boolean, out: GPUBuffer): MapKernel {
  const [n, c, h, w] = shape as [number, number, number, number];
  const [oh, ow] = windowGrid([h, w], g);
  const total = n * c * g.kernel[0] * g.kernel[1] * oh * ow;
  const meta = [total, n, c, h, w, ...geometry(g), oh, ow, x.offset, ...x.strides, +batchInner, valueBits(padValue, x.dtype)];
  const code = [
    META, binding(1, "out", x.dtype, true), binding(2, "x", x.dtype, false), prologue(), GEOMETRY,
    `  let L = oh * ow;
  let K = C * kh * kw;
  let l = i % L;
  var row: u32; var b: u32;
  if (params[20] == 1) { row = i / (N * L); b = (i / L) % N; } else { b = i / (K * L); row = (i / L) % K; }
  let ch = row / (kh * kw);
  let ki = i32((row / kw) % kh);
  let kj = i32(row % kw);
  let y = i32(l / ow) * sh - ph + ki * dh;
  let xx = i32(l % ow) * sw - pw + kj * dw;
  var v = bitcast<${WGSL_TYPE[x.dtype]}>(params[21]);
  if (y >= 0 && y < H && xx >= 0 && xx < W) { v = x[u32(params[15] + i32(b) * params[16] + i32(ch) * params[17] + y * params[18] + xx * params[19])]; }
  out[i] = v;`, "}",
  ].join("\n");
  return { code, meta, buffers: [out, x.buffer], threads: total };
}

export function col2imKernel(cols: Operand, colsShape: readonly number[], channels: number, size: readonly [number, number], g: WindowGeometry, out: GPUBuffer): MapKernel {
  const n = colsShape[0]!;
  const [h, w] = size;
  const [oh, ow] = windowGrid([h, w], g);
  const total = n * channels * h * w;
  const meta = [total, n, channels, h, w, ...geometry(g), oh, ow, cols.offset, ...cols.strides];
  const t = WGSL_TYPE[cols.dtype as GpuDType];
  const code = [
    META, binding(1, "out", cols.dtype, true), binding(2, "cols", cols.dtype, false), prologue(), GEOMETRY,
    `  let xx = i32(i % u32(W));
  let y = i32((i / u32(W)) % u32(H));
  let ch = (i / u32(W * H)) % C;
  let b = i / (u32(W * H) * C);
  var acc = ${t}(0);
  for (var ki = 0u; ki < kh; ki++) {
    let ty = y + ph - i32(ki) * dh;
    if (ty < 0 || ty % sh != 0 || ty / sh >= i32(oh)) { continue; }
    for (var kj = 0u; kj < kw; kj++) {
      let tx = xx + pw - i32(kj) * dw;
      if (tx < 0 || tx % sw != 0 || tx / sw >= i32(ow)) { continue; }
      let row = (ch * kh + ki) * kw + kj;
      let col = u32(ty / sh) * ow + u32(tx / sw);
      acc += cols[u32(params[15] + i32(b) * params[16] + i32(row) * params[17] + i32(col) * params[18])];
    }
  }
  out[i] = acc;`, "}",
  ].join("\n");
  return { code, meta, buffers: [out, cols.buffer], threads: total };
}
