/*
 * omacp/policy.h - security roles, security policies and their profiles,
 * role assignment for a received push, the accept/reject decision, grants,
 * and the verdict record (omacp_result) shared with csp.h and client.h.
 *
 * Model (Windows Mobile 6.x; see reference/wm-security-model.md):
 *   roles = origin roles (where the push came from)
 *         | authentication roles (the SEC method, once the MAC verifies)
 *   the signed-message policy of the SEC method (4141 / 4142 / 4143), or
 *   4110 for unsigned messages, and then 4111, must share a role with it;
 *   final roles = roles | MANAGER if roles & 4119 | USER_AUTH if roles & 4120.
 * Roles are fixed when a message is accepted: policy changes made by that
 * message's document apply from the next message on.
 *
 * Nothing here allocates or keeps pointers beyond a call, except
 * omacp_policy, which keeps its `state` pointer (see there).
 */
#ifndef OMACP_POLICY_H
#define OMACP_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"
#include "state.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ roles */

#define OMACP_ROLE_NONE 0x0000u
#define OMACP_ROLE_OEM 0x0002u
#define OMACP_ROLE_OPERATOR 0x0004u         /* NETWPIN-signed             */
#define OMACP_ROLE_MANAGER 0x0008u          /* granted via 4119 (or local) */
#define OMACP_ROLE_USER_AUTH 0x0010u        /* USERPIN-signed             */
#define OMACP_ROLE_ENTERPRISE 0x0020u
#define OMACP_ROLE_USER_UNAUTH 0x0040u      /* unsigned                   */
#define OMACP_ROLE_OPERATOR_TPS 0x0080u     /* from the TPS via a trusted PPG */
#define OMACP_ROLE_KNOWN_PPG 0x0100u        /* sender = push-enabled PXADDR */
#define OMACP_ROLE_TRUSTED_PPG 0x0200u      /* ... whose PXLOGICAL had TRUST */
#define OMACP_ROLE_PPG_AUTH 0x0400u         /* Push-Flag 0x01 from a trusted PPG */
#define OMACP_ROLE_PPG_TRUSTED 0x0800u      /* Push-Flag 0x02 from a trusted PPG */
#define OMACP_ROLE_ANY_PUSH_SOURCE 0x1000u  /* every push                 */

#define OMACP_ROLES_ORIGIN                                                    \
	(OMACP_ROLE_OPERATOR_TPS | OMACP_ROLE_KNOWN_PPG | OMACP_ROLE_TRUSTED_PPG | \
	 OMACP_ROLE_PPG_AUTH | OMACP_ROLE_PPG_TRUSTED | OMACP_ROLE_ANY_PUSH_SOURCE)
#define OMACP_ROLES_AUTHENTICATION                                            \
	(OMACP_ROLE_OEM | OMACP_ROLE_OPERATOR | OMACP_ROLE_MANAGER |              \
	 OMACP_ROLE_USER_AUTH | OMACP_ROLE_ENTERPRISE | OMACP_ROLE_OPERATOR_TPS | \
	 OMACP_ROLE_USER_UNAUTH)
#define OMACP_ROLES_ALL 0xFFFFFFFFu

/* Push-Flag bits (WAP-189) */
#define OMACP_PUSHFLAG_AUTHENTICATED 0x01  /* initiator URI authenticated */
#define OMACP_PUSHFLAG_TRUSTED 0x02        /* content trusted            */
#define OMACP_PUSHFLAG_LAST 0x04

/* The name of one role bit ("MANAGER", "ANY_PUSH_SOURCE"), or NULL if bit is
 * not exactly one known role.  Static constant storage. */
const char *omacp_role_name(uint32_t bit);

/*
 * Names of every role in `roles`, lowest bit first, joined by '|'
 * ("OPERATOR|USER_AUTH|ANY_PUSH_SOURCE"; unknown bits as 0x...; "NONE" for
 * 0), NUL-terminated in out[0..cap).  Returns the length the full text needs
 * (without NUL); when that is >= cap the text is truncated (still
 * NUL-terminated if cap > 0).
 */
size_t omacp_role_names(uint32_t roles, char *out, size_t cap);

/* --------------------------------------------------------------- policies */

