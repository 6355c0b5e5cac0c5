/* XML front end (expat) and canonical XML writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "omacp/xml.h"
#include "omacp/doc.h"

/* ------------------------------------------------------------ helpers */

#define PROLOG "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define DT "<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\" \"http://www.wapforum.org/DTD/prov.dtd\">\n"

#ifndef OMACP_NO_XML
typedef struct tree {
	omacp_doc doc;
	omacp_doc_builder b;
	uint8_t *arena;
} tree;

#define TREE_ARENA (1u << 20)

static void tree_init(tree *t)
{
	t->arena = malloc(TREE_ARENA);
	assert_non_null(t->arena);
	omacp_doc_builder_init(&t->b, &t->doc, t->arena, TREE_ARENA);
}

static void tree_free(tree *t)
{
	free(t->arena);
	t->arena = NULL;
}

/* Text of a tree through the canonical writer (malloc'd, NUL-terminated). */
static char *tree_text(const omacp_doc *d, unsigned flags)
{
	omacp_buf buf;
	omacp_xml_writer w;
	buf.cap = 1u << 20;
	buf.len = 0;
	buf.ptr = malloc(buf.cap + 1);
	omacp_xml_writer_init(&w, flags, omacp_buf_write, &buf);
	assert_int_equal(omacp_doc_walk(d, omacp_xml_writer_event, &w), OMACP_OK);
	assert_int_equal(omacp_xml_writer_finish(&w), OMACP_OK);
	buf.ptr[buf.len] = 0;
	return (char *)buf.ptr;
}

static omacp_err sink(void *u, const omacp_event *e)
{
	(void)u;
	(void)e;
	return OMACP_OK;
}

/* Parse with a workspace of exactly OMACP_XML_WORK_BYTES(n). */
static omacp_err parse_ws(const void *p, size_t n, omacp_event_fn fn, void *user, size_t *off)
{
	size_t wl = OMACP_XML_WORK_BYTES(n);
	uint8_t *w = malloc(wl);
	omacp_err e = omacp_xml_parse(p, n, w, wl, fn, user, off);
	free(w);
	return e;
}

static omacp_err parse_str(const char *s, size_t *off)
{
	return parse_ws(s, strlen(s), sink, NULL, off);
}

static omacp_err parse_tree(const void *p, size_t n, tree *t)
{
	omacp_err e;
	tree_init(t);
	e = parse_ws(p, n, omacp_doc_builder_event, &t->b, NULL);
	if (e == OMACP_OK)
		e = omacp_doc_builder_finish(&t->b);
	return e;
}


/* ------------------------------------------------------------ vectors */

static void test_vectors_roundtrip(void **st)
{
	char **names;
	size_t nv = tu_list_vectors("", &names), i, done = 0;
	(void)st;
	for (i = 0; i < nv; i++) {
		size_t n;
		char path[512];
		uint8_t *x;
		tree a, b, h;
		char *text;
		snprintf(path, sizeof path, "%s/input.xml", names[i]);
		x = tu_read(path, &n);
		if (!x)
			continue; /* kannel-legacy-ota-setting has no XML */
		if (parse_tree(x, n, &a) != OMACP_OK)
			fail_msg("%s does not parse", names[i]);
		assert_non_null(a.doc.root);
		assert_int_equal(a.doc.root->elem, OMACP_ELEM_DOC);
		/* the heap path gives the same tree (refused without heap) */
		tree_init(&h);
#ifndef OMACP_NO_MALLOC
		assert_int_equal(omacp_xml_parse(x, n, NULL, 0, omacp_doc_builder_event, &h.b, NULL), OMACP_OK);
		assert_int_equal(omacp_doc_builder_finish(&h.b), OMACP_OK);
		assert_true(omacp_doc_equal(&a.doc, &h.doc));
#else
		assert_int_equal(omacp_xml_parse(x, n, NULL, 0, omacp_doc_builder_event, &h.b, NULL), OMACP_E_ARG);
#endif
		/* walk -> writer -> parse again -> same tree */
		text = tree_text(&a.doc, 0);
		assert_int_equal(parse_tree(text, strlen(text), &b), OMACP_OK);
		if (!omacp_doc_equal(&a.doc, &b.doc))
			fail_msg("%s: canonical text gives another tree", names[i]);
		/* canonical text is a fixed point */
		{
			char *t2 = tree_text(&b.doc, 0);
			assert_string_equal(text, t2);
			free(t2);
		}
		free(text);
		tree_free(&a);
		tree_free(&b);
		tree_free(&h);
		free(x);
		done++;
	}
	assert_true(done >= 28);
	tu_free_names(names, nv);
}

