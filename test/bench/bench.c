/*
 * omacp benchmark driver (a report, not a test).
 *
 * Runs every measured operation once per document between two callgrind
 * client requests that switch cost collection on and off, then dumps the
 * counters with a label "op|doc|in_bytes|body_bytes|status".  Run under
 *   valgrind --tool=callgrind --collect-atstart=no bench VECTORS
 * every dump holds exactly the instructions of one operation; outside
 * valgrind the requests are no-ops and the program just runs the work
 * (test/bench/bench.py does the running and prints the tables).
 *
 * Operations (ours):
 *   reasm_wsp   SMS segments -> reassembly -> WSP push decode
 *   mac_verify  omacp_sec_verify (USERPIN) over the body
 *   wbxml_tree  WBXML -> document tree (omacp_wbxml_decode_doc, as the client)
 *   xml_tree    XML -> document tree (expat front end + builder)
 *   wbxml_xml   WBXML -> XML text (decoder + writer into a buffer)
 *   pipeline    SMS segments of a NETWPIN-signed message -> verdict through
 *               the client API (client_bench.h); before client.h existed, the
 *               chain reassembly, WSP decode, MAC verify, WBXML -> tree
 *   pipeline_pin  the same for a USERPIN-signed message: segments ->
 *               NEED_PIN -> omacp_client_pin("1234") -> verdict
 *   send        XML -> WBXML -> USERPIN MAC -> push PDU -> SMS segments
 *               (only where the message fits in 255 SMS)
 *   send_pdu    the same up to the signed push PDU (every size)
 * Reference points (the floors and the competitors):
 *   hmac_floor  mbedTLS HMAC-SHA1 (mbedtls_md_hmac) over the same body
 *   libwbxml    libwbxml's wbxml_conv_wbxml2xml_create/run/destroy
 *   expat_bare  XML_ParserCreate + XML_Parse (no handlers) + XML_ParserFree
 *
 * Library functions are referenced weakly and the archive is linked whole,
 * so the driver builds and runs while layers are still missing: an operation
 * whose functions are absent is reported as "absent".
 *
 * Documents: the vector corpus (test/vectors/<dir>/input.xml and wbxml.hex)
 * and generated documents of 1 KB .. 1 MB of WBXML body, made at run time.
 * The bench may use the heap (it is not library code).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include <expat.h>
#include <mbedtls/md.h>
#ifndef BENCH_NO_LIBWBXML
#include <wbxml/wbxml.h>
#endif

#include "omacp/doc.h"
#include "omacp/push.h"
#include "omacp/sec.h"
#include "omacp/wbxml.h"
#include "omacp/xml.h"

#if defined(__has_include)
#if __has_include("omacp/client.h")
#include "omacp/client.h"
#define BENCH_HAVE_CLIENT 1
#endif
#endif

/* Weak references: a missing layer leaves the symbol NULL. */
#pragma weak omacp_wbxml_decode
#pragma weak omacp_wbxml_decode_doc
#pragma weak omacp_wbxml_encoder_init
#pragma weak omacp_wbxml_encoder_event
#pragma weak omacp_wbxml_encoder_finish
#pragma weak omacp_xml_parse
#pragma weak omacp_xml_writer_init
#pragma weak omacp_xml_writer_event
#pragma weak omacp_xml_writer_finish
#pragma weak omacp_buf_write
#pragma weak omacp_doc_builder_init
#pragma weak omacp_doc_builder_event
#pragma weak omacp_doc_builder_finish
#pragma weak omacp_sec_verify
#pragma weak omacp_sec_sign
#pragma weak omacp_reasm_init
#pragma weak omacp_reasm_feed
#pragma weak omacp_push_decode
#pragma weak omacp_push_params_init
#pragma weak omacp_push_encode
#pragma weak omacp_sms_segment
#pragma weak omacp_node_next_preorder

#define PIN "1234"
#define IMSI "001010123456789"
#define MAX_SEGS 255

