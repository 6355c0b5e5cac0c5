/*
 * The canonical XML writer (events -> text) and the fixed-buffer write
 * target.  Needs no expat.
 */
#include <string.h>
#include "omacp/xml.h"

static const char prolog[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\" "
	"\"http://www.wapforum.org/DTD/prov.dtd\">\n";

/* Attributes that come first, in this order; the rest keep input order. */
static const char *const first_attrs[] = { "name", "type", "value", "version" };
#define N_FIRST (sizeof first_attrs / sizeof first_attrs[0])

void omacp_xml_writer_init(omacp_xml_writer *w, unsigned flags,
                           omacp_write_fn write, void *user)
{
	memset(w, 0, sizeof *w);
	w->write_ = write;
	w->user_ = user;
	w->flags_ = flags;
	w->err_ = OMACP_OK;
}

static omacp_err out(omacp_xml_writer *w, const void *p, size_t n)
{
	omacp_err r;
	if (w->err_ != OMACP_OK)
		return w->err_;
	if (n == 0)
		return OMACP_OK;
	r = w->write_(w->user_, (const uint8_t *)p, n);
	if (r != OMACP_OK)
		w->err_ = r > 0 ? OMACP_E_CALLBACK : r;
	return w->err_;
}

static omacp_err outs(omacp_xml_writer *w, const char *s)
{
	return out(w, s, strlen(s));
}

static omacp_err indent(omacp_xml_writer *w, unsigned depth)
{
	static const char sp[] = "                ";
	size_t n = (size_t)depth * 2u;
	while (n > 0 && w->err_ == OMACP_OK) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;
		out(w, sp, k);
		n -= k;
	}
	return w->err_;
}

/* Length of the valid UTF-8 sequence at p[0..n), or 0 if invalid. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len, k;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
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

/* An attribute value, quoted and escaped. */
static omacp_err out_value(omacp_xml_writer *w, omacp_slice v)
{
	size_t i = 0, run = 0;
	while (i < v.len && w->err_ == OMACP_OK) {
		uint8_t c = v.ptr[i];
		const char *esc = NULL;
		char num[8];
		size_t ul;
		switch (c) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		default:
			if (c < 0x20 || c == 0x7F) {
				/* &#N; keeps \t \n \r through attribute-value
				 * normalization */
				size_t k = 0;
				num[k++] = '&';
				num[k++] = '#';
				if (c >= 100)
					num[k++] = (char)('0' + c / 100);
				if (c >= 10)
					num[k++] = (char)('0' + c / 10 % 10);
				num[k++] = (char)('0' + c % 10);
				num[k++] = ';';
				num[k] = 0;
				esc = num;
			}
			break;
		}
		if (esc) {
			out(w, v.ptr + run, i - run);
			outs(w, esc);
			i++;
			run = i;
			continue;
		}
		ul = utf8_len(v.ptr + i, v.len - i);
		if (ul == 0) {
			w->err_ = OMACP_E_XML_ENCODING;
			return w->err_;
		}
		i += ul;
	}
	return out(w, v.ptr + run, i - run);
}

/* Attribute names are written as they are, so they must be XML names. */
static int valid_name(omacp_slice s)
{
	size_t i;
	if (s.len == 0)
		return 0;
	for (i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '-' || c == '.')))
			return 0;
	}
	return 1;
}

static int is_first(omacp_slice name)
{
	size_t k;
	for (k = 0; k < N_FIRST; k++) {
		if (omacp_slice_eq(name, first_attrs[k]))
			return 1;
	}
	return 0;
}

static omacp_err out_attr(omacp_xml_writer *w, const omacp_attr *a)
{
	out(w, " ", 1);
	out(w, a->name.ptr, a->name.len);
	out(w, "=\"", 2);
	out_value(w, a->value);
	return out(w, "\"", 1);
}

static omacp_err start_tag(omacp_xml_writer *w, const omacp_event *ev)
{
	const char *name = omacp_elem_name(ev->elem);
	size_t i, k;
	if (!name)
		return w->err_ = OMACP_E_ARG;
	if (ev->n_attrs && !ev->attrs)
		return w->err_ = OMACP_E_ARG;
	for (i = 0; i < ev->n_attrs; i++) {
		if ((ev->attrs[i].value.len && !ev->attrs[i].value.ptr) ||
		    !ev->attrs[i].name.ptr || !valid_name(ev->attrs[i].name))
			return w->err_ = OMACP_E_XML_ELEMENT;
	}
	if (w->open_) {
		out(w, ">\n", 2);
		w->open_ = 0;
	}
	indent(w, w->depth_);
	out(w, "<", 1);
	outs(w, name);
	for (k = 0; k < N_FIRST; k++) {
		for (i = 0; i < ev->n_attrs; i++) {
			if (omacp_slice_eq(ev->attrs[i].name, first_attrs[k]))
				out_attr(w, &ev->attrs[i]);
		}
	}
	for (i = 0; i < ev->n_attrs; i++) {
		if (!is_first(ev->attrs[i].name))
			out_attr(w, &ev->attrs[i]);
	}
	w->open_ = 1;
	return w->err_;
}

omacp_err omacp_xml_writer_event(void *user, const omacp_event *ev)
{
	omacp_xml_writer *w = (omacp_xml_writer *)user;
	if (!w || !ev)
		return OMACP_E_ARG;
	if (w->err_ != OMACP_OK)
		return w->err_;
	if (ev->kind == OMACP_EV_START) {
		if (w->depth_ == 0) {
			if (w->started_)
				return w->err_ = OMACP_E_DOC_STRUCTURE;
			w->started_ = 1;
			if (!(w->flags_ & OMACP_XML_NO_PROLOG))
				out(w, prolog, sizeof prolog - 1);
		}
		if (w->depth_ > OMACP_MAX_DEPTH)
			return w->err_ = OMACP_E_LIMIT;
		if (start_tag(w, ev) != OMACP_OK)
			return w->err_;
		w->elem_[w->depth_] = (uint8_t)ev->elem;
		w->depth_++;
		return w->err_;
	}
	if (ev->kind != OMACP_EV_END || w->depth_ == 0 ||
	    (unsigned)ev->elem != w->elem_[w->depth_ - 1])
		return w->err_ = OMACP_E_DOC_STRUCTURE;
	w->depth_--;
	if (w->open_) {
		out(w, "/>\n", 3);
		w->open_ = 0;
	} else {
		const char *name = omacp_elem_name(ev->elem);
		if (!name)
			return w->err_ = OMACP_E_ARG;
		indent(w, w->depth_);
		out(w, "</", 2);
		outs(w, name);
		out(w, ">\n", 2);
	}
	return w->err_;
}

omacp_err omacp_xml_writer_finish(omacp_xml_writer *w)
{
	if (w->err_ != OMACP_OK)
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