/* The canonical text of libwbxml-01, written by hand from input.xml. */
static const char expect_01[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\" \"http://www.wapforum.org/DTD/prov.dtd\">\n"
	"<wap-provisioningdoc version=\"1.0\">\n"
	"  <characteristic type=\"NAPDEF\">\n"
	"    <parm name=\"NAPID\" value=\"INTERNET_GPRS\"/>\n"
	"    <parm name=\"BEARER\" value=\"GSM-GPRS\"/>\n"
	"    <parm name=\"NAME\" value=\"Example GPRS\"/>\n"
	"    <parm name=\"NAP-ADDRESS\" value=\"internet.example.com\"/>\n"
	"    <parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>\n"
	"    <parm name=\"DNS-ADDR\" value=\"10.11.12.13\"/>\n"
	"    <characteristic type=\"NAPAUTHINFO\">\n"
	"      <parm name=\"AUTHTYPE\" value=\"PAP\"/>\n"
	"      <parm name=\"AUTHNAME\" value=\"gprsuser\"/>\n"
	"      <parm name=\"AUTHSECRET\" value=\"s3cr3t\"/>\n"
	"    </characteristic>\n"
	"    <characteristic type=\"VALIDITY\">\n"
	"      <parm name=\"COUNTRY\" value=\"262\"/>\n"
	"      <parm name=\"NETWORK\" value=\"01\"/>\n"
	"    </characteristic>\n"
	"  </characteristic>\n"
	"</wap-provisioningdoc>\n";

/* libwbxml-08 has valueless parms; -11 non-ASCII values; -14 a root
 * without attributes; -17 an empty value. */
static const char expect_14_body[] =
	"<wap-provisioningdoc>\n"
	"  <characteristic type=\"BOOTSTRAP\">\n"
	"    <parm name=\"NAME\" value=\"Min\"/>\n"
	"  </characteristic>\n"
	"</wap-provisioningdoc>\n";

static const char expect_17_body[] =
	"<wap-provisioningdoc version=\"1.1\">\n"
	"  <characteristic type=\"NAPDEF\">\n"
	"    <parm name=\"NAPID\" value=\"EMPTY\"/>\n"
	"    <parm name=\"NAME\" value=\"\"/>\n"
	"    <parm name=\"BEARER\" value=\"GSM-GPRS\"/>\n"
	"  </characteristic>\n"
	"</wap-provisioningdoc>\n";

static void check_canonical(const char *dir, const char *expect, unsigned flags)
{
	size_t n;
	uint8_t *x = tu_read(tu_vpath(dir, "input.xml"), &n);
	tree t;
	char *text;
	assert_non_null(x);
	assert_int_equal(parse_tree(x, n, &t), OMACP_OK);
	text = tree_text(&t.doc, flags);
	assert_string_equal(text, expect);
	free(text);
	tree_free(&t);
	free(x);
}

static void test_canonical_literal(void **st)
{
	(void)st;
	check_canonical("libwbxml-01_napdef_gprs_auth", expect_01, 0);
	/* input.xml of -01 is already canonical: byte for byte */
	{
		size_t n;
		uint8_t *x = tu_read(tu_vpath("libwbxml-01_napdef_gprs_auth", "input.xml"), &n);
		assert_int_equal(n, strlen(expect_01));
		assert_memory_equal(x, expect_01, n);
		free(x);
	}
	check_canonical("libwbxml-14_minimal", expect_14_body, OMACP_XML_NO_PROLOG);
	check_canonical("libwbxml-17_empty_attr_value", expect_17_body, OMACP_XML_NO_PROLOG);
}

static void test_canonical_attr_order(void **st)
{
	static const char in[] =
		"<wap-provisioningdoc>"
		"<characteristic mwid=\"1\" type=\"CM_ProxyEntries\" translation=\"filesystem\">"
		"<parm label=\"L\" value=\"v\" datatype=\"integer\" name=\"n\"/>"
		"<parm-query name=\"q\"/>"
		"<characteristic-query recursive=\"false\" type=\"Registry\"/>"
		"<noparm name=\"x\"/>"
		"</characteristic>"
		"<nocharacteristic type=\"CM_WiFiEntries\"/>"
		"</wap-provisioningdoc>";
	static const char out[] =
		PROLOG DT
		"<wap-provisioningdoc>\n"
		"  <characteristic type=\"CM_ProxyEntries\" mwid=\"1\" translation=\"filesystem\">\n"
		"    <parm name=\"n\" value=\"v\" label=\"L\" datatype=\"integer\"/>\n"
		"    <parm-query name=\"q\"/>\n"
		"    <characteristic-query type=\"Registry\" recursive=\"false\"/>\n"
		"    <noparm name=\"x\"/>\n"
		"  </characteristic>\n"
		"  <nocharacteristic type=\"CM_WiFiEntries\"/>\n"
		"</wap-provisioningdoc>\n";
	tree t;
	char *text;
	(void)st;
	assert_int_equal(parse_tree(in, strlen(in), &t), OMACP_OK);
	text = tree_text(&t.doc, 0);
	assert_string_equal(text, out);
	free(text);
	tree_free(&t);
}

/* ------------------------------------------------------------ hostile */

static void test_entities(void **st)
{
	size_t off;
	(void)st;
	/* billion laughs */
	assert_int_equal(parse_str(
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE wap-provisioningdoc [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<wap-provisioningdoc><parm name=\"x\" value=\"&lol9;\"/></wap-provisioningdoc>",
		&off), OMACP_E_XML_ENTITY);
	assert_int_equal(off, 52); /* the internal subset's '[' */
	/* external entity */
	assert_int_equal(parse_str(
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE wap-provisioningdoc [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
		"<wap-provisioningdoc><parm name=\"x\" value=\"&xxe;\"/></wap-provisioningdoc>",
		NULL), OMACP_E_XML_ENTITY);
	/* external parameter entity */
	assert_int_equal(parse_str(
		"<!DOCTYPE wap-provisioningdoc [ <!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; ]>"
		"<wap-provisioningdoc/>", NULL), OMACP_E_XML_ENTITY);
	/* an empty internal subset is an internal subset */
	assert_int_equal(parse_str("<!DOCTYPE wap-provisioningdoc []><wap-provisioningdoc/>", NULL),
	                 OMACP_E_XML_ENTITY);
	/* a DOCTYPE with a system id is fine and nothing is loaded... */
	assert_int_equal(parse_str("<!DOCTYPE wap-provisioningdoc SYSTEM \"file:///etc/passwd\">"
	                           "<wap-provisioningdoc/>", NULL), OMACP_OK);
	/* ...but an undeclared entity is refused, in a value or in content */
	assert_int_equal(parse_str("<!DOCTYPE wap-provisioningdoc SYSTEM \"file:///etc/passwd\">"
	                           "<wap-provisioningdoc><parm name=\"a&x;\"/></wap-provisioningdoc>", &off),
	                 OMACP_E_XML_ENTITY);
	assert_int_equal(off, 79);
	assert_int_equal(parse_str("<!DOCTYPE wap-provisioningdoc SYSTEM \"x.dtd\">"
	                           "<wap-provisioningdoc>&x;</wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_ENTITY);
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"a&x;\"/></wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_ENTITY);
	/* a DOCTYPE for another root */
	assert_int_equal(parse_str("<!DOCTYPE html SYSTEM \"x\"><wap-provisioningdoc/>", NULL),
	                 OMACP_E_XML_ELEMENT);
}

static omacp_err check_value_cb(void *u, const omacp_event *e)
{
	const omacp_attr *a = omacp_event_attr(e, "value");
	if (a) {
		const char *want = u;
		assert_int_equal(a->value.len, strlen(want));
		assert_memory_equal(a->value.ptr, want, a->value.len);
	}
	return OMACP_OK;
}

static void test_predefined_entities(void **st)
{
	static const char in[] =
		"<wap-provisioningdoc><parm name=\"n\" value=\"&amp;&lt;&gt;&quot;&apos;&#65;&#x20AC;\"/></wap-provisioningdoc>";
	(void)st;
	assert_int_equal(parse_ws(in, strlen(in), check_value_cb, "&<>\"'A\xE2\x82\xAC", NULL), OMACP_OK);
}

static void test_encoding(void **st)
{
	size_t off;
	(void)st;
	assert_int_equal(parse_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><wap-provisioningdoc/>", &off),
	                 OMACP_E_XML_ENCODING);
	assert_int_equal(parse_str("<?xml version=\"1.0\" encoding=\"UTF-16\"?><wap-provisioningdoc/>", NULL),
	                 OMACP_E_XML_ENCODING);
	assert_int_equal(parse_str("<?xml version=\"1.0\" encoding=\"utf-8\"?><wap-provisioningdoc/>", NULL), OMACP_OK);
	assert_int_equal(parse_str("<?xml version=\"1.0\" encoding=\"US-ASCII\"?><wap-provisioningdoc/>", NULL), OMACP_OK);
	assert_int_equal(parse_str("\xEF\xBB\xBF<wap-provisioningdoc/>", NULL), OMACP_OK);
	/* invalid bytes: 0xFF, overlong NUL, surrogate, truncated sequence */
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"a\xFF\"/></wap-provisioningdoc>", &off),
	                 OMACP_E_XML_ENCODING);
	assert_int_equal(off, 34);
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"\xC0\x80\"/></wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_ENCODING);
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"\xED\xA0\x80\"/></wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_ENCODING);
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"\xE2\x82\"/></wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_ENCODING);
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"\xF4\x90\x80\x80\"/></wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_ENCODING);
	/* UTF-16 with a BOM */
	assert_int_equal(parse_ws("\xFF\xFE<\0w\0", 6, sink, NULL, NULL), OMACP_E_XML_ENCODING);
}

static void test_vocabulary(void **st)
{
	size_t off;
	(void)st;
	assert_int_equal(parse_str("<wap-provisioningdoc><foo/></wap-provisioningdoc>", &off), OMACP_E_XML_ELEMENT);
	assert_int_equal(off, 21);
	assert_int_equal(parse_str("<characteristic type=\"x\"/>", NULL), OMACP_E_XML_ELEMENT);
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"a\" bogus=\"1\"/></wap-provisioningdoc>", &off),
	                 OMACP_E_XML_ELEMENT);
	assert_int_equal(off, 21);
	assert_int_equal(parse_str("<wap-provisioningdoc xmlns=\"urn:x\"/>", NULL), OMACP_E_XML_ELEMENT);
	/* a namespace prefix is not the vocabulary */
	assert_int_equal(parse_str("<p:wap-provisioningdoc xmlns:p=\"urn:x\"/>", NULL), OMACP_E_XML_ELEMENT);
	/* every Windows Mobile attribute is accepted */
	assert_int_equal(parse_str(
		"<wap-provisioningdoc><parm name=\"a\" value=\"b\" datatype=\"integer\" semantic-type=\"s\""
		" minvalue=\"1\" maxvalue=\"2\" maxlength=\"3\" options=\"o\"/>"
		"<parm name=\"a\" multiple=\"m\" rw-access=\"r\" access-role=\"8\" label=\"l\" nooverwrite=\"1\""
		" desc=\"d\" code=\"0\"/>"
		"<characteristic type=\"t\" mwid=\"1\" translation=\"install\" recursive=\"false\"/>"
		"</wap-provisioningdoc>", NULL), OMACP_OK);
	/* too many attributes */
	assert_int_equal(parse_str(
		"<wap-provisioningdoc><parm name=\"a\" value=\"b\" datatype=\"integer\" semantic-type=\"s\""
		" minvalue=\"1\" maxvalue=\"2\" maxlength=\"3\" options=\"o\" label=\"x\"/></wap-provisioningdoc>", &off),
	                 OMACP_E_LIMIT);
	assert_int_equal(off, 21);
	/* '=' inside a value does not count */
	assert_int_equal(parse_str(
		"<wap-provisioningdoc><parm name=\"a=b=c=d=e\" value=\"=====&gt;=====\"/></wap-provisioningdoc>", NULL),
	                 OMACP_OK);
	/* duplicate attribute */
	assert_int_equal(parse_str("<wap-provisioningdoc><parm name=\"a\" name=\"b\"/></wap-provisioningdoc>", NULL),
	                 OMACP_E_XML_SYNTAX);
}

static void test_text_and_syntax(void **st)
{
	size_t off;
	(void)st;
	assert_int_equal(parse_str("<wap-provisioningdoc>hello</wap-provisioningdoc>", &off), OMACP_E_XML_SYNTAX);
	assert_int_equal(off, 21);
	assert_int_equal(parse_str("<wap-provisioningdoc><![CDATA[x]]></wap-provisioningdoc>", NULL), OMACP_E_XML_SYNTAX);
	assert_int_equal(parse_str("<wap-provisioningdoc>&#65;</wap-provisioningdoc>", NULL), OMACP_E_XML_SYNTAX);
	assert_int_equal(parse_str("<wap-provisioningdoc> \t\r\n<![CDATA[  ]]><!-- c --><?pi x?>\n</wap-provisioningdoc>\n", NULL),
	                 OMACP_OK);
	assert_int_equal(parse_str("<wap-provisioningdoc></characteristic>", NULL), OMACP_E_XML_SYNTAX);
	assert_int_equal(parse_str("<wap-provisioningdoc/><wap-provisioningdoc/>", NULL), OMACP_E_XML_SYNTAX);
	assert_int_equal(parse_str("", NULL), OMACP_E_XML_SYNTAX);
	assert_int_equal(parse_str("<wap-provisioningdoc>\0</wap-provisioningdoc>", NULL), OMACP_E_XML_SYNTAX);
	assert_int_equal(parse_ws("<wap-provisioningdoc>\0</wap-provisioningdoc>", 44, sink, NULL, NULL),
	                 OMACP_E_XML_SYNTAX);
	/* over-long element names and DOCTYPE are refused up front */
	{
		char big[2048];
		memset(big, 'a', sizeof big);
		memcpy(big, "<wap-provisioningdoc><", 22);
		memcpy(big + sizeof big - 3, "/>", 3);
		assert_int_equal(parse_str(big, &off), OMACP_E_XML_ELEMENT);
		assert_int_equal(off, 21);
		memcpy(big, "<!DOCTYPE wap-provisioningdoc SYSTEM \"", 38);
		memcpy(big + sizeof big - 28, "\"><wap-provisioningdoc/>", 25);
		assert_int_equal(parse_str(big, &off), OMACP_E_LIMIT);
		assert_int_equal(off, 0);
	}
	assert_int_equal(omacp_xml_parse(NULL, 3, NULL, 0, sink, NULL, NULL), OMACP_E_ARG);
	assert_int_equal(omacp_xml_parse((const uint8_t *)"<a/>", 4, NULL, 0, NULL, NULL, NULL), OMACP_E_ARG);
}

static void test_depth(void **st)
{
	char doc[2048];
	int i;
	size_t off;
	(void)st;
	/* root at depth 0, characteristics down to depth OMACP_MAX_DEPTH: ok */
	strcpy(doc, "<wap-provisioningdoc>");
	for (i = 1; i <= OMACP_MAX_DEPTH; i++)
		strcat(doc, "<characteristic type=\"x\">");
	for (i = 1; i <= OMACP_MAX_DEPTH; i++)
		strcat(doc, "</characteristic>");
	strcat(doc, "</wap-provisioningdoc>");
	assert_int_equal(parse_str(doc, NULL), OMACP_OK);
	/* one more level */
	strcpy(doc, "<wap-provisioningdoc>");
	for (i = 1; i <= OMACP_MAX_DEPTH + 1; i++)
		strcat(doc, "<characteristic type=\"x\">");
	for (i = 1; i <= OMACP_MAX_DEPTH + 1; i++)
		strcat(doc, "</characteristic>");
	strcat(doc, "</wap-provisioningdoc>");
	assert_int_equal(parse_str(doc, &off), OMACP_E_XML_DEPTH);
	assert_int_equal(off, 21 + 25 * OMACP_MAX_DEPTH);
	/* a deep, unclosed bomb stops at the limit too */
	strcpy(doc, "<wap-provisioningdoc>");
	for (i = 0; i < 60; i++)
		strcat(doc, "<parm>");
	assert_int_equal(parse_str(doc, NULL), OMACP_E_XML_DEPTH);
}

typedef struct cb_state {
	int count;
	int stop_at;
	omacp_err ret;
	size_t offs[64];
	unsigned depths[64];
	int kinds[64];
} cb_state;

static omacp_err counting(void *u, const omacp_event *e)
{
	cb_state *s = u;
	if (s->count < 64) {
		s->offs[s->count] = e->offset;
		s->depths[s->count] = e->depth;
		s->kinds[s->count] = e->kind;
	}
	if (++s->count == s->stop_at)
		return s->ret;
	return OMACP_OK;
}

static void test_events_and_callback(void **st)
{
	static const char in[] =
		"<wap-provisioningdoc>\n <characteristic type=\"A\">\n  <parm name=\"p\"/>\n </characteristic>\n</wap-provisioningdoc>";
	cb_state s;
	size_t off;
	(void)st;
	memset(&s, 0, sizeof s);
	assert_int_equal(parse_ws(in, strlen(in), counting, &s, NULL), OMACP_OK);
	assert_int_equal(s.count, 6);
	assert_int_equal(s.kinds[0], OMACP_EV_START);
	assert_int_equal(s.offs[0], 0);
	assert_int_equal(s.offs[1], 23);
	assert_int_equal(s.depths[1], 1);
	assert_int_equal(s.offs[2], 51);
	assert_int_equal(s.depths[2], 2);
	assert_int_equal(s.kinds[3], OMACP_EV_END);
	assert_int_equal(s.depths[3], 2);
	/* END events carry the element's start offset */
	assert_int_equal(s.offs[3], 51);
	assert_int_equal(s.offs[4], 23);
	assert_int_equal(s.offs[5], 0);
	assert_int_equal(s.depths[5], 0);
	/* a callback error stops the parse and comes back unchanged */
	memset(&s, 0, sizeof s);
	s.stop_at = 2;
	s.ret = OMACP_E_POLICY;
	assert_int_equal(parse_ws(in, strlen(in), counting, &s, &off), OMACP_E_POLICY);
	assert_int_equal(s.count, 2);
	assert_int_equal(off, 23);
	memset(&s, 0, sizeof s);
	s.stop_at = 3;
	s.ret = OMACP_REJECTED;
	assert_int_equal(parse_ws(in, strlen(in), counting, &s, NULL), OMACP_E_CALLBACK);
	assert_int_equal(s.count, 3);
	/* stopping on an END of an empty element */
	memset(&s, 0, sizeof s);
	s.stop_at = 4;
	s.ret = OMACP_E_ROLE;
	assert_int_equal(parse_ws(in, strlen(in), counting, &s, NULL), OMACP_E_ROLE);
	assert_int_equal(s.count, 4);
}

/* A parse started from inside a callback, with its own arena. */
static omacp_err nested_cb(void *u, const omacp_event *e)
{
	int *n = u;
	if (e->kind == OMACP_EV_START && e->depth == 1) {
		static const char inner[] = "<wap-provisioningdoc><parm name=\"i\"/></wap-provisioningdoc>";
		cb_state s;
		memset(&s, 0, sizeof s);
		assert_int_equal(parse_ws(inner, strlen(inner), counting, &s, NULL), OMACP_OK);
		assert_int_equal(s.count, 4);
		(*n)++;
	}
	return OMACP_OK;
}

static void test_nested_parse(void **st)
{
	size_t n;
	uint8_t *x = tu_read(tu_vpath("libwbxml-05_email_smtp_pop3", "input.xml"), &n);
	int calls = 0;
	(void)st;
	assert_non_null(x);
	assert_int_equal(parse_ws(x, n, nested_cb, &calls, NULL), OMACP_OK);
	assert_int_equal(calls, 2);
	free(x);
}

static void test_truncation(void **st)
{
	const char *dirs[] = { "libwbxml-08_nested_port_services", "libwbxml-11_utf8_values" };
	size_t d;
	(void)st;
	for (d = 0; d < 2; d++) {
		size_t n, k, end;
		uint8_t *x = tu_read(tu_vpath(dirs[d], "input.xml"), &n);
		const char *close = "</wap-provisioningdoc>";
		assert_non_null(x);
		end = (size_t)((uint8_t *)strstr((char *)x, close) - x) + strlen(close);
		for (k = 0; k < n; k++) {
			/* a copy of exactly k bytes, so ASan sees any over-read */
			uint8_t *c = malloc(k ? k : 1);
			omacp_err e;
			memcpy(c, x, k);
			e = parse_ws(c, k, sink, NULL, NULL);
			if (k >= end)
				assert_int_equal(e, OMACP_OK);
			else if (e >= 0)
				fail_msg("%s: prefix %zu parsed (%d)", dirs[d], k, e);
			free(c);
		}
		free(x);
	}
}

/* Smallest arena with which p parses to something other than NOMEM. */
static size_t min_arena(const uint8_t *p, size_t n, omacp_err *res)
{
	size_t lo = 0, hi = OMACP_XML_WORK_BYTES(n) * 4;
	uint8_t *w = malloc(hi);
	omacp_err e = omacp_xml_parse(p, n, w, hi, sink, NULL, NULL);
	assert_int_not_equal(e, OMACP_E_NOMEM);
	*res = e;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (omacp_xml_parse(p, n, w, mid, sink, NULL, NULL) == OMACP_E_NOMEM)
			lo = mid + 1;
		else
			hi = mid;
	}
	free(w);
	return lo;
}

