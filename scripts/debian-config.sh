#!/bin/bash
# Write Debian's own configuration of the base to OUT (make kernel-debian):
# Debian's amd64 config (linux-config-6.1, pinned in base.mk), the
# fragments appended, then localmodconfig with configs/debian-modules.txt,
# which turns every module not listed (nor needed by one listed) from m
# into n and leaves every built-in option as it is.
#
#   debian-config.sh SRC OUT FRAGMENT...
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\(DEBCONFIG_[A-Z0-9]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
src=${1:?usage: debian-config.sh SRC OUT FRAGMENT...}
out=${2:?usage: debian-config.sh SRC OUT FRAGMENT...}
shift 2
dir=$top/build/debian-config
mkdir -p "$dir"

# Debian's config, once.
config=$dir/config.amd64_none_amd64.xz
if [ ! -f "$config" ]; then
	rm -f "$dir"/*.deb
	(cd "$dir" && { apt-get download -q "$DEBCONFIG_PACKAGE=$DEBCONFIG_VERSION" ||
		{ apt-get update -q >/dev/null && apt-get download -q "$DEBCONFIG_PACKAGE=$DEBCONFIG_VERSION"; }; })
	dpkg-deb --fsys-tarfile "$dir"/*.deb | tar -xO "./$DEBCONFIG_FILE" > "$config.tmp"
	mv "$config.tmp" "$config"
fi
sum=$(sha256sum "$config" | cut -d' ' -f1)
if [ "$sum" != "$DEBCONFIG_SHA256" ]; then
	echo "debian-config: $config has sha256 $sum, pinned $DEBCONFIG_SHA256" >&2
	exit 1
fi

# localmodconfig works on the .config of its output directory: a scratch
# one, so that the build's own config only changes when the result does
# (DEBIAN_KCONFIG_DIR: another, for builds that may run beside this one).
kc=${DEBIAN_KCONFIG_DIR:-$dir/kconfig}
mkdir -p "$kc"
kmake() { make -s -C "$src" O="$kc" ARCH=x86_64 CC="ccache gcc" "$@"; }
xzcat "$config" > "$kc/.config"
cat "$@" >> "$kc/.config"
kmake olddefconfig
sed 's/#.*//' "$top/configs/debian-modules.txt" | awk 'NF { print $1 }' > "$kc/lsmod"
# It asks about options that appear once a module is gone (no answer: the
# default, off), and turns IKCONFIG on as a module, which Debian has off.
kmake LSMOD="$kc/lsmod" localmodconfig < /dev/null
echo '# CONFIG_IKCONFIG is not set' >> "$kc/.config"
kmake olddefconfig
cp "$kc/.config" "$out"
