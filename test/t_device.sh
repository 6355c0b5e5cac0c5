#!/bin/bash
# The bootstrap scenario of issue 5 through `omacp device` (the handset
# simulator): exit codes, the JSON contract (checked with python3), the
# state directory (atomic writes, byte-identical after every rejection) and
# the settings the CSPs recorded.
#
# Messages: examples/seed/bootstrap.segments (shipped) and messages built
# here with `omacp sms` from examples/seed/*.xml and variants of them.
set -u
cd "$ROOT"
command -v python3 >/dev/null || { if [ -n "${CI:-}" ]; then echo "FAIL: python3 missing"; exit 1; fi; echo "SKIP: python3 missing"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
IMSI=001010123456789
PPG=9201612
PROVURL=http://tps.example.com/provisioning
SEED=examples/seed

ok() { n=$((n + 1)); }
bad() { echo "FAIL: $*"; fail=1; }

# run EXPECTED_EXIT NAME ARGS... : runs omacp device, keeps stdout in $tmp/out
run() {
	local want=$1 name=$2
	shift 2
	"$OMACP" device "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, want $want"
		sed 's/^/    /' "$tmp/out" "$tmp/err"
	else
		ok
	fi
}

# check NAME PYTHON-EXPR : evaluates EXPR with j = the JSON object in $tmp/out
check() {
	local name=$1 expr=$2
	if python3 - "$tmp/out" "$expr" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
keys = {"verdict", "reason", "sec", "roles", "role_names", "manager",
        "characteristics", "pin_attempts_left"}
if set(j) != keys:
    print("keys:", sorted(j)); sys.exit(1)
for c in j["characteristics"]:
    if set(c) != {"type", "status"} or c["status"] not in ("applied", "rejected", "ignored"):
        print("characteristic:", c); sys.exit(1)
if j["verdict"] not in ("accepted", "rejected", "need-pin", "incomplete", "not-push"):
    print("verdict:", j["verdict"]); sys.exit(1)
if not isinstance(j["roles"], int) or not isinstance(j["manager"], bool):
    sys.exit(1)
if not eval(sys.argv[2], {"j": j}):
    print("false:", sys.argv[2]); print(json.dumps(j)); sys.exit(1)
PY
	then ok; else bad "$name: $expr"; fi
}

# same_state DIR SNAPSHOT NAME : state.bin and settings.txt unchanged
snap() { cp "$1/state.bin" "$tmp/snap.bin"; cp "$1/settings.txt" "$tmp/snap.txt" 2>/dev/null || : >"$tmp/snap.txt"; }
same() {
	local d=$1 name=$2
	if cmp -s "$d/state.bin" "$tmp/snap.bin"; then ok; else bad "$name: state.bin changed"; fi
	local cur=/dev/null
	[ -f "$d/settings.txt" ] && cur="$d/settings.txt"
	if cmp -s "$cur" "$tmp/snap.txt"; then ok; else bad "$name: settings.txt changed"; fi
	if ls -A "$d" | grep -q '\.tmp\.'; then bad "$name: temporary file left in $d"; else ok; fi
}

sms() { "$OMACP" sms "$@" || { bad "omacp sms $*"; }; }

# ---- messages: the shipped seed segments carry the core scenario; the
# other cases need `omacp sms` to encode XML (not in an OMACP_NO_XML build)
TPS=$SEED/tps-update.segments
xml=1
[ "${NO_XML:-}" = 1 ] && xml=0
if [ $xml = 1 ]; then
	sed 's/GPRS NAP/GPRS NAP 4/; s/Operator Internet/Fourth APN/' $SEED/tps-update.xml >"$tmp/tps4.xml"
	cat >"$tmp/napdef.xml" <<'XML'
<wap-provisioningdoc version="1.1">
  <characteristic type="NAPDEF">
    <parm name="NAPID" value="User NAP"/>
    <parm name="NAME" value="User APN"/>
    <parm name="NAP-ADDRESS" value="user.example.com"/>
  </characteristic>
</wap-provisioningdoc>
XML
	sms --sec USERPIN --pin 2468 --initiator $PROVURL --push-flag 1 --ref 2 $SEED/tps-update.xml >"$tmp/tps.seg"
	cmp -s "$tmp/tps.seg" $TPS && ok || bad "examples/seed/tps-update.segments is not what README.md says"
	sms --sec USERNETWPIN --imsi $IMSI --pin 1234 --ref 1 $SEED/bootstrap.xml >"$tmp/boot.seg"
	cmp -s "$tmp/boot.seg" $SEED/bootstrap.segments && ok || bad "examples/seed/bootstrap.segments is not what README.md says"
	sms --sec NETWPIN --imsi $IMSI --ref 14 "$tmp/tps4.xml" >"$tmp/netwpin.seg"
	sms --sec NETWPIN --imsi 001019999999999 --initiator $PROVURL --push-flag 1 --ref 15 "$tmp/tps4.xml" >"$tmp/netwpin-badimsi.seg"
	sms --ref 16 "$tmp/tps4.xml" >"$tmp/unsigned.seg"
	sms --initiator $PROVURL --push-flag 1 --ref 17 "$tmp/tps4.xml" >"$tmp/unsigned-tps.seg"
	sms --sec USERPIN --pin 2468 --ref 18 "$tmp/napdef.xml" >"$tmp/napdef.seg"
fi

# ---- usage
run 0 "--help" --help
grep -q 'usage: omacp device' "$tmp/out" && ok || bad "--help text"
run 2 "no --state" $SEED/bootstrap.segments
run 2 "unknown option" --state "$tmp/x" --bogus
run 2 "bad --set-policy" --state "$tmp/x" --set-policy 4119
run 2 "bad --profile" --state "$tmp/x" --profile wm7
run 2 "bad --imsi" --state "$tmp/x" --imsi 12ab

# ---- a wm65 handset as shipped refuses the bootstrap (4143 = 3200)
D0="$tmp/factory"
run 3 "factory bootstrap" --state "$D0" --imsi $IMSI --from $PPG --pin 1234 --json $SEED/bootstrap.segments
check "factory bootstrap" 'j["verdict"] == "rejected" and "4143" in j["reason"] and not j["manager"]'
check "factory bootstrap" 'j["characteristics"] == [] and j["sec"] == "USERNETWPIN"'

# ---- the OEM enables OTA bootstrap; the operator's bootstrap arrives
D="$tmp/handset"
run 1 "bootstrap need-pin" --state "$D" --set-policy 4119=132 --set-policy 4143=7296 \
	--imsi $IMSI --from $PPG --json $SEED/bootstrap.segments
check "bootstrap need-pin" 'j["verdict"] == "need-pin" and j["pin_attempts_left"] == 3 and j["sec"] == "USERNETWPIN"'
[ -f "$D/state.bin" ] && ok || bad "state.bin not written"
run 2 "--set-policy on an existing DIR" --state "$D" --set-policy 4119=132 --json $SEED/bootstrap.segments
run 2 "--profile mismatch" --state "$D" --profile oma
run 0 "bootstrap pin" --state "$D" --pin 1234 --json
check "bootstrap accepted" 'j["verdict"] == "accepted" and j["manager"] and j["roles"] == 0x101C'
check "bootstrap roles" 'j["role_names"] == ["OPERATOR", "MANAGER", "USER_AUTH", "ANY_PUSH_SOURCE"]'
check "bootstrap items" '[(c["type"], c["status"]) for c in j["characteristics"]] == [("BOOTSTRAP", "applied"), ("PXLOGICAL", "applied"), ("NAPDEF", "applied"), ("SecurityPolicy", "applied")]'
grep -q "^PROVURL = $PROVURL\$" "$D/settings.txt" && ok || bad "settings.txt lacks the PROVURL"
grep -q '^\[PXLOGICAL/PXPHYSICAL\]$' "$D/settings.txt" && grep -q '^PXADDR = 9201612$' "$D/settings.txt" && ok || bad "settings.txt lacks the PPG"
run 0 "state summary" --state "$D"
grep -q "^tps: *$PROVURL" "$tmp/out" && grep -q "^ppg: *$PPG push-enabled trusted" "$tmp/out" \
	&& grep -q ' 4119=128\*' "$tmp/out" && grep -q ' 4143=3200 ' "$tmp/out" && grep -q '^pending: *none' "$tmp/out" \
	&& ok || { bad "state summary"; cat "$tmp/out"; }
grep -q "^imsi $IMSI\$" "$D/device.conf" && ok || bad "device.conf lacks the IMSI"

# ---- continuous provisioning, first from the wrong sender (4142 = 3200)
snap "$D"
run 3 "tps from another sender" --state "$D" --from 15551234 --pin 2468 --json $TPS
check "tps from another sender" 'j["verdict"] == "rejected" and "4142" in j["reason"] and "15551234" in j["reason"] and not j["manager"]'
same "$D" "tps from another sender"
run 3 "segments on stdin" --state "$D" --from 15551234 --json - <$TPS
same "$D" "segments on stdin"

# ---- three wrong PINs: the message is discarded, the state is as before
run 1 "wrong pin 1" --state "$D" --from $PPG --pin 0000 --json $TPS
check "wrong pin 1" 'j["verdict"] == "need-pin" and j["pin_attempts_left"] == 2'
run 1 "wrong pin 2" --state "$D" --pin 1111 --json
check "wrong pin 2" 'j["verdict"] == "need-pin" and j["pin_attempts_left"] == 1'
run 0 "pending summary" --state "$D"
grep -q '^pending: .*from 9201612, 1 PIN attempts left' "$tmp/out" && ok || bad "pending summary"
run 4 "wrong pin 3" --state "$D" --pin 2222 --json
check "wrong pin 3" 'j["verdict"] == "rejected" and j["pin_attempts_left"] == 0 and "4105" in j["reason"]'
same "$D" "three wrong PINs"
run 2 "--pin with nothing pending" --state "$D" --pin 2468

# ---- from the TPS through the PPG with the right PIN: Manager
run 0 "tps update" --state "$D" --from $PPG --pin 2468 --json $TPS
check "tps update" 'j["verdict"] == "accepted" and j["manager"] and "OPERATOR_TPS" in j["role_names"] and "PPG_AUTH" in j["role_names"]'
check "tps update items" '[(c["type"], c["status"]) for c in j["characteristics"]] == [("NAPDEF", "applied"), ("APPLICATION", "applied")]'
grep -q '^NAPID = GPRS NAP$' "$D/settings.txt" && ok || bad "settings.txt lacks the GPRS NAPDEF"

# ---- replays and the closed bootstrap: state and settings byte-identical
snap "$D"
run 3 "tps message replayed" --state "$D" --from $PPG --pin 2468 --json $TPS
check "tps message replayed" 'j["verdict"] == "rejected" and "replay" in j["reason"]'
same "$D" "tps message replayed"
run 3 "bootstrap replayed" --state "$D" --from $PPG --pin 1234 --json $SEED/bootstrap.segments
check "bootstrap replayed" 'j["verdict"] == "rejected" and "4143" in j["reason"]'
same "$D" "bootstrap replayed"
run 3 "bootstrap replayed (stranger)" --state "$D" --from 15551234 --pin 1234 --json $SEED/bootstrap.segments
same "$D" "bootstrap replayed (stranger)"

# ---- incomplete, not a push, malformed
head -n 1 $TPS >"$tmp/part.seg"
run 1 "incomplete" --state "$D" --from $PPG --json "$tmp/part.seg"
check "incomplete" 'j["verdict"] == "incomplete"'
echo "060504c34fc00200" >"$tmp/notpush.seg"
run 1 "not a push" --state "$D" --json "$tmp/notpush.seg"
check "not a push" 'j["verdict"] == "not-push"'
echo "1 zz 00" >"$tmp/badhex.seg"
run 5 "bad hex" --state "$D" --json "$tmp/badhex.seg"
echo "0605040b8423f001067f" >"$tmp/badwsp.seg"
run 5 "bad WSP" --state "$D" --from $PPG --json "$tmp/badwsp.seg"
check "bad WSP" 'j["verdict"] == "rejected"'
same "$D" "malformed input"

if [ $xml = 1 ]; then
	run 3 "NETWPIN only" --state "$D" --from 15551234 --json "$tmp/netwpin.seg"
	check "NETWPIN only" 'j["verdict"] == "rejected" and "4141" in j["reason"] and j["sec"] == "NETWPIN"'
	same "$D" "NETWPIN only"

	run 4 "NETWPIN wrong IMSI" --state "$D" --from $PPG --json "$tmp/netwpin-badimsi.seg"
	check "NETWPIN wrong IMSI" 'j["verdict"] == "rejected" and "authentication failed" in j["reason"]'
	same "$D" "NETWPIN wrong IMSI"

	run 3 "unsigned from a stranger" --state "$D" --from 15551234 --json "$tmp/unsigned.seg"
	check "unsigned from a stranger" 'j["verdict"] == "rejected" and "4110" in j["reason"] and j["sec"] == "none" and "USER_UNAUTH" in j["role_names"]'
	same "$D" "unsigned from a stranger"

	# unsigned through the PPG from the TPS: 4110 (PPG_AUTH|OPERATOR_TPS) allows
	run 0 "unsigned via the PPG" --state "$D" --from $PPG --json "$tmp/unsigned-tps.seg"
	check "unsigned via the PPG" 'j["verdict"] == "accepted" and "USER_UNAUTH" in j["role_names"] and "4110" in j["reason"]'

	# the oma profile: a signed message from anyone is accepted when its MAC
	# verifies, but without Manager (4119 = 128): the seed bootstrap's
	# trusted PPG needs policy 4121 (MANAGER) and the whole document rolls back
	D2="$tmp/oma"
	run 0 "oma profile" --state "$D2" --profile oma --imsi $IMSI --from 15551234 --pin 2468 --json "$tmp/napdef.seg"
	check "oma profile" 'j["verdict"] == "accepted" and j["role_names"] == ["USER_AUTH", "ANY_PUSH_SOURCE"] and not j["manager"]'
	snap "$D2"
	run 3 "oma bootstrap without Manager" --state "$D2" --from 15551234 --pin 1234 --json $SEED/bootstrap.segments
	check "oma bootstrap without Manager" 'j["verdict"] == "rejected" and "4121" in j["reason"] and all(c["status"] == "rejected" for c in j["characteristics"])'
	same "$D2" "oma bootstrap without Manager"
else
	echo "note: NO_XML build: the cases with messages built from XML are not run"
fi

# ---- a corrupt state is refused, never half-loaded
printf 'X' | dd of="$D/state.bin" bs=1 seek=20 conv=notrunc 2>/dev/null
run 5 "corrupt state" --state "$D" --from $PPG --json $TPS
grep -q 'state.bin' "$tmp/err" && ok || bad "corrupt state: error does not name state.bin"

if [ $fail -eq 0 ]; then
	echo "device: $n checks passed (scenario, JSON contract, exit codes, state dir)"
fi
exit $fail
