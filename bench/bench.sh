#!/bin/bash
# make bench: build the fast kernel (this series) and the baseline
# (upstream's design, Debian's linux-source-6.12, same fragment), boot
# each in the standard topology, run bench/guest.sh in it, and report.
#
#   BASELINE=none        this series only
#   BENCH_RUNTIME=2      seconds per fio job
#   BENCH_ROUNDS=5       rounds of each mapping cost
#
# Results: build/bench/<time>/{series,upstream}/ (raw), figures.csv,
# summary.md and PNG plots beside them.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
baseline=${BASELINE:-upstream}
case $baseline in upstream | none) ;; *) echo "bench: BASELINE=upstream|none" >&2; exit 2 ;; esac
"$top/scripts/deps.sh" bench
"$top/scripts/kernel.sh" fast
if [ "$baseline" = upstream ]; then
	"$top/scripts/upstream-tree.sh"
	"$top/scripts/kernel.sh" upstream
fi
mkdir -p "$top/build/bench"
gcc -O2 -Wall -Wextra -o "$top/build/bench/p2pcost" "$top/bench/p2pcost.c"

run=$top/build/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
kernels=(series)
[ "$baseline" = none ] || kernels+=(upstream)
for k in "${kernels[@]}"; do
	case $k in series) kernel=fast ;; upstream) kernel=upstream ;; esac
	echo "bench: $k kernel (build/$kernel)"
	mkdir -p "$run/$k"
	# The guest does not inherit this environment: hand it over in a file.
	printf 'runtime=%s\nrounds=%s\n' "${BENCH_RUNTIME:-2}" "${BENCH_ROUNDS:-5}" > "$run/$k/settings"
	"$top/testbed/vm.sh" -k "$kernel" -t 3600 -r "$run/$k" "$top/bench/guest.sh"
done
# Debian's python3, which has python3-matplotlib.
/usr/bin/python3 "$top/bench/report.py" "$run"
echo "bench: results in $run"
