/*
 * omacp/event.h - the one event stream shared by the document layers.
 *
 * The WBXML decoder (wbxml.h) and the XML front end (xml.h) both turn a
 * provisioning document into the same sequence of element events; the
 * document builder (doc.h), the WBXML encoder and the XML writer consume it.
 * A consumer is a plain function of type omacp_event_fn, so any producer can
 * be connected to any consumer.
 *
 * Sequence: START(root) { START(child) ... END(child) } END(root).  Every
 * START has exactly one END; depth is 0 for the root.  A document has no
 * text content, so there are no text events.
 */
#ifndef OMACP_EVENT_H
#define OMACP_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A read-only run of bytes.  Who owns the bytes and for how long is stated by
 * every function that hands one out.  Strings in slices are UTF-8 and NOT
 * NUL-terminated. */
typedef struct omacp_slice {
	const uint8_t *ptr;
	size_t len;
} omacp_slice;

/* The elements of the PROV DTD and its Windows Mobile extension. */
typedef enum omacp_elem {
	OMACP_ELEM_NONE = 0,
	OMACP_ELEM_DOC,                       /* wap-provisioningdoc          */
	OMACP_ELEM_CHARACTERISTIC,
	OMACP_ELEM_PARM,
	OMACP_ELEM_CHARACTERISTIC_QUERY,      /* Windows Mobile extensions... */
	OMACP_ELEM_PARM_QUERY,
	OMACP_ELEM_NOCHARACTERISTIC,
	OMACP_ELEM_NOPARM,
	OMACP_ELEM_CHARACTERISTIC_ERROR,      /* ...and their result twins    */
	OMACP_ELEM_PARM_ERROR,
	OMACP_ELEM_CHARACTERISTIC_QUERY_ERROR,
	OMACP_ELEM_PARM_QUERY_ERROR,
	OMACP_ELEM_NOCHARACTERISTIC_ERROR,
	OMACP_ELEM_NOPARM_ERROR,
	OMACP_ELEM_COUNT_
} omacp_elem;

/* One attribute.  name is e.g. "type", "name", "value", "version", or a
 * Windows Mobile metadata name ("datatype", "mwid", ...). */
typedef struct omacp_attr {
	omacp_slice name;
	omacp_slice value;
} omacp_attr;

typedef enum omacp_event_kind {
	OMACP_EV_START = 1,
	OMACP_EV_END = 2
} omacp_event_kind;

typedef struct omacp_event {
	omacp_event_kind kind;
	omacp_elem elem;
	unsigned depth;          /* 0 = root                                  */
	size_t n_attrs;          /* 0 on END events                           */
	const omacp_attr *attrs; /* in document order; NULL when n_attrs is 0 */
	size_t offset;           /* input byte offset of the element's start  */
} omacp_event;

/*
 * An event consumer.  `user` is the pointer given with the function.  The
 * event and every slice it reaches are valid only during the call: copy what
 * you keep.  Return OMACP_OK to go on; any other value stops the producer,
 * which returns that value unchanged (a positive value is mapped to
 * OMACP_E_CALLBACK).
 */
typedef omacp_err (*omacp_event_fn)(void *user, const omacp_event *ev);

/* "wap-provisioningdoc", "characteristic", ...; NULL for a value out of range.
 * Static constant storage. */
const char *omacp_elem_name(omacp_elem e);

/* The element whose name is the n bytes at s, or OMACP_ELEM_NONE. */
omacp_elem omacp_elem_lookup(const char *s, size_t n);

/* The first attribute of ev named `name` (NUL-terminated ASCII), or NULL.
 * The pointer lives as long as the event. */
const omacp_attr *omacp_event_attr(const omacp_event *ev, const char *name);

/* 1 when the slice holds exactly the NUL-terminated string s, else 0. */
int omacp_slice_eq(omacp_slice a, const char *s);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_EVENT_H */