static void test_arena_every_size(void **st)
{
	size_t n, need, k;
	uint8_t *x = tu_read(tu_vpath("libwbxml-02_proxy_pxlogical_pxphysical", "input.xml"), &n);
	omacp_err res;
	tree t;
	(void)st;
	assert_non_null(x);
	need = min_arena(x, n, &res);
	assert_int_equal(res, OMACP_OK);
	assert_true(need <= OMACP_XML_WORK_BYTES(n));
	print_message("libwbxml-02: %zu bytes need %zu arena bytes (macro %zu)\n", n, need,
	              OMACP_XML_WORK_BYTES(n));
	for (k = 0; k < need; k++) {
		/* exactly k bytes, so ASan/valgrind see any overrun */
		uint8_t *w = malloc(k ? k : 1);
		assert_int_equal(omacp_xml_parse(x, n, k ? w : (uint8_t *)x, k, sink, NULL, NULL), OMACP_E_NOMEM);
		free(w);
	}
	/* at the needed size, a whole tree comes out; at every smaller size
	 * nothing leaked into the builder beyond what the events gave */
	{
		uint8_t *w = malloc(need);
		tree_init(&t);
		assert_int_equal(omacp_xml_parse(x, n, w, need, omacp_doc_builder_event, &t.b, NULL), OMACP_OK);
		assert_int_equal(omacp_doc_builder_finish(&t.b), OMACP_OK);
		assert_int_equal(t.doc.n_nodes, 27);
		tree_free(&t);
		/* a misaligned arena start costs at most the alignment */
		free(w);
		w = malloc(need + 16);
		assert_int_equal(omacp_xml_parse(x, n, w + 1, need + 15, sink, NULL, NULL), OMACP_OK);
		free(w);
	}
	free(x);
}

