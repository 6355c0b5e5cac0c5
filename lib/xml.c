/*
 * XML front end: expat -> element events (event.h).
 *
 * Hostile input is stopped before it costs anything: an internal DTD subset,
 * any entity declaration and any reference to an entity that is not one of
 * the five predefined ones are OMACP_E_XML_ENTITY; no external entity is ever
 * loaded.  The input must be UTF-8 (checked here before expat sees it, so the
 * error and its offset do not depend on expat; ASCII 16 bytes at a time).  A
 * lexical pre-pass refuses the few constructs whose cost in expat is not
 * bounded by the document size (more than OMACP_MAX_ATTRS attributes in a
 * tag, over-long element names, an over-long DOCTYPE), so
 * OMACP_XML_WORK_BYTES holds for every input.  It jumps with memchr over
 * quoted values and between tags, and also tells whether the document holds
 * anything but white space as text: if not, expat runs without a character
 * data handler.  The start-tag handler finds the vocabulary's element and
 * attribute names by length and a word compare.
 *
 * Memory: with a caller workspace expat gets a memory suite over a bump arena
 * in that workspace.  expat's suite has no user pointer, so the arena of the
 * parse in progress is found through one thread-local pointer, set on entry
 * to omacp_xml_parse and restored on return (nested parses from a callback
 * work).  Every expat call is made from inside omacp_xml_parse, so the
 * pointer is always the right one.  Firmware without thread-local storage
 * (single-threaded) can build with -DOMACP_XML_TLS= (empty).
 */
#ifndef OMACP_NO_XML

#include <expat.h>
#include <limits.h>
#include <string.h>
#include "omacp/xml.h"
#include "doc_int.h"

#ifndef OMACP_XML_TLS
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__STDC_NO_THREADS__)
#define OMACP_XML_TLS _Thread_local
#elif defined(__GNUC__) || defined(__clang__)
#define OMACP_XML_TLS __thread
#else
#define OMACP_XML_TLS
#endif
#endif

/* ------------------------------------------------------------ the arena */

typedef union arena_align {
	void *p;
	long long ll;
	double d;
	size_t s;
} arena_align;

#define ARENA_ALIGN (sizeof(arena_align))
#define ROUND_UP(x) (((x) + (ARENA_ALIGN - 1u)) & ~(ARENA_ALIGN - 1u))

/* Every block starts with this header (rounded up to ARENA_ALIGN). */
typedef struct arena_hdr {
	size_t size; /* payload bytes (a multiple of ARENA_ALIGN); bit 0 = freed */
	size_t prev; /* offset of the previous block's header, or NO_BLOCK */
} arena_hdr;

#define HDR_SIZE ROUND_UP(sizeof(arena_hdr))
#define NO_BLOCK ((size_t)-1)

typedef struct xml_arena {
	uint8_t *base; /* aligned */
	size_t cap;    /* bytes usable from base */
	size_t used;
	size_t last;   /* header offset of the most recent live block */
} xml_arena;

static OMACP_XML_TLS xml_arena *cur_arena;

static void arena_init(xml_arena *a, uint8_t *work, size_t len)
{
	size_t mis = (size_t)((uintptr_t)work % ARENA_ALIGN);
	size_t pad = mis ? ARENA_ALIGN - mis : 0;
	a->base = work + (pad < len ? pad : len);
	a->cap = pad < len ? len - pad : 0;
	a->used = 0;
	a->last = NO_BLOCK;
}

static arena_hdr *hdr_at(xml_arena *a, size_t off)
{
	return (arena_hdr *)(void *)(a->base + off);
}

static void *XMLCALL arena_malloc(size_t size)
{
	xml_arena *a = cur_arena;
	size_t need;
	arena_hdr *h;
	if (!a || size > a->cap)
		return NULL;
	need = HDR_SIZE + ROUND_UP(size);
	if (need > a->cap - a->used)
		return NULL;
	h = hdr_at(a, a->used);
	h->size = ROUND_UP(size);
	h->prev = a->last;
	a->last = a->used;
	a->used += need;
	return (uint8_t *)h + HDR_SIZE;
}

static size_t block_off(xml_arena *a, void *ptr)
{
	return (size_t)((uint8_t *)ptr - a->base) - HDR_SIZE;
}

