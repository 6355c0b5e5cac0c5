/*
 * omacp/wbxml.h - PROV WBXML: a streaming, resumable decoder and an encoder.
 *
 * Decoder: push bytes in any pieces with omacp_wbxml_feed(); element events
 * (event.h) come out through the callback as soon as each element's attribute
 * list is complete.  Splitting the input at any byte boundary gives exactly
 * the same events.  No recursion; nesting is bounded by OMACP_MAX_DEPTH.
 *
 * Supported: WBXML 1.0 - 1.3 headers (1.0 has no charset field: UTF-8 is
 * assumed); public id 0x0B, or 0x00 + string-table index naming
 * "-//WAPFORUM//DTD PROV 1.0//EN"; public id 0x01 (unknown) only with
 * OMACP_WBXML_ASSUME_PROV; charset UTF-8 (106) only; string table, STR_T,
 * STR_I, LITERAL*, ENTITY, OPAQUE, END, SWITCH_PAGE (tag and attribute code
 * pages are independent; an attribute page switch persists across elements);
 * attribute values built of several parts; the OMA ProvCont 1.1 code pages 0
 * and 1 and the Windows Mobile code pages (tags 0x20-0x29 on page 0 and 200,
 * attribute tokens on page 200).  Unknown tokens stop decoding with
 * OMACP_E_WBXML_TOKEN; omacp_wbxml_error_offset() / _error_token() tell where
 * and which.
 *
 * Memory: the decoder struct (caller-placed) plus a caller workspace that
 * holds a copy of the string table and the attribute values of the element
 * being decoded.  Too small a workspace is OMACP_E_NOMEM.
 */
#ifndef OMACP_WBXML_H
#define OMACP_WBXML_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Workspace for a decoder that accepts string tables up to strtbl_max bytes
 * and elements whose attribute values total up to values_max bytes. */
#define OMACP_WBXML_WORK_BYTES(strtbl_max, values_max) \
	((size_t)(strtbl_max) + (size_t)(values_max))

/* Decoder flags. */
#define OMACP_WBXML_ASSUME_PROV 0x1u /* decode public id 0x01 (unknown) as PROV */

/* What the header said; valid once the first event was delivered. */
typedef struct omacp_wbxml_header {
	uint8_t version;     /* 0x00..0x03                                   */
	uint32_t public_id;  /* 0x0B, 0x01, or 0 when given as a string      */
	uint32_t charset;    /* MIBenum; 106 for UTF-8                       */
	size_t strtbl_len;
} omacp_wbxml_header;

/* The decoder.  A complete type so firmware can place it anywhere; the fields
 * are private. */
typedef struct omacp_wbxml_decoder {
	/* private */
	omacp_event_fn fn_;
	void *user_;
	uint8_t *work_;
	size_t work_len_;
	unsigned flags_;
	omacp_err err_;
	size_t err_off_;
	int err_token_;
	size_t off_;           /* bytes consumed so far */
	omacp_wbxml_header hdr_;
	/* state machine */
	uint8_t st_, sub_;
	uint8_t tag_page_, attr_page_;
	uint8_t mb_len_;
	uint32_t mb_;
	size_t strtbl_got_;
	size_t val_len_;       /* bytes of values used in work_ after the string table */
	size_t remaining_;     /* OPAQUE / string-table bytes still to read */
	unsigned depth_;
	uint8_t open_[OMACP_MAX_DEPTH + 1]; /* element of each open level */
	uint8_t has_content_;
	uint8_t cur_elem_, cur_tag_;
	size_t cur_off_;
	size_t n_attrs_;
	size_t attr_start_[OMACP_MAX_ATTRS]; /* name offsets in work_ */
	size_t attr_name_len_[OMACP_MAX_ATTRS];
	size_t attr_val_start_[OMACP_MAX_ATTRS];
	const char *attr_name_ptr_[OMACP_MAX_ATTRS];
	omacp_attr attrs_[OMACP_MAX_ATTRS];
	uint8_t done_;
} omacp_wbxml_decoder;

/*
 * Prepare d to decode one document.  work/work_len: the caller's workspace,
 * used until the decoder is discarded (may be NULL/0 for documents with no
 * string table and no attribute values, which is useless in practice).
 * fn/user: the event consumer.  flags: OMACP_WBXML_ASSUME_PROV or 0.
 * Cannot fail.
 */
void omacp_wbxml_decoder_init(omacp_wbxml_decoder *d, uint8_t *work,
                              size_t work_len, unsigned flags,
                              omacp_event_fn fn, void *user);

