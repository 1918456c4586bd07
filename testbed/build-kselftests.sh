#!/bin/bash
# Build and install the series' kselftests (tools/testing/selftests/p2pdma
# of build/linux) into build/kselftest; print the programs, one a line.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$top/build/linux/tools/testing/selftests
kdir=$top/build/kselftest
[ -d "$ksrc/p2pdma" ] || exit 0
rm -rf "$kdir"
mkdir -p "$top/build"
if ! make -s -C "$ksrc" TARGETS=p2pdma O="$top/build/kselftest-build" \
	KSFT_INSTALL_PATH="$kdir" install > "$top/build/kselftest-build.log" 2>&1; then
	tail -20 "$top/build/kselftest-build.log" >&2
	echo "build-kselftests: the p2pdma kselftests do not build" >&2
	exit 1
fi
while IFS=: read -r collection prog; do
	echo "$kdir/$collection/$prog"
done < "$kdir/kselftest-list.txt"
