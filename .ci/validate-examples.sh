#!/usr/bin/env bash
# terraform validate of every example that needs no other provider, offline:
# the just-built provider is used through dev_overrides, so no init is needed.
# Each file is validated alone because a resource's examples are alternatives
# (resource.tf and import-by-block.tf declare the same resource).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/bin"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "justwalkout/jwo" = "$bin"
    "hashicorp/jwo"   = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$scratch/terraform.rc"
checked=0 skipped=0
while IFS= read -r file; do
  if grep -q 'aws_' "$file"; then
    skipped=$((skipped + 1)); continue # needs the AWS provider, which cannot be installed offline
  fi
  dir="$scratch/$checked"; mkdir -p "$dir"
  cp "$file" "$dir/"
  # A quickstart-style example keeps its variables and outputs beside it.
  case "$file" in examples/quickstart/*) cp examples/quickstart/*.tf "$dir/" ;; esac
  if ! out=$(cd "$dir" && terraform validate -no-color 2>&1); then
    echo "terraform validate failed for $file:"; echo "$out"; exit 1
  fi
  checked=$((checked + 1))
done < <(find examples -name '*.tf' | sort)
echo "validated $checked example files ($skipped need the AWS provider and were skipped)"
