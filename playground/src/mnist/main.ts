/**
 * The MNIST page: the seed's CNN trains in a worker on the embedded digits; the user draws a digit
 * and sees what the network makes of it — probabilities, first-layer filters, every layer's
 * activations and a saliency map.
 */
import { $, noteRate, setUpPage, showError } from "../common/page.js";
import { drawChart } from "../common/chart.js";
import { renderMermaid } from "../common/mermaid.js";
import { paint, valuesToCanvas } from "../common/images.js";
import { digitize, drawingPad } from "./digitize.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const state = setUpPage("mnist");
const stats = $("stats");
const trainButton = $<HTMLButtonElement>("train");
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
const loss: [number, number][] = [];
const accuracy: [number, number][] = [];
let training = false;
let summary = "";
state.testAccuracy = 0;
state.prediction = null;

const setTraining = (on: boolean) => {
  training = on;
  trainButton.textContent = on ? "Pause" : "Train";
  state.status = on ? "training" : "paused";
};

function look(): void {
  const pixels = digitize($<HTMLCanvasElement>("pad"));
  if (!pixels) return;
  paint($<HTMLCanvasElement>("seen"), pixels, 28, 28);
  send({ type: "look", pixels }, [pixels.buffer]);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "error":
      return showError(state, stats, m.message);
    case "ready":
      summary = `${m.train} training and ${m.test} test digits · ${m.parameters} parameters · ${m.threads} thread${m.threads > 1 ? "s" : ""}`;
      stats.textContent = `${summary}\npress Train`;
      state.status = "ready";
      state.threads = m.threads;
      void renderMermaid($("diagram"), m.mermaid);
      return;
    case "progress": {
      loss.push([m.step, m.loss]);
      if (m.testAccuracy !== undefined) accuracy.push([m.step, m.testAccuracy]);
      state.steps = m.step;
      state.losses.push(m.loss);
      noteRate(state, m.stepsPerSecond);
      if (m.testAccuracy !== undefined) {
        state.accuracies.push(m.testAccuracy);
        state.testAccuracy = m.testAccuracy;
      }
      drawChart($<HTMLCanvasElement>("curves"), [{ label: "loss", color: "#e4572e", points: loss }, { label: "test accuracy", color: "#2f6fde", points: accuracy }], { yMin: 0 });
      stats.textContent = `${summary}\nepoch ${m.epoch.toFixed(2)} · step ${m.step} · loss ${m.loss.toFixed(3)} · test accuracy ${(100 * (state.testAccuracy as number)).toFixed(1)}% · ${m.stepsPerSecond.toFixed(0)} steps/s`;
      if (m.done) setTraining(false);
      return;
    }
    case "filters": {
      const filters = $("filters");
      filters.replaceChildren(...Array.from({ length: m.count }, (_, i) => valuesToCanvas(m.weights, m.size, m.size, { scale: 14, signed: true, offset: i * m.size * m.size })));
      return;
    }
    case "look": {
      const best = m.probabilities.indexOf(Math.max(...m.probabilities));
      state.prediction = best;
      state.probabilities = Array.from(m.probabilities);
      $("probabilities").innerHTML = Array.from(m.probabilities, (p, d) =>
        `<span${d === best ? ' style="font-weight:600"' : ""}>${d}</span><div class="bar" style="width:${(100 * p).toFixed(1)}%"></div><span>${(100 * p).toFixed(1)}%</span>`).join("");
      paint($<HTMLCanvasElement>("saliency"), m.saliency, 28, 28);
      $("activations").replaceChildren(...m.activations.map((a) => {
        const row = document.createElement("div");
        row.innerHTML = `<div class="stats">${a.name}: ${a.channels > 1 ? `${a.channels} × ${a.height} × ${a.width}` : a.width}</div>`;
        const grid = document.createElement("div");
        grid.className = "grid";
        const size = a.height * a.width;
        const scale = a.height === 1 ? Math.max(1, Math.floor(480 / a.width)) : Math.max(1, Math.round(40 / a.height));
        for (let c = 0; c < a.channels; c++) grid.append(valuesToCanvas(a.values, a.width, a.height, { scale, scaleY: a.height === 1 ? 12 : scale, offset: c * size }));
        row.append(grid);
        return row;
      }));
      return;
    }
  }
};
worker.onerror = (e) => showError(state, stats, e.message || "the training worker failed to start");

trainButton.onclick = () => {
  if (training) {
    send({ type: "pause" });
    return setTraining(false);
  }
  const epochs = Number($<HTMLInputElement>("epochs").value);
  const lr = Number($<HTMLInputElement>("lr").value);
  if (!(epochs > 0 && epochs <= 100) || !(lr > 0 && lr < 1)) return showError(state, stats, "epochs: a number from 0 to 100; learning rate: between 0 and 1");
  send({ type: "train", epochs, lr });
  setTraining(true);
};
const pad = drawingPad($<HTMLCanvasElement>("pad"), look);
$("clear").onclick = () => pad.clear();
drawChart($<HTMLCanvasElement>("curves"), []);
send({ type: "init", dataUrl: new URL("data/mnist.bin.gz", document.baseURI).href });
