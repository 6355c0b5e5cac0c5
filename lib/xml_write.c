/*
 * The canonical XML writer (events -> text) and the fixed-buffer write
 * target.  Needs no expat.
 *
 * Text is staged in the writer's own buffer (buf_, OMACP_XML_WRITE_BUF
 * bytes) and handed to the write function when the buffer is full, when
 * the root element closes and in omacp_xml_writer_finish, so a document
 * costs a few write calls instead of several per attribute.  Between
 * events at least HEAD_ROOM bytes of the stage are free, so a tag head is
 * written without a room check; a start tag goes through a local cursor
 * with one room check per attribute.  Values with nothing to escape are
 * tested and copied eight bytes at a time (byte by byte in -Os builds).
 */
#include <string.h>
#include "omacp/xml.h"

#define PROLOG_TEXT \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\" " \
	"\"http://www.wapforum.org/DTD/prov.dtd\">\n"
static const char prolog[] = PROLOG_TEXT;
#ifndef __OPTIMIZE_SIZE__
/* Speed only: the prolog and the head of the usual root, in one copy. */
static const char prolog_root[] = PROLOG_TEXT "<wap-provisioningdoc";
#endif
#undef PROLOG_TEXT

/* Indentation: two spaces per level, copied in blocks of 16 bytes. */
static const char spaces[16] = {
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
 * keep input order.  Their text up to the opening quote, in rows of
 * PRE_PAD bytes copied whole (the surplus is overwritten). */
#define RANK_OTHER 4u
#define PRE_PAD 16u
static const struct {
	char text[PRE_PAD - 1];
	uint8_t len;
} rank_pre[4] = {
	{ " name=\"", 7 }, { " type=\"", 7 }, { " value=\"", 8 }, { " version=\"", 10 },
};
typedef char omacp__pre_check[sizeof rank_pre == 4 * PRE_PAD ? 1 : -1];

/* The first four bytes of the NUL-terminated s as a word (folded to a
 * constant by the compiler). */
static inline uint32_t word4(const void *s)
{
	uint32_t v;
	memcpy(&v, s, 4);
	return v;
}

/* The rank of the attribute name s[0..n). */
static inline unsigned rank_of(const uint8_t *s, size_t n)
{
	uint32_t x;
	if (n - 4u > 3u)
		return RANK_OTHER;
	x = word4(s);
	/* (the most frequent lengths first) */
	if (n == 4)
		return x == word4("name") ? 0u : x == word4("type") ? 1u : RANK_OTHER;
	if (n == 5)
		return x == word4("valu") && s[4] == 'e' ? 2u : RANK_OTHER;
	if (n == 7) /* "version": bytes 0..3 and 3..6 */
		return x == word4("vers") && word4(s + 3) == word4("sion") ? 3u : RANK_OTHER;
	return RANK_OTHER;
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

#ifndef __OPTIMIZE_SIZE__
/* Eight bytes at once: nonzero when one of the bytes of x needs an escape
 * or a UTF-8 check (< 0x20, " & < >, >= 0x7F).  Each term sets the top bit
 * of such a byte; a borrow or carry only starts at such a byte, so a byte
 * after it may be flagged too, but never a word without one. */
#define B8(c) ((uint64_t)0x0101010101010101u * (uint64_t)(c))
static inline uint64_t special8(uint64_t x)
{
	uint64_t q = (x | B8(0x04)) ^ B8(0x26); /* 0 for " and & */
	uint64_t a = (x | B8(0x02)) ^ B8(0x3E); /* 0 for < and > */
	return (x | (x - B8(0x20)) | (x + B8(0x01)) | (q - B8(1)) | (a - B8(1))) & B8(0x80);
}

/* The same for bytes known to be valid UTF-8: a byte >= 0x80 is plain
 * (~x clears its flag; a byte below 0x80 is flagged as above). */
static inline uint64_t special8_utf8(uint64_t x)
{
	uint64_t q = (x | B8(0x04)) ^ B8(0x26), a = (x | B8(0x02)) ^ B8(0x3E);
	return ((x - B8(0x20)) | (x + B8(0x01)) | (q - B8(1)) | (a - B8(1))) & ~x & B8(0x80);
}

static inline uint64_t load8(const uint8_t *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}
#endif

/* Nonzero when byte c needs an escape or a UTF-8 check. */
#define SPECIAL(c) (cls[c] & (VE | VU))

/* Copy v[0..n) to d[0..n) when no byte of it needs an escape or a UTF-8
 * check and return 1; else return 0 (d[0..n) then holds anything).  m: the
 * byte classes that need it (VE | VU, or VE for values known to be valid
 * UTF-8).  Only
 * v[0..n) is read and only d[0..n) written: the last word overlaps the one
 * before, 4..7 bytes are copied as two overlapping halves, 1..3 as the
 * first, middle and last byte. */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
__attribute__((always_inline))
#endif
static inline int copy_plain(uint8_t *d, const uint8_t *v, size_t n, unsigned m)
{
#define SPECIAL_M(c) (cls[c] & m)
	if (n >= 8) {
#ifndef __OPTIMIZE_SIZE__
		size_t i;
		uint64_t x, y;
		/* (known UTF-8: the second test only for words not all ASCII) */
		if (n <= 16) { /* two words, overlapping when n < 16 */
			x = load8(v);
			y = load8(v + n - 8);
			if ((special8(x) | special8(y)) &&
			    ((m & VU) || (special8_utf8(x) | special8_utf8(y))))
				return 0;
			memcpy(d, &x, 8);
			memcpy(d + n - 8, &y, 8);
			return 1;
		}
		for (i = 0; i + 8u < n; i += 8) {
			x = load8(v + i);
			if (special8(x) && ((m & VU) || special8_utf8(x)))
				return 0;
			memcpy(d + i, &x, 8);
		}
		x = load8(v + n - 8);
		if (special8(x) && ((m & VU) || special8_utf8(x)))
			return 0;
		memcpy(d + n - 8, &x, 8);
#else
		size_t i;
		for (i = 0; i < n; i++) {
			if (SPECIAL_M(v[i]))
				return 0;
			d[i] = v[i];
		}
#endif
	} else if (n >= 4) {
		uint32_t lo = word4(v), hi = word4(v + n - 4);
		if (SPECIAL_M(v[0]) | SPECIAL_M(v[1]) | SPECIAL_M(v[2]) | SPECIAL_M(v[3]) |
		    SPECIAL_M(v[n - 3]) | SPECIAL_M(v[n - 2]) | SPECIAL_M(v[n - 1]))
			return 0;
		memcpy(d, &lo, 4);
		memcpy(d + n - 4, &hi, 4);
	} else if (n) {
		uint8_t a = v[0], b = v[n >> 1], c = v[n - 1];
		if (SPECIAL_M(a) | SPECIAL_M(b) | SPECIAL_M(c))
			return 0;
		d[0] = a;
		d[n >> 1] = b;
		d[n - 1] = c;
	}
	return 1;
#undef SPECIAL_M
}

/* Length of the valid UTF-8 sequence of 3 or 4 bytes at p[0..n) (p[0] >=
 * 0xE0), or 0 (the well-formed sequences of Unicode, table 3-7: no overlong
 * form, no surrogate, nothing above U+10FFFF). */
static size_t utf8_len34(const uint8_t *p, size_t n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xBF;
	size_t len;
	if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (len > n || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 ||
	    (len == 4 && (p[3] & 0xC0) != 0x80))
		return 0;
	return len;
}

/* The escapes of " & < > (the surplus of a row is overwritten). */
static const struct {
	char text[7];
	uint8_t len;
} esc_named[4] = { { "&quot;", 6 }, { "&amp;", 5 }, { "&lt;", 4 }, { "&gt;", 4 } };

/* The escape of byte c (class VE) into d (at least 6 bytes); its length. */
static size_t escape(uint8_t c, uint8_t *d)
{
	size_t k = 0;
	switch (c) {
	case '"': k = 0; break;
	case '&': k = 1; break;
	case '<': k = 2; break;
	case '>': k = 3; break;
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
	memcpy(d, esc_named[k].text, 6);
	return esc_named[k].len;
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
		if (!SPECIAL(c)) {
			/* a run of plain bytes */
#ifndef __OPTIMIZE_SIZE__
			while (e - p >= 8) { /* (8 bytes fit: 6 per byte left) */
				uint64_t x = load8(p), m = special8(x);
				memcpy(d, &x, 8);
				if (m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
					/* the lowest flagged byte is the first special one */
					size_t k = (size_t)__builtin_ctzll(m) >> 3;
					d += k;
					p += k;
#endif
					break;
				}
				d += 8;
				p += 8;
			}
#endif
			while (p < e && !SPECIAL(*p))
				*d++ = *p++;
		} else if (c < 0x80) {
			d += escape(c, d);
			p++;
		} else if (c >= 0xC2 && c < 0xE0) {
			if (end - p < 2 || (p[1] & 0xC0) != 0x80)
				return NULL;
			d[0] = c;
			d[1] = p[1];
			d += 2;
			p += 2;
		} else {
			size_t ul = c < 0xE0 ? 0 : utf8_len34(p, (size_t)(end - p));
			if (ul == 0)
				return NULL;
			d[0] = c;
			d[1] = p[1];
			d[2] = p[2];
			if (ul == 4)
				d[3] = p[3];
			d += ul;
			p += ul;
		}
	}
	*pp = p;
	return d;
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
		memcpy(d, &rank_pre[r], PRE_PAD);
		w->len_ += rank_pre[r].len;
	} else {
		put(w, " ", 1);
		put(w, a->name.ptr, a->name.len);
		put2(w, '=', '"');
	}
	out_value_long(w, a->value);
	put(w, "\"", 1);
}

/* Room for the indentation of any depth (copied in blocks of 16 bytes). */
#define IND_ROOM ((2u * OMACP_MAX_DEPTH + 15u) / 16u * 16u)
/* Room for ">\n" closing the previous tag (or nothing), the indentation,
 * "<" or "</" and an element name (TAG_PAD); then ">\n" of an end tag. */
#define HEAD_ROOM (2u + IND_ROOM + 2u + TAG_PAD)

/* `pre` (">\n" closing the previous start tag, or nothing), the
 * indentation for depth, then `open` ("<" or "</") and the element name,
 * at d (HEAD_ROOM bytes free); returns the end. */
static inline uint8_t *head_at(uint8_t *d, int close_prev, unsigned depth,
                               int end_tag, unsigned e)
{
	size_t ind = (size_t)depth * 2u;
	if (close_prev) {
		d[0] = '>';
		d[1] = '\n';
		d += 2;
	}
	memcpy(d, spaces, 16); /* the surplus is overwritten */
	if (ind > 16u) {
		size_t k;
		for (k = 16; k < ind; k += 16)
			memcpy(d + k, spaces, 16);
	}
	d += ind;
	*d++ = '<';
	if (end_tag)
		*d++ = '/';
	memcpy(d, tag_names[e], TAG_PAD);
	return d + tag_len[e];
}

static void tag_head(omacp_xml_writer *w, int close_prev, unsigned depth,
                     int end_tag, omacp_elem e)
{
	uint8_t *d = room(w, HEAD_ROOM);
	if (d)
		w->len_ = (size_t)(head_at(d, close_prev, depth, end_tag, (unsigned)e) - w->buf_);
}

/* Keep HEAD_ROOM bytes of the stage free between events; the error. */
static omacp_err keep_room(omacp_xml_writer *w)
{
	if (sizeof w->buf_ - w->len_ < HEAD_ROOM)
		return flush(w);
	return w->err_;
}

/* The start tag of element e is written at depth (in part at least), after
 * the '>' that closes the tag before when that was open. */
static inline void push(omacp_xml_writer *w, unsigned depth, unsigned e)
{
	w->open_ = 1;
	w->elem_[depth] = (uint8_t)e;
	w->depth_ = depth + 1u;
}

/* The general way: every attribute checked first, then the tag head (after
 * '>' when close_prev) and the attributes in canonical order, piece by
 * piece.  The element is pushed already. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static omacp_err start_tag_general(omacp_xml_writer *w, const omacp_event *ev,
                                   int close_prev)
{
	const omacp_attr *at = ev->attrs;
	size_t i, n = ev->n_attrs;
	unsigned r;
	for (i = 0; i < n; i++) {
		if ((at[i].value.len && !at[i].value.ptr) || !at[i].name.ptr)
			return w->err_ = OMACP_E_XML_ELEMENT;
		if (rank_of(at[i].name.ptr, at[i].name.len) == RANK_OTHER &&
		    !valid_name(at[i].name))
			return w->err_ = OMACP_E_XML_ELEMENT;
	}
	tag_head(w, close_prev, w->depth_ - 1u, 0, ev->elem);
	for (r = 0; r <= RANK_OTHER; r++) {
		for (i = 0; i < n; i++) {
			if (rank_of(at[i].name.ptr, at[i].name.len) == r)
				out_attr(w, &at[i], r);
		}
	}
	return keep_room(w);
}

/* Whether attributes from i on are good (slices, names) and in canonical
 * order after rank `prev`. */
static int rest_ok(const omacp_attr *at, size_t i, size_t n, unsigned prev)
{
	for (; i < n; i++) {
		unsigned r;
		if ((at[i].value.len && !at[i].value.ptr) || !at[i].name.ptr)
			return 0;
		r = rank_of(at[i].name.ptr, at[i].name.len);
		if (r < prev || (r == RANK_OTHER && !valid_name(at[i].name)))
			return 0;
		prev = r;
	}
	return 1;
}

/*
 * The rest of a start tag, piece by piece, from attribute i on (d: the end
 * of the text before it, in the stage; when `pre_done`, its ` name="` is
 * there already).  Called before anything of the tag can leave the stage
 * early (a flush in the middle of the tag): the rest of the tag is checked
 * first, and a bad or misplaced attribute starts over the general way, from
 * nothing written.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static omacp_err start_tag_rest(omacp_xml_writer *w, const omacp_event *ev, int close_prev,
                                uint8_t *d, size_t i, int pre_done, unsigned prev)
{
	const omacp_attr *at = ev->attrs;
	size_t n = ev->n_attrs;
	if (!rest_ok(at, i + 1, n, prev))
		return start_tag_general(w, ev, close_prev);
	w->len_ = (size_t)(d - w->buf_);
	if (pre_done) {
		out_value_long(w, at[i].value);
		put(w, "\"", 1);
		i++;
	}
	for (; i < n; i++)
		out_attr(w, &at[i], rank_of(at[i].name.ptr, at[i].name.len));
	return keep_room(w);
}

/* START of the root: its checks and the prolog. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static omacp_err start_root(omacp_xml_writer *w)
{
	if (w->started_)
		return w->err_ = OMACP_E_DOC_STRUCTURE;
	w->started_ = 1;
	if (!(w->flags_ & OMACP_XML_NO_PROLOG))
		put(w, prolog, sizeof prolog - 1);
	return keep_room(w);
}

/*
 * START: the start tag (the '>' closing it comes with the next event).
 * Nothing of a tag is written when one of its attributes is bad (an error
 * is sticky, so the element is pushed before the attributes are looked
 * at).  The usual case, attributes already in canonical order that fit the
 * stage, is written through a local cursor d and committed at the end
 * (escaping in place when 6 bytes per value byte fit); attributes out of
 * order, a bad one or bad UTF-8 start over the general way, and a tag that
 * may leave the stage before its end goes on piece by piece
 * (start_tag_rest).
 */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
__attribute__((always_inline)) inline /* speed: one copy per m */
#endif
static omacp_err start_tag_m(omacp_xml_writer *w, const omacp_event *ev, unsigned m)
{
	const omacp_attr *a = ev->attrs, *ae;
	unsigned depth = w->depth_, e = (unsigned)ev->elem, prev = 0;
	int close_prev;
	uint8_t *d, *end = w->buf_ + sizeof w->buf_;
#ifndef __OPTIMIZE_SIZE__
	/* speed only: the first wap-provisioningdoc with a prolog, nothing
	 * staged, room left as start_root() leaves it: the prolog (committed)
	 * and the tag head (not yet) at once, as start_root() and head_at()
	 * write them */
	if (depth == 0 && e == OMACP_ELEM_DOC && !w->started_ && !w->open_ && w->len_ == 0 &&
	    !(w->flags_ & OMACP_XML_NO_PROLOG) &&
	    sizeof prolog - 1 + HEAD_ROOM <= sizeof w->buf_) {
		w->started_ = 1;
		memcpy(w->buf_, prolog_root, sizeof prolog_root - 1);
		w->len_ = sizeof prolog - 1;
		if (ev->n_attrs && !a)
			return w->err_ = OMACP_E_ARG;
		d = w->buf_ + (sizeof prolog_root - 1);
		close_prev = 0;
		push(w, 0, e);
		goto attrs;
	}
#endif
	if (depth == 0 && start_root(w) != OMACP_OK)
		return w->err_;
	if (depth > OMACP_MAX_DEPTH)
		return w->err_ = OMACP_E_LIMIT;
	if (e - 1u >= (unsigned)OMACP_ELEM_COUNT_ - 1u || (ev->n_attrs && !a))
		return w->err_ = OMACP_E_ARG;
	/* HEAD_ROOM bytes are free (see omacp_xml_writer_event) */
	close_prev = w->open_;
	d = head_at(w->buf_ + w->len_, close_prev, depth, 0, e);
	push(w, depth, e);
#ifndef __OPTIMIZE_SIZE__
attrs:
#endif
	for (ae = ev->n_attrs ? a + ev->n_attrs : a; a < ae; a++) { /* a may be NULL */
		const uint8_t *np = a->name.ptr, *vp = a->value.ptr;
		size_t nl = a->name.len, vl = a->value.len;
		unsigned r;
		if (!np || (!vp && vl))
			return w->err_ = OMACP_E_XML_ELEMENT; /* nothing committed */
		r = rank_of(np, nl);
		if (r < prev)
			return start_tag_general(w, ev, close_prev);
		prev = r;
		if (r == RANK_OTHER && !valid_name(a->name))
			return w->err_ = OMACP_E_XML_ELEMENT;
		if ((nl | vl) >= sizeof w->buf_ || PRE_PAD + nl + vl + 1u > (size_t)(end - d))
			return start_tag_rest(w, ev, close_prev, d, (size_t)(a - ev->attrs), 0, prev);
		if (r < RANK_OTHER) {
			memcpy(d, &rank_pre[r], PRE_PAD);
			d += rank_pre[r].len;
		} else {
			d[0] = ' ';
			memcpy(d + 1, np, nl);
			d[nl + 1] = '=';
			d[nl + 2] = '"';
			d += nl + 3u;
		}
		if (copy_plain(d, vp, vl, VE | VU)) {
			d += vl;
		} else if (6u * vl + 1u <= (size_t)(end - d)) {
			/* bytes to escape or check: in place, it fits (a value
			 * known to be UTF-8 is only looked at for escapes) */
			const uint8_t *p = vp;
			if (m == VE && copy_plain(d, vp, vl, VE)) {
				d += vl;
			} else {
				d = copy_value_slow(d, &p, vp + vl, vp + vl);
				if (!d) /* bad UTF-8: the general way finds the error */
					return start_tag_general(w, ev, close_prev);
			}
		} else {
			return start_tag_rest(w, ev, close_prev, d, (size_t)(a - ev->attrs), 1, prev);
		}
		*d++ = '"';
	}
	w->len_ = (size_t)(d - w->buf_);
	if ((size_t)(end - d) < HEAD_ROOM)
		return flush(w);
	return OMACP_OK;
}

/* START of an event whose values need a look at every byte class (m =
 * VE | VU, see copy_plain). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static omacp_err start_tag(omacp_xml_writer *w, const omacp_event *ev)
{
	return start_tag_m(w, ev, VE | VU);
}

#ifndef __OPTIMIZE_SIZE__
/* Speed only: START of an event whose values are known to be UTF-8. */
__attribute__((noinline)) static omacp_err start_tag_utf8(omacp_xml_writer *w,
                                                        const omacp_event *ev)
{
	return start_tag_m(w, ev, VE);
}
#endif

/*
 * An event: START goes to start_tag; END writes `/>` for an empty element,
 * else the end tag.  After every event at least HEAD_ROOM bytes of the
 * stage are free (it is flushed when fewer are left), so a tag head needs
 * no room check and the common paths call nothing.  m: the byte classes
 * of a value that need a look (see copy_plain).
 */
omacp_err omacp_xml_writer_event(void *user, const omacp_event *ev)
{
	omacp_xml_writer *w = (omacp_xml_writer *)user;
	unsigned depth;
	uint8_t *d;
	if (!w || !ev)
		return OMACP_E_ARG;
	if (w->err_ != OMACP_OK)
		return w->err_;
	if (ev->kind == OMACP_EV_START)
#ifndef __OPTIMIZE_SIZE__
		return (w->flags_ & OMACP_XML_TRUSTED_UTF8) ? start_tag_utf8(w, ev)
		                                            : start_tag(w, ev);
#else
		return start_tag(w, ev);
#endif
	depth = w->depth_;
	if (ev->kind != OMACP_EV_END || depth == 0 || (unsigned)ev->elem != w->elem_[depth - 1])
		return w->err_ = OMACP_E_DOC_STRUCTURE;
	w->depth_ = --depth;
	d = w->buf_ + w->len_;
	if (w->open_) {
		w->open_ = 0;
		*d++ = '/';
	} else {
		d = head_at(d, 0, depth, 1, w->elem_[depth]);
	}
	d[0] = '>';
	d[1] = '\n';
	w->len_ = (size_t)(d + 2 - w->buf_);
	/* the document is complete, or the stage almost full */
	if (depth == 0 || sizeof w->buf_ - w->len_ < HEAD_ROOM)
		return flush(w);
	return OMACP_OK;
}

omacp_err omacp_xml_writer_finish(omacp_xml_writer *w)
{
#ifndef __OPTIMIZE_SIZE__
	/* speed only: nothing staged (the root closed): flush() would only
	 * return err_ */
	if (w->len_ == 0) {
		if (w->err_ != OMACP_OK)
			return w->err_;
	} else
#endif
	if (flush(w) != OMACP_OK)
		return w->err_;
	if (w->depth_ != 0 || !w->started_)
		return OMACP_E_STATE;
	return OMACP_OK;
}

omacp_err omacp_buf_write(void *user, const uint8_t *p, size_t n)
{
	omacp_buf *b = (omacp_buf *)user;
#ifndef __OPTIMIZE_SIZE__
	/* speed only: the usual case at once (the checks below in one) */
	if (b && p && b->ptr && n - 1u < b->cap - b->len) {
		memcpy(b->ptr + b->len, p, n);
		b->len += n;
		return OMACP_OK;
	}
#endif
	if (!b || (!p && n))
		return OMACP_E_ARG;
	if (n > b->cap - b->len || (n && !b->ptr))
		return OMACP_E_NOMEM;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	return OMACP_OK;
}
