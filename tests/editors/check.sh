#!/usr/bin/env bash
# A real editor drives the language server: headless Neovim, with its own
# LSP client, opens a CloudFormation template and must show Ward's finding
# on the offending line, then see it go when the buffer is fixed. Needs
# `nvim` (0.7 or later) on PATH; builds `ward` if needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

command -v nvim >/dev/null || { echo "nvim is not installed (apt-get install neovim)" >&2; exit 1; }
cargo build --quiet -p ward
target="${CARGO_TARGET_DIR:-$PWD/target}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/template.yaml" <<'YAML'
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - CidrIp: 0.0.0.0/0
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
YAML
WARD="$target/debug/ward" ROOT="$scratch" XDG_CACHE_HOME="$scratch/cache" \
  timeout 180 nvim --headless --clean -n -u NONE -c "luafile tests/editors/neovim.lua" 2>&1
