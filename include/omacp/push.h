/*
 * omacp/push.h - WAP push over SMS: user-data headers, reassembly, the WSP
 * push PDU (decode and encode), and SMS segmentation.
 *
 * Receive: omacp_sms_parse() reads the UDH of one SMS; omacp_reasm_feed()
 * collects the segments of concatenated messages in fixed slots of a caller
 * workspace and hands out each completed WDP datagram exactly once;
 * omacp_push_decode() splits a datagram into WSP headers and body.
 *
 * Send: omacp_push_encode() builds the PDU, omacp_sms_segment() cuts it into
 * SMS user data (16-bit port UDH and concatenation IE).
 *
 * The library reads no clock: the host passes "now" in seconds.
 */
#ifndef OMACP_PUSH_H
#define OMACP_PUSH_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OMACP_PORT_PUSH 2948u       /* WAP connectionless push (0x0B84)      */
#define OMACP_PORT_WSP 9200u        /* WAP connectionless session (0x23F0)   */
#define OMACP_SMS_UD_MAX 140u       /* octets of user data in one SMS        */

/* ------------------------------------------------------------ one SMS */

typedef struct omacp_sms {
	int has_ports;         /* a port IE (0x04 or 0x05) was present       */
	uint16_t dst_port, src_port;
	int has_concat;        /* a concatenation IE (0x00 or 0x08)          */
	int ref16;             /* the concatenation IE was 0x08              */
	uint16_t ref;
	uint8_t total, seq;    /* seq is 1-based                             */
	omacp_slice udh;       /* UDH including its UDHL byte (into ud)      */
	omacp_slice payload;   /* user data after the UDH (into ud)          */
} omacp_sms;

/*
 * Parse the user data of one SMS that has TP-UDHI set: ud[0] is UDHL.
 * Unknown IEs are skipped by their length; the last port / concatenation IE
 * wins if repeated.  Slices point into ud.  Errors: OMACP_E_UDH (UDHL or an
 * IE length runs past the data, a known IE has the wrong length),
 * OMACP_E_CONCAT (total 0, seq 0 or seq > total).
 */
omacp_err omacp_sms_parse(const uint8_t *ud, size_t n, omacp_sms *out);

/* ------------------------------------------------------- reassembly */

/* Workspace for `slots` messages in reassembly at once, each of at most
 * `segs` segments (1..255). */
#define OMACP_REASM_WORK_BYTES(slots, segs) \
	((size_t)(slots) * (48u + (size_t)OMACP_MAX_ADDR + 4u * (size_t)(segs) + 140u * (size_t)(segs)))

typedef struct omacp_reasm_config {
	const uint16_t *ports;   /* accepted destination ports; NULL = {2948} */
	size_t n_ports;
	uint32_t expiry;         /* seconds a partial message is kept; 0 = 300 */
} omacp_reasm_config;

typedef struct omacp_reasm {
	/* private */
	uint8_t *work_;
	size_t slot_bytes_;
	unsigned n_slots_, max_segs_;
	const uint16_t *ports_;
	size_t n_ports_;
	uint32_t expiry_;
	int delivered_slot_;      /* slot whose datagram was last handed out */
} omacp_reasm;

/*
 * Prepare r with n_slots slots of at most max_segs segments each, in
 * work[0..work_len) (needs OMACP_REASM_WORK_BYTES(n_slots, max_segs)).
 * cfg may be NULL (defaults); its ports array is kept by pointer.
 * Errors: OMACP_E_ARG (0 slots, 0 or > 255 segments), OMACP_E_NOMEM.
 */
omacp_err omacp_reasm_init(omacp_reasm *r, uint8_t *work, size_t work_len,
                           unsigned n_slots, unsigned max_segs,
                           const omacp_reasm_config *cfg);

/*
 * Feed one SMS (TP-UD with UDH) from `originator` (NUL-terminated, kept up
 * to OMACP_MAX_ADDR characters) received at time `now`.
 * Returns:
 *   OMACP_OK        a datagram is complete: *dgram points into ud (single
 *                   SMS) or into the workspace; valid until the next call.
 *   OMACP_MORE      the segment was stored (or was an identical duplicate).
 *   OMACP_NOT_PUSH  no port IE, or a destination port not accepted: pass it on.
 *   negative        OMACP_E_UDH, OMACP_E_CONCAT, OMACP_E_CONFLICT (a
 *                   duplicate with other bytes: the slot is dropped),
 *                   OMACP_E_LIMIT (total above max_segs).
 * Slots are keyed by (originator, reference, total, ports).  Partial messages
 * older than `expiry` are dropped; when all slots are busy, the slot with the
 * oldest first segment is evicted to make room (the flood case: a stream of
 * never-completed messages cannot block a genuine one for long).
 */
