/*
 * omacp/sec.h - OMA ProvBoot SEC methods: keys, HMAC-SHA1, sign and verify.
 *
 * M = HMAC-SHA1(K, body), carried as 40 hex digits in the MAC content-type
 * parameter.  K depends on the SEC method:
 *   NETWPIN      the IMSI in EF_IMSI semi-octet form without the length byte
 *                (first nibble 0x9 odd / 0x1 even digit count, digits low
 *                nibble first, 0xF filler)                    (8 bytes for 15 digits)
 *   USERPIN      the PIN's ASCII bytes as typed
 *   USERNETWPIN  the NETWPIN key followed by the USERPIN bytes
 *   USERPINMAC   the user types K || m (2n digits); the key is K and the
 *                message is genuine iff m[i] = '0' + HMAC(K, body)[i] mod 10
 *                for every i < n.  The MAC parameter is not used.
 *
 * Nothing here touches the heap.  HMAC is built on mbedtls_sha1_context (no
 * mbedtls_md_setup).  Keys, PINs, pads and digests are wiped with
 * mbedtls_platform_zeroize on every path, errors included; MACs are compared
 * in constant time.  Stack use: every function below uses less than 512 bytes
 * of its own plus mbedTLS SHA-1 (about 100 bytes).
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
#include <mbedtls/sha1.h>
#include "config.h"
#include "error.h"

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
#define OMACP_KEY_MAX (OMACP_IMSI_KEY_MAX + OMACP_PIN_MAX_LEN)

/* "NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC", or NULL. Static. */
const char *omacp_sec_name(omacp_sec m);

/* Method for a name (case-insensitive, n bytes).  OMACP_E_SEC_METHOD if none. */
omacp_err omacp_sec_lookup(const char *s, size_t n, omacp_sec *m);

/* ------------------------------------------------------------- HMAC-SHA1 */

typedef struct omacp_hmac {
	/* private */
	mbedtls_sha1_context sha_;
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
 * Errors: OMACP_E_SEC_METHOD, _IMSI, _PIN.
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
 * _verify_final / _wipe.  After any of those, every byte of the context
 * except `method_` is zero (tests check this).  The secrets themselves are
 * only read during init.
 */
typedef struct omacp_sec_ctx {
	/* private */
	omacp_hmac hmac_;
	int method_;
	uint8_t n_digits_;                /* USERPINMAC: n               */
	uint8_t check_[20];               /* USERPINMAC: m digits        */
} omacp_sec_ctx;

/* verify != 0 prepares a verification, 0 a signature.  For USERPINMAC
 * `pin` is then the whole K || m the user typed (verify) or the key half K
 * (sign).  Errors: OMACP_E_SEC_METHOD, _IMSI, _PIN (c is then wiped). */
omacp_err omacp_sec_init(omacp_sec_ctx *c, omacp_sec m, const char *imsi,
                         const char *pin, int verify);
void omacp_sec_update(omacp_sec_ctx *c, const uint8_t *p, size_t n);

/* The MAC text: 40 uppercase hex digits and a NUL.  Wipes c. */
void omacp_sec_sign_final(omacp_sec_ctx *c, char mac_hex[OMACP_MAC_HEX_LEN + 1]);

/*
 * Check: OMACP_OK when genuine, OMACP_E_SEC_MISMATCH when not,
 * OMACP_E_SEC_MAC_MALFORMED when mac_text is not 40 hex digits (not for
 * USERPINMAC, which ignores mac_text; may be NULL there).  Wipes c.
 */
omacp_err omacp_sec_verify_final(omacp_sec_ctx *c, const uint8_t *mac_text,
                                 size_t mac_len);
void omacp_sec_wipe(omacp_sec_ctx *c);

/* One-shot sign: MAC text of body under method m (USERPINMAC: pin = K). */
omacp_err omacp_sec_sign(omacp_sec m, const char *imsi, const char *pin,
                         const uint8_t *body, size_t n,
                         char mac_hex[OMACP_MAC_HEX_LEN + 1]);

/* One-shot verify (USERPINMAC: pin = K || m, mac_text ignored). */
omacp_err omacp_sec_verify(omacp_sec m, const char *imsi, const char *pin,
                           const uint8_t *body, size_t n,
                           const uint8_t *mac_text, size_t mac_len);

/* USERPINMAC: the 2n-digit PIN to hand to the user for key half K (n = its
 * length, digits only) and this body.  out receives 2n digits and a NUL;
 * cap must be at least 2n + 1 (else OMACP_E_NOMEM). */
omacp_err omacp_sec_userpinmac_pin(const char *k, const uint8_t *body, size_t n,
                                   char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_SEC_H */
