/** CSV tables, GloVe vectors, and IMDB in both layouts (aclImdb folder, Keras' imdb.npz). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tg from "../../src/index.js";

const { data } = tg;
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function withDir(fn: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-data-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test("CSV: typed columns, quoting, missing values, and errors with line and column", withDir((dir) => {
  const file = path.join(dir, "people.csv");
  writeFileSync(file, 'name,age,member\n"Smith, J",41,true\nAda,NA,false\nBo,7,TRUE\n');
  const table = data.loadCSV(file);
  assert.deepEqual(table.columns, ["name", "age", "member"]);
  assert.deepEqual(table.types, ["string", "number", "boolean"]);
  assert.deepEqual(table.column("name"), ["Smith, J", "Ada", "Bo"]);
  assert.deepEqual(table.column("age"), [41, null, 7]);
  const x = table.toTensor();
  assert.deepEqual(x.shape, [3, 2]);
  assert.ok(Number.isNaN(x.select(0, 1).select(0, 0).item()));
  assert.throws(() => table.toTensor(["name"]), /holds strings; encode it first/);
  assert.throws(() => data.parseCSV("a,b\n1,2\n3\n", {}, "bad.csv"), /bad\.csv: line 3 has 1 fields, expected 2/);
  assert.throws(() => data.parseCSV("a\nx\n", { types: { a: "number" } }, "t.csv"), /t\.csv: line 2, column 'a': 'x' is not a number/);
  assert.throws(() => data.loadCSV(path.join(dir, "nope.csv")), /cannot read .*nope\.csv/);
  assert.deepEqual(data.parseCSV("1;2\n3;4", { header: false, delimiter: ";" }).rows, [[1, 2], [3, 4]]);
}));

test("loadGlove builds an embedding matrix for a vocabulary", withDir(async (dir) => {
  const file = path.join(dir, "glove.txt");
  writeFileSync(file, "the 0.1 0.2 0.3\ncat 1 2 3\nzebra 9 9 9\n");
  const vocab = new data.text.Vocab(["<pad>", "cat", "the", "dog"]);
  const { vectors, dim, found, missing } = await data.loadGlove(file, vocab);
  assert.equal(dim, 3);
  assert.equal(found, 2);
  assert.deepEqual(missing, ["<pad>", "dog"]);
  assert.deepEqual(vectors.select(0, 1).tolist(), [1, 2, 3]);
  assert.deepEqual(vectors.select(0, 3).tolist(), [0, 0, 0]);
  const emb = tg.nn.Embedding.fromPretrained(vectors);
  assert.deepEqual(emb.forward(tg.tensor([1], { dtype: "int32" })).tolist(), [[1, 2, 3]]);
  writeFileSync(file, "a 1 2\nb 1\n");
  await assert.rejects(data.loadGlove(file, vocab), /line 2 has 1 values, expected 2/);
  await assert.rejects(data.loadGlove(path.join(dir, "none.txt"), vocab), /cannot read/);
}));

test("IMDB from an aclImdb folder", withDir((dir) => {
  for (const [split, sub, name, text] of [["train", "pos", "0_9.txt", "Great film"], ["train", "neg", "1_2.txt", "Awful"], ["train", "neg", "0_1.txt", "Bad"], ["test", "pos", "0_10.txt", "Loved it"], ["test", "neg", "0_3.txt", "Meh"]]) {
    mkdirSync(path.join(dir, "aclImdb", split!, sub!), { recursive: true });
    writeFileSync(path.join(dir, "aclImdb", split!, sub!, name!), text!);
  }
  const train = new data.IMDB({ root: dir });
  assert.equal(train.length, 3);
  assert.deepEqual([...train], [["Bad", 0], ["Awful", 0], ["Great film", 1]]);
  assert.equal(new data.IMDB({ root: path.join(dir, "aclImdb"), train: false }).length, 2);
  assert.throws(() => new data.IMDB({ root: path.join(dir, "missing") }), /expected the folder .*train\/pos and \/neg/);
}));

test("Keras' imdb.npz with load_data's options", () => {
  const file = fixture("imdb_mini.npz");
  const all = data.loadImdbNpz(file);
  assert.deepEqual(all.yTrain, [1, 0, 0, 1]);
  assert.deepEqual(all.xTrain[0], [1, 4, 17, 25, 19, 46]); // start char, then each index + 3
  assert.equal(all.xTrain[2]![3], 2); // the largest index is out of vocabulary, as in Keras
  const limited = data.loadImdbNpz(file, { numWords: 20, maxlen: 6 });
  assert.equal(limited.xTrain.length, 3); // the 9-token review is dropped
  assert.deepEqual(limited.xTrain[0], [1, 4, 17, 2, 19, 2]);
  assert.deepEqual(limited.xTest, [[1, 4, 2, 2]]);
  assert.deepEqual(limited.yTest, [0]);
  assert.throws(() => data.loadImdbNpz(fixture("ops.json")), /cannot read as \.npz/);
});
