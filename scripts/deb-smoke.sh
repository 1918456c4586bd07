#!/bin/bash
# In the guest (make deb-test): the kernel installed from the package is
# the one running, its nvme module loads, every CMB of testbed/topology is
# registered as p2pmem, and NVMe -> CMB -> NVMe with O_DIRECT copies the
# right bytes (tests/smoke-topology, then the demo).
#
#   deb-smoke.sh RELEASE
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
release=${1:?usage: deb-smoke.sh RELEASE}
n=0
failures=0
ok() { # status name
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failures=$((failures + 1)); fi
}

echo "# uname -a: $(uname -a)"
[ "$(uname -r)" = "$release" ]; ok $? "uname -r is $release (running $(uname -r))"
# testbed_modules (vm.sh): where guest-init's modprobe takes the modules.
grep -q '^nvme ' /proc/modules
ok $? "nvme is loaded: $(modinfo -b "${testbed_modules:-/}" -F filename nvme 2>&1)"
tainted=$(cat /proc/sys/kernel/tainted)
[ "$tainted" = 0 ]; ok $? "kernel not tainted (tainted=$tainted)"

cmbs=$(awk '!/^#/ && NF && $3 != 0' "$top/testbed/topology" | wc -l)
echo "# ls /sys/bus/pci/devices/*/p2pmem/:"
for d in /sys/bus/pci/devices/*/p2pmem; do
	echo "# $d: $(ls "$d" | tr '\n' ' ')published=$(cat "$d/published")"
done
files=$(ls /sys/bus/pci/devices/*/p2pmem/allocate 2>/dev/null | wc -l)
[ "$files" = "$cmbs" ]; ok $? "$files p2pmem/allocate files for the $cmbs CMBs of testbed/topology"
lines=$(dmesg | grep -c 'added peer-to-peer DMA memory')
dmesg | grep 'added peer-to-peer DMA memory' | sed 's/^/# /'
[ "$lines" = "$cmbs" ]; ok $? "kernel log: $lines lines 'added peer-to-peer DMA memory'"

"$top/tests/smoke-topology" | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "tests/smoke-topology"
"$top/demo/guest.sh" | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "demo/guest.sh: NVMe -> CMB -> NVMe, every byte verified"

bad=$(dmesg | grep -E 'BUG|WARNING|Oops|Call Trace' | head -n 5)
[ -z "$bad" ]; ok $? "kernel log has no BUG, WARNING, Oops or Call Trace${bad:+: $bad}"
echo "1..$n"
echo "deb-smoke: $((n - failures)) passed, $failures failed"
[ "$failures" = 0 ]
