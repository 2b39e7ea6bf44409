/**
 * A training loop inside a Web Worker that stays responsive: it runs steps for a slice of time,
 * reports, then yields to the worker's message queue (so "pause" or new settings arrive between
 * slices) through a MessageChannel, which, unlike setTimeout, is not clamped to 4 ms.
 */
export interface Loop {
  start(): void;
  pause(): void;
  readonly running: boolean;
}

export function trainingLoop(step: () => void, report: (stepsPerSecond: number) => void, sliceMs = 50): Loop {
  let running = false;
  const channel = new MessageChannel();
  const slice = () => {
    if (!running) return;
    const t0 = performance.now();
    let steps = 0;
    try {
      do {
        step();
        steps++;
      } while (running && performance.now() - t0 < sliceMs);
      report((steps * 1000) / Math.max(performance.now() - t0, 1e-3));
    } catch (e) {
      running = false;
      throw e; // the worker's onerror reaches the page
    }
    channel.port2.postMessage(null);
  };
  channel.port1.onmessage = slice;
  return {
    start() {
      if (running) return;
      running = true;
      channel.port2.postMessage(null);
    },
    pause() {
      running = false;
    },
    get running() {
      return running;
    },
  };
}

/** Posts an error message (with the stack where there is one) to the page. */
export function reportErrors(post: (message: { type: "error"; message: string }) => void): void {
  self.addEventListener("error", (e) => post({ type: "error", message: String(e.error?.stack ?? e.message) }));
  self.addEventListener("unhandledrejection", (e) => post({ type: "error", message: String(e.reason?.stack ?? e.reason) }));
}
