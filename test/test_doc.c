/* Document tree: builder (arena, NOMEM, structure), lookups, walk, equal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "omacp/doc.h"
#include "omacp/wbxml.h"
#include "omacp/xml.h"

/* ------------------------------------------------------------ helpers */

/* Deliver the events of a vector: its input.xml through the XML parser, or
 * (in an OMACP_NO_XML build) libwbxml's encoding through the WBXML decoder. */
static omacp_err vector_events(const char *dir, omacp_event_fn fn, void *user)
{
	size_t n;
	omacp_err e;
#ifndef OMACP_NO_XML
	uint8_t *x = tu_read(tu_vpath(dir, "input.xml"), &n);
	uint8_t *w;
	assert_non_null(x);
	w = malloc(OMACP_XML_WORK_BYTES(n));
	e = omacp_xml_parse(x, n, w, OMACP_XML_WORK_BYTES(n), fn, user, NULL);
	free(w);
#else
	static uint8_t work[8192];
	uint8_t *x = tu_read_hex(tu_vpath(dir, "wbxml-nostrtbl.hex"), &n);
	assert_non_null(x);
	e = omacp_wbxml_decode(x, n, work, sizeof work, 0, fn, user, NULL);
#endif
	free(x);
	return e;
}

typedef struct built {
	omacp_doc doc;
	omacp_doc_builder b;
	uint8_t *arena;
} built;

static void build_vector(const char *dir, built *t)
{
	t->arena = malloc(1u << 16);
	omacp_doc_builder_init(&t->b, &t->doc, t->arena, 1u << 16);
	assert_int_equal(vector_events(dir, omacp_doc_builder_event, &t->b), OMACP_OK);
	assert_int_equal(omacp_doc_builder_finish(&t->b), OMACP_OK);
	assert_non_null(t->doc.root);
}

static int sl_is(omacp_slice s, const char *want)
{
	return s.ptr != NULL && omacp_slice_eq(s, want);
}

static omacp_event ev_mk(omacp_event_kind k, omacp_elem e, unsigned depth,
                         const omacp_attr *a, size_t na)
{
	omacp_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.elem = e;
	ev.depth = depth;
	ev.attrs = na ? a : NULL;
	ev.n_attrs = na;
	return ev;
}

static omacp_attr at(const char *name, const char *value)
{
	omacp_attr a;
	a.name.ptr = (const uint8_t *)name;
	a.name.len = strlen(name);
	a.value.ptr = (const uint8_t *)value;
	a.value.len = strlen(value);
	return a;
}

/* ------------------------------------------------------------ NOMEM */

static void test_nomem_every_size(void **st)
{
	const char *dir = "libwbxml-08_nested_port_services";
	built full;
	size_t need, k;
	(void)st;
	build_vector(dir, &full);
	need = full.doc.bytes_used;
	assert_true(need > 0);
	for (k = 0; k < need; k++) {
		/* exactly k bytes (aligned by malloc), so ASan sees overruns */
		uint8_t *w = malloc(k ? k : 1);
		omacp_doc doc;
		omacp_doc_builder b;
		omacp_doc_builder_init(&b, &doc, k ? w : NULL, k);
		assert_int_equal(vector_events(dir, omacp_doc_builder_event, &b), OMACP_E_NOMEM);
		assert_int_equal(omacp_doc_builder_finish(&b), OMACP_E_NOMEM);
		assert_null(doc.root);
		assert_int_equal(doc.n_nodes, 0);
		/* after NOMEM every later event is refused too */
		{
			omacp_event ev = ev_mk(OMACP_EV_END, OMACP_ELEM_DOC, 0, NULL, 0);
			assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_NOMEM);
		}
		free(w);
	}
	{
		uint8_t *w = malloc(need);
		omacp_doc doc;
		omacp_doc_builder b;
		omacp_doc_builder_init(&b, &doc, w, need);
		assert_int_equal(vector_events(dir, omacp_doc_builder_event, &b), OMACP_OK);
		assert_int_equal(omacp_doc_builder_finish(&b), OMACP_OK);
		assert_non_null(doc.root);
		assert_int_equal(doc.bytes_used, need);
		assert_true(omacp_doc_equal(&doc, &full.doc));
		free(w);
	}
	free(full.arena);
}

