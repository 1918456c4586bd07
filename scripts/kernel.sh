#!/bin/bash
# Build build/linux with one config variant into build/<variant>:
#   fast:      tinyconfig + configs/fast.config
#   debug:     tinyconfig + configs/fast.config + configs/debug.config
#   modular:   fast, NVMe as a module (make bisect)
#   nop2pdma:  fast, NVMe as a module, no CONFIG_PCI_P2PDMA (make bisect)
#   upstream:  build/upstream-linux (the baseline of make bench) with
#              fast + configs/upstream.config into build/upstream
#   debian:    Debian's own config + configs/debian.config, modules trimmed
#              to configs/debian-modules.txt (scripts/debian-config.sh)
# A kernel with modules gets them installed in <output>/modroot, where
# the test bed's guest loads them from.
# Fails if an option did not end up as its last fragment line says.
# KERNEL_SRC and KERNEL_OUT override the source tree and the output
# directory (make bisect builds a worktree with them).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:?usage: kernel.sh fast|debug|debian}
case $variant in
fast) fragments=("$top/configs/fast.config") ;;
debian) fragments=("$top/configs/debian.config") ;;
debug | modular | nop2pdma | upstream)
	fragments=("$top/configs/fast.config" "$top/configs/$variant.config") ;;
*) echo "kernel.sh: unknown variant '$variant'" >&2; exit 2 ;;
esac
default_src=$top/build/linux
[ "$variant" != upstream ] || default_src=$top/build/upstream-linux
src=${KERNEL_SRC:-$default_src}
out=${KERNEL_OUT:-$top/build/$variant}
[ -d "$src" ] || { echo "kernel.sh: no $src; run make tree (make bench)" >&2; exit 1; }
mkdir -p "$out"
kmake() { make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" "$@"; }

# Generate the config beside the live one and only replace it when it
# changed, so that an unchanged config does not cost a rebuild.
if [ "$variant" = debian ]; then
	"$top/scripts/debian-config.sh" "$src" "$out/.config.new" "${fragments[@]}" >"$out/config.log" 2>&1 ||
		{ cat "$out/config.log" >&2; exit 1; }
else
	kmake KCONFIG_CONFIG=.config.new tinyconfig >"$out/config.log" 2>&1
	cat "${fragments[@]}" >> "$out/.config.new"
	kmake KCONFIG_CONFIG=.config.new olddefconfig >>"$out/config.log" 2>&1
fi
# The last line for an option wins, as in the merged config.
missing=$(grep -h -e '^CONFIG_' -e '^# CONFIG_.* is not set$' "${fragments[@]}" |
	sed 's/^# \(CONFIG_[^ ]*\) is not set$/\1=n &/; s/^\(CONFIG_[^=]*\)=\([^n].*\)$/\1=\2 &/' |
	awk '{ key = $1; sub(/=.*/, "", key); line[key] = substr($0, index($0, " ") + 1) }
	     END { for (k in line) print line[k] }' | sort | while read -r line; do
	grep -qxF "$line" "$out/.config.new" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "kernel.sh: fragment options missing from the final $variant config:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
cmp -s "$out/.config.new" "$out/.config" || cp "$out/.config.new" "$out/.config"
targets=(bzImage)
grep -qx 'CONFIG_MODULES=y' "$out/.config" && targets+=(modules)
kmake -j"$(nproc)" "${targets[@]}"
if grep -qx 'CONFIG_MODULES=y' "$out/.config"; then
	rm -rf "$out/modroot"
	kmake INSTALL_MOD_PATH="$out/modroot" modules_install >/dev/null
fi
echo "kernel.sh: $out/arch/x86/boot/bzImage"
