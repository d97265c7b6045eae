// Activates the bundled extension (dist/extension.js) against a fake `vscode`
// module and a fake `ward` server, and checks the command line it starts,
// the `ward.runRule` request it sends, restarts, and the error on a missing
// server. Run `node esbuild.mjs` first.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { after, before, test } = require("node:test");

const vscode = require("./fake-vscode.cjs");
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  return request === "vscode" ? vscode : originalLoad.call(this, request, ...rest);
};
const extension = require("../../dist/extension.js");

const { recorded } = vscode;
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ward-vscode-smoke-"));
const server = path.join(directory, "ward");
const logFile = path.join(directory, "server.log");

const serverLog = () =>
  fs.existsSync(logFile)
    ? fs.readFileSync(logFile, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line))
    : [];

async function waitFor(description, condition, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`timed out waiting for ${description}`);
}

const context = { subscriptions: [] };

before(() => {
  fs.copyFileSync(path.join(__dirname, "fake-ward.js"), server);
  fs.chmodSync(server, 0o755);
  process.env.FAKE_WARD_LOG = logFile;
  recorded.settings.set("ward.server.path", server);
  recorded.settings.set("ward.server.extraArgs", ["--log", "debug"]);
  extension.activate(context);
});

after(async () => {
  await extension.deactivate();
  for (const disposable of context.subscriptions) disposable.dispose();
  fs.rmSync(directory, { recursive: true, force: true });
});

test("starts `ward lsp` with the extra arguments over stdio", async () => {
  await waitFor("the server to be initialized", () => serverLog().some((entry) => entry.method === "initialized"));
  const [first, initialize] = serverLog();
  assert.deepEqual(first, { argv: ["lsp", "--log", "debug"] });
  assert.equal(initialize.method, "initialize");
  assert.equal(initialize.params.clientInfo.name, "Visual Studio Code");
});

test("registers the commands and the folding provider", () => {
  assert.ok(recorded.commands.has("ward.restartServer"));
  assert.ok(recorded.commands.has("ward.runRuleOnSample"));
  const [{ selector, provider }] = recorded.foldingProviders;
  assert.deepEqual(selector, { language: "ward" });
  const folds = provider.provideFoldingRanges({ getText: () => "rule r for s in xs {\n  require s\n}\n" });
  assert.deepEqual(folds.map((fold) => [fold.start, fold.end]), [[0, 1]]);
});

test("Run Rule on Sample Input sends ward.runRule and shows the answer", async () => {
  await vscode.commands.executeCommand("ward.runRuleOnSample", "file:///policies/net.ward", "no_public_admin_ports");
  const request = serverLog().find((entry) => entry.method === "workspace/executeCommand");
  assert.deepEqual(request.params, {
    command: "ward.runRule",
    arguments: ["file:///policies/net.ward", "no_public_admin_ports"],
  });
  assert.deepEqual(recorded.outputs.get("Ward Rule Results"), [
    "no_public_admin_ports in /policies/net.ward",
    "",
    "FAIL Open: no_public_admin_ports on the sample of file:///policies/net.ward",
  ]);
});

test("Run Rule on Sample Input without a Ward file asks for one", async () => {
  await vscode.commands.executeCommand("ward.runRuleOnSample");
  assert.deepEqual(recorded.warnings, ["Open a Ward file to run one of its rules."]);
});

test("Restart Language Server stops the server and starts a new one", async () => {
  await vscode.commands.executeCommand("ward.restartServer");
  await waitFor("the second server to be initialized", () => serverLog().filter((entry) => entry.method === "initialized").length === 2);
  const methods = serverLog().map((entry) => entry.method ?? "start");
  assert.deepEqual(methods.slice(methods.indexOf("shutdown")), ["shutdown", "exit", "start", "initialize", "initialized"]);
});

test("a server that cannot be started is reported with a way to fix it", async () => {
  recorded.settings.set("ward.server.path", path.join(directory, "missing-ward"));
  for (const listener of recorded.configurationListeners) {
    listener({ affectsConfiguration: (section) => section === "ward.server.path" });
  }
  await waitFor("an error message", () => recorded.errors.some((message) => message.startsWith("Could not start")));
  const message = recorded.errors.find((text) => text.startsWith("Could not start"));
  assert.match(message, /missing-ward lsp --log debug/);
  assert.match(message, /ward\.server\.path/);
  // Found missing before spawning, so the client adds no second notification.
  assert.deepEqual(recorded.errors, [message]);
});
