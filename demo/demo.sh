#!/bin/bash
# make demo: build p2pcopy and run demo/guest.sh in the fast kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build/demo"
gcc -O2 -Wall -Wextra -o "$top/build/demo/p2pcopy" "$top/demo/p2pcopy.c"
exec "$top/testbed/vm.sh" -k "${KERNEL:-fast}" "$top/demo/guest.sh"
