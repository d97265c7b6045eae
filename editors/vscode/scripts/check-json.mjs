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

/**
 * The shape of the node a `!Tag` at `column` of `lines[index]` applies to:
 * a flow sequence or mapping on the same line, a block sequence or mapping
 * on the lines below (indented further), else a scalar.
 */
function taggedShape(lines, index, column) {
  const rest = lines[index].slice(column).trimStart();
  if (rest.startsWith("[")) return "sequence";
  if (rest.startsWith("{")) return "mapping";
  if (rest !== "") return "scalar";
  const indent = (line) => line.length - line.trimStart().length;
  const next = lines.slice(index + 1).find((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  if (next === undefined || indent(next) <= indent(lines[index])) return "scalar";
  if (next.trimStart().startsWith("- ")) return "sequence";
  return /^\s*("[^"]*"|'[^']*'|[^\s#'"-]\S*):(\s|$)/.test(next) ? "mapping" : "scalar";
}

test("the CloudFormation short forms are registered for the YAML extension, in every documented shape", () => {
  const manifest = read("package.json");
  const registered = manifest.contributes.configurationDefaults["yaml.customTags"];
  assert.equal(new Set(registered).size, registered.length, "a tag is registered twice");
  for (const entry of registered) {
    assert.match(entry, /^![A-Za-z0-9]+ (scalar|sequence|mapping)$/, `yaml.customTags entry ${entry}`);
  }
  // The short forms in the AWS CloudFormation template reference. Fn::ForEach
  // is written as a key (`Fn::ForEach::Name:`), and Fn::Length and
  // Fn::ToJsonString are documented in their long form only.
  const functions = [
    "And", "Base64", "Cidr", "Condition", "Equals", "FindInMap", "GetAtt", "GetAZs", "GetStackOutput",
    "If", "ImportValue", "Join", "Not", "Or", "Ref", "Select", "Split", "Sub", "Transform",
  ];
  assert.deepEqual([...new Set(registered.map((entry) => entry.split(" ")[0].slice(1)))].sort(), functions.sort());

  // Every tag of the fixture template is registered in the shape it is
  // written in, and every registered tag and shape is written there.
  const lines = readFileSync(new URL("../test/fixtures/short-forms.yaml", import.meta.url), "utf8").split("\n");
  const written = new Set();
  lines.forEach((line, index) => {
    const code = line.replace(/(^|\s)#.*$/, "");
    for (const match of code.matchAll(/(?<=^|[\s\[,{:-])!([A-Za-z0-9]+)/g)) {
      written.add(`!${match[1]} ${taggedShape(lines, index, match.index + match[0].length)}`);
    }
  });
  assert.deepEqual([...written].filter((entry) => !registered.includes(entry)), [], "written but not registered");
  assert.deepEqual(registered.filter((entry) => !written.has(entry)), [], "registered but not written in the fixture");
});
