import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { documentSelector, INPUT_LANGUAGES, judgeInputsSetting } from "../../src/selector";

// Bundled into out/test/, two folders below the extension.
const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));

test("with ward.judgeInputs on, YAML and JSON files are sent besides policies", () => {
  assert.deepEqual(documentSelector(true), [
    { scheme: "file", language: "ward" },
    { scheme: "untitled", language: "ward" },
    { scheme: "file", language: "yaml" },
    { scheme: "file", language: "json" },
    { scheme: "file", language: "jsonc" },
  ]);
});

test("with ward.judgeInputs off, only policies are sent", () => {
  assert.deepEqual(documentSelector(false), [
    { scheme: "file", language: "ward" },
    { scheme: "untitled", language: "ward" },
  ]);
});

test("inputs are sent only from files", () => {
  const inputs = documentSelector(true).filter((filter) => INPUT_LANGUAGES.includes(filter.language));
  assert.ok(inputs.length > 0);
  assert.ok(inputs.every((filter) => filter.scheme === "file"));
});

test("ward.judgeInputs is on unless it is false", () => {
  assert.equal(judgeInputsSetting(undefined), true);
  assert.equal(judgeInputsSetting(true), true);
  assert.equal(judgeInputsSetting("no"), true);
  assert.equal(judgeInputsSetting(false), false);
});

test("the setting is declared with the default the code assumes", () => {
  const setting = manifest.contributes.configuration.properties["ward.judgeInputs"];
  assert.equal(setting.type, "boolean");
  assert.equal(setting.default, judgeInputsSetting(undefined));
});

test("every language the client sends activates the extension", () => {
  const activation: string[] = manifest.activationEvents;
  const languages = new Set(documentSelector(true).map((filter) => filter.language));
  for (const language of languages) {
    assert.ok(activation.includes(`onLanguage:${language}`), `no onLanguage:${language} activation event`);
  }
});
