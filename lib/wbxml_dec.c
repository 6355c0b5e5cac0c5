/*
 * PROV WBXML decoder: a byte-at-a-time state machine, so the input may be
 * split anywhere and every split gives the same events.
 *
 * Workspace layout: [string table copy][attribute values of the element
 * being decoded].  Attribute value slices point
 *   - at the static token tables when the value is one token (or only the
 *     value prefix of the attribute-start token),
 *   - into the string-table copy when the value is one STR_T,
 *   - into the value area otherwise (parts concatenated there).
 *
 * Choices: a processing instruction (PI, 0x43) and every EXT_* token stop
 * decoding with OMACP_E_WBXML_TOKEN; a SWITCH_PAGE to a page other than 0, 1
 * or 200 is OMACP_E_WBXML_TOKEN (the page byte is the token); U+0000 (an
 * ENTITY 0 or a NUL inside OPAQUE) is OMACP_E_WBXML_UTF8; more than
 * OMACP_MAX_ATTRS attributes on one element is OMACP_E_LIMIT; a nested
 * wap-provisioningdoc is OMACP_E_WBXML_STRUCTURE.
 */
#include <string.h>
#include "omacp/wbxml.h"
#include "wbxml_int.h"

enum {
	S_VERSION, S_MB, S_STRTBL, S_TAG, S_TAGPAGE, S_ATTR, S_ATTRPAGE,
	S_STRI, S_OPAQUE, S_DONE
};
/* What an mb_u_int32 is read for. */
enum {
	M_PUBID, M_PUBIDX, M_CHARSET, M_STRLEN, M_STRT, M_ENTITY, M_OPQLEN,
	M_LITTAG, M_LITATTR
};

static const char prov_pubid[] = "-//WAPFORUM//DTD PROV 1.0//EN";

void omacp_wbxml_decoder_init(omacp_wbxml_decoder *d, uint8_t *work,
                              size_t work_len, unsigned flags,
                              omacp_event_fn fn, void *user)
{
	memset(d, 0, sizeof *d);
	d->fn_ = fn;
	d->user_ = user;
	d->work_ = work;
	d->work_len_ = work ? work_len : 0;
	d->flags_ = flags;
	d->err_token_ = -1;
	d->st_ = S_VERSION;
}

static void fail(omacp_wbxml_decoder *d, omacp_err e, size_t off, int tok)
{
	if (d->err_ == OMACP_OK) {
		d->err_ = e;
		d->err_off_ = off;
		d->err_token_ = e == OMACP_E_WBXML_TOKEN ? tok : -1;
	}
}

static void read_mb(omacp_wbxml_decoder *d, unsigned purpose)
{
	d->st_ = S_MB;
	d->sub_ = (uint8_t)purpose;
	d->mb_ = 0;
	d->mb_len_ = 0;
}

/* The NUL-terminated string at offset `at` of the string table; NULL when
 * out of range or unterminated. */
static const uint8_t *strtbl_str(const omacp_wbxml_decoder *d, uint32_t at, size_t *len)
{
	const uint8_t *s, *z;
	size_t n = d->hdr_.strtbl_len;
	if (at >= n)
		return NULL;
	s = d->work_ + at;
	z = memchr(s, 0, n - at);
	if (!z)
		return NULL;
	*len = (size_t)(z - s);
	return s;
}

/* ------------------------------------------------------------ events */

static void emit(omacp_wbxml_decoder *d, omacp_event_kind kind, unsigned elem,
                 unsigned depth, size_t off, size_t n_attrs)
{
	omacp_event ev;
	omacp_err r;
	ev.kind = kind;
	ev.elem = (omacp_elem)elem;
	ev.depth = depth;
	ev.n_attrs = n_attrs;
	ev.attrs = n_attrs ? d->attrs_ : NULL;
	ev.offset = off;
	r = d->fn_ ? d->fn_(d->user_, &ev) : OMACP_OK;
	if (r != OMACP_OK)
		fail(d, r > 0 ? OMACP_E_CALLBACK : r, d->off_, -1);
}

