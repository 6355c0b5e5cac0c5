#!/bin/bash
# omacp encode / omacp decode against the vectors.
#
# Oracle: the libwbxml-*/input.xml files are written by hand in the
# canonical form (declaration, PROV DOCTYPE, two-space indentation, name
# before value), so decoding any form of the same document must give
# input.xml byte for byte: input.xml itself, libwbxml's encodings (with and
# without a string table), wbxml2xml's round trip, and our own encoding.
# For Kannel's bytes the oracle is libwbxml's reading (libwbxml-decoded.xml,
# see test/vectors/README.md for Kannel's faults).  Also: exit codes (0, 2
# usage, 5 malformed), the one-line error format, --help, stdin/stdout, -o.
set -u
: "${OMACP:?}" "${VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
bad() { echo "FAIL: $*"; fail=1; }

# hex text file -> binary on stdout
unhex() {
	if command -v xxd >/dev/null 2>&1; then xxd -r -p "$1"
	else python3 -c 'import sys;sys.stdout.buffer.write(bytes.fromhex(open(sys.argv[1]).read()))' "$1"; fi
}

DT='<!DOCTYPE wap-provisioningdoc PUBLIC "-//WAPFORUM//DTD PROV 1.0//EN" "http://www.wapforum.org/DTD/prov.dtd">'

# same FILE_A FILE_B WHAT
same() {
	n=$((n + 1))
	cmp -s "$1" "$2" || { bad "$3"; diff "$1" "$2" | head -5; }
}

# expect RC STDERR_REGEX -- args... : exit code and a one-line stderr
expect() {
	local rc=$1 re=$2; shift 3
	"$OMACP" "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	n=$((n + 1))
	[ "$got" -eq "$rc" ] || { bad "omacp $* -> exit $got, want $rc ($(cat "$tmp/err"))"; return; }
	if [ "$rc" -ne 0 ]; then
		[ "$(wc -l <"$tmp/err")" -eq 1 ] || bad "omacp $* -> stderr is not one line: $(cat "$tmp/err")"
		grep -Eq -- "$re" "$tmp/err" || bad "omacp $* -> stderr '$(cat "$tmp/err")', want /$re/"
		[ -s "$tmp/out" ] && bad "omacp $* -> output on failure"
	fi
}

canon() { # canonical form expected for a libwbxml vector
	if grep -q '<!DOCTYPE' "$1/input.xml"; then cat "$1/input.xml"
	else head -n 1 "$1/input.xml"; echo "$DT"; tail -n +2 "$1/input.xml"; fi
}

if [ "${NO_XML:-}" = 1 ]; then
	# No XML parser: WBXML decoding (and its canonical output) only.
	for d in "$VECTORS"/libwbxml-*; do
		canon "$d" >"$tmp/exp"
		for h in wbxml.hex wbxml-nostrtbl.hex; do
			"$OMACP" decode --hex "$d/$h" >"$tmp/a.xml" || bad "$(basename "$d"): decode --hex $h"
			same "$tmp/a.xml" "$tmp/exp" "$(basename "$d"): decode of libwbxml's $h"
		done
	done
	expect 5 'built without XML support' -- decode "$VECTORS/libwbxml-01_napdef_gprs_auth/input.xml"
	[ $fail -eq 0 ] && echo "cli doc (NO_XML): $n checks passed"
	exit $fail
fi

