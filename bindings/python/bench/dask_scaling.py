"""How the Dask recipe scales: judges an inventory folder (one file per
account) on local clusters of one and two single-threaded worker processes,
three times each after a warm-up, and prints the median with the items
judged per second per worker.

    python dask_scaling.py MODULE.wasm INVENTORY_FOLDER
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
import dask_inventory as d  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402


def main():
    module = open(sys.argv[1], "rb").read()
    files = d.inventory_files(sys.argv[2])
    for workers in (1, 2):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        d.judge_inventory(client, module, files[:2])  # warm: module loaded on the workers
        runs = []
        for _ in range(3):
            start = time.perf_counter(); f, e, items = d.judge_inventory(client, module, files); runs.append(time.perf_counter() - start)
        runs.sort(); s = runs[1]
        print(f"{workers} workers: {items} items, {len(f)} findings, median {s:.2f} s, {items/s/workers:,.0f} items/s/worker")
        client.close(); cluster.close()
    

if __name__ == "__main__":
    main()
