/*
 * PROV WBXML decoder: a state machine that keeps all of its state in the
 * decoder struct, so the input may be split anywhere and every split gives
 * the same events.  Tokens are taken one byte at a time; the bytes of the
 * string table, of inline strings (STR_I) and of OPAQUE data are taken as
 * runs (as much of the run as this call holds): checked as UTF-8 a machine
 * word at a time while they are ASCII, and copied at the same time.
 *
 * Workspace layout: [string table copy][attribute values of the element
 * being decoded]; with stable input (OMACP_WBXML_STABLE_INPUT) a table that
 * arrives in one piece is not copied.  Attribute value slices point
 *   - at the static token strings when the value is one token (or only the
 *     value prefix of the attribute-start token),
 *   - into the string table when the value is one STR_T,
 *   - into the input when the value is one STR_I of stable input that ends
 *     in the piece being decoded,
 *   - into the value area otherwise (parts concatenated there; the slice of
 *     the attribute being decoded grows as they are appended).
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
	S_TAG, S_ATTR, /* body tokens: these two first (body() tests st <= S_ATTR) */
	S_VERSION, S_MB, S_PAGE, S_DONE, S_ERR,
	/* runs */
	S_STRTBL, S_STRI, S_OPAQUE
};
/* What an mb_u_int32 is read for (header fields first). */
enum {
	M_PUBID, M_PUBIDX, M_CHARSET, M_STRLEN, M_STRT, M_ENTITY, M_OPQLEN,
	M_LITTAG, M_LITATTR
};
/* Attribute value modes: no part yet, one part in stable storage (token
 * strings or string table), copied to the value area. */
enum { V_NONE, V_STATIC, V_COPIED };

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
	d->tbl_ = d->work_;
}

/* ------------------------------------------------------------- errors */

/* The first error is kept; the state becomes S_ERR, which stops every loop
 * (so no state may be set after a call that can fail). */
static void fail(omacp_wbxml_decoder *d, omacp_err e, size_t off, int tok)
{
	if (d->err_ == OMACP_OK) {
		d->err_ = e;
		d->err_off_ = off;
		d->err_token_ = tok;
	}
	d->st_ = S_ERR;
}

/* An error at the token being decoded. */
static void fail_tok(omacp_wbxml_decoder *d, omacp_err e)
{
	fail(d, e, d->tok_off_, -1);
}

/* An error at the byte being decoded. */
static void fail_here(omacp_wbxml_decoder *d, omacp_err e)
{
	fail(d, e, d->off_, -1);
}

/* Token c is unknown here. */
static void bad_token(omacp_wbxml_decoder *d, unsigned c)
{
	fail(d, OMACP_E_WBXML_TOKEN, d->tok_off_, (int)c);
}

/* ------------------------------------------------------------ helpers */

static void read_mb(omacp_wbxml_decoder *d, unsigned purpose)
{
	d->st_ = S_MB;
	d->sub_ = (uint8_t)purpose;
	d->mb_ = 0;
	d->mb_len_ = 0;
}

/* Token string k. */
static const uint8_t *tstr(unsigned k, size_t *len)
{
	unsigned o = omacp__wbxml_off[k];
	*len = (size_t)(omacp__wbxml_off[k + 1] - o);
	return (const uint8_t *)omacp__wbxml_str + o;
}

/* The NUL-terminated string at offset `at` of the string table; NULL when
 * out of range or unterminated. */
static const uint8_t *strtbl_str(const omacp_wbxml_decoder *d, uint32_t at, size_t *len)
{
	const uint8_t *s, *z;
	size_t n = d->strtbl_len_;
	if (at >= n)
		return NULL;
	s = d->tbl_ + at;
	z = memchr(s, 0, n - at);
	if (!z)
		return NULL;
	*len = (size_t)(z - s);
	return s;
}

/* ------------------------------------------------------------ events */

/* Hand ev to the consumer; 0 when it stopped decoding (the error is at the
 * token that completed the element). */
