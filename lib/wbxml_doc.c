/*
 * Whole-buffer PROV WBXML straight into a document tree: one pass over the
 * bytes with the decoding state in locals, no events, no attribute buffer.
 * It accepts and rejects exactly what omacp_wbxml_decode() + the doc builder
 * do (same error codes and offsets; see wbxml.h for the list and the
 * choices), and builds the same tree; it only needs less memory, because
 * nothing is staged outside the arena.
 *
 * Arena layout (as the doc builder's): nodes, each followed by its attribute
 * array, grow up from the aligned start (lo: the first free byte); values
 * built of several parts grow down from the end (hi: the end of the free
 * bytes).  A name or value that is one token, one string-table entry or one
 * inline string is a slice of the token tables or of the input.  The
 * element being opened (nd) joins the tree at once (a failure leaves no
 * tree at all) and gets its attributes at the bottom as they arrive.  When
 * something of it does not fit, nd becomes NULL and the free space is
 * closed (lo = hi); the NOMEM is reported when the attribute list is
 * complete, where the builder would have reported it, so that a decoding
 * error in the rest of the list still takes precedence.
 *
 * The body is two loops, one per decoder state (between tags; in an
 * attribute list), so that each keeps only its own variables live.
 */
#include <string.h>
#include "omacp/doc.h"
#include "omacp/wbxml.h"
#include "wbxml_int.h"

#define ALIGN (sizeof(omacp_doc_align_))

/* Attribute value modes: no part yet, one part in stable storage (token
 * strings, string table or input), parts concatenated at the arena top. */
enum { V_NONE, V_STATIC, V_COPIED };

/*
 * An mb_u_int32 from q on (before end) into *v: returns the position after
 * it with *e OMACP_OK, or the position of the error with *e MBUINT (the
 * byte where it became too long or too large) or TRUNCATED (end).
 */
static const uint8_t *mb(const uint8_t *q, const uint8_t *end, uint32_t *v,
                         omacp_err *e)
{
	uint32_t x = 0;
	unsigned len = 0, c;
	for (;; q++) {
		if (q == end) {
			*e = OMACP_E_TRUNCATED;
			return q;
		}
		c = *q;
		if ((x >> 25) != 0 || (len == 4 && (c & 0x80))) {
			*e = OMACP_E_WBXML_MBUINT;
			return q;
		}
		x = x << 7 | (c & 0x7Fu);
		len++;
		if (!(c & 0x80))
			break;
	}
	*v = x;
	*e = OMACP_OK;
	return q + 1;
}

/* The string-table entry at offset off, checked as UTF-8 (unless the table
 * is all ASCII: ascii) into *s: STRTBL when out of range or unterminated,
 * UTF8 when not valid. */
static omacp_err strtbl_ref(const uint8_t *tbl, size_t tlen, int ascii,
                            uint32_t off, omacp_slice *s)
{
	const uint8_t *z;
	uint8_t st[3] = { 0, 0, 0 };
	if (off >= tlen || (z = memchr(tbl + off, 0, tlen - off)) == NULL)
		return OMACP_E_WBXML_STRTBL;
	s->ptr = tbl + off;
	s->len = (size_t)(z - s->ptr);
	if (!ascii && (omacp__utf8_scan(st, s->ptr, s->len) != s->len || st[0]))
		return OMACP_E_WBXML_UTF8;
	return OMACP_OK;
}

/*
 * Append s[0..len) to value v (in mode vmode) in the free bytes [lo, hi):
 * the value moves to (or, when already copied, grows down at) the top.
 * Returns the new hi, or NULL when it does not fit.
 */
static uint8_t *append(omacp_slice *v, unsigned vmode, uint8_t *lo, uint8_t *hi,
                       const uint8_t *s, size_t len)
{
	size_t old = v->len;
	uint8_t *dst;
	if (vmode != V_COPIED) {
		if (old + len > (size_t)(hi - lo))
			return NULL;
		dst = hi - (old + len);
		if (old)
			memcpy(dst, v->ptr, old);
	} else { /* the value is the lowest string at the top: move it down */
		if (len > (size_t)(hi - lo))
			return NULL;
		dst = hi - len;
		memmove(dst, v->ptr, old);
	}
	if (len)
		memcpy(dst + old, s, len);
	v->ptr = dst;
	v->len = old + len;
	return dst;
}

