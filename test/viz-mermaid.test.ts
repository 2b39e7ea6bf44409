/**
 * Every kind of diagram parses with Mermaid's own parser (mermaid, in Node over a jsdom document —
 * the parser needs a DOM for sanitising labels).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import * as tg from "../src/index.js";

const { keras, viz, nn } = tg;

async function parser(): Promise<(text: string) => Promise<unknown>> {
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window: dom.window, document: dom.window.document, DOMParser: dom.window.DOMParser });
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false });
  return (text) => mermaid.parse(text);
}

test("Sequential, functional, Module and pipeline diagrams parse as Mermaid flowcharts", async () => {
  const parse = await parser();
  const seq = new keras.Sequential([new keras.Conv2D(4, 3, { inputShape: [8, 8, 1] }), new keras.Flatten(), new keras.Dense(2, { activation: "softmax" })]);
  const a = keras.Input({ shape: [4], name: "a" });
  const b = keras.Input({ shape: [4], name: "b" });
  const h = new keras.Dense(4).apply(a);
  const functional = new keras.Model({ inputs: [a, b], outputs: new keras.Concatenate().apply([new keras.Add().apply([a, h]), b]) });
  const module = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Sequential(new nn.Flatten(), new nn.Linear(72, 2)));
  const pipeline = viz.pipelineToMermaid({ dataset: 'EmbeddedMNIST({train: "yes"})', transforms: ["normalize([0.5], [0.5])"], loader: "DataLoader(64)", model: "ConvNet", loss: "CrossEntropyLoss", optimizer: "Adam" });
  for (const text of [viz.toMermaid(seq), viz.toMermaid(functional), viz.toMermaid(module), pipeline]) {
    const result = (await parse(text)) as { diagramType: string };
    assert.equal(result.diagramType, "flowchart-v2", text);
  }
  await assert.rejects(parse("flowchart TD\n  a --> (("), /Parse error/);
});
