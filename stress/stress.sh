#!/bin/bash
# make stress [CYCLES=N] [KERNEL=debug]: boot the test bed once and run
# stress/unbind-under-io for N cycles (default 1000) under
# testbed/run-tests, which fails the run on any kernel report and, on the
# debug kernel, on a kmemleak finding. Progress lines come as the cycles
# go; the summary and the TAP results at the end. Results in
# build/stress/<time>/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=${KERNEL:-debug}
cycles=${CYCLES:-1000}
case $cycles in '' | *[!0-9]*) echo "stress: CYCLES must be a number" >&2; exit 2 ;; esac
"$top/scripts/kernel.sh" "$variant"
"$top/stress/build.sh"
run=$top/build/stress/$(date +%Y%m%d-%H%M%S)
# Allow 30 s a cycle: 20 cycles took 18 s on the fast kernel and 33 s on
# the debug one.
limit=$((300 + 30 * cycles))
"$top/testbed/vm.sh" -k "$variant" -t $((limit + 300)) -r "$run" \
	"P2PSTRESS_CYCLES=$cycles TESTBED_TEST_TIMEOUT=$limit $top/testbed/run-tests $top/stress/unbind-under-io"
