/**
 * LSTM, GRU and plain RNN layers over a whole sequence on the GPU: the lstmSequence, gruSequence
 * and rnnSequence routines' contract (the layouts of wasm/recurrent-sequence.ts): states by time
 * [T + 1, N, H] (running forward, step t reads state t and writes t + 1; reversed, it reads t + 1
 * and writes t), the gate activations by step, and a mask [T, N] that holds a finished sequence's
 * state. A step cannot start before the last one ends everywhere, so each step is a dispatch:
 * forward, one per step that adds h·W_hhᵀ to the step's projection and runs the cell, a thread per
 * (row, hidden unit); backward, two per step, the cell's gradient, then the state's, dgates·W_hh.
 * Where the layer stepped through time cell by cell, a step took a product, an add and the cell
 * each way, each with its autograd node and tensors.
 */
import { META, NAN_HELPERS, binding } from "./wgsl.js";
import type { MapKernel } from "./elementwise.js";
import { kernel, type Flat } from "./fused.js";
import { CELL_HELPERS } from "./fused-cells.js";

type Kernel = MapKernel & { groups: number; workgroup: number };

/** Sizes, and the step: t the time index, p the state it reads, q the state it writes. */
export interface SequenceStep {
  readonly N: number;
  readonly H: number;
  readonly t: number;
  readonly p: number;
  readonly q: number;
}

/**
 * A kernel with a thread per (row n, unit j): a row's threads share a workgroup (or several, for a
 * wide H), so the state row they all read has one address for all of them.
 */
function unitKernel(step: SequenceStep, operands: readonly { name: string; write: boolean; at: Flat }[], masked: boolean, body: string[]): Kernel {
  const { N, H, t, p, q } = step;
  const workgroup = Math.min(64, Math.max(8, 2 ** Math.ceil(Math.log2(H))));
  const blocks = Math.ceil(H / workgroup);
  const meta = [N, H, blocks, t, p, q, ...operands.map((o) => o.at.offset)];
  const code = [
    META,
    ...operands.map((o, k) => binding(k + 1, o.name, "float32", o.write)),
    NAN_HELPERS,
    CELL_HELPERS,
    `@compute @workgroup_size(${workgroup})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let N = u32(params[0]); let H = u32(params[1]); let blocks = u32(params[2]);
  let t = u32(params[3]); let p = u32(params[4]); let q = u32(params[5]);
  let group = wid.x + wid.y * nwg.x;
  let n = group / blocks;
  let j = (group % blocks) * ${workgroup}u + lid;
  if (n >= N || j >= H) { return; }`,
    ...operands.map((o, k) => `  let ${o.name}0 = u32(params[${6 + k}]);`),
    // Row n's unit j within a state; a state of the sequence is a plane of N·H.
    `  let unit = n * H + j;`,
    `  let plane = N * H;`,
    `  let valid = ${masked ? "mask[mask0 + t * N + n] != 0.0" : "true"};`,
    ...body,
    "}",
  ].join("\n");
  return { code, meta, buffers: operands.map((o) => o.at.buffer), threads: N * blocks * workgroup, groups: N * blocks, workgroup };
}

