/**
 * cnn-from-scratch: the seed's CNN forward and backward written with tensor ops only — a
 * convolution as the sum over kernel offsets of shifted inputs times weights (its formula),
 * max-pooling as the maximum of the four shifted views, MSE and cross-entropy from their formulas —
 * then checked against the library's Conv2d, max_pool2d, mse and cross-entropy, values and
 * gradients.
 *
 *   npx tsx examples/cnn-from-scratch.ts
 */
import * as tg from "tensorgrad";

const { nn } = tg;
const F = nn.functional;
tg.manualSeed(0);

/** y[n, o, i, j] = b[o] + Σ_c Σ_p Σ_q x[n, c, i+p, j+q] · w[o, c, p, q]  (stride 1, no padding). */
function conv2d(x: tg.Tensor, w: tg.Tensor, b: tg.Tensor): tg.Tensor {
  const [, , H, W] = x.shape as [number, number, number, number];
  const [O, , kh, kw] = w.shape as [number, number, number, number];
  const oh = H - kh + 1;
  const ow = W - kw + 1;
  let y = b.reshape(1, O, 1, 1);
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const patch = x.narrow(2, p, oh).narrow(3, q, ow); // [N, C, oh, ow]
      const tap = w.select(3, q).select(2, p); // [O, C]
      // Σ_c patch[n, c, i, j] · tap[o, c] as a product over the channel dim.
      y = y.add(patch.permute(0, 2, 3, 1).matmul(tap.t()).permute(0, 3, 1, 2));
    }
  }
  return y;
}

/** 2×2 max-pooling: the elementwise maximum of the four strided views. */
function maxPool2(x: tg.Tensor): tg.Tensor {
  const view = (di: number, dj: number) => x.slice(2, di, null, 2).slice(3, dj, null, 2);
  const [h, w] = [Math.floor(x.shape[2]! / 2), Math.floor(x.shape[3]! / 2)];
  const crop = (t: tg.Tensor) => t.narrow(2, 0, h).narrow(3, 0, w);
  return tg.maximum(tg.maximum(crop(view(0, 0)), crop(view(0, 1))), tg.maximum(crop(view(1, 0)), crop(view(1, 1))));
}

const mse = (y: tg.Tensor, t: tg.Tensor) => y.sub(t).square().mean();
/** −mean_n log softmax(y_n)[t_n], with the log-sum-exp written out. */
function crossEntropy(logits: tg.Tensor, target: tg.Tensor): tg.Tensor {
  const m = logits.amax(1, true).detach();
  const logZ = logits.sub(m).exp().sum(1, true).log().add(m);
  return logits.sub(logZ).gather(1, target.unsqueeze(1)).mean().neg();
}

// The seed's CNN, twice: from scratch, and with the library's layers sharing the same weights.
const conv1 = new nn.Conv2d(1, 6, 3);
const conv2 = new nn.Conv2d(6, 16, 3);
const fc = new nn.Linear(16 * 5 * 5, 10);
const x = tg.randn([4, 1, 28, 28]);
const labels = tg.randint(0, 10, [4]);

const scratch = () => {
  let h = maxPool2(conv2d(x, conv1.weight, conv1.bias!).relu());
  h = maxPool2(conv2d(h, conv2.weight, conv2.bias!).relu());
  return h.flatten(1).matmul(fc.weight.t()).add(fc.bias!);
};
const library = () => {
  let h = F.maxPool2d(conv1.forward(x).relu(), 2);
  h = F.maxPool2d(conv2.forward(h).relu(), 2);
  return fc.forward(h.flatten(1));
};

const params = [conv1.weight, conv1.bias!, conv2.weight, conv2.bias!, fc.weight, fc.bias!];
const gradsOf = (loss: tg.Tensor) => tg.grad(loss, params, { retainGraph: true }); // both losses share the forward graph
const maxDiff = (a: tg.Tensor, b: tg.Tensor) => a.sub(b).abs().max().item();

const yScratch = scratch();
const yLibrary = library();
console.log(`forward: max |scratch − library| = ${maxDiff(yScratch, yLibrary).toExponential(2)}`);
const target = tg.randn(yScratch.shape as number[]);
for (const [name, ours, theirs] of [
  ["MSE", mse(yScratch, target), F.mseLoss(yLibrary, target)],
  ["cross-entropy", crossEntropy(yScratch, labels), F.crossEntropy(yLibrary, labels)],
] as const) {
  const g1 = gradsOf(ours);
  const g2 = gradsOf(theirs);
  const worst = Math.max(...g1.map((g, i) => maxDiff(g!, g2[i]!)));
  console.log(`${name}: loss ${ours.item().toFixed(6)} vs ${theirs.item().toFixed(6)}, max gradient difference ${worst.toExponential(2)}`);
  if (Math.abs(ours.item() - theirs.item()) > 1e-5 || worst > 1e-4) throw new Error(`${name}: the scratch network does not match the library`);
}
console.log("the from-scratch CNN matches the library's layers");
