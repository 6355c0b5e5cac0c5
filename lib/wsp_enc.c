/*
 * wsp_enc.c - build a WSP connectionless Push PDU.
 *
 * Signed:   TID 06 <uintvar hlen> <value-length> <media> 91 8s 92 <MAC> 00
 *           [headers] <body>     (Kannel's layout: value-length 45 = 1F 2D)
 * Unsigned: TID 06 <uintvar hlen> <media> [headers] <body>
 */
#include <string.h>
#include "omacp/push.h"

#define PARAM_SEC 0x91u
#define PARAM_MAC 0x92u
#define HDR_APP_ID 0xAFu
#define HDR_INITIATOR 0xB1u
#define HDR_PUSH_FLAG 0xB4u

void omacp_push_params_init(omacp_push_params *p)
{
	if (!p)
		return;
	memset(p, 0, sizeof *p);
	p->tid = 1;
	p->content_type_code = (int)OMACP_CT_CONNECTIVITY_WBXML;
	p->sec = -1;
	p->app_id_code = -1;
}

/* A bounded writer: counts every byte, stores those that fit. */
typedef struct wr {
	uint8_t *p;
	size_t cap, len;
} wr;

static void put(wr *w, uint8_t b)
{
	if (w->p && w->len < w->cap)
		w->p[w->len] = b;
	w->len++;
}

static void put_bytes(wr *w, const uint8_t *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		put(w, s[i]);
}

static size_t uintvar_len(uint32_t v)
{
	size_t k = 1;
	while (v >= 0x80u) {
		v >>= 7;
		k++;
	}
	return k;
}

static void put_uintvar(wr *w, uint32_t v)
{
	size_t k = uintvar_len(v);
	while (k-- > 0) {
		uint8_t b = (uint8_t)((v >> (7u * k)) & 0x7Fu);
		put(w, k ? (uint8_t)(b | 0x80u) : b);
	}
}

/* Integer-value: Short-integer below 128, else the shortest Long-integer. */
static void put_integer(wr *w, uint32_t v)
{
	uint8_t n = 1;
	if (v < 0x80u) {
		put(w, (uint8_t)(0x80u | v));
		return;
	}
	while (n < 4u && (v >> (8u * n)) != 0)
		n++;
	put(w, n);
	while (n-- > 0)
		put(w, (uint8_t)(v >> (8u * n)));
}

static size_t integer_len(uint32_t v)
{
	size_t n = 1;
	if (v < 0x80u)
		return 1;
	while (n < 4u && (v >> (8u * n)) != 0)
		n++;
	return 1u + n;
}

/* Text-string: 0x7F quote when the first octet is >= 0x80, then the NUL. */
static void put_text(wr *w, const char *s)
{
	size_t n = strlen(s);
	if (n && (uint8_t)s[0] >= 0x80u)
		put(w, 0x7F);
	put_bytes(w, (const uint8_t *)s, n);
	put(w, 0);
}

static int is_hex40(const char *s)
{
	size_t i;
	for (i = 0; i < 40u; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F')))
			return 0;
	}
	return s[40] == 0;
}

/* Content type value plus headers (everything HeadersLen counts). */
static void put_headers(wr *w, const omacp_push_params *p, uint32_t ct)
{
	if (p->sec >= 0) {
		/* media, SEC (2), MAC code, 40 hex digits, NUL */
		size_t vlen = integer_len(ct) + 2u + 1u + 40u + 1u;
		if (vlen <= 30u) {
			put(w, (uint8_t)vlen);
		} else {
			put(w, 0x1F);
			put_uintvar(w, (uint32_t)vlen);
		}
		put_integer(w, ct);
		put(w, PARAM_SEC);
		put(w, (uint8_t)(0x80u | (unsigned)p->sec));
		put(w, PARAM_MAC);
		put_bytes(w, (const uint8_t *)p->mac, 40);
		put(w, 0);
	} else {
		put_integer(w, ct);
	}
	if (p->app_id_code >= 0) {
		put(w, HDR_APP_ID);
		put_integer(w, (uint32_t)p->app_id_code);
	} else if (p->app_id_uri) {
		put(w, HDR_APP_ID);
		put_text(w, p->app_id_uri);
	}
	if (p->initiator) {
		put(w, HDR_INITIATOR);
		put_text(w, p->initiator);
	}
	if (p->push_flag > 0) {
		put(w, HDR_PUSH_FLAG);
		put(w, (uint8_t)(0x80u | (unsigned)p->push_flag));
	}
}

omacp_err omacp_push_encode(const omacp_push_params *p, const uint8_t *body,
                            size_t n, uint8_t *out, size_t cap, size_t *len)
{
	wr w;
	size_t hlen;
	uint32_t ct;

	if (len)
		*len = 0;
	if (!p || !len || (!body && n) || (!out && cap))
		return OMACP_E_ARG;
	if (p->sec < -1 || p->sec > 3 || p->push_flag > 127 ||
	    p->content_type_code < 0)
		return OMACP_E_ARG;
	if (p->sec >= 0 && (!p->mac || !is_hex40(p->mac)))
		return OMACP_E_ARG;
	if (p->app_id_code < 0 && p->app_id_uri &&
	    (uint8_t)p->app_id_uri[0] < 0x20u)
		return OMACP_E_ARG; /* empty, or not text: would not decode */
	ct = p->content_type_code ? (uint32_t)p->content_type_code
	                          : OMACP_CT_CONNECTIVITY_WBXML;
	/* first pass: the headers length */
	w.p = NULL;
	w.cap = 0;
	w.len = 0;
	put_headers(&w, p, ct);
	hlen = w.len;
	if (hlen > 0xFFFFFFFFu)
		return OMACP_E_ARG;
	/* second pass: the PDU */
	w.p = out;
	w.cap = cap;
	w.len = 0;
	put(&w, p->tid ? p->tid : 1u);
	put(&w, 0x06);
	put_uintvar(&w, (uint32_t)hlen);
	put_headers(&w, p, ct);
	if (w.len > cap || n > cap - w.len) {
		*len = w.len + n;
		return OMACP_E_NOMEM;
	}
	if (n)
		memcpy(out + w.len, body, n);
	*len = w.len + n;
	return OMACP_OK;
}