/* ------------------------------------------------------------- helpers */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	p = xmalloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Hex text (white space ignored) -> bytes, in place into a new buffer. */
static uint8_t *unhex(const char *s, size_t n, size_t *len)
{
	uint8_t *out = xmalloc(n / 2 + 1);
	size_t o = 0, i;
	int hi = -1;
	for (i = 0; i < n; i++) {
		int v = hexval((unsigned char)s[i]);
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*len = o;
	return out;
}

/* ------------------------------------------------------------ documents */

/* The SMS of one message: user data (UDH + payload) of each segment. */
typedef struct segset {
	uint8_t (*ud)[OMACP_SMS_UD_MAX];
	size_t len[MAX_SEGS];
	unsigned n;
	size_t total;
} segset;

typedef struct bdoc {
	char name[80];
	uint8_t *xml;           /* may be NULL */
	size_t xml_len;
	uint8_t *wbxml;         /* the push body / MAC input; may be NULL */
	size_t wbxml_len;
	char mac[OMACP_MAC_HEX_LEN + 1];  /* USERPIN 1234 over wbxml */
	segset net;             /* NETWPIN-signed (IMSI) message as SMS */
	segset user;            /* USERPIN-signed (1234) message as SMS */
} bdoc;

static omacp_err xml_to_wbxml_omacp(const uint8_t *xml, size_t n, uint8_t **out,
                                    size_t *len)
{
	omacp_wbxml_encoder e;
	uint8_t *work = xmalloc(OMACP_XML_WORK_BYTES(n));
	omacp_err err;
	size_t cap = n + 4096;
	uint8_t *buf = xmalloc(cap);
	omacp_wbxml_encoder_init(&e, buf, cap, NULL, 0, 0);
	err = omacp_xml_parse(xml, n, work, OMACP_XML_WORK_BYTES(n),
	                      omacp_wbxml_encoder_event, &e, NULL);
	if (err == OMACP_OK)
		err = omacp_wbxml_encoder_finish(&e, len);
	free(work);
	if (err != OMACP_OK) {
		free(buf);
		return err;
	}
	*out = buf;
	return OMACP_OK;
}

#ifndef BENCH_NO_LIBWBXML
static int xml_to_wbxml_libwbxml(const uint8_t *xml, size_t n, uint8_t **out,
                                 size_t *len)
{
	WBXMLConvXML2WBXML *conv = NULL;
	WB_UTINY *wb = NULL;
	WB_ULONG wl = 0;
	if (wbxml_conv_xml2wbxml_create(&conv) != WBXML_OK)
		return -1;
	wbxml_conv_xml2wbxml_set_version(conv, WBXML_VERSION_13);
	wbxml_conv_xml2wbxml_disable_string_table(conv);
	if (wbxml_conv_xml2wbxml_run(conv, (WB_UTINY *)xml, (WB_ULONG)n, &wb, &wl) != WBXML_OK) {
		wbxml_conv_xml2wbxml_destroy(conv);
		return -1;
	}
	wbxml_conv_xml2wbxml_destroy(conv);
	*out = xmalloc(wl);
	memcpy(*out, wb, wl);
	free(wb); /* libwbxml allocates with malloc */
	*len = wl;
	return 0;
}
#else
static int xml_to_wbxml_libwbxml(const uint8_t *xml, size_t n, uint8_t **out,
                                 size_t *len)
{
	(void)xml, (void)n, (void)out, (void)len;
	return -1;
}
#endif

static omacp_err seg_collect(void *user, unsigned index, unsigned total,
                             const uint8_t *udh, size_t udh_len,
                             const uint8_t *payload, size_t payload_len)
{
	segset *ss = user;
	(void)total;
	if (index < 1 || index > MAX_SEGS || udh_len + payload_len > OMACP_SMS_UD_MAX)
		return OMACP_E_ARG;
	memcpy(ss->ud[index - 1], udh, udh_len);
	memcpy(ss->ud[index - 1] + udh_len, payload, payload_len);
	ss->len[index - 1] = udh_len + payload_len;
	if (index > ss->n)
		ss->n = index;
	ss->total += udh_len + payload_len;
	return OMACP_OK;
}

/* Sign the body with method m, build the push PDU and cut it into SMS with
 * omacp's sending side.  Returns 0 when the segments exist. */
static int make_segments(const bdoc *d, omacp_sec m, segset *ss)
{
	omacp_push_params pp;
	omacp_seg_params sp;
	char mac[OMACP_MAC_HEX_LEN + 1];
	size_t cap, len;
	uint8_t *pdu;
	int ok;
	memset(ss, 0, sizeof *ss);
	if (!d->wbxml || !omacp_sec_sign || !omacp_push_encode || !omacp_push_params_init ||
	    !omacp_sms_segment)
		return -1;
	if (omacp_sec_sign(m, IMSI, PIN, d->wbxml, d->wbxml_len, mac) != OMACP_OK)
		return -1;
	omacp_push_params_init(&pp);
	pp.sec = m;
	pp.mac = mac;
	cap = d->wbxml_len + 256;
	pdu = xmalloc(cap);
	ss->ud = xmalloc(sizeof *ss->ud * MAX_SEGS);
	memset(&sp, 0, sizeof sp);
	sp.ref = 0x42;
	ok = omacp_push_encode(&pp, d->wbxml, d->wbxml_len, pdu, cap, &len) == OMACP_OK &&
	     omacp_sms_segment(pdu, len, &sp, seg_collect, ss) == OMACP_OK;
	free(pdu);
	if (!ok) {
		free(ss->ud);
		memset(ss, 0, sizeof *ss);
		return -1;
	}
	return 0;
}

static void make_message(bdoc *d)
{
	if (d->wbxml && omacp_sec_sign)
		(void)omacp_sec_sign(OMACP_SEC_USERPIN, NULL, PIN, d->wbxml, d->wbxml_len, d->mac);
	(void)make_segments(d, OMACP_SEC_NETWPIN, &d->net);
	(void)make_segments(d, OMACP_SEC_USERPIN, &d->user);
}

/* --------------------------------------------------- generated documents */

static const char gen_head[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\"\n"
	"  \"http://www.wapforum.org/DTD/prov.dtd\">\n"
	"<wap-provisioningdoc version=\"1.1\">\n";
static const char gen_tail[] = "</wap-provisioningdoc>\n";

/* One block of realistic characteristics, varied by i. */
static int gen_block(char *o, size_t cap, unsigned i)
{
	static const char *const bearers[] = { "GSM-GPRS", "GSM-CSD", "WCDMA", "CDMA2000-1X" };
	static const char *const auth[] = { "PAP", "CHAP", "MD5" };
	return snprintf(o, cap,
		"  <characteristic type=\"NAPDEF\">\n"
		"    <parm name=\"NAPID\" value=\"NAP%06u\"/>\n"
		"    <parm name=\"BEARER\" value=\"%s\"/>\n"
		"    <parm name=\"NAME\" value=\"Operator Internet %06u\"/>\n"
		"    <parm name=\"NAP-ADDRESS\" value=\"internet%06u.example.net\"/>\n"
		"    <parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>\n"
		"    <characteristic type=\"NAPAUTHINFO\">\n"
		"      <parm name=\"AUTHTYPE\" value=\"%s\"/>\n"
		"      <parm name=\"AUTHNAME\" value=\"user%06u\"/>\n"
		"      <parm name=\"AUTHSECRET\" value=\"s3cr%06ut\"/>\n"
		"    </characteristic>\n"
		"  </characteristic>\n"
		"  <characteristic type=\"PXLOGICAL\">\n"
		"    <parm name=\"PROXY-ID\" value=\"proxy%06u.example.net\"/>\n"
		"    <parm name=\"NAME\" value=\"Proxy %06u\"/>\n"
		"    <characteristic type=\"PXPHYSICAL\">\n"
		"      <parm name=\"PHYSICAL-PROXY-ID\" value=\"PHY%06u\"/>\n"
		"      <parm name=\"PXADDR\" value=\"10.%03u.%03u.%03u\"/>\n"
		"      <parm name=\"PXADDRTYPE\" value=\"IPV4\"/>\n"
		"      <parm name=\"TO-NAPID\" value=\"NAP%06u\"/>\n"
		"      <characteristic type=\"PORT\">\n"
		"        <parm name=\"PORTNBR\" value=\"%04u\"/>\n"
		"      </characteristic>\n"
		"    </characteristic>\n"
		"  </characteristic>\n"
		"  <characteristic type=\"APPLICATION\">\n"
		"    <parm name=\"APPID\" value=\"w2\"/>\n"
		"    <parm name=\"TO-PROXY\" value=\"proxy%06u.example.net\"/>\n"
		"    <parm name=\"NAME\" value=\"Browser %06u\"/>\n"
		"    <characteristic type=\"RESOURCE\">\n"
		"      <parm name=\"URI\" value=\"http://www.example.com/start/%06u\"/>\n"
		"      <parm name=\"NAME\" value=\"Home &amp; news %06u\"/>\n"
		"      <parm name=\"STARTPAGE\"/>\n"
		"    </characteristic>\n"
		"  </characteristic>\n",
		i, bearers[i % 4], i, i, auth[i % 3], i, i, i, i, i,
		(i >> 16) & 255u, (i >> 8) & 255u, i & 255u, i, 8080u + i % 1000u,
		i, i, i, i);
}

static uint8_t *gen_xml(unsigned blocks, size_t *len)
{
	size_t cap = sizeof gen_head + sizeof gen_tail + (size_t)blocks * 2048u;
	char *o = xmalloc(cap);
	size_t n = 0;
	unsigned i;
	memcpy(o, gen_head, sizeof gen_head - 1);
	n = sizeof gen_head - 1;
	for (i = 0; i < blocks; i++)
		n += (size_t)gen_block(o + n, cap - n, i + 1);
	memcpy(o + n, gen_tail, sizeof gen_tail - 1);
	n += sizeof gen_tail - 1;
	*len = n;
	return (uint8_t *)o;
}

static int to_wbxml(bdoc *d)
{
	if (omacp_xml_parse && omacp_wbxml_encoder_init &&
	    xml_to_wbxml_omacp(d->xml, d->xml_len, &d->wbxml, &d->wbxml_len) == OMACP_OK)
		return 0;
	return xml_to_wbxml_libwbxml(d->xml, d->xml_len, &d->wbxml, &d->wbxml_len);
}

/* ---------------------------------------------------------- operations */

typedef struct ctx {
	bdoc *d;
	uint8_t *work;        /* scratch for decoder / reassembly */
	size_t work_len;
	uint8_t *arena;       /* document tree arena */
	size_t arena_len;
	uint8_t *xwork;       /* expat workspace */
	size_t xwork_len;
	uint8_t *out;         /* output buffer */
	size_t out_cap;
	uint8_t *cwork;       /* client workspace */
	size_t cwork_len;
	omacp_doc doc;
	long status;          /* result of the last run (0 = OK) */
} ctx;

static void op_baseline(ctx *c)
{
	c->status = 0;
}

static void op_hmac_floor(ctx *c)
{
	uint8_t mac[20];
	c->status = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1),
	                            (const unsigned char *)PIN, 4, c->d->wbxml,
	                            c->d->wbxml_len, mac);
}