static void XMLCALL arena_free(void *ptr)
{
	xml_arena *a = cur_arena;
	size_t off;
	if (!ptr || !a)
		return;
	off = block_off(a, ptr);
	hdr_at(a, off)->size |= 1u;
	/* Rewind over the freed blocks at the top. */
	while (a->last != NO_BLOCK && (hdr_at(a, a->last)->size & 1u)) {
		a->used = a->last;
		a->last = hdr_at(a, a->last)->prev;
	}
}

static void *XMLCALL arena_realloc(void *ptr, size_t size)
{
	xml_arena *a = cur_arena;
	size_t off;
	arena_hdr *h;
	void *n;
	if (!ptr)
		return arena_malloc(size);
	if (!a || size > a->cap)
		return NULL;
	off = block_off(a, ptr);
	h = hdr_at(a, off);
	if (ROUND_UP(size) <= h->size) {
		if (off == a->last) {
			h->size = ROUND_UP(size);
			a->used = off + HDR_SIZE + h->size;
		}
		return ptr;
	}
	if (off == a->last) {
		if (ROUND_UP(size) > a->cap - off - HDR_SIZE)
			return NULL;
		h->size = ROUND_UP(size);
		a->used = off + HDR_SIZE + h->size;
		return ptr;
	}
	n = arena_malloc(size);
	if (!n)
		return NULL;
	memcpy(n, ptr, h->size);
	arena_free(ptr);
	return n;
}

static const XML_Memory_Handling_Suite arena_suite = {
	arena_malloc, arena_realloc, arena_free
};

/* ------------------------------------------------------------ pre-checks */

#define HI_BITS 0x8080808080808080ull

/* Offset of the first byte that breaks UTF-8 (overlong forms, surrogates,
 * code points above U+10FFFF, truncated sequences), or n.  ASCII is skipped
 * 16 bytes at a time. */
static size_t utf8_check(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t stop;
		if (n - i >= 16) {
			uint64_t a, b;
			memcpy(&a, p + i, 8);
			memcpy(&b, p + i + 8, 8);
			if (((a | b) & HI_BITS) == 0) {
				i += 16;
				continue;
			}
			stop = i + 16;
		} else {
			stop = n;
		}
		/* byte by byte to the end of this block (a sequence may end
		 * past it) */
		while (i < stop) {
			uint8_t c = p[i];
			size_t k, len;
			uint32_t cp, min;
			if (c < 0x80) {
				i++;
				continue;
			}
			if (c >= 0xC2 && c <= 0xDF) {
				len = 2;
				cp = c & 0x1Fu;
				min = 0x80;
			} else if (c >= 0xE0 && c <= 0xEF) {
				len = 3;
				cp = c & 0x0Fu;
				min = 0x800;
			} else if (c >= 0xF0 && c <= 0xF4) {
				len = 4;
				cp = c & 0x07u;
				min = 0x10000;
			} else {
				return i;
			}
			for (k = 1; k < len; k++) {
				if (i + k >= n || (p[i + k] & 0xC0) != 0x80)
					return i + k < n ? i + k : i;
				cp = cp << 6 | (uint32_t)(p[i + k] & 0x3Fu);
			}
			if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
				return i;
			i += len;
		}
	}
	return n;
}

/* Offset just past the first `end` (el bytes) at or after i, or n. */
static size_t skip_past(const uint8_t *p, size_t n, size_t i, const char *end,
                        size_t el)
{
	while (i < n) {
		const uint8_t *h = (const uint8_t *)memchr(p + i, end[0], n - i);
		if (!h)
			return n;
		i = (size_t)(h - p);
		if (n - i < el)
			return n;
		if (memcmp(h, end, el) == 0)
			return i + el;
		i++;
	}
	return n;
}

/* The longest element name of the vocabulary ("characteristic-query-error"). */
#define MAX_ELEM_NAME 26u
/* The longest DOCTYPE declaration accepted (up to '[' or '>'); the PROV one
 * with its public and system id is about 110 bytes. */
#define MAX_DOCTYPE 512u

/* Byte classes of the lexical pass: what ends a tag name (TN), inside a tag
 * the quotes (TQ), '=' (TE) and '>' (TG), and white space (TW). */
enum { TN = 1, TQ = 2, TE = 4, TG = 8, TW = 16 };
static const uint8_t lex_cls[256] = {
	['\t'] = TN | TW, ['\n'] = TN | TW, ['\r'] = TN | TW, [' '] = TN | TW, ['/'] = TN,
	['>'] = TN | TG, ['"'] = TQ, ['\''] = TQ, ['='] = TE,
};

