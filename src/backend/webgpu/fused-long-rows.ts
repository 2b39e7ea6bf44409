/**
 * Softmax and log-softmax by rows, forward and backward, with a workgroup per row, for long rows (a
 * language model's vocabulary): fused.ts gives a row one thread, so a few rows of 50,000 would run
 * on a few threads, one element at a time. Here LANES threads stride through the row and combine
 * their partial maxima and sums: within subgroups where the adapter has them, else by a tree in
 * workgroup memory. The numbers are those of fused.ts's kernels, the sums taken in another order.
 */
import { ENABLE_SUBGROUPS, META, NAN_HELPERS, binding, subgroupBuiltins, subgroupReduce } from "./wgsl.js";
import type { MapKernel } from "./elementwise.js";
import type { Flat } from "./fused.js";

/** Rows at least this long take a workgroup each. */
export const LONG_ROW = 1024;
const LANES = 64;

/**
 * The kernel's frame: `row` is this workgroup's row (a surplus workgroup of the 2-D grid takes the
 * last row and writes nothing: `live`), `lid` its thread, and reduce(v, max) combines every
 * thread's v. A barrier may only sit in control flow every thread reaches alike, so the frame has
 * no early return, and the combined value comes back through workgroupUniformLoad, uniform.
 */
function rowKernel(R: number, operands: readonly { name: string; write: boolean; at: Flat }[], C: number, subgroups: boolean, body: string[]): MapKernel & { groups: number; workgroup: number } {
  const meta = [R, ...operands.map((o) => o.at.offset), C];
  const code = [
    ...(subgroups ? [ENABLE_SUBGROUPS] : []),
    META,
    ...operands.map((o, k) => binding(k + 1, o.name, "float32", o.write)),
    NAN_HELPERS,
    `var<workgroup> part: array<f32, ${LANES}>;`,
    // Tests of the uniform max by its bits: infF() reads a private variable, which the uniformity
    // analysis takes as varying between threads, and a branch on it may not precede a barrier.
    `fn isPosInf(x: f32) -> bool { return bitcast<u32>(x) == 0x7f800000u; }
fn isNegInf(x: f32) -> bool { return bitcast<u32>(x) == 0xff800000u; }`,
    // max propagates NaN, as the one-thread kernel's running max does.
    `fn combine(a: f32, b: f32, isMax: bool) -> f32 {
  if (!isMax) { return a + b; }
  if (isNan(a) || isNan(b)) { return nanF(); }
  return max(a, b);
}`,
    subgroups
      ? // Within each subgroup, then thread 0 over the subgroups' results: two barriers, not eight.
        `var<workgroup> total: f32;
var<private> sgId: u32;
var<private> sgLane: u32;
var<private> sgCount: u32;
fn reduce(v: f32, lid: u32, isMax: bool) -> f32 {
  let r = select(${subgroupReduce("sum", "float32", "v")}, ${subgroupReduce("max", "float32", "v")}, isMax);
  if (sgLane == 0u) { part[sgId] = r; }
  workgroupBarrier();
  if (lid == 0u) {
    var t = part[0];
    for (var k = 1u; k < sgCount; k++) { t = combine(t, part[k], isMax); }
    total = t;
  }
  // The next reduce's writes come after this barrier, when thread 0 has read part.
  return workgroupUniformLoad(&total);
}`
      : `fn reduce(v: f32, lid: u32, isMax: bool) -> f32 {
  part[lid] = v;
  workgroupBarrier();
  for (var s = ${LANES / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] = combine(part[lid], part[lid + s], isMax); }
    workgroupBarrier();
  }
  let total = workgroupUniformLoad(&part[0]);
  workgroupBarrier(); // before the next reduce writes part[0]
  return total;
}`,
    `@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u${subgroups ? `, ${subgroupBuiltins("_")}) {
  sgId = sgId_; sgLane = sgLane_; sgCount = sgCount_;` : ") {"}
  let R = u32(params[0]);
  let live = wid.x + wid.y * nwg.x < R;
  let row = min(wid.x + wid.y * nwg.x, R - 1u);
  let C = u32(params[${operands.length + 1}]);`,
    ...operands.map((o, k) => `  let ${o.name}0 = u32(params[${k + 1}]) + row * C;`),
    ...body,
    "}",
  ].join("\n");
  return { code, meta, buffers: operands.map((o) => o.at.buffer), threads: R * LANES, groups: R, workgroup: LANES };
}

/** Softmax or log-softmax of each of R rows of C ≥ LONG_ROW, a workgroup per row. */
export function softmaxLongRowsKernel(R: number, C: number, x: Flat, out: Flat, log: boolean, subgroups: boolean): MapKernel & { groups: number; workgroup: number } {
  return rowKernel(R, [{ name: "x", write: false, at: x }, { name: "y", write: true, at: out }], C, subgroups, [
    `  var mp = -infF();`,
    `  for (var j = lid; j < C; j += ${LANES}u) { mp = combine(mp, x[x0 + j], true); }`,
    `  let m = reduce(mp, lid, true);`,
    // The rows fused.ts writes explicitly (a NaN or only −∞; for softmax also +∞), the same way.
    `  if (isNan(m) || isNegInf(m)${log ? "" : " || isPosInf(m)"}) {
    if (live) { for (var j = lid; j < C; j += ${LANES}u) { y[y0 + j] = nanF(); } }
    return;
  }`,
    log
      ? `  if (isPosInf(m)) {
    if (live) { for (var j = lid; j < C; j += ${LANES}u) { y[y0 + j] = select(-infF(), nanF(), x[x0 + j] == infF()); } }
    return;
  }
  var sp = 0.0;
  for (var j = lid; j < C; j += ${LANES}u) { sp += exp(x[x0 + j] - m); }
  let lse = m + log(reduce(sp, lid, false));
  if (live) { for (var j = lid; j < C; j += ${LANES}u) { y[y0 + j] = x[x0 + j] - lse; } }`
      : `  var sp = 0.0;
  for (var j = lid; j < C; j += ${LANES}u) { sp += exp(x[x0 + j] - m); }
  let r = 1.0 / reduce(sp, lid, false);
  if (live) { for (var j = lid; j < C; j += ${LANES}u) { y[y0 + j] = exp(x[x0 + j] - m) * r; } }`,
  ]);
}

/** Their vector–Jacobian products, a workgroup per row: softmax dx = y·(g − Σ g·y); log-softmax dx = g − exp(y)·Σ g. */
export function softmaxBackwardLongRowsKernel(R: number, C: number, y: Flat, g: Flat, dx: Flat, log: boolean, subgroups: boolean): MapKernel & { groups: number; workgroup: number } {
  return rowKernel(R, [{ name: "y", write: false, at: y }, { name: "g", write: false, at: g }, { name: "dx", write: true, at: dx }], C, subgroups, [
    `  var sp = 0.0;`,
    `  for (var j = lid; j < C; j += ${LANES}u) { sp += ${log ? "g[g0 + j]" : "g[g0 + j] * y[y0 + j]"}; }`,
    `  let s = reduce(sp, lid, false);`,
    `  if (live) { for (var j = lid; j < C; j += ${LANES}u) { dx[dx0 + j] = ${log ? "g[g0 + j] - exp(y[y0 + j]) * s" : "y[y0 + j] * (g[g0 + j] - s)"}; } }`,
  ]);
}
