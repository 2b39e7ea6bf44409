/**
 * Saves that cannot tear: a child process saves two versions of a model (Keras model.save: a folder
 * of model.json + model.safetensors) or of a safetensors file to one place in a loop, and is killed
 * (SIGKILL) at random moments. After every kill the place must load as one whole version — never
 * the weights of one with the config of the other, never unloadable — and the next successful save
 * must leave no temporaries behind. TENSORGRAD_KILLS sets the kills per format (default 25; 8 in
 * CI's extra passes, TENSORGRAD_QUICK=1).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

const KILLS = Number(process.env.TENSORGRAD_KILLS ?? (process.env.TENSORGRAD_QUICK === "1" ? 8 : 25));
// Where a kill lands is chance: on a loaded machine a few kills in a row can all fall between saves.
// Kills go on past KILLS (up to four times as many) until one has landed inside a save, and on
// both versions, so that what is asserted was really exercised and the test is not flaky.
const MAX_KILLS = 4 * KILLS;
const worker = new URL("./save-worker.mjs", import.meta.url).pathname;

/** Starts the worker, lets it save for a random while after its first save, and kills it. */
function killMidSave(mode: string, target: string, maxDelayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, mode, target], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.once("data", () => setTimeout(() => child.kill("SIGKILL"), Math.random() * maxDelayMs));
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

const uniform = (t: tg.Tensor): number => {
  const v = t.dataSync();
  assert.ok(v.every((x) => x === v[0]), "a tensor holds values of two versions");
  return v[0]!;
};

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes(".tg-"));

describe("a kill at any moment of a save leaves the old or the new version, whole", () => {
  test(`Keras model.save, ${KILLS} kills`, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-kill-"));
    const target = path.join(dir, "model");
    try {
      const seen = new Set<string>();
      let midWrite = 0;
      let k = 0;
      for (; k < KILLS || ((midWrite === 0 || seen.size < 2) && k < MAX_KILLS); k++) {
        await killMidSave("keras", target, 400);
        if (leftovers(dir).length) midWrite++;
        const model = tg.keras.loadModel(target);
        const w = model.getWeights();
        const values = new Set(Object.values(w).map(uniform));
        assert.equal(values.size, 1, `kill ${k}: weights of two versions`);
        const v = [...values][0]!;
        assert.equal(model.name, `v${v}`, `kill ${k}: the config of one version with the weights of the other`);
        seen.add(model.name);
      }
      assert.equal(seen.size, 2, "kills landed on both versions");
      assert.ok(midWrite > 0, `none of ${k} kills landed inside a save`);
      t.diagnostic(`${k} kills, ${midWrite} inside a save (temporaries left), 0 torn or unloadable`);
      const model = tg.keras.loadModel(target);
      model.save(target);
      assert.deepEqual(leftovers(dir), [], "temporaries left after a successful save");
      assert.deepEqual(readdirSync(target).sort(), ["model.json", "model.safetensors"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`saveSafetensors, ${KILLS} kills`, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-kill-"));
    const target = path.join(dir, "weights.safetensors");
    try {
      let midWrite = 0;
      let k = 0;
      for (; k < KILLS || (midWrite === 0 && k < MAX_KILLS); k++) {
        await killMidSave("safetensors", target, 150);
        if (leftovers(dir).length) midWrite++;
        const { tensors, metadata } = tg.io.readSafetensors(target);
        const v = uniform(tensors.w!);
        assert.equal(uniform(tensors.b!), v, `kill ${k}: torn file`);
        assert.equal(metadata.version, String(v));
      }
      assert.ok(midWrite > 0, `none of ${k} kills landed inside a save`);
      t.diagnostic(`${k} kills, ${midWrite} inside a save (temporaries left), 0 torn or unloadable`);
      tg.io.saveSafetensors(target, { w: tg.ones([2]) });
      assert.deepEqual(leftovers(dir), [], "temporaries left after a successful save");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a folder save refuses to replace a folder that holds something else; a crash mid-swap loads the old model", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-kill-"));
    try {
      const model = new tg.keras.Sequential([new tg.keras.Dense(2, { inputShape: [3] })], { name: "kept" });
      const other = path.join(dir, "photos");
      mkdirSync(other);
      writeFileSync(path.join(other, "cat.jpg"), "");
      assert.throws(() => model.save(other), (e: Error) => e instanceof tg.DataError && /holds files this save did not write \(cat\.jpg\)/.test(e.message));
      assert.deepEqual(readdirSync(other), ["cat.jpg"]);
      // The state a kill between the swap's two renames leaves: the old model aside, nothing in place.
      const target = path.join(dir, "m");
      model.save(target);
      renameSync(target, path.join(dir, ".m.tg-old-999999999-abc"));
      assert.equal(tg.keras.loadModel(target).name, "kept");
      model.save(target); // puts the old one back, then replaces it
      assert.equal(tg.keras.loadModel(target).name, "kept");
      assert.deepEqual(leftovers(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