#define OMACP_POLICY_TPS 4104u              /* 1: OPERATOR_TPS may be given */
#define OMACP_POLICY_PIN_RETRIES 4105u      /* PIN attempts per message   */
#define OMACP_POLICY_UNAUTH_MESSAGES 4110u  /* role mask for unsigned     */
#define OMACP_POLICY_OTA_PROVISIONING 4111u /* role mask for any provisioning */
#define OMACP_POLICY_GRANT_MANAGER 4119u    /* roles granted MANAGER      */
#define OMACP_POLICY_GRANT_USER_AUTH 4120u  /* roles granted USER_AUTH    */
#define OMACP_POLICY_TRUSTED_WAP_PROXY 4121u /* roles that may set PXLOGICAL TRUST */
#define OMACP_POLICY_NETWPIN_PROMPT 4132u   /* 0: prompt for pure NETWPIN (host UI) */
#define OMACP_POLICY_NETWPIN_MSG 4141u      /* role mask, NETWPIN         */
#define OMACP_POLICY_USERPIN_MSG 4142u      /* role mask, USERPIN/USERPINMAC */
#define OMACP_POLICY_USERNETWPIN_MSG 4143u  /* role mask, USERNETWPIN     */

/*
 * Profiles: the factory defaults of every policy not overridden in the state.
 *
 * OMACP_PROFILE_WM65 - a Windows Mobile 6.5 Professional phone as shipped:
 *   4104 = 1, 4105 = 3, 4110 = 1152 (PPG_AUTH|OPERATOR_TPS, the "faithful
 *   configuration" of the reference; WM leaves it open), 4111 = 4096
 *   (ANY_PUSH_SOURCE: the WM6 bootstrap procedure never touches 4111, so the
 *   signed-message policies do the gating), 4119 = 160
 *   (OPERATOR_TPS|ENTERPRISE), 4120 = 16 (USER_AUTH), 4121 = 8 (MANAGER),
 *   4132 = 0, 4141 = 4142 = 4143 = 3200 (PPG_TRUSTED|PPG_AUTH|OPERATOR_TPS):
 *   OTA bootstrap is closed until the OEM sets 4119 = 132 and 4143 = 7296.
 * OMACP_PROFILE_OMA - plain ProvBoot: 4141 = 4142 = 4143 = 4096 (a signed
 *   message from any source is accepted when its MAC verifies), 4110 = 0
 *   (unsigned messages rejected), 4111 = 4096, 4132 = 1 (no NETWPIN prompt),
 *   4104 = 1, 4105 = 3, 4119 = 128 (only the TPS is Manager), 4120 = 16,
 *   4121 = 8.
 * Any other policy id defaults to 0 in both.
 */
typedef enum omacp_profile {
	OMACP_PROFILE_WM65 = 0,
	OMACP_PROFILE_OMA = 1
} omacp_profile;

/* The profile's default for policy id, 0 for ids the profile does not list
 * or an unknown profile. */
uint32_t omacp_policy_default(omacp_profile profile, uint32_t id);

/* "wm65" / "oma" -> profile (exact, lower case).  OMACP_E_ARG if neither. */
omacp_err omacp_profile_lookup(const char *name, omacp_profile *out);
/* "wm65", "oma", or NULL. */
const char *omacp_profile_name(omacp_profile p);

/* ------------------------------------------------------- knobs (options) */

/* Option flags (omacp_policy_opts.flags).  All zero = the defaults. */
/* Honour Push-Flag bits from a known but untrusted PPG too (default: only
 * from a trusted PPG, since anyone can send an SMS with any Push-Flag). */
#define OMACP_OPT_PUSHFLAG_FROM_KNOWN 0x01u
/* OPERATOR_TPS needs Push-Flag 0x01 and 0x02 (default: 0x01 only). */
#define OMACP_OPT_TPS_NEEDS_TRUSTED 0x02u
/* Unknown top-level characteristic types (no CSP registered) are ignored
 * (default: they reject the whole document, like a characteristic-error). */
#define OMACP_OPT_UNKNOWN_IGNORE 0x04u
/* Skip the OTA-provisioning gate 4111. */
#define OMACP_OPT_NO_4111 0x08u
/* Policy 4120 may also be changed by USER_AUTH (the WM2003 rule; default:
 * MANAGER only, like every other policy). */
#define OMACP_OPT_4120_USER_AUTH 0x10u

typedef struct omacp_policy_opts {
	unsigned flags;             /* OMACP_OPT_*                            */
	/* Address matching (KNOWN_PPG).  Both addresses are normalised: one
	 * leading '+' or else one leading "00" (international prefix) is
	 * removed.  0: the rest must be equal byte for byte.  N > 0: when both
	 * rests have at least N characters only their last N are compared
	 * (matches "+4917612345678" with "017612345678" for N = 10), else the
	 * whole rests must be equal.  An empty address never matches. */
	unsigned addr_digits;
	/* Roles a BOOTSTRAP needs once the device is bootstrapped (a further
	 * bootstrap, i.e. a new TPS); 0 = OPERATOR_TPS|MANAGER (ProvBoot: only
	 * the TPS, or the device manager, may re-bootstrap). */
	uint32_t rebootstrap_roles;
} omacp_policy_opts;

