"use strict";
// What every test file shares: the repository's inputs and `ward check`.
const { execFileSync } = require("child_process");
const path = require("path");

const repository = process.env.WARD_REPOSITORY;
const wardBin = process.env.WARD_BIN;
if (!repository || !wardBin) {
  throw new Error("set WARD_REPOSITORY (the repository root) and WARD_BIN (the ward binary)");
}

function inRepository(...parts) {
  return path.join(repository, ...parts);
}

/** `ward check --format json PATHS`: its standard output and exit code. */
function wardCheck(paths) {
  try {
    const stdout = execFileSync(wardBin, ["check", "--format", "json", "--color", "never", ...paths], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { stdout: stdout.toString(), code: 0 };
  } catch (error) {
    if (typeof error.status !== "number") throw error;
    return { stdout: error.stdout.toString(), code: error.status };
  }
}

module.exports = { inRepository, wardCheck };
