/**
 * What every page shares: the header with the links to the others, and `window.playground`, the
 * page's state that the browser tests (and a curious user in the console) read: status, the
 * training curve, the time to first paint and the frame times measured while training.
 */
import "./style.css";

export const PAGES = [
  ["classify", "2-D classification"],
  ["mnist", "MNIST"],
  ["text", "Text"],
  ["rl", "CartPole"],
  ["graph", "Graphs"],
  ["load", "Load a model"],
] as const;

export interface PageState {
  status: string;
  steps: number;
  losses: number[];
  accuracies: number[];
  stepsPerSecond: number;
  firstPaintMs: number;
  frameTimes: number[];
  error?: string;
  [more: string]: unknown;
}

declare global {
  interface Window {
    playground: PageState;
  }
}

/** Adds the header, starts the frame-time recorder and returns the page's state. */
export function setUpPage(current: string): PageState {
  const header = document.createElement("header");
  header.innerHTML = `<strong><a href="./index.html">tensorgrad playground</a></strong>` +
    PAGES.map(([id, title]) => `<a href="./${id}.html"${id === current ? ' aria-current="page"' : ""}>${title}</a>`).join("");
  document.body.prepend(header);
  const state: PageState = { status: "loading", steps: 0, losses: [], accuracies: [], stepsPerSecond: 0, firstPaintMs: 0, frameTimes: [] };
  window.playground = state;
  requestAnimationFrame(() => (state.firstPaintMs = performance.now()));
  // The gaps between animation frames while a worker trains: a page that stays responsive keeps
  // them near 16.7 ms. Only the last 600 are kept.
  let last = performance.now();
  const frame = (now: number) => {
    if (state.status === "training") state.frameTimes.push(now - last);
    if (state.frameTimes.length > 600) state.frameTimes.shift();
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return state;
}

/**
 * Records a slice's training speed; the page's figure is the median of the slices so far (the
 * last slice of a run is short and noisy).
 */
export function noteRate(state: PageState, stepsPerSecond: number): void {
  const rates = ((state.rates as number[] | undefined) ??= []);
  rates.push(stepsPerSecond);
  state.stepsPerSecond = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
}

/** The element with this id, typed (the pages' HTML defines them). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** Shows an error from a worker or a file on the page (and in its state). */
export function showError(state: PageState, where: HTMLElement, error: string): void {
  state.error = error;
  state.status = "error";
  where.textContent = error;
  where.className = "error";
}
