/** The fused routines' conformance suite (fused-suite.ts) on every registered backend. */
import { test } from "node:test";
import * as tg from "../../src/index.js";
import { fusedConformanceSuite, referenceOffersNoRoutines } from "./fused-suite.js";

test("the reference backend offers no fused routine: its ops compose, which makes it the reference", referenceOffersNoRoutines);

for (const name of tg.listBackends()) if (name !== "js") fusedConformanceSuite(name);