/* Space, tab, CR, LF. */
#define WS_BITS ((1ull << ' ') | (1ull << '\t') | (1ull << '\r') | (1ull << '\n'))
#define IS_WS(c) ((c) <= ' ' && (WS_BITS >> (c) & 1u))

/*
 * A lexical pass that refuses, before expat allocates anything for them:
 * start tags with more than OMACP_MAX_ATTRS attributes (OMACP_E_LIMIT),
 * element names longer than any of the vocabulary (OMACP_E_XML_ELEMENT) and
 * DOCTYPE declarations longer than MAX_DOCTYPE (OMACP_E_LIMIT).  Those are
 * the constructs whose cost in expat is not bounded by the size terms of
 * OMACP_XML_WORK_BYTES.  In a well-formed start tag every attribute has
 * exactly one '=' outside quotes; comments, CDATA sections and processing
 * instructions are skipped.  Malformed input may be read differently here;
 * expat rejects it anyway.  memchr jumps over each quoted value; only tag
 * names and the bytes between attributes are looked at one by one.
 *
 * *text is set when the document may hold character data other than white
 * space: a byte other than space, tab, CR or LF between markup (which
 * covers every entity and character reference in content), a CDATA
 * section, or an internal DTD subset (where the pass stops).  When it stays
 * 0 expat would only ever report white space, and the parse runs without a
 * character data handler.  Up to the first construct that expat rejects
 * both read the same markup, so nothing expat reports before its error is
 * missed.
 */
static omacp_err precheck(const uint8_t *p, size_t n, size_t *off, int *text)
{
	size_t i = 0;
	*text = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3; /* the byte order mark is not character data */
	while (i < n) {
		size_t start;
		while (i < n && (lex_cls[p[i]] & TW))
			i++;
		if (i >= n)
			break;
		if (p[i] != '<') {
			const uint8_t *lt = (const uint8_t *)memchr(p + i, '<', n - i);
			*text = 1;
			if (!lt)
				break;
			i = (size_t)(lt - p);
		}
		start = i;
		*off = start;
		i++;
		if (i < n && p[i] == '!') {
			if (n - start >= 4 && memcmp(p + start, "<!--", 4) == 0) {
				i = skip_past(p, n, start + 4, "-->", 3);
			} else if (n - start >= 9 && memcmp(p + start, "<![CDATA[", 9) == 0) {
				*text = 1;
				i = skip_past(p, n, start + 9, "]]>", 3);
			} else {
				/* DOCTYPE (or another declaration): its head, up
				 * to an internal subset or the end, is bounded;
				 * a subset is refused by the parser itself. */
				uint8_t q = 0;
				for (; i < n; i++) {
					uint8_t c = p[i];
					if (i - start > MAX_DOCTYPE)
						return OMACP_E_LIMIT;
					if (q) {
						if (c == q)
							q = 0;
					} else if (c == '"' || c == '\'') {
						q = c;
					} else if (c == '[' || c == '>') {
						break;
					}
				}
				if (i - start > MAX_DOCTYPE)
					return OMACP_E_LIMIT;
				if (i < n && p[i] == '[') {
					*text = 1;
					return OMACP_OK; /* expat stops at the subset */
				}
				if (i < n)
					i++; /* past '>' */
			}
		} else if (i < n && p[i] == '?') {
			i = skip_past(p, n, i + 1, "?>", 2);
		} else {
			unsigned eq = 0;
			size_t ns, lim;
			if (i < n && p[i] == '/')
				i++;
			ns = i;
			/* the two names of nearly every tag, then any name
			 * (mostly letters; every TN byte is <= '>') */
			if (n - i > 4 && memcmp(p + i, "parm", 4) == 0 &&
			    (lex_cls[p[i + 4]] & TN)) {
				i += 4;
			} else if (n - i > 14 && memcmp(p + i, "characteristic", 14) == 0 &&
			           (lex_cls[p[i + 14]] & TN)) {
				i += 14;
			} else {
				lim = n - ns > MAX_ELEM_NAME ? ns + MAX_ELEM_NAME + 1 : n;
				while (i < lim && (p[i] > '>' || !(lex_cls[p[i]] & TN)))
					i++;
				if (i - ns > MAX_ELEM_NAME)
					return OMACP_E_XML_ELEMENT;
			}
			while (i < n) {
				uint8_t c = p[i], k = lex_cls[c];
				if (c == ' ' && n - i >= 8) {
					/* ` name="`, ` type="`, ` value="`: one
					 * '=' and straight to the quote */
					size_t q = 0;
					if (memcmp(p + i, " name=", 6) == 0 ||
					    memcmp(p + i, " type=", 6) == 0)
						q = 6;
					else if (memcmp(p + i, " value=", 7) == 0)
						q = 7;
					if (q) {
						if (++eq > OMACP_MAX_ATTRS)
							return OMACP_E_LIMIT;
						i += q;
						c = p[i];
						k = lex_cls[c];
					}
				}
				if (k & TQ) {
					const uint8_t *e = (const uint8_t *)memchr(p + i + 1, c, n - i - 1);
					if (!e) {
						i = n;
						break;
					}
					i = (size_t)(e - p) + 1;
					continue;
				}
				if (k & TE) {
					if (++eq > OMACP_MAX_ATTRS)
						return OMACP_E_LIMIT;
				} else if (k & TG) {
					i++; /* past '>' */
					break;
				}
				i++;
			}
		}
	}
	return OMACP_OK;
}

