/**
 * kmeans-mnist: KMeans (k = 10, k-means++) on the embedded MNIST digits' raw pixels — adjusted Rand
 * index and normalised mutual information against the digit labels, the cluster purity — and the
 * ten centres drawn as images in an SVG.
 *
 *   npx tsx examples/kmeans-mnist.ts [--limit N] [--seed 0] [--out kmeans-centres.svg]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { cluster } = tg;
const { values: args } = parseArgs({ options: { limit: { type: "string" }, seed: { type: "string", default: "0" }, out: { type: "string", default: "kmeans-centres.svg" } } });

const digits = new tg.data.EmbeddedMNIST({ train: true });
const n = Math.min(Number(args.limit ?? digits.length), digits.length);
const x = digits.images().reshape([-1, 784]).narrow(0, 0, n);
const y = Array.from(digits.targets().narrow(0, 0, n).dataSync());

const start = performance.now();
const km = new cluster.KMeans({ nClusters: 10, randomState: Number(args.seed) }).fit(x);
console.log(`KMeans on ${n} digits: ${km.nIter} iterations, inertia ${km.inertia.toExponential(4)}, ${((performance.now() - start) / 1000).toFixed(2)} s`);
const labels = km.labels;
console.log(`adjusted Rand index ${cluster.metrics.adjustedRandScore(y, labels).toFixed(3)}, NMI ${cluster.metrics.normalizedMutualInfoScore(y, labels).toFixed(3)}`);
// Purity: each cluster counted as its most frequent digit.
const table = cluster.metrics.contingencyMatrix(labels, y);
const purity = table.reduce((s, row) => s + Math.max(...row), 0) / n;
console.log(`purity ${(100 * purity).toFixed(1)}%`);

const centres = (km.clusterCenters.reshape([10, 28, 28]).tolist() as number[][][]);
const names = table.map((row, c) => `cluster ${c}: ${row.indexOf(Math.max(...row))}`);
writeFileSync(args.out!, tg.viz.imagesToSVG(centres, { titles: names, columns: 5 }));
console.log(`wrote ${args.out}`);
