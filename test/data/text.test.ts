/** Tokenizer (torchtext rules), vocabulary and Keras-style sequence utilities. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { text } = tg.data;

test("basicEnglishTokenizer follows torchtext's basic_english", () => {
  assert.deepEqual(text.basicEnglishTokenizer("You can now install TorchText using pip!"), ["you", "can", "now", "install", "torchtext", "using", "pip", "!"]);
  assert.deepEqual(text.basicEnglishTokenizer(`It's "great",<br />(really); no: 3.5?`), ["it", "'", "s", "great", ",", "(", "really", ")", "no", "3", ".", "5", "?"]);
});

test("Vocab.build: frequency then alphabetical order, specials first, maxSize, minFreq, unk", () => {
  const v = tg.data.text.Vocab.build([["b", "a", "c", "a"], ["c", "d", "a"]], { maxSize: 5 });
  assert.deepEqual(v.itos, ["<unk>", "<pad>", "a", "c", "b"]);
  assert.equal(v.get("zebra"), 0);
  assert.deepEqual(v.lookupIndices(["a", "d"]), [2, 0]);
  assert.deepEqual(v.lookupTokens([3, 4]), ["c", "b"]);
  const strict = tg.data.text.Vocab.build([["x", "x", "y"]], { specials: [], minFreq: 2 });
  assert.deepEqual(strict.itos, ["x"]);
  assert.throws(() => strict.get("y"), /not in the vocabulary/);
});

test("padSequences has Keras' defaults (pre padding, pre truncating)", () => {
  assert.deepEqual(text.padSequences([[1, 2], [3, 4, 5, 6]], { maxlen: 3 }).tolist(), [[0, 1, 2], [4, 5, 6]]);
  assert.deepEqual(text.padSequences([[1, 2], [3, 4, 5, 6]], { maxlen: 3, padding: "post", truncating: "post", value: -1 }).tolist(), [[1, 2, -1], [3, 4, 5]]);
  assert.deepEqual(text.padSequences([[1], [2, 3]]).shape, [2, 2]);
  assert.equal(text.padSequences([[1]]).dtype, "int32");
});

test("toCategorical", () => {
  assert.deepEqual(text.toCategorical([0, 2, 1]).tolist(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(text.toCategorical(tg.tensor([1], { dtype: "int32" }), 3).tolist(), [[0, 1, 0]]);
  assert.throws(() => text.toCategorical([3], 3), /label 3 is out of range for 3 classes/);
});
