/** The layers of src/ import one way (tools/import-layers.ts; docs/architecture.md draws them). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LAYERS, SUGAR_FILES, importCycles, importGraph, layerOf, runtimeImports, upwardImports, withoutSugar } from "../../tools/import-layers.js";

const edges = importGraph();

test("no import points up a layer, apart from the Tensor's method sugar", () => {
  assert.deepEqual(upwardImports(withoutSugar(edges)), []);
});

test("the method sugar is the only runtime import cycle", () => {
  assert.deepEqual(importCycles(withoutSugar(edges)), []);
  // The sugar reaches the ops and autograd's backward, nothing above.
  const sugarTargets = new Set(edges.filter((e) => SUGAR_FILES.includes(e.from)).map((e) => LAYERS[layerOf(e.to)]![0]));
  assert.deepEqual([...sugarTargets].sort(), ["autograd", "backend", "base", "ops"]);
});

test("every file of src/ is in a layer", () => {
  for (const e of edges) {
    layerOf(e.from);
    layerOf(e.to);
  }
});

test("type-only imports do not count; dynamic ones do", () => {
  const text = [
    'import type { A } from "./a.js";',
    'import { type B, type C } from "./b.js";',
    'import { type D, e } from "./d.js";',
    'export { f } from "./f.js";',
    'export type { G } from "./g.js";',
    'import {\n  h,\n  i,\n} from "./h.js";',
    'type N = typeof import("node:fs");',
    'const m = await import("./m.js");',
    '// import { z } from "./commented.js";',
    '/* import { y } from "./block.js"; */',
  ].join("\n");
  assert.deepEqual(runtimeImports(text), ["./d.js", "./f.js", "./h.js", "./m.js"]);
});

test("an upward edge and a cycle are found", () => {
  const bad = [
    { from: "base/dtype.ts", to: "ops/tensor.ts" },
    { from: "ops/tensor.ts", to: "base/dtype.ts" },
  ];
  assert.deepEqual(upwardImports(bad), [bad[0]]);
  assert.deepEqual(importCycles(bad), [["base/dtype.ts", "ops/tensor.ts"]]);
});
