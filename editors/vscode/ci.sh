#!/usr/bin/env bash
# Builds, tests and packages the VS Code extension from a fresh clone, then
# checks that the .vsix holds what VS Code needs. Needs Node 20+ and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step() { printf '== %s\n' "$*"; }

step "npm ci"
npm ci --loglevel=error --no-progress

step "build"
npm run --silent build

step "test"
npm test --silent

step "package"
rm -f ward.vsix
npx --no-install vsce package --no-dependencies --out ward.vsix >vsce.log 2>&1 || { cat vsce.log; rm -f vsce.log; exit 1; }
rm -f vsce.log

step "check ward.vsix"
test -s ward.vsix || { echo "ward.vsix was not produced" >&2; exit 1; }
# A .vsix is a zip file; read its central directory with Node so that the
# check does not depend on unzip being installed.
node - ward.vsix <<'NODE'
const fs = require("fs");
const file = process.argv[2];
const data = fs.readFileSync(file);
const end = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
if (end < 0) throw new Error(`${file} is not a zip file`);
const count = data.readUInt16LE(end + 10);
let offset = data.readUInt32LE(end + 16);
const names = [];
for (let index = 0; index < count; index += 1) {
  if (data.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
  const nameLength = data.readUInt16LE(offset + 28);
  const extraLength = data.readUInt16LE(offset + 30);
  const commentLength = data.readUInt16LE(offset + 32);
  names.push(data.toString("utf8", offset + 46, offset + 46 + nameLength));
  offset += 46 + nameLength + extraLength + commentLength;
}
const required = [
  "extension/package.json",
  "extension/dist/extension.js",
  "extension/syntaxes/ward.tmLanguage.json",
  "extension/language-configuration.json",
  "extension/snippets/ward.json",
  "extension/LICENSE.txt",
  "extension/readme.md",
];
const missing = required.filter((name) => !names.some((entry) => entry.toLowerCase() === name.toLowerCase()));
const unwanted = names.filter((name) => /^extension\/(node_modules|src|test|out)\//.test(name));
if (missing.length > 0 || unwanted.length > 0) {
  console.error(`ward.vsix holds:\n  ${names.join("\n  ")}`);
  if (missing.length > 0) console.error(`missing: ${missing.join(", ")}`);
  if (unwanted.length > 0) console.error(`should not ship: ${unwanted.join(", ")}`);
  process.exit(1);
}
console.log(`ward.vsix: ${names.length} files, ${fs.statSync(file).size} bytes`);
NODE
