/**
 * Each damaged input the hardening issue reported, as a regression: a typed error naming the file
 * (or the right data), never a hang, an untyped exception, or silently wrong values.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as tg from "../../src/index.js";
import { corpus } from "./targets.js";

const { data, io } = tg;
const isFormat = (pattern: RegExp) => (e: unknown) => e instanceof tg.FormatError && pattern.test((e as Error).message);

/** safetensors bytes from a header object and a data region. */
const safetensors = (header: unknown, body = new Uint8Array(0)) => safetensorsRaw(JSON.stringify(header), body);

function withDir(fn: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-reg-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe("loader regressions", () => {
  test("the unpickler: a GLOBAL without its newline, a truncated pickle, stack underflow", () => {
    const started = performance.now();
    assert.throws(() => data.unpickle(new Uint8Array([0x80, 2, 0x63, 0x61]), "p"), isFormat(/p: a text argument has no terminating newline .* at byte 2/));
    assert.ok(performance.now() - started < 1000);
    const whole = corpus("list-of-lists.pickle");
    for (let n = 0; n < whole.length; n++) assert.throws(() => data.unpickle(whole.subarray(0, n), "p"), tg.FormatError);
    assert.throws(() => data.unpickle(new Uint8Array([0x80, 2, 0x61, 0x2e]), "p"), isFormat(/stack underflow/));
    assert.throws(() => data.unpickle(new Uint8Array([0x80, 2, 0x4e, 0x4e, 0x61, 0x2e]), "p"), isFormat(/not a list/));
    // A list that contains itself (a memo get, as Python pickles a self-referencing list): data, not an error.
    const cyclic = data.unpickle(new Uint8Array([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]), "p") as unknown[];
    assert.equal(cyclic[0], cyclic);
  });

  test("imdb.npz with 200,000 words loads with default options (no call-stack overflow)", () => {
    const r = data.loadImdbNpz(new URL("./regressions/imdb-200k-words.npz", import.meta.url).pathname);
    assert.equal(r.xTrain[0]!.length, 100_001);
    let largest = 0;
    for (const w of r.xTrain[0]!) largest = Math.max(largest, w);
    assert.equal(largest, 4999 + 3 - 1); // as Keras: the limit is the largest index (+ indexFrom), itself excluded
  });

  test("IDX: negative dimensions, trailing bytes, a gzip bomb", () => {
    const neg = data.encodeIdx([2, 2], new Uint8Array(4));
    new DataView(neg.buffer).setInt32(4, -1);
    assert.throws(() => data.parseIdx(neg, "n.idx"), isFormat(/n\.idx: dimension 0 is -1 \(byte 4\)/));
    assert.throws(() => data.parseIdx(new Uint8Array([...data.encodeIdx([2], new Uint8Array(2)), 9]), "t.idx"), isFormat(/1 trailing bytes/));
    // 256 MiB of zeros behind an IDX header promising 4 bytes: refused before it is inflated.
    const plain = new Uint8Array(256 * 2 ** 20);
    plain.set(data.encodeIdx([4], new Uint8Array(4)));
    const bomb = gzipSync(plain);
    const started = performance.now();
    assert.throws(() => data.parseIdx(bomb, "bomb.gz"), isFormat(/bomb\.gz: the gzip trailer gives \d+ bytes, the IDX header of shape \[4\] needs 12/));
    assert.ok(performance.now() - started < 500, "inflated the bomb");
    // A trailer forged to match the header: inflation stops at the promised size.
    const forged = bomb.slice();
    new DataView(forged.buffer).setUint32(forged.length - 4, 12, true);
    assert.throws(() => data.parseIdx(forged, "forged.gz"), isFormat(/inflates past the 12 bytes/));
  });

  test("safetensors: missing or null fields, offsets out of bounds, gaps, overlaps, odd headers, __proto__", () => {
    const four = new Uint8Array(4);
    assert.throws(() => io.parseSafetensors(safetensors({ w: { dtype: "F32", data_offsets: [0, 4] } }, four), "s"), isFormat(/s: tensor 'w': shape must be a list/));
    assert.throws(() => io.parseSafetensors(safetensors({ w: { dtype: "F32", shape: null, data_offsets: [0, 4] } }, four), "s"), isFormat(/shape must be a list/));
    assert.throws(() => io.parseSafetensors(safetensors({ w: { dtype: "F32", shape: [1] } }, four), "s"), isFormat(/data_offsets must be \[begin, end\]/));
    assert.throws(() => io.parseSafetensors(safetensors({ w: { dtype: "F32", shape: [2], data_offsets: [-12, -4] } }, four), "s"), isFormat(/data_offsets must be/));
    const two = (a: [number, number], b: [number, number], body: number) =>
      safetensors({ a: { dtype: "F32", shape: [1], data_offsets: a }, b: { dtype: "F32", shape: [1], data_offsets: b } }, new Uint8Array(body));
    assert.throws(() => io.parseSafetensors(two([0, 4], [8, 12], 12), "s"), isFormat(/tensor 'b' starts at data byte 8, expected 4 \(a gap/));
    assert.throws(() => io.parseSafetensors(two([0, 4], [2, 6], 8), "s"), isFormat(/an overlap/));
    assert.throws(() => io.parseSafetensors(two([0, 4], [4, 8], 12), "s"), isFormat(/4 trailing bytes/));
    for (const header of [[], 123, true, null, "x"]) assert.throws(() => io.parseSafetensors(safetensors(header), "s"), isFormat(/the header must be a JSON object/));
    const proto = io.parseSafetensors(safetensorsRaw('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four), "s");
    assert.deepEqual(Object.keys(proto.tensors), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(proto.tensors), Object.prototype);
    assert.ok(Object.getOwnPropertyDescriptor(proto.tensors, "__proto__")!.value instanceof tg.Tensor);
  });

  test(".npz: a flipped data byte fails its CRC instead of loading changed data", () => {
    const npz = corpus("stored.npz");
    const second = npz.findIndex((b, i) => i > 0 && b === 0x50 && npz[i + 1] === 0x4b && npz[i + 2] === 3 && npz[i + 3] === 4);
    const bad = npz.slice();
    bad[second - 1] = bad[second - 1]! ^ 1; // the first entry's last data byte (stored, uncompressed)
    assert.throws(() => data.parseNpz(bad, "d.npz"), isFormat(/d\.npz: entry 'x_train\.npy' fails its CRC-32 check/));
    const header = npz.slice();
    header[2] = 0; // the first local header's signature
    assert.throws(() => data.parseNpz(header, "h.npz"), tg.FormatError);
  });

  test(".npz/.keras: a directory record claiming more compressed bytes than the archive holds is refused before inflating", () => {
    // Found by the fuzzer: compressed size 2³²−1 let the claimed size reach 2 GiB, which fflate
    // allocated and zero-filled for seconds before the CRC check failed.
    const npz = corpus("stored.npz");
    const view = new DataView(npz.buffer, npz.byteOffset, npz.byteLength);
    const record = npz.findIndex((b, i) => b === 0x50 && npz[i + 1] === 0x4b && npz[i + 2] === 1 && npz[i + 3] === 2);
    const bad = npz.slice();
    new DataView(bad.buffer).setUint32(record + 20, 0xffffffff, true);
    new DataView(bad.buffer).setUint32(record + 24, 0x7fffffff, true);
    assert.ok(view.getUint32(record, true) === 0x02014b50);
    const started = performance.now();
    assert.throws(() => data.parseNpz(bad, "c.npz"), isFormat(/c\.npz: entry 'x_train\.npy' claims 4294967295 compressed bytes, more than the archive's \d+/));
    assert.ok(performance.now() - started < 1000);
  });

  test("CSV reads plain decimals only: 0x1F, 0b101 and Infinity are text", () => {
    const t = data.parseCSV("a,b\n0x1F,1\n0b101,2\nInfinity,3\n");
    assert.deepEqual(t.types, ["string", "number"]);
    assert.deepEqual(t.column("a"), ["0x1F", "0b101", "Infinity"]);
    assert.throws(() => data.parseCSV("a\n0x1F\n", { types: { a: "number" } }, "c.csv"), /c\.csv: line 2, column 'a': '0x1F' is not a number/);
  });

  test("CSV columns named after Object.prototype's members are inferred like any other (a fuzzer finding)", () => {
    const t = data.parseCSV("__proto__,toString,constructor\n1,true,x\n2,false,y\n");
    assert.deepEqual(t.types, ["number", "boolean", "string"]);
    assert.deepEqual(t.column("__proto__"), [1, 2]);
    const typed = data.parseCSV("toString\n7\n", { types: { toString: "string" as const } });
    assert.deepEqual(typed.column("toString"), ["7"]);
    assert.throws(() => data.parseCSV("a\n1\n", { types: { a: "integer" } as unknown as Record<string, "number"> }, "c.csv"), /c\.csv: types\['a'\] is "integer"/);
  });

  test("text loaders refuse invalid UTF-8, naming the offset", withDir(async (dir) => {
    const bad = path.join(dir, "bad.txt");
    writeFileSync(bad, new Uint8Array([...new TextEncoder().encode("a,b\n1,"), 0xff, 0x0a]));
    assert.throws(() => data.loadCSV(bad), isFormat(/bad\.txt: not valid UTF-8 text \(first bad byte at offset 6\)/));
    writeFileSync(bad, new Uint8Array([...new TextEncoder().encode("a\n1"), 0x13, 0xd7, 0xcf, 0x8c, 0x0c, 0xfe, 0xd0])); // a fuzzer finding
    assert.throws(() => data.loadCSV(bad), isFormat(/not valid UTF-8 text \(first bad byte at offset/));
    writeFileSync(bad, new Uint8Array([...new TextEncoder().encode("a 1 2\nb 3 "), 0xc3, 0x28, 0x0a]));
    await assert.rejects(data.loadGlove(bad, new data.text.Vocab(["a"])), isFormat(/not valid UTF-8/));
  }));

  test("GloVe on a directory, Keras class names that are Object.prototype keys", withDir(async (dir) => {
    await assert.rejects(data.loadGlove(dir, new data.text.Vocab(["a"])), (e: unknown) => e instanceof tg.DataError && /is not a file/.test((e as Error).message));
    const json = JSON.parse(new TextDecoder().decode(corpus("keras-model.json")));
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      json.config.layers[0].className = name;
      const model = path.join(dir, name);
      mkdirSync(model);
      writeFileSync(path.join(model, "model.json"), JSON.stringify(json));
      writeFileSync(path.join(model, "model.safetensors"), corpus("keras-model.safetensors"));
      assert.throws(() => tg.keras.loadModel(model), isFormat(/unknown layer class/), name);
    }
  }));
});

/** safetensors bytes from a raw header text (for keys JSON.stringify would not write). */
function safetensorsRaw(json: string, body: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
}
