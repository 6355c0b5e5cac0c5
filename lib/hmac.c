/*
 * HMAC-SHA1 (RFC 2104) on a stack mbedtls_sha1_context (or, with
 * OMACP_SHA1_ALT, the host's SHA-1 context): no heap, no mbedtls_md_setup.
 * Every buffer that held key material is wiped before returning.
 */
#include <string.h>
#include <mbedtls/platform_util.h>
#include "omacp/sec.h"

#ifdef OMACP_SHA1_ALT
/* The host's SHA-1 (config.h): starts sets the context up, free releases. */
#define omacp__sha1_init(c) ((void)0)
#define omacp__sha1_free(c) omacp_sha1_free(c)
#define omacp__sha1_starts(c) omacp_sha1_starts(c)
#define omacp__sha1_update(c, p, n) omacp_sha1_update(c, p, n)
#define omacp__sha1_finish(c, o) omacp_sha1_finish(c, o)
#else
#include <mbedtls/sha1.h>
#include <mbedtls/version.h>
#define omacp__sha1_init(c) mbedtls_sha1_init(c)
#define omacp__sha1_free(c) mbedtls_sha1_free(c)
/* mbedTLS 2.x has the *_ret names (the plain ones are deprecated void
 * functions); 3.x renamed the int-returning ones to the plain names. */
#if defined(MBEDTLS_VERSION_NUMBER) && MBEDTLS_VERSION_NUMBER >= 0x03000000
#define omacp__sha1_starts(c) mbedtls_sha1_starts(c)
#define omacp__sha1_update(c, p, n) mbedtls_sha1_update(c, p, n)
#define omacp__sha1_finish(c, o) mbedtls_sha1_finish(c, o)
#else
#define omacp__sha1_starts(c) mbedtls_sha1_starts_ret(c)
#define omacp__sha1_update(c, p, n) mbedtls_sha1_update_ret(c, p, n)
#define omacp__sha1_finish(c, o) mbedtls_sha1_finish_ret(c, o)
#endif
#endif /* OMACP_SHA1_ALT */

#define BLOCK 64

/* The software SHA-1 of mbedTLS cannot fail (the int results only exist for
 * hardware back ends); a failing alternative implementation would produce a
 * wrong MAC, which verification then rejects. */

void omacp_hmac_init(omacp_hmac *h, const uint8_t *key, size_t key_len)
{
	uint8_t kh[OMACP_MAC_LEN];
	uint8_t ipad[BLOCK];
	size_t i;

	omacp__sha1_init(&h->sha_);
	if (key_len > BLOCK) {
		(void)omacp__sha1_starts(&h->sha_);
		(void)omacp__sha1_update(&h->sha_, key, key_len);
		(void)omacp__sha1_finish(&h->sha_, kh);
		key = kh;
		key_len = sizeof kh;
	}
	for (i = 0; i < BLOCK; i++) {
		uint8_t k = (uint8_t)(i < key_len ? key[i] : 0);
		ipad[i] = (uint8_t)(k ^ 0x36);
		h->opad_[i] = (uint8_t)(k ^ 0x5c);
	}
	(void)omacp__sha1_starts(&h->sha_);
	(void)omacp__sha1_update(&h->sha_, ipad, BLOCK);
	mbedtls_platform_zeroize(ipad, sizeof ipad);
	mbedtls_platform_zeroize(kh, sizeof kh);
}

void omacp_hmac_update(omacp_hmac *h, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	(void)omacp__sha1_update(&h->sha_, p, n);
}

void omacp_hmac_wipe(omacp_hmac *h)
{
	omacp__sha1_free(&h->sha_);
	mbedtls_platform_zeroize(h, sizeof *h);
}

void omacp_hmac_final(omacp_hmac *h, uint8_t out[OMACP_MAC_LEN])
{
	uint8_t inner[OMACP_MAC_LEN];

	(void)omacp__sha1_finish(&h->sha_, inner);
	(void)omacp__sha1_starts(&h->sha_);
	(void)omacp__sha1_update(&h->sha_, h->opad_, BLOCK);
	(void)omacp__sha1_update(&h->sha_, inner, sizeof inner);
	(void)omacp__sha1_finish(&h->sha_, out);
	mbedtls_platform_zeroize(inner, sizeof inner);
	omacp_hmac_wipe(h);
}

