#!/usr/bin/env bash
# Fails when git tracks build output or a large file (issue 19: a 28 MB
# jwo-portal executable sat in the repository for weeks, and a bench binary
# before it). It reads what the index holds, so it sees what a commit would.
#
# The rule, cheap because it asks git and reads at most 4 bytes of a few blobs:
# - a blob larger than 1 MiB fails, unless its path is in allowed_large;
# - a blob git itself calls binary (a NUL byte in its first 8000 bytes: the
#   "i/-text" of `git ls-files --eol`) fails when it has the exec bit (mode
#   100755) or begins with an executable's magic: ELF, Mach-O (both byte
#   orders, 32 and 64 bit, and universal) or PE ("MZ"). Text files (scripts)
#   may carry the exec bit; images and fuzz corpora may be binary.
set -euo pipefail
cd "$(dirname "$0")/.."

max_bytes=$((1024 * 1024))
# Paths allowed above max_bytes, one a line, each with the reason beside it.
allowed_large=(
)

modes=() shas=() kinds=() paths=()
while IFS= read -r -d '' record; do
	# "<mode> <sha> <stage>\t<index eol> <worktree eol> <attr>\t<path>"
	head=${record%%$'\t'*}
	rest=${record#*$'\t'}
	read -r mode sha _ <<<"$head"
	[ "$mode" = 160000 ] && continue # a submodule: its commit is not a blob here
	modes+=("$mode") shas+=("$sha") kinds+=("${rest%% *}") paths+=("${rest#*$'\t'}")
done < <(git ls-files -z -s --eol)

sizes=()
if [ ${#shas[@]} -gt 0 ]; then
	mapfile -t sizes < <(printf '%s\n' "${shas[@]}" | git cat-file --batch-check='%(objectsize)')
fi

failed=0
fail() {
	echo "tracked-files: $1: $2" >&2
	echo "  fix: git rm --cached '$1' && rm '$1', and ignore it in .gitignore$3" >&2
	failed=1
}
for i in "${!paths[@]}"; do
	path=${paths[$i]}
	if [ "${sizes[$i]}" -gt "$max_bytes" ]; then
		allowed=0
		for a in "${allowed_large[@]}"; do [ "$a" = "$path" ] && allowed=1; done
		[ "$allowed" = 1 ] || fail "$path" "${sizes[$i]} bytes, over the 1 MiB a tracked file may have" \
			" (or, if it must be tracked, add it to allowed_large in .ci/tracked-files.sh with the reason)"
	fi
	[ "${kinds[$i]}" = "i/-text" ] || continue
	if [ "${modes[$i]}" = 100755 ]; then
		fail "$path" "a binary file with the exec bit" " (if it is data, not a program: git update-index --chmod=-x '$path')"
		continue
	fi
	# head closes the pipe after 4 bytes; git's SIGPIPE is expected.
	magic=$({ git cat-file blob "${shas[$i]}" || true; } | head -c 4 | od -An -tx1 | tr -d ' \n')
	case "$magic" in
	7f454c46) fail "$path" "an ELF executable" "" ;;
	feedface | feedfacf | cefaedfe | cffaedfe | cafebabe) fail "$path" "a Mach-O executable" "" ;;
	4d5a*) fail "$path" "a PE (Windows) executable" "" ;;
	esac
done
exit "$failed"
