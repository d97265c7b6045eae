import assert from "node:assert/strict";
import { test } from "node:test";

import { formatRunRuleResult, RUN_RULE_COMMAND, runRuleArguments } from "../../src/runRule";

test("the server command and its arguments", () => {
  assert.equal(RUN_RULE_COMMAND, "ward.runRule");
  assert.deepEqual(runRuleArguments("file:///p/net.ward", "no_public_admin_ports"), ["file:///p/net.ward", "no_public_admin_ports"]);
});

test("text results are shown as they are, anything else as JSON", () => {
  assert.equal(formatRunRuleResult("FAIL Open: port 22 open"), "FAIL Open: port 22 open");
  assert.equal(formatRunRuleResult({ text: "PASS" }), "PASS");
  assert.equal(formatRunRuleResult({ outcome: "fail" }), '{\n  "outcome": "fail"\n}');
  assert.equal(formatRunRuleResult(null), "(the server returned no output)");
});
