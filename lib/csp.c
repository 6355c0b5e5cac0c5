/* Configuration Manager: ProvCont validation, dropping, metabase, dispatch.
 * Iterative walks only; no heap; no globals.  The result document is in
 * csp_result.c (linked only when the host asks for it). */
#include <string.h>
#include "omacp/csp.h"
#include "csp_int.h"

/* ------------------------------------------------------------ helpers */

/* The 4 bytes at p as a word (any alignment; same order as w4 of a literal). */
static uint32_t w4(const void *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

int omacp__is(omacp_slice s, const char *lit, size_t len)
{
	const uint8_t *p = s.ptr, *q = (const uint8_t *)lit;
	size_t i;
	if (s.len != len || p == NULL)
		return 0;
	if (len < 4) {
		for (i = 0; i < len; i++)
			if (p[i] != q[i])
				return 0;
		return 1;
	}
	for (i = 0; i + 4 < len; i += 4)
		if (w4(p + i) != w4(q + i))
			return 0;
	return w4(p + len - 4) == w4(q + len - 4);
}

/* 1 when s holds exactly the NUL-terminated z. */
static int eqz(omacp_slice s, const char *z)
{
	return s.ptr != NULL && s.len > 0 && s.ptr[0] == (uint8_t)z[0] &&
	       omacp__is(s, z, strlen(z));
}

omacp_slice omacp__attr(const omacp_node *n, const char *name, size_t len)
{
	omacp_slice none = { NULL, 0 };
	size_t i;
	for (i = 0; i < n->n_attrs; i++)
		if (omacp__is(n->attrs[i].name, name, len))
			return n->attrs[i].value;
	return none;
}

#define TYPE(n) OMACP__ATTR(n, "type")
#define NAME(n) OMACP__ATTR(n, "name")
#define VALUE(n) OMACP__ATTR(n, "value")

int omacp__char_is(const omacp_node *n, const char *lit, size_t len)
{
	return n->elem == OMACP_ELEM_CHARACTERISTIC &&
	       omacp__is(TYPE(n), lit, len);
}

void omacp__desc(omacp_csp_call *call, const char *s)
{
	omacp__fmt(call->desc, sizeof call->desc, "%s", s);
}

static int slices_eq(omacp_slice a, omacp_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* characteristic, characteristic-query, nocharacteristic */
#define CHAR_LIKE_BITS                                                        \
	((1u << OMACP_ELEM_CHARACTERISTIC) |                                      \
	 (1u << OMACP_ELEM_CHARACTERISTIC_QUERY) |                                \
	 (1u << OMACP_ELEM_NOCHARACTERISTIC))
static int is_char_like(omacp_elem e)
{
	return (unsigned)e < 32u && ((CHAR_LIKE_BITS >> (unsigned)e) & 1u);
}

/* characteristic-query, parm-query, nocharacteristic, noparm */
static int is_query_or_delete(omacp_elem e)
{
	return e >= OMACP_ELEM_CHARACTERISTIC_QUERY && e <= OMACP_ELEM_NOPARM;
}

/* One pass over n's attributes: returns its label (the first "type" of a
 * characteristic-like element, else the first "name"); *mwid is 1 when the
 * first "mwid" attribute is "1". */
static omacp_slice key_of(const omacp_node *n, int *mwid)
{
	uint32_t k = w4(is_char_like(n->elem) ? "type" : "name");
	omacp_slice key = { NULL, 0 };
	int got_key = 0, got_mwid = 0;
	size_t i;
	*mwid = 0;
	for (i = 0; i < n->n_attrs; i++) {
		const omacp_attr *a = &n->attrs[i];
		uint32_t w;
		if (a->name.len != 4 || a->name.ptr == NULL)
			continue;
		w = w4(a->name.ptr);
		if (w == k && !got_key) {
			key = a->value;
			got_key = 1;
		} else if (w == w4("mwid") && !got_mwid) {
			*mwid = OMACP__IS(a->value, "1");
			got_mwid = 1;
		}
	}
	return key;
}

omacp_slice omacp__label(const omacp_node *n)
{
	int mwid;
	return key_of(n, &mwid);
}

/* ------------------------------------------------- OMA ProvCont tables */

enum {
	T_PXLOGICAL, T_NAPDEF, T_BOOTSTRAP, T_VENDORCONFIG, T_CLIENTIDENTITY,
	T_ACCESS, T_APPLICATION,          /* root types above */
	T_PXPHYSICAL, T_PORT, T_PXAUTHINFO, T_NAPAUTHINFO, T_VALIDITY,
	T_APPADDR, T_APPAUTH, T_RESOURCE, T_COUNT
};
#define T_ROOT_COUNT 7
#define B(t) (1u << (t))

/* Names as length-prefixed lists (a 0 byte ends a list). */
static const char oma_types[] =
	"\011PXLOGICAL\006NAPDEF\011BOOTSTRAP\014VENDORCONFIG\016CLIENTIDENTITY"
	"\006ACCESS\013APPLICATION\012PXPHYSICAL\004PORT\012PXAUTHINFO"
	"\013NAPAUTHINFO\010VALIDITY\007APPADDR\007APPAUTH\010RESOURCE";

/* Allowed parents of each child-only type (ProvCont 5.6). */
static const uint16_t oma_parents[T_COUNT - T_ROOT_COUNT] = {
	B(T_PXLOGICAL),
	B(T_PXLOGICAL) | B(T_PXPHYSICAL) | B(T_APPADDR),
	B(T_PXLOGICAL),
	B(T_NAPDEF),
	B(T_NAPDEF),
	B(T_APPLICATION),
	B(T_APPLICATION),
	B(T_APPLICATION),
};

/* Required parms of each type. */
static const char *const oma_required[T_COUNT] = {
	"\010PROXY-ID\004NAME", "\005NAPID\004NAME", "", "\004NAME",
	"\011CLIENT-ID", "\004RULE", "\005APPID",
	"\021PHYSICAL-PROXY-ID\006PXADDR\010TO-NAPID", "\007PORTNBR",
	"\013PXAUTH-TYPE", "\010AUTHTYPE", "", "\004ADDR", "", "\003URI",
};

/* The position of s in a length-prefixed list, or -1. */
static int list_index(const char *list, omacp_slice s)
{
	int i;
	for (i = 0; *list != '\0'; i++) {
		size_t n = (uint8_t)*list++;
		if (n == s.len && omacp__is(s, list, n))
			return i;
		list += n;
	}
	return -1;
}

static int oma_index(omacp_slice type)
{
	return list_index(oma_types, type);
}

#if defined(__GNUC__)
__attribute__((noinline)) /* out of line: 14 bytes smaller on Thumb-2 */
#endif
static int is_mwid(const omacp_node *n)
{
	int mwid;
	(void)key_of(n, &mwid);
	return mwid;
}

/* A child that makes its parent a Windows Mobile path step: mwid="1", or a
 * query or delete. */
static int exempting(const omacp_node *c)
{
	return is_query_or_delete(c->elem) || is_mwid(c);
}

/* 1 when characteristic n is itself exempt from the ProvCont checks. */
static int wm_step(const omacp_node *n)
{
	const omacp_node *c;
	if (is_mwid(n))
		return 1;
	for (c = n->first; c != NULL; c = c->next)
		if (exempting(c))
			return 1;
	return 0;
}

/* 1 when Windows Mobile exemptions must be looked for: no run, or the run's
 * document has an mwid="1" or a query / delete somewhere. */
static int wm_on(const omacp_cm_run *r)
{
	return r == NULL || !r->plain;
}

/* 1 when the top-level item above n (or n itself) has an OMA root type and
 * no proper ancestor of n below the root is exempt: n's own checks apply
 * unless n itself is exempt. */
static int oma_above(const omacp_cm_run *r, const omacp_node *n)
{
	const omacp_node *x = n;
	int t;
	while (x->parent != NULL && x->parent->parent != NULL) {
		x = x->parent;
		if (wm_on(r) && wm_step(x))
			return 0;
	}
	t = oma_index(TYPE(x));
	return t >= 0 && t < T_ROOT_COUNT;
}

/* ------------------------------------------------------------- dropping */

/* The first parm child of n named name, or NULL. */
static const omacp_node *first_parm(const omacp_node *n, const char *name,
                                    size_t len)
{
	const omacp_node *c;
	for (c = n->first; c != NULL; c = c->next)
		if (c->elem == OMACP_ELEM_PARM && omacp__is(NAME(c), name, len))
			return c;
	return NULL;
}

/* What top-level item c defines: OMACP__DEF_NAPID (a NAPDEF's first NAPID),
 * OMACP__DEF_PROXY (a PXLOGICAL's first PROXY-ID) with its value in *v, or
 * 0. */
static unsigned item_def(const omacp_node *c, omacp_slice t, omacp_slice *v)
{
	const omacp_node *p;
	unsigned k;
	if (c->elem != OMACP_ELEM_CHARACTERISTIC)
		return 0;
	if (OMACP__IS(t, "NAPDEF")) {
		k = OMACP__DEF_NAPID;
		p = first_parm(c, "NAPID", 5);
	} else if (OMACP__IS(t, "PXLOGICAL")) {
		k = OMACP__DEF_PROXY;
		p = first_parm(c, "PROXY-ID", 8);
	} else {
		return 0;
	}
	if (p == NULL)
		return 0;
	*v = VALUE(p);
	return k;
}

/* Add a definition to the cache. */
static void defs_add(omacp__defs *d, unsigned k, omacp_slice v)
{
	d->v[d->n % OMACP__DEFS] = v;
	d->kind[d->n % OMACP__DEFS] = (uint8_t)k;
	d->n++;
}

static void defs_reset(omacp__defs *d, const omacp_doc *doc)
{
	d->ahead = doc->root->first;
	d->ahead_idx = 0;
	d->n = 0;
}

/* Move the cache to item idx: fill it while it has room, then keep it
 * OMACP__DEFS / 2 items ahead of idx. */
static void defs_at(omacp__defs *d, unsigned idx)
{
	while (d->ahead != NULL &&
	       (d->n < OMACP__DEFS || d->ahead_idx <= idx + OMACP__DEFS / 2)) {
		omacp_slice v;
		unsigned k = item_def(d->ahead, TYPE(d->ahead), &v);
		if (k != 0)
			defs_add(d, k, v);
		d->ahead = d->ahead->next;
		d->ahead_idx++;
	}
}

/* 1 when a top-level item of doc defines value v of kind. */
static int defined(const omacp_cm_run *r, const omacp_doc *doc, unsigned kind,
                   omacp_slice v)
{
	const omacp_node *c;
	if (r != NULL) {
		const omacp__defs *d = &r->defs;
		unsigned i, m = d->n < OMACP__DEFS ? d->n : OMACP__DEFS;
		for (i = 0; i < m; i++)
			if (d->kind[i] == kind && slices_eq(d->v[i], v))
				return 1;
		if (d->ahead == NULL && d->n <= OMACP__DEFS)
			return 0;           /* the cache holds every definition */
	}
	for (c = doc->root->first; c != NULL; c = c->next) {
		omacp_slice w;
		if (item_def(c, TYPE(c), &w) == kind && slices_eq(w, v))
			return 1;
	}
	return 0;
}

/* The kind a reference parm (name nm) points to, or 0. */
static unsigned ref_kind(omacp_slice nm)
{
	if (OMACP__IS(nm, "TO-NAPID"))
		return OMACP__DEF_NAPID;
	return OMACP__IS(nm, "TO-PROXY") ? OMACP__DEF_PROXY : 0;
}

/* 1 when reference p (of kind k) names nothing. */
static int dangling(const omacp_cm_run *r, const omacp_doc *doc, unsigned k,
                    const omacp_node *p)
{
	omacp_slice v = VALUE(p);
	if (k == OMACP__DEF_NAPID && OMACP__IS(v, "INTERNET"))
		return 0;
	return !defined(r, doc, k, v);
}

/* PXPHYSICAL ph under a checked ancestry: 1 when it has TO-NAPIDs and all
 * of them dangle (and it is not exempt). */
static int phys_drop(const omacp_cm_run *r, const omacp_doc *doc,
                     const omacp_node *ph)
{
	const omacp_node *c;
	int any = 0, wm = wm_on(r), mwid;
	if (wm && is_mwid(ph))
		return 0;
	for (c = ph->first; c != NULL; c = c->next) {
		omacp_slice key = key_of(c, &mwid);
		if (wm && (mwid || is_query_or_delete(c->elem)))
			return 0;
		if (c->elem == OMACP_ELEM_PARM && ref_kind(key) == OMACP__DEF_NAPID) {
			if (!dangling(r, doc, OMACP__DEF_NAPID, c))
				return 0;
			any = 1;
		}
	}
	return any;
}

/* PXLOGICAL lg under a checked ancestry: 1 when it has PXPHYSICALs and all
 * of them are dropped (and it is not exempt). */
static int pxl_drop(const omacp_cm_run *r, const omacp_doc *doc,
                    const omacp_node *lg)
{
	const omacp_node *c;
	int any = 0, wm = wm_on(r), mwid;
	if (wm && is_mwid(lg))
		return 0;
	for (c = lg->first; c != NULL; c = c->next) {
		omacp_slice key = key_of(c, &mwid);
		if (wm && (mwid || is_query_or_delete(c->elem)))
			return 0;
		if (c->elem == OMACP_ELEM_CHARACTERISTIC &&
		    OMACP__IS(key, "PXPHYSICAL")) {
			if (!phys_drop(r, doc, c))
				return 0;
			any = 1;
		}
	}
	return any;
}

int omacp_cm_dropped(const omacp_doc *doc, const omacp_node *n)
{
	unsigned k;
	if (doc == NULL || doc->root == NULL || n == NULL)
		return 0;
	if (n->elem == OMACP_ELEM_PARM) {
		const omacp_node *p = n->parent;
		k = ref_kind(NAME(n));
		return k != 0 && p != NULL && oma_above(NULL, p) && !wm_step(p) &&
		       dangling(NULL, doc, k, n);
	}
	if (OMACP__CHAR_IS(n, "PXPHYSICAL"))
		return oma_above(NULL, n) && phys_drop(NULL, doc, n);
	if (OMACP__CHAR_IS(n, "PXLOGICAL"))
		return oma_above(NULL, n) && pxl_drop(NULL, doc, n);
	return 0;
}

int omacp__drop_scope(const omacp_csp_call *call)
{
	return !(wm_on(call->run_) && wm_step(call->node)) &&
	       oma_above(call->run_, call->node);
}

int omacp__phys_dropped(const omacp_csp_call *call, const omacp_node *ph)
{
	return phys_drop(call->run_, call->doc, ph);
}

/* ----------------------------------------------------------- validation */

static omacp_err invalid(omacp_result *res, omacp_err e, const omacp_node *n,
                         const char *fmt, ...)
{
	omacp__line l;
	va_list ap;
	if (res == NULL)
		return e;
	omacp__line_init(&l, res->reason, sizeof res->reason);
	omacp__line_fmt(&l, "rejected: invalid document: ");
	if (n != NULL) {
		omacp_slice s = omacp__label(n);
		const char *en = omacp_elem_name(n->elem);
		omacp__line_fmt(&l, s.ptr != NULL ? "%s %m " : "%s ",
		                en != NULL ? en : "element", s);
	}
	va_start(ap, fmt);
	omacp__line_vfmt(&l, fmt, ap);
	va_end(ap);
	res->code = e;
	res->verdict = OMACP_REJECTED;
	return e;
}

/* Check OMA characteristic n of type t (mwid: n's own mwid="1"): *exempt is
 * set when n is a Windows Mobile path step (nothing to check); else the
 * required parms (and PXPHYSICAL) are checked.  One pass over the
 * children. */
static omacp_err required(omacp_result *res, const omacp_node *n, int t,
                          int mwid, int *exempt)
{
	const omacp_node *c;
	const char *req = oma_required[t];
	unsigned found = 0, j;
	int phys = 0, cm;
	*exempt = 1;
	if (mwid)
		return OMACP_OK;
	for (c = n->first; c != NULL; c = c->next) {
		omacp_slice key = key_of(c, &cm);
		if (cm || is_query_or_delete(c->elem))
			return OMACP_OK;
		if (c->elem == OMACP_ELEM_PARM) {
			int k = list_index(req, key);
			if (k >= 0)
				found |= 1u << k;
		} else if (c->elem == OMACP_ELEM_CHARACTERISTIC &&
		           OMACP__IS(key, "PXPHYSICAL")) {
			phys = 1;
		}
	}
	*exempt = 0;
	for (j = 0; *req != '\0'; req += (uint8_t)*req + 1, j++) {
		if (!(found & (1u << j))) {
			omacp_slice m;
			m.ptr = (const uint8_t *)req + 1;
			m.len = (uint8_t)*req;
			return invalid(res, OMACP_E_DOC_INVALID, n, "lacks %m", m);
		}
	}
	if (t == T_PXLOGICAL && !phys)
		return invalid(res, OMACP_E_DOC_INVALID, n, "lacks PXPHYSICAL");
	return OMACP_OK;
}

#define NO_DEPTH ((unsigned)-1)

/* Validate.  With a run r: r->bad receives the offending node (NULL when
 * the root), r->plain whether the document has no mwid="1" and no query or
 * delete at all, r->defs the document's definitions (complete when they
 * fit).  One pre-order walk; ex is the depth of the exempt characteristic
 * the walk is in (NO_DEPTH: none), oma whether the current item has an OMA
 * root type. */
static omacp_err validate_doc(const omacp_doc *doc, omacp_result *res,
                              omacp_cm_run *r)
{
	const omacp_node *n, *root, *bad_ = NULL, **bad = &bad_;
	unsigned d = 1, ex = NO_DEPTH;
	int oma = 0, plain_ = 1, *plain = &plain_;
	if (r != NULL) {
		bad = &r->bad;
		plain = &r->plain;
		r->defs.ahead = NULL;
		r->defs.n = 0;
	}
	*bad = NULL;
	*plain = 1;
	if (doc == NULL || doc->root == NULL ||
	    doc->root->elem != OMACP_ELEM_DOC)
		return invalid(res, OMACP_E_DOC_STRUCTURE, NULL,
		               "root is not wap-provisioningdoc");
	root = doc->root;
	n = root->first;
	while (n != NULL) {
		const omacp_node *par = n->parent;
		omacp_elem e = n->elem;
		int charl = is_char_like(e), mwid;
		omacp_slice key;
		*bad = n;
		if (e < OMACP_ELEM_CHARACTERISTIC || e > OMACP_ELEM_NOPARM)
			return invalid(res, OMACP_E_DOC_STRUCTURE, n, "not allowed here");
		key = key_of(n, &mwid);
		if (mwid || is_query_or_delete(e))
			*plain = 0;
		if (key.ptr == NULL)
			return invalid(res, OMACP_E_DOC_ATTR, n,
			               charl ? "without type" : "without name");
		if (par->elem != OMACP_ELEM_CHARACTERISTIC &&
		    !(charl && par->elem == OMACP_ELEM_DOC))
			return invalid(res, OMACP_E_DOC_STRUCTURE, n, "misplaced");
		if (e != OMACP_ELEM_CHARACTERISTIC && n->first != NULL)
			return invalid(res, OMACP_E_DOC_STRUCTURE, n, "has children");
		if (d <= ex)
			ex = NO_DEPTH;            /* left the exempt subtree */
		if (par == root)
			oma = 0;
		if (e == OMACP_ELEM_CHARACTERISTIC) {
			int t = oma_index(key);
			omacp_err er;
			if (par == root) {
				omacp_slice v;
				unsigned k;
				if (t >= T_ROOT_COUNT)
					return invalid(res, OMACP_E_DOC_STRUCTURE, n,
					               "not allowed at the root");
				oma = t >= 0;
				if (r != NULL && (k = item_def(n, key, &v)) != 0)
					defs_add(&r->defs, k, v);
			}
			if (oma && ex == NO_DEPTH) {
				int exempt, pt = par != root ? oma_index(TYPE(par)) : 0;
				/* the nesting error comes first, unless n is exempt */
				if (par != root && (t < T_ROOT_COUNT || pt < 0 ||
				                    !(oma_parents[t - T_ROOT_COUNT] & B(pt)))) {
					if (!wm_step(n))
						return invalid(res, OMACP_E_DOC_STRUCTURE, n,
						               "not allowed in %m", TYPE(par));
					ex = d;
				} else {
					if ((er = required(res, n, t, mwid, &exempt)) != OMACP_OK)
						return er;
					if (exempt)
						ex = d;
				}
			}
		}
		if (n->first != NULL) {
			n = n->first;
			d++;
			continue;
		}
		while (n != NULL && n->next == NULL) {
			n = n->parent;
			d--;
		}
		if (n != NULL)
			n = n->next;
	}
	*bad = NULL;
	return OMACP_OK;
}

omacp_err omacp_cm_validate_doc(const omacp_doc *doc, omacp_result *res)
{
	return validate_doc(doc, res, NULL);
}

/* ------------------------------------------------------------- registry */

void omacp_cm_init(omacp_cm *cm, const omacp_csp *csps, size_t n_csps,
                   const omacp_policy *policy)
{
	memset(cm, 0, sizeof *cm);
	cm->csps = csps;
	cm->n_csps = n_csps;
	cm->policy = policy;
}

const omacp_csp *omacp_cm_find(const omacp_cm *cm, omacp_slice type)
{
	size_t i;
	if (type.ptr == NULL)
		return NULL;
	for (i = 0; i < cm->n_csps; i++)
		if (cm->csps[i].type != NULL && eqz(type, cm->csps[i].type))
			return &cm->csps[i];
	return NULL;
}

omacp_err omacp_csp_emit_parm(omacp_event_fn out, void *out_user,
                              const char *name, size_t name_len,
                              const char *value, size_t value_len)
{
	omacp_attr a[2];
	omacp_event ev;
	omacp_err e;
	a[0].name.ptr = (const uint8_t *)"name";
	a[0].name.len = 4;
	a[0].value.ptr = (const uint8_t *)name;
	a[0].value.len = name_len;
	a[1].name.ptr = (const uint8_t *)"value";
	a[1].name.len = 5;
	a[1].value.ptr = (const uint8_t *)value;
	a[1].value.len = value_len;
	memset(&ev, 0, sizeof ev);
	ev.kind = OMACP_EV_START;
	ev.elem = OMACP_ELEM_PARM;
	ev.n_attrs = 2;
	ev.attrs = a;
	if ((e = out(out_user, &ev)) != OMACP_OK)
		return e;
	ev.kind = OMACP_EV_END;
	ev.n_attrs = 0;
	ev.attrs = NULL;
	return out(out_user, &ev);
}

/* ------------------------------------------------------------- chaining */

#define NEXT(user) ((const omacp_csp *)(user))
#define NEXT_OP(user, op)                                                     \
	(NEXT(user) != NULL && NEXT(user)->ops != NULL ? NEXT(user)->ops->op : NULL)

omacp_err omacp__chain_validate(void *user, omacp_csp_call *call)
{
	omacp_err (*f)(void *, omacp_csp_call *) = NEXT_OP(user, validate);
	return f != NULL ? f(NEXT(user)->user, call) : OMACP_OK;
}

omacp_err omacp__chain_apply(void *user, omacp_csp_call *call)
{
	omacp_err (*f)(void *, omacp_csp_call *) = NEXT_OP(user, apply);
	return f != NULL ? f(NEXT(user)->user, call) : OMACP_OK;
}

omacp_err omacp__chain_commit(void *user, omacp_csp_call *call)
{
	omacp_err (*f)(void *, omacp_csp_call *) = NEXT_OP(user, commit);
	return f != NULL ? f(NEXT(user)->user, call) : OMACP_OK;
}

void omacp__chain_rollback(void *user, omacp_csp_call *call)
{
	void (*f)(void *, omacp_csp_call *) = NEXT_OP(user, rollback);
	if (f != NULL)
		f(NEXT(user)->user, call);
}

omacp_err omacp__chain_query(void *user, omacp_csp_call *call,
                             const omacp_node *q, omacp_event_fn out,
                             void *out_user)
{
	omacp_err (*f)(void *, omacp_csp_call *, const omacp_node *,
	               omacp_event_fn, void *) = NEXT_OP(user, query);
	return f != NULL ? f(NEXT(user)->user, call, q, out, out_user) : OMACP_OK;
}

/* ------------------------------------------------------------- metabase */

/* Number of steps entry path p matches of the path from the item down to n
 * (of `steps` steps), or 0. */
#if defined(__GNUC__)
__attribute__((noinline)) /* smaller out of line (metabase entries only) */
#endif
static size_t entry_match(const char *p, const omacp_node *n, size_t steps)
{
	size_t i;
	for (i = 0; i < steps; i++) {
		const omacp_node *x = n;
		const char *end;
		size_t len, up;
		if (*p == '\0')
			return i;
		end = strchr(p, '/');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		for (up = steps - 1 - i; up > 0; up--)
			x = x->parent;
		if (!(len == 1 && p[0] == '*') && !omacp__is(omacp__label(x), p, len))
			return 0;
		p += len;
		if (*p == '/')
			p++;
	}
	return *p == '\0' ? steps : 0;
}

/* The roles of which one is needed for node n (depth steps below its item)
 * of an item of csp. */
static uint32_t needed_roles(const omacp_csp *csp, const omacp_node *n,
                             size_t steps, int write)
{
	size_t best = 0, i;
	uint32_t mask;
	if (is_char_like(n->elem))
		mask = write ? csp->char_write : csp->char_read;
	else
		mask = write ? csp->parm_write : csp->parm_read;
	for (i = 0; i < csp->n_entries && csp->entries != NULL; i++) {
		size_t m = entry_match(csp->entries[i].path, n, steps);
		if (m > best) {
			best = m;
			mask = write ? csp->entries[i].write_roles
			             : csp->entries[i].read_roles;
		}
	}
	return mask;
}

/* ------------------------------------------------------------- process */

enum { PH_VALIDATE, PH_APPLY, PH_COMMIT, PH_ROLLBACK };

void omacp__call_init(const omacp_cm_run *r, omacp_csp_call *c,
                      const omacp_node *item, unsigned idx)
{
	memset(c, 0, sizeof *c);
	c->node = item;
	c->doc = r->doc;
	c->index = idx;
	c->roles = r->roles;
	c->policy = &r->pol;
	c->state = r->ns;
	c->run_ = r;
}

const omacp_csp *omacp__item_csp(const omacp_cm_run *r,
                                 const omacp_node *item, int *unknown)
{
	const omacp_csp *csp;
	*unknown = 0;
	if (OMACP__CHAR_IS(item, "PXLOGICAL") && pxl_drop(r, r->doc, item))
		return NULL;
	csp = omacp_cm_find(r->cm, TYPE(item));
	if (csp == NULL)
		*unknown = 1;
	return csp;
}

/* omacp__item_csp for item number i, remembering the decision of the first
 * 64 items for the later phases. */
static const omacp_csp *csp_at(omacp_cm_run *r, const omacp_node *item,
                               unsigned i, int *unknown)
{
	const omacp_csp *csp;
	*unknown = 0;
	if (i < r->n_known)
		return (r->skip[i / 32u] >> (i % 32u)) & 1u
		           ? NULL : omacp_cm_find(r->cm, TYPE(item));
	csp = omacp__item_csp(r, item, unknown);
	if (i == r->n_known && i < 64u) {
		if (csp == NULL)
			r->skip[i / 32u] |= 1u << (i % 32u);
		r->n_known++;
	}
	return csp;
}

#if defined(__GNUC__)
__attribute__((noinline)) /* three call sites: 30 bytes smaller out of line */
#endif
static void set_status(omacp_result *res, unsigned idx, omacp_char_status s,
                       omacp_err e)
{
	if (idx < res->n_chars) {
		res->chars[idx].status = (uint8_t)s;
		res->chars[idx].err = e;
	}
}

/* Roll back the items before index `upto` that were applied, newest first. */
static void rollback_before(omacp_cm_run *r, unsigned upto)
{
	unsigned k = upto;
	while (k-- > 0) {
		const omacp_node *item = r->doc->root->first;
		unsigned j;
		int unknown;
		const omacp_csp *csp;
		for (j = 0; j < k; j++)
			item = item->next;
		csp = csp_at(r, item, k, &unknown);
		if (csp != NULL)
			(void)omacp__cm_call(r, csp, item, k, PH_ROLLBACK);
	}
}

/* Metabase check of item and everything below it. */
static omacp_err check_access(omacp_cm_run *r, const omacp_csp *csp,
                              const omacp_node *item)
{
	const omacp_node *n = item;
	size_t d = 0;
	if ((csp->entries == NULL || csp->n_entries == 0) &&
	    (r->roles & csp->char_read) && (r->roles & csp->char_write) &&
	    (r->roles & csp->parm_read) && (r->roles & csp->parm_write))
		return OMACP_OK;            /* every node passes */
	for (;;) {
		int write = n->elem != OMACP_ELEM_CHARACTERISTIC_QUERY &&
		            n->elem != OMACP_ELEM_PARM_QUERY;
		uint32_t need = needed_roles(csp, n, d, write);
		if (!(need & r->roles)) {
			omacp__fmt(r->res->reason, sizeof r->res->reason,
			           "rejected: %m: %s %m needs one of the roles %x to %s"
			           " (roles %x)",
			           TYPE(item), omacp_elem_name(n->elem), omacp__label(n),
			           need, write ? "write" : "read", r->roles);
			r->bad = n;
			return OMACP_E_ROLE;
		}
		if (n->first != NULL) {
			n = n->first;
			d++;
			continue;
		}
		while (d > 0 && n->next == NULL) {
			n = n->parent;
			d--;
		}
		if (d == 0)
			return OMACP_OK;
		n = n->next;
	}
}

/* Emit the result document when one is asked for (the writer is called
 * directly when implicit, so its address is taken only by hosts). */
static omacp_err result_doc(const omacp_cm_run *r, int accepted)
{
	const omacp_cm *cm = r->cm;
	if (cm->result_fn == NULL)
		return OMACP_OK;
	if (cm->result_doc != NULL)
		return cm->result_doc(r, accepted);
#if OMACP_CM_IMPLICIT_RESULT
	return omacp_cm_result_doc(r, accepted);
#else
	return OMACP_OK;
#endif
}

static omacp_err reject(omacp_cm_run *r, const omacp_state *old,
                        unsigned failed, omacp_err code)
{
	size_t i;
	memcpy(r->ns, old, sizeof *old);
	for (i = 0; i < r->res->n_chars; i++) {
		omacp_char_result *cr = &r->res->chars[i];
		if (i == failed) {
			cr->status = OMACP_CHAR_REJECTED;
			cr->err = code;
		} else if (cr->status != OMACP_CHAR_IGNORED) {
			cr->status = OMACP_CHAR_NOT_APPLIED;
		}
	}
	r->res->code = code;
	r->res->verdict = OMACP_REJECTED;
	(void)result_doc(r, 0);
	return OMACP_REJECTED;
}

/* Run one phase over every item in document order.  Returns OMACP_OK, or
 * the error of the failing item (its index in *at; reason and bad node
 * set).  A commit failure is recorded and the phase goes on. */
/* Call op ph of csp for item number i.  A failure of validate or apply
 * sets the reason and the bad node and is returned; a commit failure is
 * recorded (the first one) and OMACP_OK returned.  Not inlined into the
 * phase loop, so the call record is not on the stack while the loop looks
 * at the document. */
omacp_err omacp__cm_call(omacp_cm_run *r, const omacp_csp *csp,
                         const omacp_node *item, unsigned i, int ph)
{
	omacp_csp_call c;
	omacp__line l;
	omacp_err e, (*fn)(void *, omacp_csp_call *);
	if (item->elem == OMACP_ELEM_CHARACTERISTIC_QUERY || csp->ops == NULL)
		return OMACP_OK;
	omacp__call_init(r, &c, item, i);
	if (ph == PH_ROLLBACK) {
		if (csp->ops->rollback != NULL)
			csp->ops->rollback(csp->user, &c);
		return OMACP_OK;
	}
	fn = ph == PH_VALIDATE ? csp->ops->validate
	   : ph == PH_APPLY ? csp->ops->apply : csp->ops->commit;
	if (fn == NULL || (e = fn(csp->user, &c)) == OMACP_OK)
		return OMACP_OK;
	if (e > 0)
		e = OMACP_E_CALLBACK;
	if (ph == PH_COMMIT) {
		if (r->res->code == OMACP_OK) {
			r->res->code = e;
			set_status(r->res, i, OMACP_CHAR_APPLIED, e);
			omacp__fmt(r->res->reason, sizeof r->res->reason,
			           "accepted: but the commit of %m failed with error %d",
			           TYPE(item), (int)e);
		}
		return OMACP_OK;
	}
	omacp__line_init(&l, r->res->reason, sizeof r->res->reason);
	omacp__line_fmt(&l, "rejected: %m: ", TYPE(item));
	if (c.desc[0] != '\0')
		omacp__line_fmt(&l, "%s", c.desc);
	else
		omacp__line_fmt(&l, "%s failed with error %d",
		                ph == PH_VALIDATE ? "validate" : "apply", (int)e);
	omacp__line_fmt(&l, " (roles %x)", r->roles);
	if (c.policy_id != 0)
		r->res->policy = c.policy_id;
	r->bad = c.err_node != NULL ? c.err_node : item;
	return e;
}

/* Run one phase over every item in document order.  Returns OMACP_OK, or
 * the error of the failing item (its index in *at; reason and bad node
 * set).  A commit failure is recorded and the phase goes on. */
static omacp_err phase(omacp_cm_run *r, int ph, unsigned *at)
{
	const omacp_node *item;
	unsigned i;
	omacp_err e;
	int unknown;
	if (!r->defs_all)
		defs_reset(&r->defs, r->doc);
	for (i = 0, item = r->doc->root->first; item != NULL;
	     item = item->next, i++) {
		const omacp_csp *csp;
		*at = i;
		if (!r->defs_all)
			defs_at(&r->defs, i);
		csp = csp_at(r, item, i, &unknown);
		if (ph == PH_VALIDATE) {
			if (csp == NULL) {
				if (!unknown ||
				    (r->pol.opts.flags & OMACP_OPT_UNKNOWN_IGNORE)) {
					set_status(r->res, i, OMACP_CHAR_IGNORED, OMACP_OK);
					continue;
				}
				omacp__fmt(r->res->reason, sizeof r->res->reason,
				           "rejected: %m: no CSP registered for this type",
				           TYPE(item));
				r->bad = item;
				return OMACP_E_CSP_UNKNOWN;
			}
			if ((e = check_access(r, csp, item)) != OMACP_OK)
				return e;
		}
		if (csp == NULL)
			continue;
		if (ph == PH_COMMIT)
			set_status(r->res, i, OMACP_CHAR_APPLIED, OMACP_OK);
		if ((e = omacp__cm_call(r, csp, item, i, ph)) != OMACP_OK)
			return e;
	}
	*at = i;
	return OMACP_OK;
}

omacp_err omacp_cm_process(const omacp_cm *cm, const omacp_doc *doc,
                           uint32_t roles, const omacp_state *old_state,
                           omacp_state *new_state, omacp_result *res)
{
	omacp_cm_run r;
	const omacp_node *item;
	unsigned at;
	omacp_err e;

	if (cm == NULL || cm->policy == NULL || doc == NULL || doc->root == NULL ||
	    old_state == NULL || new_state == NULL || res == NULL ||
	    old_state == new_state)
		return OMACP_E_ARG;
	memset(&r, 0, sizeof r);
	r.cm = cm;
	r.doc = doc;
	r.pol = *cm->policy;
	r.pol.state = old_state;
	r.roles = roles;
	r.ns = new_state;
	r.res = res;
	defs_reset(&r.defs, doc);
	res->roles = roles;
	res->manager = (roles & OMACP_ROLE_MANAGER) != 0;
	res->n_chars = res->n_chars_total = 0;
	for (item = doc->root->first; item != NULL; item = item->next) {
		if (res->n_chars < OMACP_RESULT_MAX_CHARS) {
			omacp_char_result *cr = &res->chars[res->n_chars++];
			omacp_slice t = TYPE(item);
			omacp__line l;
			omacp__line_init(&l, cr->type, sizeof cr->type);
			omacp__line_mem(&l, t.ptr, t.len);
			cr->elem = (uint8_t)item->elem;
			cr->status = OMACP_CHAR_PENDING;
			cr->err = OMACP_OK;
		}
		res->n_chars_total++;
	}

	/* 0. ProvCont validation; 1. registry, metabase, validate */
	if ((e = validate_doc(doc, res, &r)) != OMACP_OK) {
		defs_reset(&r.defs, doc);
		return reject(&r, old_state, (unsigned)-1, e);
	}
	/* the walk saw every definition: complete unless they overflowed */
	r.defs_all = r.defs.n <= OMACP__DEFS;
	if ((e = phase(&r, PH_VALIDATE, &at)) != OMACP_OK)
		return reject(&r, old_state, at, e);
	/* 2. apply in document order */
	if ((e = phase(&r, PH_APPLY, &at)) != OMACP_OK) {
		rollback_before(&r, at);
		return reject(&r, old_state, at, e);
	}
	/* 3. persist */
	if (cm->save_state != NULL &&
	    (e = cm->save_state(cm->save_user, new_state)) != OMACP_OK) {
		if (e > 0)
			e = OMACP_E_CALLBACK;
		omacp__fmt(res->reason, sizeof res->reason,
		           "rejected: saving the new state failed with error %d", (int)e);
		rollback_before(&r, at);
		r.bad = NULL;
		return reject(&r, old_state, (unsigned)-1, e);
	}
	/* 4. commit */
	res->code = OMACP_OK;
	res->verdict = OMACP_ACCEPTED;
	if (res->reason[0] == '\0') {
		unsigned k, n = 0;
		for (k = 0; k < res->n_chars; k++)
			n += res->chars[k].status != OMACP_CHAR_IGNORED;
		omacp__fmt(res->reason, sizeof res->reason,
		           "accepted: %u items applied (roles %x)", (uint32_t)n, roles);
	}
	(void)phase(&r, PH_COMMIT, &at);
	if ((e = result_doc(&r, 1)) != OMACP_OK)
		return e;
	return OMACP_ACCEPTED;
}
