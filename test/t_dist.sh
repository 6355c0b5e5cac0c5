#!/bin/bash
# `make dist` (mk/dist.mk, tools/mkdist.sh): the tarball is reproducible,
# holds every file the tree is made of under omacp-VERSION/ and nothing
# built; unpacked elsewhere it builds, two cmocka suites pass, the
# sms_handler example bootstraps a handset and `make demo` runs; and the
# unpacked tree (no git) can make the same tarball again from its MANIFEST.
# This is the fast subset; `make distcheck` runs the full `make check` in the
# unpacked tree (CI runs it).
set -eu
cd "$ROOT"
B=${B:-build}
version=$(sed -n 's/^#define OMACP_VERSION_STRING "\(.*\)"/\1/p' include/omacp/version.h)
name="omacp-$version"
tgz="$B/$name.tar.gz"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# a digest of the files a tarball holds, as they are in the work tree now
tree_sum() { tar -tzf "$tgz" | sed "s|^$name/||" | grep -vx MANIFEST |
	while IFS= read -r f; do cat "$f" 2>/dev/null; done | md5sum; }
make --no-print-directory -s B="$B" dist > "$tmp/log" || { cat "$tmp/log"; fail "make dist"; }
[ -f "$tgz" ] || fail "$tgz not made"
sum1=$(tree_sum)
head1=$(git rev-parse -q HEAD 2>/dev/null || true)
cp "$tgz" "$tmp/first.tar.gz"
make --no-print-directory -s B="$B" dist > /dev/null
if ! cmp -s "$tgz" "$tmp/first.tar.gz"; then
	# only a failure when the tree did not change meanwhile (other work in
	# the same tree, a commit) -- then the same tree gave other bytes
	[ "$(tree_sum)" != "$sum1" ] || [ "$(git rev-parse -q HEAD 2>/dev/null || true)" != "$head1" ] ||
		fail "make dist twice gives different bytes"
	echo "note: the tree changed while the test ran; reproducibility not judged"
fi

tar -tzf "$tgz" > "$tmp/names"
bad=$(grep -v "^$name/" "$tmp/names" || true)
[ -z "$bad" ] || fail "entries outside $name/: $bad"
bad=$(grep -E "^$name/(build[^/]*/|\.git/)|\.o$|\.a$" "$tmp/names" || true)
[ -z "$bad" ] || fail "build products or .git in the tarball: $bad"
# what the tree is made of: the tracked files (or, outside git, the MANIFEST)
if git rev-parse --show-toplevel >/dev/null 2>&1 && \
   [ "$(cd "$(git rev-parse --show-toplevel)" && pwd -P)" = "$(pwd -P)" ]; then
	git ls-files > "$tmp/want"
else
	cp MANIFEST "$tmp/want"
fi
while IFS= read -r f; do
	[ -e "$f" ] || continue
	grep -qxF "$name/$f" "$tmp/names" || fail "$f is missing from the tarball"
done < "$tmp/want"
for f in Makefile include/omacp/omacp.h lib/client.c examples/sms_handler.c \
         examples/seed/bootstrap.segments test/vectors/README.md MANIFEST; do
	grep -qxF "$name/$f" "$tmp/names" || fail "$f is missing from the tarball"
done

# unpack elsewhere and build
mkdir "$tmp/x"
tar -xzf "$tgz" -C "$tmp/x"
cd "$tmp/x/$name"
mk() { make --no-print-directory -s B=build NO_XML="${NO_XML:-}" SANITIZE="${SANITIZE:-}" "$@"; }
mk -j4 all build/test/test_wbxml build/test/test_sec > "$tmp/build.log" 2>&1 ||
	{ tail -30 "$tmp/build.log"; fail "the unpacked tarball does not build"; }
./build/test/test_wbxml > "$tmp/t1.log" 2>&1 || { tail -20 "$tmp/t1.log"; fail "test_wbxml in the unpacked tree"; }
./build/test/test_sec > "$tmp/t2.log" 2>&1 || { tail -20 "$tmp/t2.log"; fail "test_sec in the unpacked tree"; }
OMACP="$PWD/build/omacp" ROOT="$PWD" NO_XML="${NO_XML:-}" SANITIZE="${SANITIZE:-}" \
	bash test/t_sms_handler.sh > "$tmp/t3.log" 2>&1 || { cat "$tmp/t3.log"; fail "t_sms_handler.sh in the unpacked tree"; }
mk demo > "$tmp/demo.log" 2>&1 || { tail -20 "$tmp/demo.log"; fail "make demo in the unpacked tree"; }
grep -q '^verdict: accepted' "$tmp/demo.log" || fail "make demo did not accept the bootstrap"
./build/omacp --version | grep -qxF "omacp $version" || fail "omacp --version is not $version"

# outside git, the tarball makes itself again from its MANIFEST
if [ -e tools/mkdist.sh ]; then
	(cd "$tmp/x/$name" && GIT_CEILING_DIRECTORIES="$tmp" sh tools/mkdist.sh "$tmp/again" "$version" > /dev/null) ||
		fail "make dist in the unpacked tree"
	tar -tzf "$tmp/again/$name.tar.gz" | LC_ALL=C sort > "$tmp/names2"
	LC_ALL=C sort "$tmp/names" | cmp -s - "$tmp/names2" || fail "the unpacked tree packs other files"
fi
echo "dist: $tgz is reproducible, complete, builds and runs when unpacked elsewhere"
