"use strict";
// Hostile inputs through checkBytes: each gives a report, none crashes Node.
const assert = require("assert");
const { test } = require("node:test");
const { Policy } = require("@ward-policy/ward");

const TEMPLATE = Buffer.from(`Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub '\${AWS::StackName} admin'
      SecurityGroupIngress:
        - CidrIp: 0.0.0.0/0
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref Name
`);

/** A small deterministic generator (xorshift), so that a failure repeats. */
function generator(seed) {
  let state = BigInt(seed);
  const mask = (1n << 64n) - 1n;
  return (below) => {
    state ^= (state << 13n) & mask;
    state ^= state >> 7n;
    state ^= (state << 17n) & mask;
    return Number(state % BigInt(Math.max(below, 1)));
  };
}

const policy = Policy.fromStdlib();

function judged(bytes, name = "hostile.yaml") {
  const report = policy.checkBytes(name, bytes);
  assert.ok([0, 1, 2].includes(report.exitCode()));
  JSON.parse(report.toJson());
}

test("2,000 seeded mutations of a template", () => {
  const next = generator(0x9e3779b97f4a7c15n);
  for (let round = 0; round < 2000; round += 1) {
    const bytes = Buffer.from(TEMPLATE);
    const edits = 1 + next(8);
    let mutated = bytes;
    for (let edit = 0; edit < edits; edit += 1) {
      const at = next(mutated.length);
      switch (next(3)) {
        case 0: mutated[at] = next(256); break;
        case 1: mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1 + next(16))]); break;
        default: mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from([next(256)]), mutated.subarray(at)]);
      }
      if (mutated.length === 0) break;
    }
    judged(mutated);
  }
});

test("random bytes, empty input, invalid UTF-8, a byte order mark", () => {
  const next = generator(42);
  for (let round = 0; round < 64; round += 1) {
    judged(Buffer.from(Array.from({ length: next(4096) }, () => next(256))), round % 2 ? "random.json" : "random.yaml");
  }
  judged(Buffer.alloc(0));
  judged(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]));
  judged(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), TEMPLATE]));
  judged(Buffer.from('{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"X": 1e999999}}}}'), "big.json");
});

test("deep nesting", () => {
  judged(Buffer.from("[".repeat(100000) + "]".repeat(100000)), "deep.json");
  judged(Buffer.from("a:\n" + "- ".repeat(50000) + "x\n"), "deep.yaml");
  judged(Buffer.from('{"Resources": ' + '{"a": '.repeat(20000) + "1" + "}".repeat(20001)), "deep2.json");
});
