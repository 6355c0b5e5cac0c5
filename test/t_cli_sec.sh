#!/bin/bash
# omacp sign / omacp verify on the Kannel vectors: MACs computed by Kannel
# (test/vectors/kannel-*/meta.json "mac_kannel"), exit codes 0/4/5/2, the
# USERPINMAC two-line output, --help.
set -u
: "${OMACP:?}" "${VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
bad() { echo "FAIL: $*"; fail=1; }

# run EXPECTED_RC EXPECTED_STDOUT_REGEX -- args...
run() {
	local want_rc=$1 want_out=$2; shift 3
	local out rc
	out=$("$OMACP" "$@" 2>"$tmp/err"); rc=$?
	n=$((n + 1))
	[ "$rc" -eq "$want_rc" ] || { bad "omacp $* -> exit $rc, want $want_rc ($(cat "$tmp/err"))"; return; }
	if [ -n "$want_out" ] && ! printf '%s\n' "$out" | grep -Eq -- "$want_out"; then
		bad "omacp $* -> stdout '$out', want /$want_out/"
	fi
	if [ "$want_rc" -eq 2 ]; then
		# one line on stderr, "omacp: <what>: <why>"
		[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q '^omacp: .*: ' "$tmp/err" ||
			bad "omacp $* -> stderr not one 'omacp: x: y' line: $(cat "$tmp/err")"
	fi
}

meta() { sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1/meta.json" | head -1; }
lower() { tr 'A-F' 'a-f'; }
flip_last() { # change the last hex digit of a MAC
	local m=$1 c=${1: -1} r
	[ "$c" = 0 ] && r=1 || r=0
	printf '%s%s' "${m%?}" "$r"
}

seen=0
for d in "$VECTORS"/kannel-*; do
	mac=$(meta "$d" mac_kannel)
	[ -n "$mac" ] || continue   # the legacy OTA folder has no OMA MAC
	sec=$(meta "$d" sec_requested)
	body="$d/wbxml.hex"
	seen=$((seen + 1))
	case "$sec" in
	NETWPIN)
		imsi=$(meta "$d" imsi)
		[ "$imsi" = 262011234567890 ] || bad "$d: unexpected IMSI $imsi"
		run 0 "^MAC $mac\$" -- sign --sec netwpin --imsi "$imsi" --hex "$body"
		run 0 '^valid$' -- verify --sec NETWPIN --imsi "$imsi" --mac "$mac" --hex "$body"
		run 0 '^valid$' -- verify --sec NETWPIN --imsi "$imsi" --mac "$(printf %s "$mac" | lower)" --hex "$body"
		run 4 '^invalid: ' -- verify --sec NETWPIN --imsi 262011234567891 --mac "$mac" --hex "$body"
		run 4 '^invalid: ' -- verify --sec NETWPIN --imsi "$imsi" --mac "$(flip_last "$mac")" --hex "$body"
		run 2 '' -- sign --sec NETWPIN --hex "$body"
		run 2 '' -- sign --sec NETWPIN --imsi 1234567890123456 --hex "$body"
		run 2 '' -- verify --sec NETWPIN --imsi 26201x --mac "$mac" --hex "$body"
		;;
	USERPIN)
		run 0 "^MAC $mac\$" -- sign --sec USERPIN --pin 1234 --hex "$body"
		run 0 '^valid$' -- verify --sec userpin --pin 1234 --mac "$mac" --hex "$body"
		run 0 '^valid$' -- verify --sec=UserPin --pin=1234 --mac="\"$mac" --hex "$body"
		run 4 '^invalid: ' -- verify --sec USERPIN --pin 1235 --mac "$mac" --hex "$body"
		run 4 '^invalid: ' -- verify --sec USERPIN --pin 1234 --mac "$(flip_last "$mac")" --hex "$body"
		run 5 '^invalid: .*40 hex' -- verify --sec USERPIN --pin 1234 --mac "${mac%?}" --hex "$body"
		run 5 '^invalid: .*40 hex' -- verify --sec USERPIN --pin 1234 --mac "${mac}0" --hex "$body"
		run 5 '^invalid: .*40 hex' -- verify --sec USERPIN --pin 1234 --mac "G${mac#?}" --hex "$body"
		;;
	USERPINMAC)
		out=$("$OMACP" sign --sec USERPINMAC --pin 1234 --hex "$body"); rc=$?
		n=$((n + 1))
		[ $rc -eq 0 ] && [ "$out" = "$(printf 'MAC %s\nPIN 12342945' "$mac")" ] ||
			bad "USERPINMAC sign: exit $rc, output '$out'"
		run 0 '^valid$' -- verify --sec USERPINMAC --pin 12342945 --hex "$body"
		run 0 '^valid$' -- verify --sec USERPINMAC --pin 12342945 --mac "$mac" --hex "$body"
		run 4 '^invalid: ' -- verify --sec USERPINMAC --pin 12342946 --hex "$body"
		run 4 '^invalid: ' -- verify --sec USERPINMAC --pin 12352945 --mac "$mac" --hex "$body"
		# Kannel's MAC with the plain PIN 1234 is not a USERPINMAC PIN
		run 2 '' -- verify --sec USERPINMAC --pin 1234 --mac "$mac" --hex "$body"
		run 2 '' -- verify --sec USERPINMAC --pin 123429451 --hex "$body"
		;;
	*) bad "$d: unknown SEC $sec" ;;
	esac
