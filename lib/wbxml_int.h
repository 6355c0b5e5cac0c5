/* Internal interface of the WBXML layer: token tables and UTF-8 checks shared
 * by the decoder (wbxml_dec.c) and the encoder (wbxml_enc.c). */
#ifndef OMACP_WBXML_INT_H
#define OMACP_WBXML_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "omacp/event.h"

/* WBXML global tokens (the same on every code page). */
#define OMACP__WB_SWITCH_PAGE 0x00
#define OMACP__WB_END 0x01
#define OMACP__WB_ENTITY 0x02
#define OMACP__WB_STR_I 0x03
#define OMACP__WB_LITERAL 0x04
#define OMACP__WB_PI 0x43
#define OMACP__WB_STR_T 0x83
#define OMACP__WB_OPAQUE 0xC3

/* The code pages we know (tag and attribute space alike). */
#define OMACP__WB_PAGE_WM 200u /* Windows Mobile 5+ (0xC8) */

/* The public id of PROV, given as a string-table entry (public id 0). */
#define OMACP__WB_PROV_PUBID "-//WAPFORUM//DTD PROV 1.0//EN"

#ifndef __OPTIMIZE_SIZE__
/* Speed builds: omacp__wbxml_tag_elem() as a table [page][c & 0x3F]. */
extern const uint8_t omacp__wbxml_tag_tab[3][64];
#endif

/* The element of tag token c (not a global one) on tag page index `page`
 * (0: page 0, 1: page 1, 2: page 200), or OMACP_ELEM_NONE. */
static inline unsigned omacp__wbxml_tag_elem(unsigned c, unsigned page)
{
#ifndef __OPTIMIZE_SIZE__
	return omacp__wbxml_tag_tab[page][c & 0x3F];
#else
	unsigned t = c & 0x3F;
	if (t - 0x20u <= 0x09u) /* Windows Mobile: pages 0, 200 */
		return page != 1 ? t - 0x20u + OMACP_ELEM_CHARACTERISTIC_QUERY : 0;
	/* wap-provisioningdoc: page 0; characteristic, parm: pages 0, 1 */
	if (t - 0x05u <= 0x02u && page < 2u - (t == 0x05))
		return t - 0x05u + OMACP_ELEM_DOC;
	return 0;
#endif
}

/* Code page index of a SWITCH_PAGE's page byte c: 0, 1, 2 (page 200), or 3
 * (not a page we know). */
static inline unsigned omacp__wbxml_page_index(unsigned c)
{
	return c <= 1 ? c : c == OMACP__WB_PAGE_WM ? 2u : 3u;
}

/* Code point cp (1..0x10FFFF, not a surrogate: the caller checks) as UTF-8
 * in b[i..4); returns i. */
static inline unsigned omacp__utf8_put(uint32_t cp, uint8_t b[4])
{
	unsigned i = 4, top = 0x3F; /* top: what still fits in the lead byte */
	if (cp >= 0x80) {
		do { /* continuation bytes, last first */
			b[--i] = (uint8_t)(0x80 | (cp & 0x3F));
			cp >>= 6;
			top >>= 1;
		} while (cp > top);
		cp |= 0xFFu & ~(top << 1 | 1); /* length marker 110, 1110 or 11110 */
	}
	b[--i] = (uint8_t)cp;
	return i;
}

/*
 * Token strings.  Every name, value prefix and value of the token tables is
 * one string, stored once: string k (1 <= k < OMACP__WB_NSTR) is
 * omacp__wbxml_str[omacp__wbxml_off[k] .. omacp__wbxml_off[k + 1]); string 0
 * is "" (an attribute-start token without a value prefix).  The strings are
 * sorted by length, then bytewise (the encoder searches them by halving).
 */
extern const char omacp__wbxml_str[];
extern const uint16_t omacp__wbxml_off[];

/* Token string k: its bytes, and its length in *len. */
static inline const uint8_t *omacp__wbxml_tstr(unsigned k, size_t *len)
{
	unsigned o = omacp__wbxml_off[k];
	*len = (size_t)(omacp__wbxml_off[k + 1] - o);
	return (const uint8_t *)omacp__wbxml_str + o;
}

/*
 * Attribute tokens.  omacp__wbxml_pg[pi] describes the attribute page with
 * index pi (0: page 0, 1: page 1, 2: page 200): { first start token, number
 * of start tokens, their base, first value token, number of value tokens,
 * their base }.  Start token t (first <= t < first + number) is entry
 * k = base + t - first of omacp__wbxml_start_name[] (the attribute name: a
 * string number, 0 when the token is unassigned) and of
 * omacp__wbxml_start_pref[] (the value prefix, 0 for none).  Value token t is
 * the string numbered omacp__wbxml_value[base + t - first] (0: unassigned).
 * The entries are stored in page order 0, 1, 200.
 */
