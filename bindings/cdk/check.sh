#!/usr/bin/env bash
# Packs the Node package and the CDK plugin, installs both tarballs with
# aws-cdk-lib and constructs from npm into a fresh folder, and synthesizes a
# small CDK app there offline (no AWS account). Needs Node 18+ and npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export WARD_REPOSITORY="$(cd ../.. && pwd)"

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
step() { printf '== %s\n' "$*"; }

step "build the Node package"
(cd ../node && node scripts/build.js)

step "npm pack"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
ward="$(cd ../node && npm pack --silent --pack-destination "$scratch" | tail -n 1)"
plugin="$(npm pack --silent --pack-destination "$scratch" | tail -n 1)"

step "install into a fresh folder"
mkdir "$scratch/app"
cd "$scratch/app"
npm init -y >/dev/null
npm install --silent --no-package-lock "$scratch/$ward" "$scratch/$plugin" aws-cdk-lib@^2.200.0 constructs@^10
cp "$here"/test/*.js .

step "synthesize the app"
node --test app.test.js example.test.js