static int deliver(omacp_wbxml_decoder *d, const omacp_event *ev)
{
	omacp_err r = d->fn_ ? d->fn_(d->user_, ev) : OMACP_OK;
	if (r == OMACP_OK)
		return 1;
	fail_tok(d, r > 0 ? OMACP_E_CALLBACK : r);
	return 0;
}

/* The attribute list (if any) is complete: START, and END if empty. */
static void element_ready(omacp_wbxml_decoder *d)
{
	unsigned k = d->depth_, open = d->cur_flags_ & 0x40;
	omacp_event ev;
	d->st_ = open || k ? S_TAG : S_DONE;
	ev.kind = OMACP_EV_START;
	ev.elem = (omacp_elem)d->cur_elem_;
	ev.depth = k;
	ev.n_attrs = d->n_attrs_;
	ev.attrs = ev.n_attrs ? d->attrs_ : NULL;
	ev.offset = d->cur_off_;
	if (!deliver(d, &ev))
		return;
	if (open) {
		d->open_[k] = d->cur_elem_;
		d->open_off_[k] = d->cur_off_;
		d->depth_ = (uint8_t)(k + 1);
	} else {
		ev.kind = OMACP_EV_END;
		ev.n_attrs = 0;
		ev.attrs = NULL;
		deliver(d, &ev);
	}
}

/* A tag token (or LITERAL*) naming `elem` with flag bits `flags`. */
static void tag(omacp_wbxml_decoder *d, omacp_elem elem, unsigned flags)
{
	if ((elem == OMACP_ELEM_DOC) == d->root_seen_) {
		fail_tok(d, OMACP_E_WBXML_STRUCTURE);
		return;
	}
	if (d->depth_ > OMACP_MAX_DEPTH) {
		fail_tok(d, OMACP_E_WBXML_DEPTH);
		return;
	}
	d->root_seen_ = 1;
	d->cur_elem_ = (uint8_t)elem;
	d->cur_flags_ = (uint8_t)flags;
	d->cur_off_ = d->tok_off_;
	d->n_attrs_ = 0;
	d->val_len_ = 0;
	if (flags & 0x80)
		d->st_ = S_ATTR;
	else
		element_ready(d);
}

/* --------------------------------------------------------- attributes */

/* A new attribute named name[0..nlen) whose value starts as token string
 * `pref` (0: empty, no value part yet). */
static void attr_open(omacp_wbxml_decoder *d, const uint8_t *name, size_t nlen,
                      unsigned pref)
{
	size_t k = d->n_attrs_;
	omacp_attr *a;
	if (k == OMACP_MAX_ATTRS) {
		fail_tok(d, OMACP_E_LIMIT);
		return;
	}
	a = &d->attrs_[k];
	d->n_attrs_ = k + 1;
	a->name.ptr = name;
	a->name.len = nlen;
	a->value.ptr = tstr(pref, &a->value.len);
	d->vmode_ = pref ? V_STATIC : V_NONE;
}

/* The attribute being decoded. */
static omacp_attr *cur_attr(omacp_wbxml_decoder *d)
{
	return &d->attrs_[d->n_attrs_ - 1];
}

/* Room left in the value area. */
static size_t room(const omacp_wbxml_decoder *d)
{
	return d->work_len_ - d->vstart_ - d->val_len_;
}

/* Append bytes to the value area: the end of the current (copied) value. */
static int put(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	if (n > room(d)) {
		fail_tok(d, OMACP_E_NOMEM);
		return -1;
	}
	if (n)
		memcpy(d->work_ + d->vstart_ + d->val_len_, p, n);
	d->val_len_ += n;
	cur_attr(d)->value.len += n;
	return 0;
}

/* Switch the current value to the copied form: it moves to the end of the
 * value area, where the next parts are appended. */
static int to_copied(omacp_wbxml_decoder *d)
{
	omacp_attr *a = cur_attr(d);
	omacp_slice v = a->value;
	if (d->vmode_ == V_COPIED)
		return 0;
	d->vmode_ = V_COPIED;
	a->value.ptr = d->work_ + d->vstart_ + d->val_len_;
	a->value.len = 0;
	return v.len ? put(d, v.ptr, v.len) : 0;
}

