#!/usr/bin/env bash
# Runs the provider's acceptance tests (./internal/provider/...) on each
# terraform or tofu binary given by path, ACC_JOBS suites at a time (default
# 2), and prints for each its wall time and how many tests passed and were
# skipped (subtests included: the `--- PASS`/`--- SKIP` lines of go test -v).
# The whole output of a failed suite is printed; a green one shows only its
# skipped tests. Every log stays in ACC_LOG_DIR when that is set; ACC_RUN is
# go test's -run. An OpenTofu binary gets
# TF_ACC_PROVIDER_HOST=registry.opentofu.org, so that the in-process provider
# is addressed in OpenTofu's registry.
set -uo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1
# The environment may preset this to a missing file (a warning in every output).
export TF_CLI_CONFIG_FILE="${TF_CLI_CONFIG_FILE:-}"
[ -f "$TF_CLI_CONFIG_FILE" ] || TF_CLI_CONFIG_FILE="$PWD/.ci/terraform.rc"
[ $# -gt 0 ] || { echo "usage: $0 TERRAFORM_OR_TOFU_BINARY..." >&2; exit 2; }
jobs="${ACC_JOBS:-2}"
timeout="${GO_TEST_TIMEOUT:-30m}"
logs="${ACC_LOG_DIR:-}"
keep=1
[ -n "$logs" ] || { logs=$(mktemp -d); keep=0; }
mkdir -p "$logs"

suite() { # NAME PATH: one suite, its log in $logs/NAME.log, its summary in $logs/NAME.sum
	local name=$1 bin=$2 host=() start rc pass skip
	case $name in opentofu-*) host=(TF_ACC_PROVIDER_HOST=registry.opentofu.org) ;; esac
	start=$(date +%s)
	env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" "${host[@]}" \
		go test -count=1 -timeout "$timeout" ${ACC_RUN:+-run "$ACC_RUN"} -v ./internal/provider/... >"$logs/$name.log" 2>&1
	rc=$?
	pass=$(grep -c -- '--- PASS:' "$logs/$name.log")
	skip=$(grep -c -- '--- SKIP:' "$logs/$name.log")
	printf '%s\t%s\t%ds\t%s passed\t%s skipped\t%s\n' "$name" "$([ $rc = 0 ] && echo ok || echo FAIL)" \
		$(($(date +%s) - start)) "$pass" "$skip" "$bin" >"$logs/$name.sum"
	return $rc
}

names=()
for bin in "$@"; do
	# terraform-1.15.9 or opentofu-1.12.6, from what the binary says it is.
	name=$("$bin" version 2>/dev/null | sed -n '1s/^\(Terraform\|OpenTofu\) v\([^ ]*\).*/\1-\2/p' | tr A-Z a-z)
	[ -n "$name" ] || { echo "acc-matrix: $bin does not say it is Terraform or OpenTofu (\`$bin version\`)" >&2; exit 2; }
	# The same version twice (TERRAFORM on PATH is also a cached one) would
	# share a log: it runs once.
	case " ${names[*]} " in *" $name "*) echo "acc-matrix: $bin is $name again: run once"; continue ;; esac
	names+=("$name")
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	echo "acc-matrix: provider acceptance tests on $name ($bin)"
	suite "$name" "$bin" &
done
wait
status=0
for name in "${names[@]}"; do
	if grep -q "	ok	" "$logs/$name.sum"; then
		grep -- '--- SKIP:' "$logs/$name.log" | sed "s/^/[$name] /"
	else
		status=1
		sed "s/^/[$name] /" "$logs/$name.log"
	fi
done
echo "acc-matrix: binary, result, wall time, tests passed, skipped (subtests included):"
for name in "${names[@]}"; do cat "$logs/$name.sum"; done |
	awk -F'\t' '{ printf "  %-18s %-4s %6s  %-11s %-12s %s\n", $1, $2, $3, $4, $5, $6 }'
[ "$keep" = 1 ] || rm -rf "$logs"
exit $status
