#!/usr/bin/env bash
# make bench: the Go benchmarks of the portal's hot paths, then the terraform
# harness (internal/cmd/bench), which prints the table that PERFORMANCE.md keeps.
# `make bench` has built bin/jwo-portal and bin/terraform-provider-jwo; the
# floor provider is built here because it is never shipped.
# Extra arguments go to the harness, e.g. ./.ci/bench.sh -n 100,1000,4000.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1

go build -o bin/terraform-provider-jwofloor ./internal/cmd/floorprovider
go build -o bin/bench ./internal/cmd/bench

echo "== go test -bench ./internal/portal/api/ (HTTP handler, SQLite on disk; the token exchange on both engines)"
go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-2s}" ./internal/portal/api/

echo
echo "== terraform against the floors (internal/cmd/bench)"
./bin/bench "$@"
