/** The PyTorch coverage table (tools/coverage.ts): committed up to date, and its name mapping. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { API_FILE, TABLE_FILE, camelCase, coverage, coverageMarkdown, type TorchApi } from "../../tools/coverage.js";
import { exclusionOf } from "../../tools/coverage-exclusions.js";

const api = JSON.parse(readFileSync(API_FILE, "utf8")) as TorchApi;

test("docs/coverage.md is what tools/coverage.ts writes today (regenerate it: npx tsx tools/coverage.ts)", () => {
  assert.equal(readFileSync(TABLE_FILE, "utf8"), coverageMarkdown(api));
});

test("PyTorch's names in tensorgrad's spelling", () => {
  assert.equal(camelCase("log_softmax"), "logSoftmax");
  assert.equal(camelCase("masked_fill_"), "maskedFill_");
  assert.equal(camelCase("atleast_1d"), "atleast1d");
  assert.equal(camelCase("conv_transpose2d"), "convTranspose2d");
  assert.equal(camelCase("BatchNorm2d"), "BatchNorm2d");
});

test("every namespace is listed, a name is counted once, and what exists is found", () => {
  const rows = coverage(api);
  assert.deepEqual(rows.map((r) => r.namespace), Object.keys(api.namespaces));
  for (const r of rows) {
    const all = [...r.covered, ...r.missing, ...[...r.excluded.values()].flat()];
    assert.equal(new Set(all).size, api.namespaces[r.namespace]!.length, r.namespace);
  }
  const covered = (ns: string) => rows.find((r) => r.namespace === ns)!.covered;
  assert.ok(covered("torch").includes("matmul"));
  assert.ok(covered("torch.Tensor").includes("masked_fill"));
  assert.ok(covered("torch.nn").includes("Conv2d"));
  assert.ok(covered("torch.optim.lr_scheduler").includes("OneCycleLR"));
  // What is left out on purpose is never also counted as covered or missing.
  assert.equal(exclusionOf("torch", "cudnn_convolution"), exclusionOf("torch", "cuda"));
  assert.equal(exclusionOf("torch.linalg", "cholesky"), null); // deprecated at the top level only
  assert.notEqual(exclusionOf("torch", "cholesky"), null);
});
