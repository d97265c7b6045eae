"""Every error of the embedding surface is a typed exception."""

import tempfile
import unittest

import ward

from support import ROOT


class TypedErrors(unittest.TestCase):
    def test_the_hierarchy(self):
        for error in (ward.PolicyError, ward.ModuleError, ward.ParamsError, ward.UsageError):
            self.assertTrue(issubclass(error, ward.WardError), error)
        self.assertTrue(issubclass(ward.WardError, Exception))

    def test_a_policy_that_does_not_compile(self):
        with self.assertRaises(ward.PolicyError) as raised:
            ward.Policy.from_sources([str(ROOT / "cli/tests/inputs/three_errors.ward")])
        self.assertIn("three_errors.ward", str(raised.exception))

    def test_a_policy_folder_that_does_not_exist(self):
        with self.assertRaises(ward.UsageError):
            ward.Policy.from_sources(str(ROOT / "no/such/policies"))

    def test_a_module_that_is_not_one(self):
        with self.assertRaises(ward.ModuleError):
            ward.Policy.from_module(b"\x00asm not a ward module")

    def test_an_unknown_parameter(self):
        policy = ward.Policy.from_stdlib()
        with self.assertRaises(ward.ParamsError) as raised:
            policy.set_params({"no_such_parameter": 1})
        self.assertIn("no_such_parameter", str(raised.exception))

    def test_a_parameter_of_the_wrong_type(self):
        policy = ward.Policy.from_stdlib()
        with self.assertRaises(ward.ParamsError):
            policy.set_params({"required_tags": 7})

    def test_a_parameter_value_python_cannot_give(self):
        policy = ward.Policy.from_stdlib()
        with self.assertRaises(TypeError):
            policy.set_params({"required_tags": object()})
        with self.assertRaises(ValueError):
            policy.set_params({"min_backup_retention_days": 2**80})

    def test_a_missing_path(self):
        # As `ward check` does: a path that cannot be read among others is
        # an input error of the report (exit code 2), and the call raises
        # only when nothing at all can be judged.
        policy = ward.Policy.from_stdlib()
        missing = str(ROOT / "no/such/template.yaml")
        report = policy.check([missing, str(ROOT / "examples/templates")])
        self.assertEqual([error.file for error in report.input_errors], [missing])
        self.assertTrue(report.findings)
        self.assertEqual(report.exit_code(), 2)
        with tempfile.TemporaryDirectory() as empty:
            with self.assertRaises(ward.UsageError) as raised:
                policy.check(empty)
            self.assertIn("no input files found", str(raised.exception))

    def test_an_unreadable_baseline(self):
        policy = ward.Policy.from_stdlib()
        templates = str(ROOT / "examples/templates")
        with self.assertRaises(ward.UsageError):
            policy.check(templates, baseline=str(ROOT / "no/such/baseline.json"))

    def test_wrong_argument_types(self):
        policy = ward.Policy.from_stdlib()
        with self.assertRaises(TypeError):
            policy.check_bytes("template.yaml", 42)
        with self.assertRaises(TypeError):
            policy.check(42)
        with self.assertRaises(ValueError):
            policy.check(str(ROOT / "examples/templates"), timeout=-1)


class Parameters(unittest.TestCase):
    TEMPLATE = b"""\
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - {Key: owner, Value: platform}
"""

    def failing(self, policy):
        report = policy.check_bytes("bucket.yaml", self.TEMPLATE)
        return {finding.rule for finding in report.findings}

    def test_set_params_changes_the_findings(self):
        policy = ward.Policy.from_stdlib()
        tag_rule = next(rule.id for rule in policy.rules if rule.name == "required_tags_present")
        self.assertNotIn(tag_rule, self.failing(policy))
        policy.set_params({"required_tags": ["owner", "team"]})
        self.assertIn(tag_rule, self.failing(policy))
        policy.set_params({"required_tags": ["owner"]})
        self.assertNotIn(tag_rule, self.failing(policy))


if __name__ == "__main__":
    unittest.main()
