/** The fused routines' conformance suite (fused-suite.ts) on every registered backend. */
import { test } from "node:test";
import * as tg from "../../src/index.js";
import { everyRoutineIsCovered, fusedConformanceSuite, referenceOffersNoRoutines } from "./fused-suite.js";

test("the suite has cases for every fused routine of the backend contract", everyRoutineIsCovered);
test("the reference backend offers no fused routine: its ops compose, which makes it the reference", referenceOffersNoRoutines);

for (const name of tg.readyBackends()) if (name !== "js") fusedConformanceSuite(name);
