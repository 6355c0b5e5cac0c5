/*
 * omacp/csp.h - the Configuration Manager: ProvCont validation, the CSP
 * registry with its metabase role masks, all-or-nothing dispatch, queries,
 * the Windows-Mobile-style result document, and the built-in CSPs
 * (BOOTSTRAP, PXLOGICAL, SecurityPolicy).
 *
 * omacp_cm_process() runs one accepted document:
 *   0. ProvCont validation (omacp_cm_validate_doc, rules below).
 *   1. for every top-level item in document order: find its CSP (unknown
 *      type: reject, or ignore with OMACP_OPT_UNKNOWN_IGNORE); check the
 *      metabase for the item and every node below it; call validate.
 *   2. apply for every item in document order.
 *   3. save_state(new state).
 *   4. commit for every item in document order.
 * Any failure in 0-3 rolls back every applied item in reverse order (each
 * exactly once), restores *new_state to a byte copy of *old_state, and the
 * verdict is OMACP_REJECTED.  A rejected document never reaches apply.
 * No heap, no recursion: the tree is walked iteratively.
 *
 * ---- ProvCont validation (oma-cp-facts.md 5.6-5.7) -------------------
 * REJECTS the document:
 *   OMACP_E_DOC_STRUCTURE  root is not wap-provisioningdoc, or a
 *     wap-provisioningdoc / any *-error element appears below it; a parm,
 *     noparm or parm-query at the root or with children; a
 *     characteristic-query or nocharacteristic with children; an OMA
 *     child-only type (PXPHYSICAL, PORT, PXAUTHINFO, NAPAUTHINFO, VALIDITY,
 *     APPADDR, APPAUTH, RESOURCE) at the root; inside a top-level
 *     characteristic of an OMA type (PXLOGICAL, NAPDEF, BOOTSTRAP,
 *     VENDORCONFIG, CLIENTIDENTITY, ACCESS, APPLICATION) a child
 *     characteristic that 5.6 does not allow under its parent
 *     (PXLOGICAL: PXPHYSICAL, PORT, PXAUTHINFO; PXPHYSICAL: PORT; NAPDEF:
 *     NAPAUTHINFO, VALIDITY; APPLICATION: APPADDR, APPAUTH, RESOURCE;
 *     APPADDR: PORT; others: none).
 *   OMACP_E_DOC_ATTR  a characteristic (or -query, no-) without "type", a
 *     parm (or -query, no-) without "name".
 *   OMACP_E_DOC_INVALID  an OMA characteristic lacks a required parm:
 *     PXLOGICAL PROXY-ID, NAME and >= 1 PXPHYSICAL; PXPHYSICAL
 *     PHYSICAL-PROXY-ID, PXADDR, >= 1 TO-NAPID; NAPDEF NAPID, NAME;
 *     PORT PORTNBR; PXAUTHINFO PXAUTH-TYPE; NAPAUTHINFO AUTHTYPE;
 *     APPLICATION APPID; APPADDR ADDR; RESOURCE URI; CLIENTIDENTITY
 *     CLIENT-ID; VENDORCONFIG NAME; ACCESS RULE.
 *   Exemption: a characteristic with mwid="1", or with a child that has
 *   mwid="1" (a Windows Mobile update path such as NAPDEF/<NAPID>) or is a
 *   parm-query, noparm, characteristic-query or nocharacteristic (a query
 *   or delete, not a full definition), and everything below it, is not
 *   checked for nesting, required parms or dangling references.
 * DROPS (ignores; the document goes on), see omacp_cm_dropped():
 *   a TO-NAPID whose value is neither "INTERNET" nor the NAPID of a
 *   top-level NAPDEF of the same document; a TO-PROXY that names no PROXY-ID
 *   of a top-level PXLOGICAL of the document; a PXPHYSICAL whose TO-NAPIDs
 *   are all dropped; a PXLOGICAL whose PXPHYSICALs are all dropped (its
 *   top-level status is then OMACP_CHAR_IGNORED and no CSP sees it).
 * KEPT for the CSP to judge: unknown parm names, duplicate parms (the
 *   lookup helpers of doc.h return the first), vendor characteristic types
 *   at the root and anything inside a non-OMA top-level characteristic.
 *
 * ---- Metabase -----------------------------------------------------------
 * Each node of an item is checked against its CSP: writes (characteristic,
 * nocharacteristic, parm, noparm) need final roles & write mask != 0,
 * queries (characteristic-query, parm-query) need roles & read mask != 0.
 * The mask is that of the most specific matching omacp_mb_entry, else the
 * CSP's characteristic-level masks (characteristic nodes) or parm-level
 * masks (parm nodes).  A denial rejects the document with OMACP_E_ROLE.
 */
