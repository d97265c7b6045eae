#!/usr/bin/env bash
# Runs the repository's pre-commit hook (.pre-commit-hooks.yaml) the way a
# user's repository runs it: pre-commit from pip, in a scratch virtual
# environment, `pre-commit try-repo` of this repository on a sample
# repository. The hook installs `ward` with pip (pyproject.toml, maturin),
# so this builds the command once. Checks that a template with SSH open to
# the internet fails the hook with the finding, and that a clean template
# and a file that is not an input pass it. Needs Python 3.9+, git and a
# Rust toolchain; CARGO_TARGET_DIR, when set, is shared with the build.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==4.7.0"
export PRE_COMMIT_HOME="$scratch/cache"

sample="$scratch/sample"
mkdir -p "$sample"
cd "$sample"
git init --quiet
git config user.email ci@example.invalid
git config user.name ci
cat > open-ssh.yaml <<'YAML'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
          Description: ssh from anywhere
YAML
cat > quiet.yaml <<'YAML'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Wait:
    Type: AWS::CloudFormation::WaitConditionHandle
YAML
echo '{"name": "sample", "version": "1.0.0"}' > package.json
git add .

try_repo() {
    "$scratch/venv/bin/pre-commit" try-repo "$repo" ward --verbose "$@"
}

if try_repo --files open-ssh.yaml > "$scratch/bad.log" 2>&1; then
    cat "$scratch/bad.log"
    echo "the hook passed a template with SSH open to the internet" >&2
    exit 1
fi
if ! grep -q "WARD-NET-001" "$scratch/bad.log"; then
    cat "$scratch/bad.log"
    echo "the hook failed without naming WARD-NET-001" >&2
    exit 1
fi
echo "open SSH: the hook fails with WARD-NET-001"

if ! try_repo --files quiet.yaml package.json > "$scratch/good.log" 2>&1; then
    cat "$scratch/good.log"
    echo "the hook failed on a clean template and a file that is not an input" >&2
    exit 1
fi
echo "clean template and package.json: the hook passes"
