/**
 * A checkpoint taken mid-training (model, optimizer and scheduler state dicts) and restored in a new
 * process continues with bit-identical parameters to an uninterrupted run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flatParams, setup, toJson } from "./checkpoint-setup.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("resume from a checkpoint in a new process is bit-identical", () => {
  const { model, optimizer, scheduler, step } = setup();
  for (let i = 0; i < 3; i++) step();
  const dir = mkdtempSync(path.join(tmpdir(), "tg-resume-"));
  try {
    const file = path.join(dir, "checkpoint.json");
    writeFileSync(file, JSON.stringify(toJson({ model: model.stateDict(), optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict() })));
    for (let i = 0; i < 3; i++) step();
    const uninterrupted = flatParams(model);
    const out = execFileSync(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "test", "optim", "resume-worker.ts"), file], { encoding: "utf8" });
    const resumed = JSON.parse(out) as number[];
    assert.equal(resumed.length, uninterrupted.length);
    assert.deepEqual(resumed, uninterrupted); // exact, not close
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
