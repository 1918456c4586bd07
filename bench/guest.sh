#!/bin/bash
# make bench, in the guest: every fio scenario of bench/fio/ with host and
# P2P buffers, on the provider's own drive and across the switch, then the
# mapping costs (p2pcost, which unbinds the provider, so it runs last).
# Raw results go to $TESTBED_RUN: jobs.fio (the job file), fio.json (fio's
# report), jobs.csv (what each job ran), costs.json and kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/testbed/lib.sh"
out=${TESTBED_RUN:?}
runtime=2
rounds=5
# bench.sh's BENCH_RUNTIME and BENCH_ROUNDS.
[ ! -f "$out/settings" ] || . "$out/settings"
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

# One fio process runs every job, one after the other. Before each, a job
# that does nothing else runs bench/next-job.sh, which waits for the pool
# to be whole and prints the progress line where this script's output
# goes. It cannot be the job's own exec_prerun: fio maps the job's buffer,
# and fills it for writes, before that runs. fio sends exec_prerun's own
# output to a file in its working directory, a scratch one here.
export BENCH_PROGRESS=/proc/$$/fd/1
{
	printf '; bench/guest.sh: every fio job of this run, in order.\n'
	printf '[global]\ninclude %s\nruntime=%s\n' "$top/bench/fio/common.fio" "$runtime"
} > "$out/jobs.fio"
echo "name,scenario,engine,qd,buffer,target" > "$out/jobs.csv"
n=0
for j in "${jobs[@]}"; do
	read -r scenario engine qd buffer mem target dev <<< "$j"
	n=$((n + 1))
	name=$scenario-$engine-qd$qd-$buffer-$target
	cat >> "$out/jobs.fio" <<-EOF

	[before-$n]
	stonewall
	ioengine=null
	rw=read
	size=4k
	time_based=0
	exec_prerun=$top/bench/next-job.sh $pci/p2pmem bench: [$n/${#jobs[@]}] $name

	[$name]
	stonewall
	include $top/bench/fio/$scenario.fio
	filename=$dev
	mem=$mem
	ioengine=$engine
	iodepth=$qd
	EOF
	echo "$name,$scenario,$engine,$qd,$buffer,$target" >> "$out/jobs.csv"
done
if ! (cd "$(mktemp -d)" && fio --eta=never --output-format=json --output="$out/fio.json" \
	"$out/jobs.fio" > "$out/fio.log" 2>&1); then
	echo "bench: fio failed:" >&2
	tail -20 "$out/fio.log" >&2
	exit 1
fi

echo "bench: mapping costs ($rounds rounds; unbinds $(basename "$pci") at the end)"
"$top/build/bench/p2pcost" "$pci" "$own" "$rounds" > "$out/costs.json"
