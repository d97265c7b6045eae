"""The Python side of the binding's overhead figures in docs/performance.md:
the time of one `Policy.check_bytes` call on a small template, and of one
call on each large template given, with the standard library. The Rust side
is `embed/examples/check_bytes_timing.rs`, on the same files.

    python overhead.py examples/templates/app.yaml cfn-10000.yaml cfn-10000.json
"""

import statistics
import sys
import time

import ward


def median_per_call(samples, batch, call):
    timings = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(batch):
            call()
        timings.append((time.perf_counter() - start) / batch)
    return statistics.median(timings)


def main(small, *large):
    policy = ward.Policy.from_stdlib()
    data = open(small, "rb").read()
    per_call = median_per_call(21, 200, lambda: policy.check_bytes(small, data))
    print(f"python small {small}: {per_call * 1e6:.1f} µs per call")
    # What a host usually does next: read the findings as objects.
    per_call = median_per_call(
        21, 200, lambda: policy.check_bytes(small, data).findings
    )
    print(f"python small {small} with findings read: {per_call * 1e6:.1f} µs per call")
    for path in large:
        data = open(path, "rb").read()
        per_call = median_per_call(5, 1, lambda: policy.check_bytes(path, data))
        findings = len(policy.check_bytes(path, data).findings)
        print(f"python large {path}: {per_call * 1e3:.1f} ms per call ({findings} findings)")
        report = policy.check_bytes(path, data)
        per_call = median_per_call(5, 1, lambda: report.findings)
        print(f"python large {path}: {per_call * 1e3:.1f} ms to read the findings as objects")


if __name__ == "__main__":
    main(*sys.argv[1:])
