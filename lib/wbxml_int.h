/* Internal interface of the WBXML layer: token tables and UTF-8 checks shared
 * by the decoder (wbxml_dec.c) and the encoder (wbxml_enc.c). */
#ifndef OMACP_WBXML_INT_H
#define OMACP_WBXML_INT_H

#include <stddef.h>
#include <stdint.h>
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

/* Element of tag token `tok` (low 6 bits) on tag page `page`, or
 * OMACP_ELEM_NONE. */
omacp_elem omacp__wbxml_tag(unsigned page, unsigned tok);

/* Tag token and tag page of element e (0 when e has none). */
unsigned omacp__wbxml_tag_token(omacp_elem e, unsigned *page);

/* Attribute-start token on attribute page `page`: a static string
 * "name=prefix" (the attribute name, '=', the value prefix, possibly empty),
 * or NULL for an unknown token. */
const char *omacp__wbxml_attr_start(unsigned page, unsigned tok);

/* Attribute-value token (>= 0x85) on page `page`: static string or NULL. */
const char *omacp__wbxml_attr_value(unsigned page, unsigned tok);

/* Encoder lookups; pages are searched in the order 0, 1, 200, so a token
 * present on several pages is taken from the lowest (as libwbxml does).
 * find_start: the attribute-start token whose name is n[0..nl) and whose
 * prefix is exactly v[0..vl) (vl 0 = a bare "name=" token).
 * find_value: the value token for the whole string v[0..vl).
 * Both return the token and set *page, or return -1. */
int omacp__wbxml_find_start(const uint8_t *n, size_t nl, const uint8_t *v,
                            size_t vl, unsigned *page);
int omacp__wbxml_find_value(const uint8_t *v, size_t vl, unsigned *page);

/* Incremental UTF-8 check.  st[3] starts zeroed; feed one byte at a time.
 * Returns 0 while valid, -1 at the first invalid byte (overlong forms,
 * surrogates, > U+10FFFF and NUL are invalid).  The run is complete only when
 * st[0] == 0. */
int omacp__utf8_step(uint8_t st[3], uint8_t c);

/* 1 when p[0..n) is complete valid UTF-8 without NUL, else 0. */
int omacp__utf8_ok(const uint8_t *p, size_t n);

#endif