/* ---- OMACP_XML_WORK_BYTES honesty on generated documents */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *s, const char *t)
{
	size_t l = strlen(t);
	if (s->len + l + 1 > s->cap) {
		s->cap = (s->len + l + 1) * 2;
		s->p = realloc(s->p, s->cap);
	}
	memcpy(s->p + s->len, t, l + 1);
	s->len += l;
}

static void sb_rep(sbuf *s, char c, size_t k)
{
	char b[2] = { c, 0 };
	while (k--)
		sb_add(s, b);
}

static uint32_t rng = 12345u;
static uint32_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* Documents of exactly-ish N bytes in several shapes. */
static char *gen_doc(int shape, size_t N)
{
	static const char *an[] = { "name", "value", "type", "version", "mwid", "desc", "code", "label" };
	sbuf s = { NULL, 0, 0 };
	size_t k, i;
	sb_add(&s, "");
	switch (shape) {
	case 0: /* one huge value */
		sb_add(&s, PROLOG DT "<wap-provisioningdoc><characteristic type=\"X\"><parm name=\"P\" value=\"");
		sb_rep(&s, 'a', N > s.len + 60 ? N - s.len - 60 : 0);
		sb_add(&s, "\"/></characteristic></wap-provisioningdoc>");
		break;
	case 1: /* many parms */
		sb_add(&s, PROLOG DT "<wap-provisioningdoc version=\"1.0\">\n<characteristic type=\"X\">\n");
		for (i = 0; s.len + 80 < N; i++) {
			char b[64];
			snprintf(b, sizeof b, "<parm name=\"P%zu\" value=\"v%zu\"/>\n", i, i);
			sb_add(&s, b);
		}
		sb_add(&s, "</characteristic>\n</wap-provisioningdoc>\n");
		break;
	case 2: /* two values of half the size */
	case 3: /* eight values */
		k = shape == 2 ? 2 : 8;
		sb_add(&s, "<wap-provisioningdoc><parm");
		for (i = 0; i < k; i++) {
			sb_add(&s, " ");
			sb_add(&s, an[i]);
			sb_add(&s, "=\"");
			sb_rep(&s, 'b', (N - 60 - 10 * k) / k);
			sb_add(&s, "\"");
		}
		sb_add(&s, "/></wap-provisioningdoc>");
		break;
	case 4: /* a big comment, whitespace, PI */
		sb_add(&s, "<wap-provisioningdoc><!--");
		sb_rep(&s, 'c', N / 3);
		sb_add(&s, "-->");
		sb_rep(&s, ' ', N / 3);
		sb_add(&s, "<?pi ");
		sb_rep(&s, 'p', N / 3 - 80);
		sb_add(&s, "?></wap-provisioningdoc>");
		break;
	case 5: /* a big attribute name, refused as not in the vocabulary */
		sb_add(&s, "<wap-provisioningdoc ");
		sb_rep(&s, 'n', N - 30);
		sb_add(&s, "=\"x\"/>");
		break;
	case 6: /* big xml declaration version */
		sb_add(&s, "<?xml version=\"");
		sb_rep(&s, '1', N - 50);
		sb_add(&s, "\"?><wap-provisioningdoc/>");
		break;
	default: /* random: values of random sizes in random elements */
		sb_add(&s, "<wap-provisioningdoc>");
		while (s.len + 300 < N) {
			size_t na = rnd() % 9, room = N - s.len - 250;
			sb_add(&s, rnd() % 2 ? "<parm" : "<characteristic");
			for (i = 0; i < na; i++) {
				size_t l = na ? (rnd() % (room / na + 1)) : 0;
				if (rnd() % 3)
					l = l / 16;
				sb_add(&s, " ");
				sb_add(&s, an[i]);
				sb_add(&s, "=\"");
				sb_rep(&s, rnd() % 2 ? 'v' : ' ', l);
				sb_add(&s, "\"");
			}
			sb_add(&s, "/>");
		}
		sb_add(&s, "</wap-provisioningdoc>");
		break;
	}
	return s.p;
}

