/*
 * Fuzz entry for the PROV WBXML decoder (no main here: the harness calls
 * fuzz_wbxml()).  The input is decoded with a fixed workspace, fed in two
 * pieces split at data[0] % size, and must never crash.  Fixed workspaces on
 * the stack; no state between calls.  Every document that
 * decodes is also re-encoded (without and with a string table) and decoded
 * again, which must give the same events (workspace exhaustion aside).
 * The input also goes through omacp_wbxml_decode_doc, which must agree with
 * the one-shot decoder into the doc builder: the same error at the same
 * offset, or a tree with the same elements and attributes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "omacp/doc.h"
#include "omacp/wbxml.h"
#include "fuzz.h"

/* FNV-1a over everything an event says except its offset. */
static void fuzz_mix(size_t *h, const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		*h = (*h ^ p[i]) * (size_t)0x100000001b3ull;
}

static omacp_err fuzz_sink(void *user, const omacp_event *ev)
{
	size_t i, *h = user;
	uint8_t k[3];
	k[0] = (uint8_t)ev->kind;
	k[1] = (uint8_t)ev->elem;
	k[2] = (uint8_t)ev->depth;
	fuzz_mix(h, k, 3);
	for (i = 0; i < ev->n_attrs; i++) {
		fuzz_mix(h, ev->attrs[i].name.ptr, ev->attrs[i].name.len);
		fuzz_mix(h, (const uint8_t *)"=", 1);
		fuzz_mix(h, ev->attrs[i].value.ptr, ev->attrs[i].value.len);
		fuzz_mix(h, (const uint8_t *)"", 1);
	}
	return OMACP_OK;
}

static void fuzz_reencode(const uint8_t *data, size_t size, unsigned eflags,
                          size_t want)
{
	uint8_t work[2048], ework[2048], out[4096];
	omacp_wbxml_encoder e;
	size_t len = 0, sum = 14695981039346656037ull & (size_t)-1;
	omacp_err r;
	omacp_wbxml_encoder_init(&e, out, sizeof out, ework, sizeof ework, eflags);
	r = omacp_wbxml_decode(data, size, work, sizeof work, 0,
	                       omacp_wbxml_encoder_event, &e, NULL);
	if (r == OMACP_OK && (eflags & OMACP_WBXML_ENC_STRTBL)) {
		r = omacp_wbxml_encoder_rewind(&e);
		if (r == OMACP_OK)
			r = omacp_wbxml_decode(data, size, work, sizeof work, 0,
			                       omacp_wbxml_encoder_event, &e, NULL);
	}
	if (r == OMACP_OK)
		r = omacp_wbxml_encoder_finish(&e, &len);
	if (r == OMACP_OK) {
		r = omacp_wbxml_decode(out, len, work, sizeof work, 0, fuzz_sink, &sum, NULL);
		if (r != OMACP_OK && r != OMACP_E_NOMEM)
			abort(); /* our own output must decode */
		if (r == OMACP_OK && sum != want)
			abort(); /* ... to the same events */
	}
}

static void fuzz_direct(const uint8_t *data, size_t size)
{
	uint8_t a1[8192], a2[8192], work[2048];
	omacp_doc d1, d2;
	omacp_doc_builder b;
	size_t o1 = 0, o2 = 0;
	size_t h1 = 14695981039346656037ull & (size_t)-1, h2 = h1;
	omacp_err r1, r2;
	omacp_doc_builder_init(&b, &d1, a1, sizeof a1);
	omacp_doc_builder_keep(&b, data, size);
	r1 = omacp_wbxml_decode(data, size, work, sizeof work, 0,
	                        omacp_doc_builder_event, &b, &o1);
	if (r1 == OMACP_OK)
		r1 = omacp_doc_builder_finish(&b);
	else
		(void)omacp_doc_builder_finish(&b);
	r2 = omacp_wbxml_decode_doc(data, size, 0, &d2, a2, sizeof a2, &o2);
	if (r1 == OMACP_E_NOMEM)   /* the streaming pair needs more room */
		return;
	if (r2 != r1 || (r1 != OMACP_OK && o1 != o2))
		abort();
	if (r1 == OMACP_OK) {
		if (d1.n_nodes != d2.n_nodes ||
		    omacp_doc_walk(&d1, fuzz_sink, &h1) != OMACP_OK ||
		    omacp_doc_walk(&d2, fuzz_sink, &h2) != OMACP_OK || h1 != h2)
			abort();
	} else if (d2.root != NULL) {
		abort();
	}
}

int fuzz_wbxml(const uint8_t *data, size_t size)
{
	uint8_t work[1024];
	omacp_wbxml_decoder d;
	size_t cut = size ? data[0] % size : 0;
	size_t sum = 14695981039346656037ull & (size_t)-1;
	omacp_err r;
	omacp_wbxml_decoder_init(&d, work, sizeof work, 0, fuzz_sink, &sum);
	omacp_wbxml_feed(&d, data, cut);
	omacp_wbxml_feed(&d, data + cut, size - cut);
	r = omacp_wbxml_finish(&d);
	(void)omacp_wbxml_error_offset(&d);
	(void)omacp_wbxml_error_token(&d);
	if (r == OMACP_OK) {
		fuzz_reencode(data, size, 0, sum);
		fuzz_reencode(data, size, OMACP_WBXML_ENC_STRTBL, sum);
	}
	fuzz_direct(data, size);
	return 0;
}