/* The attribute list (if any) is complete: START, and END if empty. */
static void element_ready(omacp_wbxml_decoder *d)
{
	emit(d, OMACP_EV_START, d->cur_elem_, d->depth_, d->cur_off_, d->n_attrs_);
	if (d->err_)
		return;
	if (d->cur_flags_ & 0x40) {
		d->open_[d->depth_] = d->cur_elem_;
		d->open_off_[d->depth_] = d->cur_off_;
		d->depth_++;
		d->st_ = S_TAG;
		return;
	}
	emit(d, OMACP_EV_END, d->cur_elem_, d->depth_, d->cur_off_, 0);
	d->st_ = d->depth_ ? S_TAG : S_DONE;
}

/* A tag token (or LITERAL*) naming `elem` with flag bits `flags`. */
static void tag(omacp_wbxml_decoder *d, omacp_elem elem, unsigned flags)
{
	if (!d->root_seen_ ? elem != OMACP_ELEM_DOC : elem == OMACP_ELEM_DOC) {
		fail(d, OMACP_E_WBXML_STRUCTURE, d->tok_off_, -1);
		return;
	}
	if (d->depth_ > OMACP_MAX_DEPTH) {
		fail(d, OMACP_E_WBXML_DEPTH, d->tok_off_, -1);
		return;
	}
	d->root_seen_ = 1;
	d->cur_elem_ = (uint8_t)elem;
	d->cur_flags_ = (uint8_t)flags;
	d->cur_off_ = d->tok_off_;
	d->n_attrs_ = 0;
	d->val_len_ = 0;
	d->vmode_ = 0;
	if (flags & 0x80)
		d->st_ = S_ATTR;
	else
		element_ready(d);
}

/* --------------------------------------------------------- attributes */

/* Close the value of the current attribute (if any). */
static void attr_close(omacp_wbxml_decoder *d)
{
	omacp_attr *a;
	if (!d->n_attrs_)
		return;
	a = &d->attrs_[d->n_attrs_ - 1];
	if (d->vmode_ == 2) {
		a->value.ptr = d->work_ + d->hdr_.strtbl_len + d->val_start_;
		a->value.len = d->val_len_ - d->val_start_;
	} else if (d->vmode_ == 0) {
		a->value.ptr = (const uint8_t *)"";
		a->value.len = 0;
	}
}

static void attr_open(omacp_wbxml_decoder *d, const uint8_t *name, size_t nlen)
{
	omacp_attr *a;
	attr_close(d);
	if (d->n_attrs_ == OMACP_MAX_ATTRS) {
		fail(d, OMACP_E_LIMIT, d->tok_off_, -1);
		return;
	}
	a = &d->attrs_[d->n_attrs_++];
	a->name.ptr = name;
	a->name.len = nlen;
	d->vmode_ = 0;
	d->val_start_ = d->val_len_;
}

/* Append bytes to the value area. */
static int put(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	size_t at = d->hdr_.strtbl_len + d->val_len_;
	if (n > d->work_len_ - at) {
		fail(d, OMACP_E_NOMEM, d->tok_off_, -1);
		return -1;
	}
	if (n)
		memcpy(d->work_ + at, p, n);
	d->val_len_ += n;
	return 0;
}

/* Switch the current value to the copied form (value area). */
static int to_copied(omacp_wbxml_decoder *d)
{
	if (d->vmode_ == 1) {
		const omacp_attr *a = &d->attrs_[d->n_attrs_ - 1];
		if (put(d, a->value.ptr, a->value.len) < 0)
			return -1;
	}
	d->vmode_ = 2;
	return 0;
}

/* A value part that lives in stable storage (token table or string table). */
static void part_static(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	if (d->vmode_ == 0) {
		omacp_attr *a = &d->attrs_[d->n_attrs_ - 1];
		a->value.ptr = p;
		a->value.len = n;
		d->vmode_ = 1;
		return;
	}
	if (to_copied(d) == 0)
		put(d, p, n);
}

static void attr_start_token(omacp_wbxml_decoder *d, uint8_t c)
{
	const char *s = omacp__wbxml_attr_start(d->attr_page_, c);
	const char *eq;
	if (!s) {
		fail(d, OMACP_E_WBXML_TOKEN, d->tok_off_, c);
		return;
	}
	eq = strchr(s, '=');
	attr_open(d, (const uint8_t *)s, (size_t)(eq - s));
	if (!d->err_ && eq[1])
		part_static(d, (const uint8_t *)eq + 1, strlen(eq + 1));
}