done
[ $seen -ge 10 ] || bad "only $seen Kannel vectors found"

# The same body as a binary file (no --hex) and on stdin.
d="$VECTORS/kannel-14_minimal-userpin"
mac=$(meta "$d" mac_kannel)
xxd -r -p "$d/wbxml.hex" > "$tmp/body.wbxml" 2>/dev/null ||
	python3 -c 'import sys;sys.stdout.buffer.write(bytes.fromhex(open(sys.argv[1]).read()))' "$d/wbxml.hex" > "$tmp/body.wbxml"
run 0 "^MAC $mac\$" -- sign --sec USERPIN --pin 1234 "$tmp/body.wbxml"
n=$((n + 1))
out=$("$OMACP" verify --sec USERPIN --pin 1234 --mac "$mac" - < "$tmp/body.wbxml") && [ "$out" = valid ] ||
	bad "verify from stdin: '$out'"

# Published vector 6 (USERNETWPIN) on the 22-byte document.
printf '030B6A00C54601C65601870706035465737400010101\n' > "$tmp/doc22.hex"
run 0 '^MAC 78BE0F8C293139A8A1F882DCF54AA8D20DB74A99$' -- sign --sec USERNETWPIN --imsi 001010123456789 --pin 1234 --hex "$tmp/doc22.hex"
run 0 '^valid$' -- verify --sec usernetwpin --imsi 001010123456789 --pin 1234 --mac 78be0f8c293139a8a1f882dcf54aa8d20db74a99 --hex "$tmp/doc22.hex"
run 2 '' -- sign --sec USERNETWPIN --pin 1234 --hex "$tmp/doc22.hex"
run 2 '' -- sign --sec USERNETWPIN --imsi 001010123456789 --hex "$tmp/doc22.hex"
# Vector 7 (USERPINMAC, K = 12345)
out=$("$OMACP" sign --sec userpinmac --pin 12345 --hex "$tmp/doc22.hex")
n=$((n + 1))
[ "$out" = "$(printf 'MAC 655CFF95378C77C0D8871C3E97AE1C6BDE68B556\nPIN 1234512595')" ] ||
	bad "vector 7 sign: '$out'"
run 0 '^valid$' -- verify --sec USERPINMAC --pin 1234512595 --hex "$tmp/doc22.hex"

# Usage errors: exit 2, one line on stderr.
run 2 '' -- sign --pin 1234 --hex "$tmp/doc22.hex"
run 2 '' -- sign --sec FOO --pin 1234 --hex "$tmp/doc22.hex"
run 2 '' -- sign --sec USERPIN --hex "$tmp/doc22.hex"
run 2 '' -- sign --sec USERPIN --pin 123 --hex "$tmp/doc22.hex"
run 2 '' -- sign --sec USERPIN --pin 1234
run 2 '' -- sign --sec USERPIN --pin 1234 --bogus "$tmp/doc22.hex"
run 2 '' -- sign --sec USERPIN --pin
run 2 '' -- sign --sec USERPINMAC --pin 12a4 --hex "$tmp/doc22.hex"
run 2 '' -- verify --sec USERPIN --pin 1234 --hex "$tmp/doc22.hex"
run 2 '' -- verify --sec USERPIN --pin 1234 --mac BAA186A0F7802E017A4A69B214921DB16EF26512 --hex "$tmp/doc22.hex" extra
run 2 '' -- sign --sec USERPIN --pin 1234 "$tmp/does-not-exist"
# Bad hex in the input file is malformed input.
printf 'zz\n' > "$tmp/bad.hex"
run 5 '' -- sign --sec USERPIN --pin 1234 --hex "$tmp/bad.hex"

# --help
run 0 '^usage: omacp sign' -- sign --help
run 0 '^usage: omacp verify' -- verify --help
run 0 'USERPINMAC' -- verify --sec FOO --help

[ $fail -eq 0 ] && echo "cli-sec: $n checks on $seen Kannel vectors passed"
exit $fail
