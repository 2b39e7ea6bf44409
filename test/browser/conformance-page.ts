/**
 * Bundled (esbuild, by backends.test.ts) into one module for a browser page: the kernel and fused
 * conformance suites and the op parity fixtures (fetched from the test server: a page has no file
 * system) on the page's WebGPU backend, with node:test and node:assert shimmed (shims/). The
 * bundle holds its own copy of the library, built from src/.
 */
import * as tg from "../../src/index.js";
import { kernelConformanceSuite } from "../backends/kernel-suite.js";
import { fusedConformanceSuite } from "../backends/fused-suite.js";
import { GPU_HOST_OPS } from "../backends/gpu-host-ops.js";
import { opParitySuite, type OpFixture } from "../ops/parity-suite.js";
import { runAll, type Outcome } from "./shims/node-test.js";

export async function conformanceWorkload(): Promise<Outcome & { adapter: string }> {
  const gpu = (await tg.device("webgpu")) as unknown as { gpu: { description: string } };
  kernelConformanceSuite("webgpu");
  // As webgpu.test.ts: attention fused at every head width, where a software adapter composes wide heads.
  (gpu as unknown as { attentionWidth: number }).attentionWidth = Infinity;
  fusedConformanceSuite("webgpu");
  const fixture = (await (await fetch("./test/fixtures/ops.json")).json()) as OpFixture;
  opParitySuite("webgpu", GPU_HOST_OPS, fixture);
  // And with the inputs made on the CPU and moved, as users move them (the default device stays the CPU's).
  opParitySuite("webgpu", GPU_HOST_OPS, fixture, { moved: true });
  return { ...(await runAll()), adapter: gpu.gpu.description };
}
