/*
 * PROV WBXML encoder: events -> WBXML 1.3, public id 0x0B, UTF-8.
 *
 * Token choice (compatible with libwbxml's output where libwbxml has no known
 * fault): the attribute-start token that stands for the whole attribute
 * (name="NAPID" -> 0x11); else the bare start token (`name=`, `value=`,
 * `type=`, `version=`, `datatype=`, ...) followed by the value token when the
 * whole value equals a table entry, else by an inline string (or a STR_T
 * reference in string-table mode).  Tokens present on several code pages are
 * taken from the lowest page; `00 <page>` is written only when the page
 * changes.  An empty value is written as STR_I "" (`03 00`), not as a bare
 * start token.  An attribute name without a token is written as LITERAL,
 * which needs the string table (OMACP_WBXML_ENC_STRTBL); without it that is
 * OMACP_E_UNSUPPORTED.
 *
 * The content bit (0x40) of a tag is only known when its first child or its
 * END arrives: the tag byte is patched in the output then.
 *
 * String-table mode keeps, in the workspace, one record per distinct inline
 * string: [u32 length][u32 aux][bytes].  In pass 1, aux counts the uses (bit
 * 31: a LITERAL name, always tabled); from the rewind on, aux is the table
 * offset, or NOT_TABLED.
 */
#include <string.h>
#include "omacp/wbxml.h"
#include "wbxml_int.h"

#define MUST_TABLE 0x80000000u
#define NOT_TABLED 0xFFFFFFFFu
#define REC_HDR 8u

void omacp_wbxml_encoder_init(omacp_wbxml_encoder *e, uint8_t *out, size_t cap,
                              uint8_t *work, size_t work_len, unsigned flags)
{
	memset(e, 0, sizeof *e);
	e->out_ = out;
	e->cap_ = out ? cap : 0;
	e->work_ = work;
	e->work_len_ = work ? work_len : 0;
	e->flags_ = flags;
	e->pass_ = (flags & OMACP_WBXML_ENC_STRTBL) ? 1 : 0;
}

static void fail(omacp_wbxml_encoder *e, omacp_err err)
{
	if (e->err_ == OMACP_OK)
		e->err_ = err;
}

/* ------------------------------------------------------------- output */

static void out_bytes(omacp_wbxml_encoder *e, const uint8_t *p, size_t n)
{
	if (e->err_ || e->pass_ == 1)
		return;
	if (n > e->cap_ - e->len_) {
		fail(e, OMACP_E_NOMEM);
		return;
	}
	if (n)
		memcpy(e->out_ + e->len_, p, n);
	e->len_ += n;
}

static void out_byte(omacp_wbxml_encoder *e, unsigned b)
{
	uint8_t c = (uint8_t)b;
	out_bytes(e, &c, 1);
}

static size_t mb_len(uint32_t v)
{
	size_t n = 1;
	while (v >>= 7)
		n++;
	return n;
}

static void out_mb(omacp_wbxml_encoder *e, uint32_t v)
{
	uint8_t b[5];
	size_t n = mb_len(v), i;
	for (i = n; i-- > 0; v >>= 7)
		b[i] = (uint8_t)((v & 0x7F) | (i + 1 < n ? 0x80 : 0));
	out_bytes(e, b, n);
}

static void attr_page(omacp_wbxml_encoder *e, unsigned page)
{
	if (e->attr_page_ != page) {
		out_byte(e, OMACP__WB_SWITCH_PAGE);
		out_byte(e, page);
		e->attr_page_ = (uint8_t)page;
	}
}

/* ------------------------------------------------------ string records */

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The record holding s[0..n), or NULL. */
static uint8_t *rec_find(omacp_wbxml_encoder *e, const uint8_t *s, size_t n)
{
	size_t at = 0;
	while (at < e->work_used_) {
		uint8_t *r = e->work_ + at;
		uint32_t len = rd32(r);
		if (len == n && memcmp(r + REC_HDR, s, n) == 0)
			return r;
		at += REC_HDR + len;
	}
	return NULL;
}

