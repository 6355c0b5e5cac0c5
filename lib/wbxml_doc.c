/*
 * Whole-buffer PROV WBXML straight into a document tree: one pass over the
 * bytes with the decoding state in locals, no events, no attribute buffer.
 * It accepts and rejects exactly what omacp_wbxml_decode() + the doc builder
 * do (same error codes and offsets; see wbxml.h for the list and the
 * choices), and builds the same tree; it only needs less memory, because
 * nothing is staged outside the arena.
 *
 * Arena layout (as the doc builder's): nodes, each followed by its attribute
 * array, grow up from the aligned start; values built of several parts grow
 * down from the end.  A name or value that is one token, one string-table
 * entry or one inline string is a slice of the token tables or of the input.
 * The element being opened is written at the bottom as its tokens arrive
 * and becomes part of the tree (linked, counted) only when its attribute
 * list is complete; running out of arena is remembered and reported then,
 * where the builder would have reported it, so that a decoding error in the
 * rest of the attribute list still takes precedence.
 */
#include <string.h>
#include "omacp/doc.h"
#include "omacp/wbxml.h"
#include "wbxml_int.h"

#define ALIGN (sizeof(omacp_doc_align_))

/* Speed builds inline every step into the one entry point, so that the
 * decoding state (never address-taken) lives in registers. */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define STEP __attribute__((always_inline)) static inline
#else
#define STEP static
#endif

/* Attribute value modes: no part yet, one part in stable storage (token
 * strings, string table or input), parts concatenated at the arena top. */
enum { V_NONE, V_STATIC, V_COPIED };

typedef struct dd {
	const uint8_t *p;       /* the document                               */
	size_t n;
	const uint8_t *tbl;     /* the string table (in the input)            */
	size_t tlen;
	uint8_t *base;          /* arena start (aligned)                      */
	size_t cap, used, top;  /* bytes; used: committed bottom; top: values */
	size_t u;               /* bottom including the element being opened  */
	omacp_node *cur;        /* innermost open element (NULL: none)        */
	omacp_node *last;       /* its last complete child so far             */
	omacp_node *root;
	size_t n_nodes;
	size_t el_off;          /* the element being opened: offset, tag      */
	unsigned el, el_flags;  /* element, tag token (0x40: content)         */
	unsigned na;            /* its attributes so far                      */
	int shrt;               /* it does not fit in the arena               */
	unsigned vmode;         /* of the current attribute                   */
	omacp_attr *a;          /* the current attribute (a slot or *spare)   */
	omacp_attr *spare;      /* attribute sink once the arena is short     */
	unsigned depth;         /* open elements                              */
	int done;               /* the root element has ended                 */
	size_t err_off;
} dd;

/* Token string k. */
STEP const uint8_t *tstr(unsigned k, size_t *len)
{
	unsigned o = omacp__wbxml_off[k];
	*len = (size_t)(omacp__wbxml_off[k + 1] - o);
	return (const uint8_t *)omacp__wbxml_str + o;
}

/* Read an mb_u_int32 starting at p[*i]: MBUINT at the byte where it became
 * too long or too large, TRUNCATED at the end of input. */
STEP omacp_err mb(dd *d, size_t *i, uint32_t *v)
{
	uint32_t x = 0;
	unsigned len = 0, c;
	for (;;) {
		if (*i >= d->n) {
			d->err_off = d->n;
			return OMACP_E_TRUNCATED;
		}
		c = d->p[*i];
		if ((x >> 25) != 0 || (len == 4 && (c & 0x80))) {
			d->err_off = *i;
			return OMACP_E_WBXML_MBUINT;
		}
		x = x << 7 | (c & 0x7Fu);
		len++;
		(*i)++;
		if (!(c & 0x80)) {
			*v = x;
			return OMACP_OK;
		}
	}
}

/* The string-table entry at offset off, checked as UTF-8: STRTBL when out of
 * range or unterminated, UTF8 when not valid (errors at the token). */
static omacp_err strtbl_ref(const uint8_t *tbl, size_t tlen, uint32_t off,
                            const uint8_t **s, size_t *len)
{
	const uint8_t *z;
	uint8_t st[3] = { 0, 0, 0 };
	if (off >= tlen || (z = memchr(tbl + off, 0, tlen - off)) == NULL)
		return OMACP_E_WBXML_STRTBL;
	*s = tbl + off;
	*len = (size_t)(z - *s);
	if (omacp__utf8_scan(st, *s, *len) != *len || st[0])
		return OMACP_E_WBXML_UTF8;
	return OMACP_OK;
}

/* ------------------------------------------------------------ values */

/* Append s[0..len) to the current value: the value moves to (or grows down
 * at) the arena top.  Out of room marks the element short (the value is
 * then no longer kept: the element will fail anyway). */