static void op_mac_verify(ctx *c)
{
	c->status = omacp_sec_verify(OMACP_SEC_USERPIN, NULL, PIN, c->d->wbxml,
	                             c->d->wbxml_len, (const uint8_t *)c->d->mac,
	                             OMACP_MAC_HEX_LEN);
}

static omacp_err wbxml_tree(ctx *c, const uint8_t *p, size_t n)
{
	return omacp_wbxml_decode_doc(p, n, 0, &c->doc, c->arena, c->arena_len, NULL);
}

static void op_wbxml_tree(ctx *c)
{
	c->status = wbxml_tree(c, c->d->wbxml, c->d->wbxml_len);
}

/* What the tree of the last wbxml_tree run holds: elements, attributes and
 * attribute bytes (names and values), to compare with the sizing macros. */
static void tree_stats(const ctx *c)
{
	const omacp_node *n;
	size_t nodes = 0, attrs = 0, text = 0, i;
	if (!c->doc.root || !omacp_node_next_preorder)
		return;
	for (n = c->doc.root; n; n = omacp_node_next_preorder(n)) {
		nodes++;
		attrs += n->n_attrs;
		for (i = 0; i < n->n_attrs; i++)
			text += n->attrs[i].name.len + n->attrs[i].value.len;
	}
	printf("T doc=%s|nodes=%zu|attrs=%zu|text=%zu|used=%zu\n", c->d->name, nodes,
	       attrs, text, c->doc.bytes_used);
}

