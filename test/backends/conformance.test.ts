/** The kernel conformance suite (kernel-suite.ts) on every registered backend. */
import * as tg from "../../src/index.js";
import { kernelConformanceSuite } from "./kernel-suite.js";

for (const name of tg.readyBackends()) kernelConformanceSuite(name); // the GPU: webgpu.test.ts
