/**
 * The README's tour and the demo run as a user would run them: from files inside the repo that
 * `import * as tg from "tensorgrad"` (package self-reference to the build in dist/).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = path.join(root, "node_modules", ".bin", "tsx");

test("the README's tour runs against the built package", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(code, "README has a ```ts block");
  const dir = mkdtempSync(path.join(root, ".tmp-readme-"));
  try {
    const file = path.join(dir, "tour.ts");
    writeFileSync(file, code);
    const out = execFileSync(tsx, [file], { cwd: root, encoding: "utf8" });
    assert.match(out, /tensor\(/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the tensors-only spirals example trains (a few steps)", () => {
  const out = execFileSync(tsx, [path.join(root, "examples", "spirals.ts"), "--steps", "5"], { cwd: root, encoding: "utf8" });
  assert.match(out, /step {4}1 {2}loss \d/);
});