STEP void append(dd *d, const uint8_t *s, size_t len)
{
	omacp_attr *a = d->a;
	size_t old = a->value.len;
	uint8_t *dst;
	if (d->shrt)
		return;
	if (d->vmode != V_COPIED) {
		if (old + len > d->cap - d->u - d->top) {
			d->shrt = 1;
			return;
		}
		d->top += old + len;
		dst = d->base + (d->cap - d->top);
		if (old)
			memcpy(dst, a->value.ptr, old);
		d->vmode = V_COPIED;
	} else { /* the value is the lowest string at the top: move it down */
		if (len > d->cap - d->u - d->top) {
			d->shrt = 1;
			return;
		}
		d->top += len;
		dst = d->base + (d->cap - d->top);
		memmove(dst, a->value.ptr, old);
	}
	if (len)
		memcpy(dst + old, s, len);
	a->value.ptr = dst;
	a->value.len = old + len;
}

/* A value part in stable storage (token strings, string table, input). */
STEP void part(dd *d, const uint8_t *s, size_t len)
{
	if (d->vmode == V_NONE) {
		d->a->value.ptr = s;
		d->a->value.len = len;
		d->vmode = V_STATIC;
	} else {
		append(d, s, len);
	}
}

/* A new attribute named name[0..nlen) whose value starts as token string
 * pref (0: none yet). */
STEP omacp_err attr_open(dd *d, const uint8_t *name, size_t nlen,
                           unsigned pref)
{
	omacp_attr *a = d->spare;
	if (d->na == OMACP_MAX_ATTRS)
		return OMACP_E_LIMIT;
	d->na++;
	if (!d->shrt) {
		if (sizeof(omacp_attr) > d->cap - d->u - d->top)
			d->shrt = 1;
		else {
			a = (omacp_attr *)(void *)(d->base + d->u);
			d->u += sizeof(omacp_attr);
		}
	}
	d->a = a;
	a->name.ptr = name;
	a->name.len = nlen;
	a->value.ptr = tstr(pref, &a->value.len);
	d->vmode = pref ? V_STATIC : V_NONE;
	return OMACP_OK;
}

/* ---------------------------------------------------------- elements */

/* The innermost open element ends. */
STEP void close_elem(dd *d)
{
	d->last = d->cur;
	d->cur = d->cur->parent;
	d->done = --d->depth == 0;
}

/* The attribute list of the element being opened is complete: it joins the
 * tree (NOMEM when it did not fit), and ends at once without content. */
STEP omacp_err ready(dd *d)
{
	omacp_node *node = (omacp_node *)(void *)(d->base + d->used);
	if (d->shrt)
		return OMACP_E_NOMEM;
	node->elem = (uint8_t)d->el;
	node->depth = (uint8_t)d->depth;
	node->n_attrs = (uint16_t)d->na;
	node->offset = d->el_off;
	node->attrs = d->na ? (const omacp_attr *)(node + 1) : NULL;
	node->parent = d->cur;
	node->first = NULL;
	node->next = NULL;
	if (d->cur == NULL)
		d->root = node;
	else if (d->last != NULL)
		d->last->next = node;
	else
		d->cur->first = node;
	d->used = d->u;
	d->n_nodes++;
	d->cur = node;
	d->last = NULL;
	d->depth++;
	if (!(d->el_flags & 0x40))
		close_elem(d);
	return OMACP_OK;
}

/* A tag token (or LITERAL*) c at offset tok naming `elem` (0: none);
 * *attr becomes 1 when an attribute list follows. */
STEP omacp_err tag(dd *d, unsigned elem, unsigned c, size_t tok, int *attr)
{
	if (elem == OMACP_ELEM_NONE)
		return OMACP_E_WBXML_TOKEN;
	if ((elem == OMACP_ELEM_DOC) == (d->root != NULL))
		return OMACP_E_WBXML_STRUCTURE;
	if (d->depth > OMACP_MAX_DEPTH)
		return OMACP_E_WBXML_DEPTH;
	d->el = elem;
	d->el_flags = c;
	d->el_off = tok;
	d->na = 0;
	d->u = d->used + sizeof(omacp_node);
	d->shrt = sizeof(omacp_node) > d->cap - d->used - d->top;
	if (c & 0x80) {
		*attr = 1;
		return OMACP_OK;
	}
	return ready(d);
}

/* The element of tag token c (not a global one) on tag page index `page`,
 * or 0 (as the streaming decoder's tag_elem). */
STEP unsigned tag_elem(unsigned c, unsigned page)
{
	unsigned t = c & 0x3F;
	if (t - 0x20u <= 0x09u)
		return page != 1 ? t - 0x20u + OMACP_ELEM_CHARACTERISTIC_QUERY : 0;
	if (t - 0x05u <= 0x02u && page < 2u - (t == 0x05))
		return t - 0x05u + OMACP_ELEM_DOC;
	return 0;
}

