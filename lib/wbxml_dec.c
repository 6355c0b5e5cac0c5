/*
 * PROV WBXML decoder: a state machine that keeps all of its state in the
 * decoder struct, so the input may be split anywhere and every split gives
 * the same events.  Tokens are taken one byte at a time; the bytes of the
 * string table, of inline strings (STR_I) and of OPAQUE data are taken as
 * runs (as much of the run as this call holds): checked as UTF-8 (a machine
 * word at a time while they are ASCII), then copied.
 *
 * Workspace layout: [string table copy][attribute values of the element
 * being decoded]; once a table is copied, work_ and work_len_ describe the
 * value area only.  With stable input (OMACP_WBXML_STABLE_INPUT) a table
 * that arrives in one piece is not copied.  Attribute value slices point
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
	S_TAG, S_ATTR, /* body tokens: these two first (st_ is the "attr" flag) */
	S_VERSION, S_MB, S_PAGE, S_DONE, S_ERR,
	/* runs */
	S_STRTBL, S_STRI, S_OPAQUE
};
/* What an mb_u_int32 is read for (header fields first; then the body
 * ones, numbered so that token() computes them: M_ENTITY + (c >> 6) for
 * ENTITY 0x02, STR_T 0x83, OPAQUE 0xC3, and M_LITTAG + the attr flag). */
enum {
	M_PUBID, M_PUBIDX, M_CHARSET, M_STRLEN,
	M_ENTITY, M_STRT = M_ENTITY + 2, M_OPQLEN, M_LITTAG, M_LITATTR
};
/* Attribute value modes: no part yet, one part in stable storage (token
 * strings, string table or stable input), copied to the value area. */
enum { V_NONE, V_STATIC, V_COPIED };

#ifndef __OPTIMIZE_SIZE__
/* Speed only: the consumer of a decoder given none (fn_ is never NULL, so
 * an event needs no test). */
static omacp_err no_consumer(void *user, const omacp_event *ev)
{
	(void)user;
	(void)ev;
	return OMACP_OK;
}
#endif

void omacp_wbxml_decoder_init(omacp_wbxml_decoder *d, uint8_t *work,
                              size_t work_len, unsigned flags,
                              omacp_event_fn fn, void *user)
{
	/* the fields from fn_ on are set below or written before they are
	 * read (pubidx_, remaining_, the per-level and per-attribute arrays) */
#define ZEROED_ offsetof(omacp_wbxml_decoder, fn_)
#ifndef __OPTIMIZE_SIZE__
	/* speed only: two halves are vector stores (x86-64: one memset of
	 * this size would be a rep stos) */
	memset(d, 0, ZEROED_ / 2);
	memset((char *)d + ZEROED_ / 2, 0, ZEROED_ - ZEROED_ / 2);
#else
	memset(d, 0, ZEROED_);
#endif
#undef ZEROED_
#ifndef __OPTIMIZE_SIZE__
	d->fn_ = fn ? fn : no_consumer;
#else
	d->fn_ = fn;
#endif
	d->user_ = user;
	d->work_ = work;
	d->work_len_ = work ? work_len : 0;
	d->flags_ = flags;
	d->err_token_ = -1;
	d->st_ = S_VERSION;
}

/* ------------------------------------------------------------- errors */

/*
 * The decoding steps return an error code; the first error is kept with the
 * offset in tok_off_ (the token being decoded, unless the step pointed it
 * elsewhere), and the state becomes S_ERR, which stops every loop.
 */
static void fail(omacp_wbxml_decoder *d, omacp_err e)
{
	if (d->err_ == OMACP_OK) {
		d->err_ = e;
		d->err_off_ = d->tok_off_;
	}
	d->st_ = S_ERR;
}

/* An error at byte offset off. */
static omacp_err at(omacp_wbxml_decoder *d, omacp_err e, size_t off)
{
	d->tok_off_ = off;
	return e;
}

