/* Built-in CSP: PXLOGICAL / PXPHYSICAL (known and trusted PPG addresses). */
#include <string.h>
#include "omacp/csp.h"
#include "csp_int.h"

/* Present with no value or a value other than "0". */
static int flag_set(const omacp_node *p)
{
	const omacp_slice *v;
	if (p == NULL)
		return 0;
	v = OMACP__ATTR(p, "value");
	return v->ptr == NULL || !OMACP__IS(v, "0");
}

/* The first parm child of n named by the i-th entry of the length-prefixed
 * list names in out[i] (NULL: none), i < 3. */
static void parms3(const omacp_node *n, const char *names,
                   const omacp_node *out[3])
{
	const omacp_node *c;
#if OMACP__CM_FAST
	uint32_t lens = 0;      /* bit n for each name of n < 32 bytes */
	const char *k;
	for (k = names; *k != '\0'; k += (uint8_t)*k + 1)
		lens |= 1u << ((uint8_t)*k & 31u);
#endif
	out[0] = out[1] = out[2] = NULL;
	for (c = n->first; c != NULL; c = c->next) {
		const omacp_slice *nm;
		const char *l;
		size_t i;
		if (c->elem != OMACP_ELEM_PARM)
			continue;
		nm = OMACP__ATTR(c, "name");
#if OMACP__CM_FAST
		if (nm->len >= 32 || !((lens >> nm->len) & 1u))
			continue;       /* no name of this length */
#endif
		for (i = 0, l = names; *l != '\0'; l += (uint8_t)*l + 1, i++) {
#if OMACP__CM_FAST
			if (nm->len != (uint8_t)*l)
				continue;   /* another length: skip the call */
#endif
			if (out[i] == NULL && omacp__is(nm, l + 1, (uint8_t)*l))
				out[i] = c;
		}
	}
}

static const char lg_names[] = "\005TRUST\013PUSHENABLED";
static const char ph_names[] = "\012PXADDRTYPE\006PXADDR\013PUSHENABLED";

/* For PXPHYSICAL ph of a PXLOGICAL whose TRUST and PUSHENABLED parms are
 * lgp[0], lgp[1]: -1 when it is not an E164 proxy with a PXADDR; else the PPG
 * flags it asks for (0 = not push-enabled), its PXADDR parm in *ap. */
static int phys_flags(const omacp_node *const lgp[3], const omacp_node *ph,
                      const omacp_node **ap)
{
	const omacp_node *p[3];
	const omacp_slice *tv;
	int f = 0;
	parms3(ph, ph_names, p);
	if (p[0] == NULL || p[1] == NULL)
		return -1;
	tv = OMACP__ATTR(p[0], "value");
	if (tv->len != 4 || !omacp__ieq((const char *)tv->ptr, "E164", 4))
		return -1;
	*ap = p[1];
	if (flag_set(p[2] != NULL ? p[2] : lgp[1])) {
		f = (int)OMACP_PPG_PUSH;
		if (flag_set(lgp[0]))
			f |= (int)OMACP_PPG_TRUSTED;
	}
	return f;
}

/* A PXPHYSICAL that is not dropped; scope: omacp__drop_scope(call). */
static int is_phys(const omacp_csp_call *call, int scope, const omacp_node *n)
{
	return OMACP__CHAR_IS(n, "PXPHYSICAL") &&
	       !(scope && omacp__phys_dropped(call, n));
}

/* 1 when the call's run proved that its document has no TRUST parm and no
 * PXADDRTYPE E164 parm: no PXLOGICAL is trusted and no PXPHYSICAL is a PPG
 * (phys_flags is -1 for each), so validate and apply only chain. */
static int idle(const omacp_csp_call *call)
{
#if OMACP__CM_FAST
	return call->run_ != NULL && call->run_->px_idle;
#else
	(void)call;
	return 0;
#endif
}

static omacp_err deny_trust(omacp_csp_call *call, const omacp_node *n)
{
	uint32_t need = omacp_policy_get(call->policy,
	                                 OMACP_POLICY_TRUSTED_WAP_PROXY);
	if (call->roles & need)
		return OMACP_OK;
	call->err_node = n;
	call->policy_id = OMACP_POLICY_TRUSTED_WAP_PROXY;
	omacp__fmt(call->desc, sizeof call->desc,
	           "trusted PPG needs one of the roles %x of policy 4121", need);
	return OMACP_E_ROLE;
}

static omacp_err px_validate(void *user, omacp_csp_call *call)
{
	const omacp_node *lg = call->node, *ph, *lgp[3];
	const omacp_state *old = call->policy->state;
	omacp_err e;
	int scope;
	if (lg->elem != OMACP_ELEM_CHARACTERISTIC) {
		omacp__desc(call, "only characteristic is supported");
		return OMACP_E_UNSUPPORTED;
	}
	if (idle(call))
		return omacp__chain_validate(user, call);
	parms3(lg, lg_names, lgp);
	if (lgp[0] != NULL && (e = deny_trust(call, lgp[0])) != OMACP_OK)
		return e;
	scope = omacp__drop_scope(call);
	for (ph = lg->first; ph != NULL; ph = ph->next) {
		const omacp_slice *a;
		const omacp_node *ap;
		const omacp_state_ppg *g;
		int f;
		if (!is_phys(call, scope, ph) || (f = phys_flags(lgp, ph, &ap)) < 0)
			continue;
		a = OMACP__ATTR(ap, "value");
		if (a->len == 0 || a->len > OMACP_MAX_ADDR ||
		    memchr(a->ptr, 0, a->len) != NULL) {
			call->err_node = ap;
			omacp__desc(call, "PXADDR empty or too long");
			return OMACP_E_LIMIT;
		}
		g = old != NULL ? omacp_state_ppg_find(old, (const char *)a->ptr,
		                                       a->len)
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
	const omacp_node *lg = call->node, *ph, *lgp[3], *ap;
	omacp_err e;
	int scope;
	if (idle(call))
		return omacp__chain_apply(user, call);
	scope = omacp__drop_scope(call);
	parms3(lg, lg_names, lgp);
	for (ph = lg->first; ph != NULL; ph = ph->next) {
		const omacp_slice *a;
		int f;
		if (!is_phys(call, scope, ph) || (f = phys_flags(lgp, ph, &ap)) < 0)
			continue;
		a = OMACP__ATTR(ap, "value");
		if (f == 0) {
			omacp_state_ppg_remove(call->state, (const char *)a->ptr, a->len);
			continue;
		}
		e = omacp_state_ppg_set(call->state, (const char *)a->ptr, a->len,
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
