#!/bin/bash
# Prove that the tests can fail: for each mutant in testbed/mutants/ (a
# patch that breaks or removes one piece of the series, headed by the
# tests it must make fail), apply it to build/linux, build a kernel into
# build/<variant> (incrementally; the next normal build recompiles what the
# mutant touched), run every test in the guest, revert, and report
# whether each expected test failed.
#
#   mutants.sh [name...]     (default: all)
#
# MUTANT_PROGRAMS='p2pdma_test ...' runs only the test programs named
# (by file name), when time is short; by default every program runs.
#
# The header ends at the first empty line: "Expect failing:" and the
# tests, one an indented line (shell patterns), and optionally
# "Kernel: debug" for a mutant that only the debug kernel can catch, and
# "Cmdline: ..." for what the guest's kernel command line must add.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
if [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	echo "mutants: $src has uncommitted changes; commit or drop them first" >&2
	exit 2
fi
trap 'git -C "$src" checkout -q .' EXIT

names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$top/testbed/mutants" && ls *.patch | sed 's/\.patch$//'))
mapfile -t progs < <("$top/testbed/build-kselftests.sh") || exit 1
"$top/stress/build.sh" || exit 1
progs+=("$top"/tests/*)
if [ -n "${MUTANT_PROGRAMS:-}" ]; then
	chosen=()
	for p in "${progs[@]}"; do
		[[ " $MUTANT_PROGRAMS " == *" $(basename "$p") "* ]] && chosen+=("$p")
	done
	progs=("${chosen[@]}")
fi

survivors=0
for name in "${names[@]}"; do
	patch=$top/testbed/mutants/$name.patch
	header=$(sed '/^$/q' "$patch")
	variant=$(printf '%s\n' "$header" | sed -n 's/^Kernel: *//p')
	variant=${variant:-fast}
	cmdline=$(printf '%s\n' "$header" | sed -n 's/^Cmdline: *//p')
	out=$top/build/$variant
	run=$top/build/mutants/$name
	rm -rf "$run"
	mkdir -p "$run"
	git -C "$src" checkout -q .
	git -C "$src" apply "$patch" || { echo "mutant $name: does not apply"; exit 1; }
	# A mutant of the selftests themselves needs them built again.
	tests_mutated=
	if grep -q '^diff --git a/tools/testing/selftests/' "$patch"; then
		tests_mutated=1
		"$top/testbed/build-kselftests.sh" > /dev/null ||
			{ echo "mutant $name: its kselftests do not build"; exit 1; }
	fi
	if ! KERNEL_OUT=$out "$top/scripts/kernel.sh" "$variant" > "$run/build.log" 2>&1; then
		echo "mutant $name: does not build (see $run/build.log)"
		exit 1
	fi
	git -C "$src" checkout -q .
	TESTBED_CMDLINE=$cmdline "$top/testbed/vm.sh" -k "$out" -t 1800 -r "$run/guest" \
		"$top/testbed/run-tests" "${progs[@]}" > "$run/tap" 2>&1
	vm_status=$?
	[ -z "$tests_mutated" ] || "$top/testbed/build-kselftests.sh" > /dev/null ||
		{ echo "mutants: the series' kselftests do not build again"; exit 1; }
	missed=()
	passed=()
	while read -r pattern; do
		[ -n "$pattern" ] || continue
		grep -q "^fail .*$pattern" "$run/guest/results" 2>/dev/null || missed+=("$pattern")
		grep -q "^pass .*$pattern" "$run/guest/results" 2>/dev/null && passed+=("$pattern")
	done < <(printf '%s\n' "$header" | sed -n 's/^  *//p' | sed 's/\./\\./g; s/\*/.*/g')
	failed=$(grep -c '^fail ' "$run/guest/results" 2>/dev/null)
	if [ $vm_status = 125 ] && [ ${#passed[@]} = 0 ] &&
	   grep -qE 'Oops|BUG:|Kernel panic' "$run/tap"; then
		# The kernel crashed before an expected test could pass; make
		# check fails on that too.
		echo "mutant $name: killed (the guest crashed; see $run/tap)"
	elif [ ${#missed[@]} = 0 ]; then
		echo "mutant $name: killed ($failed results failed, every expected one among them)"
	else
		survivors=$((survivors + 1))
		echo "mutant $name: SURVIVED: no failure matching ${missed[*]} ($failed results failed)"
	fi
done
[ $survivors = 0 ]