#ifndef OMACP_CSP_H
#define OMACP_CSP_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "event.h"
#include "doc.h"
#include "state.h"
#include "policy.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef OMACP_CSP_DESC_MAX
#define OMACP_CSP_DESC_MAX 64   /* bytes of a CSP's failure description */
#endif

/*
 * OMACP_CM_IMPLICIT_RESULT (build option, default 1): an omacp_cm with
 * result_fn set but result_doc NULL still gets the result document, so the
 * writer (lib/csp_result.c) is always linked with omacp_cm_process.  Build
 * with -DOMACP_CM_IMPLICIT_RESULT=0 to link the writer only into programs
 * that ask for it (result_doc = omacp_cm_result_doc); a result_fn alone
 * then gets nothing.
 */
#ifndef OMACP_CM_IMPLICIT_RESULT
#define OMACP_CM_IMPLICIT_RESULT 1
#endif

/*
 * A more specific metabase entry.  path is relative to the CSP's top-level
 * characteristic: '/'-separated steps, each a characteristic type or (last
 * step) a parm name; "*" matches any one step.  Examples: "TRUST",
 * "PXPHYSICAL/PXADDR", "*" (any direct child).  The entry covers the node the
 * path names and everything below it; the longest matching path wins.
 */
typedef struct omacp_mb_entry {
	const char *path;
	uint32_t read_roles;
	uint32_t write_roles;
} omacp_mb_entry;

/* One run of omacp_cm_process (opaque; lives on its stack during the call). */
typedef struct omacp_cm_run omacp_cm_run;

/*
 * One call into a CSP.  Built by the Configuration Manager on its stack;
 * valid only during the call.  A CSP may set err_node and desc to say what
 * failed (used in the reason line and in the result document).
 */
typedef struct omacp_csp_call {
	const omacp_node *node;       /* the top-level item (characteristic,
	                                 nocharacteristic or characteristic-query) */
	const omacp_doc *doc;         /* the whole document                   */
	unsigned index;               /* item's index among the top-level items */
	uint32_t roles;               /* the message's final roles            */
	const omacp_policy *policy;   /* profile, options, the OLD state in force */
	omacp_state *state;           /* the NEW state: built-ins edit it during
	                                 apply; in query it is read only       */
	const omacp_node *err_node;   /* out: the node that failed (optional) */
	uint32_t policy_id;           /* out: the policy id that decided a
	                                 failure, 0 if none                    */
	char desc[OMACP_CSP_DESC_MAX];/* out: short reason, NUL-terminated    */
	/* private */
	const omacp_cm_run *run_;     /* the run that made the call, or NULL  */
} omacp_csp_call;

/*
 * CSP operations.  `user` is the CSP's user pointer.  Any op may be NULL
 * (treated as success / nothing to do).
 *   validate  check the item; change nothing.  Non-zero rejects the
 *             document before anything is applied.
 *   apply     make the change (reversibly).  Non-zero: this item counts as
 *             not applied; every earlier applied item is rolled back.
 *   commit    make it final; called once per applied item after save_state.
 *             A failure is recorded in the result (code, reason) but cannot
 *             undo the document (the state is already saved).
 *   rollback  undo an apply that succeeded; called at most once per item.
 *   query     answer one query node q (a parm-query or characteristic-query
 *             within or at the item) by emitting the answer elements through
 *             out (use omacp_csp_emit_parm; depth 0 = q's position).  Emit
 *             nothing when the value does not exist (the result document
 *             then says noparm / nocharacteristic).  A non-zero return
 *             becomes a parm-query-error / characteristic-query-error.
 *             Only called when a result document is requested.
 */
