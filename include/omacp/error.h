/*
 * omacp/error.h - the one error enum of the library, and status codes.
 *
 * Every function that can fail returns omacp_err.  Zero is success, negative
 * values are errors (stable numbers, grouped by layer in blocks of 20),
 * positive values are non-error outcomes of the pipeline (OMACP_MORE, ...).
 * The numbers never change between releases; new codes are only appended
 * to a block.
 */
#ifndef OMACP_ERROR_H
#define OMACP_ERROR_H

#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum omacp_err {
	/* ---- outcomes (not errors) ---- */
	OMACP_OK = 0,
	OMACP_MORE = 1,       /* input accepted, more is needed (segment stored) */
	OMACP_NOT_PUSH = 2,   /* not for us (wrong port, no UDH): pass it on   */
	OMACP_NEED_PIN = 3,   /* message held until the user's PIN is submitted */
	OMACP_ACCEPTED = 4,   /* message authenticated, allowed and applied    */
	OMACP_REJECTED = 5,   /* message refused by policy or roles; discarded  */

	/* ---- generic: -1 .. -19 ---- */
	OMACP_E_ARG = -1,         /* API misuse: bad argument                 */
	OMACP_E_NOMEM = -2,       /* caller workspace or output buffer too small */
	OMACP_E_LIMIT = -3,       /* a configured limit was exceeded          */
	OMACP_E_STATE = -4,       /* call out of order (e.g. feed after finish) */
	OMACP_E_TRUNCATED = -5,   /* input ended in the middle of an item     */
	OMACP_E_UNSUPPORTED = -6, /* valid but not supported by this build    */
	OMACP_E_CALLBACK = -7,    /* a callback returned a positive value     */

	/* ---- WBXML: -20 .. -39 ---- */
	OMACP_E_WBXML_VERSION = -20,   /* version byte not 1.0 .. 1.3          */
	OMACP_E_WBXML_PUBID = -21,     /* public id is not PROV (or unknown and no language named) */
	OMACP_E_WBXML_CHARSET = -22,   /* charset other than UTF-8             */
	OMACP_E_WBXML_MBUINT = -23,    /* mb_u_int32 longer than 5 bytes or > 32 bits */
	OMACP_E_WBXML_STRTBL = -24,    /* string-table offset out of range or unterminated */
	OMACP_E_WBXML_TOKEN = -25,     /* unknown tag/attribute/value token or code page */
	OMACP_E_WBXML_DEPTH = -26,     /* nesting deeper than OMACP_MAX_DEPTH  */
	OMACP_E_WBXML_UTF8 = -27,      /* a string is not valid UTF-8          */
	OMACP_E_WBXML_STRUCTURE = -28, /* token not allowed here (text content, data after the root, ...) */

	/* ---- XML: -40 .. -59 ---- */
	OMACP_E_XML_SYNTAX = -40,   /* not well-formed                         */
	OMACP_E_XML_ENTITY = -41,   /* internal subset, entity declaration or external entity */
	OMACP_E_XML_DEPTH = -42,    /* nesting deeper than OMACP_MAX_DEPTH     */
	OMACP_E_XML_ENCODING = -43, /* declared or detected encoding is not UTF-8, or bad UTF-8 */
	OMACP_E_XML_ELEMENT = -44,  /* element or attribute not of the PROV vocabulary */
	OMACP_E_XML_DISABLED = -45, /* built with OMACP_NO_XML                 */

	/* ---- document: -60 .. -79 ---- */
	OMACP_E_DOC_STRUCTURE = -60, /* element where the PROV DTD forbids it */
	OMACP_E_DOC_INVALID = -61,   /* ProvCont validation rejects the document */
	OMACP_E_DOC_ATTR = -62,      /* required attribute missing or duplicated */

	/* ---- security: -80 .. -99 ---- */
	OMACP_E_SEC_METHOD = -80,       /* SEC value / name not one of the four */
	OMACP_E_SEC_IMSI = -81,         /* IMSI empty, > 15 digits, or not digits */
	OMACP_E_SEC_PIN = -82,          /* PIN missing, wrong length or characters */
	OMACP_E_SEC_MAC_MALFORMED = -83,/* MAC text not 40 hex digits           */
	OMACP_E_SEC_MISMATCH = -84,     /* MAC (or USERPINMAC check digits) wrong */
	OMACP_E_SEC_NO_MAC = -85,       /* SEC present but the MAC is missing   */

	/* ---- push transport: -100 .. -119 ---- */
	OMACP_E_UDH = -100,          /* malformed user-data header             */
	OMACP_E_CONCAT = -101,       /* bad concatenation info (total 0, seq 0, seq > total) */
	OMACP_E_CONFLICT = -102,     /* a duplicate segment differs; slot dropped */
	OMACP_E_WSP = -103,          /* malformed WSP push PDU                 */
	OMACP_E_WSP_PDU_TYPE = -104, /* PDU type is not Push / ConfirmedPush   */
	OMACP_E_CONTENT_TYPE = -105, /* content type is not a provisioning type */
	OMACP_E_SEGMENTS = -106,     /* message needs more than 255 SMS        */

	/* ---- policy and roles: -120 .. -139 ---- */
	OMACP_E_POLICY = -120,       /* a security policy refuses the message  */
	OMACP_E_ROLE = -121,         /* the roles do not allow a characteristic */
	OMACP_E_REPLAY = -122,       /* the message was seen before            */
	OMACP_E_PIN_EXHAUSTED = -123,/* PIN attempts used up; message discarded */
	OMACP_E_NO_PENDING = -124,   /* a PIN was submitted but nothing waits  */

	/* ---- Configuration Manager: -140 .. -159 ---- */
	OMACP_E_CSP = -140,          /* a CSP callback failed                  */
	OMACP_E_CSP_UNKNOWN = -141,  /* no CSP registered for a characteristic */

	/* ---- persistent state: -160 .. -179 ---- */
	OMACP_E_STATE_CRC = -160,     /* state blob CRC does not match         */
	OMACP_E_STATE_VERSION = -161, /* state blob of an unknown version      */
	OMACP_E_STATE_SIZE = -162,    /* state blob truncated or too long      */
	OMACP_E_STATE_FULL = -163     /* a state table (PPGs, PROVURLs) is full */
} omacp_err;

/*
 * omacp_strerror - a short English description ("string-table offset out of
 * range") of any value above, or "unknown error" for other numbers.
 * Returns a pointer to a static constant string; never NULL.  Lives in its own
 * object so firmware that never calls it carries none of the strings.
 */
const char *omacp_strerror(omacp_err e);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_ERROR_H */
