/**
 * All gradient rules, one table keyed by primitive name. Its type lists every primitive, so a
 * primitive without a rule is a compile error.
 */
import type { PrimitiveName } from "../../ops/primitives.js";
import { elementwiseRules } from "./elementwise.js";
import { fusedRules } from "./fused.js";
import { linalgRules } from "./linalg.js";
import { movementRules } from "./movement.js";
import { recurrentRules } from "./recurrent.js";
import { reduceRules } from "./reduce.js";
import type { RuleTable } from "./types.js";

export const RULES: RuleTable<PrimitiveName> = {
  ...elementwiseRules,
  ...reduceRules,
  ...movementRules,
  ...linalgRules,
  ...fusedRules,
  ...recurrentRules,
};
