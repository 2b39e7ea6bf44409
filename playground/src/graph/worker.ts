/**
 * PyG's introductory GCN on Zachary's karate club: three GCNConv layers with tanh down to two
 * dimensions and a linear classifier, trained on the four labelled members (one per community);
 * after each slice of epochs the 2-D embedding of every member is sent to the page.
 */
import * as tg from "tensorgrad";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
tg.setNumThreads(1); // 34 nodes
const { nn, optim } = tg;
const { GCNConv } = tg.geometric.nn;

class GCN extends nn.Module<[tg.Tensor, tg.Tensor], [tg.Tensor, tg.Tensor]> {
  conv1 = new GCNConv(34, 4);
  conv2 = new GCNConv(4, 4);
  conv3 = new GCNConv(4, 2);
  classifier = new nn.Linear(2, 4);

  /** The class scores and the 2-D embedding they are read from. */
  forward(x: tg.Tensor, edgeIndex: tg.Tensor): [tg.Tensor, tg.Tensor] {
    let h = this.conv1.forward(x, edgeIndex).tanh();
    h = this.conv2.forward(h, edgeIndex).tanh();
    h = this.conv3.forward(h, edgeIndex).tanh();
    return [this.classifier.forward(h), h];
  }
}

const data = new tg.geometric.datasets.KarateClub().get(0);
const x = tg.keep(data.x!);
const edgeIndex = tg.keep(data.edgeIndex!);
const y = tg.keep(data.y!);
const labelled = Array.from((data.trainMask as tg.Tensor).dataSync(), (v, i) => (v ? i : -1)).filter((i) => i >= 0);
const trainNodes = tg.keep(tg.tensor(Int32Array.from(labelled), { dtype: "int32" }));
tg.manualSeed(0); // "New network" draws another seed
let model = new GCN();
let optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
let epoch = 0;
let target = 0;
let loss = NaN;

function reset(seed: number): void {
  tg.manualSeed(seed);
  model = new GCN();
  optimizer = new optim.Adam(model.parameters(), { lr: optimizer.paramGroups[0]!.lr });
  epoch = 0;
  target = 0;
  report(0);
}

function report(stepsPerSecond: number): void {
  const { embedding, accuracy } = tg.noGrad(() => tg.scope(() => {
    const [scores, h] = model.forward(x, edgeIndex);
    return { embedding: h.dataSync() as Float32Array, accuracy: scores.argmax(1).eq(y).float().mean().item() };
  }));
  post({ type: "update", epoch, loss, accuracy, embedding, stepsPerSecond, done: !loop.running }, [embedding.buffer]);
}

const loop = trainingLoop(
  () => {
    loss = tg.scope(() => {
      optimizer.zeroGrad();
      const [scores] = model.forward(x, edgeIndex);
      const l = nn.functional.crossEntropy(scores.indexSelect(0, trainNodes), y.indexSelect(0, trainNodes));
      l.backward();
      optimizer.step();
      return l.item();
    });
    if (++epoch >= target) loop.pause();
  },
  report,
  // Slices of about three frames: the embedding moves smoothly.
  50,
);

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "train") {
    if (epoch >= target) target = epoch + m.epochs;
    optimizer.paramGroups[0]!.lr = m.lr;
    loop.start();
  } else if (m.type === "pause") loop.pause();
  else reset(m.seed);
};

const edges = edgeIndex.dataSync() as Int32Array;
post({ type: "graph", nodes: 34, edges, communities: y.dataSync() as Int32Array, labelled, mermaid: tg.viz.toMermaid(model) });
report(0);
