#!/usr/bin/env python3
"""A/B comparison of two `ward` binaries on one input.

    bench/compare.py --before OLD/ward --after NEW/ward --input T.yaml \
        [--policy-before DIR] [--policy-after DIR] [--runs 21] [--env K=V] \
        [--native bench/out/target/release/ward-bench-native]

Runs `ward check --format json` with each binary once to warm the caches,
checks that both report the same findings, then alternates the two for
`--runs` runs each (before/after, then after/before, ...) so that drift of
the machine falls on both alike. Prints the median wall time, CPU time and
maximum resident memory (from `wait4`) of each, and the ratio of the
medians. Without `--policy-*` both run the standard library. With
`--native`, the hand-written baseline of bench/run.sh (run on the same
input, which must then be a JSON template of bench/gen with the example
policies) takes its turn in the rotation as a third command.

Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def command(binary, policy, template):
    cmd = [binary, "check", "--format", "json"]
    if policy:
        cmd += ["--policy", policy]
    return cmd + [template]


def run(cmd, env):
    """Wall time and CPU time in seconds and peak RSS in KiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited with {code}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def findings(cmd, env):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env).stdout
    return json.loads(out)["findings"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--policy-before")
    parser.add_argument("--policy-after")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--env", action="append", default=[], help="K=V for both binaries")
    parser.add_argument("--native", help="the native baseline binary, timed in the same rotation")
    args = parser.parse_args()

    env = dict(os.environ)
    for pair in args.env:
        key, _, value = pair.partition("=")
        env[key] = value
    cmds = {
        "before": command(args.before, args.policy_before, args.input),
        "after": command(args.after, args.policy_after, args.input),
    }
    if findings(cmds["before"], env) != findings(cmds["after"], env):
        sys.exit("the two binaries report different findings")
    if args.native:
        cmds["native"] = [args.native, args.input]
    names = list(cmds)
    samples = {name: [] for name in names}
    for index in range(args.runs):
        # Each command starts each position of the rotation equally often.
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(run(cmds[name], env))
    times = {name: [s[0] for s in samples[name]] for name in names}
    for name in names:
        wall, cpu, rss = (statistics.median(s[i] for s in samples[name]) for i in range(3))
        print(
            f"{name}: median {1000 * wall:.1f} ms, CPU {1000 * cpu:.1f} ms, "
            f"peak RSS {rss / 1024:.1f} MiB"
        )
    ratio = statistics.median(times["after"]) / statistics.median(times["before"])
    print(f"after/before: {ratio:.3f}")


if __name__ == "__main__":
    main()