/* ------------------------------------------------------------ handlers */

typedef struct xml_ctx {
	XML_Parser parser;
	const uint8_t *p;
	size_t n;
	omacp_event_fn fn;
	void *user;
	omacp_err err;
	size_t err_off;
	unsigned depth;
	size_t open_off[OMACP_MAX_DEPTH + 1]; /* start offset of each open element */
	omacp_elem open_elem[OMACP_MAX_DEPTH + 1]; /* and its element */
} xml_ctx;

static size_t cur_off(const xml_ctx *c)
{
	XML_Index i = XML_GetCurrentByteIndex(c->parser);
	if (i < 0)
		return 0;
	return (size_t)i > c->n ? c->n : (size_t)i;
}

static void fail(xml_ctx *c, omacp_err e, size_t off)
{
	if (c->err == OMACP_OK) {
		c->err = e;
		c->err_off = off;
	}
	XML_StopParser(c->parser, XML_FALSE);
}

/* Name characters of an entity reference (ASCII letters, digits, "_-.:" and
 * every byte >= 0x80), as a bit table. */
static int name_char(uint8_t c)
{
	static const uint32_t bits[8] = {
		0x00000000u, 0x07ff6000u, 0x87fffffeu, 0x07fffffeu,
		0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
	};
	return (int)(bits[c >> 5] >> (c & 31u) & 1u);
}

/* Every '&' in the raw start tag p[0..n) must start a character reference
 * or one of the five predefined entities.  (With an external DTD subset
 * declared, expat silently drops undefined entities from attribute values;
 * this makes them an error instead.)  memchr jumps from '&' to '&'. */