static void test_work_bytes_macro(void **st)
{
	static const size_t sizes[] = { 300, 2047, 2049, 4096, 4097, 8193, 33000, 65536 };
	size_t si, worst = 0, worst_n = 0;
	int shape;
	(void)st;
	for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		for (shape = 0; shape < 12; shape++) {
			char *d = gen_doc(shape, sizes[si]);
			size_t n = strlen(d), need;
			omacp_err res;
			need = min_arena((const uint8_t *)d, n, &res);
			if (need > OMACP_XML_WORK_BYTES(n))
				fail_msg("shape %d, %zu bytes: needs %zu > macro %zu", shape, n, need,
				         OMACP_XML_WORK_BYTES(n));
			if (shape < 4 && res != OMACP_OK)
				fail_msg("shape %d, %zu bytes: %d", shape, n, res);
			if (need * 1000 / (OMACP_XML_WORK_BYTES(n)) > worst * 1000 / (OMACP_XML_WORK_BYTES(worst_n) + 1))
				worst = need, worst_n = n;
			free(d);
		}
	}
	print_message("tightest: %zu bytes need %zu of %zu\n", worst_n, worst, OMACP_XML_WORK_BYTES(worst_n));
	/* the 64 KB many-parms document of the header comment */
	{
		char *d = gen_doc(1, 65536);
		size_t n = strlen(d);
		omacp_err res;
		size_t need = min_arena((const uint8_t *)d, n, &res);
		assert_int_equal(res, OMACP_OK);
		print_message("64 KB many-parms document: needs %zu, macro %zu\n", need, OMACP_XML_WORK_BYTES(n));
		free(d);
	}
	/* every vector fits in its macro */
	{
		char **names;
		size_t nv = tu_list_vectors("", &names), i;
		for (i = 0; i < nv; i++) {
			size_t n;
			omacp_err res;
			uint8_t *x = tu_read(tu_vpath(names[i], "input.xml"), &n);
			if (!x)
				continue;
			assert_true(min_arena(x, n, &res) <= OMACP_XML_WORK_BYTES(n));
			assert_int_equal(res, OMACP_OK);
			free(x);
		}
		tu_free_names(names, nv);
	}
}


/* Random byte mutations of a vector: never a crash; whatever still parses
 * goes through the writer and parses again to the same tree. */
static void test_mutations(void **st)
{
	static const uint8_t pool[] = "<>&\"'=/!?; #x\n\t\x80\xC3\xA9" "aZ[]-";
	size_t n, it, parsed = 0;
	uint8_t *x = tu_read(tu_vpath("libwbxml-08_nested_port_services", "input.xml"), &n);
	uint8_t *m = malloc(n);
	(void)st;
	assert_non_null(x);
	rng = 99u;
	for (it = 0; it < 3000; it++) {
		size_t k, nm = 1 + rnd() % 3;
		tree a, b;
		omacp_err e;
		memcpy(m, x, n);
		for (k = 0; k < nm; k++)
			m[rnd() % n] = pool[rnd() % (sizeof pool - 1)];
		e = parse_tree(m, n, &a);
		if (e == OMACP_OK) {
			char *text = tree_text(&a.doc, 0);
			parsed++;
			if (parse_tree(text, strlen(text), &b) != OMACP_OK || !omacp_doc_equal(&a.doc, &b.doc))
				fail_msg("mutation %zu: the canonical text does not give the same tree", it);
			tree_free(&b);
			free(text);
		} else {
			assert_true(e < 0);
		}
		tree_free(&a);
	}
	print_message("%zu of 3000 mutated documents still parse\n", parsed);
	assert_true(parsed > 0);
	free(m);
	free(x);
}

#ifdef OMACP_NO_MALLOC
static void test_no_malloc_needs_work(void **st)
{
	(void)st;
	assert_int_equal(omacp_xml_parse((const uint8_t *)"<wap-provisioningdoc/>", 22, NULL, 0, sink, NULL, NULL),
	                 OMACP_E_ARG);
}
#endif

/* ------------------------------------------------------------ writer */

