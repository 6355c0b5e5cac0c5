/*
 * wsp.c - decode a WSP connectionless Push PDU (WAP-230 section 8): TID,
 * PDU type, headers length, content type with its SEC / MAC parameters, the
 * push headers, and the body.
 *
 * Every read goes through a cursor {p, end}; every length from the wire is
 * checked against `end` before it is used, and `end` is always the end of
 * the innermost block (content-type value, headers block), so nothing is
 * ever read past the headers length the PDU announced.
 */
#include <string.h>
#include "omacp/push.h"

/* Well-known parameter codes (WSP Assigned Numbers, Table 38). */
#define PARAM_Q 0x00u
#define PARAM_SEC 0x11u
#define PARAM_MAC 0x12u

/* Well-known header codes (Table 39). */
#define HDR_CONTENT_LENGTH 0x0Du
#define HDR_APP_ID 0x2Fu
#define HDR_INITIATOR 0x31u
#define HDR_PUSH_FLAG 0x34u

/* The cursor: bytes p..end, and a sticky error.  A failed read sets bad
 * (to end: one register stored twice is smaller than a flag), moves p to
 * end and returns 0, so the parse runs on without a check after every
 * call; the caller tests bad once.  end is narrowed to the innermost block
 * (headers, content-type value) and restored after it. */
typedef struct cur {
	const uint8_t *p, *end;
	const uint8_t *bad; /* NULL, or the end of the block a read failed in */
} cur;

static size_t left(const cur *c)
{
	return (size_t)(c->end - c->p);
}

static unsigned fail(cur *c)
{
	c->p = c->bad = c->end;
	return 0;
}

/* The next octet without taking it; 0 at the end (every caller then reads
 * it and fails). */
static unsigned peek(const cur *c)
{
	return c->p < c->end ? *c->p : 0u;
}

static unsigned byte(cur *c)
{
	return c->p < c->end ? *c->p++ : fail(c);
}

/* Uintvar: at most 5 octets, value within 32 bits. */
static uint32_t uintvar(cur *c)
{
	uint32_t acc = 0;
	unsigned k, b;
	for (k = 0; k < 5u && !(acc >> 25); k++) {
		b = byte(c);
		acc = acc << 7 | (b & 0x7Fu);
		if (!(b & 0x80u))
			return acc;
	}
	return fail(c); /* more than 5 octets, or over 32 bits */
}

/* Value-length (the caller has seen a first octet 0..31): 0..30, or 31
 * (length quote) + uintvar; the length must fit in what is left. */
static size_t value_len(cur *c)
{
	uint32_t len = byte(c);
	if (len == 31u)
		len = uintvar(c);
	return len <= left(c) ? len : fail(c);
}

/* Integer-value: Short-integer, or Long-integer of 1..max octets (max 30;
 * only values that fit in 32 bits are accepted).  max 0: a Short-integer
 * only (SEC, Push-Flag). */
static uint32_t integer(cur *c, unsigned max)
{
	unsigned b = byte(c);
	uint32_t acc = 0;
	const uint8_t *p = c->p;
	if (b > 0x7Fu)
		return b - 0x80u;
	if (b - 1u >= max || b > left(c))
		return fail(c);
	for (c->p += b; p < c->p; p++) {
		if (acc >> 24)
			return fail(c);
		acc = acc << 8 | *p;
	}
	return acc;
}

/* Quote octets string() drops, tried from the lowest byte up. */
#define Q_7F 0x7Fu         /* Text-string: a leading 0x7F quote */
#define Q_QUOTE_7F 0x7F22u /* Text-value: 0x22, then 0x7F */

/* A NUL-terminated string after the optional quotes in `q`: *s gets its
 * characters (without the NUL). */
static void string(cur *c, omacp_slice *s, unsigned q)
{
	const uint8_t *p = c->p, *z;
	for (; q && p < c->end; q >>= 8)
		if (*p == (q & 0xFFu))
			p++;
	z = memchr(p, 0, (size_t)(c->end - p));
	s->ptr = p;
	s->len = 0;
	if (!z) {
		fail(c);
		return;
	}
	s->len = (size_t)(z - p);
	c->p = z + 1;
}