static int tag_refs_ok(const uint8_t *p, size_t n)
{
	static const char predef[5][5] = { "amp", "lt", "gt", "quot", "apos" };
	const uint8_t *amp, *end = p + n;
	while ((amp = (const uint8_t *)memchr(p, '&', (size_t)(end - p))) != NULL) {
		const uint8_t *s = amp + 1, *k;
		size_t j, l;
		int ok = 0;
		p = s;
		if (s < end && *s == '#')
			continue;
		for (k = s; k < end && name_char(*k); k++)
			;
		l = (size_t)(k - s);
		for (j = 0; j < 5 && !ok; j++)
			ok = l == strlen(predef[j]) && memcmp(s, predef[j], l) == 0;
		if (!ok || k >= end || *k != ';')
			return 0;
		p = k;
	}
	return 1;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xml_ctx *c = (xml_ctx *)ud;
	omacp_attr attrs[OMACP_MAX_ATTRS];
	omacp_event ev;
	omacp_elem elem;
	size_t off, cnt, nl, na = 0;
	omacp_err r;
	int bc;

	if (c->err)
		return;
	off = cur_off(c);
	nl = strlen(name);
	/* the two elements of nearly every document first */
	if (nl == 4 && memcmp(name, "parm", 4) == 0)
		elem = OMACP_ELEM_PARM;
	else if (nl == 14 && memcmp(name, "characteristic", 14) == 0)
		elem = OMACP_ELEM_CHARACTERISTIC;
	else
		elem = omacp_elem_lookup(name, nl);
	/* Unknown, or a root that is not wap-provisioningdoc.  (A nested
	 * wap-provisioningdoc is left to the document layer.) */
	if (elem == OMACP_ELEM_NONE || (c->depth == 0 && elem != OMACP_ELEM_DOC)) {
		fail(c, OMACP_E_XML_ELEMENT, off);
		return;
	}
	if (c->depth > OMACP_MAX_DEPTH) {
		fail(c, OMACP_E_XML_DEPTH, off);
		return;
	}
	bc = XML_GetCurrentByteCount(c->parser);
	cnt = bc > 0 ? (size_t)bc : 0;
	if (off + cnt <= c->n && !tag_refs_ok(c->p + off, cnt)) {
		fail(c, OMACP_E_XML_ENTITY, off);
		return;
	}
	for (; atts[2 * na]; na++) {
		const char *an = atts[2 * na], *av = atts[2 * na + 1], *kn;
		size_t anl;
		if (na >= OMACP_MAX_ATTRS) {
			fail(c, OMACP_E_LIMIT, off);
			return;
		}
		anl = strlen(an);
		/* handed over in its static spelling */
		kn = omacp__attr_known((const uint8_t *)an, anl);
		if (!kn) {
			fail(c, OMACP_E_XML_ELEMENT, off);
			return;
		}
		attrs[na].name.ptr = (const uint8_t *)kn;
		attrs[na].name.len = anl;
		attrs[na].value.ptr = (const uint8_t *)av;
		attrs[na].value.len = strlen(av);
	}
	ev.kind = OMACP_EV_START;
	ev.elem = elem;
	ev.depth = c->depth;
	ev.n_attrs = na;
	ev.attrs = na ? attrs : NULL;
	ev.offset = off;
	c->open_off[c->depth] = off;
	c->open_elem[c->depth] = elem;
	c->depth++;
	r = c->fn(c->user, &ev);
	if (r != OMACP_OK)
		fail(c, r > 0 ? OMACP_E_CALLBACK : r, off);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	xml_ctx *c = (xml_ctx *)ud;
	omacp_event ev;
	omacp_err r;
	(void)name; /* expat matched it with the start tag */
	if (c->err)
		return;
	c->depth--;
	ev.kind = OMACP_EV_END;
	ev.elem = c->open_elem[c->depth];
	ev.depth = c->depth;
	ev.n_attrs = 0;
	ev.attrs = NULL;
	ev.offset = c->open_off[c->depth]; /* END carries the element's start */
	r = c->fn(c->user, &ev);
	if (r != OMACP_OK)
		fail(c, r > 0 ? OMACP_E_CALLBACK : r, ev.offset);
}

/* Text is only allowed as white space (space, tab, CR, LF). */
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xml_ctx *c = (xml_ctx *)ud;
	const uint8_t *u = (const uint8_t *)s, *e = u + (len > 0 ? len : 0);
	for (; u < e; u++) {
		if (!IS_WS(*u)) {
			if (!c->err)
				fail(c, OMACP_E_XML_SYNTAX, cur_off(c));
			return;
		}
	}
}

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 'a' + 'A');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static void XMLCALL on_xmldecl(void *ud, const XML_Char *version,
                               const XML_Char *encoding, int standalone)
{
	xml_ctx *c = (xml_ctx *)ud;
	(void)version;
	(void)standalone;
	if (encoding && !ieq(encoding, "UTF-8") && !ieq(encoding, "US-ASCII"))
		fail(c, OMACP_E_XML_ENCODING, cur_off(c));
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
	xml_ctx *c = (xml_ctx *)ud;
	(void)sysid;
	(void)pubid;
	if (has_internal_subset)
		fail(c, OMACP_E_XML_ENTITY, cur_off(c));
	else if (strcmp(name, "wap-provisioningdoc") != 0)
		fail(c, OMACP_E_XML_ELEMENT, cur_off(c));
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_pe,
                                   const XML_Char *value, int value_len,
                                   const XML_Char *base, const XML_Char *sysid,
                                   const XML_Char *pubid, const XML_Char *notation)
{
	xml_ctx *c = (xml_ctx *)ud;
	(void)name, (void)is_pe, (void)value, (void)value_len, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	fail(c, OMACP_E_XML_ENTITY, cur_off(c));
}

static void XMLCALL on_skipped(void *ud, const XML_Char *name, int is_pe)
{
	xml_ctx *c = (xml_ctx *)ud;
	(void)name;
	(void)is_pe;
	fail(c, OMACP_E_XML_ENTITY, cur_off(c));
}

static int XMLCALL on_ext_entity(XML_Parser p, const XML_Char *context,
                                 const XML_Char *base, const XML_Char *sysid,
                                 const XML_Char *pubid)
{
	xml_ctx *c = (xml_ctx *)XML_GetUserData(p);
	(void)context, (void)base, (void)sysid, (void)pubid;
	if (c->err == OMACP_OK) {
		c->err = OMACP_E_XML_ENTITY;
		c->err_off = cur_off(c);
	}
	return XML_STATUS_ERROR;
}

