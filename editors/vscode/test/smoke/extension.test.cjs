// Activates the bundled extension (dist/extension.js) against a fake `vscode`
// module and a fake `ward` server, and checks the command line it starts,
// the documents it sends (with `ward.judgeInputs` on and off), the
// `ward.runRule` request, restarts, and the error on a missing server. Run
// `node esbuild.mjs` first.
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

/** The log split by server process: each starts with its command line. */
const sessions = () =>
  serverLog().reduce((all, entry) => {
    if (entry.argv) all.push([]);
    all[all.length - 1].push(entry);
    return all;
  }, []);

/** The URIs a server process was sent with `textDocument/didOpen`, in order. */
const opened = (session) =>
  session.filter((entry) => entry.method === "textDocument/didOpen").map((entry) => entry.params.textDocument.uri);

/**
 * The editors open when the extension starts. The client sends the ones its
 * selector matches in this order, so by the time the last one (a policy,
 * always sent) arrives, any document sent by mistake has arrived too.
 */
const openDocuments = [
  ["file", "/project/templates/network.yaml", "yaml"],
  ["untitled", "Untitled-1", "yaml"],
  ["file", "/project/plans/plan.json", "json"],
  ["git", "/project/templates/network.yaml", "yaml"],
  ["file", "/project/.vscode/settings.json", "jsonc"],
  ["file", "/project/README.md", "markdown"],
  ["untitled", "Untitled-2", "ward"],
  ["file", "/project/policies/net.ward", "ward"],
].map(([scheme, documentPath, languageId]) => ({
  uri: new vscode.Uri(scheme, documentPath),
  languageId,
  version: 1,
  isClosed: false,
  getText: () => "",
}));
const lastPolicy = "file:///project/policies/net.ward";

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
  vscode.workspace.textDocuments.push(...openDocuments);
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

test("sends policies, and YAML and JSON files to judge, but no other document", async () => {
  await waitFor("the open documents", () => opened(sessions()[0]).includes(lastPolicy));
  assert.deepEqual(opened(sessions()[0]), [
    "file:///project/templates/network.yaml",
    "file:///project/plans/plan.json",
    "file:///project/.vscode/settings.json",
    "untitled://Untitled-2",
    "file:///project/policies/net.ward",
  ]);
  const [{ params }] = sessions()[0].filter((entry) => entry.method === "textDocument/didOpen");
  assert.equal(params.textDocument.languageId, "yaml");
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
  const methods = serverLog()
    .map((entry) => entry.method ?? "start")
    .filter((method) => !method.startsWith("textDocument/"));
  assert.deepEqual(methods.slice(methods.indexOf("shutdown")), ["shutdown", "exit", "start", "initialize", "initialized"]);
  await waitFor("the open documents", () => opened(sessions()[1]).includes(lastPolicy));
  assert.deepEqual(opened(sessions()[1]), opened(sessions()[0]));
});

test("turning ward.judgeInputs off restarts the server, which is then sent policies only", async () => {
  recorded.settings.set("ward.judgeInputs", false);
  for (const listener of recorded.configurationListeners) {
    listener({ affectsConfiguration: (section) => section === "ward.judgeInputs" });
  }
  await waitFor("a third server", () => sessions().length === 3 && opened(sessions()[2]).includes(lastPolicy));
  assert.ok(sessions()[1].some((entry) => entry.method === "exit"), "the second server was not stopped");
  assert.deepEqual(opened(sessions()[2]), ["untitled://Untitled-2", "file:///project/policies/net.ward"]);
});

test("other settings do not restart the server", async () => {
  for (const listener of recorded.configurationListeners) {
    listener({ affectsConfiguration: (section) => section === "ward.sampleTemplate"});
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(sessions().length, 3);
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