/* A value part that lives in stable storage (token or string table). */
static void part_static(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	if (d->vmode_ == V_NONE) {
		omacp_attr *a = cur_attr(d);
		a->value.ptr = p;
		a->value.len = n;
		d->vmode_ = V_STATIC;
		return;
	}
	if (to_copied(d) == 0)
		put(d, p, n);
}

static void entity(omacp_wbxml_decoder *d, uint32_t cp)
{
	uint8_t b[4];
	size_t n, i;
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
		fail_tok(d, OMACP_E_WBXML_UTF8);
		return;
	}
	n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	for (i = n; --i > 0; cp >>= 6)
		b[i] = (uint8_t)(0x80 | (cp & 0x3F));
	/* lead byte: the remaining bits under the length marker */
	b[0] = (uint8_t)(n == 1 ? cp : ((0xF00u >> n) & 0xF0u) | cp);
	if (to_copied(d) == 0)
		put(d, b, n);
}

/* ---------------------------------------------------------------- runs */

/*
 * Check p[0..m) as UTF-8 and copy the valid bytes to dst; returns how many
 * (the check stops at a NUL or an invalid byte).  ASCII goes a machine word
 * at a time, copied as it is checked (not when compiled for size, -Os);
 * the rest through omacp__utf8_scan.
 */
static size_t scan_copy(uint8_t st[3], const uint8_t *p, size_t m, uint8_t *dst)
{
	size_t i = 0, k;
#ifndef __OPTIMIZE_SIZE__ /* speed only: the scan below gives the same */
	if (!st[0]) {
		while (m - i >= sizeof(size_t)) {
			size_t w, t;
			memcpy(&w, p + i, sizeof w);
			memcpy(dst + i, &w, sizeof w); /* within m: room for it */
			t = ((w - OMACP__ONES) | w) & OMACP__HIGHS;
			if (t) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				/* the lowest flag is the first byte that is 0x00
				 * or >= 0x80 (no borrow comes from before it) */
				i += (size_t)__builtin_ctzll((unsigned long long)t) >> 3;
#endif
				break;
			}
			i += sizeof w;
		}
		while (i < m && (uint8_t)(p[i] - 1u) < 0x7Fu) {
			dst[i] = p[i];
			i++;
		}
		if (i == m || !p[i])
			return i;
	}
#endif
	k = omacp__utf8_scan(st, p + i, m - i);
	if (k)
		memcpy(dst + i, p + i, k);
	return i + k;
}

/*
 * Bytes of an inline string (STR_I, up to and with its NUL) or of OPAQUE
 * data, d->off_ being the offset of p[0]: the same result as checking each
 * byte as UTF-8 and then appending it to the value area, one by one.
 * Returns the bytes consumed.  An inline string that is the first part of
 * a value and ends (valid) in this piece of stable input is taken in place.
 */
static size_t run_value(omacp_wbxml_decoder *d, const uint8_t *p, size_t avail)
{
	int opq = d->st_ == S_OPAQUE;
	size_t lim, r, m, k;
	if (d->vmode_ != V_COPIED) { /* the first bytes of an inline string */
		if (d->vmode_ == V_NONE && (d->flags_ & OMACP_WBXML_STABLE_INPUT)) {
			k = omacp__utf8_scan(d->utf_, p, avail);
			if (k < avail && !p[k] && !d->utf_[0]) {
				omacp_attr *a = cur_attr(d);
				a->value.ptr = p;
				a->value.len = k;
				d->vmode_ = V_STATIC;
				d->st_ = S_ATTR;
				return k + 1;
			}
			memset(d->utf_, 0, sizeof d->utf_);
		}
		if (to_copied(d) != 0)
			return 0;
	}
	lim = opq && d->remaining_ < avail ? d->remaining_ : avail;
	r = room(d);
	m = lim < r ? lim : r;
	k = scan_copy(d->utf_, p, m,
	              m ? d->work_ + d->vstart_ + d->val_len_ : NULL);
	d->val_len_ += k;
	cur_attr(d)->value.len += k;
	/* byte number r is here: a valid one does not fit (an invalid one
	 * leaves the state as the checks below need it) */
	if (k == m && m < lim && omacp__utf8_scan(d->utf_, p + k, 1)) {
		fail_tok(d, OMACP_E_NOMEM);
		return k;
	}
	if (k < lim) {
		/* a NUL (the end of an inline string when no sequence is open)
		 * or an invalid byte */
		if (opq || p[k] || d->utf_[0]) {
			fail(d, OMACP_E_WBXML_UTF8, d->off_ + k, -1);
			return k;
		}
		d->st_ = S_ATTR;
		return k + 1;
	}
	if (opq && (d->remaining_ -= k) == 0) {
		d->st_ = S_ATTR;
		if (d->utf_[0])
			fail(d, OMACP_E_WBXML_UTF8, d->off_ + k - 1, -1);
	}
	return k;
}

