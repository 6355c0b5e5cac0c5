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
 * Attributes: an attribute is one attribute-start token (a name, possibly
 * with a value prefix, e.g. 0x11 = name="NAPID") or LITERAL, followed by
 * value parts (value tokens, STR_I, STR_T, ENTITY, OPAQUE) that are
 * concatenated.  A start token with a prefix and no parts gives just that
 * prefix: `87 4C 01` is <parm name="T-BIT"/> (one attribute).  A bare
 * `value=` with no parts gives value="".  Event slices (names and values)
 * are valid only during the callback: they point into the static token
 * tables, into the string table (a value that is one STR_T), into the input
 * (a value that is one STR_I, with OMACP_WBXML_STABLE_INPUT) or into the
 * workspace's value area (every other value).  Every string is
 * checked to be UTF-8 without NUL (OMACP_E_WBXML_UTF8).
 *
 * Errors (all sticky, with the byte offset): a token unknown on the current
 * page, a SWITCH_PAGE to a page other than 0, 1 or 200, EXT_*, PI (not
 * supported: processing instructions are rejected, not skipped) and a LITERAL
 * tag naming no PROV element are OMACP_E_WBXML_TOKEN; text content inside an
 * element, a value part outside an attribute, a root other than
 * wap-provisioningdoc, a nested wap-provisioningdoc and bytes after the root
 * are OMACP_E_WBXML_STRUCTURE; an element deeper than OMACP_MAX_DEPTH is
 * OMACP_E_WBXML_DEPTH; more than OMACP_MAX_ATTRS attributes on one element is
 * OMACP_E_LIMIT; an ENTITY that is 0, a surrogate or above U+10FFFF is
 * OMACP_E_WBXML_UTF8.  Header field errors are reported at the field's first
 * byte, body errors at the token's first byte, except bad UTF-8 inside STR_I
 * and OPAQUE (the offending byte) and bad mb_u_int32s (the byte where the
 * value became too long or too large).
 *
 * Memory: the decoder struct (caller-placed) plus a caller workspace that
 * holds a copy of the string table and the attribute values of the element
 * being decoded (values that are a single token or a single STR_T take no
 * room; with OMACP_WBXML_STABLE_INPUT, as in omacp_wbxml_decode, neither do
 * a string table that arrives in one piece nor a value that is one STR_I).
 * Too small a workspace is OMACP_E_NOMEM.
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
/*
 * The caller keeps every byte it feeds unchanged and readable until the
 * decoder is discarded (omacp_wbxml_decode always sets it).  Then a string
 * table that arrives in one piece is read in place instead of copied, and a
 * value that is one STR_I inside one piece is a slice of the input: the
 * workspace only holds values built of several parts, ENTITY and OPAQUE.
 */
#define OMACP_WBXML_STABLE_INPUT 0x2u

/* What the header said; valid once the first event was delivered. */
typedef struct omacp_wbxml_header {
	uint8_t version;     /* 0x00..0x03                                   */
	uint32_t public_id;  /* 0x0B, 0x01, or 0 when given as a string      */
	uint32_t charset;    /* MIBenum; 106 for UTF-8                       */
	size_t strtbl_len;
} omacp_wbxml_header;

/* The decoder.  A complete type so firmware can place it anywhere; the fields
 * are private (they may change between releases). */
typedef struct omacp_wbxml_decoder {
	/* private (ordered so that the fields used most sit at small offsets,
	 * which makes the code smaller on Thumb-2) */
	uint8_t st_, sub_;     /* state, and what an mb_u_int32 is for */
	uint8_t vmode_;        /* current value: no part, one static part, copied */
	uint8_t page_[2];      /* tag, attribute code page index (0, 1, 2 = page 200) */
	uint8_t root_seen_;
	uint8_t hdr_done_;     /* the header and string table were read */
	uint8_t depth_;        /* open elements */
	uint8_t cur_flags_;    /* tag token of the element being opened */
	uint8_t mb_len_;
	uint8_t tok_;          /* token being decoded (LITERAL* flags) */
	uint8_t utf_[3];       /* incremental UTF-8 check: need (0 between runs), low, high */
	uint8_t tbl_ascii_;    /* speed builds: the string table is all ASCII */
	omacp_attr *attr_;     /* the attribute being decoded (attrs_[n_attrs_ - 1]) */
	omacp_err err_;
	uint32_t mb_;          /* mb_u_int32 being read */
	omacp_wbxml_header hdr_;
	size_t off_;           /* offset of the next byte */
	size_t tok_off_;       /* offset of the token being decoded */
	size_t n_attrs_;
	size_t val_len_;       /* bytes of the value area used */
	const uint8_t *tbl_;   /* the string table: in the workspace or the input */
	size_t strtbl_got_;
	size_t err_off_;
	/* (the fields above are zeroed by omacp_wbxml_decoder_init, the ones
	 * from fn_ on are set there or written before they are read) */
	omacp_event_fn fn_;
	void *user_;
	uint8_t *work_;        /* the value area once a string table is copied */
	size_t work_len_;
	unsigned flags_;
	int err_token_;
	uint32_t pubidx_;      /* public id string index (public id 0) */
	size_t remaining_;     /* OPAQUE bytes still to read */
	/* element and offset of each open level, and of the one being opened */
	uint8_t open_[OMACP_MAX_DEPTH + 1];
	size_t open_off_[OMACP_MAX_DEPTH + 1];
	omacp_attr attrs_[OMACP_MAX_ATTRS];
} omacp_wbxml_decoder;

