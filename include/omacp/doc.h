/*
 * omacp/doc.h - the provisioning document as a tree in a caller arena.
 *
 * The builder is an omacp_event_fn: connect it to the WBXML decoder or the
 * XML parser and it copies every element and attribute (values, and names
 * outside the vocabulary; vocabulary names point to static strings) into
 * the arena, so the tree does not depend on the input buffer (unless the
 * caller names a region with omacp_doc_builder_keep).  An empty
 * value has a non-NULL ptr and len 0; strings are not NUL-terminated.  Running
 * out of arena is OMACP_E_NOMEM and leaves doc->root NULL: never a partial
 * tree.  Building is iterative (an explicit stack bounded by
 * OMACP_MAX_DEPTH).
 *
 * The tree lives in the arena: valid until the caller reuses the arena.
 */
#ifndef OMACP_DOC_H
#define OMACP_DOC_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One element of the tree: 24 bytes on a 32-bit target, 48 on 64-bit
 * (the small fields first, so the node has no padding on either). */
typedef struct omacp_node omacp_node;
struct omacp_node {
	uint8_t elem;            /* an omacp_elem                             */
	uint8_t depth;           /* 0 = root (at most OMACP_MAX_DEPTH)        */
	uint8_t n_attrs;         /* entries of attrs (at most OMACP_MAX_ATTRS) */
	uint8_t label_;          /* private: a note of omacp_wbxml_decode_doc
	                            for the Configuration Manager (0: none) */
	size_t offset;           /* input offset of the element               */
	const omacp_attr *attrs; /* in input order, copied into the arena     */
	omacp_node *parent;      /* NULL for the root                         */
	omacp_node *first;       /* first child, NULL if none                 */
	omacp_node *next;        /* next sibling, NULL if last                */
};

typedef struct omacp_doc {
	omacp_node *root;        /* NULL until a document was built           */
	size_t n_nodes;
	size_t bytes_used;       /* arena bytes in use                        */
} omacp_doc;

/* The alignment the builder gives the arena's nodes and attribute arrays. */
typedef union omacp_doc_align_ {
	void *p_;
	size_t s_;
	omacp_elem e_;
} omacp_doc_align_;

/* Arena bytes that always suffice for a document of `nodes` elements,
 * `attrs` attributes in total and `text` bytes of attribute names and values
 * in total.  The builder stores one omacp_node per element, one omacp_attr
 * per attribute and copies every value; names of the PROV / Windows Mobile
 * vocabulary ("type", "name", "value", "datatype", ...) point to static
 * strings and are not copied (counting them in `text` is safe, not needed).
 * Includes the slack to align a workspace that starts at any address; with
 * an aligned workspace up to sizeof(omacp_doc_align_) - 1 bytes are spare. */
#define OMACP_DOC_WORK_BYTES(nodes, attrs, text)                               \
	((size_t)(nodes) * sizeof(omacp_node) +                                 \
	 (size_t)(attrs) * sizeof(omacp_attr) + (size_t)(text) +                \
	 sizeof(omacp_doc_align_) - 1u)

typedef struct omacp_doc_builder {
	/* private */
	omacp_doc *doc_;
	uint8_t *base_;          /* arena start, aligned                      */
	size_t pad_;             /* bytes skipped to align base_              */
	size_t cap_;             /* bytes from base_                          */
	size_t used_;            /* nodes and attribute arrays, from base_ up */
	size_t top_;             /* copied strings, from base_ + cap_ down    */
	omacp_node *stack_[OMACP_MAX_DEPTH + 1]; /* open element per depth    */
	omacp_node *last_[OMACP_MAX_DEPTH + 1];  /* its last child so far     */
	unsigned depth_;         /* open elements                             */
	int done_;               /* the root element was closed               */
	omacp_node *root_;
	size_t n_nodes_;
	omacp_err err_;
	const uint8_t *keep_;    /* strings inside keep_[0..keep_len_) are   */
	size_t keep_len_;        /* referenced, not copied                    */
} omacp_doc_builder;

/* Prepare b to build into doc using work[0..work_len) as the arena (both
 * must outlive the tree).  doc is cleared.  Cannot fail. */
void omacp_doc_builder_init(omacp_doc_builder *b, omacp_doc *doc,
                            uint8_t *work, size_t work_len);