static void op_xml_tree(ctx *c)
{
	omacp_doc_builder b;
	omacp_err e;
	omacp_doc_builder_init(&b, &c->doc, c->arena, c->arena_len);
	e = omacp_xml_parse(c->d->xml, c->d->xml_len, c->xwork, c->xwork_len,
	                    omacp_doc_builder_event, &b, NULL);
	if (e == OMACP_OK)
		e = omacp_doc_builder_finish(&b);
	c->status = e;
}

static void op_wbxml_xml(ctx *c)
{
	omacp_xml_writer w;
	omacp_buf buf;
	omacp_err e;
	buf.ptr = c->out;
	buf.cap = c->out_cap;
	buf.len = 0;
	/* the decoder checks every value: the writer need not (xml.h) */
	omacp_xml_writer_init(&w, OMACP_XML_TRUSTED_UTF8, omacp_buf_write, &buf);
	e = omacp_wbxml_decode(c->d->wbxml, c->d->wbxml_len, c->work, c->work_len,
	                       0, omacp_xml_writer_event, &w, NULL);
	if (e == OMACP_OK)
		e = omacp_xml_writer_finish(&w);
	c->status = e;
}

#ifndef BENCH_NO_LIBWBXML
#define HAVE_LIBWBXML 1
static void op_libwbxml(ctx *c)
{
	WBXMLConvWBXML2XML *conv = NULL;
	WB_UTINY *xml = NULL;
	WB_ULONG len = 0;
	WBXMLError e = wbxml_conv_wbxml2xml_create(&conv);
	if (e == WBXML_OK) {
		e = wbxml_conv_wbxml2xml_run(conv, c->d->wbxml, (WB_ULONG)c->d->wbxml_len,
		                             &xml, &len);
		wbxml_conv_wbxml2xml_destroy(conv);
	}
	if (xml)
		free(xml);
	c->status = e;
}
#else
#define HAVE_LIBWBXML 0
static void op_libwbxml(ctx *c)
{
	c->status = -1;
}
#endif

