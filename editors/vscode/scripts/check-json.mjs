// Checks the declarative parts of the extension that no compiler sees: the
// JSON files parse, every grammar `include` names a repository entry, every
// repository entry is used, and the snippets and contributions are complete.
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { test } from "node:test";

const read = (path) => JSON.parse(readFileSync(new URL(`../${path}`, import.meta.url), "utf8"));

test("the grammar's includes and repository entries match", () => {
  const grammar = read("syntaxes/ward.tmLanguage.json");
  assert.equal(grammar.scopeName, "source.ward");
  const included = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === "object") {
      if (typeof node.include === "string" && node.include.startsWith("#")) {
        included.add(node.include.slice(1));
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(grammar);
  const defined = new Set(Object.keys(grammar.repository));
  for (const name of included) {
    assert.ok(defined.has(name), `#${name} is included but not defined`);
  }
  for (const name of defined) {
    assert.ok(included.has(name), `repository entry ${name} is never included`);
  }
});

test("every grammar regular expression compiles", () => {
  const grammar = read("syntaxes/ward.tmLanguage.json");
  const visit = (node) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === "object") {
      for (const key of ["match", "begin", "end"]) {
        if (typeof node[key] === "string") {
          // Oniguruma and JavaScript agree on the constructs this grammar uses.
          assert.doesNotThrow(() => new RegExp(node[key].replace(/\\\d/g, "")), `bad regex: ${node[key]}`);
        }
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(grammar);
});

test("the snippets cover the main constructs", () => {
  const snippets = read("snippets/ward.json");
  const prefixes = new Set(Object.values(snippets).flatMap((snippet) => [snippet.prefix].flat()));
  for (const prefix of ["rule", "deny", "require", "fn", "test", "for", "all", "any"]) {
    assert.ok(prefixes.has(prefix), `no snippet with prefix ${prefix}`);
  }
  for (const [name, snippet] of Object.entries(snippets)) {
    assert.ok(snippet.body && snippet.description, `snippet ${name} needs a body and a description`);
  }
});

test("the language configuration is complete", () => {
  const configuration = read("language-configuration.json");
  assert.equal(configuration.comments.lineComment, "//");
  const pairs = configuration.autoClosingPairs.map((pair) => pair.open + pair.close);
  for (const pair of ["{}", "[]", "()", '""']) {
    assert.ok(pairs.includes(pair), `auto-closing pair ${pair} is missing`);
  }
  new RegExp(configuration.wordPattern);
  new RegExp(configuration.indentationRules.increaseIndentPattern);
  new RegExp(configuration.indentationRules.decreaseIndentPattern);
});

test("package.json declares the commands and settings the code uses", () => {
  const manifest = read("package.json");
  const commands = manifest.contributes.commands.map((command) => command.command);
  assert.deepEqual(commands.sort(), ["ward.restartServer", "ward.runRuleOnSample"]);
  const settings = Object.keys(manifest.contributes.configuration.properties).sort();
  // `ward.sampleTemplate` is read by the language server through
  // workspace/configuration, not by the extension's code.
  assert.deepEqual(settings, [
    "ward.judgeInputs",
    "ward.sampleTemplate",
    "ward.server.extraArgs",
    "ward.server.path",
    "ward.trace.server",
  ]);
  assert.equal(manifest.contributes.configuration.properties["ward.server.path"].default, "ward");
  assert.equal(manifest.contributes.languages[0].id, "ward");
  assert.deepEqual(manifest.contributes.languages[0].extensions, [".ward"]);
});

