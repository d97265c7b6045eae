#!/usr/bin/env bash
# Validates the GitHub Action (action.yml) and every workflow file against
# the JSON schemas of GitHub Actions (SchemaStore's, through
# action-validator), checks that CI keeps the VS Code extension as an
# artifact and the release attaches it, and checks on broken copies that
# the validator does reject what it should. Needs Node 20+ and npm.
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

# The VS Code extension reaches people two ways: every CI run keeps the
# .vsix as an artifact, and the release attaches it to the GitHub release
# beside the archives. The schemas cannot tell, so check that the workflows
# still say so.
expect() {
    grep -qE "$2" "$repo/.github/workflows/$1" || { echo ".github/workflows/$1: $3" >&2; exit 1; }
}
expect ci.yml '^        run: ward/\.ci/run$' "does not run .ci/run"
expect ci.yml '^          path: editors/vscode/ward\.vsix$' "does not keep editors/vscode/ward.vsix as an artifact"
expect release.yml '^          path: ward-\*\.vsix$' "does not pass the .vsix to the release job"
expect release.yml 'gh release create .* dist/\*' "does not attach the downloaded files to the release"
echo "the .vsix: a CI artifact and a release asset"

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
