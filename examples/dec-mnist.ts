/**
 * dec-mnist: Deep Embedded Clustering of the embedded MNIST digits — an auto-encoder
 * (784-500-500-2000-10, the paper's) pretrained on reconstruction, then refined on KL(P ‖ Q) — beside
 * k-means on the raw pixels; clustering accuracy (clusters matched to digits by the Hungarian method)
 * and NMI for both.
 *
 *   npx tsx examples/dec-mnist.ts [--limit N] [--pretrain-epochs 50] [--max-iter 3000] [--seed 0] [--small]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { cluster } = tg;
const { values: args } = parseArgs({
  options: {
    limit: { type: "string" },
    "pretrain-epochs": { type: "string", default: "50" },
    "max-iter": { type: "string", default: "3000" },
    seed: { type: "string", default: "0" },
    small: { type: "boolean", default: false },
  },
});

tg.manualSeed(Number(args.seed));
const digits = new tg.data.EmbeddedMNIST({ train: true });
const n = Math.min(Number(args.limit ?? digits.length), digits.length);
const x = digits.images().reshape([-1, 784]).narrow(0, 0, n).contiguous();
const y = Array.from(digits.targets().narrow(0, 0, n).dataSync());
const report = (name: string, labels: ArrayLike<number>) =>
  console.log(`${name.padEnd(22)} accuracy ${(100 * cluster.clusteringAccuracy(y, labels)).toFixed(1)}%  NMI ${cluster.metrics.normalizedMutualInfoScore(y, labels).toFixed(3)}`);

const t0 = performance.now();
const km = new cluster.KMeans({ nClusters: 10, nInit: 10, randomState: Number(args.seed) }).fit(x);
report("k-means on pixels", km.labels.dataSync());

const dec = new cluster.DEC({ dims: args.small ? [784, 64, 10] : [784, 500, 500, 2000, 10], nClusters: 10, randomState: Number(args.seed) });
dec.pretrain(x, { epochs: Number(args["pretrain-epochs"]), log: (e, loss) => e % 10 === 0 && console.log(`pretrain epoch ${e}: reconstruction ${loss.toFixed(4)}`) });
const codes = new cluster.KMeans({ nClusters: 10, nInit: 20, randomState: Number(args.seed) }).fit(dec.transform(x));
report("k-means on codes", codes.labels.dataSync());
dec.fit(x, { maxIter: Number(args["max-iter"]), log: (i, changed) => i % 700 === 0 && console.log(`refine step ${i}: ${(100 * changed).toFixed(2)}% of labels changed`) });
report("DEC", dec.labels!);
console.log(`${n} digits, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
