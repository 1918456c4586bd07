#!/bin/bash
# Write build/linux base..HEAD back into patches/ with stable file names.
# The cover letter lives in the repo (patches/0000-cover-letter.patch) and
# is kept as it is.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
cd "$tree"
find "$top/patches" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' -delete
git format-patch -q --no-signature --zero-commit --no-numbered \
	--subject-prefix=PATCH -o "$top/patches" base..HEAD
cd "$top/patches"
ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '^0000-cover-letter' > series || true
echo "patches: $(wc -l < series) patches in patches/series"
