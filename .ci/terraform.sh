#!/usr/bin/env bash
# Prints the path of a Terraform binary of the version given (default 1.8.5),
# cached in ~/.cache/jwo/terraform-VERSION/terraform (JWO_CACHE_DIR overrides ~/.cache/jwo):
# a second run takes no time.
#   - 1.8 and older build from the Go module proxy, like OpenTofu (about 5 min
#     on two cores): their go.mod replaces no nested module.
#   - 1.9 and newer cannot (their go.mod replaces nested modules the proxy does
#     not serve): the binary comes from terraform-VERSION-linux-amd64.gz in the
#     shared tools folder (see below), checked against the .sha256 beside it.
# Exits 3, saying why on stderr, when the version cannot be had here; any
# other failure (a checksum that does not match, a failed build) exits 1.
set -euo pipefail
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1
repo=$(cd "$(dirname "$0")/.." && pwd)
# The environment may preset this to a missing file (a warning in every output).
export TF_CLI_CONFIG_FILE="$repo/.ci/terraform.rc"
version="${1:-1.8.5}"
cache="${JWO_CACHE_DIR:-$HOME/.cache/jwo}/terraform-$version"
bin="$cache/terraform"
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 1 ] && [ "$minor" -le 8 ]; then
	if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
		echo "$bin"
		exit 0
	fi
	# shellcheck source=build-from-proxy.sh
	. "$repo/.ci/build-from-proxy.sh"
	echo "terraform.sh: building Terraform $version from the Go module proxy (about 5 min on two cores)" >&2
	build_from_proxy github.com/hashicorp/terraform "$version" . \
		"-X github.com/hashicorp/terraform/version.dev=no" "$bin"
	"$bin" version >&2
	echo "$bin"
	exit 0
fi
gz="terraform-$version-linux-amd64.gz"
# ../shared/tools beside the clone, one level up (a clone inside a folder of
# its own), or where the machines keep it; JWO_SHARED_TOOLS alone when set.
if [ -n "${JWO_SHARED_TOOLS:-}" ]; then
	candidates=("$JWO_SHARED_TOOLS")
else
	candidates=("$repo/../shared/tools" "$repo/../../shared/tools" /work/shared/tools)
fi
tools=""
for d in "${candidates[@]}"; do
	if [ -f "$d/$gz" ]; then tools=$(cd "$d" && pwd); break; fi
done
if [ -z "$tools" ]; then
	echo "terraform.sh: $gz is in none of ${candidates[*]}; Terraform $version cannot be built from the Go module proxy (1.9 and later replace nested modules it does not serve)" >&2
	exit 3
fi
[ -f "$tools/$gz.sha256" ] || { echo "terraform.sh: $tools/$gz has no $gz.sha256 beside it: refusing an unchecked binary" >&2; exit 1; }
if ! (cd "$tools" && sha256sum --quiet -c "$gz.sha256") >&2; then
	echo "terraform.sh: $tools/$gz does not match $gz.sha256: not using it" >&2
	exit 1
fi
# The cache remembers which file it was unpacked from: a new file in the
# tools folder replaces it, an unchanged one is reused (the check above runs
# every time; it costs a fraction of a second).
sum=$(cut -d' ' -f1 "$tools/$gz.sha256")
if [ -x "$bin" ] && [ "$(cat "$bin.from" 2>/dev/null)" = "$sum" ]; then
	echo "$bin"
	exit 0
fi
mkdir -p "$cache"
gunzip -c "$tools/$gz" >"$bin.tmp"
echo "$sum" >"$bin.from"
chmod +x "$bin.tmp"
mv "$bin.tmp" "$bin"
"$bin" version >&2
echo "$bin"