/* Token c is unknown here. */
static omacp_err bad_token(omacp_wbxml_decoder *d, unsigned c)
{
	d->err_token_ = (int)c;
	return OMACP_E_WBXML_TOKEN;
}

/* ------------------------------------------------------------ helpers */

/* An mb_u_int32 follows (mb_ and mb_len_ are 0 between two). */
static void read_mb(omacp_wbxml_decoder *d, unsigned purpose)
{
	d->st_ = S_MB;
	d->sub_ = (uint8_t)purpose;
}

/* A header field (an mb_u_int32) starts at the next byte (called when the
 * previous field ends: the state is S_MB already). */
static void read_field(omacp_wbxml_decoder *d, unsigned purpose)
{
	d->tok_off_ = d->off_ + 1;
	d->sub_ = (uint8_t)purpose;
}

/* The NUL-terminated string at offset `off` of the string table; NULL when
 * out of range or unterminated. */
static const uint8_t *strtbl_str(const omacp_wbxml_decoder *d, uint32_t off,
                                 size_t *len)
{
	const uint8_t *s, *z;
	size_t n = d->hdr_.strtbl_len;
	if (off >= n)
		return NULL;
	s = d->tbl_ + off;
	z = memchr(s, 0, n - off);
	if (!z)
		return NULL;
	*len = (size_t)(z - s);
	return s;
}

/* ------------------------------------------------------------ events */

/*
 * Hand the event of open level k (open_[k], open_off_[k]) to the consumer:
 * START carries the attributes (which are then used up), END none.  A
 * consumer's error stops decoding, at the token that completed the element.
 */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
__attribute__((always_inline)) inline /* speed: into both callers */
#endif
static omacp_err emit(omacp_wbxml_decoder *d, omacp_event_kind kind,
                      unsigned k)
{
	omacp_event ev;
	omacp_err r = OMACP_OK;
	ev.kind = kind;
	ev.elem = (omacp_elem)d->open_[k];
	ev.depth = k;
	ev.n_attrs = d->n_attrs_;
	ev.attrs = ev.n_attrs ? d->attrs_ : NULL;
	ev.offset = d->open_off_[k];
	d->n_attrs_ = 0;
	if (d->fn_)
		r = d->fn_(d->user_, &ev);
	return r > 0 ? OMACP_E_CALLBACK : r;
}

/* The innermost open element ends. */
#ifdef __OPTIMIZE_SIZE__
__attribute__((noinline)) /* two call sites: smaller out of line */
#endif
static omacp_err close_elem(omacp_wbxml_decoder *d)
{
	unsigned k = --d->depth_;
	d->st_ = k ? S_TAG : S_DONE;
	return emit(d, OMACP_EV_END, k);
}

/* The attribute list (if any) is complete: START, and END if empty. */
static omacp_err element_ready(omacp_wbxml_decoder *d)
{
	unsigned k = d->depth_; /* (tag() filled open_[k], open_off_[k]) */
	omacp_err e;
	d->depth_ = (uint8_t)(k + 1);
	d->st_ = S_TAG;
	e = emit(d, OMACP_EV_START, k);
	if (e != OMACP_OK || (d->cur_flags_ & 0x40)) /* content follows */
		return e;
	return close_elem(d);
}

/* A tag token (or LITERAL*) c naming `elem` (0: none). */
#ifdef __OPTIMIZE_SIZE__
__attribute__((noinline)) /* two call sites: smaller out of line */
#elif defined(__GNUC__)
__attribute__((always_inline)) inline /* speed */
#endif
static omacp_err tag(omacp_wbxml_decoder *d, unsigned elem, unsigned c)
{
	unsigned k = d->depth_;
	if (elem == OMACP_ELEM_NONE)
		return bad_token(d, c);
	if ((elem == OMACP_ELEM_DOC) == d->root_seen_)
		return OMACP_E_WBXML_STRUCTURE;
	if (k > OMACP_MAX_DEPTH)
		return OMACP_E_WBXML_DEPTH;
	d->root_seen_ = 1;
	/* the next level: opened by element_ready() */
	d->open_[k] = (uint8_t)elem;
	d->open_off_[k] = d->tok_off_;
	d->cur_flags_ = (uint8_t)c;
	d->val_len_ = 0; /* (n_attrs_ is 0 in S_TAG: every event clears it) */
	if (!(c & 0x80))
		return element_ready(d);
	d->st_ = S_ATTR;
	return OMACP_OK;
}

