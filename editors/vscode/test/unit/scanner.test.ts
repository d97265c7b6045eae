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

test("comments and doc comments (three or more slashes)", () => {
  const tokens = scan("/// doc\n// plain\n//// also doc\nx // trailing").filter((token) => token.kind.endsWith("comment"));
  assert.deepEqual(
    tokens.map((token) => `${token.kind}:${token.text}`),
    ["doc-comment:/// doc", "comment:// plain", "doc-comment://// also doc", "comment:// trailing"],
  );
});

test("strings hide braces, comment markers and nested interpolations", () => {
  assert.deepEqual(kinds('"a { b } // c" x'), ['string:"a { b } // c"', "identifier:x"]);
  assert.deepEqual(kinds('"{lower(x)} \\" \\{" y'), ['string:"{lower(x)} \\" \\{"', "identifier:y"]);
  assert.deepEqual(kinds('"{ {a: 1}.a }" z'), ['string:"{ {a: 1}.a }"', "identifier:z"]);
});

test("a quote ends the string even inside an interpolation, as in the lexer", () => {
  assert.deepEqual(kinds('"{f("x")}" y'), ['string:"{f("', "identifier:x", 'string:")}"', "identifier:y"]);
});

test("raw strings end at the first quote, have no escapes and may span lines", () => {
  assert.deepEqual(kinds('r"C:\\dir\\" x'), ['string:r"C:\\dir\\"', "identifier:x"]);
  assert.deepEqual(kinds('bar"x"'), ["identifier:bar", 'string:"x"']);
  assert.deepEqual(kinds('r"a\nb" c'), ['string:r"a\nb"', "identifier:c"]);
  assert.deepEqual(kinds('r"open\nx'), ['string:r"open', "identifier:x"]);
});

test("an unterminated string stops at the end of its line", () => {
  assert.deepEqual(kinds('let a = "open {\n}'), ["identifier:let", "identifier:a", "punctuation:=", 'string:"open {', "punctuation:}"]);
});

test("numbers and identifiers", () => {
  assert.deepEqual(kinds("x1 = 0.5 + 90"), ["identifier:x1", "punctuation:=", "number:0.5", "punctuation:+", "number:90"]);
});
