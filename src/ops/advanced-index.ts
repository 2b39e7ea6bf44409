/**
 * PyTorch's indexing, x[…] and x[…] = v, as `x.index(...)` and `x.set([...], v)`: integers,
 * slices (`tg.slice(start, stop, step)` or "start:stop:step" strings), null (a new axis), "..."
 * and integer or boolean tensors (advanced indexing). As in PyTorch, integers and slices are
 * applied first, as a view; the advanced indices then broadcast together, and their dims take
 * the place of the first indexed dim when those dims are adjacent, else come first. Reads are
 * differentiable (a gather: duplicates' gradients add); writes are in place, outside the graph,
 * like the other in-place ops, and `indexPut` is the differentiable out-of-place form.
 */
import { isFloating } from "../base/dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { broadcastShapes } from "../base/shape.js";
import { Tensor } from "./tensor.js";
import { arange, full, tensor, zeros } from "./creation.js";
import { add, cast, eq, gt, lt, mul, where, type TensorLike } from "./elementwise.js";
import { indexSelect, scatterAdd, scatterReduce } from "./indexing.js";
import { updateInPlace } from "./inplace.js";
import { expand, permute, reshape, select, slice as sliceDim, unsqueeze } from "./movement.js";

/** A Python slice, start:stop:step (step > 0). */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step = 1,
  ) {
    if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be greater than zero, got ${step} (PyTorch has no negative steps; use flip)`);
  }
}

export type IndexItem = number | Slice | string | null | Tensor | readonly number[] | boolean;

/** "1:5", ":", "::2", "-3:" as a Slice; "..." stays the ellipsis. */
function parseSlice(s: string): Slice {
  const parts = s.split(":");
  if (parts.length < 2 || parts.length > 3) throw new IndexError(`index: ${JSON.stringify(s)} is neither "..." nor a slice "start:stop:step"`);
  const num = (p: string | undefined) => {
    if (p === undefined || p.trim() === "") return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new IndexError(`index: ${JSON.stringify(s)} has ${JSON.stringify(p)}, which is not an integer`);
    return v;
  };
  return new Slice(num(parts[0]), num(parts[1]), num(parts[2]) ?? 1);
}

interface Advanced {
  dim: number; // in the basic view
  index: Tensor; // int32
}

/** The basic view of x under the index, and the advanced indices on its dims. */
function resolve(x: Tensor, items: readonly IndexItem[], op: string): { view: Tensor; advanced: Advanced[] } {
  const normalized = items.map((it) => (typeof it === "string" && it !== "..." ? parseSlice(it) : Array.isArray(it) ? tensor(it as number[], { dtype: "int32", device: x.backend }) : it));
  const ellipses = normalized.filter((it) => it === "...").length;
  if (ellipses > 1) throw new IndexError(`${op}: an index can only have a single ellipsis ("...")`);
  const consumes = (it: (typeof normalized)[number]) => (it === null || it === "..." || typeof it === "boolean" ? 0 : it instanceof Tensor && it.dtype === "bool" ? Math.max(it.ndim, 1) : 1);
  const used = normalized.reduce<number>((n, it) => n + consumes(it), 0);
  if (used > x.ndim) throw new IndexError(`${op}: too many indices for a tensor of ${x.ndim} dims (shape ${fmtShape(x.shape)}): the index uses ${used}`);
  const expanded = ellipses ? normalized.flatMap((it) => (it === "..." ? new Array<Slice>(x.ndim - used).fill(new Slice()) : [it])) : normalized;
  let view = x;
  let at = 0; // the next dim of view to index
  const advanced: Advanced[] = [];
  for (const it of expanded) {
    if (it === null || it === true) {
      view = unsqueeze(view, at++);
    } else if (it === false) {
      throw new IndexError(`${op}: a false index selects nothing; tensorgrad does not support it`);
    } else if (typeof it === "number") {
      const size = view.shape[at]!;
      if (!Number.isInteger(it) || it < -size || it >= size) throw new IndexError(`${op}: index ${it} is out of bounds for dim ${at} with size ${size}`);
      view = select(view, at, it);
    } else if (it instanceof Slice) {
      view = sliceDim(view, at++, it.start, it.stop, it.step);
    } else if (it instanceof Tensor) {
      if (it.dtype === "bool") {
        const dims = Math.max(it.ndim, 1);
        const shape = view.shape.slice(at, at + dims);
        const mask = it.ndim === 0 ? it.reshape(1) : it;
        if (mask.shape.some((s, i) => s !== shape[i])) {
          throw new IndexError(`${op}: the mask of shape ${fmtShape(it.shape)} does not match the indexed dims of shape ${fmtShape(shape)} (from dim ${at})`);
        }
        const where_ = mask.nonzero(); // [n, dims]
        for (let k = 0; k < dims; k++) advanced.push({ dim: at + k, index: where_.select(1, k) });
        at += dims;
      } else {
        if (isFloating(it.dtype)) throw new DTypeError(`${op}: tensors used as indices must be int32 or bool, got ${it.dtype} of shape ${fmtShape(it.shape)}`);
        advanced.push({ dim: at++, index: it });
      }
    } else {
      throw new IndexError(`${op}: cannot index with ${JSON.stringify(it)}`);
    }
  }
  return { view, advanced };
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Where the advanced indices read: the rows of the view's advanced dims, flattened. */
interface Gather {
  order: number[]; // permutes the view to [advanced dims…, rest…]
  rows: number; // Π of the advanced dims' sizes
  rest: number[]; // the other dims' sizes
  /**
   * The row of [Π advanced sizes, …rest] for each element of the broadcast index shape: computed
   * on the host where reads are synchronous (the CPU backends), which checks every index at once;
   * a device tensor on a backend whose reads are asynchronous (the GPU), checked by its gathers.
   */
  positions: Int32Array | Tensor;
  indexShape: number[];
  /** Where the index dims go in the result: the first advanced dim's place if they are adjacent, else 0. */
  placeAt: number;
}

function gatherPlan(view: Tensor, advanced: Advanced[], op: string): Gather {
  const indexShape = broadcastShapes(advanced.map((a) => a.index.shape), `${op} (advanced indices)`);
  const n = product(indexShape);
  const dims = advanced.map((a) => a.dim);
  const sizes = dims.map((d) => view.shape[d]!);
  const positions = view.backend.read ? devicePositions(advanced, indexShape, sizes, view.backend) : new Int32Array(n);
  let stride = 1;
  for (let k = advanced.length - 1; k >= 0 && positions instanceof Int32Array; k--) {
    const values = expand(advanced[k]!.index, indexShape).contiguous().dataSync();
    const size = sizes[k]!;
    for (let i = 0; i < n; i++) {
      let v = values[i]!;
      if (v < -size || v >= size) throw new IndexError(`${op}: index ${v} is out of bounds for dim ${dims[k]} with size ${size}`);
      if (v < 0) v += size;
      positions[i]! += v * stride;
    }
    stride *= size;
  }
  const restDims = view.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  return {
    order: [...dims, ...restDims],
    rows: product(sizes),
    rest: restDims.map((d) => view.shape[d]!),
    positions,
    indexShape,
    placeAt: adjacent ? restDims.filter((d) => d < dims[0]!).length : 0,
  };
}

/**
 * The flat rows on the device: Σ wrap(index_k)·stride_k. Each dim's indices pass through a gather
 * from 0…size−1, so one out of its range is recorded there (and raised at the next read) even when
 * the flat row it would make lies inside the view.
 */
function devicePositions(advanced: Advanced[], indexShape: number[], sizes: number[], device: Tensor["backend"]): Tensor {
  let positions: Tensor | null = null;
  let stride = 1;
  for (let k = advanced.length - 1; k >= 0; k--) {
    const size = sizes[k]!;
    // Indices on another device (the CPU's, for a GPU tensor) move to the data's, as PyTorch's indexing allows.
    const given = advanced[k]!.index;
    const index = reshape(cast(expand(given.backend === device ? given : given.toBackend(device), indexShape), "int32"), [-1]);
    const wrapped = where(lt(index, 0), add(index, size), index);
    const checked = indexSelect(arange(size, undefined, 1, { dtype: "int32", device }), 0, wrapped);
    const term = stride === 1 ? checked : mul(checked, stride);
    positions = positions ? add(positions, term) : term;
    stride *= size;
  }
  return positions!;
}

/** The positions as an int32 tensor on the rows' device. */
function positionTensor(positions: Int32Array | Tensor, rows: Tensor): Tensor {
  return positions instanceof Tensor ? positions : tensor(positions, { dtype: "int32", device: rows.backend });
}

/** [index dims…, rest…] → the result's layout (index dims at placeAt), and back. */
function placement(g: Gather): number[] {
  const k = g.indexShape.length;
  const rest = g.rest.map((_, i) => k + i);
  const index = g.indexShape.map((_, i) => i);
  return [...rest.slice(0, g.placeAt), ...index, ...rest.slice(g.placeAt)];
}

function flatRows(view: Tensor, g: Gather): Tensor {
  return reshape(permute(view, g.order), [g.rows, ...g.rest]);
}

/** x[...items], as PyTorch: a view for basic indices, a gathered copy with advanced ones. */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  const { view, advanced } = resolve(x, items, "index");
  if (advanced.length === 0) return view;
  const g = gatherPlan(view, advanced, "index");
  const rows = flatRows(view, g);
  const picked = indexSelect(rows, 0, positionTensor(g.positions, rows), "index");
  return permute(reshape(picked, [...g.indexShape, ...g.rest]), placement(g));
}

/**
 * x with values written at the advanced index (out of place, differentiable in x and values;
 * torch.index_put): added when accumulate, else replacing (of duplicate positions the last wins).
 * The index is a list of tensors, one per leading dim, as PyTorch's.
 */
export function indexPut(x: Tensor, indices: readonly Tensor[], values: TensorLike, accumulate = false): Tensor {
  const { view, advanced } = resolve(x, indices, "indexPut");
  if (advanced.length === 0) throw new IndexError("indexPut: give at least one index tensor");
  const g = gatherPlan(view, advanced, "indexPut");
  const rows = flatRows(view, g);
  const written = writeRows(rows, g, values, accumulate, "indexPut");
  return permute(reshape(written, g.order.map((d) => view.shape[d]!)), inverse(g.order));
}

/** The rows of [P, …rest] with values (in x[index]'s layout) written at g.positions. */
function writeRows(rows: Tensor, g: Gather, values: TensorLike, accumulate: boolean, op: string): Tensor {
  const outShape = placement(g).map((i) => [...g.indexShape, ...g.rest][i]!);
  const v = values instanceof Tensor ? values : tensor(values as number, { dtype: rows.dtype, device: rows.backend });
  const shape = broadcastShapes([v.shape, outShape], op);
  if (shape.length !== outShape.length || shape.some((s, i) => s !== outShape[i])) {
    throw new ShapeError(`${op}: values of shape ${fmtShape(v.shape)} cannot be written into the indexed shape ${fmtShape(outShape)}`);
  }
  // values in the [index dims…, rest…] layout, one row per index element
  const n = product(g.indexShape);
  const byRow = reshape(permute(expand(v.to(rows.dtype), outShape), inverse(placement(g))), [n, ...g.rest]);
  const all = g.positions;
  if (all instanceof Tensor) return writeRowsOnDevice(rows, all, g.rest, byRow, accumulate);
  let [positions, source] = [all, byRow];
  if (!accumulate) {
    // One writer per position: the last, as a sequential write would leave it.
    const last = new Map<number, number>();
    all.forEach((p, i) => last.set(p, i));
    const keep = Int32Array.from([...last.values()].sort((a, b) => a - b));
    positions = Int32Array.from(keep, (i) => all[i]!);
    source = indexSelect(byRow, 0, tensor(keep, { dtype: "int32", device: rows.backend }), op);
  }
  const device = rows.backend;
  const at = expand(reshape(tensor(positions, { dtype: "int32", device }), [positions.length, ...g.rest.map(() => 1)]), [positions.length, ...g.rest]);
  const scattered = scatterAdd(zeros(rows.shape, { dtype: rows.dtype, device }), 0, at, source);
  if (accumulate) return add(rows, scattered);
  const hit = scatterAdd(zeros([rows.shape[0]!], { dtype: "int32", device }), 0, tensor(positions, { dtype: "int32", device }), tensor(new Int32Array(positions.length).fill(1), { dtype: "int32", device })).gt(0);
  return where(reshape(hit, [rows.shape[0]!, ...g.rest.map(() => 1)]), scattered, rows);
}

/**
 * writeRows with the positions on the device: of duplicate positions the last writer wins, found by
 * a max-scatter of each writer's number (where the host version keeps a map).
 */
function writeRowsOnDevice(rows: Tensor, positions: Tensor, rest: number[], byRow: Tensor, accumulate: boolean): Tensor {
  const n = positions.numel();
  const device = rows.backend;
  const column = (t: Tensor, size: number) => reshape(t, [size, ...rest.map(() => 1)]);
  let source = byRow;
  let last: Tensor | null = null;
  if (!accumulate) {
    const writer = arange(n, undefined, 1, { dtype: "int32", device });
    last = scatterReduce(full([rows.shape[0]!], -1, { dtype: "int32", device }), 0, positions, writer, "amax", { includeSelf: false });
    source = where(column(eq(indexSelect(last, 0, positions), writer), n), byRow, 0);
  }
  const at = expand(column(positions, n), [n, ...rest]);
  const scattered = scatterAdd(zeros(rows.shape, { dtype: rows.dtype, device }), 0, at, source);
  if (accumulate) return add(rows, scattered);
  return where(column(gt(last!, -1), rows.shape[0]!), scattered, rows);
}

function inverse(order: readonly number[]): number[] {
  const inv = new Array<number>(order.length);
  order.forEach((o, i) => (inv[o] = i));
  return inv;
}

/** x[...items] = value, in place (outside the graph, as the other in-place ops). */
export function setIndex(x: Tensor, items: readonly IndexItem[], value: TensorLike, accumulate = false): Tensor {
  const { view, advanced } = resolve(x, items, "set");
  if (advanced.length === 0) {
    // A basic index is a view of x: writing into it writes into x.
    updateInPlace(view, "set", [value], () => (value instanceof Tensor ? value : tensor(value as number, { dtype: x.dtype })));
    return x;
  }
  const g = gatherPlan(view, advanced, "set");
  updateInPlace(view, "set", [value], () => {
    const written = writeRows(flatRows(view, g), g, value, accumulate, "set");
    return permute(reshape(written, g.order.map((d) => view.shape[d]!)), inverse(g.order));
  });
  return x;
}

/** tg.slice(start, stop, step): a slice for index(); tg.slice(x, dim, start, end, step): slices x along dim. */
export function slice(start?: number | null, stop?: number | null, step?: number): Slice;
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
export function slice(a?: Tensor | number | null, b?: number | null, c?: number | null, d?: number | null, e?: number): Slice | Tensor {
  if (a instanceof Tensor) return sliceDim(a, b!, c, d, e);
  return new Slice(a ?? null, b ?? null, c ?? 1);
}