/* ------------------------------------------------------------ header */

static const char prov_pubid[] = "-//WAPFORUM//DTD PROV 1.0//EN";

/* Version, public id, charset and string table; *i: the first body byte. */
STEP omacp_err header(dd *d, unsigned flags, size_t *i)
{
	uint32_t pubid, idx = 0, v;
	unsigned version;
	omacp_err e;
	if (d->n == 0) {
		d->err_off = 0;
		return OMACP_E_TRUNCATED;
	}
	version = d->p[0];
	d->err_off = 0;
	if (version > 0x03)
		return OMACP_E_WBXML_VERSION;
	*i = 1;
	if ((e = mb(d, i, &pubid)) != OMACP_OK)
		return e;
	if (pubid == 0) {
		if ((e = mb(d, i, &idx)) != OMACP_OK)
			return e;
	} else if (pubid != 0x0B && !(pubid == 0x01 && (flags & OMACP_WBXML_ASSUME_PROV))) {
		d->err_off = 1;
		return OMACP_E_WBXML_PUBID;
	}
	if (version) {
		size_t at = *i;
		if ((e = mb(d, i, &v)) != OMACP_OK)
			return e;
		if (v != 106) {
			d->err_off = at;
			return OMACP_E_WBXML_CHARSET;
		}
	}
	if ((e = mb(d, i, &v)) != OMACP_OK)
		return e;
	if (v > d->n - *i) {
		d->err_off = d->n;
		return OMACP_E_TRUNCATED;
	}
	d->tbl = d->p + *i;
	d->tlen = v;
	*i += v;
	if (pubid == 0) {
		const uint8_t *z;
		d->err_off = 1;
		if (idx >= v || (z = memchr(d->tbl + idx, 0, v - idx)) == NULL)
			return OMACP_E_WBXML_STRTBL;
		if ((size_t)(z - (d->tbl + idx)) != sizeof prov_pubid - 1 ||
		    memcmp(d->tbl + idx, prov_pubid, sizeof prov_pubid - 1) != 0)
			return OMACP_E_WBXML_PUBID;
	}
	return OMACP_OK;
}

/* -------------------------------------------------------------- body */

/* The document body from p[i] on.  On error d->err_off is set: to the
 * token, unless a step points elsewhere. */
