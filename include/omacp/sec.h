/*
 * omacp/sec.h - OMA ProvBoot SEC methods: keys, HMAC-SHA1, sign and verify.
 *
 * M = HMAC-SHA1(K, body), carried as 40 hex digits in the MAC content-type
 * parameter.  K depends on the SEC method:
 *   NETWPIN      the IMSI in EF_IMSI semi-octet form without the length byte:
 *                nibbles 0x9 (odd digit count) or 0x1 (even), then the
 *                digits, then 0xF if the nibble count is odd; each byte is
 *                first | second << 4.  8 bytes for 14 or 15 digits, e.g.
 *                001010123456789 -> 09 10 10 10 32 54 76 98.
 *   USERPIN      the PIN's ASCII bytes as typed
 *   USERNETWPIN  the NETWPIN key followed by the USERPIN bytes
 *   USERPINMAC   the user types K || m (2n digits); the key is K and the
 *                message is genuine iff m[i] = '0' + HMAC(K, body)[i] mod 10
 *                for every i < n.  The MAC parameter is not used.
 *
 * Nothing here touches the heap.  HMAC is built on mbedtls_sha1_context (no
 * mbedtls_md_setup), or on the host's SHA-1 with OMACP_SHA1_ALT (config.h).
 * Keys, PINs, pads and digests are wiped with mbedtls_platform_zeroize on
 * every path, errors included; MACs are compared in constant time.
 *
 * Stack use (gcc 12 -O2, x86-64, measured with -fstack-usage; own frame of
 * each function, callees not included):
 *   omacp_hmac_init 144, _update 8, _final 64, _wipe 16, omacp_hmac_sha1 208,
 *   omacp_hmac_key_init 192, _key_check 176,
 *   omacp_sec_init 96, _update 8, _sign_final 64, _verify_final 112,
 *   omacp_sec_sign 240, omacp_sec_verify 96 (+ 160 for the one-shot check
 *   below it), omacp_sec_userpinmac_pin 96, omacp_sec_key 64, _imsi_key 24,
 *   _mac_parse 56, _lookup 64, others <= 16.
 * mbedTLS 2.28 SHA-1 below them adds about 290 bytes (the block function
 * alone 240).  Deepest chain, omacp_sec_verify -> check -> omacp_hmac_sha1
 * -> omacp_hmac_init -> SHA-1: about 900 bytes.  At -O0 the own frames grow
 * by at most 80 bytes.
 *
 * PIN rules (config.h): USERPIN and USERNETWPIN PINs are OMACP_PIN_MIN_LEN ..
 * OMACP_PIN_MAX_LEN printable ASCII characters (0x20..0x7E); a USERPINMAC
 * PIN is 2n decimal digits, OMACP_USERPINMAC_MIN_N <= n <= 20.  An IMSI is 1
 * to 15 decimal digits.
 */
#ifndef OMACP_SEC_H
#define OMACP_SEC_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#ifndef OMACP_SHA1_ALT
#include <mbedtls/sha1.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum omacp_sec {
	OMACP_SEC_NONE = -1,       /* unsigned message                  */
	OMACP_SEC_NETWPIN = 0,
	OMACP_SEC_USERPIN = 1,
	OMACP_SEC_USERNETWPIN = 2,
	OMACP_SEC_USERPINMAC = 3
} omacp_sec;

#define OMACP_MAC_LEN 20      /* HMAC-SHA1 bytes                      */
#define OMACP_MAC_HEX_LEN 40  /* MAC text characters                  */
#define OMACP_IMSI_KEY_MAX 8  /* NETWPIN key bytes for <= 15 digits   */
/* Largest HMAC key omacp_sec_key writes: IMSI key + PIN, or a USERPINMAC
 * key half of up to 20 digits. */
#define OMACP_KEY_MAX                                                  \
	((OMACP_IMSI_KEY_MAX + OMACP_PIN_MAX_LEN) > 20                 \
	     ? (OMACP_IMSI_KEY_MAX + OMACP_PIN_MAX_LEN)                \
	     : 20)

/* "NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC", or NULL. Static. */
const char *omacp_sec_name(omacp_sec m);

/* Method for the name s[0..n) (case-insensitive, exact length; s need not
 * be NUL-terminated).  OMACP_E_SEC_METHOD if none (or s/m NULL). */
