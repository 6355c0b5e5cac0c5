/* Internal helpers shared by the Configuration Manager, the result document
 * and the built-in CSPs. */
#ifndef OMACP_CSP_INT_H
#define OMACP_CSP_INT_H

#include "omacp/csp.h"
#include "policy_int.h"

/* The definition cache, the CSP memo, the "plain document" shortcut, the
 * "nothing dropped" proof, the idle PXLOGICAL CSP, the all-roles shortcut
 * of the metabase check, the one-pass validation walk with its reading of
 * the WBXML decoder's node labels and the hashed OMA type lookup are pure
 * fast paths (the results are those of the plain scans); a size-optimised
 * build (-Os) leaves them out. */
#ifndef __OPTIMIZE_SIZE__
#define OMACP__CM_FAST 1
#else
#define OMACP__CM_FAST 0
#endif

/* Definitions (NAPDEF NAPID, PXLOGICAL PROXY-ID of top-level items) kept
 * near the item being processed: a cache in front of the full document scan
 * that resolves TO-NAPID / TO-PROXY.  Every entry is a real definition, so a
 * hit is always right; a miss falls back to the scan unless the cache holds
 * every definition of the document. */
#define OMACP__DEFS 8
#define OMACP__REFS 8   /* TO-NAPID values kept to prove nothing is dropped */
#define OMACP__DEF_NAPID 1u
#define OMACP__DEF_PROXY 2u

typedef struct omacp__defs {
	const omacp_node *ahead;   /* next top-level item not yet looked at  */
	unsigned ahead_idx;        /* its index                               */
	unsigned n;                /* definitions added (ring slot n % size)  */
	const omacp_slice *v[OMACP__DEFS];
	uint8_t kind[OMACP__DEFS];
} omacp__defs;

struct omacp_cm_run {
	const omacp_cm *cm;
	const omacp_doc *doc;
	omacp_policy pol;          /* cm->policy with state = the old state   */
	uint32_t roles;
	omacp_state *ns;
	omacp_result *res;
	const omacp_node *bad;     /* node to mark in the result document     */
#if OMACP__CM_FAST
	omacp__defs defs;
	int plain;                 /* no mwid="1", no query or delete at all  */
	int defs_all;              /* defs holds every definition (ahead NULL) */
	unsigned n_known;          /* leading items whose CSP is known        */
	uint8_t csp_ix[64];        /* item i: 1 + index of its CSP in cm->csps,
	                              0 when skipped (no CSP)                 */
	int nodrop;                /* every TO-NAPID resolves: nothing dropped */
	int px_idle;               /* no parm TRUST, no PXADDRTYPE E164: the
	                              PXLOGICAL CSP has nothing of its own to do */
	unsigned n_refs;           /* TO-NAPID parms of the document          */
	const omacp_slice *refs[OMACP__REFS]; /* the values of the first ones */
#endif
};

/* Forward an op to the chained CSP (`user` is a const omacp_csp * or NULL);
 * success when there is none or it has no such op. */
omacp_err omacp__chain_validate(void *user, omacp_csp_call *call);
omacp_err omacp__chain_apply(void *user, omacp_csp_call *call);
omacp_err omacp__chain_commit(void *user, omacp_csp_call *call);
void omacp__chain_rollback(void *user, omacp_csp_call *call);
omacp_err omacp__chain_query(void *user, omacp_csp_call *call,
                             const omacp_node *q, omacp_event_fn out,
                             void *out_user);

/* Set call->desc to the NUL-terminated text s. */
void omacp__desc(omacp_csp_call *call, const char *s);

/* An empty slice (ptr NULL): what omacp__attr returns for a missing
 * attribute. */
extern const omacp_slice omacp__none;

/* The value of attribute name (len bytes) of n (in n's attribute array);
 * &omacp__none when absent.  Slices go by pointer: a returned struct would
 * go through memory on ARM. */
const omacp_slice *omacp__attr(const omacp_node *n, const char *name,
                               size_t len);
#define OMACP__ATTR(n, lit) omacp__attr((n), (lit), sizeof(lit) - 1u)

/* 1 when *s holds exactly the len bytes of lit. */
int omacp__is(const omacp_slice *s, const char *lit, size_t len);
#define OMACP__IS(s, lit) omacp__is((s), (lit), sizeof(lit) - 1u)

/* 1 when n is a characteristic of type lit. */
int omacp__char_is(const omacp_node *n, const char *lit, size_t len);
#define OMACP__CHAR_IS(n, lit) omacp__char_is((n), (lit), sizeof(lit) - 1u)

/* For the item of a call whose CSP looks at its PXPHYSICAL children: 1 when
 * ProvCont dropping applies to those children (an OMA root type, no Windows
 * Mobile path on the item); may be 0 when the call's run proved that nothing
 * of its document is dropped. */
int omacp__drop_scope(const omacp_csp_call *call);

/* 1 when PXPHYSICAL ph (a child of an item with omacp__drop_scope) is
 * dropped.  call may carry the run's definition cache. */
int omacp__phys_dropped(const omacp_csp_call *call, const omacp_node *ph);

/* Fill c for item number idx of the run. */
void omacp__call_init(const omacp_cm_run *r, omacp_csp_call *c,
                      const omacp_node *item, unsigned idx);

/* The CSP of top-level item, or NULL when it is skipped (dropped, or no CSP;
 * *unknown then says which). */
const omacp_csp *omacp__item_csp(const omacp_cm_run *r,
                                 const omacp_node *item, int *unknown);

/* Call one CSP op for an item of the run (csp.c; external only so that it
 * stays out of line). */
omacp_err omacp__cm_call(omacp_cm_run *r, const omacp_csp *csp,
                         const omacp_node *item, unsigned i, int ph);

/* The label of n: type for characteristics, name for parms. */
const omacp_slice *omacp__label(const omacp_node *n);

#endif
