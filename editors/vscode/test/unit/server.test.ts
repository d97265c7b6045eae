import assert from "node:assert/strict";
import { test } from "node:test";

import { describeCommand, findExecutable, serverCommand } from "../../src/server";

const posix = { workspaceFolder: "/home/me/policies", homeDirectory: "/home/me", platform: "linux" as const };

test("defaults to `ward lsp` found on PATH", () => {
  assert.deepEqual(serverCommand({ path: undefined, extraArgs: undefined }, posix), { command: "ward", args: ["lsp"] });
  assert.deepEqual(serverCommand({ path: "  ", extraArgs: [] }, posix), { command: "ward", args: ["lsp"] });
});

test("extra arguments follow `lsp`, non-strings are dropped", () => {
  assert.deepEqual(serverCommand({ path: "ward", extraArgs: ["--log", "debug", 3] }, posix).args, ["lsp", "--log", "debug"]);
});

test("relative paths resolve against the workspace folder, bare names do not", () => {
  assert.equal(serverCommand({ path: "target/debug/ward", extraArgs: [] }, posix).command, "/home/me/policies/target/debug/ward");
  assert.equal(serverCommand({ path: "./ward", extraArgs: [] }, posix).command, "/home/me/policies/ward");
  assert.equal(serverCommand({ path: "ward-nightly", extraArgs: [] }, posix).command, "ward-nightly");
  assert.equal(serverCommand({ path: "/opt/ward/bin/ward", extraArgs: [] }, posix).command, "/opt/ward/bin/ward");
});

test("home and workspace variables expand", () => {
  assert.equal(serverCommand({ path: "~/bin/ward", extraArgs: [] }, posix).command, "/home/me/bin/ward");
  assert.equal(serverCommand({ path: "${userHome}/bin/ward", extraArgs: [] }, posix).command, "/home/me/bin/ward");
  assert.equal(
    serverCommand({ path: "${workspaceFolder}/target/release/ward", extraArgs: [] }, posix).command,
    "/home/me/policies/target/release/ward",
  );
});

test("without a workspace folder a relative path is left as it is", () => {
  const noFolder = { ...posix, workspaceFolder: undefined };
  assert.equal(serverCommand({ path: "bin/ward", extraArgs: [] }, noFolder).command, "bin/ward");
});

test("Windows paths", () => {
  const windows = { workspaceFolder: "C:\\work\\policies", homeDirectory: "C:\\Users\\me", platform: "win32" as const };
  assert.equal(serverCommand({ path: "bin\\ward.exe", extraArgs: [] }, windows).command, "C:\\work\\policies\\bin\\ward.exe");
  assert.equal(serverCommand({ path: "D:\\tools\\ward.exe", extraArgs: [] }, windows).command, "D:\\tools\\ward.exe");
});

test("describeCommand quotes arguments with spaces", () => {
  assert.equal(describeCommand({ command: "/opt/my tools/ward", args: ["lsp", "-v"] }), '"/opt/my tools/ward" lsp -v');
});

test("findExecutable searches PATH for bare names", () => {
  const files = new Set(["/usr/local/bin/ward", "/opt/ward/bin/ward"]);
  const lookup = { platform: "linux" as const, searchPath: "/usr/bin::/usr/local/bin", pathExtensions: undefined, isFile: (file: string) => files.has(file) };
  assert.equal(findExecutable("ward", lookup), "/usr/local/bin/ward");
  assert.equal(findExecutable("/opt/ward/bin/ward", lookup), "/opt/ward/bin/ward");
  assert.equal(findExecutable("/opt/ward/bin/missing", lookup), undefined);
  assert.equal(findExecutable("ward-nightly", lookup), undefined);
  assert.equal(findExecutable("ward", { ...lookup, searchPath: undefined }), undefined);
});

test("findExecutable tries PATHEXT on Windows", () => {
  const files = new Set(["C:\\tools\\ward.EXE", "D:\\w\\ward.cmd"]);
  const lookup = { platform: "win32" as const, searchPath: "C:\\bin;C:\\tools", pathExtensions: ".COM;.EXE", isFile: (file: string) => files.has(file) };
  assert.equal(findExecutable("ward", lookup), "C:\\tools\\ward.EXE");
  assert.equal(findExecutable("D:\\w\\ward.cmd", lookup), "D:\\w\\ward.cmd");
  assert.equal(findExecutable("D:\\w\\ward", { ...lookup, pathExtensions: ".cmd" }), "D:\\w\\ward.cmd");
});