static void test_escaping_roundtrip(void **st)
{
	static const char val[] = "a&b<c>d\"e'f\ng\th\ri  j&amp;\xE2\x82\xAC";
	omacp_attr at[2];
	omacp_event ev;
	omacp_buf buf;
	omacp_xml_writer w;
	uint8_t out[1024];
	tree t;
	omacp_slice v;
	(void)st;
	at[0].name.ptr = (const uint8_t *)"name";
	at[0].name.len = 4;
	at[0].value.ptr = (const uint8_t *)val;
	at[0].value.len = strlen(val);
	at[1].name.ptr = (const uint8_t *)"value";
	at[1].name.len = 5;
	at[1].value.ptr = (const uint8_t *)"\x01\x1F\x7F";
	at[1].value.len = 3;
	buf.ptr = out;
	buf.cap = sizeof out - 1;
	buf.len = 0;
	omacp_xml_writer_init(&w, OMACP_XML_NO_PROLOG, omacp_buf_write, &buf);
	memset(&ev, 0, sizeof ev);
	ev.kind = OMACP_EV_START;
	ev.elem = OMACP_ELEM_DOC;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ev.elem = OMACP_ELEM_PARM;
	ev.depth = 1;
	ev.n_attrs = 1;
	ev.attrs = at;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ev.kind = OMACP_EV_END;
	ev.n_attrs = 0;
	ev.attrs = NULL;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ev.kind = OMACP_EV_START;
	ev.n_attrs = 1;
	ev.attrs = &at[1];
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ev.kind = OMACP_EV_END;
	ev.n_attrs = 0;
	ev.attrs = NULL;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ev.elem = OMACP_ELEM_DOC;
	ev.depth = 0;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	assert_int_equal(omacp_xml_writer_finish(&w), OMACP_OK);
	out[buf.len] = 0;
	assert_string_equal((char *)out,
		"<wap-provisioningdoc>\n"
		"  <parm name=\"a&amp;b&lt;c&gt;d&quot;e'f&#10;g&#9;h&#13;i  j&amp;amp;\xE2\x82\xAC\"/>\n"
		"  <parm value=\"&#1;&#31;&#127;\"/>\n"
		"</wap-provisioningdoc>\n");
	/* the first parm round-trips through the parser (control characters
	 * other than tab/newline/CR cannot appear in XML 1.0 at all) */
	{
		char *second = strstr((char *)out, "  <parm value");
		memmove(second, "</wap-provisioningdoc>\n", 24);
	}
	assert_int_equal(parse_tree(out, strlen((char *)out), &t), OMACP_OK);
	v = omacp_node_name(t.doc.root->first);
	assert_int_equal(v.len, strlen(val));
	assert_memory_equal(v.ptr, val, v.len);
	tree_free(&t);
}
#endif /* OMACP_NO_XML */

static omacp_event mk(omacp_event_kind k, omacp_elem e, unsigned depth)
{
	omacp_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.elem = e;
	ev.depth = depth;
	return ev;
}

static void test_writer_structure(void **st)
{
	omacp_xml_writer w;
	omacp_buf buf;
	uint8_t out[512];
	omacp_event ev;
	omacp_attr bad;
	(void)st;
	buf.ptr = out;
	buf.cap = sizeof out;
	buf.len = 0;
	/* END first */
	omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
	ev = mk(OMACP_EV_END, OMACP_ELEM_DOC, 0);
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_E_DOC_STRUCTURE);
	assert_int_equal(omacp_xml_writer_finish(&w), OMACP_E_DOC_STRUCTURE);
	/* unclosed root, then a wrong END */
	buf.len = 0;
	omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
	ev = mk(OMACP_EV_START, OMACP_ELEM_DOC, 0);
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	assert_int_equal(omacp_xml_writer_finish(&w), OMACP_E_STATE);
	ev = mk(OMACP_EV_END, OMACP_ELEM_PARM, 0);
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_E_DOC_STRUCTURE);
	/* nothing at all */
	omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
	assert_int_equal(omacp_xml_writer_finish(&w), OMACP_E_STATE);
	/* second root */
	buf.len = 0;
	omacp_xml_writer_init(&w, OMACP_XML_NO_PROLOG, omacp_buf_write, &buf);
	ev = mk(OMACP_EV_START, OMACP_ELEM_DOC, 0);
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ev.kind = OMACP_EV_END;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	assert_int_equal(omacp_xml_writer_finish(&w), OMACP_OK);
	assert_int_equal(buf.len, strlen("<wap-provisioningdoc/>\n"));
	assert_memory_equal(out, "<wap-provisioningdoc/>\n", buf.len);
	ev.kind = OMACP_EV_START;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_E_DOC_STRUCTURE);
	/* an attribute name that is not an XML name; bad UTF-8 */
	omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
	bad.name.ptr = (const uint8_t *)"a b";
	bad.name.len = 3;
	bad.value.ptr = (const uint8_t *)"";
	bad.value.len = 0;
	ev = mk(OMACP_EV_START, OMACP_ELEM_DOC, 0);
	ev.n_attrs = 1;
	ev.attrs = &bad;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_E_XML_ELEMENT);
	omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
	bad.name.ptr = (const uint8_t *)"name";
	bad.name.len = 4;
	bad.value.ptr = (const uint8_t *)"\xC3";
	bad.value.len = 1;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_E_XML_ENCODING);
}

/* The writer into a buffer of every size: NOMEM, never an overrun. */
static void test_writer_every_size(void **st)
{
	static const char body[] =
		"<wap-provisioningdoc>\n"
		"  <characteristic type=\"A\">\n"
		"    <parm name=\"n\" value=\"&amp;\"/>\n"
		"  </characteristic>\n"
		"</wap-provisioningdoc>\n";
	omacp_attr ca, pa[2];
	omacp_event evs[6];
	size_t cap, full = strlen(PROLOG) + strlen(DT) + strlen(body);
	int i;
	(void)st;
	ca.name.ptr = (const uint8_t *)"type", ca.name.len = 4;
	ca.value.ptr = (const uint8_t *)"A", ca.value.len = 1;
	pa[0].name.ptr = (const uint8_t *)"value", pa[0].name.len = 5;
	pa[0].value.ptr = (const uint8_t *)"&", pa[0].value.len = 1;
	pa[1].name.ptr = (const uint8_t *)"name", pa[1].name.len = 4;
	pa[1].value.ptr = (const uint8_t *)"n", pa[1].value.len = 1;
	evs[0] = mk(OMACP_EV_START, OMACP_ELEM_DOC, 0);
	evs[1] = mk(OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, 1);
	evs[1].n_attrs = 1, evs[1].attrs = &ca;
	evs[2] = mk(OMACP_EV_START, OMACP_ELEM_PARM, 2);
	evs[2].n_attrs = 2, evs[2].attrs = pa;
	evs[3] = mk(OMACP_EV_END, OMACP_ELEM_PARM, 2);
	evs[4] = mk(OMACP_EV_END, OMACP_ELEM_CHARACTERISTIC, 1);
	evs[5] = mk(OMACP_EV_END, OMACP_ELEM_DOC, 0);
	for (cap = 0; cap <= full; cap++) {
		omacp_buf buf;
		omacp_xml_writer w;
		omacp_err e = OMACP_OK;
		buf.ptr = malloc(cap ? cap : 1);
		buf.cap = cap;
		buf.len = 0;
		omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
		for (i = 0; i < 6 && e == OMACP_OK; i++)
			e = omacp_xml_writer_event(&w, &evs[i]);
		if (e == OMACP_OK)
			e = omacp_xml_writer_finish(&w);
		if (cap < full) {
			assert_int_equal(e, OMACP_E_NOMEM);
			assert_int_equal(omacp_xml_writer_finish(&w), OMACP_E_NOMEM);
		} else {
			assert_int_equal(e, OMACP_OK);
			assert_int_equal(buf.len, full);
			assert_memory_equal(buf.ptr + full - strlen(body), body, strlen(body));
		}
		free(buf.ptr);
	}
}