static void entity(omacp_wbxml_decoder *d, uint32_t cp)
{
	uint8_t b[4];
	size_t n;
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
		fail(d, OMACP_E_WBXML_UTF8, d->tok_off_, -1);
		return;
	}
	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xC0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xE0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xF0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (to_copied(d) == 0)
		put(d, b, n);
}

/* One byte of an inline string or OPAQUE value (validated as UTF-8). */
static void value_byte(omacp_wbxml_decoder *d, uint8_t c)
{
	if (omacp__utf8_step(d->utf_, c) < 0) {
		fail(d, OMACP_E_WBXML_UTF8, d->off_, -1);
		return;
	}
	put(d, &c, 1);
}

/* -------------------------------------------------- mb_u_int32 complete */

static void header_next(omacp_wbxml_decoder *d)
{
	/* WBXML 1.0 has no charset field: UTF-8 is assumed. */
	if (d->hdr_.version == 0) {
		d->hdr_.charset = 106;
		read_mb(d, M_STRLEN);
	} else {
		read_mb(d, M_CHARSET);
	}
}

static void strtbl_done(omacp_wbxml_decoder *d)
{
	if (d->hdr_.public_id == 0) {
		size_t n;
		const uint8_t *s = strtbl_str(d, d->pubidx_, &n);
		if (!s) {
			fail(d, OMACP_E_WBXML_STRTBL, 1, -1);
			return;
		}
		if (n != sizeof prov_pubid - 1 || memcmp(s, prov_pubid, n) != 0) {
			fail(d, OMACP_E_WBXML_PUBID, 1, -1);
			return;
		}
	}
	d->st_ = S_TAG;
}

