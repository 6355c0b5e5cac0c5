/* Internal helpers shared by the Configuration Manager and the built-in CSPs. */
#ifndef OMACP_CSP_INT_H
#define OMACP_CSP_INT_H

#include "omacp/csp.h"

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

/* 1 when n has attribute `name` equal to s. */
int omacp__attr_is(const omacp_node *n, const char *name, const char *s);

#endif
