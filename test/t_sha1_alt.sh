#!/bin/bash
# The OMACP_SHA1_ALT porting hook (config.h, docs/porting.md): a user config
# file supplies omacp_sha1_ctx and omacp_sha1_starts/_update/_finish/_free;
# here they are a counting stub that delegates to mbedTLS, standing in for a
# hardware engine.  Every lib/*.c must compile warning-free with that config;
# hmac.o then references no mbedtls_sha1_* symbol; HMAC-SHA1 must give the
# RFC 2202 digests (published vectors) through the stub, and a SEC signature
# the MAC the independent tools give (test/vectors, Kannel sendota).
set -eu
cd "$ROOT"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc_line="cc"
flags="-std=c99 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror -O1"
[ "${SANITIZE:-}" = 1 ] && flags="$flags -fsanitize=address,undefined"
[ "${NO_XML:-}" = 1 ] && flags="$flags -DOMACP_NO_XML"

cat > "$tmp/hw_sha1_config.h" <<'C'
/* A firmware's omacp config file: SHA-1 from the "hardware" (a stub). */
#include <stddef.h>
#include <stdint.h>
#include <mbedtls/sha1.h>
#define OMACP_SHA1_ALT 1
typedef struct hw_sha1 {
	mbedtls_sha1_context sw;   /* what the stub delegates to */
	int busy;                  /* the engine is claimed       */
} omacp_sha1_ctx;
void omacp_sha1_starts(omacp_sha1_ctx *c);
void omacp_sha1_update(omacp_sha1_ctx *c, const uint8_t *p, size_t n);
void omacp_sha1_finish(omacp_sha1_ctx *c, uint8_t out[20]);
void omacp_sha1_free(omacp_sha1_ctx *c);
extern unsigned long hw_sha1_blocks_started, hw_sha1_frees;
C

cat > "$tmp/hw_sha1.c" <<'C'
#include <mbedtls/version.h>
#include "hw_sha1_config.h"
unsigned long hw_sha1_blocks_started, hw_sha1_frees;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define S(c) mbedtls_sha1_starts(c)
#define U(c, p, n) mbedtls_sha1_update(c, p, n)
#define F(c, o) mbedtls_sha1_finish(c, o)
#else
#define S(c) mbedtls_sha1_starts_ret(c)
#define U(c, p, n) mbedtls_sha1_update_ret(c, p, n)
#define F(c, o) mbedtls_sha1_finish_ret(c, o)
#endif
void omacp_sha1_starts(omacp_sha1_ctx *c)
{
	if (!c->busy)
		mbedtls_sha1_init(&c->sw);
	c->busy = 1;
	hw_sha1_blocks_started++;
	(void)S(&c->sw);
}
void omacp_sha1_update(omacp_sha1_ctx *c, const uint8_t *p, size_t n)
{
	(void)U(&c->sw, p, n);
}
void omacp_sha1_finish(omacp_sha1_ctx *c, uint8_t out[20])
{
	(void)F(&c->sw, out);
}
void omacp_sha1_free(omacp_sha1_ctx *c)
{
	if (c->busy)
		mbedtls_sha1_free(&c->sw);
	c->busy = 0;
	hw_sha1_frees++;
}
C