seen=0
for d in "$VECTORS"/libwbxml-*; do
	name=$(basename "$d")
	exp="$tmp/$name.expect"
	canon "$d" >"$exp" # -18 has no DOCTYPE: the canonical form adds it
	seen=$((seen + 1))

	"$OMACP" decode "$d/input.xml" >"$tmp/a.xml" || bad "$name: decode input.xml"
	same "$tmp/a.xml" "$exp" "$name: decode input.xml is not canonical input.xml"
	for h in wbxml.hex wbxml-nostrtbl.hex; do
		"$OMACP" decode --hex "$d/$h" >"$tmp/a.xml" || bad "$name: decode --hex $h"
		same "$tmp/a.xml" "$exp" "$name: decode of libwbxml's $h"
		# the same bytes, binary, on stdin, output with -o
		unhex "$d/$h" >"$tmp/b.wbxml"
		rm -f "$tmp/o.xml"
		"$OMACP" decode -o "$tmp/o.xml" - <"$tmp/b.wbxml" || bad "$name: decode - (stdin)"
		same "$tmp/o.xml" "$exp" "$name: decode -o of binary $h on stdin"
	done
	for r in roundtrip.xml roundtrip-nostrtbl.xml; do
		[ -f "$d/$r" ] || continue
		"$OMACP" decode <"$d/$r" >"$tmp/a.xml" || bad "$name: decode $r"
		same "$tmp/a.xml" "$exp" "$name: decode of wbxml2xml's $r"
	done
	for s in "" --strtbl; do
		"$OMACP" encode $s "$d/input.xml" >"$tmp/e.wbxml" || bad "$name: encode $s"
		head -c 3 "$tmp/e.wbxml" | od -An -tx1 | grep -q '03 0b 6a' ||
			bad "$name: encode $s: header is not WBXML 1.3, PROV, UTF-8"
		"$OMACP" decode "$tmp/e.wbxml" >"$tmp/a.xml" || bad "$name: decode of encode $s"
		same "$tmp/a.xml" "$exp" "$name: encode $s | decode"
		# stdin -> stdout, and -o
		"$OMACP" encode $s <"$d/input.xml" >"$tmp/e2.wbxml" || bad "$name: encode $s (stdin)"
		same "$tmp/e2.wbxml" "$tmp/e.wbxml" "$name: encode $s from stdin"
		rm -f "$tmp/e3.wbxml"
		"$OMACP" encode $s -o "$tmp/e3.wbxml" - <"$d/input.xml" || bad "$name: encode -o"
		same "$tmp/e3.wbxml" "$tmp/e.wbxml" "$name: encode $s -o"
	done
	# the string table is used when strings repeat, and never grows the output
	a=$(wc -c <"$tmp/e.wbxml")
	"$OMACP" encode "$d/input.xml" | wc -c >"$tmp/len"
	[ "$a" -le "$(cat "$tmp/len")" ] || bad "$name: --strtbl output is longer ($a > $(cat "$tmp/len"))"
done
[ $seen -ge 13 ] || bad "only $seen libwbxml vectors"

# Without a string table our encoding of -01 is byte for byte libwbxml's.
"$OMACP" encode "$VECTORS/libwbxml-01_napdef_gprs_auth/input.xml" | od -An -v -tx1 | tr -d ' \n' >"$tmp/ours.hex"
tr -d ' \n' <"$VECTORS/libwbxml-01_napdef_gprs_auth/wbxml-nostrtbl.hex" >"$tmp/theirs.hex"
same "$tmp/ours.hex" "$tmp/theirs.hex" "libwbxml-01: encode differs from xml2wbxml -n"

# Kannel's compiled bodies read the same as libwbxml reads them.
for d in "$VECTORS"/kannel-*; do
	name=$(basename "$d")
	[ -f "$d/wbxml.hex" ] || continue
	case "$name" in
	kannel-18_no_doctype*) # legacy WBXML 1.1 tables, not PROV
		expect 5 '^omacp: .*: public id is not PROV at byte [0-9]+$' -- decode --hex "$d/wbxml.hex"
		continue ;;
	kannel-legacy-*) # Nokia/Ericsson OTA settings, not PROV
		expect 5 '^omacp: .*: .* at byte [0-9]+$' -- decode --hex "$d/wbxml.hex"
		continue ;;
	esac
	"$OMACP" decode --hex "$d/wbxml.hex" >"$tmp/a.xml" || { bad "$name: decode"; continue; }
	"$OMACP" decode "$d/libwbxml-decoded.xml" >"$tmp/b.xml" || { bad "$name: decode libwbxml-decoded.xml"; continue; }
	same "$tmp/a.xml" "$tmp/b.xml" "$name: differs from libwbxml's reading"
done

