/**
 * The README's results table: every recipe run in tensorgrad (its example, default settings unless
 * the row says otherwise) and in its reference — PyTorch 2.13 for the PyTorch-style examples, Keras 3
 * on TensorFlow for the Keras-style ones (tools/results_reference.py, in the peers' environment of
 * tools/peers.sh or $PEERS_PYTHON) — on the same arrays (tools/results-data.ts writes them first),
 * over several seeds. Records each run's test accuracy and wall time in bench/results/examples.json
 * and rewrites the table between the README's markers. About 25 minutes on 2 cores:
 *
 *   npm run results [-- --seeds 0,1,2] [--only NAME,NAME] [--no-reference]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatTable, summarize, type Row, type Run } from "./results-table.js";

const backend = process.env.TENSORGRAD_BACKEND ?? "wasm";
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.PEERS_PYTHON ?? path.join(root, ".peers-venv", "bin", "python");
const { values: args } = parseArgs({
  options: { seeds: { type: "string", default: "0,1,2" }, only: { type: "string" }, "no-reference": { type: "boolean", default: false } },
});

interface Recipe {
  name: string;
  /** The example and its flags (the reference gets the same flags). */
  file: string;
  args: string[];
  data: string;
  reference: "PyTorch" | "Keras";
  /** The reference's recipe name in tools/results_reference.py (default: name). */
  referenceRecipe?: string;
  /** The target, in percent. */
  target?: number;
}

const RECIPES: Recipe[] = [
  { name: "cnn-mnist", file: "cnn-mnist.ts", args: [], data: "embedded MNIST (7,996 / 2,004)", reference: "PyTorch", target: 97 },
  { name: "mlp-mnist", file: "mlp-mnist.ts", args: ["--verbose", "2"], data: "embedded MNIST (7,996 / 2,004)", reference: "Keras" },
  { name: "cnn-keras", file: "cnn-keras.ts", args: ["--verbose", "2"], data: "embedded MNIST (7,996 / 2,004)", reference: "Keras" },
  { name: "lstm-text", file: "lstm-text.ts", args: ["--verbose", "2"], data: "SpamAssassin (4,837 / 1,209)", reference: "Keras", target: 95 },
  { name: "transformer", file: "transformer.ts", args: ["--steps", "0"], data: "SpamAssassin (4,837 / 1,209)", reference: "PyTorch" },
  { name: "mlp-fashion", file: "mlp-mnist.ts", args: ["--fashion", "--verbose", "2"], data: "Fashion-MNIST (60,000 / 10,000)", reference: "Keras", referenceRecipe: "mlp-mnist", target: 87 },
  // 5 epochs without augmentation: the digits' recipe would take 10 × 7.5 times the digits' epochs here.
  { name: "cnn-fashion", file: "cnn-mnist.ts", args: ["--fashion", "--epochs", "5", "--augment", "none"], data: "Fashion-MNIST (60,000 / 10,000)", reference: "PyTorch", referenceRecipe: "cnn-mnist", target: 88 },
];

/** Runs a program to its end; its last "test accuracy X%" and its wall time. */
function timed(command: string, argv: string[], label: string): Run {
  const started = Date.now();
  const r = spawnSync(command, argv, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  const seconds = (Date.now() - started) / 1000;
  const out = `${r.stdout}${r.stderr}`;
  const matches = [...out.matchAll(/test accuracy (\d+(?:\.\d+)?)%/g)];
  const accuracy = matches.length ? Number(matches[matches.length - 1]![1]) : null;
  if (accuracy === null) console.log(`${label}: no accuracy (exit ${r.status})\n${out.slice(-2000)}`);
  else console.log(`${label}: ${accuracy}% in ${seconds.toFixed(1)} s`);
  return { accuracy, seconds };
}

const seeds = args.seeds!.split(",").map(Number);
const only = args.only?.split(",");
const chosen = RECIPES.filter((r) => !only || only.includes(r.name));
const withReference = !args["no-reference"] && existsSync(python);
if (!args["no-reference"] && !withReference) console.log(`no peers' Python at ${python} (sh tools/peers.sh, or set PEERS_PYTHON): tensorgrad only`);

const dataDir = path.join(root, ".cache", "results-data");
if (withReference) {
  const r = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "tools", "results-data.ts"), "--out", dataDir], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error("tools/results-data.ts failed");
}

const rows: Row[] = [];
for (const recipe of chosen) {
  const tensorgrad: Run[] = [];
  const reference: Run[] = [];
  for (const seed of seeds) {
    const flags = [...recipe.args, "--seed", String(seed)];
    tensorgrad.push(timed(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "examples", recipe.file), ...flags], `${recipe.name} seed ${seed}, tensorgrad`));
    if (withReference) {
      const script = path.join(root, "tools", "results_reference.py");
      reference.push(timed(python, [script, recipe.referenceRecipe ?? recipe.name, ...flags, "--data-dir", dataDir], `${recipe.name} seed ${seed}, ${recipe.reference}`));
    }
  }
  rows.push({ name: recipe.name, data: recipe.data, reference: recipe.reference, seeds, tensorgrad, referenceRuns: reference, ...(recipe.target ? { target: recipe.target } : {}) });
}

const file = path.join(root, "bench", "results", "examples.json");
const previous = (() => {
  try {
    return JSON.parse(readFileSync(file, "utf8")).results as Row[];
  } catch {
    return [];
  }
})();
const order = (r: Row) => RECIPES.findIndex((x) => x.name === r.name);
const merged = [...previous.filter((p) => Array.isArray(p.tensorgrad) && !rows.some((r) => r.name === p.name)), ...rows].sort((a, b) => order(a) - order(b));
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`;
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, backend, results: merged }, null, 2)}\n`);

const table = formatTable(merged.map(summarize));
const readmePath = path.join(root, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- results:start -->";
const end = "<!-- results:end -->";
if (readme.includes(start) && readme.includes(end)) {
  const note =
    `Produced by \`npm run results\` (\`tools/results.ts\`) on ${os.cpus().length} cores, tensorgrad's \`${backend}\` backend; each recipe in tensorgrad and in its ` +
    "reference on the same arrays, seeds " + seeds.join(", ") + ". Accuracy: mean ± sample standard deviation over the seeds; wall time: the mean " +
    "seconds of one whole run (start-up, data loading, training and testing).";
  writeFileSync(readmePath, readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${note}\n\n${table}\n${end}`));
}
console.log(table);
