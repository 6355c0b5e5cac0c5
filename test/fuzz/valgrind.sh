#!/bin/bash
# make valgrind: memcheck over the CLI on every vector and every regression
# input.  Every run must end with 0 errors and 0 leaks (definite, indirect,
# possible); the CLI's own exit status (0..5) does not matter, a crash does.
# Needs valgrind and python3 (to turn binary fuzz inputs into CLI inputs).
#
# Environment: OMACP (the CLI, a normal build: no sanitizers), ROOT,
# JOBS (parallel runs, default 2), VALGRIND_EXTRA (more directories laid
# out like test/fuzz/regressions, e.g. a libFuzzer corpus).
set -u
: "${OMACP:?}" "${ROOT:?}"
JOBS=${JOBS:-2}
cd "$ROOT" || exit 2
if ! command -v valgrind >/dev/null; then
	if [ -n "${CI:-}" ]; then echo "FAIL: valgrind is missing"; exit 1; fi
	echo "SKIP: valgrind is missing"; exit 0
fi
command -v python3 >/dev/null || { echo "valgrind.sh: python3 is missing"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cmds=$work/cmds
: >"$cmds"
V=test/vectors
n=0
add() { n=$((n + 1)); printf '%s\n' "$*" >>"$cmds"; }

# ---- the independent vectors
for d in $([ -n "${VALGRIND_ONLY_EXTRA:-}" ] || echo $V/libwbxml-*/); do
	d=${d%/}
	add decode --hex "$d/wbxml.hex"
	add decode --hex "$d/wbxml-nostrtbl.hex"
	add decode "$d/input.xml"
	add encode -o /dev/null "$d/input.xml"
	add encode --strtbl -o /dev/null "$d/input.xml"
	add sms --sec USERPIN --pin 1234 --ref 5 "$d/input.xml"
	add sign --sec USERPINMAC --pin 1234 "$d/input.xml"
done
for d in $([ -n "${VALGRIND_ONLY_EXTRA:-}" ] || echo $V/kannel-*/); do
	d=${d%/}
	add inspect "$d/segments.txt"
	add inspect --json "$d/pdu.hex"
	add decode --hex "$d/wbxml.hex"
	mac=$(sed -n 's/^ *"mac_kannel": "\([0-9A-F]*\)".*/\1/p' "$d/meta.json" | head -1)
	sec=$(sed -n 's/^ *"sec_requested": "\([A-Z]*\)".*/\1/p' "$d/meta.json" | head -1)
	imsi=$(sed -n 's/^ *"imsi": "\([0-9]*\)".*/\1/p' "$d/meta.json" | head -1)
	if [ -n "$mac" ] && [ -n "$sec" ]; then
		add verify --sec "$sec" --mac "$mac" --imsi "${imsi:-001010123456789}" --pin 1234 --hex "$d/wbxml.hex"
	fi
	# a handset receives it (fresh state directory per run: @DIR@); the
	# USERPINMAC vector's real PIN is K || m (test/vectors/README.md)
	pin=1234
	case $d in *userpinmac*) pin=12342945 ;; esac
	add device --state @DIR@ --profile oma --imsi "${imsi:-001010123456789}" --from +491701234567 \
		--pin $pin --json "$d/segments.txt"
done

# ---- regression inputs (and extra corpora), converted for the CLI
conv=$work/conv
mkdir -p "$conv"
python3 - "$conv" test/fuzz/regressions ${VALGRIND_EXTRA:-} >>"$cmds" <<'PY'
import os, sys
out = sys.argv[1]
k = 0
def emit(*args):
    print(" ".join(args))
def hexfile(data, name):
    p = os.path.join(out, name)
    open(p, "w").write(data.hex() + "\n")
    return p
def records(data, off, ctl):
    """[ctl][len][ud] (ctl=True) or [len][ud] records -> UD_HEX lines"""
    lines = []
    while off < len(data):
        if ctl:
            off += 1
        if off >= len(data):
            break
        n = data[off]; off += 1
        lines.append(data[off:off + n].hex()); off += n
    return "\n".join(l for l in lines if l) + "\n"
