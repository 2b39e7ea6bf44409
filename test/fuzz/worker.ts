/**
 * The fuzzing loop (run by test/fuzz/run.ts, which bounds its time and memory): for each target,
 * fast-check draws a seed file and a few mutations, the loader runs, and the outcome is counted as
 * a typed error, the seed's exact data, other well-formed data, or a finding ("other": an untyped
 * exception, a malformed result, a case slower than two seconds or the process past its memory
 * bound). A finding stops the run with the shrunk case; otherwise a table per loader is printed.
 *
 *   node --import tsx test/fuzz/worker.ts --seconds 30 [--seed N] [--state FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import fc from "fast-check";
import * as tg from "../../src/index.js";
import { apply, describe, mutation } from "./mutate.js";
import { Malformed, TARGETS, corpus, type Target } from "./targets.js";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "30" }, seed: { type: "string" }, state: { type: "string" } } });
const seconds = Number(args.seconds);
const seed = args.seed !== undefined ? Number(args.seed) : Date.now() % 2 ** 31;
const CASE_MS = 2000; // a hang shows as the run's time bound; this catches slow paths (2 s leaves room for a loaded machine)
const RSS_LIMIT = 3 * 2 ** 30;

interface Counts {
  tried: number;
  typed: number;
  exact: number;
  changed: number;
  other: number;
}

/** What the unmutated seeds give (the "exact data" reference). */
async function fingerprints(t: Target): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of t.seeds) out.set(s, String(await t.load(corpus(s), s)));
  return out;
}

async function fuzz(t: Target, ms: number): Promise<Counts> {
  const counts: Counts = { tried: 0, typed: 0, exact: 0, changed: 0, other: 0 };
  const reference = await fingerprints(t);
  const seeds = new Map(t.seeds.map((s) => [s, corpus(s)]));
  let finding = "";
  const property = fc.asyncProperty(fc.constantFrom(...t.seeds), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (s, ms_) => {
    const bytes = ms_.reduce(apply, seeds.get(s)!);
    const what = describe(s, ms_);
    if (args.state) writeFileSync(args.state, `${t.name}: ${what}\n`);
    counts.tried++;
    const started = performance.now();
    let outcome: "typed" | "exact" | "changed" | "other";
    let why = "";
    try {
      const result = String(await t.load(bytes, s));
      outcome = result === reference.get(s) ? "exact" : "changed";
    } catch (e) {
      outcome = e instanceof tg.TensorgradError ? "typed" : "other";
      why = e instanceof Malformed ? `malformed result: ${e.message}` : `${(e as Error).name}: ${(e as Error).message}`;
    }
    let took = performance.now() - started;
    if (outcome !== "other" && took > CASE_MS) {
      // A slow path is slow every time; a stall of a loaded machine (GC, another process) is not.
      const again = performance.now();
      try {
        await t.load(bytes, s);
      } catch {
        // the outcome was classified above; only the time matters here
      }
      took = Math.min(took, performance.now() - again);
      if (took > CASE_MS) [outcome, why] = ["other", `took ${took.toFixed(0)} ms, twice`];
    }
    if (outcome !== "other" && process.memoryUsage().rss > RSS_LIMIT) [outcome, why] = ["other", `the process grew to ${(process.memoryUsage().rss / 2 ** 30).toFixed(1)} GiB`];
    counts[outcome]++;
    if (outcome === "other") finding = `${why}\n  case: ${what}`;
    return outcome !== "other";
  });
  const report = await fc.check(property, { seed, numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, endOnFailure: true });
  if (report.failed) {
    console.error(`FINDING in ${t.name} (fast-check seed ${seed}, path ${report.counterexamplePath}):\n  ${finding}`);
    process.exitCode = 1;
  }
  return counts;
}

console.log(`fuzzing ${TARGETS.length} loaders for ${seconds} s (seed ${seed})`);
console.log("| loader | tried | typed error | exact data | other well-formed data | other |");
console.log("|---|---|---|---|---|---|");
const total: Counts = { tried: 0, typed: 0, exact: 0, changed: 0, other: 0 };
for (const t of TARGETS) {
  const c = await fuzz(t, (seconds * 1000) / TARGETS.length);
  for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += c[k];
  console.log(`| ${t.name} | ${c.tried} | ${c.typed} | ${c.exact} | ${c.changed} | ${c.other} |`);
  if (process.exitCode) break;
}
console.log(`| all | ${total.tried} | ${total.typed} | ${total.exact} | ${total.changed} | ${total.other} |`);
process.exit(process.exitCode ?? 0); // done: nothing left running may keep the run past its bound
