// Bundles the extension into dist/extension.js, and with --tests the unit
// tests into out/test/ so that Node's test runner can run them.
import * as esbuild from "esbuild";
import { readdirSync, rmSync } from "node:fs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");
const tests = process.argv.includes("--tests");

const common = {
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  logLevel: "warning",
};

if (tests) {
  rmSync("out/test", { recursive: true, force: true });
  const entryPoints = readdirSync("test/unit")
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `test/unit/${name}`);
  await esbuild.build({ ...common, entryPoints, outdir: "out/test", sourcemap: "inline" });
} else {
  const options = {
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    // Provided by VS Code at run time.
    external: ["vscode"],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
  };
  if (watch) {
    const context = await esbuild.context(options);
    await context.watch();
  } else {
    rmSync("dist", { recursive: true, force: true });
    await esbuild.build(options);
  }
}
