#!/bin/sh
# mkdist.sh OUTDIR VERSION - write OUTDIR/omacp-VERSION.tar.gz (used by
# `make dist`, mk/dist.mk).
#
# Contents: the files git tracks (`git ls-files`) when the current directory
# is the top of a git work tree; else the list in MANIFEST (every tarball
# carries one, so a tarball can make the next); else every file found,
# without .git and build directories.  Files listed but absent from the work
# tree are left out.  Every file goes under omacp-VERSION/, owned by 0:0,
# sorted by name, dated from SOURCE_DATE_EPOCH (else the last commit, else
# version.h): the same tree gives the same bytes.
set -eu
out=$1
version=$2
name="omacp-$version"
root=$(pwd -P)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
list="$stage/list"

top=$(git rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$root" ]; then
	git ls-files > "$list.all"
	from="git ls-files"
elif [ -f MANIFEST ]; then
	grep -v '^MANIFEST$' MANIFEST > "$list.all" || true
	from="MANIFEST"
else
	find . \( -name .git -o -name 'build' -o -name 'build-*' -o -name "$(basename "$out")" \) -prune \
		-o -type f ! -name '*.o' ! -name '*.a' ! -name '*.profraw' -print |
		sed 's|^\./||' | LC_ALL=C sort > "$list.all"
	from="the files found"
fi
: > "$list"
while IFS= read -r f; do
	if [ -f "$f" ] || [ -L "$f" ]; then
		printf '%s\n' "$f" >> "$list"
	fi
done < "$list.all"
[ -s "$list" ] || { echo "mkdist: no files to pack" >&2; exit 1; }
printf 'MANIFEST\n' >> "$list"
LC_ALL=C sort -u "$list" -o "$list"
mkdir -p "$stage/meta"
grep -v '^MANIFEST$' "$list" > "$stage/meta/MANIFEST"
echo MANIFEST >> "$stage/meta/MANIFEST"
LC_ALL=C sort -o "$stage/meta/MANIFEST" "$stage/meta/MANIFEST"

epoch=${SOURCE_DATE_EPOCH:-}
if [ -z "$epoch" ] && [ "$from" = "git ls-files" ]; then
	epoch=$(git log -1 --format=%ct 2>/dev/null || true)
fi
[ -n "$epoch" ] || epoch=$(date -r include/omacp/version.h +%s)

mkdir -p "$out"
grep -v '^MANIFEST$' "$list" > "$list.files"
tmp_tar="$stage/$name.tar"
tar -C "$root" --format=gnu --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime="@$epoch" --transform "s,^,$name/," -cf "$tmp_tar" -T "$list.files"
tar -C "$stage/meta" --format=gnu --owner=0 --group=0 --numeric-owner \
	--mtime="@$epoch" --transform "s,^,$name/," -rf "$tmp_tar" MANIFEST
gzip -n -9 < "$tmp_tar" > "$out/$name.tar.gz"
echo "dist: $out/$name.tar.gz ($(wc -l < "$list") files from $from)"
