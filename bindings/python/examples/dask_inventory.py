"""Judging an organisation's AWS Config inventory on a Dask cluster.

AWS Config delivers snapshots per account and region; an inventory of
millions of items is many such files. Each file is one task: the workers
judge their files with the policies compiled once (`ward build`), shipped
to every worker once with `Client.scatter(..., broadcast=True)`, and kept
per worker process. A file too large for one task is first split by
account with `split_by_account`, since AWS Config relationships (and so
Ward's cross-resource rules) stay within an account.

    python dask_inventory.py MODULE.wasm INVENTORY_FOLDER [SCHEDULER_ADDRESS]

Without a scheduler address a local cluster of two single-threaded worker
processes is started. Prints one line per finding and a summary with the
items judged per second per worker.
"""

import collections
import json
import os
import sys
import time

import ward

_POLICIES = {}


def judge_file(module, path):
    """Judges one inventory file on a worker: its findings as plain tuples
    (rule, outcome, severity, resource, file, line, column, message) and
    how many items it held."""
    key = hash(module)
    policy = _POLICIES.get(key)
    if policy is None:
        policy = _POLICIES[key] = ward.Policy.from_module(module)
    report = policy.check([path])
    findings = [
        (f.rule, f.outcome, f.severity, f.resource, f.file, f.line, f.column, f.message)
        for f in report.findings
    ]
    errors = [(e.file, e.line, e.column, e.reason) for e in report.input_errors]
    with open(path, "rb") as items:
        count = sum(1 for line in items if line.strip())
    return findings, errors, count


def split_by_account(path, folder):
    """Writes the items of one NDJSON file into one file per account under
    `folder` (items keep their order); returns the files written."""
    os.makedirs(folder, exist_ok=True)
    outputs = {}
    try:
        with open(path, encoding="utf-8") as items:
            for line in items:
                if not line.strip():
                    continue
                account = json.loads(line).get("awsAccountId", "unknown")
                if account not in outputs:
                    outputs[account] = open(
                        os.path.join(folder, f"{account}.ndjson"), "w", encoding="utf-8"
                    )
                outputs[account].write(line if line.endswith("\n") else line + "\n")
    finally:
        for output in outputs.values():
            output.close()
    return sorted(os.path.join(folder, f"{account}.ndjson") for account in outputs)


def inventory_files(folder):
    """The NDJSON and JSON files of an inventory folder, sorted."""
    return sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(folder)
        for name in names
        if name.endswith((".ndjson", ".jsonl", ".json"))
    )


def judge_inventory(client, module, files):
    """Judges every file on the cluster; returns the findings (sorted), the
    input errors and the number of items judged."""
    if __name__ != "__main__":
        # Workers need not have this file: its functions travel by value.
        import cloudpickle

        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    shipped = client.scatter(module, broadcast=True, hash=False)
    futures = client.map(judge_file, [shipped] * len(files), files, pure=False)
    findings, errors, items = [], [], 0
    for file_findings, file_errors, file_items in client.gather(futures):
        findings.extend(file_findings)
        errors.extend(file_errors)
        items += file_items
    return sorted(findings), sorted(errors), items


def main(argv):
    from dask.distributed import Client, LocalCluster

    module = open(argv[1], "rb").read()
    files = inventory_files(argv[2])
    if len(argv) > 3:
        client, cluster = Client(argv[3]), None
    else:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
        client = Client(cluster)
    try:
        workers = len(client.scheduler_info()["workers"])
        start = time.perf_counter()
        findings, errors, items = judge_inventory(client, module, files)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for rule, outcome, severity, resource, file, line, column, message in findings:
        print(f"{file}:{line}:{column}: {rule} {outcome} ({severity}) {resource}: {message}")
    for file, line, column, reason in errors:
        print(f"{file}:{line}:{column}: error: {reason}")
    counts = collections.Counter(finding[0] for finding in findings)
    print(
        f"{len(files)} files, {items} items, {len(findings)} findings "
        f"({len(counts)} rules) in {seconds:.2f} s on {workers} workers: "
        f"{items / seconds / max(workers, 1):,.0f} items per second per worker"
    )
    return 1 if findings or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