void omacp_hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *p,
                     size_t n, uint8_t out[OMACP_MAC_LEN])
{
	omacp_hmac h;
	omacp_hmac_init(&h, key, key_len);
	omacp_hmac_update(&h, p, n);
	omacp_hmac_final(&h, out);
}

int omacp_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	unsigned d = 0;
	size_t i = 0;
#ifndef __OPTIMIZE_SIZE__
	/* speed builds: eight bytes at a time, folded into d's low byte */
	uint64_t w = 0, x, y;
	for (; n - i >= 8u; i += 8u) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		w |= x ^ y;
	}
	w |= w >> 32;
	w |= w >> 16;
	w |= w >> 8;
	d = (unsigned)(w & 0xFFu);
#endif
	for (; i < n; i++)
		d |= (unsigned)(a[i] ^ b[i]);
	/* d is 0..255: (d - 1) has bit 8 set only when d == 0. */
	return (int)(((d - 1u) >> 8) & 1u);
}

/* ------------------------------------------------- a prepared HMAC key */

#ifdef OMACP_SHA1_ALT
void omacp_hmac_key_init(omacp_hmac_key *k, const uint8_t *key, size_t key_len)
{
	omacp_hmac h;
	size_t i;
	omacp_hmac_init(&h, key, key_len);
	for (i = 0; i < BLOCK; i++)
		k->k0_[i] = (uint8_t)(h.opad_[i] ^ 0x5c);   /* K0 back */
	omacp_hmac_wipe(&h);
}

int omacp_hmac_key_check(const omacp_hmac_key *k, const uint8_t *p, size_t n,
                         const uint8_t mac[OMACP_MAC_LEN])
{
	uint8_t d[OMACP_MAC_LEN];
	int ok;
	omacp_hmac_sha1(k->k0_, BLOCK, p, n, d);   /* a 64-byte key is K0 */
	ok = omacp_ct_equal(d, mac, sizeof d);
	mbedtls_platform_zeroize(d, sizeof d);
	return ok;
}
#else
void omacp_hmac_key_init(omacp_hmac_key *k, const uint8_t *key, size_t key_len)
{
	omacp_hmac h;
	omacp_hmac_init(&h, key, key_len);
	mbedtls_sha1_init(&k->in_);
	mbedtls_sha1_clone(&k->in_, &h.sha_);
	mbedtls_sha1_init(&k->out_);
	(void)omacp__sha1_starts(&k->out_);
	(void)omacp__sha1_update(&k->out_, h.opad_, BLOCK);
	omacp_hmac_wipe(&h);
}

int omacp_hmac_key_check(const omacp_hmac_key *k, const uint8_t *p, size_t n,
                         const uint8_t mac[OMACP_MAC_LEN])
{
	mbedtls_sha1_context c;
	uint8_t d[OMACP_MAC_LEN];
	int ok;
	/* inner = SHA-1 from the ipad state over the message, then the MAC =
	 * SHA-1 from the opad state over inner */
	mbedtls_sha1_init(&c);
	mbedtls_sha1_clone(&c, &k->in_);
	(void)omacp__sha1_update(&c, p, n);
	(void)omacp__sha1_finish(&c, d);
	mbedtls_sha1_clone(&c, &k->out_);
	(void)omacp__sha1_update(&c, d, sizeof d);
	(void)omacp__sha1_finish(&c, d);
	ok = omacp_ct_equal(d, mac, sizeof d);
	mbedtls_sha1_free(&c);      /* wipes c */
	mbedtls_platform_zeroize(d, sizeof d);
	return ok;
}
#endif

void omacp_hmac_key_wipe(omacp_hmac_key *k)
{
	mbedtls_platform_zeroize(k, sizeof *k);
}
