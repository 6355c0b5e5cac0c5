/*
 * OMA ProvBoot SEC methods: key derivation (NETWPIN, USERPIN, USERNETWPIN,
 * USERPINMAC), MAC text parsing, streaming sign/verify.  No heap; every
 * buffer holding a key, a PIN copy or a digest is wiped before returning.
 */
#include <string.h>
#include <mbedtls/platform_util.h>
#include "omacp/sec.h"
#include "sec_int.h"

#define IMSI_MAX_DIGITS 15
#define UPM_MAX_N 20 /* USERPINMAC: n <= bytes of an HMAC-SHA1 */

static const char *const sec_names[4] = {
	"NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC"
};

static int valid_method(omacp_sec m)
{
	return m >= OMACP_SEC_NETWPIN && m <= OMACP_SEC_USERPINMAC;
}

const char *omacp_sec_name(omacp_sec m)
{
	return valid_method(m) ? sec_names[m] : NULL;
}

static int upper_ascii(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

omacp_err omacp_sec_lookup(const char *s, size_t n, omacp_sec *m)
{
	size_t i, k;
	if (!s || !m)
		return OMACP_E_SEC_METHOD;
	for (i = 0; i < 4; i++) {
		const char *name = sec_names[i];
		if (strlen(name) != n)
			continue;
		for (k = 0; k < n; k++) {
			if (upper_ascii((unsigned char)s[k]) != name[k])
				break;
		}
		if (k == n) {
			*m = (omacp_sec)i;
			return OMACP_OK;
		}
	}
	return OMACP_E_SEC_METHOD;
}

/* --------------------------------------------------------------- keys */

/* Length of the NUL-terminated s when it is 1..max decimal digits, else 0.
 * Reads at most max + 1 characters. */
static size_t digits_len(const char *s, size_t max)
{
	size_t i;
	if (!s)
		return 0;
	for (i = 0; i <= max && s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return i <= max ? i : 0;
}

/* Length of a USERPIN / USERNETWPIN PIN when valid, else 0. */
static size_t user_pin_len(const char *s)
{
	size_t i;
	if (!s)
		return 0;
	for (i = 0; i <= OMACP_PIN_MAX_LEN && s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return 0;
	}
	return i >= OMACP_PIN_MIN_LEN && i <= OMACP_PIN_MAX_LEN ? i : 0;
}

/* Length n of a USERPINMAC key half K when valid (digits,
 * OMACP_USERPINMAC_MIN_N <= n <= 20), else 0. */
static size_t upm_key_len(const char *s)
{
	size_t n = digits_len(s, UPM_MAX_N);
	return n >= OMACP_USERPINMAC_MIN_N ? n : 0;
}

omacp_err omacp_sec_imsi_key(const char *imsi, uint8_t out[OMACP_IMSI_KEY_MAX],
                             size_t *len)
{
	size_t d = digits_len(imsi, IMSI_MAX_DIGITS), i, nib, bytes;
	if (d == 0 || !out || !len)
		return OMACP_E_SEC_IMSI;
	/* Nibble 0 is the identity type with the parity bit, then one nibble
	 * per digit, then an 0xF filler when the count is odd.  Pairs are
	 * packed low nibble first. */
	nib = d + 1;
	bytes = (nib + 1) / 2;
	for (i = 0; i < bytes; i++) {
		size_t a = 2 * i, b = 2 * i + 1;
		unsigned lo = a == 0 ? ((d & 1u) ? 0x9u : 0x1u)
		                     : (unsigned)(imsi[a - 1] - '0');
		unsigned hi = b < nib ? (unsigned)(imsi[b - 1] - '0') : 0xFu;
		out[i] = (uint8_t)(lo | hi << 4);
	}
	*len = bytes;
	return OMACP_OK;
}

/* Append the USERPIN bytes to key[*klen..]. */
static omacp_err append_pin(uint8_t *key, size_t *klen, const char *pin)
{
	size_t n = user_pin_len(pin);
	if (n == 0)
		return OMACP_E_SEC_PIN;
	memcpy(key + *klen, pin, n);
	*klen += n;
	return OMACP_OK;
}

omacp_err omacp_sec_key(omacp_sec m, const char *imsi, const char *pin,
                        uint8_t key[OMACP_KEY_MAX], size_t *key_len)
{
	omacp_err e = OMACP_OK;
	size_t klen = 0, n;

	if (!key || !key_len)
		return OMACP_E_ARG;
	switch (m) {
	case OMACP_SEC_NETWPIN:
	case OMACP_SEC_USERNETWPIN:
		e = omacp_sec_imsi_key(imsi, key, &klen);
		if (e == OMACP_OK && m == OMACP_SEC_USERNETWPIN)
			e = append_pin(key, &klen, pin); /* IMSI key, then the PIN */
		break;
	case OMACP_SEC_USERPIN:
		e = append_pin(key, &klen, pin);
		break;
	case OMACP_SEC_USERPINMAC:
		n = upm_key_len(pin);
		if (n == 0) {
			e = OMACP_E_SEC_PIN;
			break;
		}
		memcpy(key, pin, n);
		klen = n;
		break;
	default:
		e = OMACP_E_SEC_METHOD;
		break;
	}
	if (e != OMACP_OK) {
		mbedtls_platform_zeroize(key, OMACP_KEY_MAX);
		klen = 0;
	}
	*key_len = klen;
	return e;
}

/* ------------------------------------------------------ MAC text */

/* The MAC text is checked and converted a machine word of characters at a
 * time (SWAR: one byte lane per character; lane order does not matter). */
#if UINTPTR_MAX > 0xFFFFFFFFu
typedef uint64_t hexw;
#else
typedef uint32_t hexw;
#endif
#define ONES ((hexw)-1 / 255u)   /* 0x01 in every lane */

/* Speed builds on 64-bit little-endian hosts pack the nibbles a word at a
 * time: lanes 2k and 2k + 1 (high, low nibble) become lane 2k, and the four
 * even lanes are then gathered into the word's low 4 bytes. */
#if !defined(__OPTIMIZE_SIZE__) && UINTPTR_MAX > 0xFFFFFFFFu && \
    defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PACK_WORDS 1
#else
#define PACK_WORDS 0
#endif

omacp_err omacp_sec_mac_parse(const uint8_t *text, size_t n,
                              uint8_t out[OMACP_MAC_LEN])
{
	uint8_t nib[OMACP_MAC_HEX_LEN];
	hexw bad = 0, x, l, digit, alpha, v;
	size_t i;
	if (!out)
		return OMACP_E_ARG;
	if (text && n == OMACP_MAC_HEX_LEN + 1 && text[0] == '"') {
		text++;
		n--;
	}
	if (text && n == OMACP_MAC_HEX_LEN) {
		for (i = 0; i < OMACP_MAC_HEX_LEN; i += sizeof x) {
			memcpy(&x, text + i, sizeof x);
			/* lanes >= 0x80 are bad; below, the additions cannot
			 * carry into the next lane.  Lane bit 7 set: '0' <= c <= '9'
			 * (digit), 'a' <= (c | 0x20) <= 'f' (alpha, either case). */
			l = x | 0x20u * ONES;
			digit = (x + 0x50u * ONES) & ~(x + 0x46u * ONES);
			alpha = (l + 0x1Fu * ONES) & ~(l + 0x19u * ONES);
			bad |= x | ~(digit | alpha);
			v = (x & 0x0Fu * ONES) + ((alpha >> 7) & ONES) * 9u;
#if PACK_WORDS
			v = (v << 4 | v >> 8) & 0x00FF00FF00FF00FFu;
			v = (v | v >> 8) & 0x0000FFFF0000FFFFu;
			v |= v >> 16;
			memcpy(nib + i / 2u, &v, 4);
#else
			memcpy(nib + i, &v, sizeof v);
#endif
		}
		if (!(bad & 0x80u * ONES)) {
#if PACK_WORDS
			memcpy(out, nib, OMACP_MAC_LEN);
#else
			for (i = 0; i < OMACP_MAC_LEN; i++)
				out[i] = (uint8_t)(nib[2 * i] << 4 | nib[2 * i + 1]);
#endif
			return OMACP_OK;
		}
	}
	memset(out, 0, OMACP_MAC_LEN);
	return OMACP_E_SEC_MAC_MALFORMED;
}

static void put_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ------------------------------------------------- streaming context */

/* method_ holds the method + 1 while a computation runs and 0 when the
 * context is idle, so an idle context is all zero bytes. */

void omacp_sec_wipe(omacp_sec_ctx *c)
{
	if (!c)
		return;
	omacp_hmac_wipe(&c->hmac_);
	mbedtls_platform_zeroize(c, sizeof *c);
}

/* The HMAC key of method m for a verification (verify != 0) or a
 * signature into key[0..*klen).  *nd: for a USERPINMAC verification (pin
 * is K || m) the number n of check digits m, at pin + n; else 0.  Errors
 * as omacp_sec_init.  The caller wipes key. */
static omacp_err key_for(omacp_sec m, const char *imsi, const char *pin,
                         int verify, uint8_t key[OMACP_KEY_MAX], size_t *klen,
                         size_t *nd)
{
	*nd = 0;
	if (m == OMACP_SEC_USERPINMAC && verify) {
		size_t len = digits_len(pin, 2 * UPM_MAX_N), n = len / 2;
		if (len == 0 || (len & 1u) || n < OMACP_USERPINMAC_MIN_N)
			return OMACP_E_SEC_PIN;
		memcpy(key, pin, n);
		*klen = n;
		*nd = n;
		return OMACP_OK;
	}
	return omacp_sec_key(m, imsi, pin, key, klen);
}

/* USERPINMAC: 0 when digit i is '0' + mac[i] mod 10 for every i < n. */
static unsigned upm_diff(const void *digits, size_t n,
                         const uint8_t mac[OMACP_MAC_LEN])
{
	const uint8_t *g = (const uint8_t *)digits;
	unsigned d = 0;
	size_t i;
	for (i = 0; i < n; i++)
		d |= (unsigned)(g[i] ^ (uint8_t)('0' + mac[i] % 10u));
	return d;
}

omacp_err omacp_sec_init(omacp_sec_ctx *c, omacp_sec m, const char *imsi,
                         const char *pin, int verify)
{
	uint8_t key[OMACP_KEY_MAX];
	size_t klen = 0, nd;
	omacp_err e;

	if (!c)
		return OMACP_E_ARG;
	mbedtls_platform_zeroize(c, sizeof *c);
	e = key_for(m, imsi, pin, verify, key, &klen, &nd);
	if (e == OMACP_OK) {
		if (nd != 0)   /* USERPINMAC: the check digits */
			memcpy(c->check_, pin + nd, nd);
		c->n_digits_ = (uint8_t)nd;
		omacp_hmac_init(&c->hmac_, key, klen);
		c->method_ = (int)m + 1;
	}
	mbedtls_platform_zeroize(key, sizeof key);
	return e;
}

void omacp_sec_update(omacp_sec_ctx *c, const uint8_t *p, size_t n)
{
	if (!c || c->method_ == 0 || (!p && n))
		return;
	omacp_hmac_update(&c->hmac_, p, n);
}

void omacp_sec_sign_final(omacp_sec_ctx *c, char mac_hex[OMACP_MAC_HEX_LEN + 1])
{
	uint8_t mac[OMACP_MAC_LEN];
	if (!c || c->method_ == 0) {
		if (mac_hex)
			mac_hex[0] = '\0';
		omacp_sec_wipe(c);
		return;
	}
	omacp_hmac_final(&c->hmac_, mac);
	if (mac_hex)
		put_hex(mac, sizeof mac, mac_hex);
	mbedtls_platform_zeroize(mac, sizeof mac);
	omacp_sec_wipe(c);
}

omacp_err omacp_sec_verify_final(omacp_sec_ctx *c, const uint8_t *mac_text,
                                 size_t mac_len)
{
	uint8_t mac[OMACP_MAC_LEN], want[OMACP_MAC_LEN];
	omacp_err e = OMACP_OK;

	if (!c || c->method_ == 0) {
		omacp_sec_wipe(c);
		return OMACP_E_STATE;
	}
	if (c->method_ - 1 == (int)OMACP_SEC_USERPINMAC) {
		size_t n = c->n_digits_;
		if (n == 0) {
			/* prepared for signing: there are no check digits */
			omacp_sec_wipe(c);
			return OMACP_E_STATE;
		}
		omacp_hmac_final(&c->hmac_, mac);
		if (upm_diff(c->check_, n, mac) != 0)
			e = OMACP_E_SEC_MISMATCH;
	} else {
		e = omacp_sec_mac_parse(mac_text, mac_len, want);
		if (e == OMACP_OK) {
			omacp_hmac_final(&c->hmac_, mac);
			if (!omacp_ct_equal(mac, want, sizeof mac))
				e = OMACP_E_SEC_MISMATCH;
		}
	}
	mbedtls_platform_zeroize(mac, sizeof mac);
	mbedtls_platform_zeroize(want, sizeof want);
	omacp_sec_wipe(c);
	return e;
}

/* --------------------------------------------------------- one-shots */

omacp_err omacp_sec_sign(omacp_sec m, const char *imsi, const char *pin,
                         const uint8_t *body, size_t n,
                         char mac_hex[OMACP_MAC_HEX_LEN + 1])
{
	omacp_sec_ctx c;
	omacp_err e;
	if (!mac_hex || (!body && n))
		return OMACP_E_ARG;
	mac_hex[0] = '\0';
	e = omacp_sec_init(&c, m, imsi, pin, 0);
	if (e != OMACP_OK)
		return e;
	omacp_sec_update(&c, body, n);
	omacp_sec_sign_final(&c, mac_hex);
	return OMACP_OK;
}

omacp_err omacp__sec_check(omacp_sec m, const char *imsi, const char *pin,
                           const uint8_t *body, size_t n,
                           const uint8_t mac[OMACP_MAC_LEN])
{
	uint8_t key[OMACP_KEY_MAX], d[OMACP_MAC_LEN];
	size_t klen = 0, nd = 0;
	omacp_err e = key_for(m, imsi, pin, 1, key, &klen, &nd);
	if (e == OMACP_OK && nd == 0 && mac == NULL)
		e = OMACP_E_SEC_MAC_MALFORMED;
	if (e == OMACP_OK) {
		omacp_hmac_sha1(key, klen, body, n, d);
		if (nd != 0 ? upm_diff(pin + nd, nd, d) != 0
		            : !omacp_ct_equal(d, mac, sizeof d))
			e = OMACP_E_SEC_MISMATCH;
	}
	mbedtls_platform_zeroize(key, sizeof key);
	mbedtls_platform_zeroize(d, sizeof d);
	return e;
}

omacp_err omacp_sec_verify(omacp_sec m, const char *imsi, const char *pin,
                           const uint8_t *body, size_t n,
                           const uint8_t *mac_text, size_t mac_len)
{
	uint8_t want[OMACP_MAC_LEN];
	omacp_err e;
	if (!body && n)
		return OMACP_E_ARG;
	e = omacp_sec_mac_parse(mac_text, mac_len, want);
	/* key errors come before a malformed MAC text, as with the streaming
	 * context */
	return omacp__sec_check(m, imsi, pin, body, n,
	                        e == OMACP_OK ? want : NULL);
}

omacp_err omacp_sec_userpinmac_pin(const char *k, const uint8_t *body, size_t n,
                                   char *out, size_t cap)
{
	uint8_t mac[OMACP_MAC_LEN];
	size_t kn = upm_key_len(k), i;

	if (kn == 0)
		return OMACP_E_SEC_PIN;
	if (!out || (!body && n))
		return OMACP_E_ARG;
	if (cap < 2 * kn + 1)
		return OMACP_E_NOMEM;
	omacp_hmac_sha1((const uint8_t *)k, kn, body, n, mac);
	memcpy(out, k, kn);
	for (i = 0; i < kn; i++)
		out[kn + i] = (char)('0' + mac[i] % 10u);
	out[2 * kn] = '\0';
	mbedtls_platform_zeroize(mac, sizeof mac);
	return OMACP_OK;
}
