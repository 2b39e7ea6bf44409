/**
 * One rank of the Keras test (mpirun): a small Sequential model fitted with
 * `distribution: new tg.distributed.DataParallel()`, global batch 8 split over the ranks, shuffled;
 * rank 0 prints the weights and the last epoch's logs as JSON.
 */
import * as tg from "../../src/index.js";

const { rank, size } = tg.distributed.initProcessGroup();
tg.manualSeed(rank + 10); // different initial weights: prepare() must broadcast rank 0's
const g = new tg.Generator(3);
const x = tg.randn([32, 3], { generator: g });
const y = x.matmul(tg.tensor([[1, -2], [0.5, 1], [-1, 0.25]])).add(0.1);
const model = new tg.keras.Sequential([new tg.keras.layers.Dense(8, { activation: "tanh", inputShape: [3] }), new tg.keras.layers.Dense(2)]);
model.compile({ optimizer: "sgd", loss: "mse" });
const history = model.fit(x, y, { epochs: 3, batchSize: 8 / size, shuffle: true, verbose: 0, distribution: new tg.distributed.DataParallel() });
const weights = Object.fromEntries(Object.entries(model.getWeights()).map(([k, t]) => [k, Array.from(t.dataSync())]));
if (rank === 0) console.log(JSON.stringify({ weights, loss: history.history.loss }));
tg.distributed.destroyProcessGroup();
