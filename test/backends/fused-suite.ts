/**
 * The conformance suite of the optional fused routines: every routine a backend offers, run through
 * the op that uses it, against the reference backend (which has none, so its ops compose the same
 * maths) — values, gradients, second-order gradients where the op has them, NaN and ±∞, odd sizes.
 * A spy on the backend checks that the routine really ran (and did not say "not here") for each case.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { FUSED_ROUTINES } from "../../src/backend/backend.js";
import { gruCell, kmeansStep, lstmCell } from "../../src/ops/fused.js";
import { onBackend } from "../helpers.js";

type Results = Record<string, tg.Tensor | null>;

/** A case: runs on the current backend and returns named results; tolerances per name (relative, default 1e-5). */
interface FusedCase {
  readonly name: string;
  readonly run: () => Results;
  readonly tolerance?: Record<string, number>;
}

/** One optional routine family: the methods a backend offers for it, and the cases that exercise them. */
interface Routine {
  readonly methods: readonly string[];
  readonly cases: readonly FusedCase[];
}

const seeded = (shape: number[], seed: number, scale = 1) => tg.randn(shape, { generator: new tg.Generator(seed) }).mul(scale);
const leaf = (t: tg.Tensor) => t.detach().requiresGrad_();
/** Σ y·w with fixed weights, so every output element gets its own gradient. */
const weighted = (y: tg.Tensor) => y.mul(tg.arange(y.numel()).reshape(y.shape).sin()).sum();
/** d/dx Σ (∂f/∂x)²: the gradient of a gradient, through the routine's rule under createGraph. */
function secondOrder(x: tg.Tensor, f: (x: tg.Tensor) => tg.Tensor): tg.Tensor {
  const [g] = tg.grad(f(x).pow(3).sum(), [x], { createGraph: true });
  return tg.grad(g!.pow(2).sum(), [x])[0]!;
}

/** Layer norm of a [rows, …normalized] input, with or without the weight and bias, and its gradients. */
function layerNormCase(shape: number[], affine: boolean): FusedCase {
  return {
    name: `layerNorm ${shape.join("×")}${affine ? " with weight and bias" : ""}`,
    run: () => {
      const normalized = shape.slice(1);
      const size = normalized.reduce((a, b) => a * b, 1);
      const x = leaf(seeded(shape, 3, 2));
      const w = affine ? leaf(tg.linspace(0.5, 1.5, size).reshape(normalized)) : null;
      const b = affine ? leaf(tg.linspace(-1, 1, size).reshape(normalized)) : null;
      const y = tg.nn.functional.layerNorm(x, normalized, w, b);
      weighted(y).backward();
      const d2x = secondOrder(leaf(x), (v) => tg.nn.functional.layerNorm(v, normalized, w?.detach(), b?.detach()));
      return { y, dx: x.grad, dw: w?.grad ?? null, db: b?.grad ?? null, d2x };
    },
    tolerance: { d2x: 1e-4 },
  };
}

/** Four rows of 1,100: only −∞; one +∞; one NaN; ordinary values. */
const LONG_EDGES = Array.from({ length: 4 * 1100 }, (_, i) => {
  const [row, j] = [Math.floor(i / 1100), i % 1100];
  if (row === 0) return -Infinity;
  if (j === 700) return row === 1 ? Infinity : row === 2 ? NaN : 0;
  return Math.sin(i) * 3;
});

function softmaxCase(shape: number[], log: boolean, edges: number[] | null, d2xTolerance = 1e-4): FusedCase {
  return {
    name: `${log ? "logSoftmax" : "softmax"} ${shape.join("×")}${edges ? " with ±∞ and NaN" : ""}`,
    run: (): Results => {
      const x = leaf(edges ? tg.tensor(edges).reshape(shape) : seeded(shape, shape.length * 7 + shape[0]!, 3));
      const f = (v: tg.Tensor) => (log ? tg.logSoftmax(v, -1) : tg.softmax(v, -1));
      const y = f(x);
      if (edges) return { y };
      weighted(y).backward();
      return { y, dx: x.grad, d2x: secondOrder(leaf(x), f) };
    },
    // The second order passes through several float32 ops; the fused forward rounds once where the composed one rounds at each.
    tolerance: { d2x: d2xTolerance, y: 1e-6 },
  };
}

