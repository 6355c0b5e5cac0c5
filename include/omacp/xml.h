/*
 * omacp/xml.h - the XML front end (over expat) and the canonical XML writer.
 *
 * Parser: XML text -> the same element events as the WBXML decoder.  The PROV
 * DOCTYPE (any public/system id, no internal subset) is accepted; an internal
 * subset, any entity declaration, and any reference to an external entity are
 * rejected with OMACP_E_XML_ENTITY (no billion laughs, no file or network
 * access).  Only UTF-8 (or its ASCII subset) is accepted.  Elements and
 * attributes outside the PROV / Windows Mobile vocabulary are
 * OMACP_E_XML_ELEMENT; text content other than white space is
 * OMACP_E_XML_SYNTAX.  Nesting beyond OMACP_MAX_DEPTH is OMACP_E_XML_DEPTH.
 *
 * Memory: with a workspace (always in an OMACP_NO_MALLOC build) expat is
 * created with XML_ParserCreate_MM over that workspace and never touches the
 * heap; running out is OMACP_E_NOMEM.  With work == NULL (only when heap use
 * is allowed) expat uses the C heap and everything is freed before return.
 *
 * Writer: events -> canonical XML text: XML declaration and PROV DOCTYPE,
 * 2-space indentation, one element per line, empty elements as `<x .../>`,
 * attributes in the order name, type, value, version, then any others in
 * input order; `& < > "` and control characters escaped.  It does not need
 * expat and is present in OMACP_NO_XML builds.
 */
#ifndef OMACP_XML_H
#define OMACP_XML_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Workspace that is enough for expat on any document of up to doc_bytes
 * bytes (expat's own buffers grow with the largest token). */
#define OMACP_XML_WORK_BYTES(doc_bytes) ((size_t)24576u + 3u * (size_t)(doc_bytes))

#ifndef OMACP_NO_XML
/*
 * Parse the complete document p[0..n) and deliver its events to fn/user.
 * work/work_len: the expat arena (NULL/0 = heap, refused with OMACP_E_ARG in
 * an OMACP_NO_MALLOC build); used only during the call.  *err_off (may be
 * NULL) receives the byte offset of the error.  Returns OMACP_OK, the first
 * error, or what fn returned.
 */
omacp_err omacp_xml_parse(const uint8_t *p, size_t n, uint8_t *work,
                          size_t work_len, omacp_event_fn fn, void *user,
                          size_t *err_off);
#endif

/* ------------------------------------------------------------------ writer */

/* Where the writer's text goes: append n bytes; return OMACP_OK or an error
 * (which stops the writer and is returned by it). */
typedef omacp_err (*omacp_write_fn)(void *user, const uint8_t *p, size_t n);

#define OMACP_XML_NO_PROLOG 0x1u /* omit the XML declaration and DOCTYPE */

typedef struct omacp_xml_writer {
	/* private */
	omacp_write_fn write_;
	void *user_;
	unsigned flags_;
	unsigned depth_;
	int open_;       /* a start tag is open and not yet closed with '>' */
	omacp_err err_;
} omacp_xml_writer;

/* Prepare w; text goes to write/user.  Cannot fail. */
void omacp_xml_writer_init(omacp_xml_writer *w, unsigned flags,
                           omacp_write_fn write, void *user);

/* An omacp_event_fn: `user` must be an omacp_xml_writer *. */
omacp_err omacp_xml_writer_event(void *user, const omacp_event *ev);

/* Flush; returns the first error seen or OMACP_E_STATE if the root element
 * is still open. */
omacp_err omacp_xml_writer_finish(omacp_xml_writer *w);

/* A ready write target: a fixed caller buffer.  Overflow is OMACP_E_NOMEM. */
typedef struct omacp_buf {
	uint8_t *ptr;
	size_t cap, len;
} omacp_buf;

/* An omacp_write_fn appending to the omacp_buf * in user. */
omacp_err omacp_buf_write(void *user, const uint8_t *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_XML_H */
