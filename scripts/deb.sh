#!/bin/bash
# make deb: Debian packages of the kernel of make kernel-debian, with the
# kernel's own bindeb-pkg, into build/deb/:
#
#   linux-image-<release>_<version>_amd64.deb
#   linux-headers-<release>_<version>_amd64.deb
#   linux-libc-dev_<version>_amd64.deb
#
# with <release> the base's version and DEB_LOCALVERSION (base.mk), for
# example 6.1.192-p2pdma1, and <version> the base package's version and
# DEB_SUFFIX, for example 6.1.192-2+p2pdma1.
#
# The packages are built in build/deb/kbuild, a copy of build/debian: a
# LOCALVERSION changes the release that every module carries, so building
# them in build/debian would rebuild part of it, and the next make
# kernel-debian would rebuild it back. The copy's config is build/debian's,
# unchanged; only what depends on the release string or the build version
# is rebuilt there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\([A-Z]*_[A-Z0-9_]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
src=${KERNEL_SRC:-$top/build/linux}
from=$top/build/debian
deb=$top/build/deb
out=$deb/kbuild
for f in "$from/.config" "$from/arch/x86/boot/bzImage"; do
	[ -f "$f" ] || { echo "deb: no $f; run make kernel-debian" >&2; exit 1; }
done
command -v dpkg-buildpackage >/dev/null || { echo "deb: no dpkg-buildpackage (apt-get install dpkg-dev)" >&2; exit 1; }

base=${BASE_VERSION%-*}                       # 6.1.192
release=$base$DEB_LOCALVERSION                # 6.1.192-p2pdma1
version=$BASE_VERSION+$DEB_SUFFIX             # 6.1.192-2+p2pdma1

start=$(date +%s)
mkdir -p "$deb"
# The copy keeps build/debian's time stamps, so the build in it is
# incremental. The modules installed for the test bed are not needed.
rsync -a --delete --exclude=/modroot --exclude=/debian "$from/" "$out/"
# objtool's own build records its commands with the absolute output path:
# left so, objtool is rebuilt, and every object after it (they depend on
# the objtool binary), a build from scratch.
grep -rlIZ -- "$from/" "$out/tools" | xargs -0r sed -i "s#$from/#$out/#g"
cmp -s "$from/.config" "$out/.config" || { echo "deb: the copy's .config differs from build/debian's" >&2; exit 1; }
rm -f "$deb"/*.deb "$deb"/*.buildinfo "$deb"/*.changes

echo "deb: building $release as $version in $out (log: $deb/build.log)"
# dpkg-buildpackage writes the packages into the parent of the output
# directory: build/deb.
if ! make -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" \
	LOCALVERSION="$DEB_LOCALVERSION" KDEB_PKGVERSION="$version" \
	KDEB_SOURCENAME=linux-p2pdma KDEB_CHANGELOG_DIST=bookworm \
	DEBEMAIL="${DEBEMAIL:-p2pdma test bed <root@localhost>}" \
	bindeb-pkg > "$deb/build.log" 2>&1; then
	tail -n 30 "$deb/build.log" >&2
	echo "deb: bindeb-pkg failed (log: $deb/build.log)" >&2
	exit 1
fi
got=$(cat "$out/include/config/kernel.release")
[ "$got" = "$release" ] || { echo "deb: the build's release is $got, not $release" >&2; exit 1; }
image=$deb/linux-image-${release}_${version}_amd64.deb
[ -f "$image" ] || { echo "deb: no $image" >&2; exit 1; }
# The config in the package is build/debian's.
dpkg-deb --fsys-tarfile "$image" | tar -xO "./boot/config-$release" | cmp -s - "$from/.config" ||
	{ echo "deb: the package's config is not build/debian's" >&2; exit 1; }
end=$(date +%s)
ls -l "$deb"/*.deb
echo "deb: done in $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s"
