/* omacp_strerror: in its own object so firmware that never calls it carries
 * none of these strings. */
#include "omacp/error.h"

const char *omacp_strerror(omacp_err e)
{
	switch (e) {
	case OMACP_OK: return "success";
	case OMACP_MORE: return "more input needed";
	case OMACP_NOT_PUSH: return "not a WAP push";
	case OMACP_NEED_PIN: return "waiting for the user PIN";
	case OMACP_ACCEPTED: return "accepted";
	case OMACP_REJECTED: return "rejected";
	case OMACP_E_ARG: return "invalid argument";
	case OMACP_E_NOMEM: return "workspace or output buffer too small";
	case OMACP_E_LIMIT: return "configured limit exceeded";
	case OMACP_E_STATE: return "call out of order";
	case OMACP_E_TRUNCATED: return "input truncated";
	case OMACP_E_UNSUPPORTED: return "not supported by this build";
	case OMACP_E_CALLBACK: return "callback failed";
	case OMACP_E_WBXML_VERSION: return "unsupported WBXML version";
	case OMACP_E_WBXML_PUBID: return "public id is not PROV";
	case OMACP_E_WBXML_CHARSET: return "charset is not UTF-8";
	case OMACP_E_WBXML_MBUINT: return "malformed mb_u_int32";
	case OMACP_E_WBXML_STRTBL: return "string-table reference out of range";
	case OMACP_E_WBXML_TOKEN: return "unknown token";
	case OMACP_E_WBXML_DEPTH: return "nesting too deep";
	case OMACP_E_WBXML_UTF8: return "invalid UTF-8";
	case OMACP_E_WBXML_STRUCTURE: return "token not allowed here";
	case OMACP_E_XML_SYNTAX: return "XML not well-formed";
	case OMACP_E_XML_ENTITY: return "DTD subset or entity not allowed";
	case OMACP_E_XML_DEPTH: return "nesting too deep";
	case OMACP_E_XML_ENCODING: return "encoding is not UTF-8";
	case OMACP_E_XML_ELEMENT: return "element or attribute not in PROV";
	case OMACP_E_XML_DISABLED: return "built without XML support";
	case OMACP_E_DOC_STRUCTURE: return "element not allowed here";
	case OMACP_E_DOC_INVALID: return "document fails ProvCont validation";
	case OMACP_E_DOC_ATTR: return "required attribute missing or repeated";
	case OMACP_E_SEC_METHOD: return "unknown SEC method";
	case OMACP_E_SEC_IMSI: return "IMSI must be 1 to 15 digits";
	case OMACP_E_SEC_PIN: return "PIN missing or malformed";
	case OMACP_E_SEC_MAC_MALFORMED: return "MAC is not 40 hex digits";
	case OMACP_E_SEC_MISMATCH: return "MAC mismatch";
	case OMACP_E_SEC_NO_MAC: return "signed message without MAC";
	case OMACP_E_UDH: return "malformed user-data header";
	case OMACP_E_CONCAT: return "bad concatenation header";
	case OMACP_E_CONFLICT: return "conflicting duplicate segment";
	case OMACP_E_WSP: return "malformed WSP push PDU";
	case OMACP_E_WSP_PDU_TYPE: return "WSP PDU is not a push";
	case OMACP_E_CONTENT_TYPE: return "content type is not provisioning";
	case OMACP_E_SEGMENTS: return "message needs more than 255 SMS";
	case OMACP_E_POLICY: return "rejected by security policy";
	case OMACP_E_ROLE: return "roles do not allow this setting";
	case OMACP_E_REPLAY: return "message replayed";
	case OMACP_E_PIN_EXHAUSTED: return "PIN attempts exhausted";
	case OMACP_E_NO_PENDING: return "no message waits for a PIN";
	case OMACP_E_CSP: return "configuration service provider failed";
	case OMACP_E_CSP_UNKNOWN: return "no configuration service provider for characteristic";
	case OMACP_E_STATE_CRC: return "state blob CRC mismatch";
	case OMACP_E_STATE_VERSION: return "state blob version unknown";
	case OMACP_E_STATE_SIZE: return "state blob truncated";
	case OMACP_E_STATE_FULL: return "state table full";
	}
	return "unknown error";
}
