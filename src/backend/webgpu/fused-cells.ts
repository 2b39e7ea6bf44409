/**
 * The LSTM and GRU cells in WGSL, a thread per (row, hidden unit), forward and backward, with the
 * wasm kernels' layouts (wasm/recurrent.ts): one dispatch where the composed cell takes about ten,
 * per step of a recurrent layer, which on the GPU steps through time cell by cell.
 */
import { kernel, type Flat } from "./fused.js";
import type { MapKernel } from "./elementwise.js";

/** σ, and tanh that saturates to ±1 past |x| = 10 (some drivers' exp-based tanh overflows to NaN there, as ops.ts notes). */
export const CELL_HELPERS = `
fn sig(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn th(x: f32) -> f32 { return select(tanh(x), sign(x), abs(x) > 10.0); }`;

/** Thread i's row n and unit j of an [N, H] state, H at meta word k. */
const UNIT = (k: number) => [`  let H = u32(params[${k}]);`, `  let n = i / H;`, `  let j = i % H;`];

/** One LSTM step from gates [N, 4H] (i, f, g, o) and c [N, H] → h, cNext [N, H] and act [N, 5H] = σ(i), σ(f), tanh(g), σ(o), tanh(cNext). */
export function lstmCellKernel(N: number, H: number, gates: Flat, c: Flat, h: Flat, cNext: Flat, act: Flat): MapKernel {
  const operands = [
    { name: "gates", write: false, at: gates }, { name: "c", write: false, at: c },
    { name: "h", write: true, at: h }, { name: "cn", write: true, at: cNext }, { name: "act", write: true, at: act },
  ];
  return kernel(N * H, operands, [H], [
    ...UNIT(6),
    `  let p = gates0 + n * 4u * H + j;`,
    `  let a = act0 + n * 5u * H + j;`,
    `  let ig = sig(gates[p]); let fg = sig(gates[p + H]); let gg = th(gates[p + 2u * H]); let og = sig(gates[p + 3u * H]);`,
    `  let cv = fg * c[c0 + i] + ig * gg;`,
    `  let tc = th(cv);`,
    `  act[a] = ig; act[a + H] = fg; act[a + 2u * H] = gg; act[a + 3u * H] = og; act[a + 4u * H] = tc;`,
    `  cn[cn0 + i] = cv;`,
    `  h[h0 + i] = og * tc;`,
  ], CELL_HELPERS);
}

/** Its vector–Jacobian product from act, c and dh, dcNext (null: zero) → dgates [N, 4H], dc [N, H]. */
export function lstmCellBackwardKernel(N: number, H: number, act: Flat, c: Flat, dh: Flat | null, dcNext: Flat | null, dgates: Flat, dc: Flat): MapKernel {
  const operands = [
    { name: "act", write: false, at: act }, { name: "c", write: false, at: c },
    ...(dh ? [{ name: "dh", write: false, at: dh }] : []), ...(dcNext ? [{ name: "dcn", write: false, at: dcNext }] : []),
    { name: "dg", write: true, at: dgates }, { name: "dc", write: true, at: dc },
  ];
  return kernel(N * H, operands, [H], [
    ...UNIT(operands.length + 1),
    `  let a = act0 + n * 5u * H + j;`,
    `  let ig = act[a]; let fg = act[a + H]; let gg = act[a + 2u * H]; let og = act[a + 3u * H]; let tc = act[a + 4u * H];`,
    `  let gh = ${dh ? "dh[dh0 + i]" : "0.0"};`,
    `  let dcT = ${dcNext ? "dcn[dcn0 + i]" : "0.0"} + gh * og * (1.0 - tc * tc);`,
    `  let d = dg0 + n * 4u * H + j;`,
    `  dg[d] = dcT * gg * (ig * (1.0 - ig));`,
    `  dg[d + H] = dcT * c[c0 + i] * (fg * (1.0 - fg));`,
    `  dg[d + 2u * H] = dcT * ig * (1.0 - gg * gg);`,
    `  dg[d + 3u * H] = gh * tc * (og * (1.0 - og));`,
    `  dc[dc0 + i] = dcT * fg;`,
  ], CELL_HELPERS);
}

/** One GRU step (PyTorch's form) from xProj, hProj [N, 3H] (r, z, n) and h [N, H] → hNext [N, H] and act [N, 3H] = r, z, n. */
export function gruCellKernel(N: number, H: number, xProj: Flat, hProj: Flat, h: Flat, hNext: Flat, act: Flat): MapKernel {
  const operands = [
    { name: "xp", write: false, at: xProj }, { name: "hp", write: false, at: hProj }, { name: "h", write: false, at: h },
    { name: "hn", write: true, at: hNext }, { name: "act", write: true, at: act },
  ];
  return kernel(N * H, operands, [H], [
    ...UNIT(6),
    `  let p = n * 3u * H + j;`,
    `  let r = sig(xp[xp0 + p] + hp[hp0 + p]);`,
    `  let z = sig(xp[xp0 + p + H] + hp[hp0 + p + H]);`,
    `  let nv = th(xp[xp0 + p + 2u * H] + r * hp[hp0 + p + 2u * H]);`,
    `  act[act0 + p] = r; act[act0 + p + H] = z; act[act0 + p + 2u * H] = nv;`,
    `  hn[hn0 + i] = (1.0 - z) * nv + z * h[h0 + i];`,
  ], CELL_HELPERS);
}

/** Its vector–Jacobian product from act, hProj, h and dhNext → dxProj, dhProj [N, 3H] and dh [N, H]. */
export function gruCellBackwardKernel(N: number, H: number, act: Flat, hProj: Flat, h: Flat, dhNext: Flat, dxProj: Flat, dhProj: Flat, dh: Flat): MapKernel {
  const operands = [
    { name: "act", write: false, at: act }, { name: "hp", write: false, at: hProj }, { name: "h", write: false, at: h }, { name: "g", write: false, at: dhNext },
    { name: "dx", write: true, at: dxProj }, { name: "dhp", write: true, at: dhProj }, { name: "dh", write: true, at: dh },
  ];
  return kernel(N * H, operands, [H], [
    ...UNIT(8),
    `  let p = n * 3u * H + j;`,
    `  let r = act[act0 + p]; let z = act[act0 + p + H]; let nv = act[act0 + p + 2u * H];`,
    `  let gv = g[g0 + i];`,
    `  let dn = gv * (1.0 - z) * (1.0 - nv * nv);`,
    `  let dz = gv * (h[h0 + i] - nv) * z * (1.0 - z);`,
    `  let dr = dn * hp[hp0 + p + 2u * H] * r * (1.0 - r);`,
    `  dx[dx0 + p] = dr; dx[dx0 + p + H] = dz; dx[dx0 + p + 2u * H] = dn;`,
    `  dhp[dhp0 + p] = dr; dhp[dhp0 + p + H] = dz; dhp[dhp0 + p + 2u * H] = dn * r;`,
    `  dh[dh0 + i] = gv * z;`,
  ], CELL_HELPERS);
}