cat > "$tmp/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <omacp/sec.h>
#include "rfc2202.h"
static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	unsigned v;
	for (; h[0] && h[1]; h += 2) {
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}
int main(int argc, char **argv)
{
	const struct rfc2202_case *t = rfc2202;
	static uint8_t body[4096];
	uint8_t key[80], data[80], out[20], want[20];
	char mac[OMACP_MAC_HEX_LEN + 1];
	size_t i, kl, dl, bl = 0;
	int bad = 0;
	FILE *f;
	for (i = 0; i < sizeof rfc2202 / sizeof rfc2202[0]; i++) {
		omacp_hmac h;
		static const omacp_hmac zero;
		kl = unhex(t[i].key_hex, key);
		if (t[i].data) {
			dl = strlen(t[i].data);
			memcpy(data, t[i].data, dl);
		} else {
			dl = unhex(t[i].data_hex, data);
		}
		unhex(t[i].digest, want);
		omacp_hmac_sha1(key, kl, data, dl, out);
		if (memcmp(out, want, 20)) {
			printf("FAIL: RFC 2202 case %zu (one-shot)\n", i + 1);
			bad = 1;
		}
		omacp_hmac_init(&h, key, kl);
		for (size_t k = 0; k < dl; k++)
			omacp_hmac_update(&h, data + k, 1);
		omacp_hmac_final(&h, out);
		if (memcmp(out, want, 20) || memcmp(&h, &zero, sizeof h)) {
			printf("FAIL: RFC 2202 case %zu (streaming, wiped)\n", i + 1);
			bad = 1;
		}
	}
	/* a SEC signature over a vector body: argv[1] = WBXML hex, argv[2] = MAC */
	f = fopen(argv[1], "r");
	if (!f)
		return 2;
	{
		int c, hi = -1;
		while ((c = fgetc(f)) != EOF && bl < sizeof body) {
			int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (v < 0)
				continue;
			if (hi < 0)
				hi = v;
			else {
				body[bl++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
		fclose(f);
	}
	(void)argc;
	if (omacp_sec_sign(OMACP_SEC_USERPIN, NULL, argv[3], body, bl, mac) != OMACP_OK ||
	    strcmp(mac, argv[2]) != 0) {
		printf("FAIL: USERPIN MAC %s, want %s\n", mac, argv[2]);
		bad = 1;
	}
	if (hw_sha1_blocks_started == 0 || hw_sha1_frees == 0) {
		printf("FAIL: the host SHA-1 was not used\n");
		bad = 1;
	}
	printf("hw sha1: %lu hashes started, %lu releases\n", hw_sha1_blocks_started,
	       hw_sha1_frees);
	return bad;
}
C

def="-DOMACP_CONFIG_FILE=\"hw_sha1_config.h\""
# every library source compiles with the hook (sizeof(omacp_hmac) changes)
for f in lib/*.c; do
	[ "${NO_XML:-}" = 1 ] && [ "$f" = lib/xml.c ] && continue
	# shellcheck disable=SC2086
	$cc_line $flags "$def" -I"$tmp" -Iinclude -c "$f" -o "$tmp/$(basename "$f" .c).o" ||
		{ echo "FAIL: $f does not compile with OMACP_SHA1_ALT"; exit 1; }
done
if nm "$tmp/hmac.o" | grep -q ' U mbedtls_sha1_'; then
	echo "FAIL: hmac.o still references mbedTLS SHA-1:"; nm "$tmp/hmac.o" | grep mbedtls_sha1_
	exit 1
fi
nm "$tmp/hmac.o" | grep -q ' U omacp_sha1_update' || { echo "FAIL: hmac.o does not call omacp_sha1_update"; exit 1; }
# shellcheck disable=SC2086
$cc_line $flags "$def" -I"$tmp" -Iinclude -Itest -o "$tmp/alt" "$tmp/main.c" "$tmp/hw_sha1.c" \
	"$tmp/hmac.o" "$tmp/sec.o" -lmbedcrypto
# Kannel's sendota signed this body with USERPIN 1234 (test/vectors/README.md).
v="$VECTORS/kannel-01_napdef_gprs_auth-userpin"
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mac_kannel"])' "$v/meta.json" 2>/dev/null || true)
pin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pin_given_to_kannel"]["ascii"])' "$v/meta.json" 2>/dev/null || true)
if [ -z "$want" ] || [ -z "$pin" ]; then
	echo "FAIL: cannot read mac/pin from $v/meta.json"; exit 1
fi
"$tmp/alt" "$v/wbxml.hex" "$want" "$pin" || { echo "FAIL: HMAC through OMACP_SHA1_ALT"; exit 1; }
echo "sha1-alt: lib/ builds with a host SHA-1, RFC 2202 and a sendota MAC verified through it"