const ROUTINES: Record<string, Routine> = {
  softmax: {
    methods: ["softmax", "softmaxBackward"],
    cases: [
      ...[false, true].flatMap((log) => [softmaxCase([5, 7], log, null), softmaxCase([3, 1], log, null), softmaxCase([2, 65], log, null)]),
      softmaxCase([3, 3], false, [-Infinity, -Infinity, -Infinity, Infinity, 1, 2, NaN, 0, 0]),
      softmaxCase([3, 3], true, [-Infinity, -Infinity, -Infinity, Infinity, 1, 2, NaN, 0, 0]),
      // Rows long enough for the GPU's workgroup-per-row kernels (webgpu/fused-long-rows.ts).
      // Their second order sums 1,500 float32 terms of up to 10⁶ in another order than the reference.
      ...[false, true].flatMap((log) => [softmaxCase([3, 1500], log, null, 1e-3), softmaxCase([4, 1100], log, LONG_EDGES)]),
    ],
  },
  layerNorm: {
    methods: ["layerNorm", "layerNormBackward"],
    cases: [[3, 4, 6], [5, 1], [2, 67]].map((shape) => layerNormCase(shape, false)),
  },
  layerNormAffine: {
    methods: ["layerNormAffine", "layerNormAffineBackward"],
    // 70 rows span three of the weight gradient's 32-row parts.
    cases: [[3, 4, 6], [5, 1], [2, 67], [70, 13]].map((shape) => layerNormCase(shape, true)),
  },
  gelu: {
    methods: ["gelu", "geluBackward"],
    cases: (["none", "tanh"] as const).flatMap((approximate) => [
      {
        name: `gelu (${approximate}) on 37 values`,
        run: () => {
          const x = leaf(seeded([37], 5, 3));
          const y = tg.gelu(x, approximate);
          weighted(y).backward();
          return { y, dx: x.grad };
        },
      },
      {
        name: `gelu (${approximate}) of ±∞, NaN, ±0`,
        run: () => ({ y: tg.gelu(tg.tensor([Infinity, -Infinity, NaN, 0, -0, 40, -40]), approximate) }),
      },
    ]),
  },
  reluBackward: {
    methods: ["reluBackward"],
    cases: [
      {
        name: "relu's gradient over 37 values (a ragged end)",
        run: () => {
          const x = leaf(seeded([37], 8, 3));
          weighted(x.relu()).backward();
          return { dx: x.grad, d2x: secondOrder(leaf(x), (v) => v.relu()) };
        },
      },
      {
        name: "relu's gradient at ±0, ±∞ and NaN inputs, and of a NaN and an ∞ gradient",
        run: () => {
          const x = leaf(tg.tensor([0, -0, Infinity, -Infinity, NaN, 2, -2, 3, -3]));
          x.relu().mul(tg.tensor([1, 2, 3, 4, 5, NaN, NaN, Infinity, -Infinity])).sum().backward();
          return { dx: x.grad };
        },
        tolerance: { dx: 0 },
      },
    ],
  },
  linear: {
    methods: ["linear"],
    // Shapes that take each product kernel: inner products (small outputs), rowsGemm (a short K; a
    // narrow N), the packed GEMM with partial tiles and K past one block (300), and a 3-D input.
    cases: ([[[5, 37], 11], [[200, 16], 24], [[64, 300], 40], [[70, 33], 13], [[3, 4, 20], 9]] as const).map(([shape, out]) => ({
      name: `linear ${shape.join("×")} → ${out}: values, gradients and under createGraph`,
      run: () => {
        const K = shape[shape.length - 1]!;
        const [x, w, b] = [leaf(seeded([...shape], 31)), leaf(seeded([out, K], 32, 1 / Math.sqrt(K))), leaf(seeded([out], 33))];
        const y = tg.nn.functional.linear(x, w, b);
        weighted(y).backward();
        return { y, dx: x.grad, dw: w.grad, db: b.grad, d2x: secondOrder(leaf(x), (v) => tg.nn.functional.linear(v, w.detach(), b.detach())) };
      },
      tolerance: { d2x: 1e-3 }, // Σ (∂y³/∂x)²'s gradient: y's float32 rounding (FMA, the bias added first) shows at 1e-4
    })),
  },
  dropout: {
    methods: ["dropout", "dropoutBackward"],
    cases: [
      ...[0.1, 0.5, 0.75].map((p) => ({
        name: `dropout (p = ${p}) on 1037 values: the mask rand() draws, its gradient, and under createGraph`,
        run: () => {
          tg.manualSeed(3);
          const x = leaf(seeded([1037], 9, 3));
          const y = tg.nn.functional.dropout(x, p, true);
          weighted(y).backward();
          return { y, dx: x.grad, d2x: secondOrder(leaf(x), (v) => tg.nn.functional.dropout(v, p, true)), next: tg.rand([5]) };
        },
      })),
      {
        name: "dropout of ±∞, NaN, ±0 (dropped ones are 0)",
        run: () => {
          tg.manualSeed(4);
          return { y: tg.nn.functional.dropout(tg.tensor([Infinity, -Infinity, NaN, 0, -0, 40, -40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.5, true) };
        },
      },
    ],
  },
  batchNorm: {
    methods: ["batchNorm", "batchNormBackward"],
    cases: ([[[4, 3, 5, 6], true], [[5, 4, 3], false], [[6, 8], true], [[2, 3, 1, 5], true]] as const).map(([shape, affine]) => ({
      name: `batchNorm (training) ${shape.join("×")}${affine ? "" : " without weight and bias"}`,
      run: () => {
        const C = shape[1]!;
        const x = leaf(seeded([...shape], 11, 2));
        const w = affine ? leaf(tg.linspace(0.5, 1.5, C)) : null;
        const b = affine ? leaf(tg.linspace(-1, 1, C)) : null;
        const [rm, rv] = [tg.zeros([C]), tg.ones([C])];
        const y = tg.nn.functional.batchNorm(x, rm, rv, { weight: w, bias: b, training: true, momentum: 0.1 });
        weighted(y).backward();
        const d2x = secondOrder(leaf(x), (v) => tg.nn.functional.batchNorm(v, null, null, { training: true }));
        return { y, runningMean: rm, runningVar: rv, dx: x.grad, dw: w?.grad ?? null, db: b?.grad ?? null, d2x };
      },
      tolerance: { d2x: 2e-4, y: 2e-5, dx: 2e-5, dw: 2e-5, db: 2e-5 },
    })),
  },
  lstmCell: {
    methods: ["lstmCell", "lstmCellBackward"],
    cases: ([[5, 7, "both"], [5, 7, "h"], [5, 7, "c"], [1, 1, "both"], [3, 9, "both"]] as const).map(([N, H, flow]) => ({
      name: `lstmCell N=${N} H=${H}, gradient through ${flow}`,
      run: () => {
        const gates = leaf(seeded([N, 4 * H], 1, 2));
        const c = leaf(seeded([N, H], 2));
        const [h, cNext] = lstmCell(gates, c);
        const loss = flow === "c" ? weighted(cNext) : flow === "h" ? weighted(h) : weighted(h).add(weighted(cNext).mul(0.5));
        loss.backward();
        const g2 = leaf(gates);
        const c2 = leaf(c);
        const [dg] = tg.grad(lstmCell(g2, c2)[0].sum(), [g2], { createGraph: true });
        return { h, cNext, dgates: gates.grad, dc: c.grad, d2c: tg.grad(dg!.pow(2).sum(), [c2])[0]! };
      },
    })),
  },
  lstmSequence: {
    methods: ["lstmSequence", "lstmSequenceBackward"],
    cases: ([
      [{}, 8, false], [{}, 5, true], [{ bidirectional: true }, 6, false], [{ bidirectional: true, numLayers: 2 }, 3, true], [{ batchFirst: true }, 1, false],
    ] as const).map(([options, H, packed]) => ({
      name: `LSTM(4, ${H}, ${JSON.stringify(options)})${packed ? " on packed sequences" : ""} over 7 steps`,
      run: () => {
        tg.manualSeed(H);
        const lstm = new tg.nn.LSTM(4, H, options);
        const batchFirst = "batchFirst" in options;
        const x = leaf(seeded(batchFirst ? [3, 7, 4] : [7, 3, 4], H, 1.5));
        const state = [leaf(seeded([lstm.numLayers * (lstm.bidirectional ? 2 : 1), 3, H], 5)), leaf(seeded([lstm.numLayers * (lstm.bidirectional ? 2 : 1), 3, H], 6))] as [tg.Tensor, tg.Tensor];
        const input = packed ? tg.nn.utils.rnn.packPaddedSequence(x, [7, 4, 1]) : x;
        const [out, [h, c]] = lstm.forward(input, state);
        const y = packed ? tg.nn.utils.rnn.padPackedSequence(out as tg.nn.PackedSequence)[0] : (out as tg.Tensor);
        weighted(y).add(weighted(h).mul(0.5)).add(weighted(c).mul(0.25)).backward();
        const grads = Object.fromEntries([...lstm.namedParameters()].map(([name, p]) => [name, p.grad]));
        // Second order through the rule under createGraph (the recursion composed in ops).
        const x2 = leaf(x);
        const [dx] = tg.grad(weighted(lstm.forward(x2)[1][1]), [x2], { createGraph: true });
        return { y, h, c, dx: x.grad, dh0: state[0].grad, dc0: state[1].grad, ...grads, d2x: tg.grad(dx!.pow(2).sum(), [x2])[0]! };
      },
      tolerance: { d2x: 1e-4 },
    })),
  },
  gruSequence: {
    methods: ["gruSequence", "gruSequenceBackward"],
    cases: ([
      [{}, 8, false], [{}, 5, true], [{ bidirectional: true }, 6, false], [{ bidirectional: true, numLayers: 2 }, 3, true], [{ bias: false }, 4, false],
    ] as const).map(([options, H, packed]) => ({
      name: `GRU(4, ${H}, ${JSON.stringify(options)})${packed ? " on packed sequences" : ""} over 7 steps`,
      run: () => {
        tg.manualSeed(H);
        const gru = new tg.nn.GRU(4, H, options);
        const x = leaf(seeded([7, 3, 4], H, 1.5));
        const h0 = leaf(seeded([gru.numLayers * (gru.bidirectional ? 2 : 1), 3, H], 5));
        const [out, h] = gru.forward(packed ? tg.nn.utils.rnn.packPaddedSequence(x, [7, 4, 1]) : x, h0);
        const y = packed ? tg.nn.utils.rnn.padPackedSequence(out as tg.nn.PackedSequence)[0] : (out as tg.Tensor);
        weighted(y).add(weighted(h).mul(0.5)).backward();
        const grads = Object.fromEntries([...gru.namedParameters()].map(([name, p]) => [name, p.grad]));
        const x2 = leaf(x);
        const [dx] = tg.grad(weighted(gru.forward(x2)[1]), [x2], { createGraph: true });
        return { y, h, dx: x.grad, dh0: h0.grad, ...grads, d2x: tg.grad(dx!.pow(2).sum(), [x2])[0]! };
      },
      tolerance: { d2x: 1e-4 },
    })),
  },
  rnnSequence: {
    methods: ["rnnSequence", "rnnSequenceBackward"],
    cases: ([
      [{}, 8, false], [{ nonlinearity: "relu" }, 5, true], [{ bidirectional: true }, 6, true], [{ numLayers: 2, nonlinearity: "relu", bidirectional: true }, 3, false], [{ bias: false }, 1, false],
    ] as const).map(([options, H, packed]) => ({
      name: `RNN(4, ${H}, ${JSON.stringify(options)})${packed ? " on packed sequences" : ""} over 7 steps`,
      run: () => {
        tg.manualSeed(H);
        const rnn = new tg.nn.RNN(4, H, options);
        const x = leaf(seeded([7, 3, 4], H, 1.5));
        const h0 = leaf(seeded([rnn.numLayers * (rnn.bidirectional ? 2 : 1), 3, H], 5));
        const [out, h] = rnn.forward(packed ? tg.nn.utils.rnn.packPaddedSequence(x, [7, 4, 1]) : x, h0);
        const y = packed ? tg.nn.utils.rnn.padPackedSequence(out as tg.nn.PackedSequence)[0] : (out as tg.Tensor);
        weighted(y).add(weighted(h).mul(0.5)).backward();
        const grads = Object.fromEntries([...rnn.namedParameters()].map(([name, p]) => [name, p.grad]));
        const x2 = leaf(x);
        const [dx] = tg.grad(weighted(rnn.forward(x2)[1]), [x2], { createGraph: true });
        return { y, h, dx: x.grad, dh0: h0.grad, ...grads, d2x: tg.grad(dx!.pow(2).sum(), [x2])[0]! };
      },
      tolerance: { d2x: 1e-4 },
    })),
  },
  gruCell: {
    methods: ["gruCell", "gruCellBackward"],
    cases: ([[4, 6], [1, 1], [3, 11]] as const).map(([N, H]) => ({
      name: `gruCell N=${N} H=${H}`,
      run: () => {
        const [x, hp, h] = [[N, 3 * H], [N, 3 * H], [N, H]].map((s, k) => leaf(seeded(s, 10 + k, 1.5))) as [tg.Tensor, tg.Tensor, tg.Tensor];
        weighted(gruCell(x, hp, h)).backward();
        const [x2, h2] = [leaf(x), leaf(h)];
        const [dx] = tg.grad(weighted(gruCell(x2, hp.detach(), h2)), [x2], { createGraph: true });
        return { out: gruCell(x, hp, h), dx: x.grad, dhProj: hp.grad, dh: h.grad, d2h: tg.grad(dx!.pow(2).sum(), [h2])[0]! };
      },
    })),
  },
  maxPool2x2: {
    methods: ["maxPool2x2", "maxPool2x2Backward"],
    cases: ([[6, 8], [7, 13], [2, 2], [26, 26]] as const).map(([H, W]) => ({
      name: `maxPool2d(2) ${H}×${W} with ties and a NaN`,
      run: () => {
        // Few distinct values, so that windows hold ties (post-ReLU zeros), and a NaN.
        const data = Array.from({ length: 2 * 3 * H * W }, (_, i) => (i === 17 ? NaN : Math.max(0, Math.round(Math.sin(i * 0.7) * 3))));
        const x = leaf(tg.tensor(data).reshape(2, 3, H, W));
        const y = tg.nn.functional.maxPool2d(x, 2);
        tg.where(tg.isnan(y), 0, y.mul(tg.arange(y.numel()).reshape(y.shape).cos())).sum().backward();
        return { y, dx: x.grad };
      },
      tolerance: { y: 0, dx: 0 },
    })),
  },
  kmeansStep: {
    methods: ["kmeansStep"],
    cases: ([[1, 3, 1], [7, 5, 3], [33, 8, 5], [101, 19, 10], [40, 2, 9]] as const).flatMap(([n, d, k]) =>
      [false, true].map((weighted) => ({
        name: `kmeansStep n=${n} d=${d} k=${k}${weighted ? " weighted" : ""}`,
        run: () => {
          const x = seeded([n, d], n * 31 + d);
          const centres = seeded([k, d], k, 0.5);
          const [labels, dist, sums, mass] = kmeansStep(x, centres, weighted ? tg.rand([n], { generator: new tg.Generator(n) }).add(0.5) : null);
          return { labels, dist, sums, mass };
        },
        tolerance: { labels: 0 },
      })),
    ),
  },
  attention: {
    methods: ["attention", "attentionBackward"],
    cases: attentionCases(),
  },
  incompleteGamma: {
    methods: ["incompleteGamma"],
    cases: [false, true].map((upper) => ({
      name: `${upper ? "igammac" : "igamma"}: the series and the continued fraction, small and large a, the domain's edges`,
      run: () => {
        const pairs = [[0.5, 0.2], [2, 1.5], [2, 3.5], [10, 4], [10, 25], [0.1, 8], [30, 31], [1, 1e-4], [3, 0], [0, 2], [0, 0], [-1, 2], [2, -1], [4, Infinity], [NaN, 1], [5, 100]];
        const a = tg.tensor(pairs.map(([v]) => v!));
        const x = leaf(tg.tensor(pairs.map(([, v]) => v!)));
        const f = upper ? tg.igammac : tg.igamma;
        const y = f(a, x);
        // The gradient at the values inside the domain.
        const xs = leaf(tg.tensor(pairs.slice(0, 8).map(([, v]) => v!)));
        weighted(f(tg.tensor(pairs.slice(0, 8).map(([v]) => v!)), xs)).backward();
        return { y, dx: xs.grad };
      },
      tolerance: { y: 1e-4, dx: 1e-4 },
    })),
  },
  polygamma: {
    methods: ["polygamma"],
    cases: [0, 1, 2, 3].map((n) => ({
      name: `polygamma(${n}): small, large, negative and integer values, ±∞, NaN`,
      run: () => {
        // Values below ½ take the reflection (digamma) or a long recurrence; −3 and 0 are poles.
        const values = [0.3, 2.5, -0.4, 7.5, -1.7, 11, 1e6, 0.01, -12.25, 3, 1, 0.5, 25.3, -3, 0, Infinity, -Infinity, NaN];
        const x = leaf(tg.tensor(values));
        const y = tg.polygamma(n, x);
        // The gradient at the finite, non-pole values (ψ⁽ⁿ⁺¹⁾ there), and a second order.
        const xs = leaf(tg.tensor(values.slice(0, 13)));
        weighted(tg.polygamma(n, xs)).backward();
        return { y, dx: xs.grad, d2x: secondOrder(leaf(tg.tensor([0.7, 3.2, -0.6, 12.5])), (v) => tg.polygamma(n, v)) };
      },
      tolerance: { y: 2e-4, dx: 2e-4, d2x: 1e-3 },
    })),
  },
  eigh: {
    methods: ["eigh"],
    cases: [
      ...([[[1, 1]], [[2, 2]], [[5, 5]], [[3, 8, 8]], [[17, 17]], [[2, 40, 40]]] as const).map(([shape]) => ({
        name: `eigh ${shape.join("×")}: values, vectors and the gradient`,
        run: () => {
          const a = leaf(seeded([...shape], shape.at(-1)! * 7 + shape.length));
          const { eigenvalues, eigenvectors } = tg.linalg.eigh(a); // the lower triangle, as LAPACK reads it
          weighted(eigenvalues).add(weighted(eigenvectors.abs())).backward();
          return { eigenvalues, eigenvectors, da: a.grad };
        },
        tolerance: { eigenvalues: 2e-5, eigenvectors: 1e-4, da: 2e-3 },
      })),
      {
        name: "eigh: entries of 1e30 and 1e-30 (scaled), repeated eigenvalues, a diagonal, a zero matrix, a batch of 0×0 matrices",
        run: () => {
          const a = seeded([4, 4], 5);
          const big = tg.linalg.eigh(a.mul(1e30)).eigenvalues.div(1e30);
          const small = tg.linalg.eigh(a.mul(1e-30)).eigenvalues.mul(1e30);
          const repeated = tg.linalg.eigh(tg.diag(tg.tensor([2, 1, 2, -3]))).eigenvalues;
          const zero = tg.linalg.eigh(tg.zeros([3, 3]));
          const empty = tg.linalg.eigh(tg.zeros([2, 0, 0]));
          return { big, small, repeated, zeroValues: zero.eigenvalues, zeroVectors: zero.eigenvectors, emptyValues: empty.eigenvalues, emptyVectors: empty.eigenvectors };
        },
        tolerance: { big: 2e-5, small: 2e-5 },
      },
    ],
  },
  svd: {
    methods: ["svd"],
    cases: [
      ...([[[1, 1]], [[7, 4]], [[5, 5]], [[3, 6]], [[2, 3, 9, 5]], [[33, 30]]] as const).map(([shape]) => ({
        name: `svd ${shape.join("×")}: U, S, Vh and the gradient`,
        run: () => {
          const a = leaf(seeded([...shape], shape.at(-1)! * 5 + shape.at(-2)!));
          const { U, S, Vh } = tg.linalg.svd(a, { fullMatrices: false });
          weighted(S).add(weighted(U.abs())).add(weighted(Vh.abs())).backward();
          return { U, S, Vh, da: a.grad };
        },
        tolerance: { U: 2e-4, S: 2e-5, Vh: 2e-4, da: 2e-3 },
      })),
      {
        name: "svd: rank-deficient and zero matrices (U completed), full matrices, 1e30 and 1e-30 entries, an empty batch",
        run: () => {
          // Column 3 = column 1 + column 2 and a zero column: two zero singular values, whose U
          // columns are any completion, so the case compares UᵀU and U·S·Vh.
          const a = tg.tensor([[1, 2, 3, 0], [2, 4, 6, 0], [0, 1, 1, 0], [1, 3, 4, 0], [5, -1, 4, 0]]);
          const { U, S, Vh } = tg.linalg.svd(a, { fullMatrices: false });
          const full = tg.linalg.svd(seeded([6, 3], 2));
          const zero = tg.linalg.svd(tg.zeros([3, 2]), { fullMatrices: false });
          const scaled = seeded([4, 3], 9);
          return {
            S,
            gram: U.transpose(0, 1).matmul(U),
            product: U.mul(S).matmul(Vh),
            fullGram: full.U.transpose(0, 1).matmul(full.U),
            fullProduct: tg.narrow(full.U, 1, 0, 3).mul(full.S).matmul(full.Vh),
            zeroS: zero.S,
            zeroGram: zero.U.transpose(0, 1).matmul(zero.U),
            big: tg.linalg.svdvals(scaled.mul(1e30)).div(1e30),
            small: tg.linalg.svdvals(scaled.mul(1e-30)).mul(1e30),
            empty: tg.linalg.svdvals(tg.zeros([0, 4, 3])),
          };
        },
        tolerance: { S: 1e-5, gram: 1e-5, product: 1e-5, fullGram: 1e-5, fullProduct: 1e-5, zeroGram: 1e-5, big: 2e-5, small: 2e-5 },
      },
    ],
  },
  adamStep: {
    methods: ["adamStep"],
    cases: [false, true].map((decoupled) => ({
      name: `${decoupled ? "AdamW" : "Adam"}: three steps on 37 weights`,
      run: () => optimizerSteps((p) => (decoupled ? new tg.optim.AdamW([p], { lr: 0.1 }) : new tg.optim.Adam([p], { lr: 0.1, weightDecay: 0.01 }))),
    })),
  },
  sgdStep: {
    methods: ["sgdStep"],
    cases: [{}, { momentum: 0.9 }, { momentum: 0.9, nesterov: true, weightDecay: 0.01 }].map((options) => ({
      name: `SGD ${JSON.stringify(options)}: three steps on 37 weights`,
      run: () => optimizerSteps((p) => new tg.optim.SGD([p], { lr: 0.1, ...options })),
    })),
  },
};

/** Attention through scaledDotProductAttention and the layers that call it, each with its gradients and a second order. */
function attentionCases(): FusedCase[] {
  const sdpa = tg.nn.functional.scaledDotProductAttention;
  type Opts = Parameters<typeof sdpa>[3];
  // [batch dims, L, S, E, Ev, options (the mask made from the shapes)]
  const shapes: [number[], number, number, number, number, string, (b: number[], L: number, S: number) => Opts][] = [
    [[2, 3], 5, 7, 4, 6, "", () => ({})],
    [[4], 6, 6, 8, 8, "causal", () => ({ isCausal: true })],
    [[2], 5, 3, 3, 2, "causal, L > S", () => ({ isCausal: true, scale: 0.7 })],
    [[2], 3, 5, 3, 2, "causal, L < S", () => ({ isCausal: true })],
    [[], 1, 1, 1, 1, "one query, one key", () => ({})],
    // A shared float mask with −∞ entries, one row all −∞ (NaN, as the composed softmax gives).
    [[2, 2], 4, 6, 5, 3, "float mask, a row all −∞", (_, L, S) => ({ attnMask: tg.tensor(Array.from({ length: L * S }, (_, i) => (i % 5 === 2 || i < S ? -Infinity : Math.cos(i))), { shape: [L, S] }) })],
    [[3], 4, 5, 2, 4, "bool mask per batch element, causal too", (b, L, S) => ({ isCausal: true, attnMask: tg.tensor(Array.from({ length: b[0]! * L * S }, (_, i) => i % 3 !== 1 || i % (L * S) === 0), { shape: [b[0]!, L, S], dtype: "bool" }) })],
    [[2, 3], 6, 9, 4, 5, "dropout 0.3", () => ({ dropoutP: 0.3 })],
    [[2], 7, 7, 4, 4, "dropout 0.5, causal, a float mask", (_, L, S) => ({ dropoutP: 0.5, isCausal: true, attnMask: tg.linspace(-1, 1, L * S).reshape(L, S) })],
  ];
  const cases: FusedCase[] = shapes.map(([batch, L, S, E, Ev, what, options]) => ({
    name: `scaledDotProductAttention ${[...batch, L, S].join("×")} E=${E} Ev=${Ev}${what ? `, ${what}` : ""}`,
    run: () => {
      const opts = options(batch, L, S);
      const [q, k, v] = [[L, E], [S, E], [S, Ev]].map((s, i) => leaf(seeded([...batch, ...s], 30 + i))) as [tg.Tensor, tg.Tensor, tg.Tensor];
      tg.manualSeed(7);
      const out = sdpa(q, k, v, opts);
      weighted(out).backward();
      tg.manualSeed(7);
      const d2q = secondOrder(leaf(q), (x) => sdpa(x, k.detach(), v.detach(), opts));
      return { out, dq: q.grad, dk: k.grad, dv: v.grad, d2q };
    },
    tolerance: { out: 1e-4, dq: 1e-4, dk: 1e-4, dv: 1e-4, d2q: 2e-3 },
  }));
  cases.push({
    name: "TransformerEncoderLayer (4 heads, key padding mask) in training, dropout 0.2",
    run: () => {
      tg.manualSeed(3);
      const layer = new tg.nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0.2, batchFirst: true });
      const x = leaf(seeded([3, 5, 16], 4));
      const padding = tg.tensor([false, false, false, true, true, false, false, false, false, true, false, false, false, false, false], { shape: [3, 5], dtype: "bool" });
      tg.manualSeed(11);
      const y = layer.forward(x, { srcKeyPaddingMask: padding });
      weighted(y).backward();
      return { y, dx: x.grad, ...Object.fromEntries([...layer.namedParameters()].map(([name, p]) => [name, p.grad])) };
    },
    tolerance: { y: 1e-4, dx: 2e-4, "self_attn.in_proj_weight": 2e-4, "self_attn.in_proj_bias": 2e-4 },
  });
  return cases;
}

