#!/bin/bash
# Crash-safe state: `omacp device` killed with SIGKILL at any moment of a
# write leaves DIR/state.bin either the old or the new blob, never torn, and
# the handset keeps working afterwards.
#
# The write under test is the one that accepts the seed bootstrap
# (examples/seed/bootstrap.segments, USERNETWPIN, PIN 1234 submitted to the
# message waiting in DIR): it replaces state.bin and settings.txt.
#
#  1. Exact kills: an LD_PRELOAD shim counts the process' open/write/fsync/
#     close/rename/unlink calls and sends itself SIGKILL at call k (a write
#     is torn first: half its bytes go out), for every k until a run ends
#     on its own.
#  2. Timed kills: `kill -9` from outside after delays spread over the
#     measured run time, repeatedly.
# After every kill: state.bin is byte-identical to the old or the new blob,
# loads (the device prints its state; the CRC catches a torn blob), and
# settings.txt is the old or the new text; the kill is then "recovered"
# by running the device again, which must reach the new state.
set -u
cd "$ROOT"
OMACP=${OMACP:?}
if ! "$OMACP" device --help >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then echo "FAIL: omacp device is missing"; exit 1; fi
	echo "SKIP: omacp device is not built"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
IMSI=001010123456789
PPG=9201612
SEED=examples/seed
bad() { echo "FAIL: $*"; fail=1; }

# ---- the handset before and after the write
base="$tmp/base"
"$OMACP" device --state "$base" --set-policy 4119=132 --set-policy 4143=7296 \
	--imsi $IMSI --from $PPG $SEED/bootstrap.segments >/dev/null 2>&1
[ $? -eq 1 ] || { echo "FAIL: setup: the bootstrap does not wait for a PIN"; exit 1; }
ref="$tmp/ref"
cp -r "$base" "$ref"
"$OMACP" device --state "$ref" --pin 1234 >/dev/null 2>&1 ||
	{ echo "FAIL: setup: the bootstrap is not accepted"; exit 1; }
ref2="$tmp/ref2"
cp -r "$base" "$ref2"
"$OMACP" device --state "$ref2" --pin 1234 >/dev/null 2>&1
if ! cmp -s "$ref/state.bin" "$ref2/state.bin" || cmp -s "$base/state.bin" "$ref/state.bin"; then
	echo "FAIL: setup: the new state is not deterministic or equals the old"; exit 1
fi
norm() { sed 's/^# [0-9][0-9T:.-]*Z /# TIME /' "$1"; }
if [ -f "$base/settings.txt" ]; then norm "$base/settings.txt"; fi >"$tmp/old.txt"
norm "$ref/settings.txt" >"$tmp/new.txt"
cmp -s "$tmp/old.txt" "$tmp/new.txt" && { echo "FAIL: setup: settings.txt does not change"; exit 1; }

# check DIR WHAT: state.bin is old or new and loads; settings old or new;
# then the device recovers to the new state.
check() {
	local d=$1 what=$2 which
	n=$((n + 1))
	if cmp -s "$d/state.bin" "$base/state.bin"; then which=old
	elif cmp -s "$d/state.bin" "$ref/state.bin"; then which=new
	else bad "$what: state.bin is neither the old nor the new blob"; return
	fi
	if ! "$OMACP" device --state "$d" >"$tmp/sum" 2>&1; then
		bad "$what: the $which state does not load: $(head -1 "$tmp/sum")"
		return
	fi
	# settings.txt: the old or the new text (its block header has a time)
	local cur=/dev/null
	[ -f "$d/settings.txt" ] && cur="$d/settings.txt"
	norm "$cur" >"$tmp/cur.txt"
	if ! cmp -s "$tmp/cur.txt" "$tmp/old.txt" && ! cmp -s "$tmp/cur.txt" "$tmp/new.txt"; then
		bad "$what: settings.txt is torn"
	fi
	if [ "$which" = old ]; then
		"$OMACP" device --state "$d" --pin 1234 >/dev/null 2>&1 ||
			bad "$what: the old state does not accept the PIN again"
		cmp -s "$d/state.bin" "$ref/state.bin" || bad "$what: recovery gives another state"
	fi
	eval "count_$which=\$((count_$which + 1))"
}
count_old=0
count_new=0

# ---- 1. exact kills at every file operation
cc=${CC:-cc}
bits=$(od -An -tu1 -j4 -N1 "$OMACP" | tr -d ' ')
m32=""
[ "$bits" = 1 ] && m32=-m32
cat >"$tmp/shim.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>
static long calls;
static long target(void)
{
	const char *s = getenv("CRASH_AT");
	return s ? atol(s) : -1;
}
static void tick(void)
{
	if (++calls == target())
		raise(SIGKILL);
}
ssize_t write(int fd, const void *p, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (calls + 1 == target() && n > 1)
		real(fd, p, n / 2); /* torn: half of it reaches the file */
	tick();
	return real(fd, p, n);
}
int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	tick();
	return real(fd);
}
int close(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "close");
	tick();
	return real(fd);
}
int rename(const char *a, const char *b)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	tick();
	return real(a, b);
}
int unlink(const char *a)
{
	static int (*real)(const char *);
	if (!real)
		real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
	tick();
	return real(a);
}
int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	int mode;
	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	tick();
	return real(path, flags, mode);
}
EOF
if $cc $m32 -shared -fPIC -O1 -o "$tmp/shim.so" "$tmp/shim.c" -ldl 2>"$tmp/cc.err"; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0
	k=1
	while [ $k -le 500 ]; do
		d="$tmp/k$k"
		cp -r "$base" "$d"
		CRASH_AT=$k LD_PRELOAD="$tmp/shim.so" "$OMACP" device --state "$d" --pin 1234 \
			>/dev/null 2>&1 &
		wait $! 2>/dev/null
		rc=$?
		check "$d" "kill at file operation $k"
		rm -rf "$d"
		[ $rc -eq 137 ] || break   # the run finished before call k: all covered
		k=$((k + 1))
	done
	exact=$((k - 1))
	[ $exact -ge 8 ] || bad "only $exact file operations seen: the shim does not intercept them"
	echo "crashsafe: killed at each of the $exact file operations of the write"
else
	if [ -n "${CI:-}" ]; then bad "cannot build the LD_PRELOAD shim: $(head -3 "$tmp/cc.err")"; fi
	echo "crashsafe: no LD_PRELOAD shim ($cc $m32 failed); timed kills only"
fi

# ---- 2. timed kills from outside
total=0
for i in 1 2 3 4 5; do
	d="$tmp/t"; rm -rf "$d"; cp -r "$base" "$d"
	t0=$(date +%s%N)
	"$OMACP" device --state "$d" --pin 1234 >/dev/null 2>&1
	t1=$(date +%s%N)
	total=$(( total + t1 - t0 ))
done
run_us=$(( total / 5000 ))
[ $run_us -ge 200 ] || run_us=200
rounds=${CRASHSAFE_ROUNDS:-150}
for i in $(seq 1 "$rounds"); do
	d="$tmp/r$i"
	cp -r "$base" "$d"
	delay_us=$(( run_us * (i % 60) / 50 ))   # 0 .. 1.2 run times
	"$OMACP" device --state "$d" --pin 1234 >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v u="$delay_us" 'BEGIN { printf "%.6f", u / 1000000 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	check "$d" "kill -9 after ${delay_us}us"
	rm -rf "$d"
done
echo "crashsafe: $n kills checked ($count_old left the old state, $count_new the new; one run takes ${run_us}us)"
[ $fail -eq 0 ] && echo "crashsafe: ok"
exit $fail
