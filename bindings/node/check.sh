#!/usr/bin/env bash
# Builds the Node package (dev profile), packs it, installs the tarball into
# a fresh folder and runs its tests there against `ward check`. With
# `--corpus`, runs the corpus test instead (needs WARD_CORPUS). Needs Node
# 18+ and npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step() { printf '== %s\n' "$*"; }

step "build the addon and ward"
node scripts/build.js
cargo build --quiet -p ward
target="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
export WARD_BIN="$target/debug/ward"
export WARD_REPOSITORY="$root"

step "npm pack"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
tarball="$(npm pack --silent --pack-destination "$scratch" | tail -n 1)"

step "install $tarball into a fresh folder"
mkdir "$scratch/host"
cd "$scratch/host"
npm init -y >/dev/null
npm install --silent --no-package-lock "$scratch/$tarball"
cp "$here"/test/*.js .

if [[ "${1:-}" == "--corpus" ]]; then
  : "${WARD_CORPUS:?set WARD_CORPUS to the corpus folder}"
  cp "$here"/corpus-test/*.js .
  step "corpus test"
  node --test corpus.test.js
else
  step "tests"
  node --test parity.test.js errors.test.js hostile.test.js example.test.js
fi