/** One forward step: gates = proj[t] + h_p·W_hhᵀ (wT = W_hhᵀ [H, 4H]), then the cell, or the state held where masked. */
export function lstmStepKernel(step: SequenceStep, proj: Flat, wT: Flat, mask: Flat | null, hs: Flat, cs: Flat, act: Flat): Kernel {
  const operands = [
    { name: "proj", write: false, at: proj }, { name: "wT", write: false, at: wT }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "hs", write: true, at: hs }, { name: "cs", write: true, at: cs }, { name: "act", write: true, at: act },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let hp = hs0 + p * plane + n * H;`,
    `  let src = p * plane + unit;`,
    `  let dst = q * plane + unit;`,
    `  if (!valid) { hs[hs0 + dst] = hs[hs0 + src]; cs[cs0 + dst] = cs[cs0 + src]; return; }`,
    `  let G = 4u * H;`,
    `  let pa = proj0 + (t * N + n) * G + j;`,
    `  var gi = proj[pa]; var gf = proj[pa + H]; var gg = proj[pa + 2u * H]; var go = proj[pa + 3u * H];`,
    `  for (var i = 0u; i < H; i++) {`,
    `    let hv = hs[hp + i];`,
    `    let w = wT0 + i * G + j;`,
    `    gi += hv * wT[w]; gf += hv * wT[w + H]; gg += hv * wT[w + 2u * H]; go += hv * wT[w + 3u * H];`,
    `  }`,
    `  let ig = sig(gi); let fg = sig(gf); let g = th(gg); let og = sig(go);`,
    `  let cv = fg * cs[cs0 + src] + ig * g;`,
    `  let tc = th(cv);`,
    `  let a = act0 + (t * N + n) * 5u * H + j;`,
    `  act[a] = ig; act[a + H] = fg; act[a + 2u * H] = g; act[a + 3u * H] = og; act[a + 4u * H] = tc;`,
    `  cs[cs0 + dst] = cv;`,
    `  hs[hs0 + dst] = og * tc;`,
  ]);
}

/**
 * Backward through one step's cell: from dh[q] and dc[q] (complete: every later step is done),
 * dproj[t] and dc[p] += dc'·σ(f) (a masked row: dgates 0, and dh[p] += dh[q], dc[p] += dc[q]).
 */
export function lstmStepBackwardKernel(step: SequenceStep, act: Flat, cs: Flat, mask: Flat | null, dh: Flat, dc: Flat, dproj: Flat): Kernel {
  const operands = [
    { name: "act", write: false, at: act }, { name: "cs", write: false, at: cs }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "dh", write: true, at: dh }, { name: "dc", write: true, at: dc }, { name: "dproj", write: true, at: dproj },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let d = dproj0 + (t * N + n) * 4u * H + j;`,
    `  let dcq = dc[dc0 + q * plane + unit];`,
    `  if (!valid) {`,
    `    dproj[d] = 0.0; dproj[d + H] = 0.0; dproj[d + 2u * H] = 0.0; dproj[d + 3u * H] = 0.0;`,
    `    dc[dc0 + p * plane + unit] += dcq;`,
    `    dh[dh0 + p * plane + unit] += dh[dh0 + q * plane + unit];`,
    `    return;`,
    `  }`,
    `  let a = act0 + (t * N + n) * 5u * H + j;`,
    `  let ig = act[a]; let fg = act[a + H]; let g = act[a + 2u * H]; let og = act[a + 3u * H]; let tc = act[a + 4u * H];`,
    `  let gh = dh[dh0 + q * plane + unit];`,
    `  let dcT = dcq + gh * og * (1.0 - tc * tc);`,
    `  dproj[d] = dcT * g * (ig * (1.0 - ig));`,
    `  dproj[d + H] = dcT * cs[cs0 + p * plane + unit] * (fg * (1.0 - fg));`,
    `  dproj[d + 2u * H] = dcT * ig * (1.0 - g * g);`,
    `  dproj[d + 3u * H] = gh * tc * (og * (1.0 - og));`,
    `  dc[dc0 + p * plane + unit] += dcT * fg;`,
  ]);
}

/**
 * Backward, then, for every cell: dh[p] += dgates[t]·W_hh over the G = gates·H gate gradients of
 * the step (W_hh [G, H]); a masked row's are zero, its state passed through by the cell's kernel.
 */
export function stateGradKernel(step: SequenceStep, gates: number, dgates: Flat, w: Flat, dh: Flat): Kernel {
  const operands = [{ name: "dg", write: false, at: dgates }, { name: "w", write: false, at: w }, { name: "dh", write: true, at: dh }];
  return unitKernel(step, operands, false, [
    `  let G = ${gates}u * H;`,
    `  let da = dg0 + (t * N + n) * G;`,
    `  var acc = 0.0;`,
    `  for (var g = 0u; g < G; g++) { acc += dg[da + g] * w[w0 + g * H + j]; }`,
    `  dh[dh0 + p * plane + unit] += acc;`,
  ]);
}