/* --------------------------------------------------------- attributes */

/* A new attribute named name[0..nlen) whose value starts as token string
 * `pref` (0: empty, no value part yet). */
#ifdef __OPTIMIZE_SIZE__
__attribute__((noinline)) /* two call sites: smaller out of line */
#endif
static omacp_err attr_open(omacp_wbxml_decoder *d, const uint8_t *name,
                           size_t nlen, unsigned pref)
{
	omacp_attr *a = d->attrs_ + d->n_attrs_;
	if (a == d->attrs_ + OMACP_MAX_ATTRS)
		return OMACP_E_LIMIT;
	d->n_attrs_++;
	d->attr_ = a;
	a->name.ptr = name;
	a->name.len = nlen;
	a->value.ptr = omacp__wbxml_tstr(pref, &a->value.len);
	d->vmode_ = pref ? V_STATIC : V_NONE;
	return OMACP_OK;
}

/* The attribute being decoded. */
static omacp_attr *cur_attr(omacp_wbxml_decoder *d)
{
	return d->attr_;
}

/*
 * Append p[0..n) to the current value.  A value that was a slice of stable
 * storage first moves to the end of the value area, where the next parts
 * are appended.  (One room check for both: either way a part that does not
 * fit is OMACP_E_NOMEM at the token.)
 */
static omacp_err append(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	omacp_attr *a = cur_attr(d);
	uint8_t *end = d->work_ ? d->work_ + d->val_len_ : NULL; /* no NULL + 0 */
	size_t old = d->vmode_ == V_COPIED ? 0 : a->value.len;
	if (old + n > d->work_len_ - d->val_len_)
		return OMACP_E_NOMEM;
	if (d->vmode_ != V_COPIED) {
		if (old)
			memcpy(end, a->value.ptr, old);
		a->value.ptr = end;
		d->vmode_ = V_COPIED;
	}
	if (n)
		memcpy(end + old, p, n);
	d->val_len_ += old + n;
	a->value.len += n;
	return OMACP_OK;
}

/* A value part that lives in stable storage (token or string table). */
#ifdef __OPTIMIZE_SIZE__
__attribute__((noinline)) /* two call sites: smaller out of line */
#endif
static omacp_err part_static(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	omacp_attr *a = cur_attr(d);
	if (d->vmode_ != V_NONE)
		return append(d, p, n);
	a->value.ptr = p;
	a->value.len = n;
	d->vmode_ = V_STATIC;
	return OMACP_OK;
}

/* An ENTITY: code point cp as UTF-8. */
static omacp_err entity(omacp_wbxml_decoder *d, uint32_t cp)
{
	uint8_t b[4];
	unsigned i;
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return OMACP_E_WBXML_UTF8;
	i = omacp__utf8_put(cp, b);
	return append(d, b + i, 4 - i);
}

/* ---------------------------------------------------------------- runs */

/*
 * Bytes of an inline string (STR_I, up to and with its NUL) or of OPAQUE
 * data, d->off_ being the offset of p[0]: the same result as checking each
 * byte as UTF-8 and then appending it to the value area, one by one (a
 * valid byte that does not fit is OMACP_E_NOMEM, an invalid one
 * OMACP_E_WBXML_UTF8 at that byte).  Returns the bytes consumed.  An inline
 * string that is the first part of a value and ends (valid) in this piece
 * of stable input is taken in place.  A run only ends without error outside
 * a UTF-8 sequence, so the check state needs no reset: utf_[0] (bytes still
 * needed) is 0 between runs, and then the rest of utf_ is not read.
 */
