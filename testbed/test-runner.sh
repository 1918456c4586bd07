#!/bin/bash
# Tests of the test bed's runner: a guest command that fails, a guest that
# panics or hangs, a kernel report and a skip without a reason must each
# read as a failure, never as a pass.
#   test-runner.sh <kernel variant> <output directory>
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=$1
out=$2
mkdir -p "$out"
n=0

result() { # pass|fail name
	n=$((n + 1))
	case $1 in
	pass) echo "ok $n runner: $2" ;;
	fail) echo "not ok $n runner: $2" ;;
	esac
	echo "$1 runner: $2" >> "$out/results"
}

expect_status() { # name expected-status timeout command
	local name=$1 want=$2 limit=$3 rc
	shift 3
	"$top/testbed/vm.sh" -k "$variant" -t "$limit" -r "$out/$n" "$*" > "$out/$n.log" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		result pass "$name"
	else
		sed 's/^/# /' "$out/$n.log" | tail -5
		result fail "$name (vm.sh status $rc, expected $want)"
	fi
}

expect_status "a guest command that succeeds gives status 0" 0 300 true
# A boot says nothing on the console unless something is wrong: the guest
# above ran `true`, so all it may print is its way out (with the time in
# front on a kernel with PRINTK_TIME, as Debian's).
if tr -d '\r' < "$out/0.log" | grep -vxE '(\[ *[0-9]+\.[0-9]+\] )?sysrq: Resetting' | grep -q .; then
	sed 's/^/# /' "$out/0.log" | tail -5
	result fail "a guest boots without a word on the console"
else
	result pass "a guest boots without a word on the console"
fi
expect_status "a guest that panics fails" 125 300 'echo c > /proc/sysrq-trigger'
# The limit may run out before the boot is done: either way the guest has
# not reported, which is what this checks.
expect_status "a guest that hangs fails at the time limit" 124 60 'sleep 100000'

# The guest mounts tmpfs over /tmp: a working directory there does not
# exist in the guest. vm.sh says so before it boots.
tmpdir=$(mktemp -d)
(cd "$tmpdir" && "$top/testbed/vm.sh" -k "$variant" -t 60 -r "$out/tmpcwd" true) > "$out/tmpcwd.log" 2>&1
rc=$?
rmdir "$tmpdir"
if [ "$rc" = 2 ] && grep -q "inside /tmp" "$out/tmpcwd.log"; then
	result pass "a working directory in /tmp is refused before the boot"
else
	sed 's/^/# /' "$out/tmpcwd.log" | tail -5
	result fail "a working directory in /tmp is refused before the boot (vm.sh status $rc)"
fi

# make vm hands CMD to the guest's shell as typed, $ and all, and fails
# with the guest command's status (one boot for both).
make -s -C "$top" vm KERNEL="$variant" \
	CMD='echo "cmd: [$((6 * 7))] [$(echo sub)] [\$x]"; exit 3' > "$out/cmd.log" 2>&1
rc=$?
if tr -d '\r' < "$out/cmd.log" | grep -qxF 'cmd: [42] [sub] [$x]'; then
	result pass "make vm runs CMD as typed"
else
	sed 's/^/# /' "$out/cmd.log" | tail -5
	result fail "make vm runs CMD as typed"
fi
if [ "$rc" != 0 ] && grep -q '\] Error 3$' "$out/cmd.log"; then
	result pass "a guest command that fails gives its status"
else
	sed 's/^/# /' "$out/cmd.log" | tail -5
	result fail "a guest command that fails gives its status (make status $rc)"
fi

# The scanner and the TAP reader, in one boot: the first two programs
# below exit 0 and print no failed case, yet each must produce a failed
# result. The third prints a line, pauses 20 s and passes: the line must
# be on the console at least 10 s before its result (make stress runs for
# half an hour).
fake=$top/testbed/runner-tests
"$top/testbed/vm.sh" -k "$variant" -t 300 -r "$out/scan" \
	"$top/testbed/run-tests" "$fake/kernel-warning" "$fake/skip-without-reason" \
	"$fake/progress" > "$out/scan.log" 2>&1 &
vm=$!
seen= ended=
while kill -0 $vm 2> /dev/null; do
	if [ -z "$seen" ] && grep -q 'progress: first line' "$out/scan.log"; then
		seen=$SECONDS
	fi
	if [ -z "$ended" ] && grep -q 'progress: done' "$out/scan.log"; then
		ended=$SECONDS
	fi
	sleep 1
done
wait $vm
rc=$?
check_line() { # name line-expected-in-results
	if grep -qxF "$2" "$out/scan/results" 2>/dev/null; then
		result pass "$1"
	else
		sed 's/^/# /' "$out/scan.log" | tail -8
		result fail "$1 (no '$2' in the results)"
	fi
}
check_line "a kernel WARNING fails the program that caused it" \
	"fail kernel-warning: kernel log clean"
check_line "a skip without a reason is a failure" \
	"fail skip-without-reason: no device (skipped without a reason)"
check_line "a skip with a reason is a skip" "skip skip-without-reason: reasoned"
check_line "a kselftest harness skip with a reason is a skip, by its RUN name" \
	"skip skip-without-reason: global.harness_reasoned"
check_line "a kselftest harness skip without a reason is a failure" \
	"fail skip-without-reason: global.harness_no_reason (skipped without a reason)"
check_line "a nameless skip does not take the name of a test before it" \
	"skip skip-without-reason: unnamed"
if [ -n "$seen" ] && [ -n "$ended" ] && [ $((ended - seen)) -ge 10 ]; then
	result pass "a program's lines show as it prints them"
else
	when=never
	[ -z "$seen" ] || when="${ended:+$((ended - seen)) s }before its result"
	sed 's/^/# /' "$out/scan.log" | tail -8
	result fail "a program's lines show as it prints them (seen $when)"
fi
if [ "$rc" = 1 ]; then
	result pass "run-tests exits non-zero when a result failed"
else
	result fail "run-tests exits non-zero when a result failed (status $rc)"
fi
