/*
 * Fuzz entry for the SEC layer: MAC text parsing, IMSI/PIN validation, key
 * derivation, sign/verify for every method.
 *
 * Input format: IMSI 0x00 PIN 0x00 BODY (missing parts are empty; the
 * IMSI and PIN are copied into NUL-terminated buffers, truncated at 63
 * bytes).  The whole input, and its first 40 and 41 bytes, are also parsed
 * as MAC text and used as the MAC of the verify calls.
 *
 * Invariants (abort() when broken): a parsed MAC re-encodes to the same
 * bytes; keys fit OMACP_KEY_MAX; what sign produces, verify accepts, and a
 * changed body is rejected; a USERPINMAC PIN from omacp_sec_userpinmac_pin
 * verifies; every streaming context is all zero after its final call.
 */
#include <stdlib.h>
#include <string.h>
#include "omacp/sec.h"
#include "fuzz.h"

#define PART_MAX 64

static size_t take(const uint8_t *p, size_t n, char *out)
{
	size_t i = 0;
	while (i < n && p[i] != 0) {
		if (i < PART_MAX - 1)
			out[i] = (char)p[i];
		i++;
	}
	out[i < PART_MAX - 1 ? i : PART_MAX - 1] = '\0';
	return i < n ? i + 1 : n; /* bytes consumed, with the separator */
}

static void check_zero(const omacp_sec_ctx *c)
{
	const uint8_t *p = (const uint8_t *)c;
	size_t i;
	for (i = 0; i < sizeof *c; i++)
		if (p[i] != 0)
			abort();
}

static void check_mac_text(const uint8_t *t, size_t n)
{
	uint8_t mac[OMACP_MAC_LEN], again[OMACP_MAC_LEN];
	char hex[OMACP_MAC_HEX_LEN + 1];
	static const char digits[] = "0123456789ABCDEF";
	size_t i;
	omacp_err e = omacp_sec_mac_parse(t, n, mac);
	if (e == OMACP_E_SEC_MAC_MALFORMED)
		return;
	if (e != OMACP_OK || (n != 40 && n != 41))
		abort();
	for (i = 0; i < OMACP_MAC_LEN; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 15];
	}
	hex[40] = 0;
	if (omacp_sec_mac_parse((const uint8_t *)hex, 40, again) != OMACP_OK ||
	    memcmp(mac, again, sizeof mac) != 0)
		abort();
}

int fuzz_sec(const uint8_t *data, size_t size)
{
	char imsi[PART_MAX], pin[PART_MAX];
	const uint8_t *body;
	size_t used, blen, macn;
	int mi;

	check_mac_text(data, size);
	check_mac_text(data, size < 40 ? size : 40);
	check_mac_text(data, size < 41 ? size : 41);
	macn = size < 41 ? size : 41;

	used = take(data, size, imsi);
	used += take(data + used, size - used, pin);
	body = data + used;
	blen = size - used;

	{
		omacp_sec m;
		(void)omacp_sec_lookup(pin, strlen(pin), &m);
		(void)omacp_sec_lookup((const char *)data, size, &m);
	}

	for (mi = -1; mi <= 4; mi++) {
		omacp_sec m = (omacp_sec)mi;
		uint8_t key[OMACP_KEY_MAX];
		size_t kl = 0;
		char mac[OMACP_MAC_HEX_LEN + 1];
		omacp_err e;
		omacp_sec_ctx c;

		e = omacp_sec_key(m, imsi, pin, key, &kl);
		if (kl > OMACP_KEY_MAX || (e != OMACP_OK && kl != 0))
			abort();
		(void)omacp_sec_key(m, pin, imsi, key, &kl);

		/* verify with the input as MAC text: any result but a crash */
		(void)omacp_sec_verify(m, imsi, pin, body, blen, data, macn);
		(void)omacp_sec_verify(m, pin, imsi, body, blen, data, size);

		/* streaming verify leaves the context zero whatever happens */
		e = omacp_sec_init(&c, m, imsi, pin, 1);
		if (e == OMACP_OK) {
			omacp_sec_update(&c, body, blen / 2);
			omacp_sec_update(&c, body + blen / 2, blen - blen / 2);
			(void)omacp_sec_verify_final(&c, data, macn);
		}
		check_zero(&c);

		/* sign -> verify round trip */
		e = omacp_sec_sign(m, imsi, pin, body, blen, mac);
		if (e != OMACP_OK)
			continue;
		if (strlen(mac) != OMACP_MAC_HEX_LEN)
			abort();
		if (m == OMACP_SEC_USERPINMAC) {
			char upin[41];
			if (omacp_sec_userpinmac_pin(pin, body, blen, upin, sizeof upin) != OMACP_OK)
				abort();
			if (omacp_sec_verify(m, NULL, upin, body, blen, NULL, 0) != OMACP_OK)
				abort();
			continue;
		}
		if (omacp_sec_verify(m, imsi, pin, body, blen, (const uint8_t *)mac,
		                     OMACP_MAC_HEX_LEN) != OMACP_OK)
			abort();
		if (blen > 0) {
			/* the body without its last byte must not verify */
			if (omacp_sec_verify(m, imsi, pin, body, blen - 1, (const uint8_t *)mac,
			                     OMACP_MAC_HEX_LEN) != OMACP_E_SEC_MISMATCH)
				abort();
		}
	}
	return 0;
}
