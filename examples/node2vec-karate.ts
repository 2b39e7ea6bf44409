/**
 * node2vec-karate: Node2Vec embeddings of Zachary's karate club (embedded, 34 members), trained with
 * skip-gram on biased random walks (2-D, so the embedding is the picture), then a logistic
 * regression from the even-numbered members' communities to the odd-numbered ones' (PyG's
 * Node2Vec.test); writes the embedding as an SVG coloured by community.
 *
 *   npx tsx examples/node2vec-karate.ts [--epochs 100] [--p 1] [--q 1] [--out node2vec-karate.svg] [--seed 0]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { geometric: G } = tg;
const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "100" },
    p: { type: "string", default: "1" },
    q: { type: "string", default: "1" },
    out: { type: "string", default: "node2vec-karate.svg" },
    seed: { type: "string", default: "0" },
  },
});

tg.manualSeed(Number(args.seed));
const data = new G.datasets.KarateClub().get(0);
const model = new G.nn.Node2Vec(data.edgeIndex!, 2, 20, 10, { walksPerNode: 10, numNegativeSamples: 1, p: Number(args.p), q: Number(args.q) });
const loader = model.loader({ batchSize: 34, shuffle: true });
const optimizer = new tg.optim.Adam(model.parameters(), { lr: 0.05 });

for (let epoch = 1; epoch <= Number(args.epochs); epoch++) {
  let total = 0;
  for (const [pos, neg] of loader) {
    optimizer.zeroGrad();
    const loss = model.loss(pos, neg);
    loss.backward();
    optimizer.step();
    total += loss.item();
  }
  if (epoch % 20 === 0) console.log(`epoch ${String(epoch).padStart(3)}: loss ${total.toFixed(4)}`);
}

const z = tg.noGrad(() => model.forward()).detach();
const y = data.y!;
const train = tg.arange(0, 34, 2, { dtype: "int32" });
const test = tg.arange(1, 34, 2, { dtype: "int32" });
const acc = model.test(z.indexSelect(0, train), y.indexSelect(0, train), z.indexSelect(0, test), y.indexSelect(0, test), { C: 100 });
console.log(`community accuracy on the odd-numbered members, from the even-numbered ones: ${(100 * acc).toFixed(1)}%`);

const points = z.tolist() as [number, number][];
const communities = Array.from(y.dataSync());
writeFileSync(args.out!, tg.viz.scatterToSVG(points, communities, { title: "Node2Vec embedding of the karate club", names: points.map((_, i) => `member ${i}, community ${communities[i]}`) }));
console.log(`wrote ${args.out}`);