static omacp_err map_expat(enum XML_Error e)
{
	switch (e) {
	case XML_ERROR_NO_MEMORY:
		return OMACP_E_NOMEM;
	case XML_ERROR_PARAM_ENTITY_REF:
	case XML_ERROR_UNDEFINED_ENTITY:
	case XML_ERROR_RECURSIVE_ENTITY_REF:
	case XML_ERROR_ASYNC_ENTITY:
	case XML_ERROR_BINARY_ENTITY_REF:
	case XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF:
	case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
	case XML_ERROR_ENTITY_DECLARED_IN_PE:
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
	case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
#endif
		return OMACP_E_XML_ENTITY;
	case XML_ERROR_UNKNOWN_ENCODING:
	case XML_ERROR_INCORRECT_ENCODING:
		return OMACP_E_XML_ENCODING;
	default:
		return OMACP_E_XML_SYNTAX;
	}
}

/* ------------------------------------------------------------ entry */

omacp_err omacp_xml_parse(const uint8_t *p, size_t n, uint8_t *work,
                          size_t work_len, omacp_event_fn fn, void *user,
                          size_t *err_off)
{
	xml_arena arena, *saved = cur_arena;
	xml_ctx c;
	size_t off = 0, bad;
	int text;
	omacp_err e;

	if (err_off)
		*err_off = 0;
	if ((!p && n) || !fn)
		return OMACP_E_ARG;
#ifdef OMACP_NO_MALLOC
	if (!work)
		return OMACP_E_ARG;
#endif
	bad = utf8_check(p, n);
	if (bad < n) {
		if (err_off)
			*err_off = bad;
		return OMACP_E_XML_ENCODING;
	}
	e = precheck(p, n, &off, &text);
	if (e != OMACP_OK) {
		if (err_off)
			*err_off = off;
		return e;
	}

	memset(&c, 0, sizeof c);
	c.p = p;
	c.n = n;
	c.fn = fn;
	c.user = user;
	if (work) {
		arena_init(&arena, work, work_len);
		cur_arena = &arena;
		c.parser = XML_ParserCreate_MM("UTF-8", &arena_suite, NULL);
	} else {
#ifndef OMACP_NO_MALLOC
		c.parser = XML_ParserCreate("UTF-8");
#endif
	}
	if (!c.parser) {
		cur_arena = saved;
		return OMACP_E_NOMEM;
	}
	/* A fixed salt: no entropy syscalls, deterministic memory use.  Hash
	 * flooding needs many names, which the checks above exclude. */
	XML_SetHashSalt(c.parser, 0x6f6d6163UL);
	XML_SetUserData(c.parser, &c);
	XML_SetElementHandler(c.parser, on_start, on_end);
	if (text)
		XML_SetCharacterDataHandler(c.parser, on_text);
	XML_SetXmlDeclHandler(c.parser, on_xmldecl);
	XML_SetStartDoctypeDeclHandler(c.parser, on_doctype);
	XML_SetEntityDeclHandler(c.parser, on_entity_decl);
	XML_SetSkippedEntityHandler(c.parser, on_skipped);
	XML_SetExternalEntityRefHandler(c.parser, on_ext_entity);
	XML_SetParamEntityParsing(c.parser, XML_PARAM_ENTITY_PARSING_NEVER);

	{
		const uint8_t *q = p;
		size_t left = n;
		enum XML_Status st = XML_STATUS_OK;
		const size_t chunk = (size_t)INT_MAX / 2u;
		while (st == XML_STATUS_OK && left > chunk) {
			st = XML_Parse(c.parser, (const char *)q, (int)chunk, XML_FALSE);
			q += chunk;
			left -= chunk;
		}
		if (st == XML_STATUS_OK)
			st = XML_Parse(c.parser, (const char *)q, (int)left, XML_TRUE);
		if (st != XML_STATUS_OK && c.err == OMACP_OK) {
			c.err = map_expat(XML_GetErrorCode(c.parser));
			c.err_off = cur_off(&c);
		}
	}
	XML_ParserFree(c.parser);
	cur_arena = saved;
	if (c.err != OMACP_OK && err_off)
		*err_off = c.err_off;
	return c.err;
}

#else
typedef int omacp__xml_disabled; /* ISO C forbids an empty translation unit */
#endif /* OMACP_NO_XML */