/*
 * An inline string from q on: its length (q[len] is its NUL) or, when it
 * is not valid UTF-8 or not terminated before end, (size_t)-1 with *bad at
 * the offending byte (end: unterminated).
 */
static inline size_t str_i(const uint8_t *q, const uint8_t *end, const uint8_t **bad)
{
	uint8_t st[3] = { 0, 0, 0 };
	size_t k;
#ifndef __OPTIMIZE_SIZE__
	/* speed only: plain ASCII up to the NUL */
	k = omacp__ascii_run(q, (size_t)(end - q));
	if (q + k < end && q[k] == 0)
		return k;
#endif
	k = omacp__utf8_scan(st, q, (size_t)(end - q));
	if (q + k == end || q[k] != 0 || st[0]) {
		*bad = q + k;
		return (size_t)-1;
	}
	return k;
}

/* ------------------------------------------------------------ header */

/* Version, public id, charset and string table of p[0..n): OMACP_OK with
 * *body at the first body byte and the table in *tbl, or the error with
 * *err_off. */
static omacp_err header(const uint8_t *p, size_t n, unsigned flags,
                        const uint8_t **body, omacp_slice *tbl, size_t *err_off)
{
	const uint8_t *q = p + 1, *end = p + n, *at;
	uint32_t pubid, idx = 0, v;
	omacp_err e;
	*err_off = 0;
	if (n == 0)
		return OMACP_E_TRUNCATED;
	if (p[0] > 0x03)
		return OMACP_E_WBXML_VERSION;
	if ((q = mb(q, end, &pubid, &e)), e != OMACP_OK)
		goto at_q;
	if (pubid == 0) {
		if ((q = mb(q, end, &idx, &e)), e != OMACP_OK)
			goto at_q;
	} else if (pubid != 0x0B && !(pubid == 0x01 && (flags & OMACP_WBXML_ASSUME_PROV))) {
		*err_off = 1;
		return OMACP_E_WBXML_PUBID;
	}
	if (p[0] != 0) { /* WBXML 1.0 has no charset field: UTF-8 is assumed */
		at = q;
		if ((q = mb(q, end, &v, &e)), e != OMACP_OK)
			goto at_q;
		if (v != 106) {
			*err_off = (size_t)(at - p);
			return OMACP_E_WBXML_CHARSET;
		}
	}
	if ((q = mb(q, end, &v, &e)), e != OMACP_OK)
		goto at_q;
	if (v > (size_t)(end - q)) {
		*err_off = n;
		return OMACP_E_TRUNCATED;
	}
	tbl->ptr = q;
	tbl->len = v;
	*body = q + v;
	if (pubid == 0) {
		const uint8_t *z;
		*err_off = 1;
		if (idx >= v || (z = memchr(q + idx, 0, v - idx)) == NULL)
			return OMACP_E_WBXML_STRTBL;
		if ((size_t)(z - (q + idx)) != sizeof OMACP__WB_PROV_PUBID - 1 ||
		    memcmp(q + idx, OMACP__WB_PROV_PUBID, sizeof OMACP__WB_PROV_PUBID - 1) != 0)
			return OMACP_E_WBXML_PUBID;
	}
	return OMACP_OK;
at_q:
	*err_off = (size_t)(q - p);
	return e;
}

/* -------------------------------------------------------------- body */

