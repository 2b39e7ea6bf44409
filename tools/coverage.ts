/**
 * PyTorch coverage: which of PyTorch's documented names (tools/coverage/torch-api.json, written by
 * tools/coverage.py from PyTorch itself) tensorgrad has, in camelCase, per namespace. Writes
 * docs/coverage.md; test/tools/coverage.test.ts fails when the committed table is stale.
 *
 *   npx tsx tools/coverage.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../src/index.js";
import { exclusionOf } from "./coverage-exclusions.js";

export interface TorchApi {
  torch: string;
  namespaces: Record<string, string[]>;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const API_FILE = path.join(ROOT, "tools", "coverage", "torch-api.json");
export const TABLE_FILE = path.join(ROOT, "docs", "coverage.md");

/** Where each PyTorch namespace lives in tensorgrad. */
const HOMES: Record<string, { home: string; object: () => object | undefined }> = {
  torch: { home: "tg", object: () => tg },
  "torch.Tensor": { home: "tg.Tensor's methods", object: () => tg.Tensor.prototype },
  "torch.nn.functional": { home: "tg.nn.functional", object: () => tg.nn.functional },
  "torch.nn": { home: "tg.nn", object: () => tg.nn },
  "torch.linalg": { home: "tg.linalg", object: () => (tg as Record<string, unknown>).linalg as object | undefined },
  "torch.fft": { home: "tg.fft", object: () => (tg as Record<string, unknown>).fft as object | undefined },
  "torch.optim": { home: "tg.optim", object: () => tg.optim },
  "torch.optim.lr_scheduler": { home: "tg.optim.lrScheduler", object: () => tg.optim.lrScheduler },
  "torch.utils.data": { home: "tg.data", object: () => tg.data },
};

/** PyTorch's snake_case as tensorgrad spells it: log_softmax → logSoftmax, masked_fill_ → maskedFill_, atleast_1d → atleast1d. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Whether tensorgrad has the name (a method or getter on the prototype chain counts). */
function has(object: object | undefined, name: string): boolean {
  if (!object) return false;
  for (let o: object | null = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, name)) return true;
  }
  return false;
}

export interface NamespaceCoverage {
  namespace: string;
  home: string;
  covered: string[];
  missing: string[];
  excluded: Map<string, string[]>; // reason → names
}

export function coverage(api: TorchApi): NamespaceCoverage[] {
  return Object.entries(HOMES).map(([namespace, { home, object }]) => {
    const target = object();
    const row: NamespaceCoverage = { namespace, home, covered: [], missing: [], excluded: new Map() };
    for (const name of api.namespaces[namespace] ?? []) {
      if (has(target, camelCase(name))) row.covered.push(name);
      else {
        const reason = exclusionOf(namespace, name);
        if (reason) row.excluded.set(reason, [...(row.excluded.get(reason) ?? []), name]);
        else row.missing.push(name);
      }
    }
    return row;
  });
}

const percent = (a: number, b: number) => (b === 0 ? "—" : `${((100 * a) / b).toFixed(0)}%`);
const names = (xs: string[]) => xs.map((x) => `\`${x}\``).join(", ");

export function coverageMarkdown(api: TorchApi): string {
  const rows = coverage(api);
  const out = [
    "# PyTorch coverage",
    "",
    `Which of PyTorch ${api.torch}'s documented names tensorgrad has, in camelCase (\`log_softmax\` → \`logSoftmax\`,`,
    "`masked_fill_` → `maskedFill_`; classes keep their names). Generated — do not edit: `tools/coverage.py` lists",
    "PyTorch's names into `tools/coverage/torch-api.json` (run it with PyTorch installed), and",
    "`npx tsx tools/coverage.ts` writes this file; the test suite fails when it is stale. \"Documented\" means",
    "public and with a docstring, which leaves out the hundreds of undocumented kernels torch exposes",
    "(`torch.batch_norm_elemt`, `torch.abs_`, …). Names tensorgrad leaves out on purpose are listed with",
    "the reason and do not count in the total.",
    "",
    "| namespace | in tensorgrad as | covered | of | share | left out on purpose |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => {
      const total = r.covered.length + r.missing.length;
      const excluded = [...r.excluded.values()].reduce((n, xs) => n + xs.length, 0);
      return `| \`${r.namespace}\` | \`${r.home}\` | ${r.covered.length} | ${total} | ${percent(r.covered.length, total)} | ${excluded} |`;
    }),
  ];
  for (const r of rows) {
    out.push("", `## \`${r.namespace}\``, "");
    out.push(r.missing.length ? `**Missing (${r.missing.length}):** ${names(r.missing)}` : "**Missing:** none");
    for (const [reason, xs] of r.excluded) out.push("", `*Left out — ${reason} (${xs.length}):* ${names(xs)}`);
  }
  return `${out.join("\n")}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const api = JSON.parse(readFileSync(API_FILE, "utf8")) as TorchApi;
  writeFileSync(TABLE_FILE, coverageMarkdown(api));
  for (const r of coverage(api)) console.log(`${r.namespace}: ${r.covered.length}/${r.covered.length + r.missing.length}`);
  console.log(`wrote ${path.relative(process.cwd(), TABLE_FILE)}`);
}
