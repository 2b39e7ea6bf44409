/**
 * The 2-D classification page: the user picks (or clicks) points and a network, a worker trains
 * it, and the decision regions and the loss curve are redrawn after every slice of steps.
 */
import { $, noteRate, setUpPage, showError } from "../common/page.js";
import { drawChart } from "../common/chart.js";
import { renderMermaid } from "../common/mermaid.js";
import { makeDataset, type Points } from "./datasets.js";
import type { FromWorker, NetworkSettings, ToWorker } from "./protocol.js";

const state = setUpPage("classify");
const SIZE = 360;
const COLORS: [number, number, number][] = [[228, 87, 46], [47, 111, 222]];
const regions = $<HTMLCanvasElement>("regions");
const pointsCanvas = $<HTMLCanvasElement>("points");
const stats = $("stats");
const trainButton = $<HTMLButtonElement>("train");

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);
let points: Points = makeDataset("spiral");
let clicked: Points = { xy: [], labels: [] };
let training = false;
const curve: [number, number][] = [];
const accuracyCurve: [number, number][] = [];
state.points = points;

const toPixel = (v: number) => ((v + 1) / 2) * SIZE;

function drawPoints(): void {
  const ctx = pointsCanvas.getContext("2d")!;
  ctx.clearRect(0, 0, SIZE, SIZE);
  for (let i = 0; i < points.labels.length; i++) {
    const [r, g, b] = COLORS[points.labels[i]!]!;
    ctx.beginPath();
    ctx.arc(toPixel(points.xy[2 * i]!), toPixel(points.xy[2 * i + 1]!), 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.stroke();
  }
}

/** Each cell's colour mixes the two classes' (lightened) by the network's probability of class 1. */
function drawRegions(grid: Float32Array, gridSize: number): void {
  const ctx = regions.getContext("2d")!;
  const image = ctx.createImageData(gridSize, gridSize);
  for (let i = 0; i < grid.length; i++) {
    const p = grid[i]!;
    for (let c = 0; c < 3; c++) image.data[4 * i + c] = 255 - 0.45 * (255 - ((1 - p) * COLORS[0]![c]! + p * COLORS[1]![c]!));
    image.data[4 * i + 3] = 255;
  }
  const small = new OffscreenCanvas(gridSize, gridSize);
  small.getContext("2d")!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, SIZE, SIZE);
}

function settings(): NetworkSettings {
  const hidden = $<HTMLInputElement>("hidden").value.split(/[\s,]+/).filter(Boolean).map(Number);
  if (hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 256)) throw new Error("hidden layers: whole numbers from 1 to 256, separated by commas");
  const lr = Number($<HTMLInputElement>("lr").value);
  if (!(lr > 0 && lr < 10)) throw new Error("the learning rate must be a number between 0 and 10");
  return {
    hidden,
    activation: $<HTMLSelectElement>("activation").value as NetworkSettings["activation"],
    optimizer: $<HTMLSelectElement>("optimizer").value as NetworkSettings["optimizer"],
    lr,
  };
}

function rebuild(): void {
  try {
    send({ type: "build", settings: settings(), seed: 0 });
  } catch (e) {
    return showError(state, stats, (e as Error).message);
  }
  curve.length = 0;
  accuracyCurve.length = 0;
  state.losses = [];
  state.accuracies = [];
}

function setPoints(next: Points): void {
  points = next;
  state.points = points;
  drawPoints();
  send({ type: "data", points });
}

function setTraining(on: boolean): void {
  training = on;
  trainButton.textContent = on ? "Pause" : "Train";
  state.status = on ? "training" : "paused";
  send({ type: on ? "train" : "pause" });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "error") return showError(state, stats, m.message);
  if (m.type === "built") {
    renderMermaid($("diagram"), m.mermaid).catch((err) => ($("diagram").textContent = String(err)));
    state.parameters = m.parameters;
    if (state.status === "loading") state.status = "ready";
    return;
  }
  drawRegions(m.grid, m.gridSize);
  curve.push([m.step, m.loss]);
  accuracyCurve.push([m.step, m.accuracy]);
  state.steps = m.step;
  state.losses.push(m.loss);
  state.accuracies.push(m.accuracy);
  noteRate(state, m.stepsPerSecond);
  drawChart($<HTMLCanvasElement>("loss"), [{ label: "loss", color: "#e4572e", points: curve }, { label: "accuracy", color: "#2f6fde", points: accuracyCurve }], { yMin: 0 });
  stats.textContent = `step ${m.step} · loss ${m.loss.toFixed(4)} · accuracy ${(100 * m.accuracy).toFixed(1)}% · ${Math.round(m.stepsPerSecond)} steps/s`;
};
worker.onerror = (e) => showError(state, stats, e.message || "the training worker failed to start");

trainButton.onclick = () => setTraining(!training);
$("reset").onclick = () => rebuild();
$("clear").onclick = () => {
  clicked = { xy: [], labels: [] };
  $<HTMLSelectElement>("dataset").value = "clicked";
  setPoints(clicked);
};
$<HTMLSelectElement>("dataset").onchange = (e) => {
  const kind = (e.target as HTMLSelectElement).value;
  setPoints(kind === "clicked" ? clicked : makeDataset(kind as "spiral" | "circles" | "xor"));
};
for (const id of ["hidden", "activation", "optimizer", "lr"]) $(id).onchange = () => rebuild();
pointsCanvas.onpointerdown = (e) => {
  if ($<HTMLSelectElement>("dataset").value !== "clicked") {
    clicked = { xy: [...points.xy], labels: [...points.labels] };
    $<HTMLSelectElement>("dataset").value = "clicked";
  }
  const rect = pointsCanvas.getBoundingClientRect();
  clicked.xy.push(((e.clientX - rect.left) / rect.width) * 2 - 1, ((e.clientY - rect.top) / rect.height) * 2 - 1);
  clicked.labels.push(e.shiftKey ? 1 : 0);
  setPoints(clicked);
};

drawPoints();
drawChart($<HTMLCanvasElement>("loss"), []);
rebuild();
send({ type: "data", points });
stats.textContent = "press Train";
