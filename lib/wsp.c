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

typedef struct cur {
	const uint8_t *p, *end;
} cur;

static size_t left(const cur *c)
{
	return (size_t)(c->end - c->p);
}

/* Uintvar: at most 5 octets, value within 32 bits. */
static omacp_err get_uintvar(cur *c, uint32_t *v)
{
	uint32_t acc = 0;
	unsigned k;
	for (k = 0; k < 5u; k++) {
		uint8_t b;
		if (c->p >= c->end)
			return OMACP_E_WSP;
		b = *c->p++;
		if (acc > 0x01FFFFFFu)
			return OMACP_E_WSP; /* would not fit in 32 bits */
		acc = acc << 7 | (b & 0x7Fu);
		if (!(b & 0x80u)) {
			*v = acc;
			return OMACP_OK;
		}
	}
	return OMACP_E_WSP; /* more than 5 octets */
}

/* Value-length: 0..30, or 31 (length quote) + uintvar.  The length must fit
 * in the cursor; *v receives the sub-block it covers and c moves past it. */
static omacp_err get_value_block(cur *c, cur *v)
{
	uint32_t len;
	uint8_t b;
	if (c->p >= c->end)
		return OMACP_E_WSP;
	b = *c->p;
	if (b < 31u) {
		c->p++;
		len = b;
	} else if (b == 31u) {
		omacp_err e;
		c->p++;
		e = get_uintvar(c, &len);
		if (e != OMACP_OK)
			return e;
	} else {
		return OMACP_E_WSP;
	}
	if (len > left(c))
		return OMACP_E_WSP;
	v->p = c->p;
	v->end = c->p + len;
	c->p = v->end;
	return OMACP_OK;
}

/* A NUL-terminated string: *s gets its characters (without the NUL). */
static omacp_err get_cstring(cur *c, omacp_slice *s)
{
	const uint8_t *z;
	if (c->p >= c->end)
		return OMACP_E_WSP;
	z = memchr(c->p, 0, left(c));
	if (!z)
		return OMACP_E_WSP;
	s->ptr = c->p;
	s->len = (size_t)(z - c->p);
	c->p = z + 1;
	return OMACP_OK;
}

/* Text-string: optional 0x7F quote, characters, NUL. */
static omacp_err get_text(cur *c, omacp_slice *s)
{
	if (c->p < c->end && *c->p == 0x7Fu)
		c->p++;
	return get_cstring(c, s);
}

/* Text-value: No-value (a lone NUL), Token-text, or Quoted-string (0x22). */
static omacp_err get_text_value(cur *c, omacp_slice *s)
{
	if (c->p < c->end && *c->p == 0x22u)
		c->p++;
	return get_text(c, s);
}

/* Integer-value: Short-integer, or Long-integer (1..30 octets; only values
 * that fit in 32 bits are accepted). */
static omacp_err get_integer(cur *c, uint32_t *v)
{
	uint8_t b;
	size_t len, k;
	uint32_t acc = 0;
	if (c->p >= c->end)
		return OMACP_E_WSP;
	b = *c->p;
	if (b & 0x80u) {
		c->p++;
		*v = b & 0x7Fu;
		return OMACP_OK;
	}
	if (b == 0 || b > 30u)
		return OMACP_E_WSP;
	len = b;
	if (len + 1u > left(c))
		return OMACP_E_WSP;
	c->p++;
	for (k = 0; k < len; k++) {
		if (acc > 0x00FFFFFFu)
			return OMACP_E_WSP;
		acc = acc << 8 | *c->p++;
	}
	*v = acc;
	return OMACP_OK;
}

/* Skip one value of unknown type by its generic WSP encoding:
 * 0..30 short length + data, 31 length quote + uintvar + data,
 * 32..127 text up to and with its NUL, 128..255 a single octet. */
