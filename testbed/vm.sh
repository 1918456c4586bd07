#!/bin/bash
# Boot the test kernel under QEMU and run one command in the guest.
#
#   vm.sh [-k fast|debug|debian|build-dir] [-t seconds] [-r run-dir] [command...]
#
# The host root is the guest root (9p, read-only): every host path is the
# same path in the guest, the working directory included. A fresh run
# directory under build/vm/ is mounted writable at the same path and given
# to the command as $TESTBED_RUN. The guest reports the command's exit
# status on its own serial port; a guest that panics, hangs or dies
# without reporting one makes vm.sh fail. Without a command, an
# interactive shell.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=fast
timeout=${TESTBED_TIMEOUT:-1800}
run=
while getopts k:t:r: opt; do
	case $opt in
	k) variant=$OPTARG ;;
	t) timeout=$OPTARG ;;
	r) run=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

case $variant in
*/*) build=$variant ;;
*) build=$top/build/$variant ;;
esac
kernel=$build/arch/x86/boot/bzImage
[ -f "$kernel" ] || { echo "vm: no $kernel; run make kernel-$variant" >&2; exit 2; }

mkdir -p "$top/build/vm" "$top/build/images"
[ -n "$run" ] || run=$(mktemp -d "$top/build/vm/run.XXXXXX")
mkdir -p "$run"
run=$(cd "$run" && pwd)
# The guest runs the command line as one string: paths in it must not
# split.
for dir in "$run" "$top"; do
	case $dir in *[[:space:]]*) echo "vm: '$dir' has white space" >&2; exit 2 ;; esac
done
# The guest mounts its own tmpfs over these: host paths below them are
# not there in the guest.
for dir in "$top" "$PWD"; do
	case $dir/ in
	/tmp/* | /run/* | /dev/shm/*)
		echo "vm: $dir is inside /tmp, /run or /dev/shm, which the guest mounts its own tmpfs over: work from elsewhere" >&2
		exit 2 ;;
	esac
done
rm -f "$run/status"
printf '%s\n' "$PWD" > "$run/cwd"
if [ $# -gt 0 ]; then
	printf '%s\n' "$*" > "$run/cmd"
	console=(-chardev stdio,id=con,signal=off -serial chardev:con)
else
	console=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con)
fi

# The PCIe topology, from testbed/topology.
devices=()
shared=()	# the namespaces of shared subsystems, after all controllers
declare -A subsys_first=()
chassis=1
switch_up=
while read -r serial attach cmb disk ns2 subsys; do
	case $serial in '' | '#'*) continue ;; esac
	subsys=${subsys:--}
	case $attach in
	switch)
		if [ -z "$switch_up" ]; then
			devices+=(-device "pcie-root-port,id=rp$chassis,chassis=$chassis,slot=0"
				  -device "x3130-upstream,id=swup,bus=rp$chassis")
			switch_up=swup
			chassis=$((chassis + 1))
		fi
		devices+=(-device "xio3130-downstream,id=port$chassis,bus=$switch_up,chassis=$chassis,slot=0")
		;;
	rootport)
		devices+=(-device "pcie-root-port,id=port$chassis,chassis=$chassis,slot=0")
		;;
	*) echo "vm: testbed/topology: unknown attach '$attach'" >&2; exit 2 ;;
	esac
	nvme="bus=port$chassis,id=nvme-$serial"
	[ "$cmb" = 0 ] || nvme+=",cmb_size_mb=$cmb"
	if [ "$subsys" = - ]; then
		img=$top/build/images/$serial.img
		[ -f "$img" ] || truncate -s "$disk" "$img"
		devices+=(-drive "file=$img,if=none,id=$serial,format=raw"
			  -device "nvme,serial=$serial,drive=$serial,$nvme")
	else
		# A controller of a shared subsystem, with the subsystem's
		# serial (see testbed/topology): the subsystem's first row makes
		# it, and its namespace 1, shared by every controller of it, is
		# realized once they all are. QEMU gives the controllers IDs in
		# the order they are realized: the rows' order, from 0.
		if [ "${ns2:--}" != - ]; then
			echo "vm: testbed/topology: $serial: ns2 on a controller of subsystem '$subsys'" >&2
			exit 2
		fi
		if [ -z "${subsys_first[$subsys]:-}" ]; then
			subsys_first[$subsys]=$serial
			img=$top/build/images/subsys-$subsys.img
			[ -f "$img" ] || truncate -s "$disk" "$img"
			devices+=(-device "nvme-subsys,id=subsys-$subsys,nqn=$subsys")
			shared+=(-drive "file=$img,if=none,id=subsys-$subsys,format=raw"
				 -device "nvme-ns,drive=subsys-$subsys,bus=nvme-$serial,nsid=1,shared=on")
		fi
		devices+=(-device "nvme,serial=$subsys,$nvme,subsys=subsys-$subsys")
	fi
	if [ "${ns2:--}" != - ]; then
		img2=$top/build/images/$serial-ns2.img
		[ -f "$img2" ] || truncate -s 256M "$img2"
		devices+=(-drive "file=$img2,if=none,id=$serial-ns2,format=raw"
			  -device "nvme-ns,drive=$serial-ns2,bus=nvme-$serial,nsid=2,$ns2")
	fi
	chassis=$((chassis + 1))
done < "$top/testbed/topology"
devices+=("${shared[@]}")

cmdline="console=ttyS0 quiet panic=-1 nvme.use_cmb_sqes=0 nvme.sgl_threshold=0"
# Lets the selftests point failslab (debug kernel) at xarray nodes only.
cmdline+=" slub_debug=A,radix_tree_node"
# The root's 9p tag is a plain name: the kernel mounts a nodev root by the
# name given in root=, and tried "root" first when that was /dev/root,
# which printed "9pnet_virtio: no channels available" at every boot.
cmdline+=" root=root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
cmdline+=" init=$top/testbed/guest-init testbed_run=$run ${TESTBED_CMDLINE:-}"
# A kernel with modules has them in its build directory (kernel.sh): the
# guest loads them from there.
if [ -d "$build/modroot/lib/modules" ]; then
	cmdline+=" testbed_modules=$(cd "$build/modroot" && pwd)"
fi

set +e
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu qemu64 -smp 2 -m 2G \
	-bios /usr/share/qemu/qboot.rom -nodefaults -display none -no-reboot \
	-kernel "$kernel" -append "$cmdline" \
	"${console[@]}" \
	-chardev "file,id=status,path=$run/status" -serial chardev:status \
	-virtfs local,id=root,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,id=results,path=$run,mount_tag=results,security_model=none,multidevs=remap" \
	"${devices[@]}"
qemu_rc=$?
set -e

if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	echo "vm: guest timed out after ${timeout}s (run directory $run)" >&2
	exit 124
fi
status=$(tr -d '\r' < "$run/status" 2>/dev/null | sed -n 's/^testbed-exit \([0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$status" ]; then
	echo "vm: guest ended without an exit status: crash, panic or early death (qemu $qemu_rc, run directory $run)" >&2
	exit 125
fi
exit "$status"