/** A call of each routine (forward, then backward) on inputs from a view maker: float64, or strided float32. */
const DECLINED: Record<string, (b: tg.Backend, v: (shape: number[]) => tg.View) => unknown> = {
  softmax: (b, v) => b.softmax!(v([2, 2]), false) ?? b.softmaxBackward!(v([2, 2]), v([2, 2]), false),
  layerNorm: (b, v) => b.layerNorm!(v([2, 2]), 1e-5) ?? b.layerNormBackward!(v([2, 2]), v([2, 2]), 1e-5),
  layerNormAffine: (b, v) => b.layerNormAffine!(v([2, 2]), v([2]), v([2]), 1e-5) ?? b.layerNormAffineBackward!(v([2, 2]), v([2, 2]), v([2]), 1e-5),
  gelu: (b, v) => b.gelu!(v([2, 2]), "none") ?? b.geluBackward!(v([2, 2]), v([2, 2]), "none"),
  dropout: (b, v) => b.dropout!(v([2, 2]), 0.5, 1, 0, false),
  linear: (b, v) => b.linear!(v([2, 2]), v([2, 2]), v([2])),
  batchNorm: (b, v) => b.batchNorm!(v([2, 2, 1]), v([2]), v([2]), 1e-5) ?? b.batchNormBackward!(v([2, 2, 1]), v([2, 2, 1]), v([2]), v([2]), v([2]), 1e-5),
  lstmCell: (b, v) => b.lstmCell!(v([2, 4]), v([2, 2])) ?? b.lstmCellBackward!(v([2, 5]), v([2, 2]), v([2, 2]), null),
  lstmSequence: (b, v) => b.lstmSequence!(v([1, 2, 4]), v([2, 1]), v([2, 1]), v([4, 1]), null, false) ?? b.lstmSequenceBackward!(v([1, 2, 5]), v([2, 2, 1]), v([4, 1]), null, v([2, 2, 1]), null, null, null, false),
  gruSequence: (b, v) => b.gruSequence!(v([1, 2, 3]), v([2, 1]), v([3, 1]), v([3]), null, false) ?? b.gruSequenceBackward!(v([1, 2, 4]), v([2, 2, 1]), v([3, 1]), null, v([2, 2, 1]), false),
  rnnSequence: (b, v) => b.rnnSequence!(v([1, 2, 1]), v([2, 1]), v([1, 1]), null, false, false) ?? b.rnnSequenceBackward!(v([2, 2, 1]), v([1, 1]), null, v([2, 2, 1]), false, false),
  gruCell: (b, v) => b.gruCell!(v([2, 3]), v([2, 3]), v([2, 1])) ?? b.gruCellBackward!(v([2, 3]), v([2, 3]), v([2, 1]), v([2, 2])),
  reluBackward: (b, v) => b.reluBackward!(v([2, 2]), v([2, 2])),
  maxPool2x2: (b, v) => b.maxPool2x2!(v([1, 1, 2, 2])) ?? b.maxPool2x2Backward!(v([1, 1, 1, 1]), v([1, 1, 1, 1]), [2, 2]),
  kmeansStep: (b, v) => b.kmeansStep!(v([2, 2]), v([2, 2]), null),
  polygamma: (b, v) => b.polygamma!(v([2, 2]), 1),
  eigh: (b, v) => b.eigh!(v([1, 2, 2])),
  svd: (b, v) => b.svd!(v([1, 3, 2])),
  incompleteGamma: (b, v) => b.incompleteGamma!(v([2, 2]), v([2, 2]), false),
  attention: (b, v) => {
    const spec = { scale: 1, causal: false, dropout: null };
    return b.attention!(v([1, 2, 2]), v([1, 2, 2]), v([1, 2, 2]), null, spec) ?? b.attentionBackward!(v([1, 2, 2]), v([1, 2, 2]), v([1, 2, 2]), null, v([1, 2, 2]), v([1, 2]), v([1, 2, 2]), spec);
  },
  adamStep: (b, v) => b.adamStep!(v([2, 2]), v([2, 2]), v([2, 2]), v([2, 2]), { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, stepSize: 1, bc2Sqrt: 1 }),
  sgdStep: (b, v) => b.sgdStep!(v([2, 2]), v([2, 2]), null, { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: true }),
};

