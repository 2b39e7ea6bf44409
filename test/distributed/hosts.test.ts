/**
 * Training across hosts: two network namespaces on this machine, joined by a bridge, stand for two
 * hosts with their own addresses. `tensorgrad launch --host A,B` starts one rank in each through
 * Open MPI's rsh launch (an agent that enters the namespace instead of ssh-ing), the ranks talk
 * over TCP only, and DDP ends with one process's weights. Needs root, iproute2 and Open MPI;
 * skips saying so otherwise. The namespaces, bridge and agent are removed afterwards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../../src/index.js";
import { GLOBAL_BATCH, SmallCNN, assertSameWeights, train, weights } from "./train-step.js";
import { QUICK } from "../helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
const openMpi = /Open MPI/.test(spawnSync("mpirun", ["--version"], { encoding: "utf8" }).stdout ?? "");
const canNetns = process.getuid?.() === 0 && spawnSync("ip", ["netns", "list"]).status === 0;
const built = existsSync(path.join(root, "packages/mpi/build/Release/tensorgrad_mpi.node"));
const skip = QUICK ? "full pass only" : !openMpi ? "SKIPPED: no Open MPI" : !canNetns ? "SKIPPED: network namespaces need root and iproute2" : !built ? "SKIPPED: the MPI binding is not built" : false;

test("DDP on two hosts (network namespaces, TCP only) ends with one process's weights", { skip }, () => {
  const tag = `tg${process.pid % 100000}`;
  const net = `10.231.${process.pid % 250}`;
  const hosts = [1, 2].map((i) => ({ ns: `${tag}h${i}`, veth: `${tag}v${i}`, addr: `${net}.${10 + i}` }));
  const bridge = `${tag}br`;
  const dir = mkdtempSync(path.join(tmpdir(), "tg-hosts-"));
  try {
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", `${net}.1/24`, "dev", bridge);
    ip("link", "set", bridge, "up");
    for (const h of hosts) {
      ip("netns", "add", h.ns);
      ip("link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.ns);
      ip("link", "set", h.veth, "master", bridge);
      ip("link", "set", h.veth, "up");
      ip("netns", "exec", h.ns, "ip", "addr", "add", `${h.addr}/24`, "dev", "eth0");
      ip("netns", "exec", h.ns, "ip", "link", "set", "eth0", "up");
      ip("netns", "exec", h.ns, "ip", "link", "set", "lo", "up");
    }
    // Open MPI starts its daemon on a "host" through this agent, as it would through ssh.
    const agent = path.join(dir, "netns-rsh");
    writeFileSync(agent, `#!/bin/sh\nhost="$1"; shift\ncase "$host" in\n${hosts.map((h) => `  ${h.addr}) ns=${h.ns} ;;`).join("\n")}\n  *) echo "no such host $host" >&2; exit 1 ;;\nesac\nexec ip netns exec "$ns" sh -c "$*"\n`);
    chmodSync(agent, 0o755);
    const out = path.join(dir, "w.json");
    execFileSync(process.execPath, [path.join(root, "dist/cli/index.js"), "launch", "-n", "2", "--host", hosts.map((h) => h.addr).join(","), "test/distributed/ddp-worker.ts", out], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      env: {
        ...process.env,
        NODE_OPTIONS: "--import tsx",
        TENSORGRAD_MPI: path.join(root, "packages/mpi"),
        OMPI_MCA_plm_rsh_agent: agent,
        OMPI_MCA_oob_tcp_if_include: `${net}.0/24`,
        OMPI_MCA_btl: "tcp,self", // no shared memory: the ranks talk over the bridge
        OMPI_MCA_btl_tcp_if_include: `${net}.0/24`,
        // Open MPI 4.1's daemon maps its hardware topology into a hole it picks in its address
        // space, and once in a while (by address layout) segfaults in hwloc_shmem_topology_write.
        // Without the shared copy each rank reads the topology itself.
        OMPI_MCA_rtc_hwloc_vmhole: "none",
      },
    });
    const got = JSON.parse(readFileSync(out, "utf8")) as { size: number; weights: Record<string, number[]> };
    assert.equal(got.size, 2);
    tg.manualSeed(1);
    const model = new SmallCNN();
    train(model, model.parameters(), 0, GLOBAL_BATCH);
    assertSameWeights(got.weights, weights(model));
  } finally {
    for (const h of hosts) spawnSync("ip", ["netns", "del", h.ns]);
    spawnSync("ip", ["link", "del", bridge]);
    rmSync(dir, { recursive: true, force: true });
  }
});