static void op_expat_bare(ctx *c)
{
	XML_Parser p = XML_ParserCreate(NULL);
	enum XML_Status s = XML_Parse(p, (const char *)c->d->xml, (int)c->d->xml_len, 1);
	c->status = s == XML_STATUS_OK ? 0 : (long)XML_GetErrorCode(p);
	XML_ParserFree(p);
}

/* Reassembly + WSP decode; the datagram slice is left in *dg. */
static omacp_err reasm_wsp(ctx *c, omacp_push *push)
{
	omacp_reasm r;
	omacp_slice dg = { NULL, 0 };
	omacp_err e;
	unsigned i;
	e = omacp_reasm_init(&r, c->work, c->work_len, 1, MAX_SEGS, NULL);
	if (e != OMACP_OK)
		return e;
	e = OMACP_MORE;
	for (i = 0; i < c->d->net.n && e == OMACP_MORE; i++)
		e = omacp_reasm_feed(&r, "+491701234567", c->d->net.ud[i], c->d->net.len[i], 1000, &dg);
	if (e != OMACP_OK)
		return e;
	return omacp_push_decode(dg.ptr, dg.len, push);
}

static void op_reasm_wsp(ctx *c)
{
	omacp_push push;
	c->status = reasm_wsp(c, &push);
}

#ifdef BENCH_HAVE_CLIENT
#include "client_bench.h"   /* op_pipeline through the client API */
#else
/* The device chain spelled out: reassembly, WSP, MAC, WBXML -> tree.  The
 * reassembly workspace is reused for nothing else; the decoder workspace is
 * separate (the datagram lives in the reassembly slot). */