# ---- malformed input: exit 5, one line 'omacp: IN: <reason> at byte N'
v01="$VECTORS/libwbxml-01_napdef_gprs_auth"
printf '030b6a00c54d01' >"$tmp/tok.hex"
expect 5 "^omacp: $tmp/tok.hex: unknown token 0x4D at byte 5\$" -- decode --hex "$tmp/tok.hex"
head -c 40 "$v01/wbxml-nostrtbl.hex" >"$tmp/trunc.hex"
expect 5 '^omacp: .*trunc.hex: input truncated at byte [0-9]+$' -- decode --hex "$tmp/trunc.hex"
printf '0x' >"$tmp/nothex.hex"
expect 5 'invalid hex' -- decode --hex "$tmp/nothex.hex"
: >"$tmp/empty"
expect 5 '^omacp: .*empty: .* at byte 0$' -- decode "$tmp/empty"
printf '<wap-provisioningdoc><foo/></wap-provisioningdoc>' >"$tmp/unk.xml"
expect 5 '^omacp: .*unk.xml: element or attribute not in PROV at byte 21$' -- decode "$tmp/unk.xml"
expect 5 '^omacp: .*unk.xml: element or attribute not in PROV at byte 21$' -- encode "$tmp/unk.xml"
expect 5 '^omacp: <stdin>: element or attribute not in PROV at byte 21$' -- encode - <"$tmp/unk.xml"
printf '<!DOCTYPE wap-provisioningdoc [<!ENTITY a "aaaa">]><wap-provisioningdoc/>' >"$tmp/ent.xml"
expect 5 'DTD subset or entity not allowed at byte' -- decode "$tmp/ent.xml"
printf '<?xml version="1.0" encoding="ISO-8859-1"?><wap-provisioningdoc/>' >"$tmp/latin.xml"
expect 5 'encoding is not UTF-8 at byte' -- encode "$tmp/latin.xml"
printf '<wap-provisioningdoc>text</wap-provisioningdoc>' >"$tmp/text.xml"
expect 5 'XML not well-formed at byte 21$' -- encode "$tmp/text.xml"
printf '<wap-provisioningdoc>' >"$tmp/open.xml"
expect 5 'at byte' -- encode "$tmp/open.xml"
# encode takes XML only
expect 5 'at byte [0-9]+$' -- encode "$tmp/b.wbxml"
# no output file is left behind on failure
rm -f "$tmp/never"
expect 5 '' -- decode -o "$tmp/never" "$tmp/unk.xml"
[ -e "$tmp/never" ] && bad "decode -o created a file on failure"
expect 5 '' -- encode -o "$tmp/never" "$tmp/unk.xml"
[ -e "$tmp/never" ] && bad "encode -o created a file on failure"

# truncation of a WBXML body at every byte: exit 5, never a crash
unhex "$v01/wbxml.hex" >"$tmp/full.wbxml"
len=$(wc -c <"$tmp/full.wbxml")
for ((k = 0; k < len; k++)); do
	head -c $k "$tmp/full.wbxml" >"$tmp/part"
	"$OMACP" decode "$tmp/part" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 5 ] || { bad "decode of the first $k bytes -> exit $rc"; break; }
done
n=$((n + 1))

# ---- usage: exit 2
expect 2 '^omacp: encode: unknown option' -- encode --bogus
expect 2 '^omacp: decode: unknown option' -- decode -x
expect 2 "^omacp: decode: option '-o' needs" -- decode -o
expect 2 '^omacp: encode: more than one input' -- encode a b
expect 2 '^omacp: /nonexistent/x.xml: ' -- decode /nonexistent/x.xml
expect 2 '^omacp: /nonexistent/x.xml: ' -- encode /nonexistent/x.xml
expect 2 '^omacp: /nonexistent/dir/out: ' -- decode -o /nonexistent/dir/out "$v01/input.xml"
for c in encode decode; do
	"$OMACP" $c --help >"$tmp/h" 2>&1 || bad "$c --help exit $?"
	grep -q "^usage: omacp $c" "$tmp/h" || bad "$c --help: no usage line"
	n=$((n + 1))
done
"$OMACP" decode -- "$v01/input.xml" >"$tmp/a.xml" || bad "decode -- FILE"
same "$tmp/a.xml" "$v01/input.xml" "decode -- FILE"
"$OMACP" decode --output="$tmp/o2.xml" "$v01/input.xml" || bad "decode --output="
same "$tmp/o2.xml" "$v01/input.xml" "decode --output=FILE"

[ $fail -eq 0 ] && echo "cli doc: $n checks passed ($seen libwbxml vectors)"
exit $fail
