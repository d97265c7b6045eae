"""Hostile inputs never take the interpreter down: each call returns a
report that says what it could not judge."""

import json
import random
import unittest

import ward

from support import ROOT

TEMPLATE = b"""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "bastion-${Env}"
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !If [IsProd, 0.0.0.0/0, 10.0.0.0/8]
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {"Fn::Join": ["-", [logs, !Ref Env]]}
"""


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = ward.Policy.from_stdlib()

    def judge(self, name, data):
        report = self.policy.check_bytes(name, data)
        self.assertIsInstance(report, ward.Report)
        document = json.loads(report.to_json())
        summary = report.summary
        self.assertEqual(summary["findings"], len(report.findings))
        self.assertEqual(len(document["findings"]), len(report.findings))
        return report

    def assert_not_judged(self, name, data):
        report = self.judge(name, data)
        self.assertTrue(
            report.input_errors or report.not_inputs,
            f"{name}: neither an input error nor a file that is not an input",
        )
        return report

    def test_the_template_itself_has_findings(self):
        report = self.judge("template.yaml", TEMPLATE)
        self.assertIn("WARD-NET-001", {finding.rule for finding in report.findings})

    def test_random_bytes(self):
        rng = random.Random(1501)
        for index in range(300):
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
            self.judge(f"random-{index}.{rng.choice(['yaml', 'json', 'yml'])}", data)

    def test_deep_nesting(self):
        depth = 200_000
        self.assert_not_judged("deep.json", b"[" * depth + b"]" * depth)
        self.assert_not_judged("deep-object.json", b'{"a":' * depth + b"1" + b"}" * depth)
        self.assert_not_judged("deep.yaml", b"[" * depth + b"]" * depth)
        nested = "".join("  " * level + f"k{level}:\n" for level in range(3000))
        self.judge("deep-block.yaml", ("Resources:\n" + nested).encode())
        resources = b'{"Resources": {"R": {"Type": "AWS::S3::Bucket", "Properties": '
        self.judge("deep-properties.json",
                   resources + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}}}")

    def test_huge_numbers(self):
        for number in (b"1e999999", b"-1e999999", b"123456789012345678901234567890123",
                       b"0." + b"1" * 10000, b"9" * 100_000):
            self.judge("numbers.json",
                       b'{"Resources": {"R": {"Type": "AWS::EC2::SecurityGroup", '
                       b'"Properties": {"SecurityGroupIngress": [{"FromPort": '
                       + number + b', "ToPort": ' + number + b', "CidrIp": "0.0.0.0/0"}]}}}}')
            self.judge("numbers.yaml", b"Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
                       b"    Properties:\n      Size: " + number + b"\n")

    def test_invalid_utf8(self):
        self.assert_not_judged("invalid.yaml", b"\xff\xfe" + TEMPLATE)
        self.assert_not_judged("invalid.json", b'{"Resources": "\xc3\x28"}')
        self.judge("invalid-middle.yaml", TEMPLATE.replace(b"bastion", b"bast\x80ion"))

    def test_empty_and_not_inputs(self):
        self.judge("empty.yaml", b"")
        self.assert_not_judged("package.json", b'{"name": "sample"}')
        self.judge("null.yaml", b"~")
        self.judge("nul.yaml", b"\x00" * 1000)

    def test_ten_thousand_mutations(self):
        rng = random.Random(15)
        alphabet = b" \n\t:-[]{}!\"'#&*|>%@`,?0123456789abcdefRefSubIfGetAtt"
        judged = unjudged = 0
        for index in range(10_000):
            data = bytearray(TEMPLATE)
            for _ in range(rng.randrange(1, 6)):
                position = rng.randrange(len(data))
                choice = rng.randrange(5)
                if choice == 0:
                    data[position] = rng.randrange(256)
                elif choice == 1:
                    del data[position:position + rng.randrange(1, 40)]
                elif choice == 2:
                    data[position:position] = bytes(
                        rng.choice(alphabet) for _ in range(rng.randrange(1, 8))
                    )
                elif choice == 3:
                    start = rng.randrange(len(data))
                    data[position:position] = data[start:start + rng.randrange(1, 80)]
                else:
                    data[position] = rng.choice(alphabet)
            report = self.judge(f"mutation-{index}.yaml", bytes(data))
            if report.input_errors or report.not_inputs:
                unjudged += 1
            else:
                judged += 1
        self.assertGreater(judged, 0)
        self.assertGreater(unjudged, 0)


class HostileFiles(unittest.TestCase):
    def test_the_command_inputs_read_from_disk(self):
        policy = ward.Policy.from_stdlib()
        report = policy.check(
            [str(ROOT / "cli/tests/inputs/deep.json"), str(ROOT / "cli/tests/inputs/malformed.json")]
        )
        self.assertTrue(report.input_errors)
        report = policy.check(str(ROOT / "examples/templates"), max_input_size=10)
        self.assertTrue(report.input_errors)


if __name__ == "__main__":
    unittest.main()
