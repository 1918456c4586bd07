#!/bin/bash
# Unpack the pinned baseline (upstream's design, Debian's linux-source-6.12)
# into build/upstream-linux for make bench. No git and no patches: it is
# built as Debian ships it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\(UPSTREAM_[A-Z0-9]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
tree=$top/build/upstream-linux
[ -f "$tree/Makefile" ] && exit 0

. "$top/scripts/pinned.sh"
check_pinned upstream-tree "$UPSTREAM_PACKAGE" "$UPSTREAM_VERSION" "$UPSTREAM_TARBALL" "$UPSTREAM_SHA256"
rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xJf "$UPSTREAM_TARBALL" -C "$tree.tmp" --strip-components=1
mv "$tree.tmp" "$tree"
echo "upstream-tree: $tree ($UPSTREAM_PACKAGE $UPSTREAM_VERSION)"
