"""The module's reports are the command's, byte for byte."""

import unittest

import ward

from support import ROOT, Parity, run_ward


class ExamplesParity(Parity):
    @classmethod
    def setUpClass(cls):
        cls.policy = ward.Policy.from_stdlib()

    def test_example_templates(self):
        report = self.assert_same_as_ward(self.policy, [ROOT / "examples/templates"])
        self.assertTrue(report.findings)

    def test_cli_inputs(self):
        report = self.assert_same_as_ward(self.policy, [ROOT / "cli/tests/inputs"])
        self.assertTrue(report.input_errors, "the malformed inputs are input errors")

    def test_files_from_two_folders(self):
        self.assert_same_as_ward(
            self.policy,
            [ROOT / "cli/tests/inputs/suppressed.yaml", ROOT / "examples/templates/app.yaml"],
        )

    def test_sarif_and_junit(self):
        path = str(ROOT / "examples/templates")
        report = self.policy.check(path)
        for_junit = self.policy.check(path, keep_passes=True)
        self.assertEqual(for_junit.to_json(), report.to_json())
        for flag, rendered in (("sarif", report.to_sarif()), ("junit", for_junit.to_junit())):
            _, stdout = run_ward("check", "--format", flag, path)
            self.assertEqual(rendered, stdout, flag)

    def test_own_policies(self):
        policy = ward.Policy.from_sources([str(ROOT / "examples/policies")])
        self.assertTrue(policy.rules)
        paths = [str(ROOT / "examples/templates")]
        report = policy.check(paths, baseline=str(ROOT / "cli/tests/inputs/baseline.json"))
        _, stdout = run_ward(
            "check",
            "--format",
            "json",
            "--policy",
            ROOT / "examples/policies",
            "--baseline",
            ROOT / "cli/tests/inputs/baseline.json",
            *paths,
        )
        self.assertEqual(report.to_json(), stdout)

    def test_check_bytes_is_check_on_the_same_file(self):
        for name in ("examples/templates/app.yaml", "cli/tests/inputs/suppressed.yaml",
                     "cli/tests/inputs/iam_plan.json", "cli/tests/inputs/malformed.yaml"):
            path = str(ROOT / name)
            data = (ROOT / name).read_bytes()
            from_disk = self.policy.check(path).to_json()
            self.assertEqual(self.policy.check_bytes(path, data).to_json(), from_disk, name)
            self.assertEqual(
                self.policy.check_bytes(path, data.decode()).to_json(), from_disk, name
            )


class ReportObjects(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = ward.Policy.from_stdlib()

    def test_findings_are_plain_objects(self):
        policy = ward.Policy.from_sources(str(ROOT / "examples/policies"))
        report = policy.check(str(ROOT / "cli/tests/inputs/suppressed.yaml"))
        finding = report.findings[0]
        for field in ("rule", "severity", "outcome", "resource", "resource_type", "path",
                      "message", "file"):
            self.assertIsInstance(getattr(finding, field), str, field)
        self.assertGreater(finding.line, 0)
        self.assertIn(finding.outcome, ("fail", "unknown"))
        self.assertIn("Finding(", repr(finding))
        self.assertTrue(report.suppressed)
        self.assertIn(report.suppressed[0].source, ("template", "baseline"))
        summary = report.summary
        self.assertEqual(summary["findings"], len(report.findings))
        self.assertEqual(summary["suppressed"], len(report.suppressed))
        self.assertEqual(report.rule_errors, [])

    def test_rules(self):
        rules = self.policy.rules
        self.assertTrue(rules)
        ids = {rule.id for rule in rules}
        self.assertIn("WARD-NET-001", ids)
        for rule in rules:
            self.assertIn(rule.severity, ("info", "low", "medium", "high", "critical"))
            self.assertIn(rule.level, ("advisory", "soft-mandatory", "hard-mandatory"))

    def test_exit_code_thresholds(self):
        report = self.policy.check(str(ROOT / "examples/templates"))
        self.assertEqual(report.exit_code(fail_on="never"), 0)
        self.assertEqual(report.exit_code(), 1)
        with self.assertRaises(ValueError):
            report.exit_code(fail_on="sometimes")

    def test_threads_share_one_policy(self):
        from concurrent.futures import ThreadPoolExecutor

        names = [str(path) for path in sorted((ROOT / "examples/templates").iterdir())] * 8
        alone = [self.policy.check(name).to_json() for name in names]
        with ThreadPoolExecutor(max_workers=4) as pool:
            together = list(pool.map(lambda name: self.policy.check(name).to_json(), names))
        self.assertEqual(together, alone)

    def test_verbose_keeps_outcomes(self):
        path = str(ROOT / "examples/templates/app.yaml")
        self.assertIn('"outcomes"', self.policy.check(path, verbose=True).to_json())
        self.assertNotIn('"outcomes"', self.policy.check(path).to_json())


if __name__ == "__main__":
    unittest.main()
