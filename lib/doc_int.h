/* Internal interface of the document layer, shared with the XML front end. */
#ifndef OMACP_DOC_INT_H
#define OMACP_DOC_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The attribute names of the PROV DTD and the Windows Mobile extension
 * (type, name, value, version, mwid, translation, recursive, datatype, ...):
 * the static NUL-terminated spelling of the n bytes at s, or NULL when s is
 * not one of them.  Case-sensitive.
 */
const char *omacp__attr_known(const uint8_t *s, size_t n);

#endif /* OMACP_DOC_INT_H */