/* Skip one value of unknown type by its generic WSP encoding:
 * 0..30 short length + data, 31 length quote + uintvar + data,
 * 32..127 text up to and with its NUL, 128..255 a single octet. */
static void skip(cur *c)
{
	omacp_slice s;
	unsigned b = peek(c);
	if (b < 0x20u)
		c->p += value_len(c);
	else if (b < 0x80u)
		string(c, &s, 0);
	else
		c->p++;
}

/* Text-string (first octet 32..127), else Integer-value up to 2^31 - 1:
 * the media type of a general-form content type, the application id. */
static void int_or_text(cur *c, int *code, omacp_slice *s)
{
	uint32_t v;
	if (peek(c) - 0x20u < 0x60u) {
		*code = -1;
		string(c, s, Q_7F);
		return;
	}
	v = integer(c, 30);
	*code = (int)(v > 0x7FFFFFFFu ? fail(c) : v);
}

/* 1 when the slice equals the NUL-terminated lowercase ASCII word,
 * ignoring the case of the slice. */
static int eq_nocase(const omacp_slice *s, const char *w)
{
	size_t i;
	for (i = 0; i < s->len; i++) {
		unsigned ch = s->ptr[i];
		if (ch - 'A' < 26u)
			ch += 'a' - 'A';
		if (!w[i] || ch != (unsigned char)w[i])
			return 0;
	}
	return w[s->len] == 0;
}

/* Index of the word equal to s (ignoring case) in `words` (each word
 * lowercase, NUL-terminated, the list ended by an empty word), or -1. */
static int word_index(const omacp_slice *s, const char *words)
{
	int i;
	for (i = 0; *words; i++) {
		if (eq_nocase(s, words))
			return i;
		while (*words++)
			;
	}
	return -1;
}

/* One content-type parameter.  Typed: Well-known-parameter-token (an
 * Integer-value), then SEC a Short-integer, MAC a Text-value, Q a uintvar,
 * any other skipped by its encoding.  Untyped: Token-text name, then an
 * Integer-value or a Text-value; SEC is an integer 0..3 or text "0".."3" or
 * a method name, MAC text, any other name ignored. */
static void param(cur *c, omacp_push *out)
{
	omacp_slice t;
	uint32_t id, num = 0;
	unsigned b = peek(c);
	int is_int = 1;

	if (b - 0x20u < 0x60u) {
		string(c, &t, 0);
		/* SEC -> PARAM_SEC, MAC -> PARAM_MAC, other -> 0x10 (no code) */
		id = (uint32_t)(word_index(&t, "sec\0mac\0") + (int)PARAM_SEC);
		b = peek(c);
		if (b > 0x7Fu || b - 1u < 30u)
			num = integer(c, 30);
		else
			is_int = 0;
	} else {
		id = integer(c, 30);
		if (id == PARAM_SEC)
			num = integer(c, 0);
		else if (id == PARAM_MAC)
			is_int = 0;
		else if (id == PARAM_Q)
			uintvar(c);
		else
			skip(c); /* charset and every other parameter */
	}
	if (!is_int)
		string(c, &t, Q_QUOTE_7F);
	if (id == PARAM_SEC) {
		if (!is_int) { /* "0".."3", or the method names in SEC order */
			int w = word_index(&t, "0\0" "1\0" "2\0" "3\0" "netwpin\0"
			                   "userpin\0" "usernetwpin\0" "userpinmac\0");
			num = (unsigned)w;
			if (num > 3u)
				num -= 4u; /* a name; -1 stays above 3 */
		}
		if (num > 3u)
			fail(c);
		out->sec = (int)num;
	} else if (id == PARAM_MAC) {
		if (is_int)
			fail(c);
		out->has_mac = 1;
		out->mac = t;
	}
}

