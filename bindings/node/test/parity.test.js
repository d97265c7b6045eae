"use strict";
// The package's JSON report is `ward check --format json`'s, byte for byte.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { test } = require("node:test");
const { Policy } = require("@ward-policy/ward");
const { inRepository, wardCheck } = require("./common");

const policy = Policy.fromStdlib();

function same(paths) {
  const report = policy.check(paths);
  const command = wardCheck(paths);
  assert.strictEqual(report.toJson(), command.stdout, `JSON of ${paths.join(" ")}`);
  assert.strictEqual(report.exitCode(), command.code, `exit code of ${paths.join(" ")}`);
}

for (const folder of ["examples/templates", "cli/tests/inputs"]) {
  test(`${folder} as a whole`, () => same([inRepository(folder)]));
  test(`${folder}, file by file, and checkBytes equals check`, () => {
    for (const name of fs.readdirSync(inRepository(folder)).sort()) {
      const file = inRepository(folder, name);
      if (!fs.statSync(file).isFile() || !/\.(ya?ml|json)$/.test(name)) continue;
      same([file]);
      const fromDisk = policy.check([file]).toJson();
      const inMemory = policy.checkBytes(file, fs.readFileSync(file)).toJson();
      assert.strictEqual(inMemory, fromDisk, `checkBytes of ${name}`);
    }
  });
}

test("findings are plain objects with the JSON's values", () => {
  const file = inRepository("examples/templates/app.yaml");
  const report = policy.check([file]);
  const json = JSON.parse(report.toJson());
  assert.ok(report.findings.length > 0);
  assert.deepStrictEqual(
    report.findings.map((finding) => [finding.rule, finding.resource, finding.line]),
    json.findings.map((finding) => [finding.rule, finding.resource, finding.line]),
  );
  assert.strictEqual(report.findings[0].file, file);
  assert.strictEqual(typeof report.findings[0].resourceType, "string");
  for (const render of ["toSarif", "toJunit", "toHuman"]) {
    assert.ok(report[render]().length > 0, render);
  }
  assert.strictEqual(report.exitCode({ failOn: "never" }), 0);
});