static size_t run_value(omacp_wbxml_decoder *d, const uint8_t *p, size_t avail)
{
	int opq = d->st_ == S_OPAQUE;
	size_t lim = opq && d->remaining_ < avail ? d->remaining_ : avail;
	size_t k = omacp__utf8_scan(d->utf_, p, lim);
	/* stopped at the NUL that ends an inline string */
	int end = k < lim && !opq && !p[k] && !d->utf_[0];
	omacp_err e = OMACP_OK;
	if (end && d->vmode_ == V_NONE && (d->flags_ & OMACP_WBXML_STABLE_INPUT)) {
		omacp_attr *a = cur_attr(d);
		a->value.ptr = p;
		a->value.len = k;
		d->vmode_ = V_STATIC;
	} else {
		e = append(d, p, k);
	}
	if (e == OMACP_OK && k < lim) {
		if (end) {
			d->st_ = S_ATTR;
			return k + 1;
		}
		e = at(d, OMACP_E_WBXML_UTF8, d->off_ + k);
	} else if (e == OMACP_OK && opq && (d->remaining_ -= k) == 0) {
		d->st_ = S_ATTR;
		if (d->utf_[0]) /* a sequence open at the end */
			e = at(d, OMACP_E_WBXML_UTF8, d->off_ + k - 1);
	}
	if (e != OMACP_OK)
		fail(d, e);
	return k;
}

/* -------------------------------------------------- mb_u_int32 complete */

static omacp_err strtbl_done(omacp_wbxml_decoder *d)
{
	d->st_ = S_TAG;
	if (d->hdr_.public_id == 0) {
		size_t n;
		const uint8_t *s = strtbl_str(d, d->pubidx_, &n);
		d->tok_off_ = 1; /* public id errors: at the public id */
		if (!s)
			return OMACP_E_WBXML_STRTBL;
		if (strcmp((const char *)s, OMACP__WB_PROV_PUBID) != 0) /* s ends in the table */
			return OMACP_E_WBXML_PUBID;
	}
	d->hdr_done_ = 1;
#ifndef __OPTIMIZE_SIZE__
	/* speed only: an all-ASCII table needs no UTF-8 check per STR_T */
	d->tbl_ascii_ = omacp__ascii_only(d->tbl_, d->hdr_.strtbl_len);
#endif
	return OMACP_OK;
}

static omacp_err mb_done(omacp_wbxml_decoder *d, uint32_t v)
{
	const uint8_t *s;
	size_t n;
	unsigned sub = d->sub_;
	if (sub >= M_ENTITY) /* a value part or a literal name: back to the body */
		d->st_ = S_ATTR;
	switch (sub) {
	case M_PUBID:
		d->hdr_.public_id = v;
		if (v == 0) {
			d->sub_ = M_PUBIDX; /* (the state is S_MB) */
			return OMACP_OK;
		}
		if (v != 0x0B && !(v == 0x01 && (d->flags_ & OMACP_WBXML_ASSUME_PROV)))
			return at(d, OMACP_E_WBXML_PUBID, 1);
		break;
	case M_PUBIDX:
		d->pubidx_ = v;
		break;
	case M_CHARSET: /* (hdr_.charset is already 106: seen only when valid) */
		if (v != 106)
			return OMACP_E_WBXML_CHARSET;
		read_field(d, M_STRLEN);
		return OMACP_OK;
	case M_STRLEN:
		if (v > d->work_len_ && !(d->flags_ & OMACP_WBXML_STABLE_INPUT))
			return OMACP_E_NOMEM;
		d->hdr_.strtbl_len = v;
		d->st_ = S_STRTBL;
		return v ? OMACP_OK : strtbl_done(d);
	case M_ENTITY:
		return entity(d, v);
	case M_OPQLEN:
		if (v)
			d->st_ = S_OPAQUE;
		d->remaining_ = v;
		return append(d, NULL, 0);
	default: /* STR_T, LITERAL: a string-table reference */
		s = strtbl_str(d, v, &n);
		if (!s)
			return OMACP_E_WBXML_STRTBL;
#ifndef __OPTIMIZE_SIZE__
		if (!d->tbl_ascii_) /* (an ASCII string without NUL is valid) */
#endif
		if (omacp__utf8_scan(d->utf_, s, n) != n || d->utf_[0])
			return OMACP_E_WBXML_UTF8;
		if (sub == M_STRT)
			return part_static(d, s, n);
		if (sub == M_LITATTR)
			return attr_open(d, s, n, 0);
		return tag(d, omacp_elem_lookup((const char *)s, n), d->tok_);
	}
	/* after the public id (and its string index): WBXML 1.0 has no
	 * charset field, UTF-8 is assumed */
	d->hdr_.charset = 106;
	read_field(d, d->hdr_.version ? M_CHARSET : M_STRLEN);
	return OMACP_OK;
}

