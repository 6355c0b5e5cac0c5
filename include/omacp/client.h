/*
 * omacp/client.h - the whole device pipeline behind one SMS handler.
 *
 * One context (a complete type the firmware places where it likes) over one
 * caller workspace.  Feed every SMS that carries a user-data header; the
 * client reassembles, decodes the WSP push, assigns roles, applies the
 * security policies, authenticates, decodes the document and runs the
 * Configuration Manager, all or nothing.  No heap, no recursion, no clock
 * (the host passes "now" in seconds), no global state.
 *
 * Order of the checks for one completed push (the order the Windows Mobile
 * documentation gives: roles, SEC validity, policy, authentication):
 *   1. WSP decode; the content type must be connectivity-wbxml or -xml.
 *   2. origin roles (known / trusted PPG, Push-Flag, OPERATOR_TPS) and the
 *      authentication roles the SEC method would give (policy.h).
 *   3. SEC validity: a signed message (other than USERPINMAC) must carry a
 *      well-formed 40-hex-digit MAC, else it is malformed (negative return).
 *   4. the signed-message policy (4141 / 4142 / 4143) or, unsigned, 4110;
 *      then 4111.  Refused -> OMACP_REJECTED, nothing else happens (no PIN
 *      prompt for a message that would be refused anyway).
 *   5. replay: a signed message whose MAC (USERPINMAC: SHA-1 of the body) is
 *      in the replay cache -> OMACP_REJECTED, reason OMACP_E_REPLAY.
 *   6. authentication: NETWPIN is verified at once with the configured IMSI;
 *      USERPIN / USERNETWPIN / USERPINMAC suspend: the PDU is kept in the
 *      state's pending slot, the state is saved, OMACP_NEED_PIN.  A MAC that
 *      does not verify discards the message (OMACP_REJECTED, reason
 *      OMACP_E_SEC_MISMATCH).
 *   7. the body is decoded (WBXML streaming decoder; XML through expat when
 *      the content type is connectivity-xml and the build has XML) into a
 *      document tree in the workspace.
 *   8. final roles = roles plus the grants 4119 / 4120, fixed for this
 *      document; the Configuration Manager (csp.h) validates, applies,
 *      saves the new state through save_state, commits.  The new state
 *      (with the message's MAC in the replay cache) becomes the client's
 *      current state only after save_state succeeded.
 *
 * Choices the sources leave open, made here:
 *   - the policy decision comes before the PIN prompt and the MAC check, so
 *     a message that would be refused never asks for a PIN; roles are
 *     computed as if the MAC verified, and a MAC that does not verify
 *     discards the message;
 *   - the replay cache holds signed messages only (an unsigned message has
 *     nothing to replay-protect; 4110 governs it); a message is recorded
 *     only when it was accepted;
 *   - a new PIN message replaces one already waiting (with fresh attempts);
 *     the waiting message is evaluated again against the policies in force
 *     when the PIN arrives;
 *   - a PIN of the wrong length or characters costs no attempt;
 *   - policy 4132 (accept/reject prompt for pure NETWPIN messages) is left
 *     to the host: the result tells it the SEC method before it shows the
 *     verdict; the client itself never prompts for NETWPIN.
 *
 * Secrets: the client keeps the IMSI and the HMAC state derived from it
 * (key material).  omacp_client_init clears any previous content of c and
 * leaves c all zero when it fails; a host that stops using a client wipes
 * it with omacp_client_wipe.
 *
 * State: the client keeps the current state (state.h).  Every change of it
 * (an accepted document, a pending PIN message, a spent PIN attempt, a
 * discarded pending message) is handed to save_state first and becomes
 * current only when save_state returned OMACP_OK.  A rejected or malformed
 * message leaves the state exactly as it was (its blob is byte-identical).
 */
