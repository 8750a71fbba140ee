#!/usr/bin/env bash
# make openapi-lint: the OpenAPI document under the linters other teams run on
# it, at pinned versions; any warning fails. npx fetches them into npm's cache
# on first use (.ci/run does that up front).
set -euo pipefail
cd "$(dirname "$0")/.."
doc=internal/portal/openapi/openapi.json
npx --yes @redocly/cli@2.77.0 lint --config .ci/redocly.yaml "$doc"
npx --yes @stoplight/spectral-cli@6.16.3 lint --ruleset .ci/spectral.yaml --fail-severity warn "$doc"