/* -------------------------------------------------- mb_u_int32 complete */

static void strtbl_done(omacp_wbxml_decoder *d)
{
	if (d->hdr_.public_id == 0) {
		size_t n;
		const uint8_t *s = strtbl_str(d, d->pubidx_, &n);
		omacp_err e = !s ? OMACP_E_WBXML_STRTBL :
		              n != sizeof prov_pubid - 1 || memcmp(s, prov_pubid, n) != 0 ?
		              OMACP_E_WBXML_PUBID : OMACP_OK;
		if (e != OMACP_OK) {
			fail(d, e, 1, -1);
			return;
		}
	}
	d->st_ = S_TAG;
	d->hdr_done_ = 1;
}

static void mb_done(omacp_wbxml_decoder *d, uint32_t v)
{
	const uint8_t *s;
	size_t n;
	unsigned sub = d->sub_;
	switch (sub) {
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
		break;
	case M_PUBIDX:
		d->pubidx_ = v;
		break;
	case M_CHARSET:
		d->hdr_.charset = v;
		if (v != 106)
			fail_tok(d, OMACP_E_WBXML_CHARSET);
		else
			read_mb(d, M_STRLEN);
		return;
	case M_STRLEN:
		if (v > d->work_len_ && !(d->flags_ & OMACP_WBXML_STABLE_INPUT)) {
			fail_tok(d, OMACP_E_NOMEM);
			return;
		}
		d->hdr_.strtbl_len = d->strtbl_len_ = v;
		if (v)
			d->st_ = S_STRTBL;
		else
			strtbl_done(d);
		return;
	case M_ENTITY:
		d->st_ = S_ATTR;
		entity(d, v);
		return;
	case M_OPQLEN:
		d->st_ = v ? S_OPAQUE : S_ATTR;
		d->remaining_ = v;
		memset(d->utf_, 0, sizeof d->utf_);
		to_copied(d);
		return;
	default: /* STR_T, LITERAL: a string-table reference */
		d->st_ = S_ATTR;
		s = strtbl_str(d, v, &n);
		if (!s) {
			fail_tok(d, OMACP_E_WBXML_STRTBL);
		} else if (!omacp__utf8_ok(s, n)) {
			fail_tok(d, OMACP_E_WBXML_UTF8);
		} else if (sub == M_STRT) {
			part_static(d, s, n);
		} else if (sub == M_LITATTR) {
			attr_open(d, s, n, 0);
		} else {
			omacp_elem e = omacp_elem_lookup((const char *)s, n);
			if (e == OMACP_ELEM_NONE)
				bad_token(d, d->tok_);
			else
				tag(d, e, d->tok_ & 0xC0u);
		}
		return;
	}
	/* after the public id (and its string index): WBXML 1.0 has no
	 * charset field, UTF-8 is assumed */
	if (d->hdr_.version == 0) {
		d->hdr_.charset = 106;
		read_mb(d, M_STRLEN);
	} else {
		read_mb(d, M_CHARSET);
	}
}

/* ------------------------------------------------------------- tokens */

/* A global token (low 6 bits below 5) in a tag position or (attr) in an
 * attribute list. */