#ifndef OMACP_CLIENT_H
#define OMACP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"
#include "push.h"
#include "wbxml.h"
#include "xml.h"
#include "doc.h"
#include "sec.h"
#include "state.h"
#include "policy.h"
#include "csp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- sizing */

/* Largest push PDU `segs` segments can carry. */
#define OMACP_CLIENT_MSG_MAX(segs) ((size_t)(segs) * (size_t)OMACP_REASM_SEG_MAX)

/*
 * Document arena for a WBXML body of up to m bytes: room for m/8 + 2
 * elements, m/4 + 2 attributes and m/4 + 16 bytes of concatenated values.
 *
 * The client decodes a WBXML body straight into the tree
 * (omacp_wbxml_decode_doc, doc.h): names and values are slices of the body
 * (inline strings, string table) or of static token tables, so only values
 * built of several parts (a value token followed by an inline string, as
 * libwbxml encodes some, or ENTITY and OPAQUE) take arena bytes besides the
 * nodes and attribute arrays; no decoder workspace is needed at all.
 *
 * This is a TYPICAL bound, not a worst case.  The true worst case is far
 * larger: one element per body byte (a PARM tag alone is one byte and costs
 * a whole omacp_node, 24 bytes on a 32-bit target), and a value of two
 * 2-byte string-table references concatenates two whole table entries, so
 * m bytes can ask for 24m bytes and more (growing with m squared), which no
 * handset wants to reserve.  Real provisioning documents are far less
 * dense, because every element carries names and values.  Measured on
 * every PROV document of test/vectors (Kannel and libwbxml encodings, with
 * and without a string table; bytes per body byte on a 32-bit / 64-bit
 * target):
 *
 *   densest documents      libwbxml-17 (37 B): 5 elements, 8 attributes
 *                          = 6.70 / 13.4 B/B; libwbxml-08 (425 B, string
 *                          table): 54 elements, 95 attributes, nothing
 *                          concatenated = 6.63 / 13.3 B/B
 *   elements per byte      at most 0.158 (a 19-byte minimal document),
 *                          0.135 for anything of 37 bytes and more
 *   attributes per byte    at most 0.224
 *   concatenated bytes     at most 0.219 per byte (libwbxml-02 with its
 *                          string table: 56 bytes in a 256-byte body; one
 *                          other document has 17, all others none)
 *   this bound gives       7.47 / 14.6 B/B at 425 bytes (9.4 / 18.2 at
 *                          37): libwbxml-08 uses 88.7% / 90.5% of it, the
 *                          most of any document (the margin is 9.5%);
 *                          each term also holds on its own for every
 *                          corpus document
 *
 * A body that needs more (a denser document, or long values of several
 * parts) is discarded cleanly: the client returns OMACP_E_NOMEM with
 * nothing applied and the state unchanged (a pending PIN message is
 * dropped).  The terms are not separate budgets: the arena is one region,
 * so fewer elements leave room for more concatenated bytes.  Give a bigger
 * workspace (for a WBXML body, everything beyond the reassembly slots is
 * the arena) or more segments to accept denser documents.
 * test/test_client.c checks every corpus document against this macro (by
 * its own body size, each term and the total, and end to end with exactly
 * OMACP_CLIENT_WORK_BYTES(1, the SMS it takes)) and the NOMEM behaviour.
 */
#define OMACP_CLIENT_DOC_BYTES(m)                                              \
	OMACP_DOC_WORK_BYTES((size_t)(m) / 8u + 2u, (size_t)(m) / 4u + 2u,         \
	                     (size_t)(m) / 4u + 16u)

