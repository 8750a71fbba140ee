#!/usr/bin/env bash
# terraform validate of every example that needs no other provider, offline:
# the just-built provider is used through dev_overrides, so no init is needed.
# Each file is validated alone because a resource's examples are alternatives
# (resource.tf and import-by-string-id.tf declare the same resource).
# Examples of features newer than the terraform on PATH (actions and list
# resources: 1.14; import by identity: 1.12) are validated, with their
# *.tfquery.hcl files, by TERRAFORM_NEWEST (make passes the cached 1.15.9);
# without it they are skipped, and the summary says how many.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/bin"
newest="${TERRAFORM_NEWEST:-}"
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
checked=0 skipped=0 unchecked=0
while IFS= read -r file; do
  if grep -q 'aws_' "$file"; then
    skipped=$((skipped + 1)); continue # needs the AWS provider, which cannot be installed offline
  fi
  tf=terraform args=()
  case "$file" in
    examples/actions/* | examples/list-resources/* | */import-by-identity.tf | *.tfquery.hcl | examples/guides/*/action-*.tf)
      if [ -z "$newest" ]; then unchecked=$((unchecked + 1)); continue; fi
      tf=$newest args=(-query) ;;
  esac
  dir="$scratch/$checked"; mkdir -p "$dir"
  cp "$file" "$dir/"
  # A quickstart-style example keeps its variables and outputs beside it.
  case "$file" in examples/quickstart/*) cp examples/quickstart/*.tf "$dir/" ;; esac
  if ! out=$(cd "$dir" && "$tf" validate -no-color "${args[@]}" 2>&1); then
    echo "terraform validate failed for $file ($("$tf" version | head -1)):"; echo "$out"; exit 1
  fi
  checked=$((checked + 1))
done < <(find examples -name '*.tf' -o -name '*.tfquery.hcl' | sort)
echo "validated $checked example files ($skipped need the AWS provider and were skipped)"
if [ "$unchecked" -gt 0 ]; then
  echo "$unchecked examples need Terraform 1.12 or 1.14 and were not validated: TERRAFORM_NEWEST names no such binary (.ci/terraform.sh 1.15.9)"
fi