/* OMACP_DOC_WORK_BYTES is exact: N nodes, A attributes, T bytes of copied
 * text fit in exactly the macro's bytes at the worst alignment, and one
 * byte less fails. */
static omacp_err feed_synthetic(omacp_doc_builder *b, size_t *nodes, size_t *attrs, size_t *text)
{
	omacp_attr ra[2], ca[2], pa[3];
	omacp_event ev;
	omacp_err e;
	int i;
	ra[0] = at("version", "1.0");
	ca[0] = at("type", "NAPDEF");
	ca[1] = at("x-vendor", "");             /* an unknown name: copied */
	pa[0] = at("name", "NAPID");
	pa[1] = at("value", "INTERNET \xE2\x82\xAC");
	pa[2] = at("datatype", "string");
	*nodes = 0, *attrs = 0, *text = 0;
#define FEED(evx)                                            \
	do {                                                 \
		ev = evx;                                    \
		if ((e = omacp_doc_builder_event(b, &ev)) != OMACP_OK) \
			return e;                            \
	} while (0)
	FEED(ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, ra, 1));
	*nodes += 1, *attrs += 1, *text += 3;
	for (i = 0; i < 3; i++) {
		FEED(ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, 1, ca, 2));
		*nodes += 1, *attrs += 2, *text += 6 + 8;
		FEED(ev_mk(OMACP_EV_START, OMACP_ELEM_PARM, 2, pa, 3));
		*nodes += 1, *attrs += 3, *text += 5 + 12 + 6;
		FEED(ev_mk(OMACP_EV_END, OMACP_ELEM_PARM, 2, NULL, 0));
		FEED(ev_mk(OMACP_EV_START, OMACP_ELEM_NOPARM, 2, NULL, 0));
		*nodes += 1;
		FEED(ev_mk(OMACP_EV_END, OMACP_ELEM_NOPARM, 2, NULL, 0));
		FEED(ev_mk(OMACP_EV_END, OMACP_ELEM_CHARACTERISTIC, 1, NULL, 0));
	}
	FEED(ev_mk(OMACP_EV_END, OMACP_ELEM_DOC, 0, NULL, 0));
#undef FEED
	return omacp_doc_builder_finish(b);
}

static void test_work_bytes_exact(void **st)
{
	size_t nodes, attrs, text, need, mis, len;
	omacp_doc doc;
	omacp_doc_builder b;
	uint8_t *mem = malloc(4096);
	(void)st;
	/* count first (big arena) */
	omacp_doc_builder_init(&b, &doc, mem, 4096);
	assert_int_equal(feed_synthetic(&b, &nodes, &attrs, &text), OMACP_OK);
	assert_int_equal(nodes, 10);
	assert_int_equal(doc.n_nodes, 10);
	need = OMACP_DOC_WORK_BYTES(nodes, attrs, text);
	/* the worst start address needs every byte of the macro */
	for (mis = 0; mis < sizeof(omacp_doc_align_); mis++) {
		size_t pad = mis ? sizeof(omacp_doc_align_) - mis : 0;
		size_t exact = need - (sizeof(omacp_doc_align_) - 1) + pad;
		omacp_doc_builder_init(&b, &doc, mem + mis, exact);
		assert_int_equal(feed_synthetic(&b, &nodes, &attrs, &text), OMACP_OK);
		assert_int_equal(doc.bytes_used, exact);
		omacp_doc_builder_init(&b, &doc, mem + mis, exact - 1);
		assert_int_equal(feed_synthetic(&b, &nodes, &attrs, &text), OMACP_E_NOMEM);
		assert_null(doc.root);
	}
	omacp_doc_builder_init(&b, &doc, mem + 1, need);
	assert_int_equal(feed_synthetic(&b, &nodes, &attrs, &text), OMACP_OK);
	assert_int_equal(doc.bytes_used, need);
	for (len = 0; len < need; len++) {
		omacp_doc_builder_init(&b, &doc, mem + 1, len);
		assert_int_equal(feed_synthetic(&b, &nodes, &attrs, &text), OMACP_E_NOMEM);
		assert_null(doc.root);
	}
	free(mem);
}