/*
 * Workspace for `slots` messages in reassembly at once, each of at most
 * `segs` segments (1..255): reassembly + document arena, plus alignment
 * slack (a WBXML body needs no decoder scratch).  A WBXML-only handset
 * needs nothing more.  Examples on a 32-bit target (Cortex-M4): (1, 3) =
 * 3344 bytes, (2, 8) = 9829, (1, 11) = 11932; on x86-64: 6140, 17201 and
 * 22008 (pointers and sizes double the tree nodes and attributes).
 *
 * RAM of the client besides the workspace: sizeof(omacp_client), which is
 * two omacp_state (the state in force and the one being built: the
 * Configuration Manager reads the old one through the policies while the
 * CSPs edit the new one, and a failure restores the new from the old) and
 * one blob buffer (the serialized state handed to save_state), plus about
 * 800 bytes (the result with its 192-byte reason and 16 item records) and
 * the NETWPIN key state (omacp_hmac_key, 184 bytes with mbedTLS: the SHA-1
 * states after the IMSI key's ipad and opad blocks, made once by
 * omacp_client_init so that each NETWPIN message costs two SHA-1
 * compressions less).
 * Each of the three is dominated by the pending PIN message slot, so every
 * byte of OMACP_STATE_PENDING_MAX costs three bytes of RAM.  A handset whose
 * client takes at most `segs` segments never needs a pending slot larger
 * than OMACP_CLIENT_MSG_MAX(segs); set it (state.h, OMACP_CONFIG_FILE)
 * to that.  On a Cortex-M4:
 *
 *   OMACP_STATE_PENDING_MAX            omacp_state  blob max  omacp_client
 *   1400 (default: 10 full SMS)            2352       2363        8076
 *   1040 (8 segments, the default segs)    1992       2003        6996
 *    390 (3 segments)                      1340       1353        5044
 *    390, OMACP_STATE_MAX_TPS 1 and
 *         OMACP_STATE_URL_MAX 128           956        967        3888
 *
 * A PIN message larger than the slot is refused (OMACP_E_LIMIT, see
 * omacp_client_sms); a blob saved by a build with a larger slot and holding
 * a larger pending message does not load (OMACP_E_LIMIT).
 */
#define OMACP_CLIENT_WORK_BYTES(slots, segs)                                   \
	(OMACP_REASM_WORK_BYTES(slots, segs) + 2u * sizeof(void *) +               \
	 OMACP_CLIENT_DOC_BYTES(OMACP_CLIENT_MSG_MAX(segs)))

/* The same, with room for expat too (connectivity-xml bodies): expat parses
 * an XML body in the region after the document arena (the extra term), and
 * the tree copies its names and values into the arena.  An XML body spends
 * far fewer arena bytes per byte than WBXML (the corpus: at most 1.3 per XML
 * byte on 32-bit targets, 2.3 on 64-bit, copied names and values included),
 * so the arena above is ample for it.  Examples: (1, 3) = 16412 bytes on a
 * Cortex-M4, 19208 on x86-64. */
#define OMACP_CLIENT_WORK_BYTES_XML(slots, segs)                               \
	(OMACP_CLIENT_WORK_BYTES(slots, segs) +                                    \
	 OMACP_XML_WORK_BYTES(OMACP_CLIENT_MSG_MAX(segs)))

/* ------------------------------------------------------------- config */

/*
 * Receives the new state's blob (state.h format) before it becomes current.
 * blob is valid only during the call.  Return OMACP_OK once it is stored
 * durably; anything else keeps the old state (and, for a document, rolls
 * every CSP back).
 */
typedef omacp_err (*omacp_client_save_fn)(void *user, const uint8_t *blob,
                                          size_t len);

