#!/usr/bin/env bash
# Runs every fuzz target built by build.sh for a short fixed time, on a few
# seeds from seeds.sh: a quick check in CI that each target starts, reads
# its seeds without failing, and survives some random mutation. The stable
# build has no coverage instrumentation, so this is a random tester, not a
# fuzzing run (see README.md for those).
#
#   tests/fuzz/smoke.sh            # 15 seconds per target
#   SMOKE_SECONDS=60 tests/fuzz/smoke.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${SMOKE_SECONDS:-15}"
# Where build.sh put the binaries: cargo's target folder for this crate.
bin="${CARGO_TARGET_DIR:-$here/target}/debug"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

SEEDS_OUT="$work/seeds" SEEDS_MAX=20 "$here/seeds.sh" > /dev/null
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$here/Cargo.toml" | grep -v '^ward-fuzz$')
failed=0
for target in $targets; do
  mkdir -p "$work/new/$target" "$work/seeds/$target" "$work/artifacts/$target"
  if "$bin/$target" "$work/new/$target" "$work/seeds/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/$target/" > "$work/$target.log" 2>&1; then
    echo "$target: ok ($(grep -o '^#[0-9]*' "$work/$target.log" | tail -1 | tr -d '#') runs)"
  else
    failed=1
    echo "$target: FAILED"
    tail -40 "$work/$target.log"
    for artifact in "$work/artifacts/$target"/*; do
      [[ -f "$artifact" ]] || continue
      echo "input ($(basename "$artifact")), base64:"
      base64 "$artifact" | head -c 4096
      echo
    done
  fi
done
exit "$failed"
