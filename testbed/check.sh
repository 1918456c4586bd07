#!/bin/bash
# Host side of `make check`: test the runner itself, then boot the debug
# kernel once and run every test program in it (testbed/run-tests). TAP
# is printed as it goes; the last line is the plain summary.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=${KERNEL_VARIANT:-debug}
stamp=$(date +%Y%m%d-%H%M%S)
out=$top/build/check/$stamp
mkdir -p "$out"

# 1. The runner must fail a guest that fails, crashes, hangs or logs a
#    kernel report.
"$top/testbed/test-runner.sh" "$variant" "$out/runner"

# 2. The series' kselftests, when the tree has them.
progs=()
if list=$("$top/testbed/build-kselftests.sh"); then
	[ -z "$list" ] || mapfile -t progs <<< "$list"
else
	echo "fail building the p2pdma kselftests" >> "$out/host-results"
	echo "not ok - building the p2pdma kselftests"
fi

# 3. The stress driver, which tests/stress-short runs for 20 cycles.
if ! "$top/stress/build.sh"; then
	echo "fail building the stress driver" >> "$out/host-results"
	echo "not ok - building the stress driver"
fi

# 4. The repo's own scenario tests.
for t in "$top"/tests/*; do
	[ -x "$t" ] && [ -f "$t" ] && progs+=("$t")
done

"$top/testbed/vm.sh" -k "$variant" -r "$out/guest" "$top/testbed/run-tests" "${progs[@]}"
rc=$?
if [ ! -s "$out/guest/results" ] || [ $rc -ge 124 ]; then
	echo "fail guest completed the run (vm.sh status $rc)" >> "$out/host-results"
	echo "not ok - guest completed the run (vm.sh status $rc)"
fi

# 5. x86 PAT corrects the cache mode of a user mapping of P2P memory from
#    its memory type; booted with nopat, as on architectures without PAT,
#    only the mapping's own protection decides.
TESTBED_CMDLINE=nopat "$top/testbed/vm.sh" -k "$variant" -r "$out/nopat" \
	"$top/testbed/run-tests" "$top/tests/user-mapping-uncached"
rc=$?
if [ ! -s "$out/nopat/results" ] || [ $rc -ge 124 ]; then
	echo "fail nopat guest completed the run (vm.sh status $rc)" >> "$out/host-results"
	echo "not ok - nopat guest completed the run (vm.sh status $rc)"
fi

cat "$out"/runner/results "$out"/guest/results "$out"/nopat/results \
	"$out"/host-results 2>/dev/null > "$out/all-results"
passed=$(grep -c '^pass ' "$out/all-results")
failed=$(grep -c '^fail ' "$out/all-results")
skipped=$(grep -c '^skip ' "$out/all-results")
echo "# results and kernel logs: $out"
echo "# $skipped skipped, each with its reason above"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