/*
 * The policy context: profile, options, and the state whose overrides and
 * stored TPS/PPG records are in force.  `state` is kept by pointer (may be
 * NULL: no overrides, nothing stored) and must outlive the context's use.
 */
typedef struct omacp_policy {
	omacp_profile profile;
	omacp_policy_opts opts;
	const omacp_state *state;
} omacp_policy;

/* Fill p; opts NULL means all defaults (copied, not kept).  Cannot fail. */
void omacp_policy_init(omacp_policy *p, omacp_profile profile,
                       const omacp_policy_opts *opts, const omacp_state *state);

/* The value in force: the state's override, else the profile default. */
uint32_t omacp_policy_get(const omacp_policy *p, uint32_t id);

/* Roles of which a message needs one to change policy id through
 * SecurityPolicy: MANAGER (4120: MANAGER|USER_AUTH with
 * OMACP_OPT_4120_USER_AUTH). */
uint32_t omacp_policy_change_roles(const omacp_policy *p, uint32_t id);

/* 0 when `value` is acceptable for policy id, else OMACP_E_LIMIT
 * (4104: 0..1; 4105: 1..256; everything else: any 32-bit value). */
omacp_err omacp_policy_check_value(uint32_t id, uint32_t value);

/* ------------------------------------------------------------- matching */

/* 1 when the addresses match under opts->addr_digits (rules above; opts may
 * be NULL = exact).  a, b are n bytes each (not NUL-terminated). */
int omacp_addr_match(const omacp_policy_opts *opts, const char *a, size_t na,
                     const char *b, size_t nb);

/*
 * 1 when two URIs denote the same TPS: the scheme and authority (everything
 * before the first '/', '?' or '#' after "://") compare case-insensitively,
 * the rest case-sensitively, and one trailing '/' on either side is
 * ignored ("HTTP://TPS.example.com/" matches "http://tps.example.com").
 * URIs without "://" compare exactly.
 */
int omacp_uri_match(const char *a, size_t na, const char *b, size_t nb);

/* ---------------------------------------------------- role assignment */

/* What the engine needs to know about a received push. */
typedef struct omacp_msg {
	const char *originator;  /* SMS originating address, NUL-terminated;
	                            NULL or "" when unknown                   */
	int sec;                 /* OMACP_SEC_* of sec.h; -1 = unsigned     */
	int push_flag;           /* Push-Flag value, -1 when absent          */
	omacp_slice initiator;   /* X-Wap-Initiator-URI; ptr NULL if absent  */
} omacp_msg;

/*
 * Origin roles of m: ANY_PUSH_SOURCE always; KNOWN_PPG when the originator
 * matches a push-enabled PPG of p->state; TRUSTED_PPG when that PPG is
 * trusted; PPG_AUTH / PPG_TRUSTED for Push-Flag 0x01 / 0x02 from a trusted
 * PPG (or a known one with OMACP_OPT_PUSHFLAG_FROM_KNOWN); OPERATOR_TPS when
 * 4104 = 1, the PPG is trusted, PPG_AUTH is set (and PPG_TRUSTED with
 * OMACP_OPT_TPS_NEEDS_TRUSTED) and the initiator matches a stored PROVURL
 * (omacp_uri_match).
 */
uint32_t omacp_policy_origin_roles(const omacp_policy *p, const omacp_msg *m);

/* Authentication roles of a SEC method, assuming its MAC verifies:
 * NETWPIN OPERATOR; USERPIN USER_AUTH; USERNETWPIN OPERATOR|USER_AUTH;
 * USERPINMAC USER_AUTH; unsigned (-1) USER_UNAUTH; anything else 0. */
uint32_t omacp_policy_auth_roles(int sec);

/* The policy deciding a message of this SEC method: 4141, 4142 (USERPIN and
 * USERPINMAC), 4143, 4110 for unsigned; 0 for an invalid method. */
uint32_t omacp_policy_for_sec(int sec);

/* roles plus the grants: MANAGER if roles & 4119, USER_AUTH if
 * roles & 4120. */
uint32_t omacp_policy_effective_roles(const omacp_policy *p, uint32_t roles);

/* ----------------------------------------------------------- the verdict */