static void op_pipeline(ctx *c)
{
	omacp_push push;
	omacp_err e = reasm_wsp(c, &push);
	if (e == OMACP_OK && !omacp_push_is_provisioning(&push))
		e = OMACP_E_CONTENT_TYPE;
	if (e == OMACP_OK)
		e = omacp_sec_verify(OMACP_SEC_NETWPIN, IMSI, NULL, push.body.ptr,
		                     push.body.len, push.mac.ptr, push.mac.len);
	if (e == OMACP_OK) {
		omacp_doc_builder b;
		omacp_doc_builder_init(&b, &c->doc, c->arena, c->arena_len);
		e = omacp_wbxml_decode(push.body.ptr, push.body.len, c->xwork,
		                       c->xwork_len, 0, omacp_doc_builder_event, &b, NULL);
		if (e == OMACP_OK)
			e = omacp_doc_builder_finish(&b);
	}
	c->status = e;
}
#endif

/* XML -> WBXML (no string table) -> MAC -> push PDU -> SMS segments. */
static omacp_err seg_sink(void *user, unsigned index, unsigned total,
                          const uint8_t *udh, size_t udh_len,
                          const uint8_t *payload, size_t payload_len)
{
	size_t *sum = user;
	(void)index;
	(void)total;
	(void)udh;
	(void)payload;
	*sum += udh_len + payload_len;
	return OMACP_OK;
}

static void send_chain(ctx *c, int segment)
{
	omacp_wbxml_encoder enc;
	omacp_push_params pp;
	omacp_seg_params sp;
	char mac[OMACP_MAC_HEX_LEN + 1];
	size_t wl = 0, pl = 0, sum = 0;
	uint8_t *wb = c->work, *pdu = c->out;
	omacp_err e;

	omacp_wbxml_encoder_init(&enc, wb, c->work_len, NULL, 0, 0);
	e = omacp_xml_parse(c->d->xml, c->d->xml_len, c->xwork, c->xwork_len,
	                    omacp_wbxml_encoder_event, &enc, NULL);
	if (e == OMACP_OK)
		e = omacp_wbxml_encoder_finish(&enc, &wl);
	if (e == OMACP_OK)
		e = omacp_sec_sign(OMACP_SEC_USERPIN, NULL, PIN, wb, wl, mac);
	if (e == OMACP_OK) {
		omacp_push_params_init(&pp);
		pp.sec = OMACP_SEC_USERPIN;
		pp.mac = mac;
		e = omacp_push_encode(&pp, wb, wl, pdu, c->out_cap, &pl);
	}
	if (e == OMACP_OK && segment) {
		memset(&sp, 0, sizeof sp);
		sp.ref = 7;
		e = omacp_sms_segment(pdu, pl, &sp, seg_sink, &sum);
	}
	c->status = e;
}

static void op_send(ctx *c)
{
	send_chain(c, 1);
}

static void op_send_pdu(ctx *c)
{
	send_chain(c, 0);
}

/* ------------------------------------------------------------ measuring */

typedef void (*op_fn)(ctx *);

static unsigned long n_measured;

/* Run op once uncollected (warm-up: lazy binding, first touch) when the
 * input is small, then once with collection on, then dump the counters. */
static void measure(const char *op, op_fn prep, op_fn fn, ctx *c, size_t in_bytes)
{
	char label[256];
	const char *st;
	char stbuf[32];
	if (in_bytes < (256u << 10)) {
		if (prep)
			prep(c);
		fn(c);
	}
	if (prep)
		prep(c);
	CALLGRIND_TOGGLE_COLLECT;
	fn(c);
	CALLGRIND_TOGGLE_COLLECT;
	if (c->status == 0) {
		st = "ok";
	} else {
		snprintf(stbuf, sizeof stbuf, "e%ld", c->status);
		st = stbuf;
	}
	snprintf(label, sizeof label, "op=%s|doc=%s|in=%zu|body=%zu|xml=%zu|segs=%u|st=%s",
	         op, c->d->name, in_bytes, c->d->wbxml_len, c->d->xml_len, c->d->net.n, st);
	CALLGRIND_DUMP_STATS_AT(label);
	printf("M %s\n", label);
	fflush(stdout);
	n_measured++;
}

static void absent(const char *op, const bdoc *d)
{
	printf("M op=%s|doc=%s|in=0|body=%zu|xml=%zu|segs=%u|st=absent\n", op,
	       d->name, d->wbxml_len, d->xml_len, d->net.n);
}