/* ------------------------------------------------------------ structure */

static void test_structure_errors(void **st)
{
	uint8_t mem[2048];
	omacp_doc doc;
	omacp_doc_builder b;
	omacp_event ev;
	omacp_attr a = at("type", "X");
	(void)st;
	/* END without START */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_END, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	assert_int_equal(omacp_doc_builder_finish(&b), OMACP_E_DOC_STRUCTURE);
	assert_null(doc.root);
	/* a second root */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	ev.kind = OMACP_EV_END;
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	ev.kind = OMACP_EV_START;
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	assert_int_equal(omacp_doc_builder_finish(&b), OMACP_E_DOC_STRUCTURE);
	assert_null(doc.root);
	/* END of another element */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, 1, &a, 1);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_END, OMACP_ELEM_PARM, 1, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	/* a depth that does not match */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_PARM, 2, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	/* a root that is not wap-provisioningdoc; a nested one */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, 0, &a, 1);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	ev.depth = 1;
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	/* an element value out of range */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_COUNT_, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
	/* attrs NULL with a count */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	ev.n_attrs = 2;
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_ARG);
	/* root never closed; nothing at all */
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
	assert_int_equal(omacp_doc_builder_finish(&b), OMACP_E_STATE);
	assert_null(doc.root);
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	assert_int_equal(omacp_doc_builder_finish(&b), OMACP_E_STATE);
	/* deeper than OMACP_MAX_DEPTH */
	{
		unsigned d;
		omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
		ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
		assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
		for (d = 1; d <= OMACP_MAX_DEPTH; d++) {
			ev = ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, d, &a, 1);
			assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_OK);
		}
		ev = ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, d, &a, 1);
		assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_LIMIT);
	}
}

/* ------------------------------------------------------------ lookups */

