/* The Configuration Manager's result document (an object of its own: with
 * OMACP_CM_IMPLICIT_RESULT 0 it links only when the host names
 * omacp_cm_result_doc). */
#include <string.h>
#include "omacp/csp.h"
#include "csp_int.h"

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

/* START (with n's attributes and an optional desc) or END of n as elem. */
static omacp_err emit(const omacp_cm_run *r, const omacp_node *n,
                      omacp_elem elem, const char *desc, omacp_event_kind kind)
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

/* An empty element: START and END. */
static omacp_err emit_empty(const omacp_cm_run *r, const omacp_node *n,
                            omacp_elem elem, const char *desc)
{
	omacp_err e = emit(r, n, elem, desc, OMACP_EV_START);
	return e != OMACP_OK ? e : emit(r, n, elem, NULL, OMACP_EV_END);
}

static omacp_elem error_twin(omacp_elem e)
{
	return (e >= OMACP_ELEM_CHARACTERISTIC && e <= OMACP_ELEM_NOPARM)
	           ? (omacp_elem)((int)e + 6)
	           : e;
}

/* Answer query node q (accepted documents only). */
static omacp_err answer(const omacp_cm_run *r, const omacp_node *q)
{
	const omacp_node *item = q;
	int unknown;
	const omacp_csp *csp;
	omacp_csp_call c;
	qsink s;
	omacp_err e;
	while (item->parent != NULL && item->parent->parent != NULL)
		item = item->parent;
	csp = omacp__item_csp(r, item, &unknown);
	if (csp == NULL)                   /* dropped or ignored: leave as is */
		return emit_empty(r, q, q->elem, NULL);
	if (csp->ops == NULL || csp->ops->query == NULL)
		return emit_empty(r, q, error_twin(q->elem), "query failed");
	omacp__call_init(r, &c, item, 0);
	s.fn = r->cm->result_fn;
	s.user = r->cm->result_user;
	s.base = q->depth;
	s.count = 0;
	e = csp->ops->query(csp->user, &c, q, qsink_event, &s);
	if (s.count > 0)
		return e;
	if (e != OMACP_OK)
		return emit_empty(r, q, error_twin(q->elem), "query failed");
	return emit_empty(r, q, q->elem == OMACP_ELEM_PARM_QUERY
	                            ? OMACP_ELEM_NOPARM
	                            : OMACP_ELEM_NOCHARACTERISTIC, NULL);
}

omacp_err omacp_cm_result_doc(const omacp_cm_run *r, int accepted)
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