typedef struct omacp_csp_ops {
	omacp_err (*validate)(void *user, omacp_csp_call *call);
	omacp_err (*apply)(void *user, omacp_csp_call *call);
	omacp_err (*commit)(void *user, omacp_csp_call *call);
	void (*rollback)(void *user, omacp_csp_call *call);
	omacp_err (*query)(void *user, omacp_csp_call *call, const omacp_node *q,
	                   omacp_event_fn out, void *out_user);
} omacp_csp_ops;

/* A registry entry.  Arrays of these are caller-owned (normally static
 * const); the Configuration Manager keeps only the pointer. */
typedef struct omacp_csp {
	const char *type;          /* top-level type, compared exactly        */
	uint32_t char_read;        /* roles that may query characteristics    */
	uint32_t char_write;       /* roles that may set / delete characteristics */
	uint32_t parm_read;        /* roles that may query parms              */
	uint32_t parm_write;       /* roles that may set / delete parms       */
	const omacp_mb_entry *entries; /* more specific entries, or NULL      */
	size_t n_entries;
	const omacp_csp_ops *ops;
	void *user;
} omacp_csp;

/* An entry whose four masks are all `roles`. */
#define OMACP_CSP(type, roles, ops, user)                                     \
	{ (type), (roles), (roles), (roles), (roles), NULL, 0, (ops), (user) }

/* Emit <parm name=... value=.../> (START and END at depth 0) through out.
 * Returns what out returned.  For query callbacks. */
omacp_err omacp_csp_emit_parm(omacp_event_fn out, void *out_user,
                              const char *name, size_t name_len,
                              const char *value, size_t value_len);

/* Writes the result document of one run (omacp_cm_result_doc). */
typedef omacp_err (*omacp_cm_result_writer)(const omacp_cm_run *run,
                                            int accepted);

/* Receives the new state after every apply succeeded, before any commit;
 * the host persists it.  Non-zero rolls the document back. */
typedef omacp_err (*omacp_save_fn)(void *user, const omacp_state *st);

/*
 * Configuration Manager settings.  Plain data: fill it with
 * omacp_cm_init() and set the optional fields.  Every pointer is kept by
 * the caller and must stay valid while omacp_cm_process runs.
 */
typedef struct omacp_cm {
	const omacp_csp *csps;     /* registry (caller-owned)                 */
	size_t n_csps;
	const omacp_policy *policy;/* profile, options, state in force        */
	omacp_save_fn save_state;  /* optional                                */
	void *save_user;
	omacp_event_fn result_fn;  /* optional result document sink           */
	void *result_user;
	omacp_cm_result_writer result_doc; /* the writer: omacp_cm_result_doc,
	                              or NULL (see OMACP_CM_IMPLICIT_RESULT)  */
} omacp_cm;

/* Set registry and policy; no save_state, no result document. */
void omacp_cm_init(omacp_cm *cm, const omacp_csp *csps, size_t n_csps,
                   const omacp_policy *policy);

/*
 * The CSP for a top-level type (exact match), or NULL.  The pointer is an
 * element of cm->csps.
 */
const omacp_csp *omacp_cm_find(const omacp_cm *cm, omacp_slice type);

/*
 * ProvCont validation alone (rules at the top).  Returns OMACP_OK or the
 * error; when res is non-NULL a rejection fills res->code and res->reason
 * ("rejected: invalid document: PXPHYSICAL lacks PXADDR").  The document is
 * not changed.
 */
omacp_err omacp_cm_validate_doc(const omacp_doc *doc, omacp_result *res);

/* 1 when validation drops node n of doc (rules at the top), else 0. */
int omacp_cm_dropped(const omacp_doc *doc, const omacp_node *n);

