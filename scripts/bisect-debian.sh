#!/bin/bash
# make bisect-debian: every patch of the series (base..HEAD of build/linux)
# builds, in order, with Debian's own configuration and PCI_P2PDMA off,
# Debian's default, NVMe a module as in Debian: make kernel-debian's config
# (scripts/debian-config.sh, configs/debian.config) with
# configs/debian-nop2pdma.config after it. Object level, cheaper than make
# bisect's full builds:
#
#   - the config and `make prepare` once, into build/bisect-debian/out;
#   - for each commit, in a worktree moved along with git checkout, the
#     objects of the series' .c files that this config builds (make
#     rebuilds those whose source or headers the commit changed), and of
#     the .c files that include a local header the commit touches
#     (block/blk.h, drivers/nvme/host/nvme.h, kernel/rcu/tasks.h); an
#     error or a warning fails the commit;
#   - at the tip, make vmlinux modules: link errors, and what nvme (a
#     module) uses of the series but is not exported.
#
# One line per commit, a summary; exits non-zero if any failed.
# Logs in build/bisect-debian/logs/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux
dir=$top/build/bisect-debian
wt=$dir/linux
out=$dir/out
logs=$dir/logs
fragments=("$top/configs/debian.config" "$top/configs/debian-nop2pdma.config")
# The worktree and out/ sit side by side as build/linux and build/debian do.
export CCACHE_BASEDIR=$top/build
kmake() { make -s -C "$wt" O="$out" ARCH=x86_64 CC="ccache gcc" "$@"; }
die() { echo "bisect-debian: $*" >&2; exit 1; }

git -C "$src" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$src" worktree prune
mkdir -p "$out" "$logs"
rm -f "$logs"/*.log
git -C "$src" worktree add -q --detach "$wt" base || die "no worktree"
trap 'git -C "$src" worktree remove --force "$wt"' EXIT

# The config, checked as kernel.sh checks it (the last line for an option
# wins), replacing out/.config only when it changed.
DEBIAN_KCONFIG_DIR=$dir/kconfig "$top/scripts/debian-config.sh" "$wt" "$out/.config.new" \
	"${fragments[@]}" > "$logs/config.log" 2>&1 || { cat "$logs/config.log"; die "config failed"; }
missing=$(grep -h -e '^CONFIG_' -e '^# CONFIG_.* is not set$' "${fragments[@]}" |
	sed 's/^# \(CONFIG_[^ ]*\) is not set$/\1=n &/; s/^\(CONFIG_[^=]*\)=\([^n].*\)$/\1=\2 &/' |
	awk '{ key = $1; sub(/=.*/, "", key); line[key] = substr($0, index($0, " ") + 1) }
	     END { for (k in line) print line[k] }' | sort | while read -r line; do
	grep -qxF "$line" "$out/.config.new" || echo "$line"
done)
[ -z "$missing" ] || die "fragment options missing from the config: $missing"
cmp -s "$out/.config.new" "$out/.config" || cp "$out/.config.new" "$out/.config"
kmake -j"$(nproc)" prepare > "$logs/prepare.log" 2>&1 || { cat "$logs/prepare.log"; die "make prepare failed"; }

# Which of FILE.c ... this config builds: their directory's Makefile, read
# with the config (obj-y, obj-m, lib-y and the objects they are made of).
built() {
	local f d
	for f in "$@"; do
		d=$(dirname "$f")
		make -s -f - all d="$d" <<-EOF | tr ' ' '\n' | grep -qxF "$(basename "${f%.c}.o")" && echo "$f"
		include $out/include/config/auto.conf
		include $wt/$d/Makefile
		expand = \$(foreach o,\$(1),\$(o) \$(\$(o:.o=-y)) \$(\$(o:.o=-objs)) \$(\$(o:.o=-m)))
		all: ; @echo \$(call expand,\$(call expand,\$(obj-y) \$(obj-m) \$(lib-y)))
		EOF
	done
}
kernel_files() { grep -v -e '^tools/' -e '^Documentation/' -e '^MAINTAINERS$'; }
series_c=$(git -C "$src" diff --name-only base..HEAD | kernel_files | grep '\.c$')
series_objs=$(built $series_c | sed 's/\.c$/.o/')
echo "bisect-debian: config $out/.config; series objects built in it: $(echo $series_objs)"
echo "bisect-debian: not built in it: $(comm -23 <(echo "$series_c" | sort) <(echo "$series_objs" | sed 's/\.o$/.c/' | sort) | tr '\n' ' ')"

