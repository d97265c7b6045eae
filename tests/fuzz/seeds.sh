#!/usr/bin/env bash
# Fills corpus/<target>/ with a bounded sample of real inputs for each fuzz
# target, from a corpus folder (WARD_CORPUS, default ../shared/corpus
# next to the repository) and from the repository's own examples and tests. The
# corpus folder is not part of the repository; corpus/ is ignored by git.
#
#   tests/fuzz/seeds.sh            # up to 200 files of at most 64 KiB each
#   SEEDS_MAX=50 tests/fuzz/seeds.sh
#   SEEDS_OUT=/tmp/seeds tests/fuzz/seeds.sh   # somewhere else than corpus/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out_root="${SEEDS_OUT:-$here/corpus}"
source_dir="${WARD_CORPUS:-$repo/../shared/corpus}"
max="${SEEDS_MAX:-200}"
max_bytes="${SEEDS_MAX_BYTES:-65536}"

# copy TARGET PATTERN DIR...: up to $max files named like PATTERN, at most
# $max_bytes each, shared evenly between the folders, in a stable order,
# named after their path.
copy() {
  local target="$1" pattern="$2"
  shift 2
  local out="$out_root/$target"
  mkdir -p "$out"
  local quota=$(( (max + $# - 1) / $# ))
  for dir in "$@"; do
    [[ -d "$dir" ]] || continue
    local count=0
    while IFS= read -r -d '' file; do
      [[ $count -lt $quota ]] || break
      local name
      name="seed-$(printf '%s' "${file#/}" | tr -c 'A-Za-z0-9._-' '_' | tail -c 120)"
      cp "$file" "$out/$name"
      count=$((count + 1))
    done < <(find "$dir" -type f -regextype posix-extended -regex "$pattern" \
      -size -"$((max_bytes / 1024 + 1))"k -print0 | sort -z)
  done
}

# Not every target reads every folder's files as what they are meant to be:
# that is the point of a fuzz corpus; the samples only give it real shapes.
copy load_json '.*\.json' "$source_dir/cfn" "$source_dir/inventory" "$source_dir/tfplan" "$source_dir/checkov-cfn"
copy load_yaml '.*\.ya?ml' "$source_dir/cfn" "$source_dir/checkov-cfn" "$source_dir/guard-registry"
copy cfn_resolve '.*\.(json|ya?ml)' "$source_dir/checkov-cfn" "$source_dir/cfn" "$repo/examples"
copy terraform_plan '.*\.json' "$source_dir/tfplan" "$repo/examples"
copy config_items '.*\.(json|ndjson|jsonl)' "$source_dir/inventory" "$repo/examples"
copy parse_and_check '.*\.ward' "$repo/examples" "$repo/compiler/core/tests" "$repo/stdlib"

# Parameters files joined to templates by a NUL byte, as cfn_resolve reads
# them.
out="$out_root/cfn_resolve"
printf '[{"ParameterKey":"Env","ParameterValue":"prod"}]\0' > "$out/seed-params-json"
first_template=$(find "$out" -maxdepth 1 -type f -name 'seed-*yaml' | sort | head -1)
if [[ -n "$first_template" ]]; then
  { printf 'Env=prod\nKms=true\n\0'; cat "$first_template"; } > "$out/seed-params-lines"
fi

# Results memory images (see decode_results.rs for the 16 bytes in front):
# a header at address 0 with one outcome and one finding with a message,
# and a header with an error status and message.
out="$out_root/decode_results"
mkdir -p "$out"
word() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\0\\0"; }
words() { for w in "$@"; do word "$w"; done; }
{ words 0 4 16; printf '\2\1\20\0'
  words 0 1 32 1 40 0 0 0  # header: ok, 1 outcome at 32, 1 finding at 40
  words 0 1                # outcome: resource 0, code 1
  words 0 0 3 1 1 72 4 0   # finding: last, resource 0, node 3, check 1, message at 72
  printf 'fail'; } > "$out/seed-ok"
{ words 0 4 16; printf '\2\1\20\0'
  words 2 0 0 0 0 32 5 0; printf 'error'; } > "$out/seed-error"

# Baselines as `ward baseline` writes them.
out="$out_root/baseline"
mkdir -p "$out"
printf '{\n  "suppressions": [\n    {\n      "rule": "s3_encrypted",\n      "file": "template.yaml",\n      "resource": "Bucket",\n      "reason": "accepted"\n    }\n  ]\n}\n' > "$out/seed-one"
printf '{"suppressions":[{"rule":"r","reason":"why"},{"rule":"q","file":"a.json","reason":" x "}]}' > "$out/seed-two"
printf '{"suppressions":[]}' > "$out/seed-empty"

# Configuration files: every TOML block of the documentation (the
# `ward.toml` examples), the repository's own TOML files for the shapes of
# the format, and files written here: every key, the values each takes and
# the mistakes the command's tests make.
out="$out_root/ward_toml"
mkdir -p "$out"
for doc in "$repo/README.md" "$repo"/docs/*.md; do
  awk -v out="$out/seed-doc-$(basename "$doc" .md)" '
    /^```toml/ { block++; file = out "-" block; inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > file }' "$doc"
done
for file in Cargo.toml pyproject.toml config/Cargo.toml cli/Cargo.toml; do
  cp "$repo/$file" "$out/seed-repo-$(printf '%s' "$file" | tr '/' '_')"
done
printf 'policies = ["policies"]\npaths = ["templates"]\nformat = "json"\nfail-on = "never"\n' > "$out/seed-paths"
printf 'paths = ["templates"]\n\n  fail_on = "high"\n' > "$out/seed-unknown-key"
printf 'fail-on = "sometimes"\n' > "$out/seed-unknown-threshold"
printf 'format = 3\n' > "$out/seed-format-number"
printf 'timeout = 0\n' > "$out/seed-timeout-zero"
printf '[params]\nmax_noncurrent_days = "soon"\n' > "$out/seed-param-text"
printf 'rules = ["NET-*", "IAM-001"]\nskip-rules = ["IAM-001"]\ncontrols = ["CIS:*"]\n' > "$out/seed-rules"
printf 'exclude = ["/templates/legacy", "**/*.tmp"]\nstdlib = true\nstrict = true\n' > "$out/seed-exclude"
printf 'format = ["sarif=reports/ward.sarif", "json", "HUMAN"]\n' > "$out/seed-formats"
printf 'baseline = "baseline.json"\nparameters = "params/prod.json"\nfail-on-unknown = "high"\n' > "$out/seed-baseline"
printf 'timeout = 0.5\nmax-input-size = "64MiB"\nmax-values = 1000\n' > "$out/seed-bounds"
printf 'max-input-size = 1000000\n' > "$out/seed-size-number"
printf 'max-input-size = -1\n' > "$out/seed-size-negative"
printf '[levels]\n"WARD-S3-*" = "advisory"\n"ward.aws.iam" = "hard-mandatory"\n[severities]\n"WARD-LOG-*" = "low"\n' > "$out/seed-levels"
printf '[params]\ndate = 2026-12-07T10:00:00Z\nnan = nan\nnested = { a = [1, 2.5, "x"], b = { c = true } }\n[[params.list]]\nname = "one"\n' > "$out/seed-params-shapes"
cat > "$out/seed-strings" <<'TOML'
policies = ['''multi
line''', "\u00e9t\u00e9", 'lit\eral']
[levels]
"caf\u00e9" = "advisory"
TOML

for dir in "$out_root"/*/; do
  printf '%s %s\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)"
done
