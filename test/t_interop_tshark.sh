#!/bin/bash
# Interop with Wireshark (tshark, Debian package `tshark`): the PDUs and SMS
# segments that `omacp push` / `omacp sms` build are decoded by tshark, which
# must show the content type, SEC, MAC, application id, push flag, initiator,
# the reassembled length, and the same WBXML tree as for Kannel's own bytes
# (the vectors' tshark.txt).
#
# The capture files are written by a small Python pcap writer below (this
# project's own): a PDU goes in a UDP datagram to port 2948 (Ethernet/IPv4);
# each SMS goes in an SMS-DELIVER TPDU (TP-UDHI set, 8-bit data) on user
# DLT 147, which tshark is told to dissect as gsm_sms (it reassembles the
# concatenated segments and hands port 2948 datagrams to WSP).
#
# Known tshark 4.0 fault (not asserted): a Long-integer X-Wap-Application-Id
# (e.g. AF 02 90 11) is shown as if its length octet were the id
# ("x-wap-application:wml.ua" for any two-octet id).
set -u
: "${OMACP:?}" "${VECTORS:?}"
for tool in tshark python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		if [ -n "${CI:-}" ]; then echo "FAIL: $tool not installed"; exit 1; fi
		echo "SKIP: $tool not installed (Debian: apt-get install tshark python3)"; exit 0
	fi
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
bad() { echo "FAIL: $*"; fail=1; }
meta() { sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1/meta.json" | head -1; }

cat > "$tmp/mkpcap.py" <<'EOF'
# mkpcap.py udp|sms OUT < lines : write a pcap of WSP PDUs (UDP to port 2948)
# or of SMS user data (SMS-DELIVER TPDUs, DLT 147).  Input lines: hex, or
# "INDEX UDH_HEX PAYLOAD_HEX"; '#' lines and blank lines are skipped.
import struct, sys

def pcap(linktype, frames):
    out = bytearray(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
    for i, f in enumerate(frames):
        out += struct.pack('<IIII', 1700000000 + i, 0, len(f), len(f)) + f
    return bytes(out)

def udp_frame(payload, sport=9200, dport=2948):
    udp = struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                               bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])))
    s = sum(struct.unpack('>10H', bytes(ip)))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack('>H', ~s & 0xffff)
    return b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + bytes(ip) + udp

def sms_deliver(ud, orig='491701234567'):
    d = orig + ('F' if len(orig) % 2 else '')
    addr = bytes(int(d[i + 1] + d[i], 16) for i in range(0, len(d), 2))
    tpdu = bytes([0x44, len(orig), 0x91]) + addr  # UDHI, MMS, SMS-DELIVER; international
    tpdu += bytes([0x00, 0x04])                    # TP-PID 0, TP-DCS 8-bit data
    tpdu += bytes([0x62, 0x11, 0x22, 0, 0, 0, 0])  # TP-SCTS
    return tpdu + bytes([len(ud)]) + ud

mode, out = sys.argv[1], sys.argv[2]
rows = [l.split() for l in sys.stdin if l.strip() and not l.lstrip().startswith('#')]
if mode == 'udp':
    data = pcap(1, [udp_frame(bytes.fromhex(''.join(r))) for r in rows])
else:
    data = pcap(147, [sms_deliver(bytes.fromhex(''.join(r[1:] if len(r) == 3 else r)))
                      for r in rows])
open(out, 'wb').write(data)
EOF

TS_SMS=(-o 'uat:user_dlts:"User 0 (DLT=147)","gsm_sms","0","","0",""' -o gsm_sms.reassemble:TRUE)

