/* Configuration Manager: ProvCont validation, metabase, dispatch, result
 * document.  Iterative walks only; no heap; no globals. */
#include <string.h>
#include "omacp/csp.h"
#include "policy_int.h"
#include "csp_int.h"

/* ------------------------------------------------------------ helpers */

int omacp__attr_is(const omacp_node *n, const char *name, const char *s)
{
	omacp_slice v = omacp_node_attr(n, name);
	return v.ptr != NULL && omacp_slice_eq(v, s);
}

void omacp__desc(omacp_csp_call *call, const char *s)
{
	omacp__line l;
	omacp__line_init(&l, call->desc, sizeof call->desc);
	omacp__line_str(&l, s);
}

static int slices_eq(omacp_slice a, omacp_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int is_char_like(omacp_elem e)
{
	return e == OMACP_ELEM_CHARACTERISTIC || e == OMACP_ELEM_NOCHARACTERISTIC ||
	       e == OMACP_ELEM_CHARACTERISTIC_QUERY;
}

static int is_parm_like(omacp_elem e)
{
	return e == OMACP_ELEM_PARM || e == OMACP_ELEM_NOPARM ||
	       e == OMACP_ELEM_PARM_QUERY;
}

/* The label of a node: type for characteristics, name for parms. */
static omacp_slice label(const omacp_node *n)
{
	return is_char_like(n->elem) ? omacp_node_type(n) : omacp_node_name(n);
}

static const omacp_node *top_of(const omacp_node *n)
{
	while (n->parent != NULL && n->parent->parent != NULL)
		n = n->parent;
	return n;
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
#define ROOT_BIT 0x8000u

static const char *const oma_types[T_COUNT] = {
	"PXLOGICAL", "NAPDEF", "BOOTSTRAP", "VENDORCONFIG", "CLIENTIDENTITY",
	"ACCESS", "APPLICATION", "PXPHYSICAL", "PORT", "PXAUTHINFO",
	"NAPAUTHINFO", "VALIDITY", "APPADDR", "APPAUTH", "RESOURCE",
};

/* Allowed parents of each type (ProvCont 5.6). */
static const uint16_t oma_parents[T_COUNT] = {
	ROOT_BIT, ROOT_BIT, ROOT_BIT, ROOT_BIT, ROOT_BIT, ROOT_BIT, ROOT_BIT,
	B(T_PXLOGICAL),
	B(T_PXLOGICAL) | B(T_PXPHYSICAL) | B(T_APPADDR),
	B(T_PXLOGICAL),
	B(T_NAPDEF),
	B(T_NAPDEF),
	B(T_APPLICATION),
	B(T_APPLICATION),
	B(T_APPLICATION),
};

/* Required parms, each NUL-terminated, list ends with an empty string. */
static const char *const oma_required[T_COUNT] = {
	"PROXY-ID\0NAME\0", "NAPID\0NAME\0", "", "NAME\0", "CLIENT-ID\0",
	"RULE\0", "APPID\0", "PHYSICAL-PROXY-ID\0PXADDR\0TO-NAPID\0",
	"PORTNBR\0", "PXAUTH-TYPE\0", "AUTHTYPE\0", "", "ADDR\0", "", "URI\0",
};

static int oma_index(omacp_slice type)
{
	int i;
	if (type.ptr == NULL)
		return -1;
	for (i = 0; i < T_COUNT; i++)
		if (omacp_slice_eq(type, oma_types[i]))
			return i;
	return -1;
}

/* 1 when n has a child with mwid="1" or a Windows Mobile query / delete
 * child: then n is a path step, not a full ProvCont definition. */
static int wm_path(const omacp_node *n)
{
	const omacp_node *c;
	for (c = n->first; c != NULL; c = c->next)
		if (omacp__attr_is(c, "mwid", "1") ||
		    (c->elem >= OMACP_ELEM_CHARACTERISTIC_QUERY &&
		     c->elem <= OMACP_ELEM_NOPARM))
			return 1;
	return 0;
}

/* 1 when n (a characteristic) lies in the subtree of a top-level OMA root
 * type and no Windows Mobile mwid path exempts it. */
static int oma_checked(const omacp_node *n)
{
	const omacp_node *x;
	int t = oma_index(omacp_node_type(top_of(n)));
	if (t < 0 || t >= T_ROOT_COUNT)
		return 0;
	for (x = n; x != NULL && x->parent != NULL; x = x->parent)
		if (omacp__attr_is(x, "mwid", "1") || wm_path(x))
			return 0;
	return 1;
}

/* ------------------------------------------------------------- dropping */

/* 1 when a top-level `type` characteristic has a parm `key` equal to v. */
static int doc_defines(const omacp_doc *doc, const char *type, const char *key,
                       omacp_slice v)
{
	const omacp_node *c;
	for (c = doc->root->first; c != NULL; c = c->next) {
		const omacp_node *p;
		if (c->elem != OMACP_ELEM_CHARACTERISTIC ||
		    !omacp_slice_eq(omacp_node_type(c), type))
			continue;
		p = omacp_node_parm(c, key);
		if (p != NULL && slices_eq(omacp_node_value(p), v))
			return 1;
	}
	return 0;
}

static int ref_dropped(const omacp_doc *doc, const omacp_node *p)
{
	omacp_slice nm = omacp_node_name(p), v = omacp_node_value(p);
	if (p->elem != OMACP_ELEM_PARM || p->parent == NULL ||
	    !oma_checked(p->parent))
		return 0;
	if (omacp_slice_eq(nm, "TO-NAPID"))
		return !omacp_slice_eq(v, "INTERNET") &&
		       !doc_defines(doc, "NAPDEF", "NAPID", v);
	if (omacp_slice_eq(nm, "TO-PROXY"))
		return !doc_defines(doc, "PXLOGICAL", "PROXY-ID", v);
	return 0;
}

static int phys_dropped(const omacp_doc *doc, const omacp_node *n)
{
	const omacp_node *c;
	int any = 0;
	if (!oma_checked(n))
		return 0;
	for (c = n->first; c != NULL; c = c->next) {
		if (c->elem != OMACP_ELEM_PARM ||
		    !omacp_slice_eq(omacp_node_name(c), "TO-NAPID"))
			continue;
		if (!ref_dropped(doc, c))
			return 0;
		any = 1;
	}
	return any;
}

int omacp_cm_dropped(const omacp_doc *doc, const omacp_node *n)
{
	omacp_slice t;
	const omacp_node *c;
	int any = 0;
	if (doc == NULL || doc->root == NULL || n == NULL)
		return 0;
	if (n->elem == OMACP_ELEM_PARM)
		return ref_dropped(doc, n);
	if (n->elem != OMACP_ELEM_CHARACTERISTIC)
		return 0;
	t = omacp_node_type(n);
	if (omacp_slice_eq(t, "PXPHYSICAL"))
		return phys_dropped(doc, n);
	if (!omacp_slice_eq(t, "PXLOGICAL") || !oma_checked(n))
		return 0;
	for (c = n->first; c != NULL; c = c->next) {
		if (c->elem != OMACP_ELEM_CHARACTERISTIC ||
		    !omacp_slice_eq(omacp_node_type(c), "PXPHYSICAL"))
			continue;
		if (!phys_dropped(doc, c))
			return 0;
		any = 1;
	}
	return any;
}

/* ----------------------------------------------------------- validation */

static const char msg_invalid[] = "rejected: invalid document: ";

static omacp_err invalid(omacp_result *res, omacp_err e, const omacp_node *n,
                         const char *what, const char *extra,
                         const omacp_node *in)
{
	omacp__line l;
	if (res == NULL)
		return e;
	omacp__line_init(&l, res->reason, sizeof res->reason);
	omacp__line_str(&l, msg_invalid);
	if (n != NULL) {
		omacp_slice s = label(n);
		const char *en = omacp_elem_name(n->elem);
		omacp__line_str(&l, en != NULL ? en : "element");
		if (s.ptr != NULL) {
			omacp__line_str(&l, " ");
			omacp__line_mem(&l, s.ptr, s.len);
		}
		omacp__line_str(&l, " ");
	}
	omacp__line_str(&l, what);
	if (extra != NULL)
		omacp__line_str(&l, extra);
	if (in != NULL) {
		omacp_slice t = omacp_node_type(in);
		omacp__line_mem(&l, t.ptr, t.len);
	}
	res->code = e;
	res->verdict = OMACP_REJECTED;
	return e;
}

/* Validate; *bad receives the offending node (NULL when the root). */
static omacp_err validate_doc(const omacp_doc *doc, omacp_result *res,
                              const omacp_node **bad)
{
	const omacp_node *n, *root;
	*bad = NULL;
	if (doc == NULL || doc->root == NULL ||
	    doc->root->elem != OMACP_ELEM_DOC)
		return invalid(res, OMACP_E_DOC_STRUCTURE, NULL,
		               "root is not wap-provisioningdoc", NULL, NULL);
	root = doc->root;
	for (n = omacp_node_next_preorder(root); n != NULL;
	     n = omacp_node_next_preorder(n)) {
		const omacp_node *par = n->parent;
		omacp_elem e = n->elem;
		int t, pt;
		*bad = n;
		if (is_char_like(e)) {
			if (omacp_node_type(n).ptr == NULL)
				return invalid(res, OMACP_E_DOC_ATTR, n, "without type", NULL, NULL);
			if (par->elem != OMACP_ELEM_DOC &&
			    par->elem != OMACP_ELEM_CHARACTERISTIC)
				return invalid(res, OMACP_E_DOC_STRUCTURE, n, "misplaced", NULL, NULL);
			if (e != OMACP_ELEM_CHARACTERISTIC && n->first != NULL)
				return invalid(res, OMACP_E_DOC_STRUCTURE, n,
				               "has children", NULL, NULL);
		} else if (is_parm_like(e)) {
			if (omacp_node_name(n).ptr == NULL)
				return invalid(res, OMACP_E_DOC_ATTR, n, "without name", NULL, NULL);
			if (par->elem != OMACP_ELEM_CHARACTERISTIC)
				return invalid(res, OMACP_E_DOC_STRUCTURE, n, "misplaced", NULL, NULL);
			if (n->first != NULL)
				return invalid(res, OMACP_E_DOC_STRUCTURE, n,
				               "has children", NULL, NULL);
			continue;
		} else {
			return invalid(res, OMACP_E_DOC_STRUCTURE, n, "not allowed here",
			               NULL, NULL);
		}
		if (e != OMACP_ELEM_CHARACTERISTIC)
			continue;
		t = oma_index(omacp_node_type(n));
		if (par == root) {
			if (t >= T_ROOT_COUNT)
				return invalid(res, OMACP_E_DOC_STRUCTURE, n,
				               "not allowed at the root", NULL, NULL);
		} else if (oma_checked(n)) {
			pt = oma_index(omacp_node_type(par));
			if (t < 0 || pt < 0 || !(oma_parents[t] & B(pt)))
				return invalid(res, OMACP_E_DOC_STRUCTURE, n,
				               "not allowed in ", NULL, par);
		}
		if (t >= 0 && oma_checked(n)) {
			const char *req = oma_required[t];
			for (; *req != '\0'; req += strlen(req) + 1)
				if (omacp_node_parm(n, req) == NULL)
					return invalid(res, OMACP_E_DOC_INVALID, n, "lacks ", req, NULL);
			if (t == T_PXLOGICAL && omacp_node_child(n, "PXPHYSICAL") == NULL)
				return invalid(res, OMACP_E_DOC_INVALID, n, "lacks ",
				               "PXPHYSICAL", NULL);
		}
	}
	*bad = NULL;
	return OMACP_OK;
}

omacp_err omacp_cm_validate_doc(const omacp_doc *doc, omacp_result *res)
{
	const omacp_node *bad;
	return validate_doc(doc, res, &bad);
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
		if (cm->csps[i].type != NULL && omacp_slice_eq(type, cm->csps[i].type))
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

omacp_err omacp__chain_validate(void *user, omacp_csp_call *call)
{
	const omacp_csp *n = NEXT(user);
	if (n == NULL || n->ops == NULL || n->ops->validate == NULL)
		return OMACP_OK;
	return n->ops->validate(n->user, call);
}

omacp_err omacp__chain_apply(void *user, omacp_csp_call *call)
{
	const omacp_csp *n = NEXT(user);
	if (n == NULL || n->ops == NULL || n->ops->apply == NULL)
		return OMACP_OK;
	return n->ops->apply(n->user, call);
}

omacp_err omacp__chain_commit(void *user, omacp_csp_call *call)
{
	const omacp_csp *n = NEXT(user);
	if (n == NULL || n->ops == NULL || n->ops->commit == NULL)
		return OMACP_OK;
	return n->ops->commit(n->user, call);
}

void omacp__chain_rollback(void *user, omacp_csp_call *call)
{
	const omacp_csp *n = NEXT(user);
	if (n != NULL && n->ops != NULL && n->ops->rollback != NULL)
		n->ops->rollback(n->user, call);
}

omacp_err omacp__chain_query(void *user, omacp_csp_call *call,
                             const omacp_node *q, omacp_event_fn out,
                             void *out_user)
{
	const omacp_csp *n = NEXT(user);
	if (n == NULL || n->ops == NULL || n->ops->query == NULL)
		return OMACP_OK;
	return n->ops->query(n->user, call, q, out, out_user);
}

/* ------------------------------------------------------------- metabase */

/* Steps of n below its top-level item, outermost first, in chain[0..k). */
static size_t path_of(const omacp_node *n, const omacp_node *chain[],
                      size_t cap)
{
	size_t k = 0, i;
	const omacp_node *x;
	for (x = n; x != NULL && x->parent != NULL && x->parent->parent != NULL;
	     x = x->parent)
		if (k < cap)
			chain[k++] = x;
	for (i = 0; i < k / 2; i++) {   /* reverse */
		const omacp_node *t = chain[i];
		chain[i] = chain[k - 1 - i];
		chain[k - 1 - i] = t;
	}
	return k;
}

/* Number of steps entry path p matches of chain[0..k), or 0. */
static size_t entry_match(const char *p, const omacp_node *const chain[],
                          size_t k)
{
	size_t steps = 0;
	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		omacp_slice s;
		if (steps >= k)
			return 0;
		s = label(chain[steps]);
		if (!(len == 1 && p[0] == '*') &&
		    !(s.ptr != NULL && s.len == len && memcmp(s.ptr, p, len) == 0))
			return 0;
		steps++;
		p += len;
		if (*p == '/')
			p++;
	}
	return steps;
}

/* The roles of which one is needed for node n of an item of csp. */
static uint32_t needed_roles(const omacp_csp *csp, const omacp_node *n,
                             int *write)
{
	const omacp_node *chain[OMACP_MAX_DEPTH + 1];
	size_t k = path_of(n, chain, OMACP_MAX_DEPTH + 1), best = 0, i;
	int charl = is_char_like(n->elem);
	uint32_t mask;
	*write = n->elem != OMACP_ELEM_CHARACTERISTIC_QUERY &&
	         n->elem != OMACP_ELEM_PARM_QUERY;
	if (charl)
		mask = *write ? csp->char_write : csp->char_read;
	else
		mask = *write ? csp->parm_write : csp->parm_read;
	for (i = 0; i < csp->n_entries && csp->entries != NULL; i++) {
		size_t m = entry_match(csp->entries[i].path, chain, k);
		if (m > best) {
			best = m;
			mask = *write ? csp->entries[i].write_roles
			              : csp->entries[i].read_roles;
		}
	}
	return mask;
}

/* ------------------------------------------------------------- process */

enum { PH_VALIDATE, PH_APPLY, PH_COMMIT };

typedef struct run {
	const omacp_cm *cm;
	const omacp_doc *doc;
	omacp_policy pol;          /* cm->policy with state = old state */
	uint32_t roles;
	omacp_state *ns;
	omacp_result *res;
	const omacp_node *bad;     /* node to mark in the result document */
} run;

static void line_err(omacp__line *l, omacp_err e)
{
	omacp__line_str(l, " failed with error ");
	if ((int)e < 0)
		omacp__line_str(l, "-");
	omacp__line_dec(l, (uint32_t)((int)e < 0 ? -(int)e : (int)e));
}

static void call_init(const run *r, omacp_csp_call *c, const omacp_node *item,
                      unsigned idx)
{
	memset(c, 0, sizeof *c);
	c->node = item;
	c->doc = r->doc;
	c->index = idx;
	c->roles = r->roles;
	c->policy = &r->pol;
	c->state = r->ns;
}

/* The CSP of item, or NULL when the item is skipped (dropped, or unknown
 * with the ignore knob).  *unknown is set when no CSP exists. */
static const omacp_csp *item_csp(const run *r, const omacp_node *item,
                                 int *unknown)
{
	const omacp_csp *csp;
	*unknown = 0;
	if (omacp_cm_dropped(r->doc, item))
		return NULL;
	csp = omacp_cm_find(r->cm, omacp_node_type(item));
	if (csp == NULL)
		*unknown = 1;
	return csp;
}

static void set_status(omacp_result *res, unsigned idx, omacp_char_status s,
                       omacp_err e)
{
	if (idx < res->n_chars) {
		res->chars[idx].status = (uint8_t)s;
		res->chars[idx].err = e;
	}
}

static void reason_head(omacp__line *l, omacp_result *res, const omacp_node *item)
{
	omacp_slice t = omacp_node_type(item);
	omacp__line_init(l, res->reason, sizeof res->reason);
	omacp__line_str(l, "rejected: ");
	omacp__line_mem(l, t.ptr, t.len);
}

static void reason_roles(omacp__line *l, uint32_t roles)
{
	omacp__line_str(l, " (roles ");
	omacp__line_hex(l, roles);
	omacp__line_str(l, ")");
}

/* Reason for a failing CSP op. */
static void csp_failure(run *r, const omacp_node *item, omacp_csp_call *c,
                        const char *op, omacp_err e)
{
	omacp__line l;
	reason_head(&l, r->res, item);
	omacp__line_str(&l, ": ");
	if (c->desc[0] != '\0') {
		omacp__line_str(&l, c->desc);
	} else {
		omacp__line_str(&l, op);
		line_err(&l, e);
	}
	reason_roles(&l, r->roles);
	if (c->policy_id != 0)
		r->res->policy = c->policy_id;
	r->bad = c->err_node != NULL ? c->err_node : item;
}

static const omacp_node *nth_item(const omacp_doc *doc, unsigned k)
{
	const omacp_node *c = doc->root->first;
	while (c != NULL && k-- > 0)
		c = c->next;
	return c;
}

/* Roll back the items before index `upto` that were applied, newest first. */
static void rollback_before(run *r, unsigned upto)
{
	unsigned k = upto;
	while (k-- > 0) {
		const omacp_node *item = nth_item(r->doc, k);
		int unknown;
		const omacp_csp *csp = item_csp(r, item, &unknown);
		omacp_csp_call c;
		if (csp == NULL || item->elem == OMACP_ELEM_CHARACTERISTIC_QUERY ||
		    csp->ops == NULL || csp->ops->rollback == NULL)
			continue;
		call_init(r, &c, item, k);
		csp->ops->rollback(csp->user, &c);
	}
}

/* Metabase check of item and everything below it. */
static omacp_err check_access(run *r, const omacp_csp *csp,
                              const omacp_node *item)
{
	const omacp_node *n = item;
	do {
		int write;
		uint32_t need = needed_roles(csp, n, &write);
		if (!(need & r->roles)) {
			omacp__line l;
			omacp_slice s = label(n);
			reason_head(&l, r->res, item);
			omacp__line_str(&l, ": ");
			omacp__line_str(&l, omacp_elem_name(n->elem));
			omacp__line_str(&l, " ");
			omacp__line_mem(&l, s.ptr, s.len);
			omacp__line_str(&l, " needs one of the roles ");
			omacp__line_hex(&l, need);
			omacp__line_str(&l, write ? " to write" : " to read");
			reason_roles(&l, r->roles);
			r->bad = n;
			return OMACP_E_ROLE;
		}
		n = omacp_node_next_preorder(n);
	} while (n != NULL && n->depth > item->depth);
	return OMACP_OK;
}

/* ----------------------------------------------------- result document */

typedef struct qsink {
	omacp_event_fn fn;
	void *user;
	unsigned base;
	size_t count;
} qsink;

static omacp_err qsink_event(void *user, const omacp_event *ev)
{
	qsink *q = (qsink *)user;
	omacp_event e = *ev;
	e.depth += q->base;
	q->count++;
	return q->fn(q->user, &e);
}

static omacp_err emit(const run *r, const omacp_node *n, omacp_elem elem,
                      const char *desc, omacp_event_kind kind)
{
	omacp_attr a[OMACP_MAX_ATTRS + 1];
	omacp_event ev;
	size_t k = 0;
	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.elem = elem;
	ev.depth = n->depth;
	ev.offset = n->offset;
	if (kind == OMACP_EV_START) {
		for (k = 0; k < n->n_attrs && k < OMACP_MAX_ATTRS; k++)
			a[k] = n->attrs[k];
		if (desc != NULL) {
			a[k].name.ptr = (const uint8_t *)"desc";
			a[k].name.len = 4;
			a[k].value.ptr = (const uint8_t *)desc;
			a[k].value.len = strlen(desc);
			k++;
		}
		ev.n_attrs = k;
		ev.attrs = k > 0 ? a : NULL;
	}
	return r->cm->result_fn(r->cm->result_user, &ev);
}

static omacp_elem error_twin(omacp_elem e)
{
	return (e >= OMACP_ELEM_CHARACTERISTIC && e <= OMACP_ELEM_NOPARM)
	           ? (omacp_elem)((int)e + 6)
	           : e;
}

/* Answer query node q (accepted documents only). */
static omacp_err answer(const run *r, const omacp_node *q)
{
	const omacp_node *item = top_of(q);
	int unknown;
	const omacp_csp *csp = item_csp(r, item, &unknown);
	omacp_csp_call c;
	qsink s;
	omacp_err e;
	if (csp == NULL)                   /* dropped or ignored: leave as is */
		goto unchanged;
	if (csp->ops == NULL || csp->ops->query == NULL)
		goto fail;
	call_init(r, &c, item, 0);
	s.fn = r->cm->result_fn;
	s.user = r->cm->result_user;
	s.base = q->depth;
	s.count = 0;
	e = csp->ops->query(csp->user, &c, q, qsink_event, &s);
	if (e != OMACP_OK) {
		if (s.count > 0)
			return e;
		goto fail;
	}
	if (s.count > 0)
		return OMACP_OK;
	e = emit(r, q, q->elem == OMACP_ELEM_PARM_QUERY ? OMACP_ELEM_NOPARM
	                                                : OMACP_ELEM_NOCHARACTERISTIC,
	         NULL, OMACP_EV_START);
	if (e == OMACP_OK)
		e = emit(r, q, q->elem == OMACP_ELEM_PARM_QUERY
		                   ? OMACP_ELEM_NOPARM
		                   : OMACP_ELEM_NOCHARACTERISTIC,
		         NULL, OMACP_EV_END);
	return e;
fail:
	e = emit(r, q, error_twin(q->elem), "query failed", OMACP_EV_START);
	return e != OMACP_OK ? e : emit(r, q, error_twin(q->elem), NULL, OMACP_EV_END);
unchanged:
	e = emit(r, q, q->elem, NULL, OMACP_EV_START);
	return e != OMACP_OK ? e : emit(r, q, q->elem, NULL, OMACP_EV_END);
}

static omacp_err result_doc(const run *r, int accepted)
{
	const omacp_node *n = r->doc->root;
	const char *desc = r->res->reason;
	omacp_err e;
	if (strncmp(desc, "rejected: ", 10) == 0)
		desc += 10;
	while (n != NULL) {
		omacp_elem el = n == r->bad ? error_twin(n->elem) : n->elem;
		if (accepted && (n->elem == OMACP_ELEM_PARM_QUERY ||
		                 n->elem == OMACP_ELEM_CHARACTERISTIC_QUERY)) {
			if ((e = answer(r, n)) != OMACP_OK)
				return e;
		} else {
			e = emit(r, n, el, n == r->bad ? desc : NULL, OMACP_EV_START);
			if (e != OMACP_OK)
				return e;
			if (n->first != NULL) {
				n = n->first;
				continue;
			}
			if ((e = emit(r, n, el, NULL, OMACP_EV_END)) != OMACP_OK)
				return e;
		}
		while (n != NULL && n->next == NULL) {
			n = n->parent;
			if (n != NULL) {
				el = n == r->bad ? error_twin(n->elem) : n->elem;
				if ((e = emit(r, n, el, NULL, OMACP_EV_END)) != OMACP_OK)
					return e;
			}
		}
		if (n != NULL)
			n = n->next;
	}
	return OMACP_OK;
}

/* ----------------------------------------------------------- the driver */

static omacp_err reject(run *r, const omacp_state *old, unsigned failed,
                        omacp_err code)
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
	if (r->cm->result_fn != NULL)
		(void)result_doc(r, 0);
	return OMACP_REJECTED;
}

/* Run one phase over every item in document order.  Returns OMACP_OK, or
 * the error of the failing item (its index in *at; reason and bad node
 * set).  A commit failure is recorded and the phase goes on. */
static omacp_err phase(run *r, int ph, unsigned *at)
{
	const omacp_node *item;
	unsigned i;
	omacp_csp_call c;
	omacp_err e;
	int unknown;
	for (i = 0, item = r->doc->root->first; item != NULL;
	     item = item->next, i++) {
		const omacp_csp *csp = item_csp(r, item, &unknown);
		omacp_err (*fn)(void *, omacp_csp_call *) = NULL;
		*at = i;
		if (ph == PH_VALIDATE) {
			if (csp == NULL) {
				omacp__line l;
				if (!unknown ||
				    (r->pol.opts.flags & OMACP_OPT_UNKNOWN_IGNORE)) {
					set_status(r->res, i, OMACP_CHAR_IGNORED, OMACP_OK);
					continue;
				}
				reason_head(&l, r->res, item);
				omacp__line_str(&l, ": no CSP registered for this type");
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
		if (item->elem == OMACP_ELEM_CHARACTERISTIC_QUERY || csp->ops == NULL)
			continue;
		fn = ph == PH_VALIDATE ? csp->ops->validate
		   : ph == PH_APPLY ? csp->ops->apply : csp->ops->commit;
		if (fn == NULL)
			continue;
		call_init(r, &c, item, i);
		e = fn(csp->user, &c);
		if (e == OMACP_OK)
			continue;
		if (e > 0)
			e = OMACP_E_CALLBACK;
		if (ph == PH_COMMIT) {
			if (r->res->code == OMACP_OK) {
				omacp__line l;
				omacp_slice t = omacp_node_type(item);
				r->res->code = e;
				set_status(r->res, i, OMACP_CHAR_APPLIED, e);
				omacp__line_init(&l, r->res->reason, sizeof r->res->reason);
				omacp__line_str(&l, "accepted: but the commit of ");
				omacp__line_mem(&l, t.ptr, t.len);
				line_err(&l, e);
			}
			continue;
		}
		csp_failure(r, item, &c, ph == PH_VALIDATE ? "validate" : "apply", e);
		return e;
	}
	*at = i;
	return OMACP_OK;
}

omacp_err omacp_cm_process(const omacp_cm *cm, const omacp_doc *doc,
                           uint32_t roles, const omacp_state *old_state,
                           omacp_state *new_state, omacp_result *res)
{
	run r;
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
	res->roles = roles;
	res->manager = (roles & OMACP_ROLE_MANAGER) != 0;
	res->n_chars = res->n_chars_total = 0;
	for (item = doc->root->first; item != NULL; item = item->next) {
		if (res->n_chars < OMACP_RESULT_MAX_CHARS) {
			omacp_char_result *cr = &res->chars[res->n_chars++];
			omacp_slice t = omacp_node_type(item);
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
	if ((e = validate_doc(doc, res, &r.bad)) != OMACP_OK)
		return reject(&r, old_state, (unsigned)-1, e);
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
		omacp__line l;
		if (e > 0)
			e = OMACP_E_CALLBACK;
		omacp__line_init(&l, res->reason, sizeof res->reason);
		omacp__line_str(&l, "rejected: saving the new state");
		line_err(&l, e);
		rollback_before(&r, at);
		r.bad = NULL;
		return reject(&r, old_state, (unsigned)-1, e);
	}
	/* 4. commit */
	res->code = OMACP_OK;
	res->verdict = OMACP_ACCEPTED;
	if (res->reason[0] == '\0') {
		omacp__line l;
		unsigned k, n = 0;
		for (k = 0; k < res->n_chars; k++)
			n += res->chars[k].status != OMACP_CHAR_IGNORED;
		omacp__line_init(&l, res->reason, sizeof res->reason);
		omacp__line_str(&l, "accepted: ");
		omacp__line_dec(&l, n);
		omacp__line_str(&l, " items applied");
		reason_roles(&l, roles);
	}
	(void)phase(&r, PH_COMMIT, &at);
	if (cm->result_fn != NULL && (e = result_doc(&r, 1)) != OMACP_OK)
		return e;
	return OMACP_ACCEPTED;
}