omacp_err omacp_wbxml_decode_doc(const uint8_t *p, size_t n, unsigned flags,
                                 omacp_doc *doc, uint8_t *work, size_t work_len,
                                 size_t *err_off)
{
	const uint8_t *q = p, *end = p + n, *tok = p, *bad = NULL;
	omacp_slice tbl = { NULL, 0 }, ts; /* the string table; a reference into it */
	const uint8_t *sp, *pp;         /* a name or value part: sp[0..sl); */
	size_t sl, pl;                  /* a value prefix: pp[0..pl) */
#ifndef __OPTIMIZE_SIZE__ /* the attribute code page */
	const omacp__wbxml_tokx *gx = omacp__wbxml_tokx_pg[0];
#else
	const uint8_t *g = omacp__wbxml_pg[0];
#endif
	uint8_t *base, *lo, *hi;
	omacp_node *nd = NULL, *cur = NULL, *last = NULL;
	omacp_attr *a = NULL, spare;
	uint8_t ent[4];                 /* an ENTITY's UTF-8 */
	size_t n_nodes = 0, mis, pad, eoff, k;
	unsigned depth = 0, tpage = 0, na = 0, vmode = V_NONE, c, elem;
	unsigned lab = 0;               /* the node's label_ so far: see below */
	int ascii = 0;                  /* the string table holds only ASCII */
	uint32_t v;
	omacp_err e;

	if (doc == NULL || (p == NULL && n != 0))
		return OMACP_E_ARG;
	memset(doc, 0, sizeof *doc);
	if (!work) { /* no arena: an empty one (no NULL arithmetic) */
		work = ent;
		work_len = 0;
	}
	mis = (size_t)((uintptr_t)work % ALIGN);
	pad = mis ? ALIGN - mis : 0;
	if (pad > work_len)
		pad = work_len;
	base = lo = work + pad;
	hi = work + work_len;
	e = header(p, n, flags, &q, &tbl, &eoff);
	if (e != OMACP_OK)
		goto out;
#ifndef __OPTIMIZE_SIZE__
	ascii = omacp__ascii_only(tbl.ptr, tbl.len); /* references need no check */
#endif

	/* ---- between tags */
	for (;;) {
		if (q == end)
			goto truncated;
		tok = q;
		c = *q++;
		if ((c & 0x3F) >= 0x05) {
			elem = omacp__wbxml_tag_elem(c, tpage);
		} else {
			switch (c) { /* global tokens */
			case OMACP__WB_SWITCH_PAGE:
				if (q == end)
					goto truncated;
				tpage = omacp__wbxml_page_index(*q++);
				if (tpage > 2) {
					tok = q - 1;
					goto bad_token;
				}
				continue;
			case OMACP__WB_END:
				if (cur == NULL)
					goto structure;
				last = cur;
				cur = cur->parent;
				depth--;
				if (cur == NULL)
					goto done;
				continue;
			case OMACP__WB_LITERAL:
			case 0x44: case 0x84: case 0xC4: /* LITERAL_C, _A, _AC */
				if ((q = mb(q, end, &v, &e)), e != OMACP_OK) {
					tok = q;
					goto fail;
				}
				if ((e = strtbl_ref(tbl.ptr, tbl.len, ascii, v, &ts)) != OMACP_OK)
					goto fail;
				elem = omacp_elem_lookup((const char *)ts.ptr, ts.len);
				break;
			case OMACP__WB_ENTITY: /* text content */
			case OMACP__WB_STR_I:
			case OMACP__WB_STR_T:
			case OMACP__WB_OPAQUE:
				goto structure;
			default: /* EXT_*, PI */
				goto bad_token;
			}
		}

		/* ---- tag c opens elem: the node at the bottom */
		if (elem == OMACP_ELEM_NONE)
			goto bad_token;
		if ((elem == OMACP_ELEM_DOC) == (cur != NULL)) { /* root first, once */
			goto structure;
		}
		if (depth > OMACP_MAX_DEPTH) {
			e = OMACP_E_WBXML_DEPTH;
			goto fail;
		}
		na = 0;
		lab = 0;
		nd = (omacp_node *)(void *)lo;
		if (sizeof(omacp_node) <= (size_t)(hi - lo)) {
			lo += sizeof(omacp_node);
			nd->elem = (uint8_t)elem;
			nd->depth = (uint8_t)depth;
			nd->offset = (size_t)(tok - p);
			nd->parent = cur;
			nd->first = NULL;
			nd->next = NULL;
			if (last != NULL)
				last->next = nd;
			else if (cur != NULL)
				cur->first = nd;
		} else {
			nd = NULL;
			lo = hi;
		}
		n_nodes++;

		/* ---- its attribute list */
		if (c & 0x80) {
			for (;;) {
				if (q == end)
					goto truncated;
				tok = q;
				k = *q++;
#ifndef __OPTIMIZE_SIZE__ /* speed: a token's strings resolved at once */
				if (gx[k].nlen != 0) {
					sp = (const uint8_t *)omacp__wbxml_str + gx[k].noff;
					sl = gx[k].nlen;
					if (k < 0x80) { /* attribute start */
						pp = (const uint8_t *)omacp__wbxml_str + gx[k].poff;
						pl = gx[k].plen;
						if (na == 0)
							lab = gx[k].pnum;
						goto attr_open;
					}
					if (na == 0) /* a value part outside an attribute */
						goto structure;
					goto part;
				}
				if (k == OMACP__WB_END) /* the usual end of the list */
					goto ready;
				if ((k & 0x3F) >= 0x05) { /* not a token of this page */
					if (k >= 0x80 && na == 0) /* a value outside an attribute */
						goto structure;
					goto bad_token;
				}
#else
				if ((k & 0x3F) >= 0x05) {
					unsigned id;
					if (k < 0x80) { /* attribute start */
						k -= g[0];
						if (k >= g[1] || (id = omacp__wbxml_start_name[k += g[2]]) == 0)
							goto bad_token;
						sp = omacp__wbxml_tstr(id, &sl);
						pp = omacp__wbxml_tstr(omacp__wbxml_start_pref[k], &pl);
						goto attr_open;
					}
					if (na == 0) { /* a value part outside an attribute */
						goto structure;
					}
					k -= g[3];
					if (k >= g[4] || (id = omacp__wbxml_value[k + g[5]]) == 0)
						goto bad_token;
					sp = omacp__wbxml_tstr(id, &sl);
					goto part;
				}
#endif
				switch (k) { /* global tokens */
				case OMACP__WB_SWITCH_PAGE:
					if (q == end)
						goto truncated;
					if ((k = omacp__wbxml_page_index(*q++)) > 2) {
						tok = q - 1;
						goto bad_token;
					}
#ifndef __OPTIMIZE_SIZE__
					gx = omacp__wbxml_tokx_pg[k];
#else
					g = omacp__wbxml_pg[k];
#endif
					continue;
				case OMACP__WB_END:
					goto ready;
				case OMACP__WB_LITERAL: /* an attribute name from the table */
					if ((q = mb(q, end, &v, &e)), e != OMACP_OK) {
						tok = q;
						goto fail;
					}
					if ((e = strtbl_ref(tbl.ptr, tbl.len, ascii, v, &ts)) != OMACP_OK)
						goto fail;
					sp = ts.ptr;
					sl = ts.len;
					pp = omacp__wbxml_tstr(0, &pl);
					lab = 0; /* a name without a token, such as "mwid" */
					goto attr_open;
				case OMACP__WB_STR_I:
					if (na == 0)
						goto structure;
					sp = q;
					if ((sl = str_i(q, end, &bad)) == (size_t)-1) {
						tok = bad;
						e = bad == end ? OMACP_E_TRUNCATED : OMACP_E_WBXML_UTF8;
						goto fail;
					}
					q += sl + 1;
					goto part;
				case OMACP__WB_ENTITY:
				case OMACP__WB_STR_T:
				case OMACP__WB_OPAQUE:
					if (na == 0)
						goto structure;
					if ((q = mb(q, end, &v, &e)), e != OMACP_OK) {
						tok = q;
						goto fail;
					}
					break;
				default: /* EXT_*, PI, LITERAL_C/_A/_AC */
					goto bad_token;
				}

				/* ENTITY, STR_T or OPAQUE with its number v */
				if (k == OMACP__WB_STR_T) {
					if ((e = strtbl_ref(tbl.ptr, tbl.len, ascii, v, &ts)) != OMACP_OK)
						goto fail;
					sp = ts.ptr;
					sl = ts.len;
					goto part;
				}
				if (k == OMACP__WB_ENTITY) { /* code point v as UTF-8 */
					unsigned i;
					if (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
						e = OMACP_E_WBXML_UTF8;
						goto fail;
					}
					i = omacp__utf8_put(v, ent);
					sp = ent + i;
					sl = 4 - i;
					goto copy;
				}
				/* OPAQUE: v bytes of UTF-8 without NUL */
				{
					uint8_t st[3] = { 0, 0, 0 };
					size_t avail = (size_t)(end - q) < v ? (size_t)(end - q) : v;
					size_t j = omacp__utf8_scan(st, q, avail);
					if (j < avail) {
						tok = q + j;
						e = OMACP_E_WBXML_UTF8;
						goto fail;
					}
					if (avail < v) {
						tok = end;
						e = OMACP_E_TRUNCATED;
						goto fail;
					}
					if (st[0]) {
						tok = q + v - 1;
						e = OMACP_E_WBXML_UTF8;
						goto fail;
					}
					sp = q;
					sl = v;
					q += v;
				}
				goto copy;

			attr_open: /* name sp[0..sl), value prefix pp[0..pl) (pl 0: none) */
				if (na == OMACP_MAX_ATTRS) {
					e = OMACP_E_LIMIT;
					goto fail;
				}
				na++;
				if (sizeof(omacp_attr) <= (size_t)(hi - lo)) {
					a = (omacp_attr *)(void *)lo;
					lo += sizeof(omacp_attr);
				} else {
					a = &spare;
					nd = NULL;
					lo = hi;
				}
				a->name.ptr = sp;
				a->name.len = sl;
				a->value.ptr = pp;
				a->value.len = pl;
				vmode = pl ? V_STATIC : V_NONE;
				continue;

			part: /* value part s in stable storage */
				if (vmode == V_NONE) {
					a->value.ptr = sp;
					a->value.len = sl;
					vmode = V_STATIC;
					continue;
				}
			copy: /* value part s, appended */
				if (na == 1)
					lab = 0; /* attrs[0] is no longer a token string */
				{
					uint8_t *h = append(&a->value, vmode, lo, hi, sp, sl);
					if (h == NULL) {
						nd = NULL;
						lo = hi;
					} else {
						hi = h;
						vmode = V_COPIED;
					}
				}
			}
		}

	ready: /* the attribute list is complete.  Speed builds label the node
	        * for the Configuration Manager (csp.c): when every attribute
	        * came from an attribute-start token (none by LITERAL) and the
	        * first one's value is whole that token's value prefix, label_ is
	        * the prefix's string number (wbxml_str.h); else 0. */
		if (nd == NULL) {
			e = OMACP_E_NOMEM;
			goto fail;
		}
		nd->n_attrs = (uint8_t)na;
		nd->label_ = (uint8_t)lab;
		nd->attrs = na ? (const omacp_attr *)(nd + 1) : NULL;
		/* the depth, the tag byte and the parent from the node: the
		 * list's loop need not keep them */
		depth = nd->depth;
		if (p[nd->offset] & 0x40) { /* content follows */
			cur = nd;
			last = NULL;
			depth++;
		} else {
			cur = nd->parent;
			last = nd;
			if (cur == NULL) /* an empty root */
				goto done;
		}
	}

done: /* the root ended */
	if (q != end) {
		tok = q;
		goto structure;
	}
	doc->root = (omacp_node *)(void *)base;
	doc->n_nodes = n_nodes;
	doc->bytes_used = work_len - (size_t)(hi - lo);
	return OMACP_OK;
truncated:
	tok = end;
	e = OMACP_E_TRUNCATED;
	goto fail;
bad_token:
	e = OMACP_E_WBXML_TOKEN;
	goto fail;
structure:
	e = OMACP_E_WBXML_STRUCTURE;
fail:
	eoff = (size_t)(tok - p);
out:
	if (err_off)
		*err_off = eoff;
	return e;
}
