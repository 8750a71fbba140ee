#!/usr/bin/env bash
# make demo: apply examples/quickstart against a local portal and a sample
# connector, both on loopback, with the provider just built into bin/.
#
# Everything lives in .demo/ (gitignored), wiped at the start, so the demo can
# run again at once. Whatever the script starts is stopped on exit, on a
# failed step and on Ctrl-C. Offline: terraform installs the provider from a
# filesystem mirror in .demo/mirror and never asks a registry.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO=$ROOT/.demo
BIN=$ROOT/bin
QUICKSTART=$ROOT/examples/quickstart
VERSION=${VERSION:-0.1.0}
MERCHANT=acme
# The connector whose endpoint is deliberately wrong (a closed port).
BROKEN_CONNECTOR=acme-bos-01/FRAUD_AND_ABUSE

export CHECKPOINT_DISABLE=1 TF_INPUT=0
unset TF_WORKSPACE TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_apply TF_CLI_ARGS_plan

started=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
fail() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

for tool in terraform go; do
	command -v "$tool" >/dev/null || fail "$tool is not on PATH"
done
[[ -x $BIN/terraform-provider-jwo && -x $BIN/jwo-portal ]] ||
	fail "bin/terraform-provider-jwo or bin/jwo-portal is missing: run 'make build' (or 'make demo')"

# --- processes: started in the background, stopped by the EXIT trap --------

pids=()