# pdu_pcap FILE_WITH_HEX / sms_pcap FILE_WITH_SEGMENTS -> $tmp/cap.pcap
pdu_pcap() { python3 "$tmp/mkpcap.py" udp "$tmp/cap.pcap" < "$1"; }
sms_pcap() { python3 "$tmp/mkpcap.py" sms "$tmp/cap.pcap" < "$1"; }
# field MODE FIELD...: tab-separated values of the frames that carry WSP
field() {
	local mode=$1; shift
	local args=() f
	for f in "$@"; do args+=(-e "$f"); done
	if [ "$mode" = sms ]; then
		tshark -n -r "$tmp/cap.pcap" "${TS_SMS[@]}" -Y wsp -T fields -E occurrence=a "${args[@]}" 2>/dev/null
	else
		tshark -n -r "$tmp/cap.pcap" -Y wsp -T fields -E occurrence=a "${args[@]}" 2>/dev/null
	fi
}
# The WBXML token table of tshark -V, white space normalised.
tree_of() { # reads tshark -V text on stdin
	awk '/Data representation/ {on=1; next}
	     on && /\|/ {print; next}
	     on && /^[[:space:]]*\[/ {next}
	     on {on=0}' |
		sed 's/^[[:space:]]*//; s/[[:space:]][[:space:]]*/ /g'
}
tree() {
	if [ "$1" = sms ]; then
		tshark -n -r "$tmp/cap.pcap" "${TS_SMS[@]}" -V -O gsm_sms,wsp,wbxml 2>/dev/null | tree_of
	else
		tshark -n -r "$tmp/cap.pcap" -V -O wbxml 2>/dev/null | tree_of
	fi
}
# run ARGS... -> $tmp/out (checks exit 0)
run() {
	n=$((n + 1))
	"$OMACP" "$@" > "$tmp/out" 2> "$tmp/err" || { bad "omacp $* failed: $(cat "$tmp/err")"; return 1; }
}

seen=0
for d in "$VECTORS"/kannel-*; do
	v=$(basename "$d")
	case "$v" in *legacy*) continue ;; esac
	mac=$(meta "$d" mac_kannel)
	sec=$(meta "$d" sec_requested)
	case "$sec" in
	NETWPIN) key=(--sec NETWPIN --imsi "$(sed -n 's/.*"imsi": "\([0-9]*\)".*/\1/p' "$d/meta.json" | head -1)") ;;
	*) key=(--sec "$sec" --pin "$(meta "$d" ascii)") ;;
	esac
	secno=$(sed -n 's/.*"sec_kannel": \([0-9]\).*/\1/p' "$d/meta.json" | head -1)
	pdu_len=$(( $(tr -d ' \n' < "$d/pdu.hex" | wc -c) / 2 ))
	tree_kannel=$(tree_of < "$d/tshark.txt")
	[ -n "$tree_kannel" ] || bad "$v: no WBXML tree in tshark.txt"
	seen=$((seen + 1))

	# our PDU in a UDP datagram
	run push "${key[@]}" --hex "$d/wbxml.hex" || continue
	pdu_pcap "$tmp/out"
	got=$(field udp wsp.header.content_type wsp.parameter.sec wsp.parameter.mac wsp.headers_length)
	want=$(printf 'application/vnd.wap.connectivity-wbxml\t0x%02x\t%s\t47' "$secno" "$mac")
	[ "$got" = "$want" ] || bad "$v: tshark PDU fields '$got', want '$want'"
	[ "$(tree udp)" = "$tree_kannel" ] || bad "$v: tshark WBXML tree of our PDU differs from Kannel's"

	# our segments, as Kannel sends them (source port 2948, its reference)
	udh=$(grep -v '^#' "$d/segments.txt" | head -1 | awk '{print $2}')
	ref=0; [ ${#udh} -ge 24 ] && ref=$((16#${udh:18:2}))
	run sms "${key[@]}" --src-port 2948 --ref "$ref" --hex "$d/wbxml.hex" || continue
	nseg=$(wc -l < "$tmp/out")
	sms_pcap "$tmp/out"
	relen=""; [ "$nseg" -gt 1 ] && relen=$pdu_len   # single SMS: nothing reassembled
	got=$(field sms wsp.parameter.mac wsp.header.content_type gsm_sms.reassembled.length)
	want=$(printf '%s\tapplication/vnd.wap.connectivity-wbxml\t%s' "$mac" "$relen")
	[ "$got" = "$want" ] || bad "$v: tshark SMS fields '$got', want '$want'"
	[ "$(tree sms)" = "$tree_kannel" ] || bad "$v: tshark WBXML tree of our segments differs"

	# our defaults (source port 9200, reference 0), segments sent in reverse
	run sms "${key[@]}" --hex "$d/wbxml.hex" || continue
	tac "$tmp/out" > "$tmp/rev.txt"
	sms_pcap "$tmp/rev.txt"
	got=$(field sms wsp.parameter.mac gsm_sms.reassembled.length)
	[ "$got" = "$(printf '%s\t%s' "$mac" "$relen")" ] || bad "$v: reversed defaults: tshark '$got'"
done
[ $seen -ge 10 ] || bad "only $seen Kannel vectors"

# Push headers: application id (integer and URI), initiator, push flag.
d="$VECTORS/kannel-02_proxy_pxlogical_pxphysical-userpin"
mac=$(meta "$d" mac_kannel)
pdu_len=$(( $(tr -d ' \n' < "$d/pdu.hex" | wc -c) / 2 ))
if run push --sec USERPIN --pin 1234 --app-id 2 --initiator http://tps.example/ --push-flag 3 --hex "$d/wbxml.hex"; then
	pdu_pcap "$tmp/out"
	got=$(field udp wsp.parameter.sec wsp.parameter.mac wsp.header.x_wap_application_id \
	      wsp.header.initiator_uri wsp.header.push_flag.authenticated wsp.header.push_flag.trusted \
	      wsp.header.push_flag.last wsp.headers_length)
	want=$(printf '0x01\t%s\tx-wap-application:wml.ua\thttp://tps.example/\t1\t1\t0\t72' "$mac")
	[ "$got" = "$want" ] || bad "headers: tshark '$got', want '$want'"
	[ "$(tree udp)" = "$(tree_of < "$d/tshark.txt")" ] || bad "headers: WBXML tree differs"
fi
if run sms --app-id x-wap-application:mms.ua --push-flag 4 --ref16 --ref 4660 --hex "$d/wbxml.hex"; then
	sms_pcap "$tmp/out"
	got=$(field sms wsp.header.content_type wsp.parameter.sec wsp.header.x_wap_application_id \
	      wsp.header.push_flag.last gsm_sms.reassembled.length)
	body_len=$(( $(tr -d ' \n' < "$d/wbxml.hex" | wc -c) / 2 ))
	want=$(printf 'application/vnd.wap.connectivity-wbxml\t\tx-wap-application:mms.ua\t1\t%d' \
	       $((body_len + 3 + 1 + 26 + 2)))
	[ "$got" = "$want" ] || bad "ref16 + URI app id: tshark '$got', want '$want'"
	got=$(tshark -n -r "$tmp/cap.pcap" "${TS_SMS[@]}" -T fields -E occurrence=a \
	      -e gsm_sms.udh.mm.msg_id 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$got" = "4660 " ] || bad "ref16: tshark message id '$got'"
fi

# XML input: the minimal document, encoded by omacp, reads like Kannel's.
d="$VECTORS/kannel-14_minimal-userpin"
if run push --sec USERPIN --pin 1234 "$d/input.xml"; then
	pdu_pcap "$tmp/out"
	[ "$(field udp wsp.parameter.mac)" = "$(meta "$d" mac_kannel)" ] || bad "XML input: MAC"
	[ "$(tree udp)" = "$(tree_of < "$d/tshark.txt")" ] || bad "XML input: WBXML tree differs"
fi

[ $fail -eq 0 ] && echo "tshark interop: $n omacp runs over $seen Kannel vectors decoded as expected"
exit $fail
