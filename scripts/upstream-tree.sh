#!/bin/bash
# Unpack the pinned baseline (upstream's design, Debian's linux-source-6.12)
# into build/upstream-linux for make bench. No git and no patches: it is
# built as Debian ships it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\(UPSTREAM_[A-Z0-9]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
tree=$top/build/upstream-linux
[ -f "$tree/Makefile" ] && exit 0

installed=$(dpkg-query -W -f='${Version}' "$UPSTREAM_PACKAGE" 2>/dev/null || true)
if [ "$installed" != "$UPSTREAM_VERSION" ]; then
	echo "upstream-tree: $UPSTREAM_PACKAGE $UPSTREAM_VERSION is pinned, but ${installed:-nothing} is installed" >&2
	exit 1
fi
sum=$(sha256sum "$UPSTREAM_TARBALL" | cut -d' ' -f1)
if [ "$sum" != "$UPSTREAM_SHA256" ]; then
	echo "upstream-tree: $UPSTREAM_TARBALL has sha256 $sum, pinned $UPSTREAM_SHA256" >&2
	exit 1
fi
rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xJf "$UPSTREAM_TARBALL" -C "$tree.tmp" --strip-components=1
mv "$tree.tmp" "$tree"
echo "upstream-tree: $tree ($UPSTREAM_PACKAGE $UPSTREAM_VERSION)"
