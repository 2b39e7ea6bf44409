/**
 * The model-loading page: the user drops (or picks) a saved model; a worker loads it from the
 * files' bytes and runs it on a drawn digit, a sentence or numbers, depending on its input.
 */
import { $, setUpPage, showError } from "../common/page.js";
import { renderMermaid } from "../common/mermaid.js";
import { digitize, drawingPad } from "../mnist/digitize.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const state = setUpPage("load");
const stats = $("stats");
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
state.loaded = null;
state.prediction = null;

/** The files of a pick or a drop, by their own names (a folder's files are one level down). */
async function readFiles(files: Iterable<File>): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const f of files) out[f.name] = new Uint8Array(await f.arrayBuffer());
  return out;
}

/** A dropped folder's files (through the entries API) or the dropped files themselves. */
async function droppedFiles(items: DataTransferItemList): Promise<File[]> {
  const entries = Array.from(items, (i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files: File[] = [];
  const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));
  for (const entry of entries) {
    if (entry.isFile) files.push(await fileOf(entry as FileSystemFileEntry));
    else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) if (e.isFile) files.push(await fileOf(e as FileSystemFileEntry));
      }
    }
  }
  return files;
}

async function load(files: Iterable<File>): Promise<void> {
  const bytes = await readFiles(files);
  if (Object.keys(bytes).length === 0) return showError(state, stats, "no files: drop the saved folder, or its model.json and model.safetensors, or a .keras file");
  stats.className = "stats";
  stats.textContent = `loading ${Object.keys(bytes).join(", ")}…`;
  state.error = undefined;
  send({ type: "load", files: bytes }, Object.values(bytes).map((b) => b.buffer as ArrayBuffer));
}

function showPrediction(outputs: Float32Array): void {
  const probabilities = outputs.length === 1 ? [1 - outputs[0]!, outputs[0]!] : Array.from(outputs);
  const best = probabilities.indexOf(Math.max(...probabilities));
  state.prediction = best;
  state.outputs = Array.from(outputs);
  const scale = Math.max(1, ...probabilities.map(Math.abs));
  $("prediction").innerHTML = probabilities.map((p, k) =>
    `<span${k === best ? ' style="font-weight:600"' : ""}>${k}</span><div class="bar" style="width:${((100 * Math.max(p, 0)) / scale).toFixed(1)}%"></div><span>${p.toFixed(3)}</span>`).join("");
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "error") return showError(state, stats, m.message);
  if (m.type === "prediction") return showPrediction(m.outputs);
  state.loaded = { kind: m.kind, inputShape: m.inputShape, outputs: m.outputs, recipe: m.recipe };
  state.status = "loaded";
  stats.textContent = `${m.recipe ? `recipe ${m.recipe} · ` : ""}input [${m.inputShape.join(", ")}] · ${m.outputs} output${m.outputs > 1 ? "s" : ""}`;
  $("summary").textContent = m.summary;
  void renderMermaid($("diagram"), m.mermaid);
  $("run").hidden = false;
  $("image-input").hidden = m.kind !== "image";
  $("other-input").hidden = m.kind === "image";
  $("input-label").textContent = m.kind === "text" ? "a sentence" : `a JSON array of ${m.inputShape.reduce((a: number, b) => a * (b ?? 1), 1)} numbers`;
  $("prediction").textContent = "";
};
worker.onerror = (e) => showError(state, stats, e.message || "the worker failed to start");

const drop = $("drop");
drop.ondragover = (e) => {
  e.preventDefault();
  drop.style.borderColor = "var(--accent)";
};
drop.ondragleave = () => (drop.style.borderColor = "");
drop.ondrop = (e) => {
  e.preventDefault();
  drop.style.borderColor = "";
  if (e.dataTransfer) droppedFiles(e.dataTransfer.items).then(load, (err) => showError(state, stats, String(err)));
};
for (const id of ["folder", "files"]) {
  const input = $<HTMLInputElement>(id);
  input.onchange = () => void load(input.files ?? []);
}
const pad = drawingPad($<HTMLCanvasElement>("pad"), () => {
  const pixels = digitize($<HTMLCanvasElement>("pad"));
  if (pixels) send({ type: "predict", input: pixels }, [pixels.buffer]);
});
$("clear").onclick = () => pad.clear();
$("predict").onclick = () => {
  const text = $<HTMLTextAreaElement>("input").value;
  if ((state.loaded as { kind: string } | null)?.kind === "text") return send({ type: "predict", input: text });
  let numbers: unknown;
  try {
    numbers = JSON.parse(text);
  } catch {
    return showError(state, stats, "the input is not valid JSON: write an array of numbers, e.g. [0.5, 1, 2]");
  }
  const flat = Array.isArray(numbers) ? (numbers as unknown[]).flat(Infinity) : [numbers];
  if (!flat.every((v) => typeof v === "number")) return showError(state, stats, "the input must hold numbers only");
  send({ type: "predict", input: flat as number[] });
};
state.status = "ready";
