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
dir=$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "opentofu.sh: go mod download gave no directory for opentofu v$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$dir/." "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$cache"
(cd "$work/src" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin.tmp" ./cmd/tofu) >&2
mv "$bin.tmp" "$bin"
"$bin" version >&2
echo "$bin"
