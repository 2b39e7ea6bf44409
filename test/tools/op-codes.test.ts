/** wasm/op-codes.ts is what tools/op-codes.ts writes from the op table today. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { OP_CODES_FILE, opCodesSource } from "../../tools/op-codes.js";

test("wasm/op-codes.ts is up to date with src/base/op-table.ts (regenerate it: npx tsx tools/op-codes.ts, then npm run build:wasm)", () => {
  assert.equal(readFileSync(OP_CODES_FILE, "utf8"), opCodesSource());
});