/*
 * Prepare d to decode one document.  work/work_len: the caller's workspace,
 * used until the decoder is discarded (may be NULL/0 for documents with no
 * string table and no attribute values, which is useless in practice).
 * fn/user: the event consumer.  flags: OMACP_WBXML_ASSUME_PROV and/or
 * OMACP_WBXML_STABLE_INPUT, or 0.
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

/* Copy the parsed header to *h.  OMACP_E_STATE before the whole header
 * (including the string table) is read. */
omacp_err omacp_wbxml_get_header(const omacp_wbxml_decoder *d,
                                 omacp_wbxml_header *h);

/*
 * One-shot: init + feed(p, n) + finish with a decoder on the stack, with
 * OMACP_WBXML_STABLE_INPUT added to flags (p is read in place: event slices
 * may point into it).
 * *err_off (may be NULL) receives the error offset on failure and is left
 * untouched on success.
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
 * as needed, `00 <page>` only when it changes; a token present on several
 * pages is taken from the lowest, as libwbxml does, so that output for
 * libwbxml-encodable input is byte-identical to `xml2wbxml -n`; the tag page
 * stays 0, or 200 for Windows Mobile elements).  An attribute whose name and
 * whole value make one token is that token (name="NAPID" -> 0x11,
 * type="NAPDEF" -> 0x55, version="1.0" -> 0x46, datatype="integer" -> 0x68 on
 * page 200).  An empty value is written as STR_I "" (`03 00`, as Kannel
 * does), not as a bare start token (libwbxml's way).
 * Everything else is written as `value=`/`name=` + STR_I, never as a partial
 * token split of a string (libwbxml does that, and some decoders mishandle
 * it), and never as LITERAL unless the attribute name has no token at all
 * (e.g. "mwid"): LITERAL needs the string table, so without
 * OMACP_WBXML_ENC_STRTBL such a name is OMACP_E_UNSUPPORTED.
 * A value token is used only when the whole value equals the table entry
 * exactly (case-sensitive), so decoding gives back the same bytes.
 *
 * With OMACP_WBXML_ENC_STRTBL, strings (inline values) that occur at least
 * twice and are long enough to save bytes go to the string table and are
 * referenced with STR_T.  Because the table precedes the body, that mode needs
 * the event stream twice: feed it once, call omacp_wbxml_encoder_rewind(),
 * feed the same stream again, then finish.  The first pass writes nothing and
 * keeps every distinct inline string in `work` (8 bytes + the string each;
 * NOMEM if too small); the second pass must repeat the first exactly.
 */
#define OMACP_WBXML_ENC_STRTBL 0x1u

/* Encoder workspace for STRTBL mode: n_strings distinct attribute values and
 * tokenless attribute names totalling total_bytes. */
#define OMACP_WBXML_ENC_WORK_BYTES(n_strings, total_bytes) \
	((size_t)(n_strings) * 8u + (size_t)(total_bytes))

typedef struct omacp_wbxml_encoder {
	/* private */
	uint8_t *out_;
	size_t cap_, len_;
	uint8_t *work_;
	size_t work_len_, work_used_;
	unsigned flags_;
	omacp_err err_;
	uint8_t pass_;         /* 0 single pass, 1 collecting, 2 writing after rewind */
	uint8_t attr_page_, tag_page_;
	uint8_t started_, done_;
	unsigned depth_;
	uint8_t open_elem_[OMACP_MAX_DEPTH + 1];
	uint8_t open_has_content_[OMACP_MAX_DEPTH + 1];
	size_t open_pos_[OMACP_MAX_DEPTH + 1];
	size_t strtbl_len_;
	size_t body_start_;
} omacp_wbxml_encoder;

/* Prepare e to write into out[0..cap).  out and work (NULL without STRTBL)
 * stay the caller's and are used until the encoder is discarded.  Cannot fail;
 * errors show up in _event/_finish. */
void omacp_wbxml_encoder_init(omacp_wbxml_encoder *e, uint8_t *out, size_t cap,
                              uint8_t *work, size_t work_len, unsigned flags);

/* An omacp_event_fn: `user` must be an omacp_wbxml_encoder *.  The event is
 * only read during the call.  Returns OMACP_OK, or the first (sticky) error:
 * OMACP_E_NOMEM when out (or work) is full, OMACP_E_DOC_STRUCTURE for an
 * event sequence that is not one document rooted at wap-provisioningdoc
 * (wrong depth, END not matching its START, events after the root),
 * OMACP_E_WBXML_DEPTH deeper than OMACP_MAX_DEPTH, OMACP_E_DOC_ATTR for an
 * empty attribute name, OMACP_E_WBXML_UTF8 for a string that is not UTF-8 or
 * holds a NUL, OMACP_E_UNSUPPORTED for a tokenless attribute name without
 * STRTBL, OMACP_E_ARG for a NULL event or attrs. */
omacp_err omacp_wbxml_encoder_event(void *user, const omacp_event *ev);

/* STRTBL mode only: end of the first pass (which must have closed the root):
 * chooses the table, writes the header and table to out.  Returns the sticky
 * error, OMACP_E_STATE when not in the first pass or the root is not closed,
 * OMACP_E_NOMEM when out is too small, else OMACP_OK. */
omacp_err omacp_wbxml_encoder_rewind(omacp_wbxml_encoder *e);

/* Complete the document; *len (may be NULL) = bytes written at out.  Returns
 * the first error seen, or OMACP_E_STATE when the root element was never
 * closed (or, in STRTBL mode, rewind was not called). */
omacp_err omacp_wbxml_encoder_finish(omacp_wbxml_encoder *e, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_WBXML_H */