/* Content type: constrained (Short-integer, or extension-media text taken
 * as it is) or general form (Value-length, media type, parameters). */
static void content_type(cur *c, omacp_push *out)
{
	unsigned b = *c->p; /* headers length >= 1 */
	if (b < 0x20u) {
		const uint8_t *outer = c->end;
		size_t len = value_len(c);
		c->end = c->p + len;
		int_or_text(c, &out->content_type_code, &out->content_type);
		while (c->p < c->end)
			param(c, out);
		c->end = outer;
	} else if (b < 0x80u) {
		string(c, &out->content_type, 0);
	} else {
		c->p++;
		out->content_type_code = (int)(b - 0x80u);
	}
}

/* One header: a page shift, an application header (token-text, then a
 * text-string), or a well-known header of the current page.  On page 1:
 * X-Wap-Application-Id, X-Wap-Initiator-URI, Push-Flag, Content-Length are
 * kept; every other value is skipped by its encoding. */
static void header(cur *c, omacp_push *out, unsigned *page)
{
	omacp_slice s;
	unsigned b = *c->p++; /* the caller has checked p < end */

	if (b == 0x7Fu) { /* shift delimiter + page identity */
		*page = byte(c);
	} else if (b < 0x20u) { /* short-cut shift; 0 is no header at all */
		*page = b ? b : fail(c);
	} else if (b < 0x80u) {
		c->p--;
		string(c, &s, 0);
		string(c, &s, Q_7F);
	} else if (*page != 1u) {
		skip(c);
	} else {
		switch (b - 0x80u) {
		case HDR_APP_ID:
			out->has_app_id = 1;
			int_or_text(c, &out->app_id_code, &out->app_id_uri);
			break;
		case HDR_INITIATOR:
			out->has_initiator = 1;
			string(c, &out->initiator, Q_7F);
			break;
		case HDR_PUSH_FLAG:
			out->push_flag = (int)integer(c, 0);
			break;
		case HDR_CONTENT_LENGTH:
			out->has_content_length = 1;
			out->content_length = integer(c, 30);
			break;
		default:
			skip(c);
		}
	}
}

omacp_err omacp_push_decode(const uint8_t *pdu, size_t n, omacp_push *out)
{
	cur c;
	uint32_t hlen;
	unsigned page = 1;

	if (!out)
		return OMACP_E_ARG;
	memset(out, 0, sizeof *out);
	out->content_type_code = -1;
	out->sec = -1;
	out->app_id_code = -1;
	out->push_flag = -1;
	if (!pdu)
		return OMACP_E_ARG;
	if (n < 2u)
		return OMACP_E_WSP;
	out->tid = pdu[0];
	out->pdu_type = pdu[1];
	if (pdu[1] != 0x06u && pdu[1] != 0x07u)
		return OMACP_E_WSP_PDU_TYPE;
	c.p = pdu + 2;
	c.end = pdu + n;
	c.bad = NULL;
	hlen = uintvar(&c);
	if ((size_t)hlen - 1u >= left(&c)) /* 0, past the end, or bad (left 0) */
		return OMACP_E_WSP;
	c.end = c.p + hlen;
	out->headers.ptr = c.p;
	out->headers.len = hlen;
	content_type(&c, out);
	while (c.p < c.end && !c.bad)
		header(&c, out, &page);
	if (c.bad)
		return OMACP_E_WSP;
	out->body.ptr = c.end;
	out->body.len = (size_t)(pdu + n - c.end);
	return OMACP_OK;
}

int omacp_push_is_provisioning(const omacp_push *p)
{
	if (!p)
		return 0;
	if (p->content_type_code >= 0)
		return p->content_type_code == (int)OMACP_CT_CONNECTIVITY_XML ||
		       p->content_type_code == (int)OMACP_CT_CONNECTIVITY_WBXML;
	return word_index(&p->content_type, "application/vnd.wap.connectivity-wbxml\0"
	                  "text/vnd.wap.connectivity-xml\0") >= 0;
}
