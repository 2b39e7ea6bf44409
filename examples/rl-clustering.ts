/**
 * rl-clustering: a clustering policy learned with PPO (the seed's A.8). Each episode clusters one
 * generated dataset top-down — split the worst cluster in two, or stop — and is rewarded by the
 * adjusted Rand index against the dataset's true labels (known for generated data), minus a small
 * cost per clustering. The trained policy then clusters 50 held-out datasets (and embedded MNIST
 * digits) with no labels, beside k-means with the true k (an oracle), k-means with k chosen by a
 * silhouette sweep over 2…10, and k-means with a random k. Where Debian's dataset-fashion-mnist is
 * installed it also clusters Fashion-MNIST embeddings from a small CNN it trains first.
 *
 *   npx tsx examples/rl-clustering.ts [--steps 16000] [--test 50] [--seed 0] [--max-dim 64] [--cnn-images 12000]
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { cluster, nn, rl } = tg;
const { values: args } = parseArgs({
  options: { steps: { type: "string", default: "16000" }, test: { type: "string", default: "50" }, seed: { type: "string", default: "0" }, "cnn-images": { type: "string", default: "12000" }, "max-dim": { type: "string", default: "64" } },
});
const seed = Number(args.seed);

// Training: generated tasks from the environment's own stream; held-out tasks use seeds it never draws.
// Training tasks: half of the blobs planar, half with 3…--max-dim features (2: all planar).
const maxDim = Number(args["max-dim"]);
const env = new cluster.rl.ClusteringEnv({ reward: "ari", stepCost: 0.01, tasks: (s) => cluster.rl.generateTask(s, { maxDim }) });
const agent = new rl.PPO(env, { nSteps: 512, batchSize: 64, nEpochs: 10, gamma: 1, gaeLambda: 0.95, entCoef: 0.01, learningRate: 3e-4, seed });
const t0 = performance.now();
agent.learn({ totalTimesteps: Number(args.steps), progressBar: true });
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(0)} s on ${agent.monitor.episodes.length} generated datasets`);

interface Row { ari: number; clusterings: number }
const methods: Record<string, Row[]> = { policy: [], "k-means, true k (oracle)": [], "k-means, silhouette sweep": [], "k-means, random k": [] };
const KS = [2, 3, 4, 5, 6, 7, 8, 9, 10];
const kmeans = (x: number[][], k: number, s: number) => new cluster.KMeans({ nClusters: k, randomState: s }).fit(x).labels.dataSync();
const rng = new tg.Generator(seed + 99);

function evaluate(task: tg.cluster.rl.ClusteringTask, s: number): void {
  const test = new cluster.rl.ClusteringEnv({ tasks: [task] });
  let [obs] = test.reset({ seed: s });
  for (let done = false; !done; ) {
    const [next, , terminated, truncated] = test.step(agent.predict(obs, { deterministic: true }) as number);
    obs = next;
    done = terminated || truncated;
  }
  const ari = (labels: ArrayLike<number>) => cluster.metrics.adjustedRandScore(task.labels, labels);
  methods.policy!.push({ ari: ari(test.labels), clusterings: test.clusteringsEvaluated });
  const z = cluster.rl.standardize(task.x, task.n, task.d);
  const x = Array.from({ length: task.n }, (_, i) => Array.from(z.subarray(i * task.d, (i + 1) * task.d)));
  methods["k-means, true k (oracle)"]!.push({ ari: ari(kmeans(x, task.k, s)), clusterings: 1 });
  const sweep = cluster.silhouetteSweep(x, KS, { randomState: s });
  methods["k-means, silhouette sweep"]!.push({ ari: ari(kmeans(x, sweep.best, s)), clusterings: KS.length });
  methods["k-means, random k"]!.push({ ari: ari(kmeans(x, KS[rng.randomInt(KS.length)]!, s)), clusterings: 1 });
}

const nTest = Number(args.test);
for (let i = 0; i < nTest; i++) evaluate(cluster.rl.generateTask(1_000_000 + i), i);
const table = (title: string) => {
  console.log(`\n${title}`);
  console.log("method                        mean ARI   clusterings per dataset");
  for (const [name, rows] of Object.entries(methods)) {
    const mean = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
    console.log(`${name.padEnd(30)}${mean((r) => r.ari).toFixed(3).padStart(8)}   ${mean((r) => r.clusterings).toFixed(1).padStart(6)}`);
  }
};
table(`${nTest} held-out generated datasets (blobs, anisotropic blobs, rings; 2–8 clusters):`);

// Real data: 300 embedded MNIST digits of four classes (0, 1, 4, 7), pixels.
for (const rows of Object.values(methods)) rows.length = 0;
const digits = new tg.data.EmbeddedMNIST({ train: false });
const images = digits.images().reshape([-1, 784]);
const targets = digits.targets().dataSync();
const picked: number[] = [];
for (let i = 0; i < targets.length && picked.length < 300; i++) if ([0, 1, 4, 7].includes(targets[i]!)) picked.push(i);
const pixels = images.indexSelect(0, tg.tensor(picked, { dtype: "int32" })).dataSync();
const mnist: tg.cluster.rl.ClusteringTask = { x: Float64Array.from(pixels), n: picked.length, d: 784, labels: Int32Array.from(picked, (i) => targets[i]!), k: 4, kind: "blobs" };
evaluate(mnist, 0);
table("300 embedded MNIST test digits of classes 0, 1, 4, 7 (raw pixels):");

// Real data 2: Fashion-MNIST embeddings (the 64 features before a small CNN's classifier, trained
// for 2 epochs on the first --cnn-images training images) of 300 test images of four classes:
// T-shirt/top, trouser, sneaker, bag.
const fashion = fashionTask(Number(args["cnn-images"]));
if (fashion) {
  for (const rows of Object.values(methods)) rows.length = 0;
  evaluate(fashion, 0);
  table("300 Fashion-MNIST test images of classes 0, 1, 7, 8 (CNN embeddings, 64 features):");
} else {
  console.log("\n(Fashion-MNIST not found: install Debian's dataset-fashion-mnist for the CNN-embedding table)");
}

function fashionTask(trainImages: number): tg.cluster.rl.ClusteringTask | null {
  let train: tg.data.FashionMNIST, test: tg.data.FashionMNIST;
  try {
    [train, test] = [new tg.data.FashionMNIST({ train: true }), new tg.data.FashionMNIST({ train: false })];
  } catch {
    return null;
  }
  tg.manualSeed(seed);
  const body = new nn.Sequential(
    new nn.Conv2d(1, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 5 * 5, 64), new nn.ReLU(),
  );
  const head = new nn.Linear(64, 10);
  const optimizer = new tg.optim.Adam([...body.parameters(), ...head.parameters()], { lr: 1e-3 });
  const standardize = (x: tg.Tensor) => x.sub(0.286).div(0.353);
  const x = standardize(train.images().narrow(0, 0, Math.min(trainImages, train.length)));
  const y = train.targets().narrow(0, 0, x.shape[0]!);
  const t = performance.now();
  for (let epoch = 0; epoch < 2; epoch++) {
    const order = tg.randperm(x.shape[0]!);
    for (let at = 0; at + 64 <= x.shape[0]!; at += 64) {
      tg.scope(() => {
        const ids = order.narrow(0, at, 64);
        optimizer.zeroGrad();
        tg.nn.functional.crossEntropy(head.forward(body.forward(x.indexSelect(0, ids))), y.indexSelect(0, ids)).backward();
        optimizer.step();
      });
    }
  }
  const targets = test.targets().dataSync();
  const picked: number[] = [];
  for (let i = 0; i < targets.length && picked.length < 300; i++) if ([0, 1, 7, 8].includes(targets[i]!)) picked.push(i);
  const images = standardize(test.images().indexSelect(0, tg.tensor(picked, { dtype: "int32" })));
  body.eval();
  const features = tg.noGrad(() => body.forward(images)).dataSync();
  console.log(`\ntrained the CNN on ${x.shape[0]} Fashion-MNIST images in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return { x: Float64Array.from(features), n: picked.length, d: 64, labels: Int32Array.from(picked, (i) => targets[i]!), k: 4, kind: "blobs" };
}