commits=$(git -C "$src" rev-list --reverse base..HEAD)
total=$(echo "$commits" | wc -w)
i=0
failed=0
tip=ok
for c in $commits; do
	i=$((i + 1))
	subject=$(git -C "$src" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	objs=$series_objs
	for h in $(git -C "$src" diff-tree --no-commit-id --name-only -r "$c" | kernel_files |
		grep '\.h$' | grep -v '^include/'); do
		objs+=" $(cd "$wt" && built $(grep -l "#include \"$(basename "$h")\"" "$(dirname "$h")"/*.c) |
			sed 's/\.c$/.o/' | tr '\n' ' ')"
	done
	objs=$(echo $objs | tr ' ' '\n' | sort -u)
	log=$logs/$(printf %02d "$i").log
	start=$SECONDS
	touch "$logs/stamp"
	kmake -k -j"$(nproc)" $objs > "$log" 2>&1
	status=$?
	rebuilt=$(cd "$out" && find $objs -newer "$logs/stamp" 2>/dev/null | wc -l)
	if [ $status -ne 0 ] || grep -q -e 'error:' -e 'warning:' "$log"; then
		failed=$((failed + 1))
		echo "bisect-debian: $i/$total FAILED ($rebuilt objects, $((SECONDS - start)) s): $subject"
		grep -e 'error:' -e 'warning:' -e '\*\*\*' "$log" | head -10 | sed 's/^/    /'
	else
		echo "bisect-debian: $i/$total ok ($rebuilt of $(echo $objs | wc -w) objects rebuilt, $((SECONDS - start)) s): $subject"
	fi
done

start=$SECONDS
log=$logs/tip.log
kmake -j"$(nproc)" vmlinux modules > "$log" 2>&1
status=$?
# A warning in a file the series does not touch fails only if the base
# does not have it (Debian's config warns in machine_keyring.c).
series_files=$(git -C "$src" diff --name-only base..HEAD)
base_warns=""
for f in $(sed -n 's|^\.\./linux/\([^:]*\.c\):[0-9:]* warning:.*|\1|p' "$log" | sort -u); do
	! echo "$series_files" | grep -qxF "$f" || continue
	git -C "$wt" checkout -q --detach base
	rm -f "$out/${f%.c}.o"
	kmake "${f%.c}.o" 2>&1 | grep -q "^\.\./linux/$f:[0-9:]* warning:" && base_warns+=" $f"
done
known=$(for f in $base_warns; do echo "../linux/$f:"; done)
new_warns=$(grep -e 'error:' -e 'warning:' -e 'ERROR:' -e 'WARNING:' "$log" |
	if [ -n "$known" ]; then grep -v -F "$known"; else cat; fi)
if [ $status -eq 0 ] && [ -z "$new_warns" ]; then
	echo "bisect-debian: tip ok (make vmlinux modules, $((SECONDS - start)) s${base_warns:+; warnings the base has too:$base_warns})"
else
	tip=FAILED
	echo "bisect-debian: tip FAILED (make vmlinux modules, $((SECONDS - start)) s):"
	{ echo "$new_warns"; grep -F '***' "$log"; } | grep . | head -20 | sed 's/^/    /'
fi
if [ $failed -ne 0 ] || [ $tip != ok ]; then
	echo "bisect-debian: $failed of $total patches failed, the tip build $tip (logs in $logs)"
	exit 1
fi
echo "bisect-debian: all $total patches build in order with Debian's config, PCI_P2PDMA off, NVMe a module; the tip links"