typedef struct omacp_client_config {
	omacp_profile profile;       /* factory policy defaults               */
	omacp_policy_opts opts;      /* knobs left open by the sources (copied);
	                                all zero = the documented defaults    */
	const char *imsi;            /* digits (NETWPIN / USERNETWPIN key), or
	                                NULL: such messages are then refused
	                                (OMACP_E_SEC_IMSI).  Copied.          */
	const omacp_csp *csps;       /* CSP registry, caller-owned; the client
	                                keeps the pointer for its lifetime    */
	size_t n_csps;
	unsigned slots;              /* reassembly slots; 0 = 2               */
	unsigned segs;               /* segments per message; 0 = 8           */
	uint32_t expiry;             /* seconds a partial message is kept;
	                                0 = 300                               */
	unsigned wbxml_flags;        /* OMACP_WBXML_ASSUME_PROV or 0          */
	omacp_client_save_fn save_state; /* required                           */
	void *user;                  /* for save_state                        */
	omacp_event_fn result_fn;    /* optional: the result document of each
	                                processed document (csp.h)            */
	void *result_user;
	omacp_cm_result_writer result_doc; /* NULL: the Configuration Manager's
	                                default (csp.h): with
	                                OMACP_CM_IMPLICIT_RESULT 0, set it to
	                                omacp_cm_result_doc for result_fn to
	                                get anything (the writer then links
	                                only into firmware that names it)     */
} omacp_client_config;

/* Fill cfg with the defaults: wm65, default options, no IMSI, no CSPs,
 * 2 slots of 8 segments.  save_state must still be set.  Cannot fail. */
void omacp_client_config_init(omacp_client_config *cfg);

/* ------------------------------------------------------------ context */

typedef struct omacp_client {
	/* private */
	int ready_;                  /* 0: not initialized; else 1, plus 2
	                                while res_ is cleared for the state  */
	omacp_client_config cfg_;    /* a copy (segs resolved; imsi not kept) */
	char imsi_[16];
	omacp_err save_err_;         /* what save_state returned last         */
	omacp_reasm reasm_;
	uint8_t *doc_work_;          /* document arena                        */
	size_t doc_len_;
	uint8_t *scratch_;           /* after the arena: expat's (XML), the
	                                arena's continuation (WBXML)         */
	size_t scratch_len_;
	omacp_doc doc_;
	omacp_result res_;
	omacp_state cur_;            /* the state in force                    */
	omacp_state next_;           /* the state being built                 */
	uint8_t blob_[OMACP_STATE_BLOB_MAX];
	omacp_hmac_key netkey_;      /* NETWPIN HMAC state of the IMSI key
	                                (key material; zero without IMSI)    */
} omacp_client;

/*
 * Prepare c.  work[0..work_len) is the workspace (OMACP_CLIENT_WORK_BYTES
 * for cfg's slots/segs; more is fine: for a WBXML body the extra goes to
 * the document arena, for an XML body to expat); it is owned by c until the
 * caller stops using c.  cfg is copied
 * (its csps array and result_user are kept by pointer).  blob/blob_len: the
 * saved state to start from, or NULL/0 for a new (factory) handset.
 * Errors: OMACP_E_ARG (NULL c/cfg/save_state, slots or segs out of range),
 * OMACP_E_SEC_IMSI (imsi not 1..15 digits), OMACP_E_NOMEM (workspace too
 * small), or the omacp_state_load error for a corrupt, truncated or foreign
 * blob.  On any error c is unusable (every other call returns OMACP_E_STATE)
 * and nothing was saved.
 */
omacp_err omacp_client_init(omacp_client *c, const omacp_client_config *cfg,
                            uint8_t *work, size_t work_len,
                            const uint8_t *blob, size_t blob_len);

/*
 * Discard c: every byte of it is set to zero in a way the compiler does not
 * drop (the IMSI, the prepared NETWPIN key, the states).  The workspace is
 * not touched (it holds messages, no keys).  c may be initialised again;
 * every other call returns OMACP_E_STATE until then.  c NULL: nothing.
 */
void omacp_client_wipe(omacp_client *c);

