#!/usr/bin/env python3
"""The cost of the human report against the JSON report, by template size.

    bench/human.py --ward target/release/ward [--sizes 1000,2000,4000,8000]
                   [--runs 5] [--out bench/out/human]

Writes one CloudFormation template per size with that many S3 buckets that
the standard library fails (each bucket gives several findings, all in one
file), then times `ward check --format human` and `ward check --format json`
on it, alternating the two so that drift of the machine falls on both alike,
and prints the median wall time of each, their ratio and the number of
findings (from the JSON report). The human report must stay within a small
factor of the JSON one: it underlines each finding's line, and that costs
the size of the line, not the size of the file (docs/performance.md).

Output goes to a pipe, as in CI: no colour. Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def template(buckets):
    """A YAML template of `buckets` buckets without encryption, versioning,
    logging or a public access block."""
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    for index in range(buckets):
        lines += [
            f"  Bucket{index}:",
            "    Type: AWS::S3::Bucket",
            "    Properties:",
            f"      BucketName: bench-bucket-{index}",
        ]
    return "\n".join(lines) + "\n"


def run(cmd, env):
    """Wall time in seconds and standard output of one run."""
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited with {result.returncode}")
    return elapsed, result.stdout


def main(argv):
    parser = argparse.ArgumentParser(prog="bench/human.py")
    parser.add_argument("--ward", required=True, help="the ward binary (a release build)")
    parser.add_argument("--sizes", default="1000,2000,4000,8000", help="bucket counts")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each format")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out", "human"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    env = dict(os.environ, NO_COLOR="1")
    print("| buckets | findings | human (s) | json (s) | human / json |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in [int(s) for s in args.sizes.split(",")]:
        path = os.path.join(args.out, f"buckets-{size}.yaml")
        with open(path, "w", encoding="utf-8") as out:
            out.write(template(size))
        command = {
            fmt: [args.ward, "check", "--format", fmt, path] for fmt in ("human", "json")
        }
        # One warm-up run of each (module cache, page cache); its JSON
        # gives the number of findings.
        run(command["human"], env)
        _, stdout = run(command["json"], env)
        findings = len(json.loads(stdout)["findings"])
        times = {"human": [], "json": []}
        for index in range(args.runs):
            order = ("human", "json") if index % 2 == 0 else ("json", "human")
            for fmt in order:
                elapsed, _ = run(command[fmt], env)
                times[fmt].append(elapsed)
        human = statistics.median(times["human"])
        json_time = statistics.median(times["json"])
        print(
            f"| {size:,} | {findings:,} | {human:.3f} | {json_time:.3f} | {human / json_time:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
