/** The text page: a character GPT trains in a worker; "Generate" streams its text token by token. */
import { $, noteRate, setUpPage, showError } from "../common/page.js";
import { drawChart } from "../common/chart.js";
import { renderMermaid } from "../common/mermaid.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const state = setUpPage("text");
const stats = $("stats");
const output = $("output");
const trainButton = $<HTMLButtonElement>("train");
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);
const loss: [number, number][] = [];
const valLoss: [number, number][] = [];
let training = false;
let summary = "";
state.tokens = 0;
state.generated = "";
state.generating = false;

function setTraining(on: boolean): void {
  training = on;
  trainButton.textContent = on ? "Pause" : "Train";
  state.status = on ? "training" : "paused";
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "error":
      return showError(state, stats, m.message);
    case "ready":
      summary = `${m.characters} characters, ${m.vocabulary} distinct · a ${(m.parameters / 1e3).toFixed(0)}k-parameter GPT (${m.config})`;
      stats.textContent = `${summary}\npress Train`;
      state.status = "ready";
      void renderMermaid($("diagram"), m.mermaid);
      return;
    case "progress":
      loss.push([m.iter, m.loss]);
      if (m.valLoss !== undefined) valLoss.push([m.iter, m.valLoss]);
      state.steps = m.iter;
      state.losses.push(m.loss);
      noteRate(state, m.stepsPerSecond);
      if (m.valLoss !== undefined) state.valLoss = m.valLoss;
      drawChart($<HTMLCanvasElement>("curves"), [{ label: "training loss", color: "#e4572e", points: loss }, { label: "validation loss", color: "#2f6fde", points: valLoss }]);
      stats.textContent = `${summary}\niteration ${m.iter} · loss ${m.loss.toFixed(3)}${valLoss.length ? ` · validation loss ${valLoss.at(-1)![1].toFixed(3)}` : ""} · ${m.stepsPerSecond.toFixed(1)} iterations/s`;
      if (m.done) setTraining(false);
      return;
    case "token":
      output.textContent += m.text;
      state.tokens = (state.tokens as number) + 1;
      state.generated = (state.generated as string) + m.text;
      return;
    case "generated":
      state.generating = false;
      state.tokensPerSecond = m.tokens / m.seconds;
      $<HTMLButtonElement>("generate").disabled = false;
      stats.textContent += `\ngenerated ${m.tokens} tokens at ${(m.tokens / m.seconds).toFixed(0)} tokens/s`;
  }
};
worker.onerror = (e) => showError(state, stats, e.message || "the training worker failed to start");

trainButton.onclick = () => {
  if (training) {
    send({ type: "pause" });
    return setTraining(false);
  }
  const iters = Number($<HTMLInputElement>("iters").value);
  if (!Number.isInteger(iters) || iters < 1) return showError(state, stats, "iterations: a whole number ≥ 1");
  send({ type: "train", iters });
  setTraining(true);
};
$("generate").onclick = () => {
  const temperature = Number($<HTMLInputElement>("temperature").value);
  if (!(temperature >= 0 && temperature <= 5)) return showError(state, stats, "temperature: a number from 0 to 5");
  const prompt = $<HTMLInputElement>("prompt").value;
  output.textContent = prompt;
  state.tokens = 0;
  state.generated = "";
  state.generating = true;
  $<HTMLButtonElement>("generate").disabled = true;
  send({ type: "generate", prompt, tokens: 300, temperature });
};
drawChart($<HTMLCanvasElement>("curves"), []);
send({ type: "init", textUrl: new URL("data/moby-dick.txt", document.baseURI).href });