/* ------------------------------------------------------------- tokens */

/* An attribute token other than a global one. */
static omacp_err attr_token(omacp_wbxml_decoder *d, unsigned c)
{
	/* { first, number, base } of the start tokens, then of the values */
	const uint8_t *g = omacp__wbxml_pg[d->page_[1]];
	const uint8_t *s;
	size_t len;
	unsigned k, id;
	if (c < 0x80) { /* attribute start */
		k = c - g[0];
		if (k < g[1] && (id = omacp__wbxml_start_name[k += g[2]]) != 0) {
			s = omacp__wbxml_tstr(id, &len);
			return attr_open(d, s, len, omacp__wbxml_start_pref[k]);
		}
	} else if (d->n_attrs_) { /* attribute value */
		k = c - g[3];
		if (k < g[4] && (id = omacp__wbxml_value[k + g[5]]) != 0) {
			s = omacp__wbxml_tstr(id, &len);
			return part_static(d, s, len);
		}
	} else { /* a value part outside an attribute */
		return OMACP_E_WBXML_STRUCTURE;
	}
	return bad_token(d, c);
}

/* Token c at d->tok_off_ in state S_TAG or S_ATTR. */
static omacp_err token(omacp_wbxml_decoder *d, unsigned c)
{
	unsigned attr = d->st_; /* S_ATTR is 1 */
	if ((c & 0x3F) >= 0x05)
		return attr ? attr_token(d, c) : tag(d, omacp__wbxml_tag_elem(c, d->page_[0]), c);
	switch (c) { /* global tokens */
	case OMACP__WB_SWITCH_PAGE:
		d->st_ = S_PAGE;
		d->sub_ = (uint8_t)attr;
		return OMACP_OK;
	case OMACP__WB_END:
		if (attr)
			return element_ready(d);
		if (d->depth_)
			return close_elem(d);
		return OMACP_E_WBXML_STRUCTURE;
	case OMACP__WB_ENTITY:
	case OMACP__WB_STR_I:
	case OMACP__WB_STR_T:
	case OMACP__WB_OPAQUE:
		/* a value part: text content (PROV elements hold only
		 * elements; in S_TAG n_attrs_ is 0), or outside an attribute */
		if (!d->n_attrs_)
			return OMACP_E_WBXML_STRUCTURE;
		read_mb(d, M_ENTITY + (c >> 6)); /* (sub_ unused in S_STRI) */
		if (c == OMACP__WB_STR_I)
			d->st_ = S_STRI;
		return OMACP_OK;
	case 0x44: case 0x84: case 0xC4: /* LITERAL_C, _A, _AC: tags only */
		if (attr)
			break;
		/* fall through */
	case OMACP__WB_LITERAL:
		d->tok_ = (uint8_t)c;
		read_mb(d, M_LITTAG + attr);
		return OMACP_OK;
	default: /* EXT_*, PI */
		break;
	}
	return bad_token(d, c);
}