/** One GRU step (PyTorch's form): hProj = h_p·W_hhᵀ + b_hh (wT = W_hhᵀ [H, 3H]), the cell with xProj[t] → h_q and act [r, z, n, hn]. */
export function gruStepKernel(step: SequenceStep, xProj: Flat, wT: Flat, bHh: Flat, mask: Flat | null, hs: Flat, act: Flat): Kernel {
  const operands = [
    { name: "xp", write: false, at: xProj }, { name: "wT", write: false, at: wT }, { name: "b", write: false, at: bHh },
    ...(mask ? [{ name: "mask", write: false, at: mask }] : []), { name: "hs", write: true, at: hs }, { name: "act", write: true, at: act },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let src = hs0 + p * plane + unit;`,
    `  let dst = hs0 + q * plane + unit;`,
    `  if (!valid) { hs[dst] = hs[src]; return; }`,
    `  let G = 3u * H;`,
    `  let hp = hs0 + p * plane + n * H;`,
    `  var hr = b[b0 + j]; var hz = b[b0 + H + j]; var hn = b[b0 + 2u * H + j];`,
    `  for (var i = 0u; i < H; i++) {`,
    `    let hv = hs[hp + i];`,
    `    let w = wT0 + i * G + j;`,
    `    hr += hv * wT[w]; hz += hv * wT[w + H]; hn += hv * wT[w + 2u * H];`,
    `  }`,
    `  let xa = xp0 + (t * N + n) * G + j;`,
    `  let r = sig(xp[xa] + hr);`,
    `  let z = sig(xp[xa + H] + hz);`,
    `  let nv = th(xp[xa + 2u * H] + r * hn);`,
    `  let a = act0 + (t * N + n) * 4u * H + j;`,
    `  act[a] = r; act[a + H] = z; act[a + 2u * H] = nv; act[a + 3u * H] = hn;`,
    `  hs[dst] = (1.0 - z) * nv + z * hs[src];`,
  ]);
}

/** Backward through one GRU cell: dxProj[t], dhProj[t], and dh[p] += dh[q]·z (a masked row: zeros, and dh[p] += dh[q]). */
export function gruStepBackwardKernel(step: SequenceStep, act: Flat, hs: Flat, mask: Flat | null, dh: Flat, dx: Flat, dhProj: Flat): Kernel {
  const operands = [
    { name: "act", write: false, at: act }, { name: "hs", write: false, at: hs }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "dh", write: true, at: dh }, { name: "dx", write: true, at: dx }, { name: "dhp", write: true, at: dhProj },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let d = (t * N + n) * 3u * H + j;`,
    `  let gv = dh[dh0 + q * plane + unit];`,
    `  if (!valid) {`,
    `    dx[dx0 + d] = 0.0; dx[dx0 + d + H] = 0.0; dx[dx0 + d + 2u * H] = 0.0;`,
    `    dhp[dhp0 + d] = 0.0; dhp[dhp0 + d + H] = 0.0; dhp[dhp0 + d + 2u * H] = 0.0;`,
    `    dh[dh0 + p * plane + unit] += gv;`,
    `    return;`,
    `  }`,
    `  let a = act0 + (t * N + n) * 4u * H + j;`,
    `  let r = act[a]; let z = act[a + H]; let nv = act[a + 2u * H]; let hn = act[a + 3u * H];`,
    `  let dn = gv * (1.0 - z) * (1.0 - nv * nv);`,
    `  let dz = gv * (hs[hs0 + p * plane + unit] - nv) * (z * (1.0 - z));`,
    `  let dr = dn * hn * (r * (1.0 - r));`,
    `  dx[dx0 + d] = dr; dx[dx0 + d + H] = dz; dx[dx0 + d + 2u * H] = dn;`,
    `  dhp[dhp0 + d] = dr; dhp[dhp0 + d + H] = dz; dhp[dhp0 + d + 2u * H] = dn * r;`,
    `  dh[dh0 + p * plane + unit] += gv * z;`,
  ]);
}

/** One plain RNN step: h_q = act(xProj[t] + h_p·W_hhᵀ) (wT = W_hhᵀ [H, H]), tanh or ReLU (NaN kept). */
export function rnnStepKernel(step: SequenceStep, relu: boolean, xProj: Flat, wT: Flat, mask: Flat | null, hs: Flat): Kernel {
  const operands = [
    { name: "xp", write: false, at: xProj }, { name: "wT", write: false, at: wT }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "hs", write: true, at: hs },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let dst = hs0 + q * plane + unit;`,
    `  if (!valid) { hs[dst] = hs[hs0 + p * plane + unit]; return; }`,
    `  let hp = hs0 + p * plane + n * H;`,
    `  var pre = xp[xp0 + (t * N + n) * H + j];`,
    `  for (var i = 0u; i < H; i++) { pre += hs[hp + i] * wT[wT0 + i * H + j]; }`,
    `  hs[dst] = ${relu ? "select(pre, 0.0, pre <= 0.0)" : "th(pre)"};`,
  ]);
}

/** Backward through one RNN step's nonlinearity: dxProj[t] from h_q and dh[q] (a masked row: 0, and dh[p] += dh[q]). */
export function rnnStepBackwardKernel(step: SequenceStep, relu: boolean, hs: Flat, mask: Flat | null, dh: Flat, dx: Flat): Kernel {
  const operands = [
    { name: "hs", write: false, at: hs }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "dh", write: true, at: dh }, { name: "dx", write: true, at: dx },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let d = dx0 + (t * N + n) * H + j;`,
    `  let gv = dh[dh0 + q * plane + unit];`,
    `  if (!valid) { dx[d] = 0.0; dh[dh0 + p * plane + unit] += gv; return; }`,
    `  let v = hs[hs0 + q * plane + unit];`,
    `  dx[d] = ${relu ? "select(0.0, gv, v > 0.0)" : "gv * (1.0 - v * v)"};`,
  ]);
}

/** dst[i] = src[i] (add: dst[i] += src[i]) over n elements: an initial state into its slice of the sequence, a last state's gradient onto its slice. */
export function rowsIntoKernel(n: number, src: Flat, dst: Flat, add: boolean): MapKernel {
  return kernel(n, [{ name: "src", write: false, at: src }, { name: "dst", write: true, at: dst }], [], [`  dst[dst0 + i] = ${add ? "dst[dst0 + i] + " : ""}src[src0 + i];`]);
}
