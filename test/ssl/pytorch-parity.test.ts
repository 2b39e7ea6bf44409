/** tg.ssl's objectives, F.normalize / cosineSimilarity, swaUtils, gaussianBlur and MAE's position table against their references (tools/make_ssl_fixtures.py). */
import { describe, test } from "node:test";
import { throws as assertThrows } from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture, type Encoded } from "../helpers.js";

const { ssl, nn } = tg;
const F = nn.functional;
const f64 = (e: Encoded) => tg.tensor(e.data.map((v) => v ?? NaN), { dtype: "float64", shape: e.shape });
interface WithGrads { value: number; grads: Encoded[] }
interface Fixture {
  losses: {
    z1: Encoded; z2: Encoded; queue: Encoded; p: Encoded; z: Encoded;
    ntXent: Record<string, WithGrads>; infoNceQueue: WithGrads; infoNceInBatch: WithGrads; byol: WithGrads; simsiam: WithGrads;
  };
  similarity: { x1: Encoded; x2: Encoded; normalize: Encoded; normalizeP1: Encoded; cosine: Encoded; cosineGrad: WithGrads };
  averaging: { ema: Record<string, Encoded>[]; swa: Record<string, Encoded>[]; steps: Record<string, Encoded>[] };
  blur: { image: Encoded; cases: { kernelSize: number; sigma: number; output: Encoded }[] };
  sincos: { embedDim: number; grid: number; clsToken: boolean; table: Encoded }[];
}
const fx = readFixture<Fixture>("ssl.json");
const tight = { atol: 1e-10, rtol: 1e-9 };

/** The loss value and the gradients of each input, as the fixture records them. */
function check(fn: (...xs: tg.Tensor[]) => tg.Tensor, inputs: tg.Tensor[], expected: WithGrads): void {
  const leaves = inputs.map((x) => x.detach().requiresGrad_(true));
  const out = fn(...leaves);
  assertClose(out, [expected.value], tight);
  const grads = tg.grad(out, leaves);
  grads.forEach((g, i) => assertClose(g!, f64(expected.grads[i]!), tight));
}

describe("ssl objectives match their PyTorch formulations (values and gradients)", () => {
  const L = fx.losses;
  const [z1, z2, queue, p, z] = [f64(L.z1), f64(L.z2), f64(L.queue), f64(L.p), f64(L.z)];
  test("NT-Xent at τ = 0.5 and 0.1 (SimCLR's per-row definition)", () => {
    for (const [t, expected] of Object.entries(L.ntXent)) check((a, b) => ssl.ntXentLoss(a!, b!, { temperature: Number(t) }), [z1, z2], expected);
  });
  test("InfoNCE with a queue of negatives (MoCo) and with in-batch negatives", () => {
    check((a, b) => ssl.infoNceLoss(a!, b!, { negativeKeys: queue, temperature: 0.07 }), [z1, z2], L.infoNceQueue);
    check((a, b) => ssl.infoNceLoss(a!, b!, { temperature: 0.2 }), [z1, z2], L.infoNceInBatch);
  });
  test("BYOL and SimSiam, the target a constant", () => {
    check((a) => ssl.byolLoss(a!, z), [p], L.byol);
    check((a) => ssl.simsiamLoss(a!, z), [p], L.simsiam);
  });
});

describe("F.normalize and F.cosineSimilarity", () => {
  const S = fx.similarity;
  const [x1, x2] = [f64(S.x1), f64(S.x2)];
  test("values, with a zero row kept finite by eps; p = 1", () => {
    assertClose(F.normalize(x1), f64(S.normalize), tight);
    assertClose(F.normalize(x1, { p: 1 }), f64(S.normalizeP1), tight);
    assertClose(F.cosineSimilarity(x1, x2), f64(S.cosine), tight);
  });
  test("gradients", () => {
    check((a, b) => F.cosineSimilarity(a!, b!).mul(tg.tensor([1, 2, -1], { dtype: "float64" })).sum(), [x1.add(0.5), x2], S.cosineGrad);
  });
});

describe("optim.swaUtils.AveragedModel", () => {
  for (const kind of ["ema", "swa"] as const) {
    test(`${kind}: the averaged weights after each update equal torch.optim.swa_utils'`, () => {
      const model = new nn.Linear(3, 2).double();
      const averaged = new tg.optim.swaUtils.AveragedModel(new nn.Linear(3, 2).double(), { averaging: kind === "ema" ? { ema: 0.9 } : "swa" });
      fx.averaging.steps.forEach((step, i) => {
        model.loadStateDict(Object.fromEntries(Object.entries(step).map(([k, v]) => [k, f64(v)])));
        averaged.updateParameters(model);
        const state = averaged.module.stateDict();
        for (const [k, v] of Object.entries(fx.averaging[kind][i]!)) assertClose(state[k]!, f64(v), { atol: 1e-12 });
      });
    });
  }
});

test("gaussianBlur matches torchvision's algorithm (separable kernel, reflected borders)", () => {
  const image = f64(fx.blur.image);
  for (const c of fx.blur.cases) assertClose(tg.data.transforms.gaussianBlurImage(image, c.kernelSize, c.sigma), f64(c.output), tight);
});

test("sincos2dPositionTable equals MAE's get_2d_sincos_pos_embed (columns in the first half, rows in the second)", () => {
  for (const c of fx.sincos) assertClose(nn.sincos2dPositionTable(c.embedDim, c.grid, c.grid, { clsToken: c.clsToken }), f64(c.table).to("float32"), { atol: 1e-6 });
  assertThrows(() => nn.sincos2dPositionTable(10, 2, 2), /multiple of 4/);
});

test("PatchEmbed is the patch-stride convolution, flattened to (N, L, D) in row-major patch order", () => {
  tg.manualSeed(3);
  const embed = new nn.PatchEmbed({ imgSize: [8, 12], patchSize: 4, inChans: 2, embedDim: 5 });
  assertClose([embed.numPatches, ...embed.gridSize], [6, 2, 3]);
  const x = tg.randn([3, 2, 8, 12]);
  const tokens = embed.forward(x);
  assertClose(tokens, embed.proj.forward(x).reshape([3, 5, 6]).permute([0, 2, 1]), { atol: 1e-6 });
  // Token (row 1, column 2) is the linear map of that 4×4 patch of every channel.
  const patch = x.narrow(2, 4, 4).narrow(3, 8, 4).reshape([3, 32]);
  const byHand = patch.matmul(embed.proj.weight.reshape([5, 32]).t()).add(embed.proj.bias!);
  assertClose(tokens.select(1, 5), byHand, { atol: 1e-5 });
  assertThrows(() => embed.forward(tg.randn([1, 2, 8, 8])), /expected \(N, C, 8, 12\) images, got \[1, 2, 8, 8\]/);
  assertThrows(() => new nn.PatchEmbed({ imgSize: 10, patchSize: 4 }), /do not split into 4×4 patches/);
});