/*
 * Optional, after init: names and values that lie wholly inside p[0..n) are
 * stored as pointers into it instead of being copied into the arena.  The
 * caller keeps those bytes unchanged for as long as the tree is used (e.g.
 * the message body decoded with omacp_wbxml_decode, whose inline strings and
 * string table are event slices into the body).  Saves the copy and its
 * arena bytes.  p may be NULL (n 0): copy everything, the default.
 */
void omacp_doc_builder_keep(omacp_doc_builder *b, const uint8_t *p, size_t n);

/* An omacp_event_fn: `user` must be an omacp_doc_builder *.  Returns
 * OMACP_E_NOMEM when the arena is full (nothing of that element is kept),
 * OMACP_E_DOC_STRUCTURE for a sequence that is not one document (END
 * without START or of another element, a depth that does not match, a
 * second root, a root other than wap-provisioningdoc or a nested one),
 * OMACP_E_LIMIT for nesting deeper than OMACP_MAX_DEPTH or more than 65535
 * attributes on one element, OMACP_E_ARG for
 * attrs NULL with n_attrs > 0.  Errors are sticky. */
omacp_err omacp_doc_builder_event(void *user, const omacp_event *ev);

/* Finish: OMACP_OK and doc->root set when a complete document was built;
 * otherwise the first error (OMACP_E_STATE if the root never closed) and
 * doc->root NULL. */
omacp_err omacp_doc_builder_finish(omacp_doc_builder *b);

/*
 * WBXML straight into a tree: decode the whole document p[0..n) into *doc,
 * using work[0..work_len) as the arena, in one pass, without events and
 * without a decoder workspace.  It accepts and rejects exactly what
 * omacp_wbxml_decode() into omacp_doc_builder_event() (with
 * omacp_doc_builder_keep(p, n)) does, with the same error codes and
 * *err_off, and builds the same tree, several times cheaper; the client
 * uses it for every WBXML body.  It only needs less memory: a value built
 * of several parts is concatenated at the arena's top, where the streaming
 * decoder needs workspace for it.  Running out of arena is OMACP_E_NOMEM at
 * the token that completes the element's attribute list, as with the
 * builder.  (It lives in the document layer, lib/wbxml_doc.c: it uses the
 * WBXML token tables, not the streaming decoder.)
 * flags: OMACP_WBXML_ASSUME_PROV (wbxml.h) or 0.
 * Ownership: the tree points into p (inline strings, string table) and
 * into static token tables, so p must stay unchanged while the tree is
 * used; work is the caller's, as for the builder.
 * Returns OMACP_OK with doc->root set, else the error with doc->root NULL
 * and *err_off (may be NULL) set to the error's byte offset; OMACP_E_ARG
 * for doc NULL, or p NULL with n > 0.
 */
omacp_err omacp_wbxml_decode_doc(const uint8_t *p, size_t n, unsigned flags,
                                 omacp_doc *doc, uint8_t *work, size_t work_len,
                                 size_t *err_off);

/* ---- lookups; every returned pointer lives as long as the tree ---- */

/* The value of attribute `name` of n, or a slice with ptr NULL if absent. */
omacp_slice omacp_node_attr(const omacp_node *n, const char *name);

/* Shorthands for the "type", "name" and "value" attributes. */
omacp_slice omacp_node_type(const omacp_node *n);
omacp_slice omacp_node_name(const omacp_node *n);
omacp_slice omacp_node_value(const omacp_node *n);

/* The first child parm of n whose name attribute equals `name`, or NULL. */
const omacp_node *omacp_node_parm(const omacp_node *n, const char *name);

/* The first child characteristic of n whose type equals `type`, or NULL. */
const omacp_node *omacp_node_child(const omacp_node *n, const char *type);

/* The node after n in document order (pre-order), or NULL at the end. */
const omacp_node *omacp_node_next_preorder(const omacp_node *n);

/*
 * Replay the tree as events (pre-order, iterative), for example into the
 * WBXML encoder or the XML writer.  The events point into the tree.
 * Returns OMACP_OK, what fn returned (a positive value as
 * OMACP_E_CALLBACK), OMACP_E_STATE when doc has no root, OMACP_E_ARG for
 * NULL arguments.
 */
omacp_err omacp_doc_walk(const omacp_doc *doc, omacp_event_fn fn, void *user);

/* 1 when both trees have the same elements in the same order, each with the
 * same set of attributes (order of attributes ignored), else 0. */
int omacp_doc_equal(const omacp_doc *a, const omacp_doc *b);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_DOC_H */
