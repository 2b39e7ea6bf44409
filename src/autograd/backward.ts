/** Reverse-mode differentiation: walk the tape from a tensor back to the leaves. */
import { AutogradError, ShapeError, fmtShape } from "../base/errors.js";
import { keep, ownedByInnermostScope, scope } from "../base/scope.js";
import { isContiguous, shapesEqual } from "../base/shape.js";
import type { Tensor } from "../ops/tensor.js";
import type { Storage } from "../backend/backend.js";
import { onesLike } from "../ops/creation.js";
import { add, cast } from "../ops/elementwise.js";
import { clone } from "../ops/movement.js";
import { isGradEnabled, withGradEnabled } from "../ops/grad-mode.js";
import { RULES } from "./rules/index.js";
import type { MultiVjpRule, RuleContext, VjpRule } from "./rules/types.js";
import type { Node } from "../ops/tape.js";
import { MULTI_OUTPUT, type PrimitiveName } from "../ops/primitives.js";

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/** Nodes reachable from root, each after every node that consumes its output (reverse topological). */
function ordered(root: Node): Node[] {
  const post: Node[] = [];
  const seen = new Set<Node>([root]);
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const next = node.inputs[i]!.gradFn;
      if (next && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      post.push(node);
    }
  }
  return post.reverse();
}

/** Gradients that backward created and owns, so zeroGrad may free them at once (releaseGrad). */
const ownedGrads = new WeakSet<Tensor>();

/**
 * Adds g into t.grad. Without createGraph the stored gradient is detached, contiguous and exempt
 * from scopes (it outlives the backward pass that made it), and it is never shared: g itself is
 * taken when this pass allocated it whole and no other gradient took it (a weight's gradient is
 * then stored without a copy, which for ResNet-18 was a tenth of a training step); otherwise a copy.
 */
function accumulate(t: Tensor, g: Tensor, createGraph: boolean, taken: Set<Storage>): void {
  if (createGraph) {
    t.grad = t.grad === null ? g : add(t.grad, g);
    return;
  }
  if (t.grad !== null) t.grad = add(t.grad, g).detach();
  else if (takeable(g, taken)) {
    taken.add(g.storage);
    t.grad = g.detach();
  } else t.grad = clone(g).detach();
  keep(t.grad);
  ownedGrads.add(t.grad);
}

/**
 * A gradient that can become a .grad as it is: the whole of a storage this backward pass allocated
 * (its scope is the innermost one), which no other .grad took (add passes one gradient to both inputs).
 */
function takeable(g: Tensor, taken: Set<Storage>): boolean {
  return g.offset === 0 && g.numel() === g.storage.size && isContiguous(g.shape, g.strides) && !taken.has(g.storage) && ownedByInnermostScope(g.storage);
}

/** Drops t.grad, freeing its memory at once when backward made it (zeroGrad with setToNone). */
export function releaseGrad(t: Tensor): void {
  const g = t.grad;
  t.grad = null;
  if (g && ownedGrads.has(g)) {
    ownedGrads.delete(g);
    g.dispose();
  }
}

/**
 * For each leaf with post-accumulate hooks and no gradient hooks, how many graph edges still lead to
 * it: its .grad is complete when the last of those nodes has been processed. (Leaves with gradient
 * hooks accumulate once, at the end of the pass.)
 */
function pendingEdges(nodes: readonly Node[]): Map<Tensor, number> {
  const pending = new Map<Tensor, number>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input.isLeaf && input.postAccumulateGradHooks?.length && !input.gradHooks?.length) pending.set(input, (pending.get(input) ?? 0) + 1);
    }
  }
  return pending;
}

/** Counts off a processed node's edges; a leaf whose last edge this was gets its post-accumulate hooks. */
function edgesDone(node: Node, pending: Map<Tensor, number>): void {
  if (pending.size === 0) return;
  for (const input of node.inputs) {
    const left = pending.get(input);
    if (left === undefined) continue;
    if (left > 1) pending.set(input, left - 1);
    else {
      pending.delete(input);
      if (input.grad !== null) runPostAccumulateHooks(input);
    }
  }
}

function runPostAccumulateHooks(t: Tensor): void {
  for (const hook of [...(t.postAccumulateGradHooks ?? [])]) hook(t);
}

/** Passes a tensor's gradient through its hooks (Tensor.registerHook), in registration order. */
function runHooks(t: Tensor, g: Tensor | null): Tensor | null {
  if (g === null || !t.gradHooks?.length) return g;
  for (const hook of [...t.gradHooks]) {
    const next = hook(g);
    if (next === undefined) continue;
    if (!shapesEqual(next.shape, g.shape)) {
      throw new ShapeError(`backward: a gradient hook returned shape ${fmtShape(next.shape)} for a gradient of shape ${fmtShape(g.shape)}`);
    }
    g = next;
  }
  return g;
}

export function backward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions = {}): void {
  // Without createGraph every intermediate gradient is garbage once the pass ends: free it at once.
  if (options.createGraph) backwardPass(root, gradient, options);
  else scope(() => backwardPass(root, gradient, options));
}

