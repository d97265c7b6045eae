#!/usr/bin/env bash
# Builds the `ward` Python wheel with maturin (dev profile: CI's time is
# short; the release figures are in docs/performance.md), installs it into
# a fresh virtual environment without an index, and runs the module's tests
# there against the `ward` command (WARD_BIN, built with cargo when unset).
#
#   bindings/python/check.sh            the tests of a fresh clone
#   bindings/python/check.sh --corpus   the corpus parity tests (WARD_CORPUS)
#
# Needs Python 3.9+ and a Rust toolchain; CARGO_TARGET_DIR, when set, is
# shared with the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
target="${CARGO_TARGET_DIR:-$repo/target}"
export CARGO_TARGET_DIR="$target"

suite=tests
if [[ "${1:-}" == "--corpus" ]]; then
    suite=corpus
fi

start=$SECONDS
python3 -m venv "$scratch/tools"
"$scratch/tools/bin/pip" install --quiet --disable-pip-version-check "maturin==1.16.0"
"$scratch/tools/bin/maturin" build --quiet --profile dev \
    --manifest-path "$here/Cargo.toml" --out "$scratch/wheels"
wheel=("$scratch"/wheels/ward-*.whl)
echo "built $(basename "${wheel[0]}") in $((SECONDS - start)) s"

python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "${wheel[0]}"

if [[ -z "${WARD_BIN:-}" ]]; then
    cargo build --quiet --manifest-path "$repo/Cargo.toml" -p ward
    export WARD_BIN="$target/debug/ward"
fi

# The tests import the installed module, never the source tree.
cd "$here/tests"
start=$SECONDS
if [[ "$suite" == corpus ]]; then
    : "${WARD_CORPUS:?WARD_CORPUS must name the corpus}"
    "$scratch/venv/bin/python" -B -m unittest -v corpus_parity
else
    "$scratch/venv/bin/python" -B -m unittest discover -v -s . -p 'test_*.py'
    # The distributed recipe on a local Dask cluster (examples/dask_inventory.py).
    "$scratch/venv/bin/pip" install --quiet --disable-pip-version-check "dask[distributed]==2024.8.0"
    "$scratch/venv/bin/python" -B -m unittest -v distributed_recipe
fi
echo "python tests ($suite) in $((SECONDS - start)) s"