static void rec_add(omacp_wbxml_encoder *e, const uint8_t *s, size_t n, int must)
{
	uint8_t *r = rec_find(e, s, n);
	uint32_t aux;
	if (!r) {
		if (n > 0xFFFFFFu || REC_HDR + n > e->work_len_ - e->work_used_) {
			fail(e, OMACP_E_NOMEM);
			return;
		}
		r = e->work_ + e->work_used_;
		wr32(r, (uint32_t)n);
		wr32(r + 4, 0);
		memcpy(r + REC_HDR, s, n);
		e->work_used_ += REC_HDR + n;
	}
	aux = rd32(r + 4);
	if (must)
		aux |= MUST_TABLE;
	else if ((aux & ~MUST_TABLE) < 0xFFFFFFu)
		aux++;
	wr32(r + 4, aux);
}

/* An attribute value string (not empty). */
static void out_string(omacp_wbxml_encoder *e, const uint8_t *s, size_t n)
{
	if (e->pass_ == 1) {
		rec_add(e, s, n, 0);
		return;
	}
	if (e->pass_ == 2) {
		const uint8_t *r = rec_find(e, s, n);
		if (r && rd32(r + 4) != NOT_TABLED) {
			out_byte(e, OMACP__WB_STR_T);
			out_mb(e, rd32(r + 4));
			return;
		}
	}
	out_byte(e, OMACP__WB_STR_I);
	out_bytes(e, s, n);
	out_byte(e, 0);
}

/* An attribute name with no token: LITERAL + string-table offset. */
static void out_literal(omacp_wbxml_encoder *e, const uint8_t *s, size_t n)
{
	const uint8_t *r;
	if (e->pass_ == 0) {
		fail(e, OMACP_E_UNSUPPORTED);
		return;
	}
	if (e->pass_ == 1) {
		rec_add(e, s, n, 1);
		return;
	}
	r = rec_find(e, s, n);
	if (!r || rd32(r + 4) == NOT_TABLED) {
		fail(e, OMACP_E_STATE); /* second pass differs from the first */
		return;
	}
	out_byte(e, OMACP__WB_LITERAL);
	out_mb(e, rd32(r + 4));
}

/* ------------------------------------------------------------- events */

static void header(omacp_wbxml_encoder *e, uint32_t strtbl_len)
{
	static const uint8_t h[3] = { 0x03, 0x0B, 0x6A }; /* 1.3, PROV, UTF-8 */
	out_bytes(e, h, sizeof h);
	out_mb(e, strtbl_len);
	e->started_ = 1;
}

static void attribute(omacp_wbxml_encoder *e, const omacp_attr *a)
{
	const uint8_t *v = a->value.ptr;
	size_t vl = a->value.len;
	unsigned page, name, val;
	int t;
	if (a->name.len == 0 || !a->name.ptr || (vl && !v)) {
		fail(e, OMACP_E_DOC_ATTR);
		return;
	}
	if (!omacp__utf8_ok(a->name.ptr, a->name.len) || !omacp__utf8_ok(v, vl)) {
		fail(e, OMACP_E_WBXML_UTF8);
		return;
	}
	name = omacp__wbxml_str_find(a->name.ptr, a->name.len);
	val = omacp__wbxml_str_find(v, vl);
	/* one token for the whole attribute */
	if (name && val && (t = omacp__wbxml_start_tok(name, val, &page)) >= 0) {
		attr_page(e, page);
		out_byte(e, (unsigned)t);
		return;
	}
	t = name ? omacp__wbxml_start_tok(name, 0, &page) : -1;
	if (t >= 0) {
		attr_page(e, page);
		out_byte(e, (unsigned)t);
	} else {
		out_literal(e, a->name.ptr, a->name.len);
	}
	if (vl == 0) {
		out_byte(e, OMACP__WB_STR_I);
		out_byte(e, 0);
		return;
	}
	t = val ? omacp__wbxml_value_tok(val, &page) : -1;
	if (t >= 0) {
		attr_page(e, page);
		out_byte(e, (unsigned)t);
		return;
	}
	out_string(e, v, vl);
}

