/** The results table's statistics and Markdown (tools/results-table.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTable, meanStd, summarize, type Row } from "../../tools/results-table.js";

test("meanStd: the sample standard deviation (n − 1), failed runs left out", () => {
  const s = meanStd([97, 98, null, 99])!;
  assert.equal(s.n, 3);
  assert.equal(s.mean, 98);
  assert.equal(s.std, 1);
  assert.deepEqual(meanStd([95.5]), { mean: 95.5, std: 0, n: 1 });
  assert.equal(meanStd([null]), null);
});

const row = (tg: number[], ref: number[], target?: number): Row => ({
  name: "cnn-mnist",
  data: "embedded MNIST",
  reference: "PyTorch",
  seeds: tg.map((_, i) => i),
  tensorgrad: tg.map((accuracy) => ({ accuracy, seconds: 20 })),
  referenceRuns: ref.map((accuracy) => ({ accuracy, seconds: 10 })),
  ...(target ? { target } : {}),
});

test("summarize: tensorgrad may trail by the reference's std or 0.3 points, whichever is larger", () => {
  assert.equal(summarize(row([97.8, 97.8], [98, 98])).within, true); // 0.2 < 0.3
  assert.equal(summarize(row([97.6, 97.6], [98, 98])).within, false); // 0.4 > 0.3, std 0
  assert.equal(summarize(row([97.6, 97.6], [97.5, 98.5])).within, true); // std 0.71
  assert.equal(summarize(row([99], [])).within, null);
});

test("formatTable: one line per recipe, Δ signed and flagged, target checked", () => {
  const table = formatTable([summarize(row([98, 98.2], [97.8, 97.9], 97)), summarize(row([96, 96], [97, 97]))]);
  const lines = table.split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[2]!, /^\| cnn-mnist \| embedded MNIST \| 98\.10% ± 0\.14 \| PyTorch: 97\.85% ± 0\.07 \| \+0\.25 \| ≥ 97% ✓ \| 20 s \/ 10 s \|$/);
  assert.match(lines[3]!, /\| −1\.00 ✗ \| {2}\|/);
});
