#!/usr/bin/env python3
"""Driver of the end-to-end benchmark; `bench/run.sh` builds and calls it.

For each size and format it generates (or reuses) a template and its ground
truth, runs every tool once to warm the caches and collect its findings,
compares them with the ground truth, then times the tool: the median of
`--runs` runs of the whole process, wall time and maximum resident memory
(from `wait4`). Ratios are against the native baseline measured in the same
run on the JSON template of the same size.

Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
OUT_DIR = os.path.join(BENCH_DIR, "out")
sys.path.insert(0, os.path.join(BENCH_DIR, "gen"))
sys.path.insert(0, os.path.join(BENCH_DIR, "peers"))

import gen  # noqa: E402
import peers  # noqa: E402

RUN_TIMEOUT_SECONDS = 900


# ---------------------------------------------------------------------------
# Templates and ground truth


def template_paths(size, seed):
    base = os.path.join(OUT_DIR, "templates", f"seed-{seed}", f"cfn-{size}")
    return {"json": base + ".json", "yaml": base + ".yaml", "truth": base + ".truth"}


def ensure_template(size, seed):
    """Generates the template unless a copy newer than the generator exists."""
    paths = template_paths(size, seed)
    generator_time = os.path.getmtime(gen.__file__)
    fresh = all(os.path.exists(path) and os.path.getmtime(path) >= generator_time for path in paths.values())
    if not fresh:
        print(f"generating {size} resources (seed {seed})", file=sys.stderr)
        gen.write(size, seed, os.path.dirname(paths["json"]))
    return paths


def read_truth(path):
    """The expected (rule, resource) pairs and the expected number of findings."""
    pairs = set()
    findings = None
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("# findings:"):
                findings = int(line.split(":", 1)[1])
            elif line and not line.startswith("#"):
                rule, resource = line.split()
                pairs.add((rule, resource))
    return pairs, findings


# ---------------------------------------------------------------------------
# Tools


class Tool:
    """A command to time and a parser of its findings."""

    def __init__(self, name, formats, command, parse, version, max_size=None, cwd=REPO_DIR):
        self.name = name
        self.formats = formats
        self.command = command
        self.parse = parse
        self.version = version
        self.max_size = max_size
        self.cwd = cwd


def parse_ward(stdout, template):
    report = json.loads(stdout)
    pairs = set()
    problems = []
    for finding in report["findings"]:
        if finding["outcome"] != "fail":
            problems.append(f"{finding['outcome']} finding {finding['rule']} {finding['resource']}")
        pairs.add((finding["rule"], finding["resource"]))
    if report["summary"].get("errors"):
        problems.append(f"{report['summary']['errors']} rule errors")
    return pairs, len(report["findings"]), problems


def parse_native(stdout, template):
    pairs = set()
    count = 0
    for line in stdout.splitlines():
        if line.strip():
            rule, resource = line.split("\t")[:2]
            pairs.add((rule, resource))
            count += 1
    return pairs, count, []


def ward_tools(binary):
    """`ward check` as it runs by default and, when the binary has the
    choice, with the reference interpreter as `ward-reference`."""
    version = version_of([binary, "--version"])
    help_text = subprocess.run([binary, "check", "--help"], capture_output=True, text=True).stdout
    tools = []
    for name, extra in [("ward", []), ("ward-reference", ["--engine", "reference"])]:
        if extra and "--engine" not in help_text:
            continue

        def command(template, extra=extra):
            return [binary, "check", "--policy", "examples/policies", "--format", "json"] + extra + [template]

        tools.append(Tool(name, ["json", "yaml"], command, parse_ward, version))
    return tools


def native_tool(binary):
    return Tool("native", ["json"], lambda template: [binary, template], parse_native, "baseline")


def version_of(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0].strip() if text else "unknown"


# ---------------------------------------------------------------------------
# Measuring


TIME = "/usr/bin/time"


def run_once(command, cwd, stdout_path):
    """Wall seconds, max RSS in KiB and exit status of one run.

    The peak memory comes from GNU time when it is installed: `wait4` on a
    child of this Python process would count the memory of the interpreter
    the child was forked from before it ran the tool.
    """
    rss_path = stdout_path + ".rss"
    use_time = os.access(TIME, os.X_OK)
    if use_time:
        command = [TIME, "-f", "%M", "-o", rss_path, "--"] + list(command)
    with open(stdout_path, "wb") as stdout, open(stdout_path + ".err", "wb") as stderr:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
        # `wait(timeout=...)` polls with sleeps of up to 50 ms, which would
        # round every wall time up to the next poll: block in `waitpid`
        # instead and let a timer kill a run that takes too long.
        killer = threading.Timer(RUN_TIMEOUT_SECONDS, process.kill)
        killer.start()
        try:
            process.wait()
        finally:
            killer.cancel()
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # User and system time of the tool (and of GNU time, a few hundred
    # microseconds), summed over every process reaped during the run.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = None
    if use_time:
        try:
            with open(rss_path) as handle:
                peak = int(handle.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            peak = None
    if peak is None:
        peak = after.ru_maxrss
    return elapsed, peak, process.returncode, cpu


def measure(tool, template, runs, label):
    """Runs the tool once to warm up, then `runs` times; returns a result dict."""
    stdout_path = os.path.join(OUT_DIR, "runs", f"{label}.out")
    os.makedirs(os.path.dirname(stdout_path), exist_ok=True)
    warm_time, warm_rss, status, _ = run_once(tool.command(template), tool.cwd, stdout_path)
    with open(stdout_path, errors="replace") as handle:
        stdout = handle.read()
    result = {"status": status, "warm": warm_time}
    try:
        result["pairs"], result["count"], result["problems"] = tool.parse(stdout, template)
    except Exception as error:  # noqa: BLE001 - any parse failure is reported, not raised
        with open(stdout_path + ".err", errors="replace") as handle:
            stderr = handle.read().strip()
        result["pairs"], result["count"] = set(), 0
        result["problems"] = [f"no findings could be read ({error}); exit {status}; {stderr[:300]}"]
    if tool.name in ("ward", "ward-reference", "native") and status not in (0, 1):
        result["problems"].append(f"exit status {status}")
    # A slow peer is timed on its warm-up run and one more run only.
    if warm_time > 20 and runs > 1:
        runs = 1
    times = []
    cpus = []
    rss = [warm_rss]
    for _ in range(runs):
        elapsed, peak, _, cpu = run_once(tool.command(template), tool.cwd, stdout_path)
        times.append(elapsed)
        rss.append(peak)
        if cpu is not None:
            cpus.append(cpu)
    result["runs"] = len(times)
    result["median"] = statistics.median(times)
    result["cpu"] = statistics.median(cpus) if cpus else None
    result["rss_mib"] = max(rss) / 1024
    return result


def compare(result, truth_pairs, truth_count, exact_count):
    """Fills result['verdict'] and returns whether the findings are right."""
    missing = truth_pairs - result["pairs"]
    extra = result["pairs"] - truth_pairs
    notes = list(result["problems"])
    if missing:
        notes.append(f"{len(missing)} missed, e.g. {' '.join(sorted(missing)[0])}")
    if extra:
        notes.append(f"{len(extra)} extra, e.g. {' '.join(sorted(extra)[0])}")
    if exact_count and result["count"] != truth_count:
        notes.append(f"{result['count']} findings, expected {truth_count}")
    result["missing"] = len(missing)
    result["extra"] = len(extra)
    result["verdict"] = "; ".join(notes) if notes else "exact"
    return not notes


# ---------------------------------------------------------------------------
# Report


def seconds(value):
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def render(rows, meta):
    lines = [
        "# End-to-end benchmark results",
        "",
        f"- date: {meta['date']}",
        f"- machine: {meta['machine']}",
        f"- seed: {meta['seed']}; runs per measurement: {meta['runs']} (median), after one warm-up run",
        f"- tools: {meta['tools']}",
        "",
        "Wall: median wall time of the whole process. CPU: median user + system time. Ratios: over the native",
        "baseline's medians on the JSON template of the same size, measured in this run (below 1 is faster).",
        "",
        "| resources | format | tool | wall | wall vs native | CPU | CPU vs native | max RSS | runs | findings vs ground truth |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        result = row["result"]
        if "median" not in result:
            lines.append(
                f"| {row['size']:,} | {row['format']} | {row['tool']} | – | – | – | – | – | – | {result['verdict']} |"
            )
            continue
        ratio = f"{result['ratio']:.2f}x" if result.get("ratio") is not None else "–"
        cpu = seconds(result["cpu"]) if result.get("cpu") is not None else "–"
        cpu_ratio = f"{result['cpu_ratio']:.2f}x" if result.get("cpu_ratio") is not None else "–"
        lines.append(
            f"| {row['size']:,} | {row['format']} | {row['tool']} | {seconds(result['median'])} | {ratio} "
            f"| {cpu} | {cpu_ratio} | {result['rss_mib']:.0f} MiB | {result['runs']} | {result['verdict']} |"
        )
    lines.append("")
    if meta.get("growth"):
        sizes = sorted({size for _, points in meta["growth"] for size, _ in points})
        lines.append("Growth: CPU time per resource, relative to the smallest size measured from 1,000 resources on "
                     "(1.00 is linear growth; below 1,000, process start-up dominates):")
        lines.append("")
        lines.append("| tool | format | " + " | ".join(f"{size:,}" for size in sizes) + " |")
        lines.append("| --- | --- | " + " | ".join("---:" for _ in sizes) + " |")
        for (tool_name, format_name), points in meta["growth"]:
            factors = dict(points)
            cells = [f"{factors[size]:.2f}" if size in factors else "–" for size in sizes]
            lines.append(f"| {tool_name} | {format_name} | " + " | ".join(cells) + " |")
        lines.append("")
    if meta.get("targets"):
        lines.append("Targets of the benchmark's issue, on the JSON template (wall / CPU):")
        lines.append("")
        for target in meta["targets"]:
            lines.append(f"- {target}")
        lines.append("")
    for note in meta["notes"]:
        lines.append(f"- {note}")
    return "\n".join(lines) + "\n"


def machine_description():
    model = platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def main(argv):
    parser = argparse.ArgumentParser(prog="bench/run.sh",
                                     description="End-to-end benchmark of `ward check` (see docs/performance.md).")
    parser.add_argument("--ward", required=True, help="the ward binary (given by bench/run.sh)")
    parser.add_argument("--native", required=True, help="the native baseline binary (given by bench/run.sh)")
    parser.add_argument("--sizes", default=None, help="comma-separated resource counts (default 100,1000,10000,50000)")
    parser.add_argument("--quick", action="store_true", help="sizes 100,1000 unless --sizes, 3 runs, peers up to 1,000")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per measurement (default 5, 3 with --quick)")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--peers", default=",".join(peers.NAMES), help="peers to run when installed")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--peer-max-size", type=int, default=None,
        help="largest template given to cfn-guard; default 10000, 1000 with --quick",
    )
    parser.add_argument("--checkov-max-size", type=int, default=None,
                        help="largest template given to checkov; default 10000, 1000 with --quick")
    args = parser.parse_args(argv)

    sizes = args.sizes or ("100,1000" if args.quick else "100,1000,10000,50000")
    sizes = [int(size.replace("_", "")) for size in sizes.split(",") if size.strip()]
    runs = args.runs or (3 if args.quick else 5)
    peer_max = args.peer_max_size or (1000 if args.quick else 10000)
    checkov_max = args.checkov_max_size or (1000 if args.quick else 10000)

    notes = []
    tools = [native_tool(args.native)] + ward_tools(args.ward)
    if not args.no_peers:
        for name in args.peers.split(","):
            name = name.strip()
            if not name:
                continue
            tool, note = peers.make(name, peer_max, checkov_max)
            if tool is None:
                print(f"note: {note}", file=sys.stderr)
                notes.append(note)
            else:
                tools.append(Tool(name, tool["formats"], tool["command"], tool["parse"], tool["version"],
                                  tool.get("max_size"), tool.get("cwd", REPO_DIR)))

    rows = []
    ward_ok = True
    cpu_medians = {}
    for size in sizes:
        paths = ensure_template(size, args.seed)
        truth_pairs, truth_count = read_truth(paths["truth"])
        native_median = native_cpu = None
        for tool in tools:
            for format_name in tool.formats:
                row = {"size": size, "format": format_name, "tool": tool.name}
                if tool.max_size is not None and size > tool.max_size:
                    row["result"] = {"verdict": f"not run above {tool.max_size:,} resources (slow; see --peer-max-size and --checkov-max-size)"}
                    rows.append(row)
                    continue
                print(f"{tool.name} on {size:,} resources ({format_name})", file=sys.stderr)
                label = f"{tool.name}-{size}-{format_name}"
                result = measure(tool, paths[format_name], runs, label)
                exact = tool.name in ("ward", "ward-reference", "native")
                right = compare(result, truth_pairs, truth_count, exact)
                if tool.name.startswith("ward") and not right:
                    ward_ok = False
                if tool.name == "native" and format_name == "json":
                    native_median = result["median"]
                    native_cpu = result["cpu"]
                if result.get("cpu") is not None:
                    cpu_medians.setdefault((tool.name, format_name), []).append((size, result["cpu"]))
                result["ratio"] = result["median"] / native_median if native_median else None
                result["cpu_ratio"] = result["cpu"] / native_cpu if native_cpu and result["cpu"] is not None else None
                row["result"] = result
                rows.append(row)
                print(f"  median {seconds(result['median'])} wall, {seconds(result['cpu'] or 0)} CPU, "
                      f"{result['rss_mib']:.0f} MiB, {result['verdict']}",
                      file=sys.stderr)

    growth = []
    for key, points in cpu_medians.items():
        points = sorted(point for point in points if point[0] >= 1000)
        if len(points) >= 2:
            base_size, base_cpu = points[0]
            growth.append((key, [(size, (cpu / size) / (base_cpu / base_size)) for size, cpu in points]))
    targets = []
    by_key = {(row["tool"], row["format"], row["size"]): row["result"] for row in rows if "median" in row["result"]}

    def speedup(peer, size, goal):
        ward, other = by_key.get(("ward", "json", size)), by_key.get((peer, "json", size))
        if not ward or not other:
            return
        wall, cpu = other["median"] / ward["median"], other["cpu"] / ward["cpu"]
        verdict = "met" if min(wall, cpu) >= goal else ("met on CPU only" if cpu >= goal else "not met")
        targets.append(f"{size:,} resources: ward {wall:.1f}x / {cpu:.1f}x faster than {peer} "
                       f"(goal {goal:g}x): {verdict}")

    speedup("regorus", 10000, 3)
    speedup("cfn-guard", 10000, 50)
    ward_10k = by_key.get(("ward", "json", 10000))
    if ward_10k and ward_10k.get("ratio") is not None:
        wall, cpu = ward_10k["ratio"], ward_10k["cpu_ratio"]
        verdict = "met" if max(wall, cpu) <= 1.5 else ("met on wall time only" if wall <= 1.5 else
                                                      "met on CPU only" if cpu <= 1.5 else "not met")
        targets.append(f"10,000 resources: ward at {wall:.2f}x / {cpu:.2f}x of native (goal within 1.5x): {verdict}")
    for (tool_name, format_name), points in growth:
        factors = dict(points)
        if tool_name == "ward" and 1000 in factors and 50000 in factors:
            targets.append(f"growth 1,000 to 50,000 resources, ward on {format_name}: CPU per resource "
                           f"x{factors[50000]:.2f}")
    notes.append("Every tool runs as a whole process (start, load, parse, evaluate, print), stdout to a file.")
    if any(tool.name == "ward-reference" for tool in tools):
        notes.append("`ward` runs `ward check` as it is by default (the policies compiled to WebAssembly and run "
                     "under the runtime, the module cached on disk by the warm-up run); `ward-reference` adds "
                     "`--engine reference`, the interpreter of `ward-compiler`.")
    else:
        notes.append("This `ward check` evaluates with the reference interpreter of `ward-compiler`.")
    notes.append("Only ward and the native baseline must report exactly the ground truth's number of findings; "
                 "peers are compared on the set of (rule, resource) pairs.")
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": machine_description(),
        "seed": args.seed,
        "runs": runs,
        "tools": "; ".join(f"{tool.name}: {tool.version}" for tool in tools),
        "growth": growth,
        "targets": targets,
        "notes": notes,
    }
    text = render(rows, meta)
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "results.md"), "w") as handle:
        handle.write(text)
    print(text)
    if not ward_ok:
        print("error: ward's findings differ from the ground truth (see the table)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