static void test_lookups(void **st)
{
	built t;
	const omacp_node *r, *px, *pp, *port, *nap, *auth, *n;
	(void)st;
	build_vector("libwbxml-02_proxy_pxlogical_pxphysical", &t);
	r = t.doc.root;
	assert_int_equal(r->elem, OMACP_ELEM_DOC);
	assert_true(sl_is(omacp_node_attr(r, "version"), "1.0"));
	assert_null(r->parent);
	assert_int_equal(t.doc.n_nodes, 27);

	px = omacp_node_child(r, "PXLOGICAL");
	assert_non_null(px);
	assert_int_equal(px->depth, 1);
	assert_ptr_equal(px->parent, r);
	assert_true(sl_is(omacp_node_value(omacp_node_parm(px, "PROXY-ID")), "wap.example.com"));
	assert_true(sl_is(omacp_node_value(omacp_node_parm(px, "NAME")), "Example WAP Proxy"));
	assert_true(sl_is(omacp_node_value(omacp_node_parm(px, "STARTPAGE")), "http://wap.example.com/"));
	pp = omacp_node_child(px, "PXPHYSICAL");
	assert_non_null(pp);
	assert_true(sl_is(omacp_node_value(omacp_node_parm(pp, "PXADDR")), "10.0.0.1"));
	assert_true(sl_is(omacp_node_value(omacp_node_parm(pp, "TO-NAPID")), "GPRS_NAP"));
	port = omacp_node_child(pp, "PORT");
	assert_non_null(port);
	assert_int_equal(port->depth, 3);
	assert_true(sl_is(omacp_node_value(omacp_node_parm(port, "PORTNBR")), "9201"));
	assert_true(sl_is(omacp_node_value(omacp_node_parm(port, "SERVICE")), "CO-WSP"));
	assert_true(sl_is(omacp_node_type(omacp_node_child(px, "PXAUTHINFO")), "PXAUTHINFO"));

	nap = omacp_node_child(r, "NAPDEF");
	assert_non_null(nap);
	assert_true(sl_is(omacp_node_value(omacp_node_parm(nap, "NAPID")), "GPRS_NAP"));
	auth = omacp_node_child(nap, "NAPAUTHINFO");
	assert_true(sl_is(omacp_node_value(omacp_node_parm(auth, "AUTHTYPE")), "CHAP"));
	assert_true(sl_is(omacp_node_name(omacp_node_parm(auth, "AUTHNAME")), "AUTHNAME"));

	/* absent things */
	assert_null(omacp_node_child(r, "BOOTSTRAP"));
	assert_null(omacp_node_child(r, "napdef")); /* case-sensitive */
	assert_null(omacp_node_parm(r, "NAPID"));     /* only direct children */
	assert_null(omacp_node_child(port, "PORT"));
	assert_null(omacp_node_attr(px, "value").ptr);
	assert_null(omacp_node_attr(NULL, "type").ptr);
	assert_null(omacp_node_parm(NULL, "x"));
	/* a parm is not a characteristic, even with a matching attribute */
	assert_null(omacp_node_child(px, "PROXY-ID"));

	/* pre-order: the order of input.xml */
	n = r;
	n = omacp_node_next_preorder(n);
	assert_ptr_equal(n, px);
	n = omacp_node_next_preorder(n);
	assert_true(sl_is(omacp_node_name(n), "PROXY-ID"));
	n = omacp_node_next_preorder(port->first->next); /* SERVICE, last of PORT */
	assert_ptr_equal(n, nap);                         /* climbs two levels */
	{
		size_t k = 0;
		for (n = r; n; n = omacp_node_next_preorder(n))
			k++;
		assert_int_equal(k, 27);
	}
	free(t.arena);

	/* an empty value is present (ptr set, length 0); a valueless parm has none */
	build_vector("libwbxml-17_empty_attr_value", &t);
	n = omacp_node_parm(omacp_node_child(t.doc.root, "NAPDEF"), "NAME");
	assert_non_null(n);
	assert_non_null(omacp_node_value(n).ptr);
	assert_int_equal(omacp_node_value(n).len, 0);
	free(t.arena);
	build_vector("libwbxml-08_nested_port_services", &t);
	n = omacp_node_parm(omacp_node_child(t.doc.root, "PXLOGICAL"), "TRUST");
	assert_non_null(n);
	assert_null(omacp_node_value(n).ptr);
	/* the first of two parms with the same name */
	n = omacp_node_parm(omacp_node_child(omacp_node_child(t.doc.root, "PXLOGICAL"), "PXPHYSICAL"), "TO-NAPID");
	assert_true(sl_is(omacp_node_value(n), "NAP_A"));
	free(t.arena);
	/* non-ASCII values are kept byte for byte */
	build_vector("libwbxml-11_utf8_values", &t);
	n = omacp_node_child(omacp_node_child(t.doc.root, "APPLICATION"), "RESOURCE");
	assert_true(sl_is(omacp_node_value(omacp_node_parm(n, "NAME")),
	                  "\xE7\xA7\xBB\xE5\x8A\xA8\xE6\xA2\xA6\xE7\xBD\x91 \xE2\x98\x85 \xF0\x9F\x98\x80"));
	free(t.arena);
}