omacp_err omacp_sec_lookup(const char *s, size_t n, omacp_sec *m);

/* ------------------------------------------------------------- HMAC-SHA1 */

typedef struct omacp_hmac {
	/* private */
#ifdef OMACP_SHA1_ALT
	omacp_sha1_ctx sha_;          /* the host's SHA-1 (config.h)   */
#else
	mbedtls_sha1_context sha_;
#endif
	uint8_t opad_[64];
} omacp_hmac;

/* Start an HMAC with key[0..key_len) (any length; > 64 bytes is hashed
 * first).  The key is not kept.  Cannot fail. */
void omacp_hmac_init(omacp_hmac *h, const uint8_t *key, size_t key_len);
/* Hash n more bytes of the message. */
void omacp_hmac_update(omacp_hmac *h, const uint8_t *p, size_t n);
/* Write the 20-byte MAC and wipe h completely (it may be reused with init). */
void omacp_hmac_final(omacp_hmac *h, uint8_t out[OMACP_MAC_LEN]);
/* Wipe h without producing a MAC (abandoned computation). */
void omacp_hmac_wipe(omacp_hmac *h);

/* One-shot HMAC-SHA1. */
void omacp_hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *p,
                     size_t n, uint8_t out[OMACP_MAC_LEN]);

/* ------------------------------------------------- a prepared HMAC key */

/*
 * The key-dependent part of HMAC-SHA1, computed once for a key that serves
 * many messages (the client's NETWPIN key, from the IMSI): the SHA-1 states
 * after the ipad block and after the opad block.  Every MAC checked with it
 * then costs two SHA-1 compressions less than omacp_hmac_sha1.  It is key
 * material: the owner wipes it (omacp_hmac_key_wipe) when it drops it.
 * Plain data without pointers; 2 x 92 bytes with mbedTLS.
 *
 * With OMACP_SHA1_ALT the host's SHA-1 context is not assumed copyable (a
 * hardware job may hold a channel), so the struct keeps the 64-byte padded
 * key instead and each check runs a whole HMAC: same results, no saving.
 */
typedef struct omacp_hmac_key {
	/* private */
#ifdef OMACP_SHA1_ALT
	uint8_t k0_[64];              /* the key, zero-padded (hashed if > 64) */
#else
	mbedtls_sha1_context in_;     /* after (K0 ^ ipad)                    */
	mbedtls_sha1_context out_;    /* after (K0 ^ opad)                    */
#endif
} omacp_hmac_key;

/* Prepare k for key[0..key_len) (any length).  The key is not kept; k is
 * overwritten.  Cannot fail. */
void omacp_hmac_key_init(omacp_hmac_key *k, const uint8_t *key, size_t key_len);
/* 1 when HMAC-SHA1(key, p[0..n)) equals mac[0..20) (compared in constant
 * time), else 0.  k is only read; the MAC computed is wiped. */
int omacp_hmac_key_check(const omacp_hmac_key *k, const uint8_t *p, size_t n,
                         const uint8_t mac[OMACP_MAC_LEN]);
/* Wipe k (every byte zero). */
void omacp_hmac_key_wipe(omacp_hmac_key *k);

/* -------------------------------------------------------------- keys */

/* The NETWPIN key of the NUL-terminated IMSI digit string: writes
 * (digits + 2) / 2 bytes to out and their number to *len.
 * OMACP_E_SEC_IMSI if imsi is NULL, empty, longer than 15 or not all digits. */
omacp_err omacp_sec_imsi_key(const char *imsi, uint8_t out[OMACP_IMSI_KEY_MAX],
                             size_t *len);

/*
 * The HMAC key for method m: imsi is used by NETWPIN and USERNETWPIN, pin by
 * USERPIN, USERNETWPIN and USERPINMAC (for USERPINMAC `pin` is the key half
 * K only).  Writes at most OMACP_KEY_MAX bytes.  The caller must wipe key.
 * USERPIN/USERNETWPIN need a valid user PIN, USERPINMAC a key half of
 * OMACP_USERPINMAC_MIN_N..20 digits; a NULL string where one is needed is
 * _IMSI / _PIN.  Errors: OMACP_E_SEC_METHOD, _IMSI, _PIN (key wiped,
 * *key_len 0), OMACP_E_ARG (key or key_len NULL).  Strings are only read.
 */