/*
 * Decode the next n bytes of the document.  The bytes are only read during
 * the call (nothing is kept pointing into them).  Returns OMACP_OK when all
 * n bytes were consumed without error, else the first error (sticky: every
 * later call returns it again).  Bytes after the end of the root element are
 * OMACP_E_WBXML_STRUCTURE.
 */
omacp_err omacp_wbxml_feed(omacp_wbxml_decoder *d, const uint8_t *p, size_t n);

/*
 * End of input.  OMACP_OK if exactly one complete document was decoded,
 * OMACP_E_TRUNCATED if it stopped inside the document, or the sticky error.
 */
omacp_err omacp_wbxml_finish(omacp_wbxml_decoder *d);

/* Byte offset (from the start of the document) of the first error. */
size_t omacp_wbxml_error_offset(const omacp_wbxml_decoder *d);

/* For OMACP_E_WBXML_TOKEN: the offending token byte (0..255), else -1. */
int omacp_wbxml_error_token(const omacp_wbxml_decoder *d);

/* Copy the parsed header to *h.  OMACP_E_STATE before the header is read. */
omacp_err omacp_wbxml_get_header(const omacp_wbxml_decoder *d,
                                 omacp_wbxml_header *h);

/*
 * One-shot: init + feed(p, n) + finish.  *err_off (may be NULL) receives the
 * error offset on failure.
 */
omacp_err omacp_wbxml_decode(const uint8_t *p, size_t n, uint8_t *work,
                             size_t work_len, unsigned flags,
                             omacp_event_fn fn, void *user, size_t *err_off);

/* ---------------------------------------------------------------- encoder */

/*
 * Events -> WBXML 1.3, public id 0x0B, charset UTF-8.
 *
 * Every attribute name, characteristic type and whole value that has a token
 * in the tables is written as that token (the attribute code page is switched
 * as needed; the tag page stays 0, or 200 for Windows Mobile elements).
 * Everything else is written as `value=`/`name=` + STR_I, never as a partial
 * token split of a string (libwbxml does that, and some decoders mishandle
 * it), and never as LITERAL unless the attribute name has no token at all.
 * A value token is used only when the whole value equals the table entry
 * exactly (case-sensitive), so decoding gives back the same bytes.
 *
 * With OMACP_WBXML_ENC_STRTBL, strings (inline values) that occur at least
 * twice and are long enough to save bytes go to the string table and are
 * referenced with STR_T.  Because the table precedes the body, that mode needs
 * the event stream twice: feed it once, call omacp_wbxml_encoder_rewind(),
 * feed the same stream again, then finish.  The first pass keeps the
 * candidate strings in `work` (NOMEM if too small).
 */
#define OMACP_WBXML_ENC_STRTBL 0x1u

typedef struct omacp_wbxml_encoder {
	/* private */
	uint8_t *out_;
	size_t cap_, len_;
	uint8_t *work_;
	size_t work_len_, work_used_;
	unsigned flags_;
	omacp_err err_;
	uint8_t pass_;
	uint8_t attr_page_, tag_page_;
	unsigned depth_;
	uint8_t open_has_content_[OMACP_MAX_DEPTH + 1];
	size_t open_pos_[OMACP_MAX_DEPTH + 1];
	size_t strtbl_len_;
	size_t body_start_;
} omacp_wbxml_encoder;

/* Prepare e to write into out[0..cap).  work may be NULL without STRTBL.
 * Cannot fail; errors show up in _event/_finish. */
void omacp_wbxml_encoder_init(omacp_wbxml_encoder *e, uint8_t *out, size_t cap,
                              uint8_t *work, size_t work_len, unsigned flags);

/* An omacp_event_fn: `user` must be an omacp_wbxml_encoder *.  Returns
 * OMACP_E_NOMEM when out (or work) is full, OMACP_E_DOC_STRUCTURE for an
 * event sequence that is not a document, OMACP_E_WBXML_UTF8 for a string that
 * is not UTF-8 or holds a NUL. */
omacp_err omacp_wbxml_encoder_event(void *user, const omacp_event *ev);

/* STRTBL mode only: end of the first pass; returns the sticky error or OK. */
omacp_err omacp_wbxml_encoder_rewind(omacp_wbxml_encoder *e);

/* Complete the document; *len = bytes written at out.  Returns the first
 * error seen, or OMACP_E_STATE when the root element was never closed. */
omacp_err omacp_wbxml_encoder_finish(omacp_wbxml_encoder *e, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_WBXML_H */
