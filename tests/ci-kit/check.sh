#!/usr/bin/env bash
# Validates the GitHub Action (action.yml) and every workflow file against
# the JSON schemas of GitHub Actions (SchemaStore's, through
# action-validator), and checks on broken copies that the validator does
# reject what it should. Needs Node 20+ and npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
npm ci --loglevel=error --no-progress
validate() { "$here/node_modules/.bin/action-validator" "$1"; }

validate "$repo/action.yml"
echo "action.yml: valid"
for workflow in "$repo"/.github/workflows/*.yml; do
    validate "$workflow"
    echo "${workflow#"$repo"/}: valid"
done

# Negative controls: an action without `runs` and a workflow whose job has
# no steps must be rejected.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
sed '/^runs:/,$d' "$repo/action.yml" > "$scratch/action.yml"
if validate "$scratch/action.yml" > /dev/null 2>&1; then
    echo "action-validator accepted an action without runs" >&2
    exit 1
fi
mkdir -p "$scratch/.github/workflows"
sed 's/^    steps:$/    stepz:/' "$repo/.github/workflows/ward-example.yml" \
    > "$scratch/.github/workflows/broken.yml"
if validate "$scratch/.github/workflows/broken.yml" > /dev/null 2>&1; then
    echo "action-validator accepted a job without steps" >&2
    exit 1
fi
echo "broken copies: rejected"