# stop_all sends SIGTERM to every process the demo started, gives them the
# portal's shutdown grace to finish, then kills what is left.
stop_all() {
	local pid i
	for pid in ${pids[@]+"${pids[@]}"}; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in ${pids[@]+"${pids[@]}"}; do
		for ((i = 0; i < 150; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	pids=()
	rm -f "$DEMO/pids"
}

on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if ((${#pids[@]} > 0)); then
		echo
		echo "==> Stopping the portal and the connector"
		stop_all
	fi
	if ((rc != 0)); then
		printf 'demo: failed (exit %d) after %ds; logs are in %s\n' "$rc" $((SECONDS - started)) "${DEMO#"$ROOT"/}" >&2
	fi
	exit "$rc"
}
trap on_exit EXIT
trap 'echo; echo "demo: interrupted" >&2; exit 130' INT
trap 'echo "demo: terminated" >&2; exit 143' TERM

# A run that was killed too hard for its trap to work (SIGKILL) may have left
# its servers running: stop those, by the ids it recorded, if they still run
# this checkout's bin/jwo-portal (a rebuilt binary shows as "(deleted)").
if [[ -f $DEMO/pids ]]; then
	while read -r pid; do
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
		if [[ $pid =~ ^[0-9]+$ && ${exe% (deleted)} == "$BIN/jwo-portal" ]]; then
			echo "demo: stopping jwo-portal (pid $pid) left by an earlier run"
			kill -TERM "$pid" 2>/dev/null || true
			# Let it close its database before the folder is wiped.
			for ((i = 0; i < 150; i++)); do
				[[ -e /proc/$pid/exe ]] || break # gone, or a zombie
				sleep 0.1
			done
		fi
	done <"$DEMO/pids"
fi

# start NAME ARGS...: runs bin/jwo-portal ARGS in the background with stdout in
# .demo/NAME.out and stderr in .demo/NAME.log, waits for its listening line
# and sets $url to the address it printed (it listens on port 0).
start() {
	local name=$1 line i
	shift
	"$BIN/jwo-portal" "$@" >"$DEMO/$name.out" 2>"$DEMO/$name.log" &
	local pid=$!
	pids+=("$pid")
	echo "$pid" >>"$DEMO/pids"
	for ((i = 0; i < 300; i++)); do
		line=$(grep -m1 -o 'listening on http://[^[:space:]]*' "$DEMO/$name.out" || true)
		if [[ -n $line ]]; then
			url=${line#listening on }
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$DEMO/$name.log" >&2
			fail "jwo-portal $1 exited before it listened (log above)"
		fi
		sleep 0.1
	done
	fail "jwo-portal $1 did not print its address within 30s (see .demo/$name.log)"
}

# --- scratch folder, portal, connector, token ------------------------------

step "Scratch folder .demo/ (wiped)"
rm -rf "$DEMO"
mkdir -p "$DEMO/work"

step "Starting the portal (dev mode, SQLite in .demo/portal.db, seeded from examples/quickstart/seed.yaml)"
start portal serve --dev --addr 127.0.0.1:0 --db "$DEMO/portal.db" --seed "$QUICKSTART/seed.yaml"
portal_url=$url
echo "portal:    $portal_url"

step "Starting the sample connector"
start connector connector --addr 127.0.0.1:0
connector_url=$url
echo "connector: $connector_url"

# A loopback port where nothing listens, for the deliberately broken
# endpoint: a connector takes a free port and is stopped at once.
start probe connector --addr 127.0.0.1:0
broken_url=$url
kill -TERM "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true
unset 'pids[-1]'
echo "broken:    $broken_url (closed, for $BROKEN_CONNECTOR)"

step "Creating an operator token for merchant $MERCHANT"
token=$("$BIN/jwo-portal" token create --db "$DEMO/portal.db" --merchant "$MERCHANT" --role operator --name make-demo)
echo "token:     ${token:0:6}... (printed once by 'jwo-portal token create'; only its hash is stored)"

# --- provider mirror and terraform ----------------------------------------

platform=$(go env GOOS)_$(go env GOARCH)
step "Installing terraform-provider-jwo $VERSION ($platform) into the filesystem mirror .demo/mirror"
plugin_dir=$DEMO/mirror/registry.terraform.io/justwalkout/jwo/$VERSION/$platform
mkdir -p "$plugin_dir"
cp "$BIN/terraform-provider-jwo" "$plugin_dir/terraform-provider-jwo_v$VERSION"
cat >"$DEMO/terraform.rc" <<EOF
# Written by make demo: justwalkout/* comes from the local mirror only.
provider_installation {
  filesystem_mirror {
    path    = "$DEMO/mirror"
    include = ["registry.terraform.io/justwalkout/*"]
  }
  direct {
    exclude = ["registry.terraform.io/justwalkout/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE=$DEMO/terraform.rc
echo "CLI config: .demo/terraform.rc (TF_CLI_CONFIG_FILE)"

# The user's copy of the quickstart stays clean: terraform runs on a copy.
cp "$QUICKSTART"/*.tf "$DEMO/work/"
rm -f "$DEMO/work/.terraform.lock.hcl"
cd "$DEMO/work"

export JWO_ENDPOINT=$portal_url JWO_TOKEN=$token
export TF_VAR_connector_url=$connector_url TF_VAR_broken_url=$broken_url TF_VAR_broken_connector=$BROKEN_CONNECTOR

step "terraform init (in .demo/work, a copy of examples/quickstart)"
if ! terraform init -input=false -no-color >"$DEMO/init.log" 2>&1; then
	cat "$DEMO/init.log" >&2
	fail "terraform init failed"
fi
grep -E '^- (Installing|Installed) ' "$DEMO/init.log" || true
grep -E '^Terraform has been successfully initialized' "$DEMO/init.log"

step "terraform apply -auto-approve (full output in .demo/apply.log)"
set +e
terraform apply -auto-approve -input=false -no-color 2>&1 |
	tee "$DEMO/apply.log" |
	grep --line-buffered -E '^(Plan:|Apply complete|Error|Warning)|: (Creation complete|Still creating|Reading complete)|^[│╷╵]'
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || fail "terraform apply failed (exit $rc)"

# --- summary ----------------------------------------------------------------

step "Summary"
terraform output -json >"$DEMO/outputs.json"
if command -v jq >/dev/null; then
	jq -r '
		def pad($n): . + (" " * ([$n - length, 1] | max));
		"Stores (completion status):",
		(.completion.value | to_entries[] |
			"  " + (.key | pad(18)) + (.value.status | pad(14)) +
			(if (.value.required_methods | length) == 0 then "no connector required"
			 else "requires " + (.value.required_methods | join(", ")) end) +
			(if (.value.missing_methods | length) > 0 then "; missing " + (.value.missing_methods | join(", ")) else "" end)),
		"",
		"Connectivity tests (per connector):",
		(.connectivity_tests.value | to_entries[] |
			"  " + (.key | pad(30)) + (.value.status | pad(14)) +
			(if .value.status == "SUCCESSFUL"
			 then "HTTP \(.value.http_status), \(.value.latency_ms) ms"
			 else "reason \(.value.reason // "-"): \(.value.message // "")" end))
	' "$DEMO/outputs.json"
elif command -v python3 >/dev/null; then
	python3 - "$DEMO/outputs.json" <<'EOF'
import json, sys

out = json.load(open(sys.argv[1]))
print("Stores (completion status):")
for store, c in out["completion"]["value"].items():
    req = c["required_methods"]
    text = "requires " + ", ".join(req) if req else "no connector required"
    if c["missing_methods"]:
        text += "; missing " + ", ".join(c["missing_methods"])
    print(f"  {store:<17} {c['status']:<13} {text}")
print()
print("Connectivity tests (per connector):")
for key, t in out["connectivity_tests"]["value"].items():
    if t["status"] == "SUCCESSFUL":
        text = f"HTTP {t['http_status']}, {t['latency_ms']} ms"
    else:
        text = f"reason {t['reason'] or '-'}: {t['message'] or ''}"
    print(f"  {key:<29} {t['status']:<13} {text}")
EOF
else
	terraform output completion
	terraform output connectivity_tests
fi

step "terraform plan -detailed-exitcode (a second run must find nothing to do)"
set +e
terraform plan -detailed-exitcode -input=false -no-color >"$DEMO/plan.log" 2>&1
rc=$?
set -e
case $rc in
0) grep -E '^No changes\.' "$DEMO/plan.log" ;;
2)
	cat "$DEMO/plan.log"
	fail "the second plan is not empty: the quickstart does not converge"
	;;
*)
	cat "$DEMO/plan.log" >&2
	fail "terraform plan failed (exit $rc)"
	;;
esac

step "terraform plan -refresh-only (a drift check: the apply's own tests are not drift)"
terraform plan -refresh-only -input=false -no-color -out="$DEMO/drift.tfplan" >"$DEMO/drift.log" 2>&1 ||
	{ cat "$DEMO/drift.log" >&2; fail "terraform plan -refresh-only failed"; }
# resource_drift is left out of the plan's JSON when nothing drifted; the
# exit code of -detailed-exitcode is not used, since Terraform 1.10 to 1.14
# answer 2 after "No changes" (see README, Drift detection).
if terraform show -json "$DEMO/drift.tfplan" | grep -q '"resource_drift":'; then
	cat "$DEMO/drift.log"
	fail "the refresh-only plan reports drift right after the apply"
fi
echo "No drift: the connectors are as applied, although every one of them was tested."

cd "$ROOT"
step "Stopping the portal and the connector"
stop_all
step "Done in $((SECONDS - started))s"
cat <<EOF
Look at:
  examples/quickstart/  the configuration that was applied; seed.yaml holds the stores
  .demo/work/           the working copy and its terraform.tfstate
  .demo/apply.log       terraform's full apply output (.demo/plan.log: the second plan,
                        .demo/drift.log: the drift check)
  .demo/portal.log      the portal's log: every request and connectivity test
  .demo/connector.log   the sample connector's log: every call the tests made
  .demo/portal.db       the portal's SQLite file; serve it again with
                        bin/jwo-portal serve --dev --db .demo/portal.db
                        and get a token with
                        bin/jwo-portal token create --db .demo/portal.db --merchant $MERCHANT --role viewer --name me

Open the web console (the Connector Configurations page) on the demo's database:
  bin/jwo-portal serve --dev --addr 127.0.0.1:8787 --db .demo/portal.db
  bin/jwo-portal token create --db .demo/portal.db --merchant $MERCHANT --role operator --name console
  then browse to http://127.0.0.1:8787/console/ and paste the token. The connectors the demo
  applied show "Managed by Terraform": an endpoint edited there is drift in the next terraform plan.
EOF
