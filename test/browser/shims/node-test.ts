/**
 * node:test in a browser page, for the conformance suites bundled into one (conformance-page.ts):
 * describe/test/before/after register as in Node, and runAll() runs them in order, awaiting each.
 */
interface Context {
  diagnostic(message: string): void;
}
type Body = (t: Context) => unknown;
interface Suite {
  name: string;
  entries: (Suite | { name: string; fn: Body })[];
  before: (() => unknown)[];
  after: (() => unknown)[];
}

const root: Suite = { name: "", entries: [], before: [], after: [] };
let current = root;

export function describe(name: string, fn: () => void): void {
  const suite: Suite = { name, entries: [], before: [], after: [] };
  current.entries.push(suite);
  const parent = current;
  current = suite;
  try {
    fn();
  } finally {
    current = parent;
  }
}

export function test(name: string, fn: Body): void {
  current.entries.push({ name, fn });
}

export const before = (fn: () => unknown): void => void current.before.push(fn);
export const after = (fn: () => unknown): void => void current.after.push(fn);

export interface Outcome {
  passed: string[];
  failed: { name: string; error: string }[];
  diagnostics: string[];
}

/** Runs every registered test (suites' before and after hooks around theirs), and forgets them. */
export async function runAll(): Promise<Outcome> {
  const outcome: Outcome = { passed: [], failed: [], diagnostics: [] };
  const context: Context = { diagnostic: (m) => void outcome.diagnostics.push(m) };
  const run = async (suite: Suite, prefix: string): Promise<void> => {
    const step = async (name: string, fn: () => unknown) => {
      try {
        await fn();
        outcome.passed.push(name);
      } catch (e) {
        outcome.failed.push({ name, error: String((e as Error).stack ?? e) });
      }
    };
    for (const hook of suite.before) await step(`${prefix}(before)`, hook);
    for (const entry of suite.entries) {
      const name = `${prefix}${entry.name}`;
      if ("fn" in entry) await step(name, () => entry.fn(context));
      else await run(entry, `${name} › `);
    }
    for (const hook of suite.after) await step(`${prefix}(after)`, hook);
  };
  await run(root, "");
  root.entries = [];
  return outcome;
}