#ifndef __OPTIMIZE_SIZE__
/* The event of open level k with the na attributes of attrs_ (emit()
 * without the decoder's n_attrs_). */
static inline omacp_err emit_n(omacp_wbxml_decoder *d, omacp_event_kind kind,
                               unsigned k, size_t na)
{
	omacp_event ev;
	omacp_err r;
	ev.kind = kind;
	ev.elem = (omacp_elem)d->open_[k];
	ev.depth = k;
	ev.n_attrs = na;
	ev.attrs = na ? d->attrs_ : NULL;
	ev.offset = d->open_off_[k];
	r = d->fn_(d->user_, &ev); /* (never NULL in speed builds) */
	return r > 0 ? OMACP_E_CALLBACK : r;
}

/*
 * Speed only (feed() gives the same token by token): body tokens from p[i]
 * on, while the state is S_TAG or S_ATTR; returns the index after the last
 * byte taken.  The common tokens that succeed (tags, END, attribute starts,
 * value tokens, SWITCH_PAGE, the first STR_I or STR_T of a value) are
 * decoded here with the state they change most in locals (the rest, code
 * pages, value mode and current attribute, stays in the decoder: fewer
 * registers live across the consumer calls); any other token, and any
 * that fails, goes to token() once the locals are stored back.
 */
