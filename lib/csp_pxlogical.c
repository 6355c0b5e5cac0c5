/* Built-in CSP: PXLOGICAL / PXPHYSICAL (known and trusted PPG addresses). */
#include <string.h>
#include "omacp/csp.h"
#include "policy_int.h"
#include "csp_int.h"

/* Present with no value or a value other than "0". */
static int flag_set(const omacp_node *p)
{
	omacp_slice v;
	if (p == NULL)
		return 0;
	v = omacp_node_value(p);
	return v.ptr == NULL || !omacp_slice_eq(v, "0");
}

/* For PXPHYSICAL ph of PXLOGICAL lg: -1 when it is not an E164 proxy with a
 * PXADDR; else the PPG flags it asks for (0 = not push-enabled). */
static int phys_flags(const omacp_node *lg, const omacp_node *ph,
                      omacp_slice *addr)
{
	const omacp_node *t = omacp_node_parm(ph, "PXADDRTYPE");
	const omacp_node *a = omacp_node_parm(ph, "PXADDR");
	const omacp_node *pe = omacp_node_parm(ph, "PUSHENABLED");
	omacp_slice tv;
	int f = 0;
	if (t == NULL || a == NULL)
		return -1;
	tv = omacp_node_value(t);
	if (tv.len != 4 || !omacp__ieq((const char *)tv.ptr, "E164", 4))
		return -1;
	*addr = omacp_node_value(a);
	if (pe == NULL)
		pe = omacp_node_parm(lg, "PUSHENABLED");
	if (flag_set(pe)) {
		f = (int)OMACP_PPG_PUSH;
		if (flag_set(omacp_node_parm(lg, "TRUST")))
			f |= (int)OMACP_PPG_TRUSTED;
	}
	return f;
}

static int is_phys(const omacp_csp_call *call, const omacp_node *n)
{
	return n->elem == OMACP_ELEM_CHARACTERISTIC &&
	       omacp_slice_eq(omacp_node_type(n), "PXPHYSICAL") &&
	       !omacp_cm_dropped(call->doc, n);
}

static omacp_err deny_trust(omacp_csp_call *call, const omacp_node *n)
{
	uint32_t need = omacp_policy_get(call->policy,
	                                 OMACP_POLICY_TRUSTED_WAP_PROXY);
	omacp__line l;
	if (call->roles & need)
		return OMACP_OK;
	call->err_node = n;
	call->policy_id = OMACP_POLICY_TRUSTED_WAP_PROXY;
	omacp__line_init(&l, call->desc, sizeof call->desc);
	omacp__line_str(&l, "trusted PPG needs one of the roles ");
	omacp__line_hex(&l, need);
	omacp__line_str(&l, " of policy 4121");
	return OMACP_E_ROLE;
}

static omacp_err px_validate(void *user, omacp_csp_call *call)
{
	const omacp_node *lg = call->node, *ph, *trust;
	const omacp_state *old = call->policy->state;
	omacp_err e;
	if (lg->elem != OMACP_ELEM_CHARACTERISTIC) {
		omacp__desc(call, "only characteristic is supported");
		return OMACP_E_UNSUPPORTED;
	}
	trust = omacp_node_parm(lg, "TRUST");
	if (trust != NULL && (e = deny_trust(call, trust)) != OMACP_OK)
		return e;
	for (ph = lg->first; ph != NULL; ph = ph->next) {
		omacp_slice a;
		const omacp_state_ppg *g;
		int f;
		if (!is_phys(call, ph) || (f = phys_flags(lg, ph, &a)) < 0)
			continue;
		if (a.len == 0 || a.len > OMACP_MAX_ADDR ||
		    memchr(a.ptr, 0, a.len) != NULL) {
			call->err_node = omacp_node_parm(ph, "PXADDR");
			omacp__desc(call, "PXADDR empty or too long");
			return OMACP_E_LIMIT;
		}
		g = old != NULL ? omacp_state_ppg_find(old, (const char *)a.ptr, a.len)
		                : NULL;
		if (g != NULL && (g->flags & OMACP_PPG_TRUSTED) &&
		    (unsigned)f != g->flags &&
		    (e = deny_trust(call, ph)) != OMACP_OK)
			return e;
	}
	return omacp__chain_validate(user, call);
}

static omacp_err px_apply(void *user, omacp_csp_call *call)
{
	const omacp_node *lg = call->node, *ph;
	omacp_err e;
	for (ph = lg->first; ph != NULL; ph = ph->next) {
		omacp_slice a;
		int f;
		if (!is_phys(call, ph) || (f = phys_flags(lg, ph, &a)) < 0)
			continue;
		if (f == 0) {
			omacp_state_ppg_remove(call->state, (const char *)a.ptr, a.len);
			continue;
		}
		e = omacp_state_ppg_set(call->state, (const char *)a.ptr, a.len,
		                        (unsigned)f);
		if (e != OMACP_OK) {
			call->err_node = ph;
			omacp__desc(call, "no room for another PPG");
			return e;
		}
	}
	return omacp__chain_apply(user, call);
}

const omacp_csp_ops omacp_csp_pxlogical_ops = {
	px_validate, px_apply, omacp__chain_commit, omacp__chain_rollback,
	omacp__chain_query,
};
