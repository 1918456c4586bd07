#!/bin/bash
# The demo, in the guest: NVMe -> CMB -> NVMe with O_DIRECT, on one drive
# and across the switch, every byte verified, and the same transfers
# through a host-memory buffer for comparison.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/testbed/lib.sh"
p2pcopy=$top/build/demo/p2pcopy
size=${DEMO_SIZE:-16M}
chunk=${DEMO_CHUNK:-1M}
mib=$(( $(numfmt --from=iec "$size") >> 20 ))

a_pci=$(pci_of_serial p2p-sw-a)
a=$(blockdev_of_serial p2p-sw-a)
b=$(blockdev_of_serial p2p-sw-b)
cmb=$a_pci/p2pmem/allocate
if [ ! -e "$cmb" ]; then
	echo "demo: $cmb does not exist: this kernel has no userspace P2PDMA"
	echo "demo: (the series in patches/ does not provide it yet)"
	exit 1
fi

echo "demo: source $a, CMB buffer from $a_pci (${chunk} chunks), $size"
dd if=/dev/urandom of="$a" bs=1M count="$mib" oflag=direct status=none

copy() { # label dst dst-offset-MiB [buffer-file]
	local label=$1 dst=$2 off=$3 result
	shift 3
	result=$("$p2pcopy" "$a" 0 "$dst" "$((off))M" "$size" "$chunk" "$@")
	if ! cmp -n "$size" -i "0:$((off << 20))" "$a" "$dst"; then
		echo "demo: $label: data differs"
		exit 1
	fi
	printf 'demo: %-34s %s, verified\n' "$label" "$result"
}

copy "one drive, P2P (CMB buffer):" "$a" 256 "$cmb"
copy "one drive, host memory buffer:" "$a" 512
copy "across the switch, P2P (CMB):" "$b" 256 "$cmb"
copy "across the switch, host memory:" "$b" 512