static void start_elem(omacp_wbxml_encoder *e, const omacp_event *ev)
{
	unsigned page, tok = omacp__wbxml_tag_token(ev->elem, &page);
	size_t i;
	if (e->done_ || tok == 0 || ev->depth != e->depth_ ||
	    (e->depth_ == 0) != (ev->elem == OMACP_ELEM_DOC)) {
		fail(e, OMACP_E_DOC_STRUCTURE);
		return;
	}
	if (e->depth_ > OMACP_MAX_DEPTH) {
		fail(e, OMACP_E_WBXML_DEPTH);
		return;
	}
	if (ev->n_attrs && !ev->attrs) {
		fail(e, OMACP_E_ARG);
		return;
	}
	if (e->depth_ && !e->open_has_content_[e->depth_ - 1]) {
		e->open_has_content_[e->depth_ - 1] = 1;
		if (e->pass_ != 1)
			e->out_[e->open_pos_[e->depth_ - 1]] |= 0x40;
	}
	if (e->tag_page_ != page) {
		out_byte(e, OMACP__WB_SWITCH_PAGE);
		out_byte(e, page);
		e->tag_page_ = (uint8_t)page;
	}
	e->open_pos_[e->depth_] = e->len_;
	out_byte(e, tok | (ev->n_attrs ? 0x80u : 0));
	for (i = 0; i < ev->n_attrs && !e->err_; i++)
		attribute(e, &ev->attrs[i]);
	if (ev->n_attrs)
		out_byte(e, OMACP__WB_END);
	e->open_elem_[e->depth_] = (uint8_t)ev->elem;
	e->open_has_content_[e->depth_] = 0;
	e->depth_++;
}

static void end_elem(omacp_wbxml_encoder *e, const omacp_event *ev)
{
	if (e->depth_ == 0 || ev->depth != e->depth_ - 1 ||
	    (unsigned)ev->elem != e->open_elem_[e->depth_ - 1]) {
		fail(e, OMACP_E_DOC_STRUCTURE);
		return;
	}
	e->depth_--;
	if (e->open_has_content_[e->depth_])
		out_byte(e, OMACP__WB_END);
	if (e->depth_ == 0)
		e->done_ = 1;
}

omacp_err omacp_wbxml_encoder_event(void *user, const omacp_event *ev)
{
	omacp_wbxml_encoder *e = (omacp_wbxml_encoder *)user;
	if (e->err_)
		return e->err_;
	if (!ev) {
		fail(e, OMACP_E_ARG);
		return e->err_;
	}
	if (!e->started_ && e->pass_ == 0)
		header(e, 0);
	if (ev->kind == OMACP_EV_START)
		start_elem(e, ev);
	else if (ev->kind == OMACP_EV_END)
		end_elem(e, ev);
	else
		fail(e, OMACP_E_DOC_STRUCTURE);
	return e->err_;
}

omacp_err omacp_wbxml_encoder_rewind(omacp_wbxml_encoder *e)
{
	size_t at;
	uint32_t off = 0;
	if (e->err_)
		return e->err_;
	if (e->pass_ != 1 || !e->done_)
		return OMACP_E_STATE;
	/* Choose the strings that save bytes, and give them offsets. */
	for (at = 0; at < e->work_used_;) {
		uint8_t *r = e->work_ + at;
		uint32_t len = rd32(r), aux = rd32(r + 4);
		size_t k = aux & ~MUST_TABLE;
		int take = (aux & MUST_TABLE) ||
		           k * (len + 2u) > len + 1u + k * (1u + mb_len(off));
		if (take && (uint64_t)off + len + 1u > 0xFFFFFFFFu)
			take = 0;
		wr32(r + 4, take ? off : NOT_TABLED);
		if (take)
			off += len + 1u;
		at += REC_HDR + len;
	}
	e->pass_ = 2;
	e->strtbl_len_ = off;
	header(e, off);
	for (at = 0; at < e->work_used_;) {
		const uint8_t *r = e->work_ + at;
		uint32_t len = rd32(r);
		if (rd32(r + 4) != NOT_TABLED) {
			out_bytes(e, r + REC_HDR, len);
			out_byte(e, 0);
		}
		at += REC_HDR + len;
	}
	e->body_start_ = e->len_;
	e->attr_page_ = e->tag_page_ = 0;
	e->depth_ = 0;
	e->done_ = 0;
	return e->err_;
}

omacp_err omacp_wbxml_encoder_finish(omacp_wbxml_encoder *e, size_t *len)
{
	if (len)
		*len = e->len_;
	if (e->err_)
		return e->err_;
	if (e->pass_ == 1 || !e->done_)
		return OMACP_E_STATE;
	return OMACP_OK;
}
