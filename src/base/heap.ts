/**
 * Python's heapq on a plain array (push, pop, pushpop), with a "less than" of the caller's: the
 * same algorithm, so the array's order — which scikit-learn's labels depend on — is heapq's.
 */
export type Less<T> = (a: T, b: T) => boolean;

function siftDown<T>(h: T[], start: number, pos: number, less: Less<T>): void {
  const item = h[pos]!;
  while (pos > start) {
    const parent = (pos - 1) >> 1;
    if (less(item, h[parent]!)) {
      h[pos] = h[parent]!;
      pos = parent;
    } else break;
  }
  h[pos] = item;
}

function siftUp<T>(h: T[], pos: number, less: Less<T>): void {
  const end = h.length;
  const start = pos;
  const item = h[pos]!;
  let child = 2 * pos + 1;
  while (child < end) {
    const right = child + 1;
    if (right < end && !less(h[child]!, h[right]!)) child = right;
    h[pos] = h[child]!;
    pos = child;
    child = 2 * pos + 1;
  }
  h[pos] = item;
  siftDown(h, start, pos, less);
}

export function heappush<T>(h: T[], v: T, less: Less<T>): void {
  h.push(v);
  siftDown(h, 0, h.length - 1, less);
}

export function heappop<T>(h: T[], less: Less<T>): T {
  const last = h.pop()!;
  if (h.length === 0) return last;
  const top = h[0]!;
  h[0] = last;
  siftUp(h, 0, less);
  return top;
}

export function heappushpop<T>(h: T[], v: T, less: Less<T>): T {
  if (h.length && less(h[0]!, v)) {
    const top = h[0]!;
    h[0] = v;
    siftUp(h, 0, less);
    return top;
  }
  return v;
}

/** heapq.heapify. */
export function heapify<T>(h: T[], less: Less<T>): void {
  for (let i = (h.length >> 1) - 1; i >= 0; i--) siftUp(h, i, less);
}