static int only_match(const char *only, const char *op)
{
	const char *p;
	size_t n = strlen(op);
	if (!only || !*only)
		return 1;
	for (p = only; (p = strstr(p, op)) != NULL; p += n) {
		if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

static void run_doc(bdoc *d, const char *only)
{
	ctx c;
	size_t big = d->xml_len > d->wbxml_len ? d->xml_len : d->wbxml_len;
	int have_tree = omacp_doc_builder_init && omacp_doc_builder_event && omacp_doc_builder_finish;

	memset(&c, 0, sizeof c);
	c.d = d;
	/* Decoder workspace: string table + attribute values fit in the input;
	 * reassembly: one slot of 255 segments. */
	c.work_len = big + 8192;
	if (c.work_len < OMACP_REASM_WORK_BYTES(1, MAX_SEGS))
		c.work_len = OMACP_REASM_WORK_BYTES(1, MAX_SEGS);
	c.work = xmalloc(c.work_len);
	c.arena_len = 8 * big + 65536;
	c.arena = xmalloc(c.arena_len);
	c.xwork_len = OMACP_XML_WORK_BYTES(big);
	c.xwork = xmalloc(c.xwork_len);
	c.out_cap = 16 * big + 65536;
	c.out = xmalloc(c.out_cap);
#ifdef BENCH_HAVE_CLIENT
	c.cwork_len = OMACP_CLIENT_WORK_BYTES(1, MAX_SEGS);
	c.cwork = xmalloc(c.cwork_len);
#endif

#define RUN2(name, cond, in, prep, fn)                             \
	do {                                                       \
		if (!only_match(only, name))                       \
			break;                                     \
		if (cond)                                          \
			measure(name, prep, fn, &c, in);           \
		else                                               \
			absent(name, d);                           \
	} while (0)
#define RUN(name, cond, in, fn) RUN2(name, cond, in, NULL, fn)

	RUN("baseline", 1, 0, op_baseline);
	if (d->wbxml) {
		RUN("hmac_floor", 1, d->wbxml_len, op_hmac_floor);
		RUN("mac_verify", omacp_sec_verify && d->mac[0], d->wbxml_len, op_mac_verify);
		RUN("wbxml_tree", omacp_wbxml_decode_doc && have_tree, d->wbxml_len, op_wbxml_tree);
		if (c.status == 0)
			tree_stats(&c);
		RUN("wbxml_xml", omacp_wbxml_decode && omacp_xml_writer_init && omacp_buf_write,
		    d->wbxml_len, op_wbxml_xml);
		RUN("libwbxml", HAVE_LIBWBXML, d->wbxml_len, op_libwbxml);
	}
	if (d->net.n) {
		RUN("reasm_wsp", omacp_reasm_init && omacp_push_decode, d->net.total, op_reasm_wsp);
#ifdef BENCH_HAVE_CLIENT
		RUN2("pipeline", have_client(), d->net.total, client_prep, op_pipeline);
#else
		RUN("pipeline", omacp_reasm_init && omacp_push_decode && omacp_sec_verify &&
		    omacp_wbxml_decode && have_tree, d->net.total, op_pipeline);
#endif
	}
#ifdef BENCH_HAVE_CLIENT
	if (d->user.n)
		RUN2("pipeline_pin", have_client(), d->user.total, client_prep, op_pipeline_pin);
#endif
	if (d->xml) {
		RUN("xml_tree", omacp_xml_parse && have_tree, d->xml_len, op_xml_tree);
		RUN("expat_bare", 1, d->xml_len, op_expat_bare);
		int have_send = omacp_xml_parse && omacp_wbxml_encoder_init && omacp_sec_sign &&
		                omacp_push_encode && omacp_push_params_init;
		/* The whole sending side where the message fits in 255 SMS;
		 * up to the signed push PDU for every size. */
		if (d->net.n)
			RUN("send", have_send && omacp_sms_segment, d->xml_len, op_send);
		RUN("send_pdu", have_send, d->xml_len, op_send_pdu);
	}
#undef RUN
	free(c.work);
	free(c.arena);
	free(c.xwork);
	free(c.out);
	free(c.cwork);
}

static void free_doc(bdoc *d)
{
	free(d->xml);
	free(d->wbxml);
	free(d->net.ud);
	free(d->user.ud);
	memset(d, 0, sizeof *d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_corpus(const char *vec, const char *only)
{
	DIR *dir = opendir(vec);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	if (!dir)
		die("cannot open %s", vec);
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "kannel-", 7) != 0 && strncmp(de->d_name, "libwbxml-", 9) != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof *names);
			if (!names)
				die("out of memory");
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		bdoc d;
		char path[4096];
		size_t hl;
		char *hex;
		memset(&d, 0, sizeof d);
		snprintf(d.name, sizeof d.name, "%s", names[i]);
		snprintf(path, sizeof path, "%s/%s/input.xml", vec, names[i]);
		d.xml = read_file(path, &d.xml_len);
		snprintf(path, sizeof path, "%s/%s/wbxml.hex", vec, names[i]);
		hex = (char *)read_file(path, &hl);
		if (hex) {
			d.wbxml = unhex(hex, hl, &d.wbxml_len);
			free(hex);
		}
		if (!d.wbxml && !d.xml) {
			free(names[i]);
			continue;
		}
		make_message(&d);
		run_doc(&d, only);
		free_doc(&d);
		free(names[i]);
	}
	free(names);
}

static void run_generated(const size_t *sizes, size_t n_sizes, const char *only)
{
	bdoc probe;
	double per_block;
	size_t i;
	/* Bytes of WBXML per generated block, from a 64-block probe. */
	memset(&probe, 0, sizeof probe);
	probe.xml = gen_xml(64, &probe.xml_len);
	if (to_wbxml(&probe) != 0)
		die("cannot encode the generated probe document");
	per_block = (double)probe.wbxml_len / 64.0;
	free_doc(&probe);
	for (i = 0; i < n_sizes; i++) {
		bdoc d;
		unsigned blocks = (unsigned)((double)sizes[i] / per_block + 0.5);
		if (blocks < 1)
			blocks = 1;
		memset(&d, 0, sizeof d);
		snprintf(d.name, sizeof d.name, "gen-%zuK", sizes[i] >> 10);
		d.xml = gen_xml(blocks, &d.xml_len);
		if (to_wbxml(&d) != 0)
			die("cannot encode %s", d.name);
		make_message(&d);
		printf("G %s blocks=%u xml=%zu wbxml=%zu segs=%u\n", d.name, blocks,
		       d.xml_len, d.wbxml_len, d.net.n);
		run_doc(&d, only);
		free_doc(&d);
	}
}

static void usage(void)
{
	puts("usage: bench [--only op,op] [--no-corpus] [--sizes K,K,...] VECTORS_DIR\n"
	     "Run under valgrind --tool=callgrind --collect-atstart=no; see bench.py.");
}

int main(int argc, char **argv)
{
	size_t sizes[16] = { 1, 4, 16, 64, 256, 1024 };
	size_t n_sizes = 6, i;
	const char *only = NULL, *vec = NULL;
	int corpus = 1;
	int a;
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--only") && a + 1 < argc) {
			only = argv[++a];
		} else if (!strcmp(argv[a], "--no-corpus")) {
			corpus = 0;
		} else if (!strcmp(argv[a], "--sizes") && a + 1 < argc) {
			char *s = argv[++a], *t;
			n_sizes = 0;
			for (t = strtok(s, ","); t && n_sizes < 16; t = strtok(NULL, ","))
				sizes[n_sizes++] = (size_t)strtoul(t, NULL, 10);
		} else if (!strcmp(argv[a], "--help")) {
			usage();
			return 0;
		} else if (argv[a][0] != '-' && !vec) {
			vec = argv[a];
		} else {
			usage();
			return 2;
		}
	}
	if (!vec) {
		usage();
		return 2;
	}
	for (i = 0; i < n_sizes; i++)
		sizes[i] <<= 10;
	if (corpus)
		run_corpus(vec, only);
	run_generated(sizes, n_sizes, only);
	printf("done %lu\n", n_measured);
	return 0;
}