static size_t body(omacp_wbxml_decoder *d, const uint8_t *p, size_t i, size_t n)
{
	size_t base = d->off_ - i, na = d->n_attrs_, t;
	unsigned attr = d->st_, depth = d->depth_, c, k;
	const uint8_t *s;
	const omacp__wbxml_tokx *x;
	omacp_err e = OMACP_OK;
	while (i < n) {
		t = i; /* the token's index */
		c = p[i];
		if ((c & 0x3F) >= 0x05) {
			if (!attr) { /* a tag: tag() */
				k = omacp__wbxml_tag_elem(c, d->page_[0]);
				if (k == OMACP_ELEM_NONE || (k == OMACP_ELEM_DOC) == d->root_seen_ ||
				    depth > OMACP_MAX_DEPTH)
					goto slow;
				d->root_seen_ = 1;
				d->open_[depth] = (uint8_t)k;
				d->open_off_[depth] = base + i;
				d->cur_flags_ = (uint8_t)c;
				d->val_len_ = 0;
				i++;
				if (c & 0x80) {
					attr = 1;
					continue;
				}
				goto ready;
			}
			x = &omacp__wbxml_tokx_pg[d->page_[1]][c];
			if (c < 0x80) { /* attribute start: attr_token(), attr_open() */
				if (x->nlen == 0 || na == OMACP_MAX_ATTRS)
					goto slow;
				omacp_attr *a = d->attr_ = d->attrs_ + na++;
				a->name.ptr = (const uint8_t *)omacp__wbxml_str + x->noff;
				a->name.len = x->nlen;
				a->value.ptr = (const uint8_t *)omacp__wbxml_str + x->poff;
				a->value.len = x->plen;
				d->vmode_ = x->plen ? V_STATIC : V_NONE;
				i++;
				continue;
			}
			/* a value token, the first part of a value: part_static() */
			if (!na || d->vmode_ != V_NONE || x->nlen == 0)
				goto slow;
			d->attr_->value.ptr = (const uint8_t *)omacp__wbxml_str + x->noff;
			d->attr_->value.len = x->nlen;
			d->vmode_ = V_STATIC;
			i++;
			continue;
		}
		if (c == OMACP__WB_END) {
			i++;
			if (attr)
				goto ready;
			if (!depth)
				goto slow_back;
			goto close;
		}
		if (c == OMACP__WB_SWITCH_PAGE && n - i >= 2) {
			k = p[i + 1];
			if (k > 1 && k != OMACP__WB_PAGE_WM)
				goto slow;
			d->page_[attr] = (uint8_t)(k > 1 ? 2 : k);
			i += 2;
			continue;
		}
		if (!na || d->vmode_ != V_NONE)
			goto slow;
		if (c == OMACP__WB_STR_I && (d->flags_ & OMACP_WBXML_STABLE_INPUT)) {
			/* in place: run_value() */
			uint8_t st[3] = { 0, 0, 0 };
			size_t m = n - i - 1;
			s = p + i + 1;
			/* an ASCII prefix here (bytes 0x01..0x7F), the rest by
			 * omacp__utf8_scan (the state after ASCII is the
			 * initial one) */
			t = omacp__ascii_run(s, m);
			if (t < m && s[t])
				t += omacp__utf8_scan(st, s + t, m - t);
			if (t == m || s[t] || st[0]) {
				t = i;
				goto slow;
			}
			d->attr_->value.ptr = s;
			d->attr_->value.len = t;
			d->vmode_ = V_STATIC;
			i += t + 2;
			continue;
		}
		if (c == OMACP__WB_STR_T && n - i >= 3 && !(p[i + 1] & p[i + 2] & 0x80)) {
			/* an index of one or two bytes: mb_done() */
			size_t len;
			uint32_t v = p[i + 1];
			k = 2;
			if (v & 0x80) {
				v = (v & 0x7F) << 7 | p[i + 2];
				k = 3;
			}
			s = strtbl_str(d, v, &len);
			if (!s || (!d->tbl_ascii_ && !omacp__utf8_ok(s, len)))
				goto slow;
			d->attr_->value.ptr = s;
			d->attr_->value.len = len;
			d->vmode_ = V_STATIC;
			i += k;
			continue;
		}
		goto slow;

	ready: /* element_ready(): START, and END if there is no content */
		attr = 0;
		depth++;
		e = emit_n(d, OMACP_EV_START, depth - 1, na);
		na = 0;
		if (e != OMACP_OK)
			break;
		if (d->cur_flags_ & 0x40)
			continue;
	close: /* close_elem() */
		depth--;
		e = emit_n(d, OMACP_EV_END, depth, 0);
		if (e != OMACP_OK || depth == 0)
			break;
		continue;

	slow:
		i++;
	slow_back: /* the token at t (i is t + 1) goes to token() */
		d->st_ = (uint8_t)attr;
		d->depth_ = (uint8_t)depth;
		d->n_attrs_ = na;
		d->tok_off_ = base + t;
		e = token(d, c);
		if (e != OMACP_OK) {
			fail(d, e);
		} else if (d->st_ == S_STRI) {
			d->off_ = base + i;
			i += run_value(d, p + i, n - i);
		}
		if (d->st_ > S_ATTR) {
			d->off_ = base + i;
			return i;
		}
		attr = d->st_;
		depth = d->depth_;
		na = d->n_attrs_;
	}
	/* (depth 0 in S_TAG after the root: the root is closed) */
	d->st_ = (uint8_t)(!attr && !depth && d->root_seen_ ? S_DONE : attr);
	d->depth_ = (uint8_t)depth;
	d->n_attrs_ = na;
	if (e != OMACP_OK) { /* a consumer's error, at the token at t */
		d->tok_off_ = base + t;
		fail(d, e);
	}
	d->off_ = base + i;
	return i;
}
#endif

/* ----------------------------------------------------------------- feed */

