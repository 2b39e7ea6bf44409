/**
 * tg.distributed over MPI: N ranks (2 and 4, oversubscribed on this machine) training with
 * DistributedDataParallel on a global batch end with the weights of one process training on the
 * same samples; collectives give MPI's answers. These need an MPI (CI installs Open MPI through
 * tools/system-deps.sh) and the binding (tools/build-mpi.sh, run by pretest); without them they
 * skip with a message saying so.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../../src/index.js";
import { GLOBAL_BATCH, STEPS, SmallCNN, assertSameWeights, data, sgd, train, weights } from "./train-step.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const binding = path.join(root, "packages/mpi");
const hasMpirun = spawnSync("mpirun", ["--version"]).status === 0;
const built = existsSync(path.join(binding, "build/Release/tensorgrad_mpi.node"));
const skip = !hasMpirun || !built ? `SKIPPED: ${!hasMpirun ? "no mpirun (install libopenmpi-dev openmpi-bin)" : "the MPI binding is not built (sh tools/build-mpi.sh)"}` : false;
if (skip) console.log(`\n*** tg.distributed MPI tests ${skip} ***\n`);

/** Runs a script on n ranks; returns what they printed. */
function mpirun(n: number, script: string, args: string[] = []): string {
  const asRoot = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
  return execFileSync("mpirun", ["-n", String(n), "--oversubscribe", ...asRoot, process.execPath, "--import", "tsx", script, ...args], {
    cwd: root,
    env: { ...process.env, TENSORGRAD_MPI: binding, TENSORGRAD_NUM_THREADS: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("tg.distributed over MPI", { skip }, () => {
  test("collectives on 3 ranks: allReduce (sum, avg, max, product), broadcast, allGather, reduceScatter, send/recv, async, newGroup, DistributedSampler", () => {
    const out = mpirun(3, "test/distributed/collectives-worker.ts");
    assert.deepEqual(out.match(/^ok \d$/gm)?.sort(), ["ok 0", "ok 1", "ok 2"]);
  });

  for (const n of [2, 4]) {
    test(`DDP on ${n} ranks ends with one process's weights on the same global batches`, () => {
      const dir = mkdtempSync(path.join(tmpdir(), "tg-ddp-"));
      try {
        mpirun(n, "test/distributed/ddp-worker.ts", [path.join(dir, "w.json")]);
        const got = JSON.parse(readFileSync(path.join(dir, "w.json"), "utf8")) as { size: number; weights: Record<string, number[]> };
        assert.equal(got.size, n);
        tg.manualSeed(1); // rank 0's initial weights, which DDP broadcast
        const model = new SmallCNN();
        train(model, model.parameters(), 0, GLOBAL_BATCH);
        const want = weights(model);
        assert.deepEqual(Object.keys(got.weights), Object.keys(want));
        for (const [k, w] of Object.entries(want)) {
          w.forEach((v, i) => assert.ok(Math.abs(v - got.weights[k]![i]!) <= 2e-5 * Math.max(1, Math.abs(v)), `${k}[${i}]: ${got.weights[k]![i]} vs ${v}`));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("DistributedDataParallel's other paths, resuming and failing ranks", { skip }, () => {
  test("noSync accumulation equals one process accumulating; unused parameters: an error, or findUnusedParameters", () => {
    const out = mpirun(2, "test/distributed/features-worker.ts");
    const got = JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number[]>;
    const [x, y] = data();
    tg.manualSeed(1);
    const model = new SmallCNN();
    const opt = sgd(model.parameters());
    for (let step = 0; step < 2; step++) {
      opt.zeroGrad();
      for (const at of [2 * step * GLOBAL_BATCH, (2 * step + 1) * GLOBAL_BATCH]) {
        tg.nn.functional.crossEntropy(model.forward(x.narrow(0, at, GLOBAL_BATCH)), y.narrow(0, at, GLOBAL_BATCH)).backward();
      }
      opt.step();
    }
    close(got, weights(model));
  });

  test("a checkpoint rank 0 wrote at 2 ranks resumes at 4 ranks: the weights of one process's whole run", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-resume-"));
    try {
      const [half, end] = [path.join(dir, "half.safetensors"), path.join(dir, "end.safetensors")];
      mpirun(2, "test/distributed/resume-worker.ts", ["0", "2", half]);
      mpirun(4, "test/distributed/resume-worker.ts", ["2", String(STEPS), end, half]);
      const got = Object.fromEntries(Object.entries(tg.io.loadSafetensors(end)).filter(([k]) => !k.startsWith("momentum.")).map(([k, t]) => [k, Array.from(t.dataSync())]));
      tg.manualSeed(1);
      const model = new SmallCNN();
      train(model, model.parameters(), 0, GLOBAL_BATCH);
      close(got, weights(model));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("Keras fit with DataParallel on 2 ranks equals the same fit in one process (weights and epoch losses)", () => {
    const run = (n: number) => JSON.parse(mpirun(n, "test/distributed/keras-worker.ts").trim().split("\n").at(-1)!) as { weights: Record<string, number[]>; loss: number[] };
    const [two, one] = [run(2), run(1)];
    close(two.weights, one.weights);
    two.loss.forEach((l, i) => assert.ok(Math.abs(l - one.loss[i]!) < 1e-5 * Math.max(1, l), `epoch ${i}: loss ${l} vs ${one.loss[i]}`));
  });

  for (const how of ["throw", "kill"]) {
    test(`a rank that ${how === "throw" ? "throws" : "is killed"} ends every rank within seconds, and the failed rank is named`, () => {
      const asRoot = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
      const started = performance.now();
      const r = spawnSync("mpirun", ["-n", "3", "--oversubscribe", ...asRoot, process.execPath, "--import", "tsx", "test/distributed/fault-worker.ts", how], {
        cwd: root,
        env: { ...process.env, TENSORGRAD_MPI: binding, TENSORGRAD_NUM_THREADS: "1" },
        encoding: "utf8",
        timeout: 60_000,
      });
      const output = r.stdout + r.stderr;
      assert.notEqual(r.status, 0, output);
      assert.ok(performance.now() - started < 30_000, "ended within 30 s");
      assert.doesNotMatch(output, /was not stopped/);
      if (how === "throw") assert.match(output, /tg\.distributed: rank 1 of 3 failed: Error: a failure on purpose/);
      else assert.match(output, /rank 1 with PID \d+ on node \S+ exited on signal 9/);
    });
  }
});

const close = assertSameWeights;

describe("tg.distributed in one process (no launcher)", () => {
  test("a world of one: rank 0 of 1, collectives are the identity, DDP trains as the bare model", () => {
    // Spawned so that this process keeps no global process group.
    const out = execFileSync(process.execPath, ["--import", "tsx", "test/distributed/single-worker.ts"], { cwd: root, encoding: "utf8", env: { ...process.env, TENSORGRAD_MPI: "" } });
    assert.match(out, /ok rank 0 of 1/);
  });
});
