/** node:assert/strict in a browser page: the assertions the conformance suites use, with Node's meanings. */
class AssertionError extends Error {}

type Expected = (new (...args: never[]) => Error) | RegExp | ((e: unknown) => boolean);

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ?? fallback);
}

function ok(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${String(value)}`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `${String(actual)} !== ${String(expected)}`);
}

/** Strict deep equality: same prototypes, same keys, Object.is on leaves; typed arrays by element. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const [x, y] = [a as unknown as ArrayLike<unknown>, b as unknown as ArrayLike<unknown>];
    return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!same(actual, expected)) fail(message, `${JSON.stringify(actual)} is not deeply equal to ${JSON.stringify(expected)}`);
}

function matches(error: unknown, expected: Expected | undefined, message?: string): void {
  if (expected === undefined) return;
  if (expected instanceof RegExp) return ok(expected.test(String((error as Error)?.message ?? error)), message ?? `the error does not match ${expected}: ${String(error)}`);
  if (expected.prototype instanceof Error || expected === Error) return ok(error instanceof expected, message ?? `expected a ${expected.name}, got ${String(error)}`);
  ok((expected as (e: unknown) => boolean)(error), message ?? `the error failed its validation: ${String(error)}`);
}

function throws(fn: () => unknown, expected?: Expected | string, message?: string): void {
  try {
    fn();
  } catch (e) {
    return matches(e, typeof expected === "string" ? undefined : expected, typeof expected === "string" ? expected : message);
  }
  fail(typeof expected === "string" ? expected : message, "missing expected exception");
}

async function rejects(promise: Promise<unknown> | (() => Promise<unknown>), expected?: Expected | string, message?: string): Promise<void> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (e) {
    return matches(e, typeof expected === "string" ? undefined : expected, typeof expected === "string" ? expected : message);
  }
  fail(typeof expected === "string" ? expected : message, "missing expected rejection");
}

export default { ok, equal, deepEqual, throws, rejects, AssertionError };
