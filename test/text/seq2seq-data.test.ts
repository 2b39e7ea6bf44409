/** The generated sequence-to-sequence tasks: Keras' addition problems and human-written dates. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("additionProblems: Keras' padded, reversed questions with their sums, none twice", () => {
  const { sources, targets } = tg.text.additionProblems(5000, { generator: new tg.Generator(0) });
  assert.equal(sources.length, 5000);
  const seen = new Set<string>();
  sources.forEach((q, i) => {
    assert.equal(q.length, 7);
    assert.equal(targets[i]!.length, 4);
    const question = [...q].reverse().join("").trim();
    assert.match(question, /^\d{1,3}\+\d{1,3}$/);
    const [a, b] = question.split("+").map(Number) as [number, number];
    assert.equal(Number(targets[i]!.trim()), a + b);
    const key = `${Math.min(a, b)}+${Math.max(a, b)}`;
    assert.ok(!seen.has(key), `${key} twice`);
    seen.add(key);
  });
  const plain = tg.text.additionProblems(3, { digits: 2, reverse: false, generator: new tg.Generator(1) });
  plain.sources.forEach((q) => assert.match(q, /^\d{1,2}\+\d{1,2} *$/));
  assert.throws(() => tg.text.additionProblems(100, { digits: 1 }), /count must be an integer from 0 to 27/);
});

test("dateProblems: each written date names the ISO date it is paired with", () => {
  const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  const { sources, targets } = tg.text.dateProblems(2000, { generator: new tg.Generator(3) });
  const formats = new Set<string>();
  sources.forEach((s, i) => {
    const [y, m, d] = targets[i]!.split("-").map(Number) as [number, number, number];
    assert.match(targets[i]!, /^(19[5-9]\d|20[0-4]\d)-\d\d-\d\d$/);
    const lower = s.toLowerCase();
    const named = months.findIndex((mon) => lower.includes(mon));
    if (named >= 0) assert.equal(named + 1, m, s);
    else assert.ok(s.startsWith(`${y}/`) || s.startsWith(`${y}.`), s);
    assert.ok(s.includes(String(d)) || s.includes(String(d).padStart(2, "0")), s);
    const weekday = new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-US", { weekday: "short", timeZone: "UTC" });
    if (/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat)/.test(s)) assert.ok(s.startsWith(weekday), `${s}: ${weekday}`);
    formats.add(s.replace(/\d+/g, "9").replace(/[A-Za-z]+/g, "a"));
  });
  assert.ok(formats.size >= 10, `${formats.size} shapes of date`);
  assert.throws(() => tg.text.dateProblems(1, { years: [2000, 1999] }), /years must be/);
});
