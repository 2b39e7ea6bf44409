/**
 * The CartPole page: PPO learns in a worker; the return of every training episode is plotted, and
 * the latest policy's own episode is animated in real time (50 steps a second, CartPole's τ).
 */
import { $, noteRate, setUpPage, showError } from "../common/page.js";
import { drawChart } from "../common/chart.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const state = setUpPage("rl");
const stats = $("stats");
const trainButton = $<HTMLButtonElement>("train");
const returns: [number, number][] = [];
const means: [number, number][] = [];
let worker: Worker | null = null;
let stop = new Int32Array(new SharedArrayBuffer(4));
type Episode = { states: Float64Array; length: number; timesteps: number };
let episode: Episode | null = null;
let next: Episode | null = null; // the newest policy's episode, shown when the current one ends
let frame = 0;
state.meanReturn = 0;
state.episodesSeen = 0;

/** The cart, the track and the pole, from the state [x, ẋ, θ, θ̇] (Gymnasium's drawing, roughly). */
function drawScene(x: number, theta: number, caption: string): void {
  const canvas = $<HTMLCanvasElement>("scene");
  const ctx = canvas.getContext("2d")!;
  const { width: w, height: h } = canvas;
  const scale = w / 4.8; // the track spans x ∈ [−2.4, 2.4]
  const cartY = h * 0.7;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#5b6472";
  ctx.beginPath();
  ctx.moveTo(0, cartY + 12);
  ctx.lineTo(w, cartY + 12);
  ctx.stroke();
  const cx = w / 2 + x * scale;
  ctx.fillStyle = "#1d2330";
  ctx.fillRect(cx - 25, cartY - 12, 50, 24);
  const pole = 2 * 0.5 * scale; // the pole is 1 m long (length = half of it)
  ctx.strokeStyle = "#e4572e";
  ctx.lineWidth = 8;
  ctx.lineCap = "round";
  ctx.beginPath();
  ctx.moveTo(cx, cartY - 12);
  ctx.lineTo(cx + pole * Math.sin(theta), cartY - 12 - pole * Math.cos(theta));
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = "#5b6472";
  ctx.font = "12px system-ui";
  ctx.fillText(caption, 8, 16);
}

// The animation: one CartPole step per 20 ms of wall time.
let lastTime = performance.now();
function animate(now: number): void {
  if (episode && frame >= episode.length - 1 && next) {
    [episode, next, frame] = [next, null, 0];
  }
  if (episode) {
    frame = Math.min(frame + Math.floor((now - lastTime) / 20), episode.length - 1);
    if (now - lastTime >= 20) lastTime = now;
    const s = episode.states;
    drawScene(s[4 * frame]!, s[4 * frame + 2]!, `policy after ${episode.timesteps} steps: step ${frame + 1} of ${episode.length}`);
  }
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);

function start(): void {
  const totalTimesteps = Number($<HTMLInputElement>("steps").value);
  const seed = Number($<HTMLInputElement>("seed").value);
  if (!Number.isInteger(totalTimesteps) || totalTimesteps < 1000 || totalTimesteps > 10_000_000 || !Number.isInteger(seed)) {
    return showError(state, stats, "time steps: a whole number from 1,000 to 10,000,000; seed: a whole number");
  }
  returns.length = 0;
  means.length = 0;
  state.losses = [];
  stop = new Int32Array(new SharedArrayBuffer(4));
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = onMessage;
  worker.onerror = (e) => showError(state, stats, e.message || "the training worker failed to start");
  const m: ToWorker = { type: "train", totalTimesteps, seed, stop: stop.buffer as SharedArrayBuffer };
  worker.postMessage(m);
  trainButton.textContent = "Stop";
  state.status = "training";
}

function onMessage(e: MessageEvent<FromWorker>): void {
  const m = e.data;
  switch (m.type) {
    case "error":
      return showError(state, stats, m.message);
    case "ready":
      return;
    case "progress":
      for (const ep of m.episodes) returns.push([ep.timestep, ep.return]);
      means.push([m.timesteps, m.meanReturn]);
      state.steps = m.timesteps;
      state.meanReturn = m.meanReturn;
      state.episodesSeen = returns.length;
      noteRate(state, m.stepsPerSecond);
      state.accuracies.push(m.meanReturn);
      drawChart($<HTMLCanvasElement>("returns"), [{ label: "episode return", color: "#c5cad3", points: returns }, { label: "mean of last 20", color: "#2f6fde", points: means }], { yMin: 0, yMax: 500 });
      stats.textContent = `${m.timesteps} steps · ${returns.length} episodes · mean return (last 20) ${m.meanReturn.toFixed(1)} · ${Math.round(m.stepsPerSecond)} steps/s`;
      return;
    case "episode":
      if (episode) next = m;
      else [episode, frame] = [m, 0];
      state.lastEpisodeLength = m.length;
      return;
    case "done":
      stats.textContent += `\n${Atomics.load(stop, 0) ? "stopped" : "done"} after ${m.seconds.toFixed(1)} s`;
      state.status = "done";
      trainButton.textContent = "Train";
      worker?.terminate();
      worker = null;
  }
}

trainButton.onclick = () => {
  if (worker) Atomics.store(stop, 0, 1);
  else start();
};
drawScene(0, 0, "press Train");
drawChart($<HTMLCanvasElement>("returns"), []);
state.status = "ready";