/*
 * Process one accepted document with the message's FINAL roles
 * (omacp_policy_effective_roles applied by the caller).
 *
 * *new_state is in/out: on entry it is the starting point (normally a copy of
 * *old_state, plus the caller's own bookkeeping such as the replay entry);
 * built-in CSPs edit it; on OMACP_ACCEPTED it is what save_state received; on
 * any other outcome it is a byte copy of *old_state.  old_state and new_state
 * must be different objects.
 *
 * res: sets verdict, code, reason (on rejection; on acceptance an existing
 * reason from omacp_policy_evaluate is kept, else "accepted: N items
 * applied (roles 0x..)"; a failed commit replaces it with "accepted: but the
 * commit of TYPE failed with error N" and sets res->code), chars[], n_chars,
 * n_chars_total; roles and manager are set
 * from `roles`.  On a rejection res->policy names the policy that
 * decided, if one did (4121 for a TRUST denial, the policy being changed
 * for a SecurityPolicy denial), else it is left alone.  Rejection lines:
 *   "rejected: invalid document: characteristic PXPHYSICAL lacks PXADDR"
 *   "rejected: NAPDEF: parm BEARER needs one of the roles 0x4 to write
 *    (roles 0x8)"                                  (metabase, OMACP_E_ROLE)
 *   "rejected: Locale: no CSP registered for this type"  (_CSP_UNKNOWN)
 *   "rejected: SecurityPolicy: policy 4119 needs one of the roles 0x8 to
 *    change (roles 0x1014)"        (a CSP's desc; without one: "TYPE:
 *    validate|apply failed with error N (roles 0x..)")
 *   "rejected: saving the new state failed with error N"
 *
 * When cm->result_fn is set (and cm->result_doc, or OMACP_CM_IMPLICIT_RESULT
 * is 1; see omacp_cm_result_doc) the result document is emitted through it
 * after the verdict: the input document with every failing node renamed to its
 * *-error twin with a "desc" attribute, queries answered (accepted
 * documents only: parm-query -> parm with value or noparm,
 * characteristic-query -> the CSP's answer or nocharacteristic; a query the
 * CSP fails becomes *-query-error) and everything else unchanged.  An error
 * from result_fn is returned only if the document was accepted (res keeps
 * the verdict).
 *
 * Returns OMACP_ACCEPTED, OMACP_REJECTED (see res->code), or OMACP_E_ARG
 * for NULL arguments, an empty document or old_state == new_state.
 */
omacp_err omacp_cm_process(const omacp_cm *cm, const omacp_doc *doc,
                           uint32_t roles, const omacp_state *old_state,
                           omacp_state *new_state, omacp_result *res);

/*
 * The result document writer, an object of its own (lib/csp_result.c).
 * omacp_cm_process calls it with the run and whether the document was
 * accepted; it emits through cm->result_fn and returns what that returned.
 * To have the result document: cm->result_fn = sink, cm->result_user =
 * its pointer, cm->result_doc = omacp_cm_result_doc (with
 * OMACP_CM_IMPLICIT_RESULT 1, the default, result_doc may stay NULL; with 0
 * the writer links only into programs that name it like this).  Not to be
 * called directly.
 */
omacp_err omacp_cm_result_doc(const omacp_cm_run *run, int accepted);

/* ------------------------------------------------------- built-in CSPs */

