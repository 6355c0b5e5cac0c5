/*
 * omacp/xml.h - the XML front end (over expat) and the canonical XML writer.
 *
 * Parser: XML text -> the same element events as the WBXML decoder (END
 * events carry the offset of their element's start tag).  The PROV DOCTYPE
 * (root name wap-provisioningdoc, any public/system id, no internal subset)
 * is accepted and its DTD is never loaded; an internal subset, any entity
 * declaration, and any reference to an entity other than the five
 * predefined ones (&amp; &lt; &gt; &quot; &apos;) are rejected with
 * OMACP_E_XML_ENTITY (no billion laughs, no file or network access).  Only
 * UTF-8 (or its ASCII subset) is accepted: a declared encoding other than
 * UTF-8 / US-ASCII, or bytes that are not UTF-8, are OMACP_E_XML_ENCODING.
 * The root must be wap-provisioningdoc; elements and attributes outside the
 * PROV / Windows Mobile vocabulary (type, name, value, version, mwid,
 * translation, recursive, datatype, semantic-type, minvalue, maxvalue,
 * maxlength, options, multiple, rw-access, access-role, label, nooverwrite,
 * desc, code) are OMACP_E_XML_ELEMENT; text content other than white space
 * is OMACP_E_XML_SYNTAX.  Nesting beyond OMACP_MAX_DEPTH is
 * OMACP_E_XML_DEPTH.
 *
 * Memory: with a workspace (always in an OMACP_NO_MALLOC build) expat is
 * created with XML_ParserCreate_MM over that workspace and never touches the
 * heap; running out is OMACP_E_NOMEM.  With work == NULL (only when heap use
 * is allowed) expat uses the C heap and everything is freed before return.
 *
 * Writer: events -> canonical XML text: XML declaration and PROV DOCTYPE,
 * 2-space indentation, one element per line, empty elements as `<x .../>`,
 * attributes in the order name, type, value, version, then any others in
 * input order; in values `& < > "` become &amp; &lt; &gt; &quot; and the
 * control characters U+0000-U+001F and U+007F become &#N; (tab, newline
 * and CR so survive a re-parse; the others cannot appear in XML 1.0 at all,
 * so such text is refused by any XML parser, this one included).  The text
 * ends with a newline.  It does not need expat and is present in
 * OMACP_NO_XML builds.
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

/* The smallest power of two >= n, at least 2048 (2 * n above 2^30).  n is
 * evaluated many times: pass a constant or a variable. */
#define OMACP_XML_POW2_(n) \
	((size_t)(n) <= ((size_t)1 << 11) ? ((size_t)1 << 11) : \
	 (size_t)(n) <= ((size_t)1 << 12) ? ((size_t)1 << 12) : \
	 (size_t)(n) <= ((size_t)1 << 13) ? ((size_t)1 << 13) : \
	 (size_t)(n) <= ((size_t)1 << 14) ? ((size_t)1 << 14) : \
	 (size_t)(n) <= ((size_t)1 << 15) ? ((size_t)1 << 15) : \
	 (size_t)(n) <= ((size_t)1 << 16) ? ((size_t)1 << 16) : \
	 (size_t)(n) <= ((size_t)1 << 17) ? ((size_t)1 << 17) : \
	 (size_t)(n) <= ((size_t)1 << 18) ? ((size_t)1 << 18) : \
	 (size_t)(n) <= ((size_t)1 << 19) ? ((size_t)1 << 19) : \
	 (size_t)(n) <= ((size_t)1 << 20) ? ((size_t)1 << 20) : \
	 (size_t)(n) <= ((size_t)1 << 21) ? ((size_t)1 << 21) : \
	 (size_t)(n) <= ((size_t)1 << 22) ? ((size_t)1 << 22) : \
	 (size_t)(n) <= ((size_t)1 << 23) ? ((size_t)1 << 23) : \
	 (size_t)(n) <= ((size_t)1 << 24) ? ((size_t)1 << 24) : \
	 (size_t)(n) <= ((size_t)1 << 25) ? ((size_t)1 << 25) : \
	 (size_t)(n) <= ((size_t)1 << 26) ? ((size_t)1 << 26) : \
	 (size_t)(n) <= ((size_t)1 << 27) ? ((size_t)1 << 27) : \
	 (size_t)(n) <= ((size_t)1 << 28) ? ((size_t)1 << 28) : \
	 (size_t)(n) <= ((size_t)1 << 29) ? ((size_t)1 << 29) : \
	 (size_t)(n) <= ((size_t)1 << 30) ? ((size_t)1 << 30) : \
	 2u * (size_t)(n))

/*
 * Workspace that is enough for omacp_xml_parse() on ANY input of up to
 * doc_bytes bytes, well-formed or not: expat's fixed structures (parser,
 * DTD, hash tables, pools: about 8 KB on 64-bit targets, less on 32-bit),
 * its input buffer (it copies the document into a buffer whose size is a
 * power of two, at least 2048) and its string pools (attribute values,
 * names; at most about twice the document).  Measured against expat 2.5 on
 * the test vectors and on generated 64 KB documents of every shape (one
 * huge value, many values, many elements, long names, comments, ...); the
 * test suite checks it for the expat it is linked with.  The few
 * constructs whose cost is not bounded by the size (more than
 * OMACP_MAX_ATTRS attributes in a tag, over-long element names or DOCTYPE)
 * are refused before expat sees them.  Examples (64-bit): a 1 KB document
 * needs about 10.5 KB (the macro gives 14.3 KB), 4 KB: 22.5 KB, 64 KB:
 * 207 KB.  n is evaluated many times (see OMACP_XML_POW2_).
 */
