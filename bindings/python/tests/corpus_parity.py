"""The module's reports are the command's on the third-party corpus.

Not a `test_*` module on purpose: a fresh clone has no corpus, so this runs
only in CI's corpus step (`python -m unittest corpus_parity` with
`WARD_CORPUS` set), where a missing corpus is a failure, not a skip.
"""

import os
import unittest
from pathlib import Path

import ward

from support import Parity

EXTENSIONS = {".json", ".yaml", ".yml", ".template"}


def sample(folder, count):
    """`count` files of `folder`, chosen the same way every time: the
    inputs sorted by path, then every k-th."""
    files = sorted(
        path for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in EXTENSIONS
    )
    if len(files) < count:
        raise AssertionError(f"{folder} holds {len(files)} inputs, fewer than {count}")
    step = len(files) // count
    return files[::step][:count]


class CorpusParity(Parity):
    @classmethod
    def setUpClass(cls):
        corpus = os.environ.get("WARD_CORPUS")
        if not corpus:
            raise AssertionError("WARD_CORPUS must name the corpus for these tests")
        cls.corpus = Path(corpus)
        cls.policy = ward.Policy.from_stdlib()

    def check_sample(self, folder, count):
        files = sample(self.corpus / folder, count)
        self.assertEqual(len(files), count)
        report = self.assert_same_as_ward(self.policy, files)
        judged = report.summary["inputs"]
        self.assertGreater(judged, 0, folder)
        for path in files[:10]:
            with self.subTest(path=str(path)):
                self.assertEqual(
                    self.policy.check_bytes(str(path), path.read_bytes()).to_json(),
                    self.policy.check(str(path)).to_json(),
                )

    def test_cloudformation_templates(self):
        self.check_sample("cfn", 100)

    def test_terraform_plans(self):
        self.check_sample("tfplan", 20)

    def test_config_items(self):
        self.check_sample("inventory", 20)


if __name__ == "__main__":
    unittest.main()
