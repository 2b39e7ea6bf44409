/** tensorgrad launch: the mpirun command line it builds, and a real run of examples/ddp-mnist.ts on 2 ranks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchPlan } from "../../src/cli/launch-command.js";
import { QUICK } from "../helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const openMpi = "mpirun (Open MPI) 4.1.4";

test("the plan: ranks, threads per rank = cores / ranks per host, Open MPI's flags or MPICH's", () => {
  const plan = launchPlan(["-n", "4", "train.ts", "--", "--epochs", "2"], { mpirunVersion: openMpi, cores: 8, isRoot: false });
  assert.equal(plan.threadsPerRank, 2);
  assert.deepEqual(plan.args.slice(0, 6), ["-n", "4", "--bind-to", "none", "-x", "TENSORGRAD_NUM_THREADS=2"]);
  assert.deepEqual(plan.args.slice(-4), [process.execPath, "train.ts", "--epochs", "2"]);
  const crowded = launchPlan(["-n", "4", "t.ts"], { mpirunVersion: openMpi, cores: 2, isRoot: true });
  assert.ok(crowded.args.includes("--oversubscribe") && crowded.args.includes("--allow-run-as-root"));
  assert.ok(!crowded.args.includes("--bind-to"), "one thread per rank: Open MPI's binding stays");
  assert.equal(crowded.threadsPerRank, 1);
  const hosts = launchPlan(["-n", "8", "--host", "a:4,b:4", "t.ts"], { mpirunVersion: openMpi, cores: 16, isRoot: false });
  assert.equal(hosts.threadsPerRank, 4);
  assert.ok(!hosts.args.includes("--oversubscribe"));
  const mpich = launchPlan(["-n", "2", "t.ts"], { mpirunVersion: "HYDRA build details:", cores: 4, isRoot: false });
  assert.deepEqual(mpich.args.slice(0, 5), ["-n", "2", "-genv", "TENSORGRAD_NUM_THREADS", "2"]);
  assert.throws(() => launchPlan(["t.ts"], { mpirunVersion: openMpi }), /-n must be a positive number of ranks/);
  assert.throws(() => launchPlan(["-n", "2"], { mpirunVersion: openMpi }), /name the script/);
  assert.throws(() => launchPlan(["-n", "2", "--bogus", "t.ts"], { mpirunVersion: openMpi }), /unknown option --bogus/);
});

const ready = spawnSync("mpirun", ["--version"]).status === 0 && existsSync(path.join(root, "packages/mpi/build/Release/tensorgrad_mpi.node"));
test("launch -n 2 examples/ddp-mnist.ts: both ranks train, rank 0 reports the accuracy", { skip: QUICK ? "full pass only" : ready ? false : "SKIPPED: no MPI or no binding (tools/system-deps.sh, tools/build-mpi.sh)" }, () => {
  const out = execFileSync(process.execPath, [path.join(root, "dist/cli/index.js"), "launch", "-n", "2", "examples/ddp-mnist.ts", "--epochs", "1", "--limit", "512"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "--import tsx", TENSORGRAD_MPI: path.join(root, "packages/mpi") },
    timeout: 120_000,
  });
  assert.match(out, /2 ranks, 256 of 512 training images each per epoch, global batch 64/);
  assert.match(out, /rank 0 epoch 1: \d+ images\/s/);
  assert.match(out, /rank 1 epoch 1: \d+ images\/s/);
  assert.match(out, /test accuracy \d+\.\d+%/);
});
