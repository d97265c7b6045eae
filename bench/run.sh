#!/usr/bin/env bash
# The end-to-end benchmark of `ward check` on generated CloudFormation
# templates, against a hand-written native Rust checker and the peers that
# are installed (regorus, cfn-guard, checkov).
#
#   bench/run.sh [--sizes 100,1000,10000,50000] [--quick] [--runs N] [--seed S]
#                [--peers regorus,cfn-guard,checkov] [--no-peers]
#
# Builds ward and the native baseline in release, generates the templates
# (cached under bench/out/templates), checks every tool's findings against
# the ground truth, times each tool (median of N runs after one warm-up run),
# prints the table and writes it to bench/out/results.md. Exits non-zero when
# ward's findings differ from the ground truth. See docs/performance.md.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$bench_dir")"
cd "$repo_dir"

for arg in "$@"; do
    if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
        exec python3 "$bench_dir/bench.py" --help
    fi
done

echo "building ward (release)" >&2
cargo build --release -p ward --quiet
echo "building the native baseline (release)" >&2
CARGO_TARGET_DIR="$bench_dir/out/target" \
    cargo build --release --quiet --manifest-path "$bench_dir/native/Cargo.toml"

target_dir="$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

exec python3 "$bench_dir/bench.py" \
    --ward "$target_dir/release/ward" \
    --native "$bench_dir/out/target/release/ward-bench-native" \
    "$@"