/*
 * Feed one SMS: ud[0..ud_len) is its TP-UD including the UDH (TP-UDHI set),
 * originator the sender address (NUL-terminated; NULL = unknown), now the
 * host time in seconds.  ud is only read during the call.
 * Returns:
 *   OMACP_MORE      a segment was stored; nothing else happened.
 *   OMACP_NOT_PUSH  no port, or not the push port: pass the SMS on.
 *   OMACP_NEED_PIN  the message waits in the (saved) state for
 *                   omacp_client_pin.  A message already waiting is
 *                   replaced by the new one.
 *   OMACP_ACCEPTED  the document was applied and the new state saved.
 *   OMACP_REJECTED  refused (policy, replay, MAC mismatch, roles, CSP,
 *                   invalid document): the result says which and why; the
 *                   state is unchanged.
 *   negative        malformed input (OMACP_E_UDH, _CONCAT, _CONFLICT,
 *                   _WSP, _WSP_PDU_TYPE, _CONTENT_TYPE, _SEC_NO_MAC,
 *                   _SEC_MAC_MALFORMED, _SEC_METHOD, a WBXML / XML / document
 *                   error, _NOMEM for a document the workspace cannot hold,
 *                   _LIMIT for a PIN message bigger than the pending slot):
 *                   the message is discarded and the state is unchanged; or
 *                   the error save_state returned (state unchanged);
 *                   OMACP_E_STATE before a successful init.
 * The result (omacp_client_result) describes every outcome but MORE and
 * NOT_PUSH, which leave it cleared (except pin_attempts_left).  Its roles
 * are the final roles (with the grants of 4119 / 4120) when the document
 * reached the Configuration Manager, else the origin and authentication
 * roles only: nothing is granted to a message that is not accepted.
 * An authentication failure is OMACP_REJECTED with code
 * OMACP_E_SEC_MISMATCH (MAC), OMACP_E_PIN_EXHAUSTED or OMACP_E_SEC_IMSI
 * (no IMSI configured), so a host can tell it from a policy refusal.
 */
omacp_err omacp_client_sms(omacp_client *c, const char *originator,
                           const uint8_t *ud, size_t ud_len, uint32_t now);

/*
 * Submit the user's PIN (NUL-terminated; for USERPINMAC the whole 2n-digit
 * K || m) for the pending message.  The message is evaluated again against
 * the state now in force (policies may have changed since it arrived).
 * Returns:
 *   OMACP_ACCEPTED / OMACP_REJECTED  as for omacp_client_sms; the pending
 *                   message is gone either way.
 *   OMACP_NEED_PIN  wrong PIN: one attempt spent (saved); attempts remain
 *                   (result: pin_attempts_left).
 *   OMACP_REJECTED  wrong PIN and the 4105 attempts are spent: the message
 *                   is discarded, reason OMACP_E_PIN_EXHAUSTED.
 *   negative        OMACP_E_NO_PENDING (nothing waits), OMACP_E_SEC_PIN (the
 *                   PIN has the wrong length or characters: no attempt is
 *                   spent), the save_state error, or a malformed body
 *                   (the pending message is then discarded).
 */
omacp_err omacp_client_pin(omacp_client *c, const char *pin, uint32_t now);

/* Drop the pending message (the user declined).  OMACP_OK,
 * OMACP_E_NO_PENDING, or the save_state error. */
omacp_err omacp_client_cancel_pin(omacp_client *c);

/* 1 when a message waits for a PIN, else 0. */
int omacp_client_pending(const omacp_client *c);

/*
 * The outcome of the last omacp_client_sms / _pin call: verdict, reason
 * code and one-line reason, SEC method, roles, manager flag, per-item
 * status, PIN attempts left.  Points into c; valid until the next call.
 */
const omacp_result *omacp_client_result(const omacp_client *c);

/* The state in force (read only; points into c). */
const omacp_state *omacp_client_state(const omacp_client *c);

/*
 * Serialize the state in force into out[0..cap); *len = its size (also when
 * out is NULL, to measure).  OMACP_E_NOMEM if cap is too small.
 * OMACP_STATE_BLOB_MAX always suffices.
 */
omacp_err omacp_client_state_blob(const omacp_client *c, uint8_t *out,
                                  size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_CLIENT_H */
