"use strict";
// The Node example of docs/embedding.md, run as written in a folder holding
// the template it names.
const assert = require("assert");
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { test } = require("node:test");
const { inRepository } = require("./common");

test("the example of docs/embedding.md runs", () => {
  const text = fs.readFileSync(inRepository("docs/embedding.md"), "utf8");
  const section = text.slice(text.indexOf("\n## Node"));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(match, "a js block in the Node section");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ward-node-example-"));
  try {
    fs.mkdirSync(path.join(folder, "templates"));
    fs.copyFileSync(inRepository("examples/templates/app.yaml"), path.join(folder, "templates", "app.yaml"));
    fs.writeFileSync(path.join(folder, "example.js"), match[1]);
    const run = spawnSync(process.execPath, ["example.js"], {
      cwd: folder,
      env: { ...process.env, NODE_PATH: path.join(process.cwd(), "node_modules") },
      encoding: "utf8",
    });
    assert.strictEqual(run.status, 1, run.stderr);
    assert.match(run.stdout, /WARD-S3-001 Logs .*app\.yaml:18/);
    assert.ok(JSON.parse(fs.readFileSync(path.join(folder, "ward.sarif"), "utf8")).runs);
  } finally {
    fs.rmSync(folder, { recursive: true });
  }
});
