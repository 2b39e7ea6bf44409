/**
 * The layers of `src/` and the check that imports point down (docs/architecture.md draws them).
 *
 * Every runtime import — a static `import`/`export … from`, or a dynamic `import()` — is an edge
 * between two files; `import type` and all-`type` specifier lists vanish at compile time and do not
 * count. An edge from a lower layer to a higher one is a violation; so is a runtime cycle, except
 * the one documented cycle allowed below.
 *
 *   npx tsx tools/import-layers.ts     prints the layer of every folder, violations and cycles
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** Lowest first. A folder of `src/` (or a file at its top) imports only from its own rank or below. */
export const LAYERS: readonly (readonly string[])[] = [
  ["base"],
  ["backend"],
  ["ops"],
  ["autograd"],
  ["nn", "optim", "data", "io", "func", "linalg", "fft", "metrics"],
  ["keras"],
  ["geometric", "rl", "cluster", "ssl", "vision", "text", "explain", "fairness", "distributed", "distributions"],
  ["viz", "cli"],
  ["index.ts", "testing.ts"],
];

/**
 * The Tensor's method sugar, the one documented cycle: `x.matmul(w)` calls the op function, which
 * creates Tensors, and `x.backward()` calls autograd's backward, as `torch.Tensor.backward` calls
 * `torch.autograd.backward`. These files' imports are used only inside method bodies, so ESM
 * resolves the cycle before any method runs. Without their edges the graph has no cycle and no
 * upward import (test/tools/import-layers.test.ts).
 */
export const SUGAR_FILES: readonly string[] = ["ops/tensor.ts", "ops/tensor-extras.ts", "ops/tensor-inplace.ts"];

/** The graph the layering rule holds on: every edge but the method sugar's. */
export function withoutSugar(edges: readonly Edge[]): Edge[] {
  return edges.filter((e) => !SUGAR_FILES.includes(e.from));
}

export interface Edge {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const STATIC = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** True when every specifier in `{ … }` is `type X`: the import is erased. */
function typeOnlyList(clause: string): boolean {
  const m = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!m) return false;
  const items = m[1]!.split(",").map((s) => s.trim()).filter(Boolean);
  return items.length > 0 && items.every((s) => s.startsWith("type "));
}

/** The runtime imports a file's text makes, as the specifiers written. */
export function runtimeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of code.matchAll(STATIC)) {
    if (m[2] || typeOnlyList(m[3]!)) continue;
    out.push(m[4]!);
  }
  for (const m of code.matchAll(SIDE_EFFECT)) out.push(m[1]!);
  for (const m of code.matchAll(DYNAMIC)) {
    // `typeof import("x")` is a type.
    const before = code.slice(Math.max(0, m.index! - 7), m.index);
    if (!before.endsWith("typeof ")) out.push(m[1]!);
  }
  return out;
}

/** Every runtime edge between files of `src/`, as paths relative to `src/`. */
export function importGraph(root = SRC): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(root)) {
    for (const spec of runtimeImports(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      edges.push({ from: relative(root, file), to: relative(root, target) });
    }
  }
  return edges;
}

/** The rank of a file's layer, from its first path segment. */
export function layerOf(file: string): number {
  const top = file.split("/")[0]!;
  const rank = LAYERS.findIndex((names) => names.includes(top));
  if (rank < 0) throw new Error(`import-layers: src/${file} is in no layer; add "${top}" to LAYERS`);
  return rank;
}

/** Edges that point up a layer. */
export function upwardImports(edges: readonly Edge[]): Edge[] {
  return edges.filter((e) => layerOf(e.to) > layerOf(e.from));
}

/** The runtime import cycles: strongly connected components of more than one file (Tarjan). */
export function importCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.has(e.to)) next.set(e.to, []);
    next.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return components;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const edges = importGraph();
  const core = withoutSugar(edges);
  for (const e of upwardImports(core)) console.log(`upward: ${e.from} -> ${e.to}`);
  for (const c of importCycles(core)) console.log(`cycle of ${c.length} files: ${c.join(" ")}`);
  for (const c of importCycles(edges)) console.log(`with the method sugar, one cycle of ${c.length} files`);
  for (const [rank, names] of LAYERS.entries()) console.log(`layer ${rank}: ${names.join(" ")}`);
  console.log(`${edges.length} runtime imports; ${upwardImports(core).length} upward and ${importCycles(core).length} cycles outside the method sugar`);
}
