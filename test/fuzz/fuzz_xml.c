/*
 * Fuzz entry for the XML front end: omacp_xml_parse into a document builder
 * over fixed workspaces (expat on its arena: no heap).
 *
 * Input: an XML document, as is.
 *
 * Invariants (abort() when broken):
 *   - the builder reports a tree exactly when it finished one (never a
 *     partial tree); a failed parse reports an error offset within the input;
 *   - an accepted document survives both writers: the canonical XML writer's
 *     text parses back to an equal tree, and so does the WBXML encoder's
 *     output (with and without a string table) through the WBXML decoder.
 *     Only running out of the fixed output buffers is allowed on the way.
 *   - without OMACP_NO_MALLOC: parsing on the heap gives the same result as
 *     parsing on the arena (unless the arena ran out).
 */
#include <stdlib.h>
#include <string.h>
#include "omacp/omacp.h"
#include "fuzz.h"

#define XML_WORK OMACP_XML_WORK_BYTES(4096)
#define DOC_WORK 16384u
#define OUT_MAX 16384u
#define WBXML_WORK 8192u

#ifndef OMACP_NO_XML
/* Errors a second stage may report on a good tree: our own buffers. */
static int capacity_error(omacp_err e)
{
	return e == OMACP_E_NOMEM || e == OMACP_E_LIMIT;
}

static omacp_err build_xml(const uint8_t *p, size_t n, uint8_t *xwork,
                           size_t xlen, uint8_t *dwork, omacp_doc *doc)
{
	omacp_doc_builder b;
	size_t off = (size_t)-1;
	omacp_err e, f;
	omacp_doc_builder_init(&b, doc, dwork, DOC_WORK);
	e = omacp_xml_parse(p, n, xwork, xlen, omacp_doc_builder_event, &b, &off);
	f = omacp_doc_builder_finish(&b);
	/* the builder never leaves a partial tree */
	if ((f == OMACP_OK) != (doc->root != NULL))
		abort();
	if (e != OMACP_OK && (off == (size_t)-1 || off > n))
		abort();
	return e == OMACP_OK ? f : e;
}

static void check_xml_roundtrip(const omacp_doc *doc)
{
	uint8_t *out = malloc(OUT_MAX);
	uint8_t *xwork = malloc(OMACP_XML_WORK_BYTES(OUT_MAX));
	uint8_t *dwork = malloc(DOC_WORK);
	omacp_buf buf = {out, OUT_MAX, 0};
	omacp_xml_writer w;
	omacp_doc again;
	omacp_err e;

	omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
	e = omacp_doc_walk(doc, omacp_xml_writer_event, &w);
	if (e == OMACP_OK)
		e = omacp_xml_writer_finish(&w);
	if (e != OMACP_OK) {
		if (!capacity_error(e))
			abort();
		goto done;
	}
	e = build_xml(out, buf.len, xwork, OMACP_XML_WORK_BYTES(OUT_MAX), dwork, &again);
	if (e != OMACP_OK && !capacity_error(e))
		abort();
	if (e == OMACP_OK && !omacp_doc_equal(doc, &again))
		abort();
done:
	free(out);
	free(xwork);
	free(dwork);
}

static void check_wbxml_roundtrip(const omacp_doc *doc, unsigned flags)
{
	uint8_t *out = malloc(OUT_MAX);
	uint8_t *work = malloc(WBXML_WORK);
	uint8_t *dwork = malloc(DOC_WORK);
	omacp_wbxml_encoder enc;
	omacp_doc_builder b;
	omacp_doc again;
	size_t len = 0;
	omacp_err e;

	omacp_wbxml_encoder_init(&enc, out, OUT_MAX, work, WBXML_WORK, flags);
	e = omacp_doc_walk(doc, omacp_wbxml_encoder_event, &enc);
	if (e == OMACP_OK && (flags & OMACP_WBXML_ENC_STRTBL)) {
		e = omacp_wbxml_encoder_rewind(&enc);
		if (e == OMACP_OK)
			e = omacp_doc_walk(doc, omacp_wbxml_encoder_event, &enc);
	}
	if (e == OMACP_OK)
		e = omacp_wbxml_encoder_finish(&enc, &len);
	if (e != OMACP_OK) {
		/* without a string table an attribute name that has no token
		 * (Windows Mobile metadata) cannot be written: UNSUPPORTED */
		if (!capacity_error(e) && e != OMACP_E_UNSUPPORTED)
			abort();
		goto done;
	}
	omacp_doc_builder_init(&b, &again, dwork, DOC_WORK);
	e = omacp_wbxml_decode(out, len, work, WBXML_WORK, 0, omacp_doc_builder_event, &b, NULL);
	if (e == OMACP_OK)
		e = omacp_doc_builder_finish(&b);
	if (e != OMACP_OK) {
		if (!capacity_error(e))
			abort();
		goto done;
	}
	if (!omacp_doc_equal(doc, &again))
		abort();
done:
	free(out);
	free(work);
	free(dwork);
}

#endif /* OMACP_NO_XML */

#ifdef OMACP_NO_XML
/* No XML front end in this build: nothing to fuzz. */
int fuzz_xml(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
#else
int fuzz_xml(const uint8_t *data, size_t size)
{
	uint8_t *xwork = malloc(XML_WORK);
	uint8_t *dwork = malloc(DOC_WORK);
	omacp_doc doc;
	omacp_err e;

	e = build_xml(data, size, xwork, XML_WORK, dwork, &doc);
#ifndef OMACP_NO_MALLOC
	{
		/* the heap-backed parser must agree with the arena-backed one */
		uint8_t *dwork2 = malloc(DOC_WORK);
		omacp_doc doc2;
		omacp_err e2 = build_xml(data, size, NULL, 0, dwork2, &doc2);
		if (e != OMACP_E_NOMEM && e2 != OMACP_E_NOMEM) {
			if (e != e2)
				abort();
			if (e == OMACP_OK && !omacp_doc_equal(&doc, &doc2))
				abort();
		}
		free(dwork2);
	}
#endif
	if (e == OMACP_OK) {
		check_xml_roundtrip(&doc);
		check_wbxml_roundtrip(&doc, 0);
		check_wbxml_roundtrip(&doc, OMACP_WBXML_ENC_STRTBL);
	}
	free(xwork);
	free(dwork);
	return 0;
}
#endif /* OMACP_NO_XML */