static void mb_done(omacp_wbxml_decoder *d, uint32_t v)
{
	const uint8_t *s;
	size_t n;
	switch (d->sub_) {
	case M_PUBID:
		d->hdr_.public_id = v;
		if (v == 0) {
			read_mb(d, M_PUBIDX);
			return;
		}
		if (v != 0x0B && !(v == 0x01 && (d->flags_ & OMACP_WBXML_ASSUME_PROV))) {
			fail(d, OMACP_E_WBXML_PUBID, 1, -1);
			return;
		}
		header_next(d);
		return;
	case M_PUBIDX:
		d->pubidx_ = v;
		header_next(d);
		return;
	case M_CHARSET:
		d->hdr_.charset = v;
		if (v != 106) {
			fail(d, OMACP_E_WBXML_CHARSET, d->tok_off_, -1);
			return;
		}
		read_mb(d, M_STRLEN);
		return;
	case M_STRLEN:
		if (v > d->work_len_) {
			fail(d, OMACP_E_NOMEM, d->tok_off_, -1);
			return;
		}
		d->hdr_.strtbl_len = v;
		d->strtbl_got_ = 0;
		if (v)
			d->st_ = S_STRTBL;
		else
			strtbl_done(d);
		return;
	case M_STRT:
		s = strtbl_str(d, v, &n);
		if (!s) {
			fail(d, OMACP_E_WBXML_STRTBL, d->tok_off_, -1);
			return;
		}
		if (!omacp__utf8_ok(s, n)) {
			fail(d, OMACP_E_WBXML_UTF8, d->tok_off_, -1);
			return;
		}
		part_static(d, s, n);
		d->st_ = S_ATTR;
		return;
	case M_ENTITY:
		entity(d, v);
		d->st_ = S_ATTR;
		return;
	case M_OPQLEN:
		if (to_copied(d) < 0)
			return;
		d->remaining_ = v;
		memset(d->utf_, 0, sizeof d->utf_);
		d->st_ = v ? S_OPAQUE : S_ATTR;
		return;
	case M_LITTAG:
	case M_LITATTR:
		s = strtbl_str(d, v, &n);
		if (!s) {
			fail(d, OMACP_E_WBXML_STRTBL, d->tok_off_, -1);
			return;
		}
		if (!omacp__utf8_ok(s, n)) {
			fail(d, OMACP_E_WBXML_UTF8, d->tok_off_, -1);
			return;
		}
		if (d->sub_ == M_LITATTR) {
			attr_open(d, s, n);
			d->st_ = S_ATTR;
		} else {
			omacp_elem e = omacp_elem_lookup((const char *)s, n);
			if (e == OMACP_ELEM_NONE)
				fail(d, OMACP_E_WBXML_TOKEN, d->tok_off_, d->tok_);
			else
				tag(d, e, d->tok_ & 0xC0u);
		}
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------- states */

/* Global tokens with no meaning in PROV: EXT_I_*, PI, EXT_T_*, EXT_*. */
static int is_ext(uint8_t c)
{
	uint8_t lo = c & 0x3F;
	return lo <= 0x03 && c >= 0x40 && c != OMACP__WB_STR_T && c != OMACP__WB_OPAQUE;
}

static void st_tag(omacp_wbxml_decoder *d, uint8_t c)
{
	omacp_elem e;
	switch (c) {
	case OMACP__WB_SWITCH_PAGE:
		d->st_ = S_TAGPAGE;
		return;
	case OMACP__WB_END:
		if (d->depth_ == 0) {
			fail(d, OMACP_E_WBXML_STRUCTURE, d->tok_off_, -1);
			return;
		}
		d->depth_--;
		emit(d, OMACP_EV_END, d->open_[d->depth_], d->depth_,
		     d->open_off_[d->depth_], 0);
		if (d->depth_ == 0)
			d->st_ = S_DONE;
		return;
	case OMACP__WB_ENTITY:
	case OMACP__WB_STR_I:
	case OMACP__WB_STR_T:
	case OMACP__WB_OPAQUE:
		/* text content: PROV elements hold only elements */
		fail(d, OMACP_E_WBXML_STRUCTURE, d->tok_off_, -1);
		return;
	default:
		break;
	}
	if ((c & 0x3F) == OMACP__WB_LITERAL) {
		d->tok_ = c;
		read_mb(d, M_LITTAG);
		return;
	}
	e = is_ext(c) ? OMACP_ELEM_NONE : omacp__wbxml_tag(d->tag_page_, c & 0x3Fu);
	if (e == OMACP_ELEM_NONE) {
		fail(d, OMACP_E_WBXML_TOKEN, d->tok_off_, c);
		return;
	}
	tag(d, e, c & 0xC0u);
}

static void st_attr(omacp_wbxml_decoder *d, uint8_t c)
{
	const char *s;
	switch (c) {
	case OMACP__WB_SWITCH_PAGE:
		d->st_ = S_ATTRPAGE;
		return;
	case OMACP__WB_END:
		attr_close(d);
		element_ready(d);
		return;
	case OMACP__WB_LITERAL:
		read_mb(d, M_LITATTR);
		return;
	default:
		break;
	}
	if (is_ext(c) || (c & 0x3F) == OMACP__WB_LITERAL) {
		/* EXT_*, PI, LITERAL_A/C/AC */
		fail(d, OMACP_E_WBXML_TOKEN, d->tok_off_, c);
		return;
	}
	if (c < 0x80 && c != OMACP__WB_ENTITY && c != OMACP__WB_STR_I) {
		attr_start_token(d, c);
		return;
	}
	/* a value part: needs an attribute to belong to */
	if (!d->n_attrs_) {
		fail(d, OMACP_E_WBXML_STRUCTURE, d->tok_off_, -1);
		return;
	}
	switch (c) {
	case OMACP__WB_ENTITY:
		read_mb(d, M_ENTITY);
		return;
	case OMACP__WB_STR_I:
		if (to_copied(d) == 0) {
			memset(d->utf_, 0, sizeof d->utf_);
			d->st_ = S_STRI;
		}
		return;
	case OMACP__WB_STR_T:
		read_mb(d, M_STRT);
		return;
	case OMACP__WB_OPAQUE:
		read_mb(d, M_OPQLEN);
		return;
	default:
		break;
	}
	s = omacp__wbxml_attr_value(d->attr_page_, c);
	if (!s) {
		fail(d, OMACP_E_WBXML_TOKEN, d->tok_off_, c);
		return;
	}
	part_static(d, (const uint8_t *)s, strlen(s));
}

static void step(omacp_wbxml_decoder *d, uint8_t c)
{
	switch (d->st_) {
	case S_VERSION:
		if (c > 0x03) {
			fail(d, OMACP_E_WBXML_VERSION, d->off_, -1);
			return;
		}
		d->hdr_.version = c;
		read_mb(d, M_PUBID);
		return;
	case S_MB:
		if (d->mb_len_ == 0 && d->sub_ < M_STRT)
			d->tok_off_ = d->off_; /* header field: report its start */
		if ((d->mb_ >> 25) != 0 || (d->mb_len_ == 4 && (c & 0x80))) {
			/* more than 32 bits, or more than 5 bytes */
			fail(d, OMACP_E_WBXML_MBUINT, d->off_, -1);
			return;
		}
		d->mb_ = d->mb_ << 7 | (c & 0x7Fu);
		d->mb_len_++;
		if (!(c & 0x80))
			mb_done(d, d->mb_);
		return;
	case S_STRTBL:
		d->work_[d->strtbl_got_++] = c;
		if (d->strtbl_got_ == d->hdr_.strtbl_len)
			strtbl_done(d);
		return;
	case S_TAG:
		d->tok_off_ = d->off_;
		st_tag(d, c);
		return;
	case S_ATTR:
		d->tok_off_ = d->off_;
		st_attr(d, c);
		return;
	case S_TAGPAGE:
	case S_ATTRPAGE:
		if (c != 0 && c != 1 && c != OMACP__WB_PAGE_WM) {
			fail(d, OMACP_E_WBXML_TOKEN, d->off_, c);
			return;
		}
		if (d->st_ == S_TAGPAGE) {
			d->tag_page_ = c;
			d->st_ = S_TAG;
		} else {
			d->attr_page_ = c;
			d->st_ = S_ATTR;
		}
		return;
	case S_STRI:
		if (c == 0) {
			if (d->utf_[0])
				fail(d, OMACP_E_WBXML_UTF8, d->off_, -1);
			d->st_ = S_ATTR;
			return;
		}
		value_byte(d, c);
		return;
	case S_OPAQUE:
		value_byte(d, c);
		if (--d->remaining_ == 0) {
			if (d->utf_[0])
				fail(d, OMACP_E_WBXML_UTF8, d->off_, -1);
			d->st_ = S_ATTR;
		}
		return;
	default: /* S_DONE */
		fail(d, OMACP_E_WBXML_STRUCTURE, d->off_, -1);
		return;
	}
}

omacp_err omacp_wbxml_feed(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i < n && d->err_ == OMACP_OK; i++) {
		step(d, p[i]);
		d->off_++;
	}
	return d->err_;
}

omacp_err omacp_wbxml_finish(omacp_wbxml_decoder *d)
{
	if (d->err_ == OMACP_OK && d->st_ != S_DONE)
		fail(d, OMACP_E_TRUNCATED, d->off_, -1);
	return d->err_;
}

size_t omacp_wbxml_error_offset(const omacp_wbxml_decoder *d)
{
	return d->err_off_;
}

int omacp_wbxml_error_token(const omacp_wbxml_decoder *d)
{
	return d->err_token_;
}

omacp_err omacp_wbxml_get_header(const omacp_wbxml_decoder *d,
                                 omacp_wbxml_header *h)
{
	if (d->st_ == S_VERSION || d->st_ == S_STRTBL ||
	    (d->st_ == S_MB && d->sub_ <= M_STRLEN))
		return OMACP_E_STATE;
	*h = d->hdr_;
	return OMACP_OK;
}

omacp_err omacp_wbxml_decode(const uint8_t *p, size_t n, uint8_t *work,
                             size_t work_len, unsigned flags,
                             omacp_event_fn fn, void *user, size_t *err_off)
{
	omacp_wbxml_decoder d;
	omacp_err e;
	omacp_wbxml_decoder_init(&d, work, work_len, flags, fn, user);
	omacp_wbxml_feed(&d, p, n);
	e = omacp_wbxml_finish(&d);
	if (e != OMACP_OK && err_off)
		*err_off = d.err_off_;
	return e;
}