STEP omacp_err body(dd *d, size_t i)
{
	const uint8_t *p = d->p;
	size_t n = d->n, tok = i;
	unsigned page[2] = { 0, 0 }; /* tag, attribute code page index */
	int attr = 0; /* in an attribute list */
	omacp_err e = OMACP_OK;
	uint32_t v;
	const uint8_t *s;
	size_t len;

	while (i < n && !d->done) {
		unsigned c = p[i];
		tok = i++;
		if ((c & 0x3F) >= 0x05) {
			if (!attr) {
				e = tag(d, tag_elem(c, page[0]), c, tok, &attr);
			} else {
				const uint8_t *g = omacp__wbxml_pg[page[1]];
				unsigned k, id;
				if (c < 0x80) { /* attribute start */
					k = c - g[0];
					if (k < g[1] && (id = omacp__wbxml_start_name[k += g[2]]) != 0) {
						s = tstr(id, &len);
						e = attr_open(d, s, len, omacp__wbxml_start_pref[k]);
					} else {
						e = OMACP_E_WBXML_TOKEN;
					}
				} else if (d->na == 0) {
					e = OMACP_E_WBXML_STRUCTURE;
				} else { /* attribute value */
					k = c - g[3];
					if (k < g[4] && (id = omacp__wbxml_value[k + g[5]]) != 0) {
						s = tstr(id, &len);
						part(d, s, len);
					} else {
						e = OMACP_E_WBXML_TOKEN;
					}
				}
			}
		} else {
			switch (c) { /* global tokens */
			case OMACP__WB_SWITCH_PAGE:
				if (i >= n) {
					tok = n;
					e = OMACP_E_TRUNCATED;
					break;
				}
				c = p[i];
				page[attr] = c <= 1 ? c : c == OMACP__WB_PAGE_WM ? 2u : 3u;
				if (page[attr] > 2) {
					tok = i;
					e = OMACP_E_WBXML_TOKEN;
				}
				i++;
				break;
			case OMACP__WB_END:
				if (attr) {
					attr = 0;
					e = ready(d);
				} else if (d->depth) {
					close_elem(d);
				} else {
					e = OMACP_E_WBXML_STRUCTURE;
				}
				break;
			case OMACP__WB_STR_I: {
				uint8_t st[3] = { 0, 0, 0 };
				size_t k;
				if (!attr || d->na == 0) { /* text content, or outside an attribute */
					e = OMACP_E_WBXML_STRUCTURE;
					break;
				}
				k = omacp__utf8_scan(st, p + i, n - i);
				if (k == n - i) {
					tok = n;
					e = OMACP_E_TRUNCATED;
				} else if (p[i + k] != 0 || st[0]) {
					tok = i + k;
					e = OMACP_E_WBXML_UTF8;
				} else {
					part(d, p + i, k);
					i += k + 1;
				}
				break;
			}
			case OMACP__WB_ENTITY:
			case OMACP__WB_STR_T:
			case OMACP__WB_OPAQUE:
				if (!attr || d->na == 0) {
					e = OMACP_E_WBXML_STRUCTURE;
					break;
				}
				if ((e = mb(d, &i, &v)) != OMACP_OK) {
					tok = d->err_off;
					break;
				}
				if (c == OMACP__WB_STR_T) {
					if ((e = strtbl_ref(d->tbl, d->tlen, v, &s, &len)) == OMACP_OK)
						part(d, s, len);
				} else if (c == OMACP__WB_ENTITY) {
					uint8_t b[4];
					unsigned k = 4, top = 0x3F; /* what fits in the lead byte */
					if (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
						e = OMACP_E_WBXML_UTF8;
						break;
					}
					if (v >= 0x80) {
						do { /* continuation bytes, last first */
							b[--k] = (uint8_t)(0x80 | (v & 0x3F));
							v >>= 6;
							top >>= 1;
						} while (v > top);
						v |= 0xFFu & ~(top << 1 | 1); /* 110, 1110 or 11110 */
					}
					b[--k] = (uint8_t)v;
					append(d, b + k, 4 - k);
				} else { /* OPAQUE: v bytes of UTF-8 without NUL */
					uint8_t st[3] = { 0, 0, 0 };
					size_t avail = n - i < v ? n - i : v;
					size_t k = omacp__utf8_scan(st, p + i, avail);
					if (k < avail) {
						tok = i + k;
						e = OMACP_E_WBXML_UTF8;
					} else if (avail < v) {
						tok = n;
						e = OMACP_E_TRUNCATED;
					} else if (st[0]) {
						tok = i + v - 1;
						e = OMACP_E_WBXML_UTF8;
					} else {
						append(d, p + i, v);
						i += v;
					}
				}
				break;
			case 0x44: case 0x84: case 0xC4: /* LITERAL_C, _A, _AC: tags only */
				if (attr) {
					e = OMACP_E_WBXML_TOKEN;
					break;
				}
				/* fall through */
			case OMACP__WB_LITERAL:
				if ((e = mb(d, &i, &v)) != OMACP_OK) {
					tok = d->err_off;
					break;
				}
				if ((e = strtbl_ref(d->tbl, d->tlen, v, &s, &len)) != OMACP_OK)
					break;
				if (attr)
					e = attr_open(d, s, len, 0);
				else
					e = tag(d, omacp_elem_lookup((const char *)s, len), c, tok, &attr);
				break;
			default: /* EXT_*, PI */
				e = OMACP_E_WBXML_TOKEN;
				break;
			}
		}
		if (e != OMACP_OK)
			break;
	}
	if (e == OMACP_OK && i < n) { /* after the root */
		tok = i;
		e = OMACP_E_WBXML_STRUCTURE;
	} else if (e == OMACP_OK && !d->done) {
		tok = n;
		e = OMACP_E_TRUNCATED;
	}
	d->err_off = tok;
	return e;
}

omacp_err omacp_wbxml_decode_doc(const uint8_t *p, size_t n, unsigned flags,
                                 omacp_doc *doc, uint8_t *work, size_t work_len,
                                 size_t *err_off)
{
	dd d;
	omacp_attr spare;
	size_t mis, pad, i = 0;
	omacp_err e;
	if (doc == NULL || (p == NULL && n != 0))
		return OMACP_E_ARG;
	memset(doc, 0, sizeof *doc);
	memset(&d, 0, sizeof d);
	d.p = p;
	d.n = n;
	d.spare = &spare;
	if (!work)
		work_len = 0;
	mis = work ? (size_t)((uintptr_t)work % ALIGN) : 0;
	pad = mis ? ALIGN - mis : 0;
	if (pad > work_len)
		pad = work_len;
	d.base = work ? work + pad : NULL;
	d.cap = work_len - pad;
	e = header(&d, flags, &i);
	if (e == OMACP_OK)
		e = body(&d, i);
	if (e != OMACP_OK) {
		if (err_off)
			*err_off = d.err_off;
		return e;
	}
	doc->root = d.root;
	doc->n_nodes = d.n_nodes;
	doc->bytes_used = pad + d.used + d.top;
	return OMACP_OK;
}
