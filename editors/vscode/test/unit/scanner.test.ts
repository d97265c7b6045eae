import assert from "node:assert/strict";
import { test } from "node:test";

import { scan, significant } from "../../src/scanner";

const kinds = (text: string) => significant(scan(text)).map((token) => `${token.kind}:${token.text}`);

test("every character belongs to exactly one token", () => {
  const text = 'rule r for s in resources("AWS::S3::Bucket") { // c\n  deny s.x matches r"^a{1}$" }\n';
  const tokens = scan(text);
  assert.equal(tokens.map((token) => token.text).join(""), text);
  for (let index = 1; index < tokens.length; index += 1) {
    assert.equal(tokens[index].start, tokens[index - 1].end);
  }
});

test("comments, doc comments and four-slash comments", () => {
  const tokens = scan("/// doc\n// plain\n//// not doc\nx // trailing").filter((token) => token.kind.endsWith("comment"));
  assert.deepEqual(
    tokens.map((token) => `${token.kind}:${token.text}`),
    ["doc-comment:/// doc", "comment:// plain", "comment://// not doc", "comment:// trailing"],
  );
});

test("strings hide braces, comment markers and nested interpolations", () => {
  assert.deepEqual(kinds('"a { b } // c" x'), ['string:"a { b } // c"', "identifier:x"]);
  assert.deepEqual(kinds('"{lower("}")} \\" \\{" y'), ['string:"{lower("}")} \\" \\{"', "identifier:y"]);
  assert.deepEqual(kinds('"{ {a: 1}.a }" z'), ['string:"{ {a: 1}.a }"', "identifier:z"]);
});

test("raw strings end at the first quote and have no escapes", () => {
  assert.deepEqual(kinds('r"C:\\dir\\" x'), ['string:r"C:\\dir\\"', "identifier:x"]);
  assert.deepEqual(kinds('bar"x"'), ["identifier:bar", 'string:"x"']);
});

test("an unterminated string stops at the end of its line", () => {
  assert.deepEqual(kinds('let a = "open {\n}'), ["identifier:let", "identifier:a", "punctuation:=", 'string:"open {', "punctuation:}"]);
});

test("numbers and identifiers", () => {
  assert.deepEqual(kinds("x1 = 0.5 + 90"), ["identifier:x1", "punctuation:=", "number:0.5", "punctuation:+", "number:90"]);
});