/* ---------------------------------------- writer against a reference */

/* A growing output for the writer (heap; tests only). */
typedef struct out_sink {
	uint8_t *p;
	size_t len, cap;
	size_t calls;
} out_sink;

static omacp_err wsink_write(void *user, const uint8_t *p, size_t n)
{
	out_sink *s = (out_sink *)user;
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2 + 64;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->calls++;
	return OMACP_OK;
}

/* A string built by the reference side (heap; tests only). */
typedef struct str {
	char *p;
	size_t len, cap;
} str;

static void str_add(str *s, const void *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = 0;
}

static void str_cat(str *s, const char *z)
{
	str_add(s, z, strlen(z));
}

/* Reference: the length of the well-formed UTF-8 sequence at p[0..n), 0 if
 * none (decode the code point, then check its range and the minimum for
 * the length). */
static size_t ref_utf8(const uint8_t *p, size_t n)
{
	size_t len, k;
	uint32_t cp;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0)
		len = 2, cp = p[0] & 0x1Fu;
	else if ((p[0] & 0xF0) == 0xE0)
		len = 3, cp = p[0] & 0x0Fu;
	else if ((p[0] & 0xF8) == 0xF0)
		len = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3Fu);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Reference escaping of a value as omacp/xml.h states it; 0 when the value
 * is not UTF-8. */
static int ref_escape(str *o, const uint8_t *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = v[i];
		size_t ul = ref_utf8(v + i, n - i);
		char tmp[8];
		if (ul == 0)
			return 0;
		if (c == '&')
			str_cat(o, "&amp;");
		else if (c == '<')
			str_cat(o, "&lt;");
		else if (c == '>')
			str_cat(o, "&gt;");
		else if (c == '"')
			str_cat(o, "&quot;");
		else if (c < 0x20 || c == 0x7F) {
			snprintf(tmp, sizeof tmp, "&#%u;", (unsigned)c);
			str_cat(o, tmp);
		} else {
			str_add(o, v + i, ul);
		}
		i += ul;
	}
	return 1;
}

static const char *const ref_first[] = { "name", "type", "value", "version" };

/* Reference text of one start tag with attributes in canonical order. */
static int ref_tag(str *o, unsigned depth, const char *el, const omacp_attr *at, size_t n)
{
	size_t r, i;
	for (i = 0; i < depth; i++)
		str_cat(o, "  ");
	str_cat(o, "<");
	str_cat(o, el);
	for (r = 0; r <= 4; r++) {
		for (i = 0; i < n; i++) {
			size_t k, rank = 4;
			for (k = 0; k < 4; k++) {
				if (at[i].name.len == strlen(ref_first[k]) &&
				    memcmp(at[i].name.ptr, ref_first[k], at[i].name.len) == 0)
					rank = k;
			}
			if (rank != r)
				continue;
			str_cat(o, " ");
			str_add(o, at[i].name.ptr, at[i].name.len);
			str_cat(o, "=\"");
			if (!ref_escape(o, at[i].value.ptr, at[i].value.len))
				return 0;
			str_cat(o, "\"");
		}
	}
	return 1;
}

/*
 * One document: `fill` parms of `fill_len`-byte values (to move the
 * writer's stage to every offset), then a parm with the attributes at/n
 * inside a characteristic.  Compared against the reference text; a value
 * that is not UTF-8 must fail with OMACP_E_XML_ENCODING.
 */
/* Writer flags for writer_vs_ref: 0, or OMACP_XML_TRUSTED_UTF8 (then a
 * value that is not UTF-8 is only checked not to break the writer). */
static unsigned g_wflags;

static void writer_vs_ref(const omacp_attr *at, size_t n, size_t fill, size_t fill_len)
{
	static const uint8_t filler[] = "abcdefghijklmnopqrstuvwxyz0123456789-.:/ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	omacp_xml_writer w;
	omacp_event ev;
	omacp_attr fa[2], ca;
	out_sink s = { NULL, 0, 0, 0 };
	str ref = { NULL, 0, 0 };
	omacp_err e = OMACP_OK;
	size_t i;
	int ok = 1;
	assert_true(fill_len < sizeof filler);
	omacp_xml_writer_init(&w, g_wflags, wsink_write, &s);
	str_cat(&ref, PROLOG DT "<wap-provisioningdoc>\n");
	memset(&ev, 0, sizeof ev);
	ev.kind = OMACP_EV_START;
	ev.elem = OMACP_ELEM_DOC;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	ca.name.ptr = (const uint8_t *)"type", ca.name.len = 4;
	ca.value.ptr = (const uint8_t *)"X", ca.value.len = 1;
	ev.elem = OMACP_ELEM_CHARACTERISTIC, ev.depth = 1, ev.n_attrs = 1, ev.attrs = &ca;
	assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
	str_cat(&ref, "  <characteristic type=\"X\">\n");
	fa[0].name.ptr = (const uint8_t *)"value", fa[0].name.len = 5;
	fa[0].value.ptr = filler, fa[0].value.len = fill_len;
	fa[1].name.ptr = (const uint8_t *)"name", fa[1].name.len = 4;
	fa[1].value.ptr = filler + 1, fa[1].value.len = fill_len ? fill_len - 1 : 0;
	for (i = 0; i < fill; i++) {
		ev.kind = OMACP_EV_START, ev.elem = OMACP_ELEM_PARM, ev.depth = 2;
		ev.n_attrs = 2, ev.attrs = fa;
		assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
		ev.kind = OMACP_EV_END, ev.n_attrs = 0, ev.attrs = NULL;
		assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
		assert_true(ref_tag(&ref, 2, "parm", fa, 2));
		str_cat(&ref, "/>\n");
	}
	ev.kind = OMACP_EV_START, ev.elem = OMACP_ELEM_PARM, ev.depth = 2;
	ev.n_attrs = n, ev.attrs = at;
	e = omacp_xml_writer_event(&w, &ev);
	ok = ref_tag(&ref, 2, "parm", at, n);
	if (!ok && (g_wflags & OMACP_XML_TRUSTED_UTF8)) {
		/* the promise is broken: written unchecked (speed builds) or
		 * refused, never more */
		assert_true(e == OMACP_OK || e == OMACP_E_XML_ENCODING);
		(void)omacp_xml_writer_finish(&w);
	} else if (!ok) {
		assert_int_equal(e, OMACP_E_XML_ENCODING);
		assert_int_equal(omacp_xml_writer_finish(&w), OMACP_E_XML_ENCODING);
	} else {
		assert_int_equal(e, OMACP_OK);
		str_cat(&ref, "/>\n  </characteristic>\n</wap-provisioningdoc>\n");
		ev.kind = OMACP_EV_END, ev.n_attrs = 0, ev.attrs = NULL;
		assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
		ev.elem = OMACP_ELEM_CHARACTERISTIC, ev.depth = 1;
		assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
		ev.elem = OMACP_ELEM_DOC, ev.depth = 0;
		assert_int_equal(omacp_xml_writer_event(&w, &ev), OMACP_OK);
		assert_int_equal(omacp_xml_writer_finish(&w), OMACP_OK);
		if (s.len != ref.len || memcmp(s.p, ref.p, ref.len) != 0) {
			print_message("writer:\n%.*s\nreference:\n%s\n", (int)s.len, (char *)s.p, ref.p);
			fail();
		}
	}
	free(s.p);
	free(ref.p);
}

