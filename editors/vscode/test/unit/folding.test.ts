import assert from "node:assert/strict";
import { test } from "node:test";

import { foldingRanges } from "../../src/folding";

test("braces and brackets that span lines fold, keeping the closing line visible", () => {
  const text = [
    "rule r for s in resources(\"AWS::S3::Bucket\") {", // 0
    "  for x in [", // 1
    "    1,", // 2
    "    2,", // 3
    "  ] {", // 4
    "    deny x == 1", // 5
    "  }", // 6
    "}", // 7
  ].join("\n");
  assert.deepEqual(foldingRanges(text), [
    { start: 0, end: 6 },
    { start: 1, end: 3 },
    { start: 4, end: 5 },
  ]);
});

test("single-line blocks do not fold", () => {
  assert.deepEqual(foldingRanges("rule r for s in xs { require s }\n"), []);
});

test("braces in strings, interpolations and comments are ignored", () => {
  const text = ['deny x message "{x} {"', "// {", 'let y = r"{"', "let z = 1"].join("\n");
  assert.deepEqual(foldingRanges(text), []);
});

test("runs of comments fold, doc comments separately from plain ones", () => {
  const text = ["// a", "// b", "/// doc 1", "/// doc 2", "/// doc 3", "rule r for s in xs {", "}", "// lone"].join("\n");
  assert.deepEqual(foldingRanges(text), [
    { start: 0, end: 1, kind: "comment" },
    { start: 2, end: 4, kind: "comment" },
  ]);
});

test("region markers fold", () => {
  const text = ["// region network", "fn a(x) = x", "fn b(x) = x", "// endregion"].join("\n");
  assert.deepEqual(foldingRanges(text), [{ start: 0, end: 3, kind: "region" }]);
});

test("a stray closing brace does not break later folds", () => {
  const text = ["}", "test t {", "  input {", "    A: 1", "  }", "}"].join("\n");
  assert.deepEqual(foldingRanges(text), [
    { start: 1, end: 4 },
    { start: 2, end: 3 },
  ]);
});