omacp_err omacp_sec_key(omacp_sec m, const char *imsi, const char *pin,
                        uint8_t key[OMACP_KEY_MAX], size_t *key_len);

/* ------------------------------------------------------ sign / verify */

/* Parse MAC text: exactly 40 hex digits, either case, optionally preceded by
 * one '"' (WSP quoted string).  OMACP_E_SEC_MAC_MALFORMED otherwise. */
omacp_err omacp_sec_mac_parse(const uint8_t *text, size_t n,
                              uint8_t out[OMACP_MAC_LEN]);

/* 1 when a[0..n) == b[0..n); time depends only on n (every byte is read). */
int omacp_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/*
 * Streaming sign/verify context: init with the method and secrets, feed the
 * body while it arrives, then call exactly one of _sign_final /
 * _verify_final / _wipe.  After any of those, and after an init error,
 * every byte of the context is zero (method_ included: it holds method + 1
 * while a computation runs, 0 when idle; tests check the bytes).  The secrets
 * themselves are only read during init; nothing points into them.  The
 * context may be copied, and needs no cleanup when idle.
 */
typedef struct omacp_sec_ctx {
	/* private */
	omacp_hmac hmac_;
	int method_;                      /* method + 1; 0 = idle        */
	uint8_t n_digits_;                /* USERPINMAC verify: n        */
	uint8_t check_[20];               /* USERPINMAC verify: m digits */
} omacp_sec_ctx;

/* verify != 0 prepares a verification, 0 a signature.  For USERPINMAC
 * `pin` is then the whole K || m the user typed (verify) or the key half K
 * (sign).  Errors: OMACP_E_SEC_METHOD, _IMSI, _PIN (c is then wiped),
 * OMACP_E_ARG (c NULL). */
omacp_err omacp_sec_init(omacp_sec_ctx *c, omacp_sec m, const char *imsi,
                         const char *pin, int verify);
/* Hash n more body bytes.  Ignored on an idle context. */
void omacp_sec_update(omacp_sec_ctx *c, const uint8_t *p, size_t n);

/* The MAC text: 40 uppercase hex digits and a NUL (for USERPINMAC the plain
 * HMAC under K).  Wipes c.  On an idle context mac_hex becomes "". */
void omacp_sec_sign_final(omacp_sec_ctx *c, char mac_hex[OMACP_MAC_HEX_LEN + 1]);

/*
 * Check: OMACP_OK when genuine, OMACP_E_SEC_MISMATCH when not,
 * OMACP_E_SEC_MAC_MALFORMED when mac_text is not 40 hex digits (not for
 * USERPINMAC, which ignores mac_text; may be NULL there).  OMACP_E_STATE
 * on an idle context, or for USERPINMAC when c was initialised for signing
 * (there are no check digits).  Wipes c in every case.
 */
omacp_err omacp_sec_verify_final(omacp_sec_ctx *c, const uint8_t *mac_text,
                                 size_t mac_len);
void omacp_sec_wipe(omacp_sec_ctx *c);

/* One-shot sign: MAC text of body under method m (USERPINMAC: pin = K).
 * Errors as omacp_sec_init (mac_hex is then ""), OMACP_E_ARG. */
omacp_err omacp_sec_sign(omacp_sec m, const char *imsi, const char *pin,
                         const uint8_t *body, size_t n,
                         char mac_hex[OMACP_MAC_HEX_LEN + 1]);

/* One-shot verify (USERPINMAC: pin = K || m, mac_text ignored).  Returns
 * what omacp_sec_init or omacp_sec_verify_final returns. */
omacp_err omacp_sec_verify(omacp_sec m, const char *imsi, const char *pin,
                           const uint8_t *body, size_t n,
                           const uint8_t *mac_text, size_t mac_len);

/* USERPINMAC: the 2n-digit PIN to hand to the user for key half K (n = its
 * length, digits only) and this body.  out receives 2n digits and a NUL;
 * cap must be at least 2n + 1 (else OMACP_E_NOMEM).  OMACP_E_SEC_PIN when k
 * is not OMACP_USERPINMAC_MIN_N..20 digits.  The output is a secret: the
 * caller wipes it. */
omacp_err omacp_sec_userpinmac_pin(const char *k, const uint8_t *body, size_t n,
                                   char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_SEC_H */