/* Bytes and sequences put into values at every position and length. */
static const struct {
	const char *b;
	size_t n;
} probes[] = {
	{ "\x00", 1 }, { "\x01", 1 }, { "\t", 1 }, { "\n", 1 }, { "\r", 1 }, { "\x1F", 1 },
	{ " ", 1 }, { "!", 1 }, { "\"", 1 }, { "#", 1 }, { "$", 1 }, { "%", 1 }, { "&", 1 },
	{ "'", 1 }, { "/", 1 }, { ";", 1 }, { "<", 1 }, { "=", 1 }, { ">", 1 }, { "?", 1 },
	{ "~", 1 }, { "\x7F", 1 }, { "\x80", 1 }, { "\xBF", 1 }, { "\xC0\x80", 2 },
	{ "\xC1\xBF", 2 }, { "\xC2\x80", 2 }, { "\xC3\xA9", 2 }, { "\xDF\xBF", 2 },
	{ "\xC3", 1 }, { "\xC3\x41", 2 }, { "\xE0\x9F\xBF", 3 }, { "\xE0\xA0\x80", 3 },
	{ "\xE2\x82\xAC", 3 }, { "\xED\x9F\xBF", 3 }, { "\xED\xA0\x80", 3 },
	{ "\xEF\xBF\xBF", 3 }, { "\xE2\x82", 2 }, { "\xF0\x8F\xBF\xBF", 4 },
	{ "\xF0\x90\x80\x80", 4 }, { "\xF0\x9F\x98\x80", 4 }, { "\xF4\x8F\xBF\xBF", 4 },
	{ "\xF4\x90\x80\x80", 4 }, { "\xF5\x80\x80\x80", 4 }, { "\xF0\x9F\x98", 3 },
	{ "\xFF", 1 }, { "&amp;", 5 },
};

static void test_writer_values_reference(void **st)
{
	uint8_t v[96];
	omacp_attr at[2];
	size_t len, pos, k;
	(void)st;
	at[0].name.ptr = (const uint8_t *)"name", at[0].name.len = 4;
	at[0].value.ptr = (const uint8_t *)"N", at[0].value.len = 1;
	at[1].name.ptr = (const uint8_t *)"value", at[1].name.len = 5;
	at[1].value.ptr = v;
	/* every probe at every position of values of 1..40 bytes, without and
	 * with the caller's promise of valid UTF-8 */
	for (g_wflags = 0;; g_wflags = OMACP_XML_TRUSTED_UTF8) {
		for (len = 0; len <= 40; len++) {
			for (k = 0; k < sizeof probes / sizeof probes[0]; k++) {
				for (pos = 0; pos + probes[k].n <= len || (len == 0 && pos == 0); pos++) {
					size_t i;
					if (len == 0) {
						at[1].value.len = 0;
						writer_vs_ref(at, 2, 0, 0);
						break;
					}
					for (i = 0; i < len; i++)
						v[i] = (uint8_t)('a' + i % 26);
					memcpy(v + pos, probes[k].b, probes[k].n);
					at[1].value.len = len;
					writer_vs_ref(at, 2, 0, 0);
				}
			}
		}
		if (g_wflags)
			break;
	}
	g_wflags = 0;
	/* plain and escaped values with the stage at every offset */
	for (k = 0; k < 3; k++) {
		static const char *const vals[3] = { "plain value of some length",
			"a&b<c>d\"e\x01\xC3\xA9\xE2\x82\xAC", "\xF0\x9F\x98\x80&&&&&&&&&&&&&&&&&&&&" };
		at[1].value.ptr = (const uint8_t *)vals[k];
		at[1].value.len = strlen(vals[k]);
		for (pos = 0; pos < 40; pos++)
			writer_vs_ref(at, 2, pos, 1 + pos % 23);
	}
	at[1].value.ptr = v;
}

/* Long values (beyond the stage), many escapes, attributes out of order and
 * names that are close to the ranked ones. */
static void test_writer_long_and_order(void **st)
{
	static uint8_t big[2000];
	omacp_attr at[5];
	size_t i, len;
	(void)st;
	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i % 7 == 3 ? '&' : 'a' + i % 26);
	at[0].name.ptr = (const uint8_t *)"name", at[0].name.len = 4;
	at[1].name.ptr = (const uint8_t *)"value", at[1].name.len = 5;
	at[0].value.ptr = (const uint8_t *)"N", at[0].value.len = 1;
	for (len = 0; len < sizeof big; len += 97) {
		at[1].value.ptr = big, at[1].value.len = len;
		writer_vs_ref(at, 2, 3, 10);
		at[1].value.ptr = big + 3, at[1].value.len = len > 3 ? len - 3 : 0;
		writer_vs_ref(at, 2, 5, 17);
		at[1].value.ptr = (const uint8_t *)"x";
		at[1].value.len = 1;
		at[0].value.ptr = big, at[0].value.len = len;
		writer_vs_ref(at, 2, 1, 3);
		at[0].value.ptr = (const uint8_t *)"N", at[0].value.len = 1;
	}
	/* every order of ranked and other names, some of them near misses */
	{
		static const char *const names[] = { "version", "value", "type", "name", "nam",
			"names", "valu", "values", "versions", "versio", "Name", "typ", "mwid",
			"datatype", "nAme" };
		size_t a, b, c;
		for (a = 0; a < 15; a++)
			for (b = 0; b < 15; b++)
				for (c = 0; c < 15; c += 2) {
					at[0].name.ptr = (const uint8_t *)names[a];
					at[0].name.len = strlen(names[a]);
					at[1].name.ptr = (const uint8_t *)names[b];
					at[1].name.len = strlen(names[b]);
					at[2].name.ptr = (const uint8_t *)names[c];
					at[2].name.len = strlen(names[c]);
					at[0].value.ptr = (const uint8_t *)"v0", at[0].value.len = 2;
					at[1].value.ptr = (const uint8_t *)"v&1", at[1].value.len = 3;
					at[2].value.ptr = big, at[2].value.len = (a * 37 + c) % 300;
					writer_vs_ref(at, 3, b, 11);
				}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifndef OMACP_NO_XML
		cmocka_unit_test(test_vectors_roundtrip),
		cmocka_unit_test(test_canonical_literal),
		cmocka_unit_test(test_canonical_attr_order),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_predefined_entities),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_vocabulary),
		cmocka_unit_test(test_text_and_syntax),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_events_and_callback),
		cmocka_unit_test(test_nested_parse),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_arena_every_size),
		cmocka_unit_test(test_work_bytes_macro),
		cmocka_unit_test(test_mutations),
#ifdef OMACP_NO_MALLOC
		cmocka_unit_test(test_no_malloc_needs_work),
#endif
		cmocka_unit_test(test_escaping_roundtrip),
#endif
		cmocka_unit_test(test_writer_structure),
		cmocka_unit_test(test_writer_every_size),
		cmocka_unit_test(test_writer_values_reference),
		cmocka_unit_test(test_writer_long_and_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
