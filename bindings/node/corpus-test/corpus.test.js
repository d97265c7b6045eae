"use strict";
// On a deterministic sample of the third-party corpus (WARD_CORPUS): 100
// CloudFormation templates, 20 Terraform plans and 20 Config files, the
// package's JSON is `ward check --format json`'s byte for byte, and
// checkBytes gives check's report.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { test } = require("node:test");
const { Policy } = require("@ward-policy/ward");
const { wardCheck } = require("./common");

const corpus = process.env.WARD_CORPUS;
if (!corpus) throw new Error("set WARD_CORPUS to the corpus folder");

function files(folder) {
  const found = [];
  const walk = (directory) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ya?ml|json|template)$/.test(entry.name)) found.push(full);
    }
  };
  walk(folder);
  return found.sort();
}

/** `count` files spread evenly over the sorted list. */
function sample(folder, count) {
  const all = files(path.join(corpus, folder));
  assert.ok(all.length >= count, `${folder} holds ${all.length} files`);
  return Array.from({ length: count }, (_, index) => all[Math.floor((index * all.length) / count)]);
}

const policy = Policy.fromStdlib();

for (const [folder, count] of [["cfn", 100], ["tfplan", 20], ["inventory", 20]]) {
  test(`${count} files of ${folder}`, () => {
    const chosen = sample(folder, count);
    for (const file of chosen) {
      const report = policy.check([file]);
      const command = wardCheck([file]);
      assert.strictEqual(report.toJson(), command.stdout, file);
      assert.strictEqual(report.exitCode(), command.code, file);
      assert.strictEqual(policy.checkBytes(file, fs.readFileSync(file)).toJson(), report.toJson(), `checkBytes of ${file}`);
    }
    const together = policy.check(chosen);
    assert.strictEqual(together.toJson(), wardCheck(chosen).stdout, `${folder} in one call`);
  });
}
