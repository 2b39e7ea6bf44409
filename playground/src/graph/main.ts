/**
 * The graph page: a GCN learns the karate club's communities from four labelled members; every
 * member is drawn at its 2-D embedding (the last GCN layer's output), with the friendships as
 * lines, so the communities pull apart as it trains.
 */
import { $, noteRate, setUpPage, showError } from "../common/page.js";
import { drawChart } from "../common/chart.js";
import { renderMermaid } from "../common/mermaid.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const state = setUpPage("graph");
const stats = $("stats");
const trainButton = $<HTMLButtonElement>("train");
const COLORS = ["#e4572e", "#2f6fde", "#29a36a", "#f2a541"];
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);
let graph: Extract<FromWorker, { type: "graph" }> | null = null;
const loss: [number, number][] = [];
const accuracy: [number, number][] = [];
let training = false;

function drawEmbedding(embedding: Float32Array): void {
  if (!graph) return;
  const canvas = $<HTMLCanvasElement>("embedding");
  const ctx = canvas.getContext("2d")!;
  const { width: w, height: h } = canvas;
  // tanh keeps the embedding in [−1, 1]²; zoom to its extent so small moves show early on.
  let extent = 1e-3;
  for (const v of embedding) extent = Math.max(extent, Math.abs(v));
  const X = (i: number) => w / 2 + (embedding[2 * i]! / extent) * (w / 2 - 20);
  const Y = (i: number) => h / 2 - (embedding[2 * i + 1]! / extent) * (h / 2 - 20);
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "rgba(91, 100, 114, 0.25)";
  const edges = graph.edges;
  const m = edges.length / 2;
  ctx.beginPath();
  for (let e = 0; e < m; e++) {
    const [a, b] = [edges[e]!, edges[m + e]!];
    if (a < b) {
      ctx.moveTo(X(a), Y(a));
      ctx.lineTo(X(b), Y(b));
    }
  }
  ctx.stroke();
  for (let i = 0; i < graph.nodes; i++) {
    ctx.beginPath();
    ctx.arc(X(i), Y(i), 7, 0, 2 * Math.PI);
    ctx.fillStyle = COLORS[graph.communities[i]!]!;
    ctx.fill();
    ctx.lineWidth = graph.labelled.includes(i) ? 3 : 1;
    ctx.strokeStyle = graph.labelled.includes(i) ? "#1d2330" : "#fff";
    ctx.stroke();
  }
  ctx.lineWidth = 1;
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "error") return showError(state, stats, m.message);
  if (m.type === "graph") {
    graph = m;
    void renderMermaid($("diagram"), m.mermaid);
    stats.textContent = `${m.nodes} members, ${m.edges.length / 4} friendships, ${m.labelled.length} labelled · press Train`;
    state.status = "ready";
    return;
  }
  drawEmbedding(m.embedding);
  state.embedding = Array.from(m.embedding);
  if (m.epoch === 0) return;
  loss.push([m.epoch, m.loss]);
  accuracy.push([m.epoch, m.accuracy]);
  state.steps = m.epoch;
  state.losses.push(m.loss);
  state.accuracies.push(m.accuracy);
  noteRate(state, m.stepsPerSecond);
  drawChart($<HTMLCanvasElement>("curves"), [{ label: "loss", color: "#e4572e", points: loss }, { label: "accuracy (all members)", color: "#2f6fde", points: accuracy }], { yMin: 0 });
  stats.textContent = `epoch ${m.epoch} · loss ${m.loss.toFixed(4)} · accuracy on all 34 members ${(100 * m.accuracy).toFixed(1)}% · ${Math.round(m.stepsPerSecond)} epochs/s`;
  if (m.done) setTraining(false);
};
worker.onerror = (e) => showError(state, stats, e.message || "the training worker failed to start");

function setTraining(on: boolean): void {
  training = on;
  trainButton.textContent = on ? "Pause" : "Train";
  state.status = on ? "training" : "paused";
}

trainButton.onclick = () => {
  if (training) {
    send({ type: "pause" });
    return setTraining(false);
  }
  const lr = Number($<HTMLInputElement>("lr").value);
  const epochs = Number($<HTMLInputElement>("epochs").value);
  if (!(lr > 0 && lr < 10) || !Number.isInteger(epochs) || epochs < 1) return showError(state, stats, "learning rate: between 0 and 10; epochs: a whole number ≥ 1");
  send({ type: "train", lr, epochs });
  setTraining(true);
};
$("reset").onclick = () => {
  loss.length = 0;
  accuracy.length = 0;
  state.losses = [];
  state.accuracies = [];
  send({ type: "reset", seed: Math.floor(Math.random() * 1e6) });
};
drawChart($<HTMLCanvasElement>("curves"), []);
