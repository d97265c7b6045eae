#!/usr/bin/env bash
set -euo pipefail; cargo build --locked --manifest-path "$(dirname "$0")/Cargo.toml" --bins
