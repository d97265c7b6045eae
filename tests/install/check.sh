#!/usr/bin/env bash
# Installs `ward` with `cargo install --locked --path cli`, as docs/ci.md
# tells people to, into a scratch root, and checks that the installed
# command works from another folder: its version, and the example template
# judged by the standard library (deliberate violations: exit code 1, with
# findings). The `dist` profile of the documented command differs only in
# optimisation; the release workflow builds it. Then packages the
# publishable crates (see the end). CARGO_TARGET_DIR, when set, is shared
# with the build.
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

# The publishable crates package: every workspace crate not marked `publish
# = false`, packaged together (their path dependencies on each other go
# through cargo's temporary local registry), without building them; this
# checks their metadata, that each path dependency has a version and what
# files each package carries, and that each is under crates.io's 10 MB. A
# verified `cargo package --workspace` builds every crate once more from its
# package and takes minutes (see docs/ci.md); here only ward-abi, the leaf
# the others build on, is built from its package.
cd "$repo"
cargo metadata --format-version 1 --no-deps > "$scratch/metadata.json"
publishable() {
    python3 - "$scratch/metadata.json" "$1" <<'PY'
import json, sys
packages = json.load(open(sys.argv[1]))["packages"]
for package in packages:
    publish = package["publish"] != []
    if sys.argv[2] == "excluded" and not publish:
        print("--exclude", package["name"])
    elif sys.argv[2] == "crates" and publish:
        print(f'{package["name"]}-{package["version"]}.crate')
PY
}
# shellcheck disable=SC2046 # one word per flag
cargo package --quiet --locked --workspace $(publishable excluded) --no-verify
cargo package --quiet --locked -p ward-abi
packages="${CARGO_TARGET_DIR:-$repo/target}/package"
for crate in $(publishable crates); do
    size="$(stat -c %s "$packages/$crate")"
    if [[ "$size" -ge 10000000 ]]; then
        echo "$crate is $size bytes, over the 10 MB crates.io takes" >&2
        exit 1
    fi
done
echo "packaged: $(publishable crates | tr '\n' ' ')"
