/**
 * Whether ops record onto the tape. Depends on nothing, so the op layer can consult it.
 *
 * `noGrad(fn)` / `enableGrad(fn)` confine the switch to fn: while fn runs synchronously a plain
 * object holds it (the op path reads it in a few nanoseconds); when fn is async, Node's
 * AsyncLocalStorage carries it into fn's own continuations and no further, so two concurrent loops
 * — one evaluating under `await tg.noGrad(async () => …)`, one training — never see each other's
 * mode. `setGradEnabled` is the process-wide default outside such scopes (inside one it changes
 * that scope's mode): holding it off across an await affects every other async chain, so async
 * code uses `noGrad(async …)` instead. Browsers have no AsyncLocalStorage: there noGrad takes
 * synchronous functions only. A plain function that returns a promise is refused: the mode could
 * not follow its awaits.
 */
import { nodeBuiltin } from "../base/node.js";

interface Mode {
  enabled: boolean;
}

/** The process-wide mode (outside every async scope). */
const processWide: Mode = { enabled: true };
/** Async noGrad/enableGrad scopes still running: only then is the async context consulted. */
let asyncScopes = 0;
const AsyncLocalStorage = nodeBuiltin("node:async_hooks")?.AsyncLocalStorage;
const context = AsyncLocalStorage ? new AsyncLocalStorage<Mode>() : null;

/** The mode of the innermost async scope this code runs in, if any. */
function asyncMode(): Mode | undefined {
  return asyncScopes > 0 ? context?.getStore() : undefined;
}

export function isGradEnabled(): boolean {
  return (asyncMode() ?? processWide).enabled;
}

/** Sets the mode of the enclosing noGrad/enableGrad scope, or the process-wide default outside any. */
export function setGradEnabled(on: boolean): void {
  (asyncMode() ?? processWide).enabled = on;
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  // Only async functions enter the async context: its first use costs every later promise a hook
  // on Node 20 and 22, which programs that never pass noGrad an async function should not pay.
  if (context && (fn as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === "AsyncFunction") {
    asyncScopes++;
    return (context.run({ enabled: on }, fn) as Promise<unknown>).finally(() => asyncScopes--) as T;
  }
  // Synchronous: no other code runs until fn returns, so the mode is swapped and restored in place
  // (the enclosing async scope's, if any, else the process-wide one).
  const mode = asyncMode() ?? processWide;
  const before = mode.enabled;
  mode.enabled = on;
  try {
    const out = fn();
    if (out instanceof Promise) {
      throw new TypeError(`noGrad/enableGrad: the function returned a Promise; pass an async function${context ? "" : " (in Node; elsewhere wrap the awaited part)"} so that the mode follows its awaits`);
    }
    return out;
  } finally {
    mode.enabled = before;
  }
}

/** Runs fn without recording gradients, like `with torch.no_grad():`; fn may be async in Node. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with gradient recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Runs fn with recording on or off (backward's createGraph switch). */
export function withGradEnabled<T>(on: boolean, fn: () => T): T {
  return withGradMode(on, fn);
}
