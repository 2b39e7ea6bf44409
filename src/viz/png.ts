/**
 * A minimal PNG encoder (8-bit RGBA, no interlace): the chunks are a few lines each, and the pixel
 * data is compressed with fflate's zlib, already the library's zip dependency — so PNGs are written
 * the same way in Node and in browsers, with no native or Node-only module.
 */
import { zlibSync } from "fflate";
import { ValueError } from "../base/errors.js";
import { concatBytes, crc32 } from "../base/bytes.js";

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes width × height RGBA pixels (row-major, 4 bytes each) as a PNG file. */
export function encodePNG(width: number, height: number, rgba: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new ValueError(`encodePNG: invalid size ${width}×${height}`);
  if (rgba.length !== width * height * 4) throw new ValueError(`encodePNG: ${rgba.length} bytes for ${width}×${height} RGBA pixels (expected ${width * height * 4})`);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method variants, no interlace
  const raw = new Uint8Array(height * (width * 4 + 1)); // each row: filter type 0, then its pixels
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return concatBytes([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk("IHDR", header), chunk("IDAT", zlibSync(raw)), chunk("IEND", new Uint8Array(0))]);
}
