"use strict";
// Builds the addon with cargo (dev profile unless WARD_NODE_PROFILE says
// otherwise) and copies the shared library next to index.js as ward.node.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const profile = process.env.WARD_NODE_PROFILE || "dev";
const args = ["build", "-p", "ward-node", "--profile", profile];
execFileSync("cargo", args, { stdio: "inherit", cwd: path.join(__dirname, "..") });

const metadata = JSON.parse(
  execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], {
    cwd: path.join(__dirname, ".."),
    maxBuffer: 64 * 1024 * 1024,
  }).toString(),
);
const folder = profile === "dev" ? "debug" : profile;
const library = {
  linux: "libward_node.so",
  darwin: "libward_node.dylib",
  win32: "ward_node.dll",
}[process.platform];
if (!library) throw new Error(`no known library name on ${process.platform}`);
const built = path.join(metadata.target_directory, folder, library);
const target = path.join(__dirname, "..", "ward.node");
// Copy through a temporary name, so that a running process that loaded the
// old file keeps a consistent one.
fs.copyFileSync(built, `${target}.tmp`);
fs.renameSync(`${target}.tmp`, target);
console.log(`${path.relative(process.cwd(), target)}: ${fs.statSync(target).size} bytes`);
