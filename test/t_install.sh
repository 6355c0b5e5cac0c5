#!/bin/bash
# `make install` into a temporary prefix, then build two small consumers with
# pkg-config: one with plain `--cflags --libs` (a WBXML-only consumer: the
# static archive pulls no crypto or XML object, so it needs nothing else) and
# one with `--static` (uses the MAC layer, so it needs Libs.private).  Then
# `make uninstall` must leave nothing behind.
set -eu
cd "$ROOT"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=/opt/omacp-test
make --no-print-directory -s B="${B:-build}" NO_XML="${NO_XML:-}" SANITIZE="${SANITIZE:-}" install PREFIX=$prefix DESTDIR="$tmp/root" >/dev/null
pcdir="$tmp/root$prefix/lib/pkgconfig"
for f in include/omacp/omacp.h lib/libomacp.a lib/pkgconfig/omacp.pc bin/omacp; do
	[ -e "$tmp/root$prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
grep -q '^Libs.private:.*-lmbedcrypto' "$pcdir/omacp.pc" || { echo "FAIL: Libs.private lacks mbedcrypto"; exit 1; }
if [ "${NO_XML:-}" != 1 ]; then
	grep -q '^Requires.private:.*expat' "$pcdir/omacp.pc" || { echo "FAIL: Requires.private lacks expat"; exit 1; }
fi
# pkg-config must see the DESTDIR tree: rewrite prefix through the sysroot.
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
cat > "$tmp/wbxml_only.c" <<'C'
#include <stdio.h>
#include <omacp/wbxml.h>
static omacp_err count(void *u, const omacp_event *ev) { (void)ev; ++*(int *)u; return OMACP_OK; }
int main(void)
{
	static const uint8_t doc[] = {0x03, 0x0B, 0x6A, 0x00, 0xC5, 0x46, 0x01, 0xC6, 0x56, 0x01,
	    0x87, 0x07, 0x06, 0x03, 'T', 'e', 's', 't', 0x00, 0x01, 0x01, 0x01};
	uint8_t work[64];
	int n = 0;
	omacp_err e = omacp_wbxml_decode(doc, sizeof doc, work, sizeof work, 0, count, &n, NULL);
	printf("%d %d\n", (int)e, n);
	return e == OMACP_OK && n == 6 ? 0 : 1;
}
C
cat > "$tmp/sec.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <omacp/omacp.h>
int main(void)
{
	static const uint8_t doc[] = {0x03, 0x0B, 0x6A, 0x00, 0xC5, 0x46, 0x01, 0xC6, 0x56, 0x01,
	    0x87, 0x07, 0x06, 0x03, 'T', 'e', 's', 't', 0x00, 0x01, 0x01, 0x01};
	char mac[41];
	if (omacp_sec_sign(OMACP_SEC_USERPIN, NULL, "1234", doc, sizeof doc, mac) != OMACP_OK)
		return 1;
	puts(mac);
	return strcmp(mac, "BAA186A0F7802E017A4A69B214921DB16EF26512") != 0;
}
C
san=""
[ "${SANITIZE:-}" = 1 ] && san="-fsanitize=address,undefined"
# shellcheck disable=SC2046
${CC:-cc} $san -o "$tmp/wbxml_only" "$tmp/wbxml_only.c" $(pkg-config --cflags --libs omacp)
"$tmp/wbxml_only" >/dev/null || { echo "FAIL: wbxml-only consumer"; exit 1; }
# shellcheck disable=SC2046
${CC:-cc} $san -o "$tmp/sec" "$tmp/sec.c" $(pkg-config --static --cflags --libs omacp)
"$tmp/sec" >/dev/null || { echo "FAIL: static consumer"; exit 1; }
"$tmp/root$prefix/bin/omacp" --help >/dev/null
make --no-print-directory -s B="${B:-build}" uninstall PREFIX=$prefix DESTDIR="$tmp/root" >/dev/null
left=$(find "$tmp/root" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL: uninstall left $left files"; find "$tmp/root" -type f; exit 1; }
echo "install: headers, archive, omacp.pc, CLI installed; two pkg-config consumers built and ran; uninstall clean"