static void global(omacp_wbxml_decoder *d, unsigned c, int attr)
{
	switch (c) {
	case OMACP__WB_SWITCH_PAGE:
		d->st_ = S_PAGE;
		d->sub_ = (uint8_t)attr;
		return;
	case OMACP__WB_END:
		if (attr) {
			element_ready(d);
		} else if (d->depth_) {
			unsigned k = --d->depth_;
			omacp_event ev;
			if (!k)
				d->st_ = S_DONE;
			ev.kind = OMACP_EV_END;
			ev.elem = (omacp_elem)d->open_[k];
			ev.depth = k;
			ev.n_attrs = 0;
			ev.attrs = NULL;
			ev.offset = d->open_off_[k];
			deliver(d, &ev);
		} else {
			fail_tok(d, OMACP_E_WBXML_STRUCTURE);
		}
		return;
	case OMACP__WB_ENTITY:
	case OMACP__WB_STR_I:
	case OMACP__WB_STR_T:
	case OMACP__WB_OPAQUE:
		/* a value part: text content (PROV elements hold only
		 * elements), or outside an attribute */
		if (!attr || !d->n_attrs_) {
			fail_tok(d, OMACP_E_WBXML_STRUCTURE);
		} else if (c == OMACP__WB_STR_I) {
			memset(d->utf_, 0, sizeof d->utf_);
			d->st_ = S_STRI;
		} else {
			read_mb(d, c == OMACP__WB_ENTITY ? M_ENTITY :
			           c == OMACP__WB_STR_T ? M_STRT : M_OPQLEN);
		}
		return;
	default:
		/* LITERAL (LITERAL_A/C/AC only as tags), EXT_*, PI */
		if ((c & 0x3F) == OMACP__WB_LITERAL && (!attr || c == OMACP__WB_LITERAL)) {
			d->tok_ = (uint8_t)c;
			read_mb(d, attr ? M_LITATTR : M_LITTAG);
		} else {
			bad_token(d, c);
		}
		return;
	}
}

/* A tag token other than a global one. */
static void tag_token(omacp_wbxml_decoder *d, unsigned c)
{
	unsigned t = c & 0x3F, pi = d->tag_page_;
	omacp_elem e = OMACP_ELEM_NONE;
	if (t >= 0x20 && t <= 0x29 && pi != 1) /* Windows Mobile: pages 0, 200 */
		e = (omacp_elem)(OMACP_ELEM_CHARACTERISTIC_QUERY + (int)(t - 0x20));
	else if (t == 0x05 && pi == 0)
		e = OMACP_ELEM_DOC;
	else if ((t == 0x06 || t == 0x07) && pi != 2)
		e = t == 0x06 ? OMACP_ELEM_CHARACTERISTIC : OMACP_ELEM_PARM;
	if (e == OMACP_ELEM_NONE)
		bad_token(d, c);
	else
		tag(d, e, c & 0xC0u);
}

/* An attribute token other than a global one. */
static void attr_token(omacp_wbxml_decoder *d, unsigned c)
{
	const uint8_t *g = omacp__wbxml_pg[d->attr_page_];
	const uint8_t *s;
	size_t len;
	unsigned k, id;
	if (c < 0x80) { /* attribute start */
		k = c - g[0];
		if (k < g[1] && (id = omacp__wbxml_start_name[k += g[2]]) != 0) {
			s = tstr(id, &len);
			attr_open(d, s, len, omacp__wbxml_start_pref[k]);
			return;
		}
	} else if (d->n_attrs_) { /* attribute value */
		k = c - g[3];
		if (k < g[4] && (id = omacp__wbxml_value[k + g[5]]) != 0) {
			s = tstr(id, &len);
			part_static(d, s, len);
			return;
		}
	} else { /* a value part outside an attribute */
		fail_tok(d, OMACP_E_WBXML_STRUCTURE);
		return;
	}
	bad_token(d, c);
}

/*
 * Body tokens (tags and attribute lists, with the inline strings in them)
 * from p[i] on, while the state is one of those; returns the index after
 * the last byte taken.
 */
