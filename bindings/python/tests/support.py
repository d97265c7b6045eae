"""What the tests share: the repository's root and the `ward` command.

`WARD_BIN` names the `ward` binary the reports are compared with. The
command runs from the repository's root with colours off and a cache of its
own, as the Rust embedding test runs it.
"""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WARD_BIN = os.environ.get("WARD_BIN")
_CACHE = tempfile.mkdtemp(prefix="ward-python-tests-")


def ward_bin():
    if not WARD_BIN:
        raise unittest.SkipTest("WARD_BIN is not set: no `ward` command to compare with")
    return WARD_BIN


def run_ward(*args):
    """Runs `ward ARGS` from the repository's root: (exit code, stdout)."""
    environment = dict(os.environ)
    environment.update(
        NO_COLOR="1",
        XDG_CACHE_HOME=os.path.join(_CACHE, "cache"),
        XDG_CONFIG_HOME=os.path.join(_CACHE, "config"),
    )
    completed = subprocess.run(
        [ward_bin(), *map(str, args)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    if completed.returncode not in (0, 1, 2):
        raise AssertionError(
            f"ward {args} ended with {completed.returncode}: {completed.stderr.decode()}"
        )
    return completed.returncode, completed.stdout.decode()


class Parity(unittest.TestCase):
    """Compares the module's reports with the command's."""

    maxDiff = 4000

    def assert_same_as_ward(self, policy, paths):
        paths = [str(Path(path).resolve()) for path in paths]
        report = policy.check(paths)
        code, stdout = run_ward("check", "--format", "json", *paths)
        self.assertEqual(report.to_json(), stdout, paths)
        self.assertEqual(report.exit_code(), code, paths)
        return report
