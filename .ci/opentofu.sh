#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy (it is one Go module; `go install`
# refuses it because of a replace directive) and prints the binary's path.
# The binary is cached: a second run reuses it and takes no time.
set -euo pipefail
export GOTOOLCHAIN=local
version="${OPENTOFU_VERSION:-1.12.6}"
cache="${JWO_CACHE_DIR:-$HOME/.cache/jwo}/tofu-$version"
bin="$cache/tofu"
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi
# shellcheck source=build-from-proxy.sh
. "$(dirname "$0")/build-from-proxy.sh"
echo "opentofu.sh: building OpenTofu $version from the Go module proxy (about 3.5 min on two cores)" >&2
build_from_proxy github.com/opentofu/opentofu "$version" ./cmd/tofu \
	"-X github.com/opentofu/opentofu/version.dev=no" "$bin"
"$bin" version >&2
echo "$bin"
