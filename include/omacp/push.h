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
 * wins if repeated.  *out is zeroed first; its slices point into ud (they
 * live as long as ud).  n itself is not limited here (omacp_reasm_feed
 * refuses segments over 140 octets).  Errors: OMACP_E_ARG (NULL),
 * OMACP_E_UDH (n 0, UDHL or an IE length runs past the data, a known IE has
 * the wrong length), OMACP_E_CONCAT (total 0, seq 0 or seq > total).
 */
omacp_err omacp_sms_parse(const uint8_t *ud, size_t n, omacp_sms *out);

/* ------------------------------------------------------- reassembly */

/* Bytes of a slot besides its segments: state, key (reference, total,
 * ports), first-arrival time and order, and the originator. */
#define OMACP_REASM_SLOT_HDR (19u + (size_t)OMACP_MAX_ADDR)
/* Largest payload one stored segment can have: 140 octets minus the
 * smallest UDH that carries both a port IE and a concatenation IE
 * (UDHL + 8-bit ports IE + 8-bit concatenation IE = 10 octets). */
#define OMACP_REASM_SEG_MAX 130u

/* Workspace for `slots` messages in reassembly at once, each of at most
 * `segs` segments (1..255): per slot OMACP_REASM_SLOT_HDR bytes, plus one
 * length byte and OMACP_REASM_SEG_MAX payload bytes per segment.  With the
 * default OMACP_MAX_ADDR (24): 1 slot of 3 segments = 436 bytes, 3 slots of
 * 3 = 1308, 2 slots of 11 (1.4 KB messages) = 2968, 3 slots of 11 = 4452.
 * The completed datagram is assembled inside its slot: no extra space. */
#define OMACP_REASM_WORK_BYTES(slots, segs) \
	((size_t)(slots) * (OMACP_REASM_SLOT_HDR + \
	                    (1u + OMACP_REASM_SEG_MAX) * (size_t)(segs)))

typedef struct omacp_reasm_config {
	const uint16_t *ports;   /* accepted destination ports; NULL = {2948} */
	size_t n_ports;
	uint32_t expiry;         /* seconds a partial message is kept; 0 = 300 */
} omacp_reasm_config;

typedef struct omacp_reasm {
	/* private */
	uint8_t *work_, *end_;    /* the slots: work_ .. end_                */
	size_t slot_bytes_;
	unsigned max_segs_;
	omacp_reasm_config cfg_;  /* ports NULL: the default {2948}          */
	uint32_t order_;          /* arrival counter of first segments       */
} omacp_reasm;

/*
 * Prepare r with n_slots slots of at most max_segs segments each, in
 * work[0..work_len) (needs OMACP_REASM_WORK_BYTES(n_slots, max_segs)).
 * cfg may be NULL (defaults); its ports array is kept by pointer and must
 * outlive r (NULL or n_ports 0 = the default {2948}).  work is owned by r
 * until the caller stops using it; r holds no other resources (no _free).
 * Errors: OMACP_E_ARG (r NULL, 0 slots, 0 or > OMACP_MAX_SEGMENTS segments),
 * OMACP_E_NOMEM (work NULL or work_len too small).
 */
omacp_err omacp_reasm_init(omacp_reasm *r, uint8_t *work, size_t work_len,
                           unsigned n_slots, unsigned max_segs,
                           const omacp_reasm_config *cfg);

