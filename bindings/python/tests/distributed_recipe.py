"""The distributed recipe (examples/dask_inventory.py) on a local Dask cluster
gives the findings `ward check` gives on the same inventory: a generated
inventory of 4 accounts in one NDJSON file is split by account, judged by
two worker processes with the module built once by `ward build`, and
compared with `ward check --format json` on the whole file, finding by
finding (the line numbers are those of the split files, so the comparison
maps each split file's line back to the whole file's).

Run by check.sh in the virtual environment that has the wheel and Dask;
needs WARD_BIN.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

import dask_inventory  # noqa: E402


class DistributedRecipe(unittest.TestCase):
    def test_a_local_cluster_finds_what_ward_check_finds(self):
        from dask.distributed import Client, LocalCluster

        ward_bin = os.environ["WARD_BIN"]
        with tempfile.TemporaryDirectory() as scratch:
            whole = os.path.join(scratch, "inventory.ndjson")
            subprocess.run(
                [sys.executable, os.path.join(REPO, "bench/gen/config_items.py"),
                 "--items", "20000", "--out", whole],
                check=True, stdout=subprocess.DEVNULL,
            )
            module = os.path.join(scratch, "stdlib.wasm")
            subprocess.run(
                [ward_bin, "build", os.path.join(REPO, "stdlib/aws"), "--output", module],
                check=True, stdout=subprocess.DEVNULL,
            )
            expected = subprocess.run(
                [ward_bin, "check", "--format", "json", "--fail-on", "never", whole],
                check=True, capture_output=True, text=True,
            )
            report = json.loads(expected.stdout)

            files = dask_inventory.split_by_account(whole, os.path.join(scratch, "accounts"))
            self.assertEqual(len(files), 4, "5,000 items per account")
            # Each split file's line n is a line of the whole file.
            origin = {}
            accounts = {}
            with open(whole, encoding="utf-8") as items:
                for number, line in enumerate(items, 1):
                    account = json.loads(line)["awsAccountId"]
                    accounts.setdefault(account, []).append(number)
            for path in files:
                account = os.path.basename(path)[: -len(".ndjson")]
                origin[path] = accounts[account]

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
            try:
                with open(module, "rb") as built:
                    findings, errors, items = dask_inventory.judge_inventory(
                        client, built.read(), files)
            finally:
                client.close()
                cluster.close()

            self.assertEqual(errors, [])
            self.assertEqual(items, 20000)
            found = sorted(
                (rule, outcome, resource, origin[file][line - 1], message)
                for rule, outcome, _, resource, file, line, _, message in findings
            )
            wanted = sorted(
                (f["rule"], f["outcome"], f["resource"], f["line"], f["message"])
                for f in report["findings"]
            )
            self.assertGreater(len(wanted), 100)
            self.assertEqual(found, wanted)


if __name__ == "__main__":
    unittest.main()
