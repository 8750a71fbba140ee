#!/usr/bin/env bash
# Shared by opentofu.sh and terraform.sh: builds a Go command from a module
# the Go module proxy serves, for a binary that `go install` refuses (the
# module has a replace directive). Usage (sourced):
#   build_from_proxy MODULE VERSION PACKAGE LDFLAGS DEST
# MODULE@vVERSION is downloaded into the module cache (read-only), copied to a
# scratch folder and built there with -trimpath; DEST is written only when
# the build succeeded, so an interrupted build leaves no half binary behind.
build_from_proxy() {
	local module=$1 version=$2 pkg=$3 ldflags=$4 dest=$5 dir work
	dir=$(go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$dir" ] || { echo "build-from-proxy: go mod download gave no directory for $module v$version" >&2; return 1; }
	work=$(mktemp -d)
	cp -R "$dir/." "$work/src"
	chmod -R u+w "$work/src"
	mkdir -p "$(dirname "$dest")"
	if ! (cd "$work/src" && GOTOOLCHAIN=local go build -trimpath -ldflags "$ldflags" -o "$dest.tmp" "$pkg") >&2; then
		rm -rf "$work" "$dest.tmp"
		return 1
	fi
	rm -rf "$work"
	mv "$dest.tmp" "$dest"
}
