#!/bin/bash
# Build every commit of the series (base..HEAD of build/linux) in order,
# with the fast config, in a worktree of its own: each patch must build
# on its own. ccache keeps the rebuilds short.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
wt=$top/build/bisect/src
out=$top/build/bisect/out

git -C "$src" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$src" worktree prune
mkdir -p "$top/build/bisect"
git -C "$src" worktree add -q --detach "$wt" base

commits=$(git -C "$src" rev-list --reverse base..HEAD)
total=$(echo "$commits" | wc -w)
i=0
for c in $commits; do
	i=$((i + 1))
	subject=$(git -C "$src" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	start=$SECONDS
	if ! KERNEL_SRC=$wt KERNEL_OUT=$out "$top/scripts/kernel.sh" fast \
		> "$top/build/bisect/build.log" 2>&1; then
		tail -20 "$top/build/bisect/build.log"
		echo "bisect: $i/$total does not build: $subject"
		exit 1
	fi
	echo "bisect: $i/$total builds ($((SECONDS - start)) s): $subject"
done
git -C "$src" worktree remove --force "$wt"
echo "bisect: all $total patches build in order"