omacp_err omacp_wbxml_feed(omacp_wbxml_decoder *d, const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	unsigned c, pi;
	omacp_err e;
	while (i < n) {
		c = p[i];
		k = 1;
		e = OMACP_OK;
		switch (d->st_) {
		case S_ERR:
			return d->err_;
		case S_ATTR:
		case S_TAG:
#ifndef __OPTIMIZE_SIZE__
			i = body(d, p, i, n);
			continue;
#else
			d->tok_off_ = d->off_;
			e = token(d, c);
			break;
#endif
		case S_STRI:
		case S_OPAQUE:
			k = run_value(d, p + i, n - i);
			break;
		case S_STRTBL:
			k = d->hdr_.strtbl_len - d->strtbl_got_;
			if (!d->strtbl_got_ && k <= n - i &&
			    (d->flags_ & OMACP_WBXML_STABLE_INPUT)) {
				d->tbl_ = p + i; /* whole and stable: in place */
				e = strtbl_done(d);
				break;
			}
			if (d->hdr_.strtbl_len > d->work_len_) { /* stable, split */
				e = OMACP_E_NOMEM;
				break;
			}
			if (k > n - i)
				k = n - i;
			memcpy(d->work_ + d->strtbl_got_, p + i, k);
			d->strtbl_got_ += k;
			if (d->strtbl_got_ == d->hdr_.strtbl_len) {
				/* the value area is the rest of the workspace */
				d->tbl_ = d->work_;
				d->work_ += d->strtbl_got_;
				d->work_len_ -= d->strtbl_got_;
				e = strtbl_done(d);
			}
			break;
		case S_MB:
			/* more than 32 bits, or more than 5 bytes */
			if ((d->mb_ >> 25) != 0 || (d->mb_len_ == 4 && (c & 0x80))) {
				e = at(d, OMACP_E_WBXML_MBUINT, d->off_);
				break;
			}
			d->mb_ = d->mb_ << 7 | (c & 0x7Fu);
			d->mb_len_++;
			if (!(c & 0x80)) {
				uint32_t v = d->mb_;
				d->mb_ = 0;
				d->mb_len_ = 0;
				e = mb_done(d, v);
			}
			break;
		case S_VERSION:
			if (c > 0x03) {
				e = at(d, OMACP_E_WBXML_VERSION, d->off_);
				break;
			}
			d->hdr_.version = (uint8_t)c;
			read_mb(d, M_PUBID);
			break;
		case S_PAGE:
			/* code page index: 0, 1, 200 -> 0, 1, 2 */
			pi = omacp__wbxml_page_index(c);
			d->st_ = d->sub_; /* S_TAG or S_ATTR */
			d->page_[d->sub_] = (uint8_t)pi;
			if (pi > 2)
				e = at(d, bad_token(d, c), d->off_);
			break;
		default: /* S_DONE */
			e = at(d, OMACP_E_WBXML_STRUCTURE, d->off_);
			break;
		}
		if (e != OMACP_OK)
			fail(d, e);
		d->off_ += k;
		i += k;
	}
	return d->err_;
}

omacp_err omacp_wbxml_finish(omacp_wbxml_decoder *d)
{
	if (d->st_ != S_DONE)
		fail(d, at(d, OMACP_E_TRUNCATED, d->off_));
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
	size_t i = 0;
	omacp_wbxml_decoder_init(&d, work, work_len,
	                         flags | OMACP_WBXML_STABLE_INPUT, fn, user);
#ifndef __OPTIMIZE_SIZE__
	/* speed only: the usual header (version 1.1 - 1.3, public id 0x0B,
	 * UTF-8, a string table shorter than 128 bytes) at once; the same
	 * state as feed() reaches after it */
	if (n >= 4 && p[0] - 1u <= 2u && p[1] == 0x0B && p[2] == 106 && p[3] < 0x80 &&
	    (i = 4u + p[3]) <= n) {
		d.hdr_.version = p[0];
		d.hdr_.public_id = 0x0B;
		d.hdr_.charset = 106;
		d.hdr_.strtbl_len = p[3];
		d.tbl_ = p[3] ? p + 4 : NULL;
		d.sub_ = M_STRLEN;
		d.tok_off_ = 3;
		d.off_ = i;
		/* strtbl_done() for public id 0x0B */
		d.st_ = S_TAG;
		d.hdr_done_ = 1;
		d.tbl_ascii_ = omacp__ascii_only(p + 4, p[3]);
	} else {
		i = 0;
	}
#endif
	omacp_wbxml_feed(&d, p + i, n - i);
	e = omacp_wbxml_finish(&d);
	if (e != OMACP_OK && err_off)
		*err_off = d.err_off_;
	return e;
}
