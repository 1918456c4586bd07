#!/bin/bash
# Install what the test bed needs on a Debian 12 machine, if it is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\(BASE_[A-Z0-9]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
packages=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod rsync
	  ccache qemu-system-x86 e2fsprogs btrfs-progs util-linux python3 python3-ply
	  fio nvme-cli libaio-dev liburing-dev "$BASE_PACKAGE")
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
pinned=()
for p in "${missing[@]}"; do
	[ "$p" = "$BASE_PACKAGE" ] && p="$p=$BASE_VERSION"
	pinned+=("$p")
done
# If Debian no longer serves the pinned base, install what it has: make
# tree then stops with a message naming both versions.
apt-get install -y -q --no-install-recommends "${pinned[@]}" >/dev/null ||
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
