#!/usr/bin/env bash
# make soak: the long reliability runs that make test leaves out (see
# RELIABILITY.md).
#   1. The crash soak: jwo-portal as a process, SIGKILLed in the middle of
#      16 concurrent writers and restarted on the same database, several
#      times (internal/portal/soak).
#   2. A short fuzz run of every fuzz target in the module, one target per
#      go test invocation (go test -fuzz takes one).
# Then a summary of the figures. Environment: FUZZTIME (default 25s per
# target), JWO_SOAK_KILLS (default 10), JWO_SOAK_SEED (repeat a crash soak).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1
FUZZTIME=${FUZZTIME:-25s}
BIN=${JWO_PORTAL_BIN:-bin/jwo-portal}
[ -x "$BIN" ] || { echo "soak: $BIN is missing: run make build (make soak does)"; exit 1; }
BIN=$(realpath "$BIN") # go test runs in the package directory

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
start=$(date +%s)

echo "== crash soak (SIGKILL during concurrent writes, restart, verify)"
if ! JWO_SOAK=1 JWO_PORTAL_BIN="$BIN" go test -count=1 -v -timeout 15m -run '^TestCrashSoak$' ./internal/portal/soak/ >"$logs/soak.log" 2>&1; then
	cat "$logs/soak.log"
	echo "soak: FAIL: the crash soak failed (log above)"
	exit 1
fi
grep -E 'soak: (seed|round .* killed)' "$logs/soak.log" | sed 's/^ *crash_test.go:[0-9]*: /  /'
summary=$(grep -o 'soak summary: .*' "$logs/soak.log" | sed 's/^soak summary: //')
[ -n "$summary" ] || { cat "$logs/soak.log"; echo "soak: FAIL: no summary line"; exit 1; }
field() { tr ' ' '\n' <<<"$summary" | sed -n "s/^$1=//p"; }

echo
echo "== fuzzing, $FUZZTIME per target"
# Every func FuzzX in a _test.go file of the module, as "dir name".
targets=$(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' internal | sed -E 's#^(.*)/[^/]*:func (Fuzz.*)$#\1 \2#' | sort -u)
declare -a fuzz_rows=()
total_execs=0
while read -r dir name; do
	[ -n "$name" ] || continue
	log="$logs/$name.log"
	printf '  %-24s ./%s ... ' "$name" "$dir"
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "./$dir" >"$log" 2>&1; then
		echo "FAIL"
		cat "$log"
		echo "soak: FAIL: $name found a failing input; go test writes it under ./$dir/testdata/fuzz/$name/"
		exit 1
	fi
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
	execs=${execs:-0}
	echo "ok, $execs execs"
	fuzz_rows+=("$(printf '%-24s %12s' "$name" "$execs")")
	total_execs=$((total_execs + execs))
done <<<"$targets"

elapsed=$(( $(date +%s) - start ))
echo
echo "== soak summary ($(date -u +%Y-%m-%dT%H:%MZ), ${elapsed}s)"
printf '%-32s %s\n' "crash soak seed" "$(field seed)"
printf '%-32s %s\n' "SIGKILLs" "$(field kills)"
printf '%-32s %s\n' "PUTs sent / answered 2xx" "$(field puts_sent) / $(field puts_answered)"
printf '%-32s %s\n' "PUTs in flight at a kill" "$(field in_flight_at_kill) (landed: $(field in_flight_committed))"
printf '%-32s %s\n' "answered PUTs lost" "$(field lost)"
printf '%-32s %s\n' "runs started / RUNNING at a kill" "$(field runs_started) / $(field runs_running_at_kill)"
printf '%-32s %s\n' "runs RUNNING after a restart" "$(field runs_running_after_restart)"
printf '%-32s %s\n' "integrity_check" "$(field integrity)"
echo "fuzz execs ($FUZZTIME per target):"
for row in "${fuzz_rows[@]}"; do echo "  $row"; done
printf '  %-24s %12s\n' "total" "$total_execs"
if [ "$(field lost)" != 0 ] || [ "$(field runs_running_after_restart)" != 0 ]; then
	echo "soak: FAIL"
	exit 1
fi
echo "soak: PASS"