static omacp_err skip_value(cur *c)
{
	uint8_t b;
	if (c->p >= c->end)
		return OMACP_E_WSP;
	b = *c->p;
	if (b <= 31u) {
		cur v;
		return get_value_block(c, &v);
	}
	if (b < 0x80u) {
		omacp_slice s;
		return get_cstring(c, &s);
	}
	c->p++;
	return OMACP_OK;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/* 1 when the slice equals the NUL-terminated ASCII word, ignoring case. */
static int eq_nocase(omacp_slice s, const char *w)
{
	size_t i;
	for (i = 0; i < s.len; i++)
		if (!w[i] || lower(s.ptr[i]) != lower((unsigned char)w[i]))
			return 0;
	return w[s.len] == 0;
}

/* Index of the word equal to s (ignoring case) in `words` (each word
 * NUL-terminated, the list ended by an empty word), or -1. */
static int word_index(omacp_slice s, const char *words)
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

/* One untyped parameter: Token-text name, then Integer-value or Text-value.
 * SEC: an integer 0..3, or text "0".."3" or a method name; MAC: text. */
static omacp_err untyped_param(cur *c, omacp_push *out)
{
	omacp_slice name, text;
	omacp_err e;
	uint32_t num;
	int is_int, w;

	e = get_cstring(c, &name);
	if (e != OMACP_OK)
		return e;
	if (c->p >= c->end)
		return OMACP_E_WSP;
	is_int = (*c->p & 0x80u) || (*c->p >= 1u && *c->p <= 30u);
	e = is_int ? get_integer(c, &num) : get_text_value(c, &text);
	if (e != OMACP_OK)
		return e;
	w = word_index(name, "SEC\0MAC\0");
	if (w == 0) {
		if (!is_int) {
			if (text.len == 1 && text.ptr[0] >= '0' && text.ptr[0] <= '3')
				num = text.ptr[0] - 0x30u;
			else
				num = (uint32_t)word_index(text, "NETWPIN\0USERPIN\0USERNETWPIN\0USERPINMAC\0");
		}
		if (num > 3u)
			return OMACP_E_WSP;
		out->sec = (int)num;
	} else if (w == 1) {
		if (is_int)
			return OMACP_E_WSP;
		out->has_mac = 1;
		out->mac = text;
	}
	return OMACP_OK;
}

/* The parameters of a general-form content type, up to the end of c. */
static omacp_err ct_params(cur *c, omacp_push *out)
{
	while (c->p < c->end) {
		uint8_t b = *c->p;
		uint32_t code;
		omacp_err e;
		if (b >= 0x20u && b < 0x80u) {
			e = untyped_param(c, out);
			if (e != OMACP_OK)
				return e;
			continue;
		}
		/* Typed: Well-known-parameter-token = Integer-value */
		e = get_integer(c, &code);
		if (e != OMACP_OK)
			return e;
		if (code == PARAM_SEC) {
			if (c->p >= c->end || !(*c->p & 0x80u) ||
			    (*c->p & 0x7Fu) > 3u)
				return OMACP_E_WSP;
			out->sec = *c->p++ & 0x7F;
		} else if (code == PARAM_MAC) {
			e = get_text_value(c, &out->mac);
			if (e != OMACP_OK)
				return e;
			out->has_mac = 1;
		} else if (code == PARAM_Q) {
			uint32_t q;
			e = get_uintvar(c, &q);
		} else {
			e = skip_value(c); /* charset and every other parameter */
		}
		if (e != OMACP_OK)
			return e;
	}
	return OMACP_OK;
}

/* Media type: Short-integer, Long-integer, or text. */
static omacp_err media_type(cur *c, omacp_push *out)
{
	uint8_t b;
	if (c->p >= c->end)
		return OMACP_E_WSP;
	b = *c->p;
	if (b >= 0x20u && b < 0x80u) {
		out->content_type_code = -1;
		return get_text(c, &out->content_type);
	} else {
		uint32_t v;
		omacp_err e = get_integer(c, &v);
		if (e != OMACP_OK)
			return e;
		if (v > 0x7FFFFFFFu)
			return OMACP_E_WSP;
		out->content_type_code = (int)v;
		return OMACP_OK;
	}
}

static omacp_err content_type(cur *h, omacp_push *out)
{
	uint8_t b;
	if (h->p >= h->end)
		return OMACP_E_WSP;
	b = *h->p;
	if (b & 0x80u) { /* constrained: short integer */
		h->p++;
		out->content_type_code = b & 0x7F;
		return OMACP_OK;
	}
	if (b >= 0x20u) { /* constrained: extension media */
		out->content_type_code = -1;
		return get_cstring(h, &out->content_type);
	} else { /* general form */
		cur g;
		omacp_err e = get_value_block(h, &g);
		if (e != OMACP_OK)
			return e;
		e = media_type(&g, out);
		if (e != OMACP_OK)
			return e;
		return ct_params(&g, out);
	}
}

static omacp_err one_header(cur *h, omacp_push *out, unsigned *page)
{
	uint8_t b = *h->p;
	omacp_err e;
	uint32_t v;

	if (b == 0x7Fu) { /* shift delimiter + page identity */
		if (left(h) < 2u)
			return OMACP_E_WSP;
		*page = h->p[1];
		h->p += 2;
		return OMACP_OK;
	}
	if (b >= 1u && b <= 31u) { /* short-cut shift */
		*page = b;
		h->p++;
		return OMACP_OK;
	}
	if (b == 0)
		return OMACP_E_WSP;
	if (b < 0x80u) { /* application header: token-text, text-string */
		omacp_slice s;
		e = get_cstring(h, &s);
		if (e != OMACP_OK)
			return e;
		return get_text(h, &s);
	}
	h->p++;
	if (*page != 1u)
		return skip_value(h);
	switch (b & 0x7Fu) {
	case HDR_APP_ID:
		if (h->p >= h->end)
			return OMACP_E_WSP;
		out->has_app_id = 1;
		if (*h->p >= 0x20u && *h->p < 0x80u) {
			out->app_id_code = -1;
			return get_text(h, &out->app_id_uri);
		}
		e = get_integer(h, &v);
		if (e != OMACP_OK)
			return e;
		if (v > 0x7FFFFFFFu)
			return OMACP_E_WSP;
		out->app_id_code = (int)v;
		return OMACP_OK;
	case HDR_INITIATOR:
		e = get_text(h, &out->initiator);
		if (e == OMACP_OK)
			out->has_initiator = 1;
		return e;
	case HDR_PUSH_FLAG:
		if (h->p >= h->end || !(*h->p & 0x80u))
			return OMACP_E_WSP;
		out->push_flag = *h->p++ & 0x7F;
		return OMACP_OK;
	case HDR_CONTENT_LENGTH:
		e = get_integer(h, &v);
		if (e != OMACP_OK)
			return e;
		out->has_content_length = 1;
		out->content_length = v;
		return OMACP_OK;
	default:
		return skip_value(h);
	}
}

omacp_err omacp_push_decode(const uint8_t *pdu, size_t n, omacp_push *out)
{
	cur c, h;
	uint32_t hlen;
	omacp_err e;
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
	e = get_uintvar(&c, &hlen);
	if (e != OMACP_OK)
		return e;
	if (hlen == 0 || hlen > left(&c))
		return OMACP_E_WSP;
	h.p = c.p;
	h.end = c.p + hlen;
	out->headers.ptr = h.p;
	out->headers.len = hlen;
	e = content_type(&h, out);
	if (e != OMACP_OK)
		return e;
	while (h.p < h.end) {
		e = one_header(&h, out, &page);
		if (e != OMACP_OK)
			return e;
	}
	out->body.ptr = h.end;
	out->body.len = (size_t)(c.end - h.end);
	return OMACP_OK;
}

int omacp_push_is_provisioning(const omacp_push *p)
{
	if (!p)
		return 0;
	if (p->content_type_code >= 0)
		return p->content_type_code == (int)OMACP_CT_CONNECTIVITY_XML ||
		       p->content_type_code == (int)OMACP_CT_CONNECTIVITY_WBXML;
	return word_index(p->content_type, "application/vnd.wap.connectivity-wbxml\0"
	                  "text/vnd.wap.connectivity-xml\0") >= 0;
}
