#!/bin/bash
# examples/sms_handler.c must keep compiling against the public headers and
# the built archive, warning-free in strict C99, and must bootstrap a handset
# from the shipped seed segments (examples/seed/bootstrap.segments).
set -eu
cd "$ROOT"
bdir=$(dirname "$OMACP")
lib="$bdir/libomacp.a"
[ -f "$lib" ] || { echo "FAIL: $lib not built"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flags="-std=c99 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror"
libs="-lmbedcrypto"
if [ "${NO_XML:-}" = 1 ]; then
	flags="$flags -DOMACP_NO_XML"
else
	libs="$libs -lexpat"
fi
[ "${SANITIZE:-}" = 1 ] && flags="$flags -fsanitize=address,undefined"
# shellcheck disable=SC2086
${CC:-cc} $flags -Iinclude -o "$tmp/sms_handler" examples/sms_handler.c "$lib" $libs
"$tmp/sms_handler" examples/seed/bootstrap.segments 1234 >"$tmp/out" || {
	echo "FAIL: sms_handler exit $?"; cat "$tmp/out"; exit 1; }
grep -q '^PIN needed (3 attempts left)$' "$tmp/out" || { echo "FAIL: no PIN request"; cat "$tmp/out"; exit 1; }
grep -q '^  NAPDEF apply: NAPID SMS NAP$' "$tmp/out" || { echo "FAIL: NAPDEF not applied"; cat "$tmp/out"; exit 1; }
grep -q '^accepted: USERNETWPIN message from 9201612' "$tmp/out" || { echo "FAIL: not accepted"; cat "$tmp/out"; exit 1; }
grep -q '^after reboot: 1 TPS, 1 PPG' "$tmp/out" || { echo "FAIL: state not kept"; cat "$tmp/out"; exit 1; }
# a wrong PIN must not be accepted
if "$tmp/sms_handler" examples/seed/bootstrap.segments 9999 >"$tmp/out2"; then
	echo "FAIL: wrong PIN accepted"; cat "$tmp/out2"; exit 1
fi
grep -q '^PIN needed (2 attempts left)$' "$tmp/out2" || { echo "FAIL: wrong PIN not counted"; cat "$tmp/out2"; exit 1; }
echo "sms_handler: example builds warning-free and bootstraps from the seed segments"
