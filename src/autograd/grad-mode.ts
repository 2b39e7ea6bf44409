/** Whether ops record onto the tape. Depends on nothing, so the op layer can consult it. */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const before = enabled;
  enabled = on;
  try {
    const out = fn();
    if (out instanceof Promise) {
      throw new TypeError("noGrad/enableGrad take a synchronous function; wrap the awaited part instead");
    }
    return out;
  } finally {
    enabled = before;
  }
}

/** Runs fn without recording gradients, like `with torch.no_grad():`. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with gradient recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
