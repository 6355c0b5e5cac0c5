#!/bin/bash
# The documentation cannot rot: every C example in README.md and docs/*.md
# is compiled against include/ and the library built in $B (and run when it
# has a main), every quotation of examples/sms_handler.c is found in that
# file, every shell example marked `run` or `transcript` is run with the CLI
# on the shipped files and its output compared, every XML example marked
# `valid` is accepted by `omacp decode`, and every example of omacp.1 (its
# .EX blocks) is run and compared.  The conventions are in tools/doc-test.py.
# Also: the man page must render without groff warnings (when groff exists).
set -eu
cd "$ROOT"
files="README.md"
for f in docs/*.md; do [ -e "$f" ] && files="$files $f"; done
[ -e omacp.1 ] && files="$files omacp.1"
fail=0
# shellcheck disable=SC2086
ROOT="$ROOT" B="${B:-build}" OMACP="$OMACP" NO_XML="${NO_XML:-}" \
	python3 tools/doc-test.py $files || fail=1
if [ -e omacp.1 ]; then
	if command -v groff >/dev/null 2>&1; then
		warn=$(groff -man -Tutf8 -ww -z omacp.1 2>&1 || echo "groff failed")
		if [ -n "$warn" ]; then
			echo "FAIL: omacp.1 renders with warnings:"; echo "$warn"; fail=1
		fi
	elif [ -n "${CI:-}" ]; then
		echo "FAIL: groff missing (CI)"; fail=1
	else
		echo "SKIP: groff missing, omacp.1 not rendered"
	fi
	# every subcommand of the CLI has a section in the man page
	for c in $("$OMACP" --help | awk '/^commands:/{p=1;next} p && /^  [a-z]/{print $1}'); do
		grep -q "^\.SS \"\?omacp $c\b" omacp.1 || { echo "FAIL: omacp.1 lacks a section for '$c'"; fail=1; }
	done
fi
# release hygiene: the man page and the changelog name the current version
version=$(sed -n 's/^#define OMACP_VERSION_STRING "\(.*\)"/\1/p' include/omacp/version.h)
if [ -e omacp.1 ] && ! grep -q "^\.TH OMACP 1 .*\"omacp $version\"" omacp.1; then
	echo "FAIL: omacp.1 .TH does not name omacp $version"; fail=1
fi
if [ -e CHANGELOG.md ] && ! grep -q "^## \[\?$version\]\?\( \|$\)" CHANGELOG.md; then
	echo "FAIL: CHANGELOG.md has no section for $version"; fail=1
fi
[ $fail -eq 0 ] && echo "docs: every example compiles, runs and prints what the documentation says"
exit $fail
