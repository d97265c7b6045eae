"use strict";
// Errors are JavaScript errors with a code; inputs that do not load are
// input errors of the report, as in `ward check`.
const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { test } = require("node:test");
const { Policy } = require("@ward-policy/ward");
const { inRepository } = require("./common");

function throwsWithCode(call, code) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof Error);
    assert.strictEqual(error.code, code, error.message);
    return true;
  });
}

test("a policy with an error is POLICY", () => {
  throwsWithCode(() => Policy.fromSources([inRepository("cli/tests/inputs/three_errors.ward")]), "POLICY");
});

test("an unknown parameter is PARAMS and sets nothing", () => {
  const policy = Policy.fromStdlib();
  throwsWithCode(() => policy.setParams({ no_such_parameter: 1 }), "PARAMS");
  throwsWithCode(() => policy.setParams(["not", "an", "object"]), "PARAMS");
  policy.setParams({ required_tags: ["owner"] });
});

test("a missing policy path is USAGE", () => {
  throwsWithCode(() => Policy.fromSources([path.join(os.tmpdir(), "no-such-policy-folder")]), "USAGE");
});

test("a missing input path is a report that exits 2", () => {
  const report = Policy.fromStdlib().check([path.join(os.tmpdir(), "no-such-template.yaml")]);
  assert.strictEqual(report.exitCode(), 2);
});

test("bad options are USAGE", () => {
  const policy = Policy.fromStdlib();
  const file = inRepository("examples/templates/app.yaml");
  throwsWithCode(() => policy.check([file], { timeout: -1 }), "USAGE");
  throwsWithCode(() => policy.check([file]).exitCode({ failOn: "sometimes" }), "USAGE");
});

test("bytes that are not a module are MODULE", () => {
  throwsWithCode(() => Policy.fromModule(Buffer.from("not wasm")), "MODULE");
});

test("a module built by ward build loads", () => {
  const { execFileSync } = require("child_process");
  const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ward-node-")), "policy.wasm");
  execFileSync(process.env.WARD_BIN, ["build", inRepository("examples/policies"), "--output", output]);
  const policy = Policy.fromModule(fs.readFileSync(output));
  assert.ok(policy.rules().length > 0);
  fs.rmSync(path.dirname(output), { recursive: true });
});
