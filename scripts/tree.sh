#!/bin/bash
# Unpack the pinned base into build/linux as a git repo, tag it "base" and
# apply patches/series on top with git am.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\(BASE_[A-Z0-9]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
tree=$top/build/linux

. "$top/scripts/pinned.sh"
check_pinned tree "$BASE_PACKAGE" "$BASE_VERSION" "$BASE_TARBALL" "$BASE_SHA256"

if [ -e "$tree" ]; then
	echo "tree: $tree exists; remove it (make clean-tree) to unpack again" >&2
	exit 1
fi
mkdir -p "$tree"
tar -xJf "$BASE_TARBALL" -C "$tree" --strip-components=1
cd "$tree"
git init -q -b master
# git am needs a committer; a fresh CI machine may have none configured.
git config user.name > /dev/null || git config user.name "P2PDMA test bed"
git config user.email > /dev/null || git config user.email "testbed@localhost"
git add -A -f
git -c user.name=base -c user.email=base@localhost \
	commit -q -m "Debian $BASE_PACKAGE $BASE_VERSION"
git tag base
series=$top/patches/series
if [ -s "$series" ]; then
	grep -v '^\s*\(#\|$\)' "$series" | sed "s|^|$top/patches/|" | xargs -r git am -q --keep-cr
fi
echo "tree: $tree at $(git describe --tags --always), $(git rev-list --count base..HEAD) patches applied"
