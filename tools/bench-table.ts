/**
 * Renders bench/results/suite.json (a published `npm run bench -- --out bench/results`) as the
 * README's benchmark table, between the <!-- bench:start --> and <!-- bench:end --> markers.
 *
 *   npx tsx tools/bench-table.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Row } from "../bench/harness.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const suite = JSON.parse(readFileSync(path.join(root, "bench", "results", "suite.json"), "utf8")) as { date: string; node: string; rows: Row[] };
const impls = [...new Set(suite.rows.map((r) => r.impl))];
const workloads = [...new Set(suite.rows.map((r) => r.workload))];
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
const lines = [
  `Medians from \`npm run bench\` on ${suite.date.slice(0, 10)} (Node ${suite.node}, 2 cores, shared machine); "—": not run or not supported by that peer.`,
  "",
  `| workload | unit | ${impls.join(" | ")} |`,
  `| --- | --- | ${impls.map(() => "---:").join(" | ")} |`,
  ...workloads.map((w) => {
    const group = suite.rows.filter((r) => r.workload === w);
    const unit = group[0]!.unit + (group[0]!.higherIsBetter ? " ↑" : " ↓");
    return `| ${w} | ${unit} | ${impls.map((i) => { const r = group.find((g) => g.impl === i); return r ? fmt(r.value) : "—"; }).join(" | ")} |`;
  }),
];
const readme = path.join(root, "README.md");
const text = readFileSync(readme, "utf8");
const start = text.indexOf("<!-- bench:start -->");
const end = text.indexOf("<!-- bench:end -->");
if (start < 0 || end < 0) throw new Error("README.md lacks the bench markers");
writeFileSync(readme, `${text.slice(0, start)}<!-- bench:start -->\n${lines.join("\n")}\n${text.slice(end)}`);
console.log(`README.md: benchmark table with ${workloads.length} workloads × ${impls.length} implementations`);