for top in sys.argv[2:]:
    if not os.path.isdir(top):
        continue
    for entry in sorted(os.listdir(top)):
        d = os.path.join(top, entry)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            path = os.path.join(d, f)
            if not os.path.isfile(path):
                continue
            data = open(path, "rb").read()
            k += 1
            tag = "r%d" % k
            if entry in ("fuzz_wbxml", "fuzz_xml"):
                emit("decode", path)
                emit("encode", "-o", "/dev/null", path)
            elif entry == "fuzz_wsp":
                emit("inspect", "--json", hexfile(data, tag + ".hex"))
            elif entry == "fuzz_reasm":
                p = os.path.join(out, tag + ".seg")
                open(p, "w").write(records(data, 1, False))
                emit("inspect", p)
                emit("device", "--state", "@DIR@", "--profile", "oma", "--json", p)
            elif entry == "fuzz_sec":
                parts = data.split(b"\0", 2) + [b"", b""]
                imsi = parts[0].decode("latin-1")
                pin = parts[1].decode("latin-1")
                body = os.path.join(out, tag + ".body")
                open(body, "wb").write(parts[2])
                mac = data[:41].decode("latin-1")
                ok = lambda s: s and all(0x21 <= ord(c) < 0x7F and c not in "'\"\\$`" for c in s)
                for m in ("NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC"):
                    args = ["verify", "--sec", m, "--mac", "'%s'" % mac if ok(mac) else "00"]
                    if ok(imsi): args += ["--imsi", "'%s'" % imsi]
                    if ok(pin): args += ["--pin", "'%s'" % pin]
                    emit(*(args + [body]))
            elif entry == "fuzz_state":
                sd = os.path.join(out, tag + ".state")
                os.makedirs(sd)
                open(os.path.join(sd, "state.bin"), "wb").write(data)
                open(os.path.join(sd, "device.conf"), "w").write("profile oma\nimsi 001010123456789\n")
                emit("device", "--state", "@COPY@" + sd)
            elif entry == "fuzz_client":
                # [flags][inject][imsi_len][imsi][pin_len][pin][u16 state][state] records
                o = 2
                il = data[o] if o < len(data) else 0; o += 1
                imsi = data[o:o + min(il, 15)].decode("latin-1"); o += il
                pl = data[o] if o < len(data) else 0; o += 1
                pin = data[o:o + pl].decode("latin-1"); o += pl
                sl = int.from_bytes(data[o:o + 2].ljust(2, b"\0"), "big"); o += 2
                state = data[o:o + sl]; o += sl
                sd = os.path.join(out, tag + ".state")
                os.makedirs(sd)
                conf = "profile %s\n" % ("oma" if data[:1] and data[0] & 1 else "wm65")
                if imsi.isdigit():
                    conf += "imsi %s\n" % imsi
                open(os.path.join(sd, "device.conf"), "w").write(conf)
                if state:
                    open(os.path.join(sd, "state.bin"), "wb").write(state)
                p = os.path.join(out, tag + ".seg")
                open(p, "w").write(records(data, o, True))
                args = ["device", "--state", "@COPY@" + sd, "--from", "9201612", "--json"]
                if pin and all(0x21 <= ord(c) < 0x7F and c not in "'\"\\$`" for c in pin):
                    args += ["--pin", "'%s'" % pin]
                emit(*(args + [p]))
PY

run_one() {
	local i=$1 line
	line=$(sed -n "${i}p" "$cmds")
	local dir="$work/dev$i"
	case "$line" in
	*@COPY@*)
		local src=${line#*@COPY@}
		src=${src%% *}
		cp -r "$src" "$dir"
		line=${line/@COPY@$src/$dir} ;;
	*@DIR@*) line=${line//@DIR@/$dir} ;;
	esac
	eval "set -- $line"
	valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--log-file="$work/vg$i.log" "$OMACP" "$@" >/dev/null 2>"$work/err$i"
	local rc=$?
	echo "$rc" >"$work/rc$i"
	if [ $rc -gt 5 ] || [ -s "$work/vg$i.log" ]; then
		echo "FAIL (exit $rc): omacp $line"
		sed 's/^/    /' "$work/vg$i.log" | head -30
		head -3 "$work/err$i" | sed 's/^/    /'
		return 1
	fi
	return 0
}
export -f run_one
export work cmds OMACP

total=$(wc -l <"$cmds")
failed=0
seq 1 "$total" | xargs -P "$JOBS" -I{} bash -c 'run_one {}' || failed=1

# the seed flow: one handset through the bootstrap, the PIN, the TPS update
sd="$work/seed"
for step in \
	"device --state $sd --set-policy 4119=132 --set-policy 4143=7296 --imsi 001010123456789 --from 9201612 examples/seed/bootstrap.segments" \
	"device --state $sd --pin 1234 --json" \
	"device --state $sd --from 9201612 --pin 2468 examples/seed/tps-update.segments" \
	"device --state $sd --from 9201612 --pin 0000 examples/seed/tps-update.segments" \
	"device --state $sd --pin 1111" \
	"device --state $sd"; do
	total=$((total + 1))
	echo "$step" >>"$cmds"
	run_one "$total" || failed=1
done

if [ $failed -ne 0 ]; then
	echo "valgrind: errors or leaks found (above)"
	exit 1
fi
echo "valgrind: $total CLI runs under memcheck: 0 errors, 0 leaks"
echo "valgrind: CLI exit statuses: $(cat "$work"/rc* | sort -n | uniq -c | awk '{printf "%s x%s  ", $2, $1}')"
