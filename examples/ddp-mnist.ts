/**
 * ddp-mnist: the seed's CNN (cnn-mnist's model) trained data-parallel with tg.distributed — each
 * rank takes its share of every epoch (DistributedSampler) and DistributedDataParallel averages
 * the gradients over the ranks during backward, so the ranks train one model on the global batch
 * (batch size × ranks). Prints each rank's throughput and, on rank 0, the test accuracy.
 *
 *   npx tensorgrad launch -n 2 examples/ddp-mnist.ts [--epochs 3] [--batch-size 32] [--lr 0.002] [--limit N]
 *   npx tsx examples/ddp-mnist.ts      (no launcher: one process, the same code)
 *
 * Runs on the embedded MNIST digits; --data DIR reads MNIST IDX files.
 */
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";
import { ConvNet } from "./seed-convnet.js";

const { nn, optim, data, distributed: dist } = tg;
const F = nn.functional;

const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "32" },
    lr: { type: "string", default: "0.002" },
    seed: { type: "string", default: "0" },
    data: { type: "string" },
    limit: { type: "string" },
  },
});

const world = dist.initProcessGroup({ backend: "mpi" });
const { rank, size } = world;
tg.manualSeed(Number(args.seed));
const normalize = data.transforms.normalize([0.1307], [0.3081]);
const load = (train: boolean) => (args.data ? new data.MNIST({ root: args.data, train, transform: normalize }) : new data.EmbeddedMNIST({ train, transform: normalize }));
const limit = (ds: tg.data.Dataset<[tg.Tensor, number]>) =>
  args.limit ? new data.Subset(ds, Array.from({ length: Math.min(Number(args.limit), ds.length) }, (_, i) => i)) : ds;
const trainSet = limit(load(true));
const testSet = limit(load(false));
const sampler = new dist.DistributedSampler(trainSet, { seed: Number(args.seed) });
const trainLoader = new data.DataLoader(trainSet, { batchSize: Number(args["batch-size"]), sampler });

const model = new dist.DistributedDataParallel(new ConvNet()); // rank 0's initial weights on every rank
const optimizer = new optim.Adam(model.parameters(), { lr: Number(args.lr) });
if (rank === 0) console.log(`${size} rank${size > 1 ? "s" : ""}, ${sampler.length} of ${trainSet.length} training images each per epoch, global batch ${Number(args["batch-size"]) * size}`);

for (let epoch = 1; epoch <= Number(args.epochs); epoch++) {
  sampler.setEpoch(epoch);
  model.train();
  const started = performance.now();
  let [running, batches, images] = [0, 0, 0];
  for (const [x, y] of trainLoader) {
    running += tg.scope(() => {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    images += x.shape[0]!;
    batches++;
  }
  const seconds = (performance.now() - started) / 1000;
  const loss = tg.tensor([running / batches]);
  dist.allReduce(loss, { op: "avg" });
  console.log(`rank ${rank} epoch ${epoch}: ${(images / seconds).toFixed(0)} images/s`);
  dist.barrier();
  if (rank === 0) console.log(`epoch ${epoch}: mean loss over the ranks ${loss.item().toFixed(4)}`);
}

if (rank === 0) {
  model.eval();
  let correct = 0;
  tg.noGrad(() => {
    for (const [x, y] of new data.DataLoader(testSet, { batchSize: 256 })) correct += tg.scope(() => model.forward(x).argmax(1).eq(y).sum().item());
  });
  console.log(`test accuracy ${((100 * correct) / testSet.length).toFixed(2)}%`);
}
dist.destroyProcessGroup();
