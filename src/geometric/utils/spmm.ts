/**
 * Sparse × dense products for graph propagation (PyG's utils.spmm): out[r] = reduce over the stored
 * entries (r, c) of A[r, c]·other[c], with A in COO (an edge index of rows and columns) or CSR
 * (rowptr, col) form. Composed of a row gather and a scatter, so both `other` and the values get
 * gradients; nothing the size of A densely is ever made.
 */
import { IndexError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { indexSelect } from "../../ops/indexing.js";
import { scatter } from "../scatter.js";
import { checkEdgeIndexShape } from "./edges.js";

/** A sparse matrix by its entries: edgeIndex[0] the rows, edgeIndex[1] the columns. */
export interface CooMatrix {
  edgeIndex: Tensor;
  value?: Tensor | null;
  size: readonly [rows: number, cols: number];
}

/** A sparse matrix in compressed rows: row r's entries are col[rowptr[r]…rowptr[r + 1]). */
export interface CsrMatrix {
  rowptr: Tensor;
  col: Tensor;
  value?: Tensor | null;
  size: readonly [rows: number, cols: number];
}

/** The row of each CSR entry (rowptr checked: starts at 0, never decreases, ends at the entry count). */
function csrRows(rowptr: Tensor, entries: number, rows: number): Tensor {
  if (rowptr.dtype !== "int32" || rowptr.ndim !== 1 || rowptr.shape[0] !== rows + 1) {
    throw new ShapeError(`spmm: rowptr must be int32 of shape [${rows + 1}], got ${rowptr.dtype} ${fmtShape(rowptr.shape)}`);
  }
  const ptr = rowptr.dataSync();
  if (ptr[0] !== 0 || ptr[rows] !== entries) throw new IndexError(`spmm: rowptr must run from 0 to the ${entries} entries, got ${ptr[0]}…${ptr[rows]}`);
  const out = new Int32Array(entries);
  for (let r = 0; r < rows; r++) {
    if (ptr[r + 1]! < ptr[r]!) throw new IndexError(`spmm: rowptr decreases at row ${r}`);
    out.fill(r, ptr[r], ptr[r + 1]);
  }
  return tensor(out, { dtype: "int32" });
}

export function spmm(a: CooMatrix | CsrMatrix, other: Tensor, reduce: "sum" | "mean" | "max" | "min" = "sum"): Tensor {
  const [rows, cols] = a.size;
  if (other.ndim < 1 || other.shape[0] !== cols) throw new ShapeError(`spmm: the sparse matrix has ${cols} columns, other has shape ${fmtShape(other.shape)}`);
  if (!["sum", "mean", "max", "min"].includes(reduce)) throw new ValueError(`spmm: reduce must be "sum", "mean", "max" or "min", got ${String(reduce)}`);
  let row: Tensor;
  let col: Tensor;
  if ("edgeIndex" in a) {
    checkEdgeIndexShape(a.edgeIndex, "spmm");
    [row, col] = [a.edgeIndex.select(0, 0), a.edgeIndex.select(0, 1)];
  } else {
    col = a.col;
    row = csrRows(a.rowptr, col.shape[0] ?? 0, rows);
  }
  // Entries out of range are IndexErrors from the gather and the scatter, which check every index.
  let msgs = indexSelect(other, 0, col, "spmm");
  if (a.value) {
    if (a.value.ndim !== 1 || a.value.shape[0] !== col.shape[0]) throw new ShapeError(`spmm: value must have one entry per stored element (${col.shape[0]}), got ${fmtShape(a.value.shape)}`);
    msgs = msgs.mul(a.value.reshape([-1, ...other.shape.slice(1).map(() => 1)]));
  }
  return scatter(msgs, row, { dim: 0, dimSize: rows, reduce });
}
