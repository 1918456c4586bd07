#!/bin/bash
# Build every commit of the series (base..HEAD of build/linux) in order,
# in a worktree of its own, with each config variant: every patch must
# build on its own, without warnings, with userspace P2PDMA, without it
# and with NVMe as a module.
#
#   bisect.sh [variant...]     (default: fast modular nop2pdma)
#
# The worktree and its output directories sit side by side as build/linux
# and build/<variant> do, and ccache sees paths relative to build/, so
# unchanged files come from the cache of the other builds.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
dir=$top/build/bisect
wt=$dir/linux
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(fast modular nop2pdma)
export CCACHE_BASEDIR=$top/build

git -C "$src" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$src" worktree prune
mkdir -p "$dir"
git -C "$src" worktree add -q --detach "$wt" base

commits=$(git -C "$src" rev-list --reverse base..HEAD)
total=$(echo "$commits" | wc -w)
i=0
for c in $commits; do
	i=$((i + 1))
	subject=$(git -C "$src" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	for variant in "${variants[@]}"; do
		start=$SECONDS
		log=$dir/$variant.log
		if ! KERNEL_SRC=$wt KERNEL_OUT=$dir/$variant \
			"$top/scripts/kernel.sh" "$variant" > "$log" 2>&1; then
			tail -20 "$log"
			echo "bisect: $i/$total does not build ($variant): $subject"
			exit 1
		fi
		if grep -q 'warning:' "$log"; then
			grep -B2 -A4 'warning:' "$log" | head -30
			echo "bisect: $i/$total builds with warnings ($variant): $subject"
			exit 1
		fi
		echo "bisect: $i/$total builds ($variant, $((SECONDS - start)) s): $subject"
	done
done
git -C "$src" worktree remove --force "$wt"
echo "bisect: all $total patches build in order (${variants[*]})"
