import assert from "node:assert/strict";
import { test } from "node:test";

import { findRules, ruleAt } from "../../src/rules";

const source = `package aws.network

/// rule in a comment: rule not_a_rule
@id("NET-001") @severity(high)
rule no_public_admin_ports for sg in resources("AWS::EC2::SecurityGroup") {
  for ingress in as_list(sg.props.SecurityGroupIngress) {
    deny ingress.CidrIp == "0.0.0.0/0" message "rule {sg} }"
  }
}

fn helper(x) = x

rule secrets_rotated for s in resources("AWS::SecretsManager::Secret") {
  require count(referrers(s, "AWS::SecretsManager::RotationSchedule")) > 0
}

test "rule in a test name" {
  expect fail no_public_admin_ports for "Open"
}
`;

test("finds top-level rules and skips comments and strings", () => {
  assert.deepEqual(
    findRules(source).map((rule) => rule.name),
    ["no_public_admin_ports", "secrets_rotated"],
  );
});

test("a rule spans from its keyword to its closing brace", () => {
  const [first, second] = findRules(source);
  assert.equal(source.slice(first.start, first.start + 4), "rule");
  assert.equal(source[first.end - 1], "}");
  assert.ok(source.slice(first.start, first.end).endsWith("  }\n}"));
  assert.equal(source.slice(first.nameStart, first.nameStart + first.name.length), first.name);
  assert.ok(second.start > first.end);
});

test("ruleAt picks the containing rule, else the nearest one above", () => {
  assert.equal(ruleAt(source, source.indexOf("deny"))?.name, "no_public_admin_ports");
  assert.equal(ruleAt(source, source.indexOf("require count"))?.name, "secrets_rotated");
  assert.equal(ruleAt(source, source.indexOf("fn helper"))?.name, "no_public_admin_ports");
  assert.equal(ruleAt(source, source.indexOf("package")), undefined);
});

test("a rule without a body ends where the next one starts", () => {
  const text = "rule a for x in xs\nrule b for y in ys { require y }\n";
  const [a, b] = findRules(text);
  assert.equal(a.end, b.start);
  assert.equal(text.slice(b.start, b.end), "rule b for y in ys { require y }");
});

test("an unclosed rule runs to the end of the text", () => {
  const text = "rule a for x in xs {\n  require x";
  assert.equal(findRules(text)[0].end, text.length);
});
