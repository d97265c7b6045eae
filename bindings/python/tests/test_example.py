"""The example of docs/embedding.md runs and answers as `ward check`."""

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from support import ROOT, run_ward

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "check.py"


class Example(unittest.TestCase):
    def test_the_documented_example(self):
        templates = str(ROOT / "examples/templates")
        with tempfile.TemporaryDirectory() as folder:
            completed = subprocess.run(
                [sys.executable, str(EXAMPLE), templates],
                cwd=folder,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                check=False,
            )
            stdout = completed.stdout.decode()
            self.assertIn("WARD-NET-001", stdout, completed.stderr.decode())
            self.assertIn("inline.yaml: ", stdout)
            with open(Path(folder) / "ward.sarif", encoding="utf-8") as sarif:
                self.assertTrue(json.load(sarif)["runs"][0]["results"])
        code, _ = run_ward(
            "check", "--fail-on", "high", "--param", "required_tags=[owner, team]",
            "--exclude", "**/node_modules/**", templates,
        )
        self.assertEqual(completed.returncode, code)

    def test_the_example_is_in_the_docs(self):
        docs = (ROOT / "docs/embedding.md").read_text(encoding="utf-8")
        self.assertIn(EXAMPLE.read_text(encoding="utf-8").strip(), docs)


if __name__ == "__main__":
    unittest.main()