#define OMACP_XML_WORK_BYTES(doc_bytes)                                        \
	((size_t)10240u + OMACP_XML_POW2_(doc_bytes) + 2u * (size_t)(doc_bytes))

#ifndef OMACP_NO_XML
/*
 * Parse the complete document p[0..n) (only read, during the call) and
 * deliver its events to fn/user; attribute slices point into expat's memory
 * and live only during each call of fn.  work/work_len: the expat arena,
 * used only during the call (NULL/0 = heap, refused with OMACP_E_ARG in an
 * OMACP_NO_MALLOC build); OMACP_XML_WORK_BYTES(n) always suffices.  *err_off
 * (may be NULL) receives the byte offset of the error (0 on success).
 * Returns OMACP_OK; OMACP_E_NOMEM (arena too small); OMACP_E_XML_SYNTAX,
 * _ENTITY, _DEPTH, _ENCODING, _ELEMENT (see above); OMACP_E_LIMIT (more than
 * OMACP_MAX_ATTRS attributes on an element, or a DOCTYPE declaration longer
 * than 512 bytes); or what fn returned (positive values as
 * OMACP_E_CALLBACK).  The first error stops the parse.
 *
 * Reentrant: expat's memory functions find the arena through one
 * thread-local pointer, so parses in different threads (or a parse started
 * from inside fn) do not interfere.  A toolchain without thread-local
 * storage can define OMACP_XML_TLS empty (e.g. in the OMACP_CONFIG_FILE);
 * parses must then not run in several threads at once.
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
/*
 * The caller guarantees that every attribute value is valid UTF-8 without
 * NUL, as the WBXML decoder checks for every value it delivers (wbxml.h),
 * and the writer need not check again: speed builds then only look for
 * bytes to escape.  A value that breaks the promise is written unchecked
 * (never read out of bounds) instead of failing with OMACP_E_XML_ENCODING.
 */
#define OMACP_XML_TRUSTED_UTF8 0x2u

/* Bytes of text the writer stages before calling the write function (part
 * of omacp_xml_writer, so of its size; at least 2 * OMACP_MAX_DEPTH + 64
 * and 96).  The writer is meant for hosts; firmware can lower it. */
#ifndef OMACP_XML_WRITE_BUF
#define OMACP_XML_WRITE_BUF 1024 /* the XML of most corpus documents in one or two */
#endif

typedef struct omacp_xml_writer {
	/* private */
	omacp_write_fn write_;
	void *user_;
	unsigned flags_;
	unsigned depth_;
	int open_;       /* a start tag is open and not yet closed with '>' */
	int started_;    /* the root element was started                    */
	uint8_t elem_[OMACP_MAX_DEPTH + 1]; /* open element per depth       */
	omacp_err err_;
	size_t len_;     /* bytes staged in buf_                            */
	uint8_t buf_[OMACP_XML_WRITE_BUF];  /* text not yet written         */
} omacp_xml_writer;

/* Prepare w; text goes to write/user (kept by w until it is discarded).
 * flags: OMACP_XML_NO_PROLOG and/or OMACP_XML_TRUSTED_UTF8, or 0.  Cannot fail.  The writer stages text in
 * itself (OMACP_XML_WRITE_BUF bytes) and calls write when that is full, when
 * the root element closes and in omacp_xml_writer_finish; an error of write
 * therefore shows at a later event or at finish, and is sticky. */
void omacp_xml_writer_init(omacp_xml_writer *w, unsigned flags,
                           omacp_write_fn write, void *user);

/* An omacp_event_fn: `user` must be an omacp_xml_writer *.  Writes the text
 * of one event.  Returns OMACP_OK, the write function's error (sticky),
 * OMACP_E_DOC_STRUCTURE for a sequence that is not one document,
 * OMACP_E_LIMIT beyond OMACP_MAX_DEPTH, OMACP_E_XML_ELEMENT for an attribute
 * name that is not an XML name, OMACP_E_XML_ENCODING for a value that is
 * not UTF-8. */
omacp_err omacp_xml_writer_event(void *user, const omacp_event *ev);

/* Flush (write what is staged); returns the first error seen (of write
 * too) or OMACP_E_STATE if the root element is still open or never
 * started.  Call it even when the last event succeeded: only then is the
 * text of an incomplete document written, and only its result says that
 * every write succeeded. */
omacp_err omacp_xml_writer_finish(omacp_xml_writer *w);

/* A ready write target: a fixed caller buffer.  Overflow is OMACP_E_NOMEM. */
typedef struct omacp_buf {
	uint8_t *ptr;
	size_t cap, len;
} omacp_buf;

/* An omacp_write_fn appending to the omacp_buf * in user.  When the n bytes
 * do not fit, nothing is appended and OMACP_E_NOMEM is returned. */
omacp_err omacp_buf_write(void *user, const uint8_t *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_XML_H */
