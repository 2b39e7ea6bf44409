/**
 * An LSTM layer over a whole sequence on the GPU, the lstmSequence routine's contract (the layout
 * of wasm/recurrent-sequence.ts): states by time [T + 1, N, H] (running forward, step t reads state
 * t and writes t + 1; reversed, it reads t + 1 and writes t), act [T, N, 5H], and a mask [T, N]
 * that holds a finished sequence's state. A step cannot start before the last one ends everywhere,
 * so each step is a dispatch: forward, one per step that adds h·W_hhᵀ to the step's projection
 * and runs the cell, a thread per (row, hidden unit); backward, two per step, the cell's gradient,
 * then dh of the state before, dgates·W_hh. Where the layer stepped through time cell by cell, a
 * step took a product, an add and the cell each way, each with its autograd node and tensors.
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
    // This row's unit j in state s of a [T + 1, N, H] sequence.
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
 * dproj[t] and dc[p] += dc'·σ(f) (a masked row: dgates 0, dc[p] += dc[q]).
 */
export function lstmStepBackwardKernel(step: SequenceStep, act: Flat, cs: Flat, mask: Flat | null, dh: Flat, dc: Flat, dproj: Flat): Kernel {
  const operands = [
    { name: "act", write: false, at: act }, { name: "cs", write: false, at: cs }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "dh", write: false, at: dh }, { name: "dc", write: true, at: dc }, { name: "dproj", write: true, at: dproj },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  let d = dproj0 + (t * N + n) * 4u * H + j;`,
    `  let dcq = dc[dc0 + q * plane + unit];`,
    `  if (!valid) {`,
    `    dproj[d] = 0.0; dproj[d + H] = 0.0; dproj[d + 2u * H] = 0.0; dproj[d + 3u * H] = 0.0;`,
    `    dc[dc0 + p * plane + unit] += dcq;`,
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

/** Backward, then: dh[p] += dproj[t]·W_hh (W_hh [4H, H]); a masked row passes dh[q] through instead. */
export function lstmStepStateKernel(step: SequenceStep, dproj: Flat, w: Flat, mask: Flat | null, dh: Flat): Kernel {
  const operands = [
    { name: "dproj", write: false, at: dproj }, { name: "w", write: false, at: w }, ...(mask ? [{ name: "mask", write: false, at: mask }] : []),
    { name: "dh", write: true, at: dh },
  ];
  return unitKernel(step, operands, mask !== null, [
    `  if (!valid) { dh[dh0 + p * plane + unit] += dh[dh0 + q * plane + unit]; return; }`,
    `  let G = 4u * H;`,
    `  let da = dproj0 + (t * N + n) * G;`,
    `  var acc = 0.0;`,
    `  for (var g = 0u; g < G; g++) { acc += dproj[da + g] * w[w0 + g * H + j]; }`,
    `  dh[dh0 + p * plane + unit] += acc;`,
  ]);
}

/** dst[i] = src[i] (add: dst[i] += src[i]) over n elements: an initial state into its slice of the sequence, a last state's gradient onto its slice. */
export function rowsIntoKernel(n: number, src: Flat, dst: Flat, add: boolean): MapKernel {
  return kernel(n, [{ name: "src", write: false, at: src }, { name: "dst", write: true, at: dst }], [], [`  dst[dst0 + i] = ${add ? "dst[dst0 + i] + " : ""}src[src0 + i];`]);
}