/*
 * Each built-in lives in its own object and links only when referenced.
 * Their `user` pointer is either NULL or a `const omacp_csp *` of the host
 * to chain to: after the built-in's own work succeeds each op is forwarded
 * to that CSP's op with that CSP's user (so the host can also store the
 * settings); on rollback the chained CSP is rolled back first.  The
 * built-ins change only the NEW state, so their own rollback is a no-op.
 *
 * BOOTSTRAP (mask 140 = MANAGER|OPERATOR|OPERATOR_TPS, read/write)
 *   validate: needs a PROVURL parm: 1..OMACP_STATE_URL_MAX bytes, scheme
 *   http, https, wsp or wsps (case-insensitive) followed by "://"
 *   (OMACP_E_DOC_INVALID otherwise).  When the OLD state is bootstrapped,
 *   the roles must share one with opts.rebootstrap_roles (default
 *   OPERATOR_TPS|MANAGER), else OMACP_E_ROLE "already bootstrapped".
 *   nocharacteristic: OMACP_E_UNSUPPORTED.
 *   apply: the first BOOTSTRAP item of the document clears the stored
 *   PROVURLs (a bootstrap replaces the TPS context); every PROVURL parm is
 *   added; the bootstrapped flag is set.  NAME, PROXY-ID, CONTEXT-ALLOW,
 *   COUNTRY, NETWORK are left to a chained CSP.
 *   query: parm-query PROVURL answers the first stored PROVURL.
 *
 * PXLOGICAL (mask 156 = MANAGER|OPERATOR|OPERATOR_TPS|USER_AUTH, r/w)
 *   validate: when the PXLOGICAL has a TRUST parm, or one of its
 *   push-enabled E164 PXPHYSICALs would change or remove a stored trusted
 *   PPG, the roles must share one with policy 4121 (OMACP_E_ROLE naming
 *   4121).  PXADDR longer than OMACP_MAX_ADDR: OMACP_E_LIMIT.
 *   nocharacteristic: OMACP_E_UNSUPPORTED.
 *   apply: for every PXPHYSICAL (not dropped) with PXADDRTYPE "E164"
 *   (case-insensitive): if PUSHENABLED (on the PXPHYSICAL, else on the
 *   PXLOGICAL) is present with a value other than "0", the PXADDR is stored
 *   as a push-enabled PPG, trusted when the PXLOGICAL has TRUST present with
 *   no value or a value other than "0"; otherwise a stored PPG with that
 *   address is removed.  OMACP_E_STATE_FULL when the table is full.
 *
 * SecurityPolicy (metabase masks all roles: the CSP checks each policy)
 *   Children: parm (name = decimal policy id, value = decimal 32-bit
 *   value), noparm (sets the policy to 0), parm-query.  Anything else, a
 *   non-decimal name or value, or a value (noparm: 0) outside
 *   omacp_policy_check_value: OMACP_E_DOC_INVALID.  A characteristic-query
 *   is answered with nothing (nocharacteristic).  Each change needs a
 *   role of omacp_policy_change_roles (MANAGER): otherwise OMACP_E_ROLE
 *   with res->policy = that id.  Queries need the same roles.
 *   apply: a value equal to the profile default removes the override,
 *   other values are stored (OMACP_E_STATE_FULL when full).
 *   query: parm-query ID answers the value in force (NEW state, i.e. after
 *   this document's changes).
 */
extern const omacp_csp_ops omacp_csp_bootstrap_ops;
extern const omacp_csp_ops omacp_csp_pxlogical_ops;
extern const omacp_csp_ops omacp_csp_secpolicy_ops;

#define OMACP_CSP_BOOTSTRAP_ROLES                                             \
	(OMACP_ROLE_MANAGER | OMACP_ROLE_OPERATOR | OMACP_ROLE_OPERATOR_TPS)
#define OMACP_CSP_PXLOGICAL_ROLES                                             \
	(OMACP_ROLE_MANAGER | OMACP_ROLE_OPERATOR | OMACP_ROLE_OPERATOR_TPS |     \
	 OMACP_ROLE_USER_AUTH)

/* Registry entries for the built-ins; the _CHAIN forms forward to `next`
 * (a const omacp_csp * of the host, e.g. one storing the settings). */
#define OMACP_CSP_BOOTSTRAP_CHAIN(next)                                       \
	OMACP_CSP("BOOTSTRAP", OMACP_CSP_BOOTSTRAP_ROLES,                         \
	          &omacp_csp_bootstrap_ops, (void *)(next))
#define OMACP_CSP_PXLOGICAL_CHAIN(next)                                       \
	OMACP_CSP("PXLOGICAL", OMACP_CSP_PXLOGICAL_ROLES,                         \
	          &omacp_csp_pxlogical_ops, (void *)(next))
#define OMACP_CSP_SECURITYPOLICY_CHAIN(next)                                  \
	OMACP_CSP("SecurityPolicy", OMACP_ROLES_ALL, &omacp_csp_secpolicy_ops,   \
	          (void *)(next))
#define OMACP_CSP_BOOTSTRAP OMACP_CSP_BOOTSTRAP_CHAIN(NULL)
#define OMACP_CSP_PXLOGICAL OMACP_CSP_PXLOGICAL_CHAIN(NULL)
#define OMACP_CSP_SECURITYPOLICY OMACP_CSP_SECURITYPOLICY_CHAIN(NULL)

#ifdef __cplusplus
}
#endif

#endif /* OMACP_CSP_H */