omacp_err omacp_reasm_feed(omacp_reasm *r, const char *originator,
                           const uint8_t *ud, size_t n, uint32_t now,
                           omacp_slice *dgram);

/* Number of slots holding a partial message. */
unsigned omacp_reasm_pending(const omacp_reasm *r);

/* --------------------------------------------------------- WSP push PDU */

#define OMACP_CT_CONNECTIVITY_XML 0x35u   /* text/vnd.wap.connectivity-xml */
#define OMACP_CT_CONNECTIVITY_WBXML 0x36u /* application/vnd.wap.connectivity-wbxml */

typedef struct omacp_push {
	uint8_t tid;
	uint8_t pdu_type;          /* 0x06 Push or 0x07 ConfirmedPush        */
	int content_type_code;     /* well-known code, or -1 if textual      */
	omacp_slice content_type;  /* textual media type (code == -1)        */
	int sec;                   /* 0..3, or -1 when absent                */
	int has_mac;
	omacp_slice mac;           /* MAC text without quote or NUL          */
	int has_app_id;
	int app_id_code;           /* integer application id, or -1 if URI   */
	omacp_slice app_id_uri;
	int has_initiator;
	omacp_slice initiator;     /* X-Wap-Initiator-URI                    */
	int push_flag;             /* Push-Flag bits, or -1 when absent      */
	int has_content_length;
	uint32_t content_length;
	omacp_slice headers;       /* content type + headers, as received     */
	omacp_slice body;          /* the data: the MAC input                */
} omacp_push;

/*
 * Decode a connectionless push PDU.  Every slice points into pdu.  Every
 * length is checked against the bytes present.  Errors: OMACP_E_WSP
 * (truncated, header length past the end, uintvar over 5 bytes, a value
 * length past its header block, bad SEC value), OMACP_E_WSP_PDU_TYPE.
 * It does not judge the content type (see omacp_push_is_provisioning).
 */
omacp_err omacp_push_decode(const uint8_t *pdu, size_t n, omacp_push *out);

/* 1 when the content type is connectivity-wbxml or -xml (well-known or
 * textual, case-insensitive), else 0. */
int omacp_push_is_provisioning(const omacp_push *p);

/* What to put in a PDU.  Zero-initialise, then set what you need. */
typedef struct omacp_push_params {
	uint8_t tid;               /* 0 means 1 (Kannel's choice)             */
	int content_type_code;     /* 0 means 0x36 (WBXML)                    */
	int sec;                   /* -1 (or OMACP_SEC_NONE): unsigned         */
	const char *mac;           /* 40 hex digits when sec >= 0             */
	int app_id_code;           /* >= 0: X-Wap-Application-Id as integer   */
	const char *app_id_uri;    /* else, when non-NULL: as URI text        */
	const char *initiator;     /* X-Wap-Initiator-URI, or NULL            */
	int push_flag;             /* > 0: Push-Flag header; 0 omits it       */
} omacp_push_params;

/* Initialise params to defaults: tid 1, WBXML, unsigned, no app id
 * (app_id_code -1), no initiator, no push flag. */
void omacp_push_params_init(omacp_push_params *p);

/*
 * Build the PDU into out[0..cap); *len = its size.  Signed: general-form
 * content type `value-length B6 91 8s 92 <MAC> 00` exactly as Kannel writes
 * it; unsigned: the one-byte constrained form.  Optional headers follow in
 * the order application id, initiator, push flag.
 * Errors: OMACP_E_ARG (bad sec, MAC not 40 hex digits, push_flag > 127),
 * OMACP_E_NOMEM.
 */
omacp_err omacp_push_encode(const omacp_push_params *p, const uint8_t *body,
                            size_t n, uint8_t *out, size_t cap, size_t *len);

/* ------------------------------------------------------ segmentation */

typedef struct omacp_seg_params {
	uint16_t dst_port;   /* 0 means 2948                                 */
	uint16_t src_port;   /* 0 means 9200 (Kannel uses 2948)              */
	uint16_t ref;        /* concatenation reference                      */
	int ref16;           /* use the 16-bit reference IE (0x08)           */
} omacp_seg_params;

/* Receives one SMS: 1-based index of total, the UDH (with UDHL) and the
 * payload; both valid only during the call. */
typedef omacp_err (*omacp_seg_fn)(void *user, unsigned index, unsigned total,
                                  const uint8_t *udh, size_t udh_len,
                                  const uint8_t *payload, size_t payload_len);

/*
 * Cut pdu into SMS user data of at most 140 octets each: one SMS with a
 * 16-bit port UDH if it fits, else segments with ports + concatenation IE.
 * Errors: OMACP_E_SEGMENTS (more than 255 needed), or what fn returned.
 */
omacp_err omacp_sms_segment(const uint8_t *pdu, size_t n,
                            const omacp_seg_params *p, omacp_seg_fn fn,
                            void *user);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_PUSH_H */
