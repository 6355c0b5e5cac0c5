/*
 * The canonical XML writer (events -> text) and the fixed-buffer write
 * target.  Needs no expat.
 *
 * Text is staged in the writer's own buffer (buf_, OMACP_XML_WRITE_BUF
 * bytes) and handed to the write function when the buffer is full, when
 * the root element closes and in omacp_xml_writer_finish, so a document
 * costs a few write calls instead of several per attribute.  Values are
 * escaped with a byte-class table: runs of bytes that need nothing are
 * copied whole.
 */
#include <string.h>
#include "omacp/xml.h"

static const char prolog[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\" "
	"\"http://www.wapforum.org/DTD/prov.dtd\">\n";

/* Indentation: two spaces per level (OMACP_MAX_DEPTH <= 64 levels). */
static const char spaces[128] = {
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
	' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
};

#if OMACP_XML_WRITE_BUF < 2 * OMACP_MAX_DEPTH + 64 || OMACP_XML_WRITE_BUF < 96
#error "OMACP_XML_WRITE_BUF must hold an indented tag head (2 * OMACP_MAX_DEPTH + 64, at least 96)"
#endif

/*
 * Byte classes.  In values: VE = escaped (& < > " and the control
 * characters U+0000-U+001F, U+007F), VU = the start or continuation of a
 * multi-byte UTF-8 sequence (validated).  In attribute names: NS = may
 * start a name (A-Z a-z _), NC = may follow (NS, 0-9 - .).
 */
enum { VE = 1, VU = 2, NS = 4, NC = 8 };
#define C4(x) x, x, x, x
#define C16(x) C4(x), C4(x), C4(x), C4(x)
#define L_ (NS | NC)
static const uint8_t cls[256] = {
	C16(VE), C16(VE),                                    /* 0x00-0x1F */
	0, 0, VE, 0, 0, 0, VE, 0, 0, 0, 0, 0, 0, NC, NC, 0,  /*  !"#$%&'()*+,-./ */
	C4(NC), C4(NC), NC, NC, 0, 0, VE, 0, VE, 0,          /* 0-9 :;<=>? */
	0, L_, L_, L_, C4(L_), C4(L_), C4(L_),               /* @A-O */
	C4(L_), C4(L_), L_, L_, L_, 0, 0, 0, 0, L_,          /* P-Z [\]^_ */
	0, L_, L_, L_, C4(L_), C4(L_), C4(L_),               /* `a-o */
	C4(L_), C4(L_), L_, L_, L_, 0, 0, 0, 0, VE,          /* p-z {|}~ DEL */
	C16(VU), C16(VU), C16(VU), C16(VU),                  /* 0x80-0xBF */
	C16(VU), C16(VU), C16(VU), C16(VU),                  /* 0xC0-0xFF */
};
#undef L_
#undef C16
#undef C4

/* The element names (as omacp_elem_name spells them), padded so that a
 * fixed-size copy of TAG_PAD bytes stays inside the table, and their
 * lengths. */
#define TAG_PAD 28u
static const char tag_names[][TAG_PAD] = {
	"", "wap-provisioningdoc", "characteristic", "parm",
	"characteristic-query", "parm-query", "nocharacteristic", "noparm",
	"characteristic-error", "parm-error", "characteristic-query-error",
	"parm-query-error", "nocharacteristic-error", "noparm-error",
};
static const uint8_t tag_len[] = { 0, 19, 14, 4, 20, 10, 16, 6, 20, 10, 26, 16, 22, 12 };
typedef char omacp__tag_table_check[(sizeof tag_len == OMACP_ELEM_COUNT_ &&
                                     sizeof tag_names / TAG_PAD == OMACP_ELEM_COUNT_)
                                            ? 1
                                            : -1];

/* Attributes that come first, in this order (rank 0..3); the rest (rank 4)
 * keep input order.  Their text up to the opening quote: */
#define RANK_OTHER 4u
#define PRE_PAD 10u
static const char rank_pre[4][PRE_PAD] = { " name=\"", " type=\"", " value=\"", " version=\"" };
static const uint8_t rank_pre_len[4] = { 7, 7, 8, 10 };

static inline unsigned rank_of(omacp_slice s)
{
	switch (s.len) {
	case 4:
		if (memcmp(s.ptr, "name", 4) == 0)
			return 0;
		if (memcmp(s.ptr, "type", 4) == 0)
			return 1;
		return RANK_OTHER;
	case 5:
		return memcmp(s.ptr, "value", 5) == 0 ? 2u : RANK_OTHER;
	case 7:
		return memcmp(s.ptr, "version", 7) == 0 ? 3u : RANK_OTHER;
	default:
		return RANK_OTHER;
	}
}

void omacp_xml_writer_init(omacp_xml_writer *w, unsigned flags,
                           omacp_write_fn write, void *user)
{
	w->write_ = write;
	w->user_ = user;
	w->flags_ = flags;
	w->depth_ = 0;
	w->open_ = 0;
	w->started_ = 0;
	memset(w->elem_, 0, sizeof w->elem_);
	w->err_ = OMACP_OK;
	w->len_ = 0;
}

/* ------------------------------------------------------------ staging */

/* Hand the staged bytes to the write function. */
static omacp_err flush(omacp_xml_writer *w)
{
	size_t n = w->len_;
	w->len_ = 0;
	if (w->err_ == OMACP_OK && n) {
		omacp_err r = w->write_(w->user_, w->buf_, n);
		if (r != OMACP_OK)
			w->err_ = r > 0 ? OMACP_E_CALLBACK : r;
	}
	return w->err_;
}

/* Append n bytes that do not fit the free part of the stage: fill it,
 * flush, and so on; a piece at least as large as the stage goes to the
 * write function directly. */
static void put_slow(omacp_xml_writer *w, const uint8_t *p, size_t n)
{
	while (n && w->err_ == OMACP_OK) {
		size_t room = sizeof w->buf_ - w->len_, k;
		if (w->len_ == 0 && n >= sizeof w->buf_) {
			omacp_err r = w->write_(w->user_, p, n);
			if (r != OMACP_OK)
				w->err_ = r > 0 ? OMACP_E_CALLBACK : r;
			return;
		}
		k = n < room ? n : room;
		memcpy(w->buf_ + w->len_, p, k);
		w->len_ += k;
		p += k;
		n -= k;
		if (w->len_ == sizeof w->buf_)
			flush(w);
	}
	if (w->err_ != OMACP_OK)
		w->len_ = 0;
}

static void put(omacp_xml_writer *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (n <= sizeof w->buf_ - w->len_) {
		memcpy(w->buf_ + w->len_, p, n);
		w->len_ += n;
	} else {
		put_slow(w, (const uint8_t *)p, n);
	}
}

/* Room for k (<= the stage size) contiguous bytes at the end of the
 * stage; NULL after an error. */
static inline uint8_t *room(omacp_xml_writer *w, size_t k)
{
	if (k > sizeof w->buf_ - w->len_ && flush(w) != OMACP_OK)
		return NULL;
	return w->buf_ + w->len_;
}

static void put2(omacp_xml_writer *w, char a, char b)
{
	uint8_t *d = room(w, 2);
	if (d) {
		d[0] = (uint8_t)a;
		d[1] = (uint8_t)b;
		w->len_ += 2;
	}
}

/* ------------------------------------------------------------ values */

/* Length of the valid UTF-8 sequence at p[0..n) (p[0] >= 0x80), or 0. */
static inline size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len, k;
	uint32_t cp, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, cp = c & 0x1Fu, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, cp = c & 0x0Fu, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, cp = c & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (uint32_t)(p[k] & 0x3Fu);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* The escape of byte c (class VE) into d (at least 6 bytes); its length. */
static size_t escape(uint8_t c, uint8_t *d)
{
	const char *s;
	size_t k = 0;
	switch (c) {
	case '&': s = "&amp;"; break;
	case '<': s = "&lt;"; break;
	case '>': s = "&gt;"; break;
	case '"': s = "&quot;"; break;
	default:
		/* &#N; keeps \t \n \r through attribute-value normalization */
		d[k++] = '&';
		d[k++] = '#';
		if (c >= 100)
			d[k++] = (uint8_t)('0' + c / 100);
		if (c >= 10)
			d[k++] = (uint8_t)('0' + c / 10 % 10);
		d[k++] = (uint8_t)('0' + c % 10);
		d[k++] = ';';
		return k;
	}
	k = strlen(s);
	memcpy(d, s, k);
	return k;
}

/*
 * Escape the value bytes from *pp to e into d, which has room for 6 bytes
 * per input byte (the longest escape); returns the end of the text and
 * moves *pp, or returns NULL when the value is not UTF-8.  A multi-byte
 * sequence may run up to 3 bytes past e (e ends a chunk; `end` is the end
 * of the value): its lead byte was counted as 6, so it still fits.
 */
static uint8_t *copy_value_slow(uint8_t *d, const uint8_t **pp, const uint8_t *e,
                                const uint8_t *end)
{
	const uint8_t *p = *pp;
	while (p < e) {
		uint8_t c = *p;
		if (!(cls[c] & (VE | VU))) {
			*d++ = c;
			p++;
		} else if (cls[c] & VE) {
			d += escape(c, d);
			p++;
		} else {
			size_t ul = utf8_len(p, (size_t)(end - p));
			if (ul == 0)
				return NULL;
			memcpy(d, p, ul);
			d += ul;
			p += ul;
		}
	}
	*pp = p;
	return d;
}

/* Copy the leading bytes of p[0..e) that need no escape to d (four at a
 * time while they are ASCII), checking multi-byte sequences (copied as
 * they are); returns how many.  Stops at a byte to escape or bad UTF-8. */
static inline size_t copy_plain(uint8_t *d, const uint8_t *p, const uint8_t *e)
{
	const uint8_t *s = p;
	while (e - p >= 4 && !((cls[p[0]] | cls[p[1]] | cls[p[2]] | cls[p[3]]) & (VE | VU))) {
		memcpy(d, p, 4);
		d += 4;
		p += 4;
	}
	while (p < e) {
		uint8_t k = cls[*p];
		if (!(k & (VE | VU))) {
			*d++ = *p++;
		} else if (k & VE) {
			break;
		} else {
			size_t ul = utf8_len(p, (size_t)(e - p));
			if (ul == 0)
				break;
			memcpy(d, p, ul);
			d += ul;
			p += ul;
		}
	}
	return (size_t)(p - s);
}

/* A value (or its rest) with bytes to escape or check, or a long one: in
 * chunks whose worst case fits the free part of the stage. */
static void out_value_long(omacp_xml_writer *w, omacp_slice v)
{
	const uint8_t *p = v.ptr, *e = v.ptr + v.len;
	while (p < e && w->err_ == OMACP_OK) {
		size_t left = (size_t)(e - p), free_ = sizeof w->buf_ - w->len_, chunk;
		uint8_t *d0 = w->buf_ + w->len_, *d;
		if (free_ < 6 * 4) {
			flush(w);
			continue;
		}
		chunk = free_ / 6;
		if (chunk > left)
			chunk = left;
		d = copy_value_slow(d0, &p, p + chunk, e);
		if (!d) {
			w->err_ = OMACP_E_XML_ENCODING;
			w->len_ = 0;
			return;
		}
		w->len_ += (size_t)(d - d0);
	}
}

/* ------------------------------------------------------------ tags */

/* Attribute names are written as they are, so they must be XML names. */
static int valid_name(omacp_slice s)
{
	size_t i;
	if (s.len == 0 || !(cls[s.ptr[0]] & NS))
		return 0;
	for (i = 1; i < s.len; i++) {
		if (!(cls[s.ptr[i]] & NC))
			return 0;
	}
	return 1;
}

/* ` name="value"`, piece by piece (attributes out of order, long ones). */
static void out_attr(omacp_xml_writer *w, const omacp_attr *a, unsigned r)
{
	if (r < RANK_OTHER) {
		uint8_t *d = room(w, PRE_PAD);
		if (!d)
			return;
		memcpy(d, rank_pre[r], PRE_PAD);
		w->len_ += rank_pre_len[r];
	} else {
		put(w, " ", 1);
		put(w, a->name.ptr, a->name.len);
		put2(w, '=', '"');
	}
	out_value_long(w, a->value);
	put(w, "\"", 1);
}

/* `pre` (">\n" closing the previous start tag, or nothing), the
 * indentation for depth, then `open` ("<" or "</") and the element name. */
static void tag_head(omacp_xml_writer *w, int close_prev, unsigned depth,
                     int end_tag, omacp_elem e)
{
	size_t ind = (size_t)depth * 2u, k = 0;
	uint8_t *d = room(w, 2u + (ind > 16u ? ind : 16u) + 2u + TAG_PAD);
	if (!d)
		return;
	if (close_prev) {
		d[0] = '>';
		d[1] = '\n';
		k = 2;
	}
	if (ind <= 16u)
		memcpy(d + k, spaces, 16); /* the surplus is overwritten */
	else
		memcpy(d + k, spaces, ind);
	k += ind;
	d[k++] = '<';
	if (end_tag)
		d[k++] = '/';
	memcpy(d + k, tag_names[e], TAG_PAD);
	w->len_ += k + tag_len[e];
}

/* The general way: every attribute checked first, then the tag head and the
 * attributes in canonical order, piece by piece. */
static omacp_err start_tag_general(omacp_xml_writer *w, const omacp_event *ev)
{
	const omacp_attr *at = ev->attrs;
	size_t i, n = ev->n_attrs;
	unsigned r;
	for (i = 0; i < n; i++) {
		if ((at[i].value.len && !at[i].value.ptr) || !at[i].name.ptr)
			return w->err_ = OMACP_E_XML_ELEMENT;
		if (rank_of(at[i].name) == RANK_OTHER && !valid_name(at[i].name))
			return w->err_ = OMACP_E_XML_ELEMENT;
	}
	tag_head(w, w->open_, w->depth_, 0, ev->elem);
	w->open_ = 1;
	for (r = 0; r <= RANK_OTHER; r++) {
		for (i = 0; i < n; i++) {
			if (rank_of(at[i].name) == r)
				out_attr(w, &at[i], r);
		}
	}
	return w->err_;
}

/* Whether attributes from i on are good (slices, names) and in canonical
 * order after rank `prev`. */
static int rest_ok(const omacp_attr *at, size_t i, size_t n, unsigned prev)
{
	for (; i < n; i++) {
		unsigned r;
		if ((at[i].value.len && !at[i].value.ptr) || !at[i].name.ptr)
			return 0;
		r = rank_of(at[i].name);
		if (r < prev || (r == RANK_OTHER && !valid_name(at[i].name)))
			return 0;
		prev = r;
	}
	return 1;
}

/*
 * The start tag (the '>' closing it comes with the next event).  Nothing of
 * a tag is written when one of its attributes is bad.  The usual case,
 * attributes already in canonical order and no byte to escape, is written
 * through a local cursor into the stage and committed at the end.  Before
 * anything of the tag can leave the stage early (a flush in the middle of
 * the tag, a byte to escape, a long value) the rest of the tag is
 * checked, and then it goes on piece by piece; attributes out of order or
 * a bad one start over the general way, from nothing written.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static omacp_err start_tag(omacp_xml_writer *w, const omacp_event *ev)
{
	const omacp_attr *at = ev->attrs;
	size_t i, n = ev->n_attrs, ind = (size_t)w->depth_ * 2u;
	size_t head = 2u + (ind > 16u ? ind : 16u) + 2u + TAG_PAD;
	unsigned prev = 0, r;
	uint8_t *b = w->buf_, *d, *end = w->buf_ + sizeof w->buf_;
	if ((int)ev->elem <= (int)OMACP_ELEM_NONE || (int)ev->elem >= (int)OMACP_ELEM_COUNT_)
		return w->err_ = OMACP_E_ARG;
	if (n && !at)
		return w->err_ = OMACP_E_ARG;
	/* nothing of this tag is in the stage yet: flushing is harmless */
	if (head > sizeof w->buf_ - w->len_ && flush(w) != OMACP_OK)
		return w->err_;
	d = b + w->len_;
	if (w->open_) {
		d[0] = '>';
		d[1] = '\n';
		d += 2;
	}
	memcpy(d, spaces, 16); /* the surplus is overwritten */
	if (ind > 16u)
		memcpy(d, spaces, ind);
	d += ind;
	*d++ = '<';
	memcpy(d, tag_names[ev->elem], TAG_PAD);
	d += tag_len[ev->elem];
	for (i = 0; i < n; i++) {
		const omacp_attr *a = &at[i];
		size_t nl = a->name.len, vl = a->value.len, k;
		if ((vl && !a->value.ptr) || !a->name.ptr)
			return w->err_ = OMACP_E_XML_ELEMENT; /* nothing committed */
		r = rank_of(a->name);
		if (r < prev)
			return start_tag_general(w, ev);
		prev = r;
		if (r == RANK_OTHER && !valid_name(a->name))
			return w->err_ = OMACP_E_XML_ELEMENT;
		if (nl > sizeof w->buf_ / 4u || vl > sizeof w->buf_ / 2u ||
		    PRE_PAD + nl + vl + 1u > (size_t)(end - d)) {
			/* the tag leaves the stage before its end */
			if (!rest_ok(at, i + 1, n, prev))
				return start_tag_general(w, ev);
			w->len_ = (size_t)(d - b);
			w->open_ = 1;
			for (; i < n; i++)
				out_attr(w, &at[i], rank_of(at[i].name));
			return w->err_;
		}
		if (r < RANK_OTHER) {
			memcpy(d, rank_pre[r], PRE_PAD);
			d += rank_pre_len[r];
		} else {
			d[0] = ' ';
			memcpy(d + 1, a->name.ptr, nl);
			d[nl + 1] = '=';
			d[nl + 2] = '"';
			d += nl + 3u;
		}
		k = vl ? copy_plain(d, a->value.ptr, a->value.ptr + vl) : 0;
		d += k;
		if (k < vl) {
			/* a byte to escape (it may need more room than the
			 * value's length) or bad UTF-8 */
			omacp_slice rest;
			if (!rest_ok(at, i + 1, n, prev))
				return start_tag_general(w, ev);
			w->len_ = (size_t)(d - b);
			w->open_ = 1;
			rest.ptr = a->value.ptr + k;
			rest.len = vl - k;
			out_value_long(w, rest);
			put(w, "\"", 1);
			for (i++; i < n; i++)
				out_attr(w, &at[i], rank_of(at[i].name));
			return w->err_;
		}
		*d++ = '"';
	}
	w->len_ = (size_t)(d - b);
	w->open_ = 1;
	return OMACP_OK;
}

