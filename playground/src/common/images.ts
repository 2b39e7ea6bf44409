/** Small arrays of numbers as pictures: gray (min → black, max → white) or a signed blue/red map. */
export function valuesToCanvas(values: ArrayLike<number>, width: number, height: number, { scale = 3, scaleY = scale, signed = false, offset = 0 }: { scale?: number; scaleY?: number; signed?: boolean; offset?: number } = {}): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width * scale}px`;
  canvas.style.height = `${height * scaleY}px`;
  paint(canvas, values, width, height, { signed, offset });
  return canvas;
}

/** Paints width × height values (starting at `offset`) into a canvas of that size. */
export function paint(canvas: HTMLCanvasElement, values: ArrayLike<number>, width: number, height: number, { signed = false, offset = 0 } = {}): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < width * height; i++) {
    const v = values[offset + i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const bound = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const ctx = canvas.getContext("2d")!;
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = values[offset + i]!;
    let rgb: [number, number, number];
    if (signed) {
      const t = v / bound; // blue for negative, red for positive, white at 0
      rgb = t >= 0 ? [255, 255 * (1 - t), 255 * (1 - t)] : [255 * (1 + t), 255 * (1 + t), 255];
    } else {
      const g = hi > lo ? (255 * (v - lo)) / (hi - lo) : 0;
      rgb = [g, g, g];
    }
    image.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}