static size_t body(omacp_wbxml_decoder *d, const uint8_t *p, size_t i, size_t n)
{
	size_t base = d->off_ - i;
	unsigned c, st = d->st_;
	while (i < n && st <= S_ATTR) {
		c = p[i];
		d->tok_off_ = base + i;
		if ((c & 0x3F) < 0x05)
			global(d, c, st == S_ATTR);
		else if (st == S_ATTR)
			attr_token(d, c);
		else
			tag_token(d, c);
		i++;
		st = d->st_;
#ifndef __OPTIMIZE_SIZE__ /* speed only: the string right away */
		if (st == S_STRI) {
			d->off_ = base + i;
			i += run_value(d, p + i, n - i);
			st = d->st_;
		}
#endif
	}
	d->off_ = base + i;
	return i;
}

/* ----------------------------------------------------------------- feed */

/* One byte of an mb_u_int32. */
static void mb_byte(omacp_wbxml_decoder *d, unsigned c)
{
	if (d->mb_len_ == 0 && d->sub_ <= M_STRLEN)
		d->tok_off_ = d->off_; /* header field: report its start */
	if ((d->mb_ >> 25) != 0 || (d->mb_len_ == 4 && (c & 0x80))) {
		/* more than 32 bits, or more than 5 bytes */
		fail_here(d, OMACP_E_WBXML_MBUINT);
		return;
	}
	d->mb_ = d->mb_ << 7 | (c & 0x7Fu);
	d->mb_len_++;
	if (!(c & 0x80))
		mb_done(d, d->mb_);
}

omacp_err omacp_wbxml_feed(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	unsigned c, pi;
	while (i < n) {
		c = p[i];
		k = 1;
		switch (d->st_) {
		case S_ERR:
			return d->err_;
		case S_ATTR:
		case S_TAG:
			i = body(d, p, i, n);
			continue;
		case S_STRI:
		case S_OPAQUE:
			k = run_value(d, p + i, n - i);
			break;
		case S_STRTBL:
			k = d->strtbl_len_ - d->strtbl_got_;
			if (!d->strtbl_got_ && k <= n - i &&
			    (d->flags_ & OMACP_WBXML_STABLE_INPUT)) {
				d->tbl_ = p + i; /* whole and stable: in place */
				strtbl_done(d);
				break;
			}
			if (d->strtbl_len_ > d->work_len_) { /* stable, split */
				fail_tok(d, OMACP_E_NOMEM);
				k = 0;
				break;
			}
			if (k > n - i)
				k = n - i;
			memcpy(d->work_ + d->strtbl_got_, p + i, k);
			d->strtbl_got_ += k;
			if (d->strtbl_got_ == d->strtbl_len_) {
				d->vstart_ = d->strtbl_len_;
				strtbl_done(d);
			}
			break;
		case S_MB:
			mb_byte(d, c);
			break;
		case S_VERSION:
			if (c > 0x03) {
				fail_here(d, OMACP_E_WBXML_VERSION);
				break;
			}
			d->hdr_.version = (uint8_t)c;
			read_mb(d, M_PUBID);
			break;
		case S_PAGE:
			/* code page index: 0, 1, 200 -> 0, 1, 2 */
			pi = c <= 1 ? c : c == OMACP__WB_PAGE_WM ? 2u : 3u;
			d->st_ = d->sub_ ? S_ATTR : S_TAG;
			if (pi > 2)
				fail(d, OMACP_E_WBXML_TOKEN, d->off_, (int)c);
			else if (d->sub_)
				d->attr_page_ = (uint8_t)pi;
			else
				d->tag_page_ = (uint8_t)pi;
			break;
		default: /* S_DONE */
			fail_here(d, OMACP_E_WBXML_STRUCTURE);
			break;
		}
		d->off_ += k;
		i += k;
	}
	return d->err_;
}

omacp_err omacp_wbxml_finish(omacp_wbxml_decoder *d)
{
	if (d->err_ == OMACP_OK && d->st_ != S_DONE)
		fail_here(d, OMACP_E_TRUNCATED);
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
	if (!d->hdr_done_)
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
	omacp_wbxml_decoder_init(&d, work, work_len,
	                         flags | OMACP_WBXML_STABLE_INPUT, fn, user);
	omacp_wbxml_feed(&d, p, n);
	e = omacp_wbxml_finish(&d);
	if (e != OMACP_OK && err_off)
		*err_off = d.err_off_;
	return e;
}
