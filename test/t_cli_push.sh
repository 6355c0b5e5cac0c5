#!/bin/bash
# omacp push / sms / inspect against Kannel's vectors (test/vectors/kannel-*):
# the PDU (pdu.hex) and the SMS segments (segments.txt) Kannel produced for
# the same body and key must come out byte for byte; inspect (text and
# --json) must decode Kannel's segments and PDUs; exit codes 0 / 2 / 5.
set -u
: "${OMACP:?}" "${VECTORS:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
bad() { echo "FAIL: $*"; fail=1; }

meta() { sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1/meta.json" | head -1; }
segs() { grep -v '^#' "$1/segments.txt" | grep -v '^[[:space:]]*$'; }

# expect RC CMD... : exit status RC; on failure with 2 or 5, stderr must be
# one line "omacp: <what>: <why>".
expect() {
	local want=$1 rc; shift
	"$OMACP" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	n=$((n + 1))
	if [ "$rc" -ne "$want" ]; then
		bad "omacp $* -> exit $rc, want $want ($(head -c 300 "$tmp/err"))"
		return 1
	fi
	if [ "$want" -ne 0 ]; then
		[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q '^omacp: .*: ' "$tmp/err" ||
			bad "omacp $* -> stderr not one 'omacp: x: y' line: $(cat "$tmp/err")"
	fi
	return 0
}

# Key options for a vector: Kannel's MAC key is the PIN as given; for the
# NETWPIN vector it is the EF_IMSI form of the IMSI in meta.json.
sec_opts() {
	local d=$1 sec imsi
	sec=$(meta "$d" sec_requested)
	case "$sec" in
	NETWPIN)
		imsi=$(sed -n 's/.*"imsi": "\([0-9]*\)".*/\1/p' "$d/meta.json" | head -1)
		[ "$imsi" = 262011234567890 ] || bad "$d: unexpected IMSI '$imsi'"
		echo "--sec NETWPIN --imsi $imsi" ;;
	"") echo "" ;;
	*) echo "--sec $sec --pin $(meta "$d" ascii)" ;;
	esac
}

# The JSON checker: exact key set, types, and values from the vector.
cat > "$tmp/check.py" <<'EOF'
import json, sys
out, wbxml, mac, sec, legacy, need_doc = sys.argv[1:7]
o = json.loads(open(out).read())
keys = {"tid", "pdu_type", "content_type", "sec", "mac", "app_id", "initiator",
        "push_flag", "body_len", "body_hex", "document"}
got = set(o)
if o.get("document") is None:
    keys = keys | {"document_error"}
    assert isinstance(o.get("document_error"), str) and o["document_error"], "document_error"
assert got == keys, "keys %s" % sorted(got ^ keys)
assert o["tid"] == 1 and o["pdu_type"] == 6, "tid/pdu_type"
body = open(wbxml).read().split()[0].lower()
assert o["body_hex"] == body, "body_hex"
assert o["body_len"] == len(body) // 2, "body_len"
assert o["app_id"] is None and o["initiator"] is None and o["push_flag"] is None
if legacy == "1":
    assert o["content_type"] == "application/x-wap-prov.browser-settings", o["content_type"]
    assert o["sec"] is None and o["mac"] is None
    assert o["document"] is None, "legacy body decoded as PROV"
else:
    assert o["content_type"] == "application/vnd.wap.connectivity-wbxml", o["content_type"]
    assert o["sec"] == sec, "sec %r" % o["sec"]
    assert o["mac"] == mac, "mac %r" % o["mac"]
    if need_doc == "1":
        assert isinstance(o["document"], str) and "<wap-provisioningdoc" in o["document"], \
            "document: %r" % o.get("document_error")
EOF

