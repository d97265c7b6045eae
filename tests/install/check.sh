#!/usr/bin/env bash
# Installs `ward` with `cargo install --locked --path cli`, as docs/ci.md
# tells people to, into a scratch root, and checks that the installed
# command works from another folder: its version, and the example template
# judged by the standard library (deliberate violations: exit code 1, with
# findings). The `dist` profile of the documented command differs only in
# optimisation; the release workflow builds it. CARGO_TARGET_DIR, when set,
# is shared with the build.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cargo install --quiet --locked --path "$repo/cli" --root "$scratch/root"
ward="$scratch/root/bin/ward"
test -x "$ward"

version="$("$ward" --version)"
expected="ward $(cargo metadata --format-version 1 --no-deps --manifest-path "$repo/Cargo.toml" \
    | python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "ward"))')"
if [[ "$version" != "$expected" ]]; then
    echo "installed ward says '$version', expected '$expected'" >&2
    exit 1
fi
echo "installed: $version"

cp -r "$repo/examples/templates" "$scratch/templates"
cd "$scratch"
set +e
"$ward" check --format json templates > report.json
code=$?
set -e
if [[ "$code" -ne 1 ]]; then
    echo "ward check on the example templates exited with $code, expected 1" >&2
    exit 1
fi
python3 - report.json <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
findings = report["findings"]
assert findings, "no findings on the example templates"
print(f"the installed command judged the examples: {len(findings)} findings")
PY
