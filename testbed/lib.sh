# Helpers for scripts that run in the guest; source it.

# The sysfs path of the PCI function of the NVMe controller with a serial.
pci_of_serial() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ "$(tr -d ' ' < "$c/serial" 2>/dev/null)" = "$1" ] || continue
		readlink -f "$c/device"
		return 0
	done
	return 1
}

# The char device (/dev/nvmeN) of the NVMe controller with a serial.
ctrl_of_serial() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ "$(tr -d ' ' < "$c/serial" 2>/dev/null)" = "$1" ] || continue
		echo "/dev/${c##*/}"
		return 0
	done
	return 1
}

# The block device of namespace 1 of the NVMe controller with a serial.
blockdev_of_serial() {
	local ctrl ns
	ctrl=$(ctrl_of_serial "$1") || return 1
	for ns in /sys/class/nvme/"${ctrl#/dev/}"/nvme*n1; do
		[ -e "$ns" ] || continue
		echo "/dev/${ns##*/}"
		return 0
	done
	return 1
}