function optimizerSteps(make: (p: tg.Tensor) => { zeroGrad(): void; step(): void }): Results {
  const p = leaf(seeded([37], 21));
  const opt = make(p);
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    weighted(p.square()).backward();
    opt.step();
  }
  return { p };
}

/** Compares a result with the reference's; reads are awaited, so GPU results compare too. */
async function same(actual: tg.Tensor | null, expected: tg.Tensor | null, what: string, tol: number): Promise<void> {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual, `${what}: missing`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const [a, e] = [await actual.data(), expected.dataSync()];
  for (let i = 0; i < e.length; i++) {
    const [v, r] = [a[i]!, e[i]!];
    const ok = Number.isNaN(r) ? Number.isNaN(v) : v === r || Math.abs(v - r) <= tol * Math.max(1, Math.abs(r));
    assert.ok(ok, `${what}[${i}]: ${v}, reference ${r}`);
  }
}

/** Counts the calls of `methods` on backend b that ran (returned something other than null) while fn runs. */
function countingRuns<T>(b: tg.Backend, methods: readonly string[], fn: () => T): [T, Record<string, number>] {
  const target = b as unknown as Record<string, (...args: unknown[]) => unknown>;
  const counts: Record<string, number> = Object.fromEntries(methods.map((m) => [m, 0]));
  const hadOwn = methods.map((m) => Object.prototype.hasOwnProperty.call(target, m));
  const originals = methods.map((m) => target[m]!);
  methods.forEach((m, k) => {
    target[m] = (...args: unknown[]) => {
      const result = originals[k]!.apply(b, args);
      if (result !== null) counts[m]!++;
      return result;
    };
  });
  try {
    return [fn(), counts];
  } finally {
    methods.forEach((m, k) => {
      if (hadOwn[k]) target[m] = originals[k]!;
      else delete target[m];
    });
  }
}

