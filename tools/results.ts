/**
 * Runs every example with its default settings (plus the Fashion-MNIST variants), records test
 * accuracy and wall time, writes bench/results/examples.json, and rewrites the results table in
 * README.md between its markers. Takes tens of minutes on a 2-core machine:
 *
 *   npm run build && npx tsx tools/results.ts [--jobs 2] [--only NAME,NAME]
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const backend = process.env.TENSORGRAD_BACKEND ?? "wasm";
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

interface Run {
  name: string;
  file: string;
  args: string[];
  data: string;
  /** The issue's target, in percent. */
  target?: number;
}

const RUNS: Run[] = [
  { name: "cnn-mnist", file: "cnn-mnist.ts", args: [], data: "embedded MNIST (7,996 / 2,004)", target: 97 },
  { name: "mlp-mnist", file: "mlp-mnist.ts", args: ["--verbose", "2"], data: "embedded MNIST (7,996 / 2,004)" },
  { name: "cnn-keras", file: "cnn-keras.ts", args: ["--verbose", "2"], data: "embedded MNIST (7,996 / 2,004)" },
  { name: "lstm-text", file: "lstm-text.ts", args: ["--verbose", "2"], data: "SpamAssassin (4,837 / 1,209)", target: 95 },
  { name: "transformer", file: "transformer.ts", args: [], data: "SpamAssassin (4,837 / 1,209)" },
  { name: "mlp-fashion", file: "mlp-mnist.ts", args: ["--fashion", "--verbose", "2"], data: "Fashion-MNIST (60,000 / 10,000)", target: 87 },
  { name: "cnn-fashion", file: "cnn-mnist.ts", args: ["--fashion"], data: "Fashion-MNIST (60,000 / 10,000)", target: 88 },
];

interface Result {
  name: string;
  data: string;
  accuracy: number | null;
  seconds: number;
  target?: number;
}

function runOne(r: Run): Promise<Result> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "examples", r.file), ...r.args], { cwd: root });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", () => {
      const matches = [...out.matchAll(/test accuracy (\d+(?:\.\d+)?)%/g)];
      const accuracy = matches.length ? Number(matches[matches.length - 1]![1]) : null;
      const seconds = (Date.now() - started) / 1000;
      console.log(`${r.name}: ${accuracy ?? "no accuracy"}% in ${seconds.toFixed(0)} s`);
      resolve({ name: r.name, data: r.data, accuracy, seconds, ...(r.target ? { target: r.target } : {}) });
    });
  });
}

const only = arg("only")?.split(",");
const queue = RUNS.filter((r) => !only || only.includes(r.name));
const jobs = Number(arg("jobs") ?? 2);
const results: Result[] = [];
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let r = queue.shift(); r; r = queue.shift()) results.push(await runOne(r));
  }),
);
results.sort((a, b) => RUNS.findIndex((r) => r.name === a.name) - RUNS.findIndex((r) => r.name === b.name));

const file = path.join(root, "bench", "results", "examples.json");
const previous = (() => {
  try {
    return JSON.parse(readFileSync(file, "utf8")).results as Result[];
  } catch {
    return [];
  }
})();
const merged = [...previous.filter((p) => !results.some((r) => r.name === p.name)), ...results].sort(
  (a, b) => RUNS.findIndex((r) => r.name === a.name) - RUNS.findIndex((r) => r.name === b.name),
);
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`, backend, results: merged }, null, 2)}\n`);

const table = [
  "| example | data (train / test) | test accuracy | target | wall time |",
  "| --- | --- | --- | --- | --- |",
  ...merged.map((r) => `| ${r.name} | ${r.data} | ${r.accuracy === null ? "—" : `${r.accuracy.toFixed(2)}%`} | ${r.target ? `≥ ${r.target}%` : ""} | ${Math.round(r.seconds)} s |`),
].join("\n");
const readmePath = path.join(root, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- results:start -->";
const end = "<!-- results:end -->";
if (readme.includes(start) && readme.includes(end)) {
  const note = `Produced by \`tools/results.ts\` on ${os.cpus().length} cores, \`${backend}\` backend, default settings of each example.`;
  writeFileSync(readmePath, readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${note}\n\n${table}\n${end}`));
}
console.log(table);
