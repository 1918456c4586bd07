#!/bin/bash
# Build the stress driver for the guest (same Debian userspace as the host).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build/stress"
# No stale binary runs if this one does not build.
rm -f "$top/build/stress/p2pstress"
gcc -O2 -Wall -Wextra -Werror -o "$top/build/stress/p2pstress" "$top/stress/p2pstress.c"
