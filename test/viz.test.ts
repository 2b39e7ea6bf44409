/** Diagrams (Mermaid text) and training curves (JSON, CSV, SVG). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../src/index.js";

const { keras, viz, nn } = tg;

test("a Sequential model as a Mermaid flowchart: one node per layer with its output shape, in order", () => {
  const m = new keras.Sequential([new keras.Flatten({ inputShape: [28, 28], name: "flat" }), new keras.Dense(10, { activation: "softmax", name: "out" })]);
  const text = viz.toMermaid(m);
  assert.equal(text.split("\n")[0], "flowchart TD");
  assert.match(text, /n_flat\["flat<br\/>Flatten<br\/>\(None, 784\)"\]/);
  assert.match(text, /n_input --> n_flat\n {2}n_out\[/);
  assert.match(text, /n_flat --> n_out/);
});

test("functional models draw residual and multi-input edges", () => {
  const a = keras.Input({ shape: [4], name: "a" });
  const b = keras.Input({ shape: [4], name: "b" });
  const h = new keras.Dense(4, { name: "h" }).apply(a);
  const sum = new keras.Add({ name: "sum" }).apply([a, h, b]);
  const text = viz.toMermaid(new keras.Model({ inputs: [a, b], outputs: sum }));
  for (const edge of ["n_a --> n_h", "n_a --> n_sum", "n_h --> n_sum", "n_b --> n_sum"]) assert.ok(text.includes(edge), edge);
});

test("nn.Module trees and data pipelines", () => {
  const text = viz.toMermaid(new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU()));
  assert.match(text, /subgraph n_Sequential\["Sequential \(Sequential\)"\]/);
  assert.match(text, /n_Sequential_0 --> n_Sequential_1/);
  assert.match(text, /\n {2}end$/);
  const p = viz.pipelineToMermaid({ dataset: "EmbeddedMNIST", transforms: ["randomRotation(10)"], loader: "DataLoader(64)", model: "ConvNet", loss: "CrossEntropyLoss", optimizer: "Adam" });
  assert.match(p, /n_dataset --> n_transform_0\n {2}n_transform_0 --> n_loader/);
  assert.match(p, /n_loss -\. gradients \.-> n_optimizer/);
});

test("history as JSON, CSV and an SVG line chart", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-viz-"));
  try {
    const h = { epoch: [0, 1, 2], history: { loss: [1, 0.5, 0.25], accuracy: [0.5, 0.8, 0.9] } };
    const files = viz.saveHistory(h, path.join(dir, "history"), { title: "demo <run>" });
    assert.equal(readFileSync(path.join(dir, "history.csv"), "utf8"), "epoch,loss,accuracy\n0,1,0.5\n1,0.5,0.8\n2,0.25,0.9\n");
    const svg = readFileSync(path.join(dir, "history.svg"), "utf8");
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
    assert.match(svg, /demo &lt;run>/);
    assert.ok(files.includes(path.join(dir, "history.json")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("scatterToSVG: tooltips and outlines for a few points; light dots, ten colours and a legend for many", () => {
  const few = tg.viz.scatterToSVG([[0, 0], [1, 2]], [0, 1], { names: ["a", "b<c"] });
  assert.match(few, /<circle cx="30\.0" cy="450\.0" r="6" fill="#1f77b4" stroke="#333"><title>a<\/title>/);
  assert.match(few, /<title>b&lt;c<\/title>/);
  const points = Array.from({ length: 600 }, (_, i) => [i % 37, i % 11] as [number, number]);
  const classes = points.map((_, i) => i % 10);
  const many = tg.viz.scatterToSVG(points, classes, { classNames: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"] });
  assert.equal((many.match(/<title>/g) ?? []).length, 0);
  assert.equal(new Set([...many.matchAll(/fill="(#[0-9a-f]{6})"/g)].map((m) => m[1])).size, 10, "ten classes, ten colours");
  assert.match(many, /r="2\.5" fill="#17becf" fill-opacity="0\.7"\/>/);
  assert.match(many, /<text x="\d+" y="\d+">nine<\/text>/);
  assert.throws(() => tg.viz.scatterToSVG([[0, 0]], [0, 1]), /1 points but 2 classes/);
});
