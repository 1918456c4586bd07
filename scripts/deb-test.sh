#!/bin/bash
# make deb-test: install make deb's linux-image package with dpkg into a
# scratch Debian 12 root, check what it put where, then boot the kernel it
# installed in the test bed, with the modules it installed, and run
# scripts/deb-smoke.sh there.
#
#   build/deb/bookworm   debootstrap --variant=minbase bookworm, plus
#                        initramfs-tools (its /etc/kernel/postinst.d hook
#                        runs at install, as on a real system); made once
#   build/deb/root       a fresh copy of it for each run, the package
#                        installed there
#   build/deb/boot-test  what vm.sh -k boots: arch/x86/boot/bzImage ->
#                        root/boot/vmlinuz-<release>, modroot -> root
# Run as root. DEB_MIRROR overrides the mirror taken from apt's sources.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
eval "$(sed -n 's/^\([A-Z]*_[A-Z0-9_]*\) *:= *\(.*\)$/\1="\2"/p' "$top/base.mk")"
deb=$top/build/deb
release=${BASE_VERSION%-*}$DEB_LOCALVERSION
version=$BASE_VERSION+$DEB_SUFFIX
package=linux-image-$release
image=$deb/${package}_${version}_amd64.deb
[ -f "$image" ] || { echo "deb-test: no $image; run make deb" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deb-test: run as root (debootstrap, chroot)" >&2; exit 1; }

base=$deb/bookworm
if [ ! -f "$base/.done" ]; then
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
	# The first Debian mirror apt uses (not its security archive).
	mirror=${DEB_MIRROR:-$( { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
		grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' ' || true)}
	mirror=${mirror:-http://deb.debian.org/debian}
	echo "deb-test: debootstrap --variant=minbase bookworm $base $mirror"
	rm -rf "$base"
	debootstrap --variant=minbase bookworm "$base" "$mirror" > "$deb/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$deb/debootstrap.log" >&2; exit 1; }
	cp /etc/resolv.conf "$base/etc/resolv.conf"
	unshare -m --propagation private bash -euc '
		mount -t proc proc "$1/proc"
		chroot "$1" apt-get update -q
		DEBIAN_FRONTEND=noninteractive chroot "$1" apt-get install -y -q --no-install-recommends initramfs-tools
		chroot "$1" apt-get clean' _ "$base" >> "$deb/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$deb/debootstrap.log" >&2; exit 1; }
	touch "$base/.done"
fi

# Run a command in the chroot @1 with /proc, /sys and /dev, in a mount
# namespace of its own: the mounts go with it.
in_chroot() {
	unshare -m --propagation private bash -euc '
		mount -t proc proc "$1/proc"
		mount -t sysfs sysfs "$1/sys"
		mount --bind /dev "$1/dev"
		chroot "$@"' _ "$@"
}

root=$deb/root
rm -rf "$root"
cp -a "$base" "$root"
cp "$image" "$root/tmp/"
echo "deb-test: chroot $root dpkg -i /tmp/${image##*/}"
if ! in_chroot "$root" dpkg -i "/tmp/${image##*/}" 2>&1 | tee "$deb/install.log"; then
	echo "deb-test: dpkg -i failed" >&2
	exit 1
fi
rm "$root/tmp/${image##*/}"

n=0
failures=0
check() { # name command...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n $1"; else echo "not ok $n $1"; failures=$((failures + 1)); fi
}
status=$(chroot "$root" dpkg-query -W -f='${Status} ${Version}' "$package")
check "dpkg: $package $status" [ "$status" = "install ok installed $version" ]
mods=$root/lib/modules/$release
for f in boot/vmlinuz-$release boot/System.map-$release boot/config-$release \
	 boot/initrd.img-$release lib/modules/$release/modules.dep lib/modules/$release/modules.devname; do
	check "/$f installed" [ -s "$root/$f" ]
done
nvme=$(modinfo -b "$root" -k "$release" -F filename nvme 2>/dev/null || true)
check "nvme module: ${nvme#"$root"}" [ -n "$nvme" ]
check "its vermagic names $release" bash -c "modinfo -b '$root' -k '$release' -F vermagic nvme | grep -q '^$release '"
check "nvme in the initramfs" bash -c "chroot '$root' lsinitramfs '/boot/initrd.img-$release' | grep -q '/nvme.ko'"
echo "# $(chroot "$root" dpkg -L "$package" | wc -l) paths in the package, $(find "$mods" -name '*.ko' | wc -l) modules;" \
	"/boot: $(ls "$root/boot" | tr '\n' ' ')"
[ "$failures" = 0 ] || { echo "deb-test: the install is not as expected" >&2; exit 1; }

# vm.sh boots <dir>/arch/x86/boot/bzImage and has the guest load modules
# from <dir>/modroot/lib/modules/<release>.
boot=$deb/boot-test
rm -rf "$boot"
mkdir -p "$boot/arch/x86/boot"
ln -s "$root/boot/vmlinuz-$release" "$boot/arch/x86/boot/bzImage"
ln -s "$root" "$boot/modroot"
mkdir -p "$top/build/demo"
gcc -O2 -Wall -Wextra -o "$top/build/demo/p2pcopy" "$top/demo/p2pcopy.c"
# One guest at a time on this machine.
while pgrep qemu-system > /dev/null; do
	echo "deb-test: waiting for the running guest to end" >&2
	sleep 15
done
echo "deb-test: booting $boot"
"$top/testbed/vm.sh" -k "$boot" -t "${TESTBED_TIMEOUT:-600}" "$top/scripts/deb-smoke.sh $release"

# The way back: dpkg -r, in a copy of the root (the one above stays
# bootable with vm.sh -k build/deb/boot-test).
gone=$deb/root-removed
rm -rf "$gone"
cp -a "$root" "$gone"
echo "deb-test: chroot $gone dpkg -r $package"
if ! in_chroot "$gone" dpkg -r "$package" 2>&1 | tee "$deb/remove.log"; then
	echo "deb-test: dpkg -r failed" >&2
	exit 1
fi
left=$(cd "$gone" && ls -d boot/*"$release"* "lib/modules/$release" 2>/dev/null || true)
[ -z "$left" ] || { echo "deb-test: left after dpkg -r: $left" >&2; exit 1; }
rm -rf "$gone"
echo "deb-test: dpkg -r left nothing of $release in /boot or /lib/modules"
