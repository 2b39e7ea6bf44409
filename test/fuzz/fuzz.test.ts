/**
 * The fuzzing suite's short run in CI: every loader gets mutated files for a 30-second budget in
 * all (10 s in CI's extra passes) (`npm run fuzz -- --minutes N` runs longer); a finding fails the test with its case.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fuzz } from "./run.js";

test("fuzzed loaders give a typed error or well-formed data, in bounded time and memory", (t) => {
  // 30 s in CI's full pass; 10 s in its extra passes (TENSORGRAD_QUICK=1).
  const { status, output } = fuzz(Number(process.env.TENSORGRAD_FUZZ_SECONDS ?? (process.env.TENSORGRAD_QUICK === "1" ? 10 : 30)));
  for (const line of output.trim().split("\n")) t.diagnostic(line);
  assert.equal(status, 0, output);
});