#ifndef OMACP_REASON_MAX
#define OMACP_REASON_MAX 192        /* bytes of the one-line reason, NUL incl. */
#endif
#ifndef OMACP_RESULT_MAX_CHARS
#define OMACP_RESULT_MAX_CHARS 16   /* top-level items recorded per document  */
#endif
#ifndef OMACP_RESULT_TYPE_MAX
#define OMACP_RESULT_TYPE_MAX 24    /* bytes of a recorded type, NUL included  */
#endif

typedef enum omacp_char_status {
	OMACP_CHAR_PENDING = 0,     /* not reached (processing stopped before) */
	OMACP_CHAR_APPLIED = 1,     /* applied and committed (queries: answered) */
	OMACP_CHAR_REJECTED = 2,    /* this item made the document fail         */
	OMACP_CHAR_IGNORED = 3,     /* dropped: unknown type (knob) or ProvCont
	                               validation dropped it                    */
	OMACP_CHAR_NOT_APPLIED = 4  /* valid, but another item failed: not
	                               applied, or applied and rolled back      */
} omacp_char_status;

typedef struct omacp_char_result {
	char type[OMACP_RESULT_TYPE_MAX];  /* the type attribute, NUL-terminated,
	                                      truncated if longer              */
	uint8_t elem;                      /* omacp_elem: characteristic,
	                                      characteristic-query or
	                                      nocharacteristic                  */
	uint8_t status;                    /* omacp_char_status                 */
	omacp_err err;                     /* why REJECTED; else OMACP_OK       */
} omacp_char_result;

/*
 * The outcome of one message.  Filled step by step: omacp_policy_evaluate
 * (roles, policy decision), the client (PIN state), omacp_cm_process
 * (document).  Plain data; the caller owns it.
 */
typedef struct omacp_result {
	omacp_err verdict;       /* OMACP_ACCEPTED, OMACP_REJECTED, or a client
	                            outcome (OMACP_NEED_PIN, ...); 0 = none yet */
	omacp_err code;          /* what decided: OMACP_OK when accepted, else
	                            OMACP_E_POLICY, _ROLE, _CSP, _CSP_UNKNOWN,
	                            _DOC_*, _REPLAY, _SEC_MISMATCH, ...         */
	uint32_t policy;         /* policy id that decided, 0 if none         */
	int sec;                 /* SEC method, -1 unsigned                   */
	uint32_t base_roles;     /* origin | authentication roles             */
	uint32_t roles;          /* final roles (after grants)                */
	int manager;             /* roles include MANAGER                     */
	unsigned pin_attempts_left;
	char reason[OMACP_REASON_MAX];  /* one line, NUL-terminated: "accepted:
	                            ..." or "rejected: ..." naming the decider */
	size_t n_chars;          /* entries used in chars[]                   */
	size_t n_chars_total;    /* top-level items in the document (may be
	                            more than OMACP_RESULT_MAX_CHARS)          */
	omacp_char_result chars[OMACP_RESULT_MAX_CHARS];
} omacp_result;

/* Clear r: verdict 0, code OK, sec -1, empty reason, no chars. */
void omacp_result_init(omacp_result *r);

/*
 * The policy decision for message m, taken BEFORE the MAC is checked (so a
 * message that would be refused never prompts for a PIN); the roles assume
 * the MAC will verify (the caller must discard the message if it does
 * not).  Steps:
 *   1. base = origin roles | authentication roles.
 *   2. the SEC method's policy (4141/4142/4143; 4110 unsigned): base & value
 *      must be non-zero.
 *   3. 4111 (unless OMACP_OPT_NO_4111): base & value must be non-zero.
 *   4. roles = omacp_policy_effective_roles(base).
 * Fills res->sec, base_roles, roles, manager, policy, code, verdict and the
 * reason line, e.g.
 *   "rejected: USERPIN message from 15551234 has none of the roles 0xC80
 *    required by policy 4142 (roles 0x1010)"
 *   "accepted: USERNETWPIN message from 9201612 allowed by policy 4143
 *    (roles 0x1014, final 0x101C)"
 * Leaves res->chars and pin_attempts_left alone.
 * Returns OMACP_ACCEPTED or OMACP_REJECTED (code OMACP_E_POLICY), or
 * OMACP_E_SEC_METHOD for a sec value that is none of the four (res then
 * says "rejected: ... invalid SEC").
 */
omacp_err omacp_policy_evaluate(const omacp_policy *p, const omacp_msg *m,
                                omacp_result *res);

/* PIN attempts left for the pending message of st under policy 4105
 * (0 when spent). */
unsigned omacp_policy_pin_attempts_left(const omacp_policy *p,
                                        const omacp_state *st);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_POLICY_H */