/** The routines backend `name` offers, each case against the reference. */
export function fusedConformanceSuite(name: string): void {
  const b = tg.backendByName(name);
  const offered = Object.entries(ROUTINES).filter(([, r]) => r.methods.every((m) => typeof (b as unknown as Record<string, unknown>)[m] === "function"));
  describe(`fused routines on ${name}: ${offered.map(([n]) => n).join(", ") || "none"}`, () => {
    for (const [routine, { methods, cases }] of offered) {
      test(`${routine}: every case equals the composed reference, and ran fused`, async () => {
        for (const c of cases) {
          const [got, counts] = countingRuns(b, methods, () => onBackend(name, c.run));
          const expected = onBackend("js", c.run);
          for (const [key, value] of Object.entries(expected)) await same(got[key] ?? null, value, `${c.name}: ${key}`, c.tolerance?.[key] ?? 1e-5);
          assert.ok(counts[methods[0]!]! > 0, `${c.name}: ${methods[0]} did not run`);
          const backward = methods[1];
          if (backward && Object.keys(expected).some((k) => k.startsWith("d") && expected[k])) {
            assert.ok(counts[backward]! > 0, `${c.name}: ${backward} did not run`);
          }
        }
      });
    }
    test("each routine says \"not here\" (null) to float64 and to a strided view", () => {
      for (const [routine] of offered) {
        // (A backend without float64, the GPU's, cannot even hold the float64 case.)
        for (const dtype of (["float64", "float32"] as const).filter((d) => b.supportsDType(d))) {
          // float64 contiguous, or float32 every other element (not contiguous).
          const step = dtype === "float32" ? 2 : 1;
          const view = (shape: number[]): tg.View => {
            const size = shape.reduce((p, d) => p * d, 1);
            const storage = b.fromArray(Float64Array.from({ length: size * step }, (_, i) => Math.sin(i + 1)), dtype);
            return { storage, shape, strides: shape.map((_, i) => step * shape.slice(i + 1).reduce((p, d) => p * d, 1)), offset: 0 };
          };
          const result = DECLINED[routine]!(b, view);
          assert.equal(result, null, `${routine} on ${dtype === "float64" ? "float64" : "a strided float32 view"}`);
        }
      }
    });
  });
}

/** Every routine of the contract has its cases here. */
export function everyRoutineIsCovered(): void {
  const covered = Object.values(ROUTINES).flatMap((r) => r.methods);
  assert.deepEqual([...covered].sort(), [...FUSED_ROUTINES].sort());
}

/** The reference backend composes every fused op: it offers none of the routines. */
export function referenceOffersNoRoutines(): void {
  const js = tg.backendByName("js") as unknown as Record<string, unknown>;
  for (const { methods } of Object.values(ROUTINES)) for (const m of methods) assert.equal(js[m], undefined, m);
}
