#!/bin/bash
# Install what the test bed needs on a Debian 12 machine, if it is missing.
# The guest's root is this machine's (9p): its tools are the guest's too
# (nvme-cli, fio, mdadm and dmsetup for the stacked block devices...).
#
#   deps.sh [bench]    bench: also what make bench needs (the baseline
#                      kernel's source and the plotting library)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\([A-Z]*_[A-Z0-9]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
packages=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod rsync
	  ccache qemu-system-x86 e2fsprogs btrfs-progs util-linux python3 python3-ply python3-git
	  fio nvme-cli mdadm dmsetup libaio-dev liburing-dev "$BASE_PACKAGE")
[ "${1:-}" != bench ] || packages+=("$UPSTREAM_PACKAGE" python3-matplotlib)
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
	case $p in
	"$BASE_PACKAGE") p="$p=$BASE_VERSION" ;;
	"$UPSTREAM_PACKAGE") p="$p=$UPSTREAM_VERSION" ;;
	esac
	pinned+=("$p")
done
# If Debian no longer serves a pinned kernel source, install what it has:
# make tree (make bench) then stops with a message naming both versions.
apt-get install -y -q --no-install-recommends "${pinned[@]}" >/dev/null ||
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