extern const uint8_t omacp__wbxml_pg[3][6];
extern const uint8_t omacp__wbxml_start_name[], omacp__wbxml_start_pref[];
extern const uint8_t omacp__wbxml_value[];

/* String number of p[0..n) in the token strings, or 0 when absent (or n 0). */
unsigned omacp__wbxml_str_find(const uint8_t *p, size_t n);

/* Encoder lookups by string number (see omacp__wbxml_str_find); pages are
 * searched in the order 0, 1, 200, so a token present on several pages is
 * taken from the lowest (as libwbxml does).
 * start_tok: the attribute-start token with name string `name` and value
 * prefix string `pref` (0: a bare "name=" token); value_tok: the value token
 * of string `val`.  Both return the token and set *page, or return -1. */
int omacp__wbxml_start_tok(unsigned name, unsigned pref, unsigned *page);
int omacp__wbxml_value_tok(unsigned val, unsigned *page);

#ifndef __OPTIMIZE_SIZE__
/* Speed builds: token t of attribute page index pi (0: page 0, 1: page 1,
 * 2: page 200) as omacp__wbxml_tokx_pg[pi][t], its strings resolved.  An
 * attribute-start token (t < 0x80) has its name at omacp__wbxml_str + noff,
 * nlen bytes, and its value prefix at omacp__wbxml_str + poff, plen bytes
 * (plen 0: none); a value token (t >= 0x80) its value at noff, nlen bytes.
 * nlen is 0 for every token that is not one of that page's (global
 * tokens included). */
typedef struct omacp__wbxml_tokx {
	uint16_t noff, poff;
	uint8_t nlen, plen;
	uint8_t pnum; /* an attribute start's value prefix as a string number
	                 (wbxml_str.h; 0: none); 0 for every other token */
} omacp__wbxml_tokx;
extern const omacp__wbxml_tokx omacp__wbxml_tokx_pg[3][256];
#endif

/* Tag token and tag page of element e (0 when e has none). */
unsigned omacp__wbxml_tag_token(omacp_elem e, unsigned *page);

/*
 * Incremental UTF-8 check.  st[3] starts zeroed (need, low, high).
 * omacp__utf8_scan() checks p[0..n) and returns the number of bytes that are
 * valid, stopping at the first byte that is invalid or is a NUL (a NUL
 * outside a sequence, st[0] == 0, can be a terminator: the caller decides);
 * overlong forms, surrogates and values above U+10FFFF are invalid.  A run
 * is complete only when st[0] == 0.
 */
size_t omacp__utf8_scan(uint8_t st[3], const uint8_t *p, size_t n);

/* A machine word of 0x01 bytes, and one of 0x80 bytes: a word w holds only
 * bytes 0x01..0x7F when ((w - OMACP__ONES) | w) & OMACP__HIGHS is 0 (a
 * borrow only starts at a 0x00 byte). */
#define OMACP__ONES ((size_t)-1 / 0xFF)
#define OMACP__HIGHS (OMACP__ONES * 0x80)

#ifndef __OPTIMIZE_SIZE__
/* Speed builds: the length of the run of bytes 0x01..0x7F (ASCII without
 * NUL) that starts p[0..n), a machine word at a time. */
static inline size_t omacp__ascii_run(const uint8_t *p, size_t n)
{
	size_t i = 0, w;
	while (n - i >= sizeof w) {
		memcpy(&w, p + i, sizeof w);
		w = ((w - OMACP__ONES) | w) & OMACP__HIGHS;
		if (w) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* the lowest flagged byte is the first NUL or non-ASCII
			 * one (a borrow only goes upwards) */
			return i + ((size_t)__builtin_ctzll((unsigned long long)w) >> 3);
#else
			break;
#endif
		}
		i += sizeof w;
	}
	while (i < n && (uint8_t)(p[i] - 1u) < 0x7Fu)
		i++;
	return i;
}

/* Speed builds: 1 when p[0..n) holds no byte above 0x7F (then every
 * NUL-terminated string in it is valid UTF-8 without NUL). */
static inline uint8_t omacp__ascii_only(const uint8_t *p, size_t n)
{
	size_t i = 0, w, any = 0;
	for (; n - i >= sizeof w; i += sizeof w) {
		memcpy(&w, p + i, sizeof w);
		any |= w;
	}
	for (; i < n; i++)
		any |= p[i];
	return !(any & OMACP__HIGHS);
}
#endif

/* 1 when p[0..n) is complete valid UTF-8 without NUL, else 0. */
int omacp__utf8_ok(const uint8_t *p, size_t n);

#endif
