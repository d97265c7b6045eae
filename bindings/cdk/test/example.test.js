"use strict";
// The CDK example of docs/embedding.md, run as written: synthesis fails
// with Ward's public access finding.
const assert = require("assert");
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { test } = require("node:test");

test("the CDK example of docs/embedding.md fails synthesis", () => {
  const text = fs.readFileSync(path.join(process.env.WARD_REPOSITORY, "docs/embedding.md"), "utf8");
  const section = text.slice(text.indexOf("\n## AWS CDK"));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(match, "a js block in the AWS CDK section");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ward-cdk-example-"));
  try {
    fs.writeFileSync(path.join(folder, "app.js"), match[1]);
    const run = spawnSync(process.execPath, ["app.js"], {
      cwd: folder,
      env: { ...process.env, NODE_PATH: path.join(process.cwd(), "node_modules") },
      encoding: "utf8",
    });
    assert.notStrictEqual(run.status, 0);
    assert.match(run.stderr + run.stdout, /Validation failed/);
    assert.match(run.stderr + run.stdout, /WARD-S3-002/);
  } finally {
    fs.rmSync(folder, { recursive: true });
  }
});
