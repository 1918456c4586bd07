#!/bin/bash
# Build build/linux with one config variant into build/<variant>:
#   fast:  tinyconfig + configs/fast.config
#   debug: tinyconfig + configs/fast.config + configs/debug.config
# Fails if any fragment line did not make it into the final .config.
# KERNEL_SRC and KERNEL_OUT override the source tree and the output
# directory (make bisect builds a worktree with them).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:?usage: kernel.sh fast|debug}
case $variant in
fast) fragments=("$top/configs/fast.config") ;;
debug) fragments=("$top/configs/fast.config" "$top/configs/debug.config") ;;
*) echo "kernel.sh: unknown variant '$variant'" >&2; exit 2 ;;
esac
src=${KERNEL_SRC:-$top/build/linux}
out=${KERNEL_OUT:-$top/build/$variant}
[ -d "$src" ] || { echo "kernel.sh: no $src; run make tree" >&2; exit 1; }
mkdir -p "$out"
kmake() { make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" "$@"; }

# Generate the config beside the live one and only replace it when it
# changed, so that an unchanged config does not cost a rebuild.
kmake KCONFIG_CONFIG=.config.new tinyconfig >"$out/config.log" 2>&1
cat "${fragments[@]}" >> "$out/.config.new"
kmake KCONFIG_CONFIG=.config.new olddefconfig >>"$out/config.log" 2>&1
missing=$(grep -h -e '^CONFIG_' -e '^# CONFIG_.* is not set$' "${fragments[@]}" | sort -u | while read -r line; do
	grep -qxF "$line" "$out/.config.new" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "kernel.sh: fragment options missing from the final $variant config:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
cmp -s "$out/.config.new" "$out/.config" || cp "$out/.config.new" "$out/.config"
kmake -j"$(nproc)" bzImage
echo "kernel.sh: $out/arch/x86/boot/bzImage"