/* START: the root's prolog and checks, then the tag. */
static omacp_err start_event(omacp_xml_writer *w, const omacp_event *ev)
{
	if (w->depth_ == 0) {
		if (w->started_)
			return w->err_ = OMACP_E_DOC_STRUCTURE;
		w->started_ = 1;
		if (!(w->flags_ & OMACP_XML_NO_PROLOG))
			put(w, prolog, sizeof prolog - 1);
	}
	if (w->depth_ > OMACP_MAX_DEPTH)
		return w->err_ = OMACP_E_LIMIT;
	if (start_tag(w, ev) != OMACP_OK)
		return w->err_;
	w->elem_[w->depth_] = (uint8_t)ev->elem;
	w->depth_++;
	return w->err_;
}

omacp_err omacp_xml_writer_event(void *user, const omacp_event *ev)
{
	omacp_xml_writer *w = (omacp_xml_writer *)user;
	unsigned depth;
	if (!w || !ev)
		return OMACP_E_ARG;
	if (w->err_ != OMACP_OK)
		return w->err_;
	if (ev->kind == OMACP_EV_START)
		return start_event(w, ev);
	depth = w->depth_;
	if (ev->kind != OMACP_EV_END || depth == 0 || (unsigned)ev->elem != w->elem_[depth - 1])
		return w->err_ = OMACP_E_DOC_STRUCTURE;
	w->depth_ = --depth;
	if (w->open_) {
		/* an empty element */
		uint8_t *d = room(w, 3);
		w->open_ = 0;
		if (!d)
			return w->err_;
		d[0] = '/';
		d[1] = '>';
		d[2] = '\n';
		w->len_ += 3;
	} else {
		tag_head(w, 0, depth, 1, ev->elem);
		put2(w, '>', '\n');
	}
	if (depth == 0)
		flush(w); /* the document is complete */
	return w->err_;
}

omacp_err omacp_xml_writer_finish(omacp_xml_writer *w)
{
	if (flush(w) != OMACP_OK)
		return w->err_;
	if (w->depth_ != 0 || !w->started_)
		return OMACP_E_STATE;
	return OMACP_OK;
}

omacp_err omacp_buf_write(void *user, const uint8_t *p, size_t n)
{
	omacp_buf *b = (omacp_buf *)user;
	if (!b || (!p && n))
		return OMACP_E_ARG;
	if (n > b->cap - b->len || (n && !b->ptr))
		return OMACP_E_NOMEM;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	return OMACP_OK;
}
