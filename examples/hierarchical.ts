/**
 * hierarchical: agglomerative clustering of embedded MNIST digits (a few per class) with each of
 * scikit-learn's four linkages — adjusted Rand index against the digit labels — and the Ward tree
 * drawn as an SVG dendrogram.
 *
 *   npx tsx examples/hierarchical.ts [--per-class 6] [--out dendrogram.svg]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { cluster } = tg;
const { values: args } = parseArgs({ options: { "per-class": { type: "string", default: "6" }, out: { type: "string", default: "dendrogram.svg" } } });
const perClass = Number(args["per-class"]);

// The first perClass test digits of each class, as 784-pixel rows.
const test = new tg.data.EmbeddedMNIST({ train: false });
const labels = Array.from(test.targets().dataSync());
const picked: number[] = [];
for (let c = 0; c < 10; c++) picked.push(...labels.flatMap((y, i) => (y === c ? [i] : [])).slice(0, perClass));
const x = test.images().reshape([-1, 784]).indexSelect(0, tg.tensor(Int32Array.from(picked), { dtype: "int32" }));
const truth = picked.map((i) => labels[i]!);

for (const linkage of ["ward", "complete", "average", "single"] as const) {
  const model = new cluster.AgglomerativeClustering({ nClusters: 10, linkage }).fit(x);
  console.log(`${linkage.padEnd(8)} adjusted Rand index ${cluster.metrics.adjustedRandScore(truth, model.labels).toFixed(3)}`);
}
const Z = cluster.linkage(x, "ward");
writeFileSync(args.out!, tg.viz.dendrogramToSVG(cluster.dendrogram(Z), { title: "Ward tree of MNIST digits", labels: truth.map(String) }));
console.log(`wrote ${args.out}`);
