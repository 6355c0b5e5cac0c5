/* Built-in CSP: BOOTSTRAP (PROVURL -> TPS, the bootstrapped flag). */
#include <string.h>
#include "omacp/csp.h"
#include "csp_int.h"

static int is_provurl(const omacp_node *p)
{
	return p->elem == OMACP_ELEM_PARM &&
	       OMACP__IS(OMACP__ATTR(p, "name"), "PROVURL");
}

/* 1 when v is 1..OMACP_STATE_URL_MAX bytes, no NUL, and starts with
 * http://, https://, wsp:// or wsps:// (scheme case-insensitive). */
static int url_ok(const omacp_slice *v)
{
	static const char *const schemes[4] = { "http://", "https://", "wsp://",
	                                        "wsps://" };
	size_t i;
	if (v->ptr == NULL || v->len == 0 || v->len > OMACP_STATE_URL_MAX ||
	    memchr(v->ptr, 0, v->len) != NULL)
		return 0;
	for (i = 0; i < 4; i++) {
		size_t n = strlen(schemes[i]);
		if (v->len > n && omacp__ieq((const char *)v->ptr, schemes[i], n))
			return 1;
	}
	return 0;
}

static omacp_err bs_validate(void *user, omacp_csp_call *call)
{
	const omacp_node *c = call->node, *p;
	const omacp_state *old = call->policy->state;
	int found = 0;
	if (c->elem != OMACP_ELEM_CHARACTERISTIC) {
		omacp__desc(call, "only characteristic is supported");
		return OMACP_E_UNSUPPORTED;
	}
	for (p = c->first; p != NULL; p = p->next) {
		if (!is_provurl(p))
			continue;
		if (!url_ok(OMACP__ATTR(p, "value"))) {
			call->err_node = p;
			omacp__desc(call, "PROVURL is not an http(s) or wsp(s) URL");
			return OMACP_E_DOC_INVALID;
		}
		found = 1;
	}
	if (!found) {
		omacp__desc(call, "BOOTSTRAP lacks PROVURL");
		return OMACP_E_DOC_INVALID;
	}
	if (old != NULL && (old->flags & OMACP_STATE_F_BOOTSTRAPPED)) {
		uint32_t need = call->policy->opts.rebootstrap_roles;
		if (need == 0)
			need = OMACP_ROLE_OPERATOR_TPS | OMACP_ROLE_MANAGER;
		if (!(call->roles & need)) {
			omacp__fmt(call->desc, sizeof call->desc,
			           "already bootstrapped: needs one of the roles %x", need);
			return OMACP_E_ROLE;
		}
	}
	return omacp__chain_validate(user, call);
}

static omacp_err bs_apply(void *user, omacp_csp_call *call)
{
	const omacp_node *c = call->node, *p, *first;
	omacp_err e;
	/* The first BOOTSTRAP of the document replaces the TPS context (a
	 * BOOTSTRAP is never dropped). */
	for (first = call->doc->root->first; first != NULL; first = first->next)
		if (OMACP__CHAR_IS(first, "BOOTSTRAP"))
			break;
	if (first == c)
		omacp_state_tps_clear(call->state);
	for (p = c->first; p != NULL; p = p->next) {
		const omacp_slice *v;
		if (!is_provurl(p))
			continue;
		v = OMACP__ATTR(p, "value");
		e = omacp_state_tps_add(call->state, (const char *)v->ptr, v->len);
		if (e != OMACP_OK) {
			call->err_node = p;
			omacp__desc(call, "no room for the PROVURL");
			return e;
		}
	}
	call->state->flags |= OMACP_STATE_F_BOOTSTRAPPED;
	return omacp__chain_apply(user, call);
}

static omacp_err bs_query(void *user, omacp_csp_call *call,
                          const omacp_node *q, omacp_event_fn out,
                          void *out_user)
{
	const omacp_state *st = call->state;
	if (q->elem == OMACP_ELEM_PARM_QUERY &&
	    OMACP__IS(OMACP__ATTR(q, "name"), "PROVURL")) {
		if (st == NULL || st->n_tps == 0)
			return OMACP_OK;
		return omacp_csp_emit_parm(out, out_user, "PROVURL", 7, st->tps[0],
		                           strlen(st->tps[0]));
	}
	return omacp__chain_query(user, call, q, out, out_user);
}

const omacp_csp_ops omacp_csp_bootstrap_ops = {
	bs_validate, bs_apply, omacp__chain_commit, omacp__chain_rollback,
	bs_query,
};