/*
 * Feed one SMS (TP-UD with UDH) from `originator` (NUL-terminated, kept up
 * to OMACP_MAX_ADDR characters) received at time `now`.
 * Returns:
 *   OMACP_OK        a datagram is complete: *dgram points into ud (a single
 *                   SMS, or a concatenation IE with total 1: zero copy) or
 *                   into the workspace; valid until the next call on r (and,
 *                   for the zero-copy case, while ud lives).  Each completed
 *                   message is handed out exactly once: its slot is freed.
 *   OMACP_MORE      the segment was stored, or was an identical duplicate of
 *                   a stored one (ignored).
 *   OMACP_NOT_PUSH  no port IE, or a destination port not accepted: pass it on.
 *   negative        OMACP_E_UDH (malformed UDH, or a segment with more than
 *                   140 octets of user data), OMACP_E_CONCAT, OMACP_E_CONFLICT
 *                   (a duplicate with other bytes: the slot is dropped),
 *                   OMACP_E_LIMIT (total above max_segs), OMACP_E_ARG.
 * Slots are keyed by (originator, reference and its width, total, destination
 * and source port): the same reference with another total is another
 * message.  Segments may arrive in any order.  Before each segment is stored,
 * partial messages whose first segment is more than `expiry` seconds older
 * than `now` are dropped (a clock that went backwards expires nothing).
 * When all slots are busy, the slot whose first segment arrived earliest
 * (arrival order, not host time) is evicted to make room: a stream of
 * never-completed messages cannot block a genuine one for long, and a
 * genuine message survives as long as fewer than n_slots other new messages
 * start while it is being received.
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
 * Decode a connectionless push PDU: TID, PDU type, uintvar headers length,
 * the content type (constrained: Short-integer or extension-media text;
 * general form: Value-length, media as Short-integer, Long-integer or text,
 * then parameters), then the headers up to the headers length, then the
 * body.  Parameters: typed SEC (0x91, Short-integer 0..3), MAC (0x92,
 * Text-value, leading 0x22 quote dropped), untyped "SEC" (integer 0..3, or
 * text "0".."3" or a method name) and "MAC" (text); charset and every other
 * parameter is skipped by its encoding.  Headers: X-Wap-Application-Id
 * (integer or URI text), X-Wap-Initiator-URI, Push-Flag (Short-integer),
 * Content-Length; every other well-known header, textual header and header
 * page shift is skipped by its WSP value encoding.  Nothing is read past
 * the headers block; the body (everything after it, the MAC input) may be
 * empty.  Every slice points into pdu (lives as long as pdu).  On error
 * *out is partly filled and must not be used.
 * Errors: OMACP_E_ARG (NULL), OMACP_E_WSP (truncated, headers length 0 or
 * past the end, uintvar over 5 bytes or 32 bits, a value length past its
 * block, an unterminated string, a SEC value that is not a Short-integer
 * 0..3, a Push-Flag that is not a Short-integer, an integer over 31 bits),
 * OMACP_E_WSP_PDU_TYPE (not 0x06 / 0x07).  It does not judge the content
 * type (see omacp_push_is_provisioning).
 */
omacp_err omacp_push_decode(const uint8_t *pdu, size_t n, omacp_push *out);

/* 1 when the content type is connectivity-wbxml or -xml (well-known or
 * textual, case-insensitive), else 0. */
int omacp_push_is_provisioning(const omacp_push *p);

/* What to put in a PDU.  Initialise with omacp_push_params_init() (NOT with
 * zeros: sec 0 is NETWPIN and app_id_code 0 is an application id), then set
 * what you need. */
typedef struct omacp_push_params {
	uint8_t tid;               /* 0 means 1 (Kannel's choice)             */
	int content_type_code;     /* 0 means 0x36 (WBXML)                    */
	int sec;                   /* -1 (or OMACP_SEC_NONE): unsigned         */
	const char *mac;           /* 40 hex digits when sec >= 0             */
	int app_id_code;           /* >= 0: X-Wap-Application-Id as integer   */
	const char *app_id_uri;    /* else, when non-NULL: as URI text        */
	const char *initiator;     /* X-Wap-Initiator-URI, or NULL            */
	int push_flag;             /* 1..127: Push-Flag header; <= 0 omits it */
} omacp_push_params;

/* Initialise params to defaults: tid 1, WBXML, unsigned, no app id
 * (app_id_code -1), no initiator, no push flag. */
void omacp_push_params_init(omacp_push_params *p);

/*
 * Build the PDU into out[0..cap); *len = its size.  Signed: general-form
 * content type `value-length B6 91 8s 92 <MAC> 00` exactly as Kannel writes
 * it; unsigned: the one-byte constrained form.  Optional headers follow in
 * the order application id, initiator, push flag.
 * The MAC text is copied as given (Kannel and omacp_sec_sign write
 * uppercase).  An integer application id is a Short-integer below 128, else
 * the shortest Long-integer; a URI application id and the initiator are
 * Text-strings (0x7F quote when the first octet is >= 0x80).  body may
 * overlap nothing in out.  out may be NULL with cap 0 to learn the size.
 * Errors: OMACP_E_ARG (bad sec, MAC not 40 hex digits, push_flag > 127,
 * negative content type, empty application id URI), OMACP_E_NOMEM (out too
 * small: *len then holds the size needed).
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
 * Cut pdu into SMS user data of at most 140 octets each.  Up to 133 octets:
 * one SMS, UDH `06 05 04 DDDD SSSS`.  Longer: segments of 128 octets with
 * UDH `0B 05 04 DDDD SSSS 00 03 REF TOTAL SEQ` (8-bit reference), or of
 * 127 octets with `0C 05 04 DDDD SSSS 08 04 REFH REFL TOTAL SEQ` (ref16);
 * the last segment holds the rest.  fn is called once per SMS, in order;
 * a non-OK return stops the work and is handed back.  p may be NULL
 * (ports 2948 / 9200, reference 0).
 * Errors: OMACP_E_ARG (fn NULL, 8-bit reference above 255),
 * OMACP_E_SEGMENTS (more than 255 needed; fn is then never called), or
 * what fn returned.
 */
omacp_err omacp_sms_segment(const uint8_t *pdu, size_t n,
                            const omacp_seg_params *p, omacp_seg_fn fn,
                            void *user);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_PUSH_H */
