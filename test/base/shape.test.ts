/** Shape arithmetic: strides, broadcasting, reshape inference, and when a reshape can be a view. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  broadcastShapes, contiguousStrides, inferReshape, isContiguous, normalizeDims, viewStrides,
} from "../../src/base/shape.js";
import { promoteTypes, promoteWithScalar } from "../../src/base/dtype.js";
import { ShapeError } from "../../src/base/errors.js";

test("contiguous strides and contiguity", () => {
  assert.deepEqual(contiguousStrides([2, 3, 4]), [12, 4, 1]);
  assert.deepEqual(contiguousStrides([]), []);
  assert.equal(isContiguous([2, 3], [3, 1]), true);
  assert.equal(isContiguous([3, 2], [1, 3]), false);
  assert.equal(isContiguous([1, 3], [99, 1]), true); // size-1 dims do not matter
});

test("broadcasting", () => {
  assert.deepEqual(broadcastShapes([[2, 1, 4], [3, 1]], "t"), [2, 3, 4]);
  assert.deepEqual(broadcastShapes([[], [5]], "t"), [5]);
  assert.deepEqual(broadcastShapes([[0], [1]], "t"), [0]);
  assert.throws(() => broadcastShapes([[2], [3]], "t"), ShapeError);
});

test("reshape inference and dims", () => {
  assert.deepEqual(inferReshape([-1, 2], 6, [6]), [3, 2]);
  assert.throws(() => inferReshape([0, -1], 0, [0, 5]), ShapeError); // -1 is ambiguous with 0 elements
  assert.throws(() => inferReshape([4, -1], 6, [6]), ShapeError);
  assert.deepEqual(normalizeDims([-1, 0], 3, "t"), [0, 2]);
  assert.throws(() => normalizeDims([1, -2], 3, "t"), /repeats/);
});

test("viewStrides: views where PyTorch can view, null where it must copy", () => {
  assert.deepEqual(viewStrides([2, 3], [3, 1], [3, 2]), [2, 1]);
  assert.deepEqual(viewStrides([2, 3], [3, 1], [6]), [1]);
  assert.deepEqual(viewStrides([3, 2], [1, 3], [3, 2, 1]), [1, 3, 3]); // a unit dim on a transpose (as torch)
  assert.equal(viewStrides([3, 2], [1, 3], [6]), null); // flattening a transpose needs a copy
  assert.deepEqual(viewStrides([4, 3], [0, 1], [2, 2, 3]), [0, 0, 1]); // splitting a broadcast dim
  assert.deepEqual(viewStrides([], [], [1, 1]), [1, 1]);
  assert.deepEqual(viewStrides([2, 4], [8, 2], [2, 2, 2]), [8, 4, 2]); // strided slice
});

test("type promotion", () => {
  assert.equal(promoteTypes("int32", "float32"), "float32");
  assert.equal(promoteTypes("bool", "int32"), "int32");
  assert.equal(promoteTypes("float64", "float32"), "float64");
  assert.equal(promoteWithScalar("float32", 2), "float32");
  assert.equal(promoteWithScalar("int32", 2.5), "float32");
  assert.equal(promoteWithScalar("bool", 2), "int32");
  assert.equal(promoteWithScalar("int32", true), "int32");
});
