/** Categorical encoders with scikit-learn's semantics: LabelEncoder and OneHotEncoder. */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";

export type Category = string | number | boolean;

/** Sorted unique values (numbers numerically, others as strings), as numpy.unique. */
function uniqueSorted(values: Iterable<Category>): Category[] {
  const unique = [...new Set(values)];
  return unique.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** Labels → 0…k−1 in sorted order of the classes. */
export class LabelEncoder {
  classes: Category[] = [];
  private index = new Map<Category, number>();

  fit(labels: Iterable<Category>): this {
    this.classes = uniqueSorted(labels);
    this.index = new Map(this.classes.map((c, i) => [c, i]));
    return this;
  }

  transform(labels: Iterable<Category>): Tensor {
    return tensor(
      [...labels].map((l) => {
        const i = this.index.get(l);
        if (i === undefined) throw new ValueError(`LabelEncoder: y contains previously unseen label ${JSON.stringify(l)}`);
        return i;
      }),
      { dtype: "int32" },
    );
  }

  fitTransform(labels: Iterable<Category>): Tensor {
    const list = [...labels];
    return this.fit(list).transform(list);
  }

  inverseTransform(codes: Tensor | readonly number[]): Category[] {
    const list = Array.isArray(codes) ? codes : Array.from((codes as Tensor).dataSync());
    return list.map((c) => {
      const v = this.classes[c];
      if (v === undefined) throw new ValueError(`LabelEncoder: code ${c} is out of range for ${this.classes.length} classes`);
      return v;
    });
  }
}

/** Rows of categorical values → one-hot columns, one block per input column. */
export class OneHotEncoder {
  categories: Category[][] = [];

  constructor(readonly options: { handleUnknown?: "error" | "ignore"; categories?: Category[][] } = {}) {}

  fit(rows: readonly (readonly Category[])[]): this {
    const width = rows[0]?.length ?? 0;
    this.categories = this.options.categories ?? Array.from({ length: width }, (_, j) => uniqueSorted(rows.map((r) => r[j]!)));
    return this;
  }

  get width(): number {
    return this.categories.reduce((n, c) => n + c.length, 0);
  }

  transform(rows: readonly (readonly Category[])[]): Tensor {
    const out = new Float32Array(rows.length * this.width);
    rows.forEach((row, i) => {
      if (row.length !== this.categories.length) throw new ValueError(`OneHotEncoder: row ${i} has ${row.length} values, expected ${this.categories.length}`);
      let offset = 0;
      row.forEach((v, j) => {
        const k = this.categories[j]!.indexOf(v);
        if (k >= 0) out[i * this.width + offset + k] = 1;
        else if (this.options.handleUnknown !== "ignore") {
          throw new ValueError(`OneHotEncoder: found unknown category ${JSON.stringify(v)} in column ${j} during transform`);
        }
        offset += this.categories[j]!.length;
      });
    });
    return tensor(out, { shape: [rows.length, this.width] });
  }

  fitTransform(rows: readonly (readonly Category[])[]): Tensor {
    return this.fit(rows).transform(rows);
  }

  /** One-hot rows back to categories (null where a block is all zeros, e.g. an ignored unknown). */
  inverseTransform(x: Tensor): (Category | null)[][] {
    const [n] = x.shape as [number];
    const data = x.dataSync();
    return Array.from({ length: n }, (_, i) => {
      let offset = 0;
      return this.categories.map((cats) => {
        let best: Category | null = null;
        cats.forEach((c, k) => {
          if (data[i * this.width + offset + k]! > 0.5) best = c;
        });
        offset += cats.length;
        return best;
      });
    });
  }
}