/* The tree owns copies: overwriting the producer's bytes changes nothing. */
static omacp_err clobber_after(void *user, const omacp_event *ev)
{
	omacp_doc_builder *b = user;
	omacp_err e = omacp_doc_builder_event(b, ev);
	size_t i;
	for (i = 0; i < ev->n_attrs; i++) {
		memset((void *)ev->attrs[i].name.ptr, 'Z', ev->attrs[i].name.len);
		memset((void *)ev->attrs[i].value.ptr, 'Z', ev->attrs[i].value.len);
	}
	return e;
}

static void test_tree_owns_copies(void **st)
{
	char n1[] = "NAPDEF", n2[] = "NAPID", v2[] = "A", n3[] = "x-custom", v3[] = "q";
	char nt[] = "type", nn[] = "name", nv[] = "value";
	omacp_attr ca, pa[3];
	omacp_event ev;
	uint8_t mem[1024];
	omacp_doc doc;
	omacp_doc_builder b;
	const omacp_node *p;
	(void)st;
	ca.name.ptr = (uint8_t *)nt, ca.name.len = 4;
	ca.value.ptr = (uint8_t *)n1, ca.value.len = 6;
	pa[0].name.ptr = (uint8_t *)nn, pa[0].name.len = 4;
	pa[0].value.ptr = (uint8_t *)n2, pa[0].value.len = 5;
	pa[1].name.ptr = (uint8_t *)nv, pa[1].name.len = 5;
	pa[1].value.ptr = (uint8_t *)v2, pa[1].value.len = 1;
	pa[2].name.ptr = (uint8_t *)n3, pa[2].name.len = 8;
	pa[2].value.ptr = (uint8_t *)v3, pa[2].value.len = 1;
	omacp_doc_builder_init(&b, &doc, mem, sizeof mem);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(clobber_after(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, 1, &ca, 1);
	assert_int_equal(clobber_after(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_PARM, 2, pa, 3);
	assert_int_equal(clobber_after(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_END, OMACP_ELEM_PARM, 2, NULL, 0);
	assert_int_equal(clobber_after(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_END, OMACP_ELEM_CHARACTERISTIC, 1, NULL, 0);
	assert_int_equal(clobber_after(&b, &ev), OMACP_OK);
	ev = ev_mk(OMACP_EV_END, OMACP_ELEM_DOC, 0, NULL, 0);
	assert_int_equal(clobber_after(&b, &ev), OMACP_OK);
	assert_int_equal(omacp_doc_builder_finish(&b), OMACP_OK);
	p = omacp_node_parm(omacp_node_child(doc.root, "NAPDEF"), "NAPID");
	assert_non_null(p);
	assert_true(sl_is(omacp_node_value(p), "A"));
	assert_true(sl_is(omacp_node_attr(p, "x-custom"), "q"));
	/* a later event is refused once the root is closed */
	ev = ev_mk(OMACP_EV_START, OMACP_ELEM_PARM, 1, NULL, 0);
	assert_int_equal(omacp_doc_builder_event(&b, &ev), OMACP_E_DOC_STRUCTURE);
}

/* Every string of the tree lies in [lo, lo + n) (want 1) or none (want 0);
 * vocabulary names are static either way and not counted. */
static void check_kept(const omacp_doc *d, const uint8_t *lo, size_t n, int want)
{
	const omacp_node *x;
	size_t i, inside = 0, copied = 0;
	for (x = d->root; x; x = omacp_node_next_preorder(x)) {
		for (i = 0; i < x->n_attrs; i++) {
			omacp_slice v = x->attrs[i].value;
			if (!v.len)
				continue;
			if (v.ptr >= lo && v.ptr + v.len <= lo + n)
				inside++;
			else
				copied++;
		}
	}
	if (want)
		assert_true(inside > 0);
	else
		assert_int_equal(inside, 0);
	(void)copied;
}

/* omacp_doc_builder_keep: the same tree as copying, values from inline
 * strings and the string table by reference, fewer arena bytes. */
static void test_keep_region(void **st)
{
	static const char *const dirs[] = {
		"libwbxml-08_nested_port_services", "libwbxml-02_proxy_pxlogical_pxphysical",
		"kannel-11_utf8_values-userpin"
	};
	static const char *const files[] = { "wbxml.hex", "wbxml-nostrtbl.hex" };
	static uint8_t work[4096];
	size_t i, f;
	(void)st;
	for (i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		for (f = 0; f < 2; f++) {
			size_t n;
			uint8_t *x = tu_read_hex(tu_vpath(dirs[i], files[f]), &n);
			built ref, kept;
			if (!x)
				continue; /* Kannel vectors have one encoding */
			build_vector(dirs[i], &ref); /* the XML input: an independent tree */
			kept.arena = malloc(1u << 16);
			omacp_doc_builder_init(&kept.b, &kept.doc, kept.arena, 1u << 16);
			omacp_doc_builder_keep(&kept.b, x, n);
			assert_int_equal(omacp_wbxml_decode(x, n, work, sizeof work, 0,
			                                    omacp_doc_builder_event, &kept.b, NULL),
			                 OMACP_OK);
			assert_int_equal(omacp_doc_builder_finish(&kept.b), OMACP_OK);
			assert_true(omacp_doc_equal(&ref.doc, &kept.doc));
			check_kept(&kept.doc, x, n, 1);
			check_kept(&ref.doc, x, n, 0);
			assert_true(kept.doc.bytes_used < ref.doc.bytes_used);
			/* the input is the tree's: changing it changes the tree */
			memset(x, 'Z', n);
			assert_false(omacp_doc_equal(&ref.doc, &kept.doc));
			/* keep off again (NULL): everything copied */
			omacp_doc_builder_init(&kept.b, &kept.doc, kept.arena, 1u << 16);
			omacp_doc_builder_keep(&kept.b, NULL, 99);
			assert_int_equal(kept.b.keep_len_, 0);
			free(kept.arena);
			free(ref.arena);
			free(x);
		}
	}
}

/* ------------------------------------------------------------ walk/equal */

typedef struct rec {
	omacp_doc_builder b;
	int n;
	int stop_at;
} rec;

static omacp_err rec_fn(void *u, const omacp_event *ev)
{
	rec *r = u;
	if (++r->n == r->stop_at)
		return OMACP_E_CSP;
	if (r->stop_at == -1 && r->n == 3)
		return OMACP_MORE; /* a positive value */
	return omacp_doc_builder_event(&r->b, ev);
}

static void test_walk_and_equal(void **st)
{
	built t, u;
	rec r;
	omacp_doc copy;
	uint8_t *mem = malloc(1u << 16);
	(void)st;
	build_vector("libwbxml-08_nested_port_services", &t);
	/* walk into a second builder: an equal tree with the same counts */
	memset(&r, 0, sizeof r);
	omacp_doc_builder_init(&r.b, &copy, mem, 1u << 16);
	assert_int_equal(omacp_doc_walk(&t.doc, rec_fn, &r), OMACP_OK);
	assert_int_equal(omacp_doc_builder_finish(&r.b), OMACP_OK);
	assert_int_equal(r.n, 2 * (int)t.doc.n_nodes);
	assert_int_equal(copy.n_nodes, t.doc.n_nodes);
	assert_true(omacp_doc_equal(&t.doc, &copy));
	assert_true(omacp_doc_equal(&copy, &t.doc));
	/* the walk stops on the callback's error */
	memset(&r, 0, sizeof r);
	r.stop_at = 5;
	omacp_doc_builder_init(&r.b, &copy, mem, 1u << 16);
	assert_int_equal(omacp_doc_walk(&t.doc, rec_fn, &r), OMACP_E_CSP);
	assert_int_equal(r.n, 5);
	memset(&r, 0, sizeof r);
	r.stop_at = -1;
	omacp_doc_builder_init(&r.b, &copy, mem, 1u << 16);
	assert_int_equal(omacp_doc_walk(&t.doc, rec_fn, &r), OMACP_E_CALLBACK);
	/* an empty doc */
	{
		omacp_doc empty;
		memset(&empty, 0, sizeof empty);
		assert_int_equal(omacp_doc_walk(&empty, rec_fn, &r), OMACP_E_STATE);
		assert_int_equal(omacp_doc_walk(NULL, rec_fn, &r), OMACP_E_ARG);
	}
	/* different documents */
	build_vector("libwbxml-13_napdef_csd", &u);
	assert_false(omacp_doc_equal(&t.doc, &u.doc));
	free(u.arena);
	free(t.arena);
	free(mem);
}

static void test_equal_details(void **st)
{
	/* same attributes in another order: equal; another value, another
	 * element, a missing node, another nesting: not equal */
	omacp_attr p1[2], p2[2], p3[2];
	uint8_t m1[1024], m2[1024];
	omacp_doc d1, d2;
	omacp_doc_builder b1, b2;
	omacp_event ev;
	(void)st;
	p1[0] = at("name", "A"), p1[1] = at("value", "1");
	p2[0] = at("value", "1"), p2[1] = at("name", "A");
	p3[0] = at("value", "2"), p3[1] = at("name", "A");
#define DOC(b, d, m, pa, elem2, nest)                                                      \
	do {                                                                                \
		omacp_doc_builder_init(&b, &d, m, sizeof m);                                \
		ev = ev_mk(OMACP_EV_START, OMACP_ELEM_DOC, 0, NULL, 0);                     \
		omacp_doc_builder_event(&b, &ev);                                           \
		ev = ev_mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, 1, NULL, 0);          \
		omacp_doc_builder_event(&b, &ev);                                           \
		if (!(nest)) {                                                              \
			ev = ev_mk(OMACP_EV_END, OMACP_ELEM_CHARACTERISTIC, 1, NULL, 0);    \
			omacp_doc_builder_event(&b, &ev);                                   \
		}                                                                           \
		ev = ev_mk(OMACP_EV_START, elem2, 1 + !!(nest), pa, 2);                     \
		omacp_doc_builder_event(&b, &ev);                                           \
		ev = ev_mk(OMACP_EV_END, elem2, 1 + !!(nest), NULL, 0);                     \
		omacp_doc_builder_event(&b, &ev);                                           \
		if (nest) {                                                                 \
			ev = ev_mk(OMACP_EV_END, OMACP_ELEM_CHARACTERISTIC, 1, NULL, 0);    \
			omacp_doc_builder_event(&b, &ev);                                   \
		}                                                                           \
		ev = ev_mk(OMACP_EV_END, OMACP_ELEM_DOC, 0, NULL, 0);                       \
		omacp_doc_builder_event(&b, &ev);                                           \
		assert_int_equal(omacp_doc_builder_finish(&b), OMACP_OK);                   \
	} while (0)
	DOC(b1, d1, m1, p1, OMACP_ELEM_PARM, 0);
	DOC(b2, d2, m2, p2, OMACP_ELEM_PARM, 0);
	assert_true(omacp_doc_equal(&d1, &d2));
	DOC(b2, d2, m2, p3, OMACP_ELEM_PARM, 0);
	assert_false(omacp_doc_equal(&d1, &d2));
	DOC(b2, d2, m2, p1, OMACP_ELEM_NOPARM, 0);
	assert_false(omacp_doc_equal(&d1, &d2));
	DOC(b2, d2, m2, p1, OMACP_ELEM_PARM, 1);
	assert_false(omacp_doc_equal(&d1, &d2));
#undef DOC
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nomem_every_size),
		cmocka_unit_test(test_work_bytes_exact),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_tree_owns_copies),
		cmocka_unit_test(test_keep_region),
		cmocka_unit_test(test_walk_and_equal),
		cmocka_unit_test(test_equal_details),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