function backwardPass(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  if (!root.requiresGrad) {
    // The likeliest cause when recording is off here: another async chain's setGradEnabled(false).
    const hint = isGradEnabled()
      ? ""
      : "; gradient recording is off here (setGradEnabled(false) or noGrad) — in async code switch it off with `await tg.noGrad(async () => …)`, which confines it to that function";
    throw new AutogradError(`backward: the tensor (shape ${fmtShape(root.shape)}) does not require grad and has no grad_fn${hint}`);
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new AutogradError(`backward: a gradient can be created implicitly only for scalar outputs, got shape ${fmtShape(root.shape)}; pass one explicitly`);
    }
    seed = onesLike(root);
  } else {
    if (!shapesEqual(gradient.shape, root.shape)) {
      throw new ShapeError(`backward: gradient of shape ${fmtShape(gradient.shape)} does not match the tensor's shape ${fmtShape(root.shape)}`);
    }
    // With createGraph the seed stays in the graph (torch.autograd.grad's grad_outputs): the gradients
    // are then differentiable in it too, which forward-mode products (autograd.functional.jvp) use.
    seed = options.createGraph ? cast(gradient, root.dtype) : cast(gradient, root.dtype).detach();
  }

  const taken = new Set<Storage>();
  withGradEnabled(createGraph, () => {
    if (root.gradFn === null) {
      accumulate(root, runHooks(root, seed)!, createGraph, taken);
      runPostAccumulateHooks(root);
      return;
    }
    const nodes = ordered(root.gradFn);
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    const pending = pendingEdges(nodes);
    for (const node of nodes) {
      if (node.released) {
        throw new AutogradError(
          "backward: trying to backward through the graph a second time; its saved tensors were freed. Pass {retainGraph: true} to the first backward",
        );
      }
      const modified = node.modifiedSinceRecorded();
      if (modified >= 0) {
        throw new AutogradError(
          `backward: a tensor needed by ${node.name} (${modified < node.inputs.length ? `input ${modified}` : "its output"}) was modified by an in-place operation after it was used`,
        );
      }
      const outs = node.outputs;
      const gs = outs.map((o) => runHooks(o, grads.get(o) ?? null));
      for (const o of outs) grads.delete(o);
      if (gs.every((g) => g === null)) {
        edgesDone(node, pending);
        continue;
      }
      outs.forEach((o, i) => o.retainsGrad && gs[i] && accumulate(o, gs[i]!, createGraph, taken));
      const rule = RULES[node.prim] as VjpRule<PrimitiveName> | MultiVjpRule<PrimitiveName>;
      if (rule === null) continue;
      const needsGrad = node.inputs.map((t) => t.requiresGrad);
      const ctx: RuleContext<PrimitiveName> = { inputs: node.inputs, output: outs[0]!, outputs: outs, attrs: node.attrs, needsGrad };
      const inputGrads = MULTI_OUTPUT.has(node.prim) ? (rule as Exclude<MultiVjpRule<PrimitiveName>, null>)(gs, ctx) : (rule as Exclude<VjpRule<PrimitiveName>, null>)(gs[0]!, ctx);
      node.inputs.forEach((input, i) => {
        const gi = inputGrads[i];
        if (!gi || !needsGrad[i]) return;
        if (!shapesEqual(gi.shape, input.shape)) {
          throw new AutogradError(`internal: gradient rule of ${node.prim} gave shape ${fmtShape(gi.shape)} for input ${i} of shape ${fmtShape(input.shape)}`);
        }
        if (input.isLeaf && !input.gradHooks?.length) accumulate(input, gi, createGraph, taken);
        else {
          const prev = grads.get(input);
          grads.set(input, prev ? add(prev, gi) : gi);
        }
      });
      edgesDone(node, pending);
    }
    // Leaves with hooks collected their whole gradient in `grads`; their hooks see it once.
    for (const [t, g] of grads) {
      if (!t.isLeaf) continue;
      accumulate(t, runHooks(t, g)!, createGraph, taken);
      runPostAccumulateHooks(t);
    }
    if (!retainGraph) {
      for (const node of nodes) {
        node.released = true;
        node.inputs = [];
      }
    }
  });
}

/**
 * Gradients of `output` with respect to `inputs`, returned rather than accumulated into `.grad`
 * (torch.autograd.grad). The inputs' existing `.grad` values are left as they were.
 */
export function grad(
  output: Tensor,
  inputs: readonly Tensor[],
  options: BackwardOptions & { gradOutput?: Tensor } = {},
): (Tensor | null)[] {
  const saved = inputs.map((t) => ({ grad: t.grad, retains: t.retainsGrad }));
  inputs.forEach((t) => {
    t.grad = null;
    if (!t.isLeaf) t.retainGrad();
  });
  try {
    backward(output, options.gradOutput, options);
    return inputs.map((t) => t.grad);
  } finally {
    inputs.forEach((t, i) => {
      t.grad = saved[i]!.grad;
      if (!saved[i]!.retains) t.stopRetainingGrad();
    });
  }
}
