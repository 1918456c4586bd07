#!/bin/bash
# Write build/linux base..HEAD back into patches/ with stable file names,
# and patches/0000-cover-letter.patch from patches/cover-letter.txt (its
# first line is the subject) with the series' shortlog and diffstat.
# Nothing here depends on the time, so a round trip leaves no diff.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
cd "$tree"
find "$top/patches" -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
git format-patch -q --no-signature --zero-commit --no-numbered --abbrev=12 \
	--subject-prefix=PATCH -o "$top/patches" base..HEAD
count=$(git rev-list --count base..HEAD)
{
	echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
	echo "From: $(git log -1 --format='%an <%ae>' HEAD)"
	echo "Subject: [PATCH 0/$count] $(head -n 1 "$top/patches/cover-letter.txt")"
	echo
	tail -n +2 "$top/patches/cover-letter.txt"
	echo
	git shortlog base..HEAD
	git diff --stat=72 base..HEAD
} > "$top/patches/0000-cover-letter.patch"
cd "$top/patches"
ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter' > series
echo "patches: $count patches in patches/series, and the cover letter"
