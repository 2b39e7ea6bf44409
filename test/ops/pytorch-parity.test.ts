/**
 * Every op against PyTorch (forward values and input gradients) on every synchronous backend; the
 * cases are in parity-suite.ts, which test/backends/webgpu.test.ts runs on the GPU.
 */
import { describe, test } from "node:test";
import * as tg from "../../src/index.js";
import { everyOpHasAFixture, opParitySuite } from "./parity-suite.js";

describe("ops match PyTorch (forward and gradients)", () => {
  test("every fixture case has a tensorgrad op, and every op a fixture", everyOpHasAFixture);
  for (const backend of tg.readyBackends()) opParitySuite(backend);
});