seen=0
for d in "$VECTORS"/kannel-*; do
	v=$(basename "$d")
	legacy=0; case "$v" in *legacy*) legacy=1 ;; esac
	mac=$(meta "$d" mac_kannel)
	sec=$(meta "$d" sec_requested)
	opts=$(sec_opts "$d")
	seen=$((seen + 1))

	if [ $legacy -eq 0 ]; then
		# push: Kannel's PDU
		if expect 0 push $opts --hex "$d/wbxml.hex"; then
			[ "$(cat "$tmp/out")" = "$(tr -d ' \n' < "$d/pdu.hex")" ] ||
				bad "$v: push differs from pdu.hex"
			[ "$(wc -l < "$tmp/out")" -eq 1 ] || bad "$v: push output not one line"
		fi
		# sms: Kannel's segments (source port 2948, Kannel's reference)
		udh=$(segs "$d" | head -1 | awk '{print $2}')
		ref=0
		[ ${#udh} -ge 24 ] && ref=$((16#${udh:18:2}))
		if expect 0 sms $opts --src-port 2948 --ref $ref --hex "$d/wbxml.hex"; then
			diff <(segs "$d") "$tmp/out" >/dev/null || bad "$v: sms differs from segments.txt"
		fi
		# stdin and the --opt=value form
		if expect 0 push ${opts//--sec /--sec=} --hex - < "$d/wbxml.hex"; then
			[ "$(cat "$tmp/out")" = "$(tr -d ' \n' < "$d/pdu.hex")" ] || bad "$v: push from stdin differs"
		fi
	fi

	# inspect: segments in file order, in reverse order as bare UD, the PDU
	need_doc=1
	case "$v" in *legacy*|*18_no_doctype*) need_doc=0 ;; esac
	expect 0 inspect --json "$d/segments.txt" &&
		{ python3 "$tmp/check.py" "$tmp/out" "$d/wbxml.hex" "$mac" "$sec" $legacy $need_doc ||
		  bad "$v: inspect --json segments.txt"; }
	segs "$d" | tac | awk '{print $2 $3}' > "$tmp/rev.txt"
	expect 0 inspect --json "$tmp/rev.txt" &&
		{ python3 "$tmp/check.py" "$tmp/out" "$d/wbxml.hex" "$mac" "$sec" $legacy $need_doc ||
		  bad "$v: inspect --json reversed UD lines"; }
	expect 0 inspect --json "$d/pdu.hex" &&
		{ python3 "$tmp/check.py" "$tmp/out" "$d/wbxml.hex" "$mac" "$sec" $legacy $need_doc ||
		  bad "$v: inspect --json pdu.hex"; }
	if expect 0 inspect < "$d/segments.txt"; then
		grep -q '^tid: 1$' "$tmp/out" || bad "$v: inspect text: no tid"
		grep -q "^body_len: $(( $(tr -d ' \n' < "$d/wbxml.hex" | wc -c) / 2 ))\$" "$tmp/out" ||
			bad "$v: inspect text: body_len"
		if [ $legacy -eq 0 ]; then
			grep -q "^mac: $mac\$" "$tmp/out" || bad "$v: inspect text: mac"
			grep -q "^sec: $sec " "$tmp/out" || bad "$v: inspect text: sec"
			grep -q '^content_type: application/vnd.wap.connectivity-wbxml$' "$tmp/out" ||
				bad "$v: inspect text: content type"
			[ $need_doc -eq 0 ] || grep -q '<wap-provisioningdoc' "$tmp/out" ||
				bad "$v: inspect text: no document"
		fi
	fi
	# incomplete: every segment but the last
	nseg=$(segs "$d" | wc -l)
	if [ "$nseg" -gt 1 ]; then
		segs "$d" | head -n $((nseg - 1)) > "$tmp/part.txt"
		expect 5 inspect "$tmp/part.txt"
		expect 5 inspect --json "$tmp/part.txt"
	fi
	# a PDU cut inside its headers
	head -c 60 "$d/pdu.hex" > "$tmp/cut.hex"
	expect 5 inspect "$tmp/cut.hex"
done
[ $seen -ge 10 ] || bad "only $seen Kannel vectors found"

# XML input is encoded first (no string table): the minimal document gives
# Kannel's bytes.
d="$VECTORS/kannel-14_minimal-userpin"
if expect 0 push --sec USERPIN --pin 1234 "$d/input.xml"; then
	[ "$(cat "$tmp/out")" = "$(tr -d ' \n' < "$d/pdu.hex")" ] || bad "push input.xml differs from pdu.hex"
fi

# Optional headers, with the reference's encodings (oma-cp-facts 3.6/3.7):
# X-Wap-Application-Id wml.ua = AF 82, Push-Flag = B4 83,
# X-Wap-Initiator-URI = B1 'http://tps.example/' 00.
body=$(tr -d ' \n' < "$d/wbxml.hex")
uri=$(printf 'http://tps.example/' | od -An -tx1 | tr -d ' \n')
if expect 0 push --app-id 2 --initiator http://tps.example/ --push-flag 3 --hex "$d/wbxml.hex"; then
	[ "$(cat "$tmp/out")" = "01061ab6af82b1${uri}00b483$body" ] || bad "optional headers: $(cat "$tmp/out")"
	cp "$tmp/out" "$tmp/opt.hex"
	expect 0 inspect --json "$tmp/opt.hex" && python3 - "$tmp/out" <<'EOF' || bad "inspect optional headers"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["app_id"] == 2 and o["push_flag"] == 3 and o["initiator"] == "http://tps.example/", o
assert o["sec"] is None and o["mac"] is None
EOF
fi
expect 0 push --app-id 0x9011 --hex "$d/wbxml.hex" &&
	{ [ "$(cat "$tmp/out")" = "010605b6af029011$body" ] || bad "--app-id 0x9011: $(cat "$tmp/out")"; }
appuri=$(printf 'x-wap-application:wml.ua' | od -An -tx1 | tr -d ' \n')
expect 0 push --app-id x-wap-application:wml.ua --hex "$d/wbxml.hex" &&
	{ [ "$(cat "$tmp/out")" = "01061bb6af${appuri}00$body" ] || bad "--app-id URI: $(cat "$tmp/out")"; }
expect 0 push --app-id x-wap-application:wml.ua --hex "$d/wbxml.hex" && cp "$tmp/out" "$tmp/uri.hex" &&
	expect 0 inspect --json "$tmp/uri.hex" &&
	{ python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["app_id"]=="x-wap-application:wml.ua"' "$tmp/out" ||
	  bad "inspect URI app id"; }
# signed plus headers: the headers follow the content type and are counted
expect 0 push --sec USERPIN --pin 1234 --push-flag 1 --hex "$d/wbxml.hex" &&
	{ pdu=$(tr -d ' \n' < "$d/pdu.hex");
	  [ "$(cat "$tmp/out")" = "010631${pdu:6:94}b481$body" ] || bad "signed + push flag: $(cat "$tmp/out")"; }

# sms: default source port 9200 and reference 0; 16-bit reference
d="$VECTORS/kannel-02_proxy_pxlogical_pxphysical-userpin"
if expect 0 sms --sec USERPIN --pin 1234 --hex "$d/wbxml.hex"; then
	[ "$(awk '{print $1, $2}' "$tmp/out" | tr '\n' ' ')" = \
	  "1 0b05040b8423f00003000301 2 0b05040b8423f00003000302 3 0b05040b8423f00003000303 " ] ||
		bad "sms defaults: $(awk '{print $1, $2}' "$tmp/out" | tr '\n' ' ')"
	diff <(segs "$d" | awk '{print $3}') <(awk '{print $3}' "$tmp/out") >/dev/null ||
		bad "sms defaults: payloads differ from Kannel's"
fi
if expect 0 sms --sec USERPIN --pin 1234 --ref16 --ref 0x1234 --hex "$d/wbxml.hex"; then
	[ "$(awk '{print $2}' "$tmp/out" | head -1)" = 0c05040b8423f0080412340301 ] || bad "sms --ref16"
	awk '{ if (length($2) + length($3) > 280) exit 1 }' "$tmp/out" || bad "sms --ref16: SMS over 140 octets"
	awk '{print $2 $3}' "$tmp/out" > "$tmp/r16.txt"
	expect 0 inspect --json "$tmp/r16.txt"
	python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["body_hex"]==open(sys.argv[2]).read().split()[0]' \
		"$tmp/out" "$d/wbxml.hex" || bad "inspect of --ref16 segments"
fi

# usage and malformed input
expect 0 push --help; grep -q '^usage: omacp push' "$tmp/out" || bad "push --help"
expect 0 sms --help; grep -q '^usage: omacp sms' "$tmp/out" || bad "sms --help"
expect 0 inspect --help; grep -q '^usage: omacp inspect' "$tmp/out" || bad "inspect --help"
w="$VECTORS/kannel-14_minimal-userpin/wbxml.hex"
expect 2 push
expect 2 push --frobnicate "$w"
expect 2 push --hex "$w" "$w"
expect 2 push --sec
expect 2 push --sec NOPE --pin 1234 --hex "$w"
expect 2 push --sec USERPIN --hex "$w"
expect 2 push --sec NETWPIN --hex "$w"
expect 2 push --pin 1234 --hex "$w"
expect 2 push --push-flag 128 --hex "$w"
expect 2 push --push-flag x --hex "$w"
expect 2 push --hex /nonexistent/file
expect 2 sms --ref 256 --hex "$w"
expect 2 sms --ref16 --ref 65536 --hex "$w"
expect 2 sms --src-port 70000 --hex "$w"
expect 2 push --ref 1 --hex "$w"
expect 2 inspect --bogus
echo 'zz' > "$tmp/badhex.txt"; expect 5 inspect "$tmp/badhex.txt"
: > "$tmp/empty.txt"; expect 5 inspect "$tmp/empty.txt"
echo '1 0705040b840b84 0106' > "$tmp/badudh.txt"; expect 5 inspect "$tmp/badudh.txt"
echo '1 0b05040b840b84000301020301 00' > "$tmp/badcat.txt"; expect 5 inspect "$tmp/badcat.txt"
echo '01082fb6' > "$tmp/badtype.txt"; expect 5 inspect "$tmp/badtype.txt"
echo 'zz' > "$tmp/badhex2.txt"; expect 5 push --hex "$tmp/badhex2.txt"

[ $fail -eq 0 ] && echo "cli push/sms/inspect: $n runs over $seen Kannel vectors OK"
exit $fail
