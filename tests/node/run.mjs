// Runs a compiled Ward policy in Node's own WebAssembly engine, with no
// imports and no npm packages, following docs/abi.md:
//
//   node tests/node/run.mjs module.wasm input.bin [more.bin ...] [--rules N]
//
// Each input is an encoded input block (ward-encode's `encode_input`). For every
// input the script calls `ward_reset`, `ward_alloc`, copies the input into
// linear memory, then calls `ward_eval` once per rule and decodes the
// results block (section 3 of the ABI). The rule count comes from the
// module's `ward.meta` section; `--rules N` states it too, and the script
// fails when the two disagree. It prints one JSON document on stdout:
//
//   {"rules": N, "inputs": [{"input": "input.bin", "results": [
//     {"rule": 0, "status": 0, "message": "",
//      "outcomes": [{"resource": 0, "outcome": "fail"}],
//      "findings": [{"resource": 0, "node": 12, "check": 0,
//                    "outcome": "fail", "message": "..."}]}]}]}
//
// Resource, node and check indexes are the raw u32 values; 4294967295 is
// NONE. Anything that breaks the ABI is an error on stderr and exit code 1.

import { readFileSync } from "node:fs";
import { basename } from "node:path";

const NONE = 0xffffffff;
const OUTCOMES = ["pass", "fail", "skip", "unknown"];
const META_MAGIC = [0x00, 0x77, 0x61, 0x72, 0x64, 0x6d, 0x65, 0x74]; // "\0wardmet"
const ABI_VERSION = 4;
const MAX_FINDINGS = 1 << 20;

function fail(message) {
  process.stderr.write(`run.mjs: ${message}\n`);
  process.exit(1);
}

function parseArguments(argv) {
  const files = [];
  let rules = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--rules") {
      rules = Number.parseInt(argv[++i], 10);
      if (!Number.isInteger(rules) || rules < 0) fail("--rules takes a count");
    } else {
      files.push(argv[i]);
    }
  }
  if (files.length < 2) {
    fail("usage: node run.mjs module.wasm input.bin [more.bin ...] [--rules N]");
  }
  return { module: files[0], inputs: files.slice(1), rules };
}

// The rule count from `ward.meta`: the header (magic, version, body length),
// then the producer string, then the rule list's count.
function ruleCountFromMetadata(module) {
  const sections = WebAssembly.Module.customSections(module, "ward.meta");
  if (sections.length !== 1) fail(`expected one ward.meta section, found ${sections.length}`);
  const bytes = new Uint8Array(sections[0]);
  const view = new DataView(sections[0]);
  if (bytes.length < 16) fail("ward.meta is shorter than its header");
  META_MAGIC.forEach((byte, i) => {
    if (bytes[i] !== byte) fail("ward.meta has the wrong magic");
  });
  const version = view.getUint32(8, true);
  if (version !== ABI_VERSION) fail(`ward.meta has ABI version ${version}, expected ${ABI_VERSION}`);
  const producerLength = view.getUint32(16, true);
  const at = 20 + producerLength;
  if (at + 4 > bytes.length) fail("ward.meta ends inside its rule list");
  return view.getUint32(at, true);
}

// Reads what one `ward_eval` call wrote, checking every address.
function decodeResults(memory, address) {
  const view = new DataView(memory.buffer);
  const size = memory.buffer.byteLength;
  const u32 = (at, what) => {
    if (at < 0 || at + 4 > size) fail(`${what} at address ${at} lies outside memory`);
    return view.getUint32(at, true);
  };
  const text = (at, length, what) => {
    if (length === 0) return "";
    if (at + length > size) fail(`${what} of ${length} bytes at ${at} lies outside memory`);
    return new TextDecoder("utf-8").decode(new Uint8Array(memory.buffer, at, length));
  };
  const status = u32(address, "status");
  const outcomeCount = u32(address + 4, "outcome count");
  const outcomesAt = u32(address + 8, "outcome array");
  const findingCount = u32(address + 12, "finding count");
  let next = u32(address + 16, "first finding");
  const message = text(u32(address + 20, "message"), u32(address + 24, "message length"), "message");
  const results = { status, message, outcomes: [], findings: [] };
  if (status !== 0) return results;
  if (findingCount > MAX_FINDINGS) fail(`${findingCount} findings, more than ${MAX_FINDINGS}`);
  for (let i = 0; i < outcomeCount; i++) {
    const at = outcomesAt + 8 * i;
    const outcome = u32(at + 4, "outcome");
    if (outcome >= OUTCOMES.length) fail(`outcome ${outcome} is out of range`);
    results.outcomes.push({ resource: u32(at, "outcome resource"), outcome: OUTCOMES[outcome] });
  }
  for (let i = 0; i < findingCount; i++) {
    if (next === 0) fail(`the finding list ends after ${i} of ${findingCount} records`);
    const outcome = u32(next + 16, "finding outcome");
    if (outcome !== 1 && outcome !== 3) fail(`finding outcome ${outcome} is neither fail nor unknown`);
    results.findings.push({
      resource: u32(next + 4, "finding resource"),
      node: u32(next + 8, "finding node"),
      check: u32(next + 12, "finding check"),
      outcome: OUTCOMES[outcome],
      message: text(u32(next + 20, "finding message"), u32(next + 24, "finding message length"), "finding message"),
    });
    next = u32(next, "next finding");
  }
  if (next !== 0) fail(`the finding list goes on after ${findingCount} records`);
  return results;
}

const args = parseArguments(process.argv.slice(2));
const module = new WebAssembly.Module(readFileSync(args.module));
const imports = WebAssembly.Module.imports(module);
if (imports.length !== 0) {
  fail(`the module imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}`);
}
const rules = ruleCountFromMetadata(module);
if (args.rules !== null && args.rules !== rules) {
  fail(`--rules says ${args.rules}, the module's metadata lists ${rules}`);
}
const instance = new WebAssembly.Instance(module, {});
const { memory, ward_reset, ward_alloc, ward_eval } = instance.exports;
if (!(memory instanceof WebAssembly.Memory)) fail("the module exports no memory");
for (const [name, f] of Object.entries({ ward_reset, ward_alloc, ward_eval })) {
  if (typeof f !== "function") fail(`the module exports no function ${name}`);
}

const output = { rules, inputs: [] };
for (const file of args.inputs) {
  const input = readFileSync(file);
  ward_reset();
  const at = ward_alloc(input.length) >>> 0;
  if (at === 0) fail(`ward_alloc refused ${input.length} bytes`);
  if (at % 8 !== 0) fail(`ward_alloc returned ${at}, which is not 8-aligned`);
  // Memory may have grown: take a fresh view of its buffer after each call.
  new Uint8Array(memory.buffer, at, input.length).set(input);
  const results = [];
  for (let rule = 0; rule < rules; rule++) {
    const address = ward_eval(rule, at, input.length) >>> 0;
    results.push({ rule, ...decodeResults(memory, address) });
  }
  output.inputs.push({ input: basename(file), results });
}
process.stdout.write(`${JSON.stringify(output)}\n`);
