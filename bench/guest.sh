#!/bin/bash
# make bench, in the guest: every fio scenario of bench/fio/ with host and
# P2P buffers, on the provider's own drive and across the switch, then the
# mapping costs (p2pcost, which unbinds the provider, so it runs last).
# Raw results go to $TESTBED_RUN: fio/<job>.json, jobs.csv (what each JSON
# file ran), costs.json and kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/testbed/lib.sh"
out=${TESTBED_RUN:?}
runtime=2
rounds=5
# bench.sh's BENCH_RUNTIME and BENCH_ROUNDS.
[ ! -f "$out/settings" ] || . "$out/settings"
mkdir -p "$out/fio"
uname -r > "$out/kernel"

pci=$(pci_of_serial p2p-sw-a)
own=$(blockdev_of_serial p2p-sw-a)
other=$(blockdev_of_serial p2p-sw-b)
ctrl=$(ctrl_of_serial p2p-sw-a)
if [ ! -e "$pci/p2pmem/allocate" ]; then
	echo "bench: $pci/p2pmem/allocate does not exist: no userspace P2PDMA in this kernel" >&2
	exit 1
fi
p2p=mmapshared:$pci/p2pmem/allocate

# buffer kind, fio's mem=, target kind, block device
runs=(
	"host malloc own $own"
	"p2p $p2p own $own"
	"host malloc switch $other"
	"p2p $p2p switch $other"
)
# Only this series lets the NVMe char device be mapped: try it first.
if "$top/build/bench/p2pcost" --probe "$ctrl"; then
	runs+=("p2p-chardev mmapshared:$ctrl own $own")
else
	echo "bench: $ctrl cannot be mapped in this kernel: no char device runs"
fi

# Every scenario with io_uring on both targets; libaio on the provider's
# own drive; the char device's buffer for the 1 MiB scenarios.
jobs=()
for job in "$top"/bench/fio/*-*.fio; do
	scenario=$(basename "$job" .fio)
	for qd in 1 32; do
		for run in "${runs[@]}"; do
			[[ $run != p2p-chardev* || $scenario == *-1m ]] || continue
			jobs+=("$scenario io_uring $qd $run")
		done
		for run in "${runs[@]}"; do
			case $run in host*own* | "p2p "*own*) jobs+=("$scenario libaio $qd $run") ;; esac
		done
	done
done

echo "file,scenario,engine,qd,buffer,target" > "$out/jobs.csv"
n=0
for j in "${jobs[@]}"; do
	read -r scenario engine qd buffer mem target dev <<< "$j"
	n=$((n + 1))
	name=$scenario-$engine-qd$qd-$buffer-$target
	printf 'bench: [%d/%d] %s\n' "$n" "${#jobs[@]}" "$name"
	if ! TARGET=$dev MEM=$mem ENGINE=$engine QD=$qd RUNTIME=$runtime \
		fio --output-format=json --output="$out/fio/$name.json" \
		"$top/bench/fio/$scenario.fio" > "$out/fio/$name.log" 2>&1; then
		echo "bench: $name failed:" >&2
		tail -5 "$out/fio/$name.log" >&2
		exit 1
	fi
	echo "$name.json,$scenario,$engine,$qd,$buffer,$target" >> "$out/jobs.csv"
done

echo "bench: mapping costs ($rounds rounds; unbinds $(basename "$pci") at the end)"
"$top/build/bench/p2pcost" "$pci" "$own" "$rounds" > "$out/costs.json"
