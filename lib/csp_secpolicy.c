/* Built-in CSP: SecurityPolicy (policy changes, each checked against the
 * roles that policy requires). */
#include <string.h>
#include "omacp/csp.h"
#include "csp_int.h"

/* Check child n: *id and *value receive what it sets (noparm: 0). */
static omacp_err check(omacp_csp_call *call, const omacp_node *n, uint32_t *id,
                       uint32_t *value)
{
	const omacp_slice *nm = OMACP__ATTR(n, "name");
	const omacp_slice *v = OMACP__ATTR(n, "value");
	uint32_t need;
	*value = 0;
	call->err_node = n;
	if (n->elem != OMACP_ELEM_PARM && n->elem != OMACP_ELEM_NOPARM &&
	    n->elem != OMACP_ELEM_PARM_QUERY) {
		omacp__desc(call, "only parm, noparm and parm-query allowed");
		return OMACP_E_DOC_INVALID;
	}
	if (!omacp__parse_dec(nm->ptr, nm->len, id)) {
		omacp__desc(call, "policy id is not decimal");
		return OMACP_E_DOC_INVALID;
	}
	if ((n->elem == OMACP_ELEM_PARM && !omacp__parse_dec(v->ptr, v->len, value)) ||
	    (n->elem != OMACP_ELEM_PARM_QUERY &&
	     omacp_policy_check_value(*id, *value) != OMACP_OK)) {
		omacp__fmt(call->desc, sizeof call->desc, "bad value for policy %u",
		           *id);
		return OMACP_E_DOC_INVALID;
	}
	need = omacp_policy_change_roles(call->policy, *id);
	if (!(call->roles & need)) {
		omacp__fmt(call->desc, sizeof call->desc,
		           "policy %u needs one of the roles %x to %s", *id, need,
		           n->elem == OMACP_ELEM_PARM_QUERY ? "read" : "change");
		call->policy_id = *id;
		return OMACP_E_ROLE;
	}
	call->desc[0] = '\0';
	call->err_node = NULL;
	return OMACP_OK;
}

static omacp_err sp_validate(void *user, omacp_csp_call *call)
{
	const omacp_node *n;
	uint32_t id, v;
	if (call->node->elem != OMACP_ELEM_CHARACTERISTIC) {
		omacp__desc(call, "only characteristic is supported");
		return OMACP_E_UNSUPPORTED;
	}
	for (n = call->node->first; n != NULL; n = n->next) {
		omacp_err e = check(call, n, &id, &v);
		if (e != OMACP_OK)
			return e;
	}
	return omacp__chain_validate(user, call);
}

static omacp_err sp_apply(void *user, omacp_csp_call *call)
{
	const omacp_node *n;
	uint32_t id, v;
	omacp_err e;
	for (n = call->node->first; n != NULL; n = n->next) {
		if (n->elem == OMACP_ELEM_PARM_QUERY)
			continue;
		if ((e = check(call, n, &id, &v)) != OMACP_OK)
			return e;
		if (v == omacp_policy_default(call->policy->profile, id)) {
			omacp_state_policy_clear(call->state, id);
		} else if ((e = omacp_state_policy_set(call->state, id, v)) !=
		           OMACP_OK) {
			call->err_node = n;
			omacp__desc(call, "no room for another policy override");
			return e;
		}
	}
	return omacp__chain_apply(user, call);
}

static omacp_err sp_query(void *user, omacp_csp_call *call,
                          const omacp_node *q, omacp_event_fn out,
                          void *out_user)
{
	omacp_policy now;
	const omacp_slice *nm = OMACP__ATTR(q, "name");
	uint32_t id;
	char buf[12];
	if (q->elem != OMACP_ELEM_PARM_QUERY ||
	    !omacp__parse_dec(nm->ptr, nm->len, &id))
		return omacp__chain_query(user, call, q, out, out_user);
	now = *call->policy;
	now.state = call->state;
	omacp__fmt(buf, sizeof buf, "%u", omacp_policy_get(&now, id));
	return omacp_csp_emit_parm(out, out_user, (const char *)nm->ptr, nm->len, buf,
	                           strlen(buf));
}

const omacp_csp_ops omacp_csp_secpolicy_ops = {
	sp_validate, sp_apply, omacp__chain_commit, omacp__chain_rollback,
	sp_query,
};
