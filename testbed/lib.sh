# Helpers for scripts that run in the guest; source it.
#
# A drive is named by the first column of testbed/topology: its serial
# number, or, for a controller of a shared subsystem (the topology's subsys
# column), the name of its row. Such a controller reports the subsystem's
# serial, as every controller of the subsystem does, and is the one of
# that serial whose controller ID (sysfs cntlid) is the row's place among
# the subsystem's rows, from 0 (QEMU numbers them in that order).
testbed_topology=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/topology

# The /sys/class/nvme directory of the NVMe controller with a name.
ctrl_class_of_serial() {
	local name attach cmb disk ns2 subsys serial=$1 cntlid= index c
	declare -A seen=()
	while read -r name attach cmb disk ns2 subsys; do
		case $name in '' | '#'*) continue ;; esac
		[ "${subsys:--}" != - ] || continue
		index=${seen[$subsys]:-0}
		seen[$subsys]=$((index + 1))
		if [ "$name" = "$1" ]; then
			serial=$subsys
			cntlid=$index
			break
		fi
	done < "$testbed_topology"
	for c in /sys/class/nvme/nvme*; do
		[ "$(tr -d ' ' < "$c/serial" 2>/dev/null)" = "$serial" ] || continue
		[ -z "$cntlid" ] || [ "$(cat "$c/cntlid" 2>/dev/null)" = "$cntlid" ] || continue
		echo "$c"
		return 0
	done
	return 1
}

# The sysfs path of the PCI function of the NVMe controller with a name.
pci_of_serial() {
	local c
	c=$(ctrl_class_of_serial "$1") || return 1
	readlink -f "$c/device"
}

# The char device (/dev/nvmeN) of the NVMe controller with a name.
ctrl_of_serial() {
	local c
	c=$(ctrl_class_of_serial "$1") || return 1
	echo "/dev/${c##*/}"
}

# The block device of namespace 1 of the NVMe controller with a name. With
# NVME_MULTIPATH, a namespace shared by several controllers is one disk,
# /dev/nvme<subsystem>n1; each controller's path to it, nvme<subsystem>
# c<controller>n1, is hidden (no /dev node): its disk is the shared one.
blockdev_of_serial() {
	local c ns name
	c=$(ctrl_class_of_serial "$1") || return 1
	for ns in "$c"/nvme*n1; do
		[ -e "$ns" ] || continue
		name=${ns##*/}
		if [[ $name =~ ^(nvme[0-9]+)c[0-9]+(n1)$ ]]; then
			name=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
		fi
		echo "/dev/$name"
		return 0
	done
	return 1
}
