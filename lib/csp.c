/* Configuration Manager: ProvCont validation, dropping, metabase, dispatch.
 * Iterative walks only; no heap; no globals.  The result document is in
 * csp_result.c (linked only when the host asks for it). */
#include <string.h>
#include "omacp/csp.h"
#include "csp_int.h"
#if OMACP__CM_FAST
#include "wbxml_str.h"  /* the string numbers of omacp_node.label_ */
#endif

/* ------------------------------------------------------------ helpers */

/* The 4 bytes at p as a word (any alignment; same order as w4 of a literal). */
static uint32_t w4(const void *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

/* omacp__is; inlined into the hot loops of speed builds (-Os: into
 * omacp__is only). */
#if defined(__GNUC__)
__attribute__((always_inline)) inline
#endif
static int same(const omacp_slice *s, const char *lit, size_t len)
{
	const uint8_t *p = s->ptr, *q = (const uint8_t *)lit;
	size_t i;
	if (s->len != len || p == NULL)
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

int omacp__is(const omacp_slice *s, const char *lit, size_t len)
{
	return same(s, lit, len);
}

const omacp_slice omacp__none = { NULL, 0 };

const omacp_slice *omacp__attr(const omacp_node *n, const char *name,
                               size_t len)
{
	size_t i;
	for (i = 0; i < n->n_attrs; i++) {
		const omacp_slice *s = &n->attrs[i].name;
#if OMACP__CM_FAST
		if (s->len != len)
			continue;
		if (len == 4) {     /* "type", "name": one word */
			if (s->ptr != NULL && w4(s->ptr) == w4(name))
				return &n->attrs[i].value;
			continue;
		}
#endif
		if (omacp__is(s, name, len))
			return &n->attrs[i].value;
	}
	return &omacp__none;
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

static int slices_eq(const omacp_slice *a, const omacp_slice *b)
{
	return a->len == b->len &&
	       (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
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

/* One pass over n's attributes: returns the value of the first one named k
 * (w4 of "type" or "name"; &omacp__none when none); *mwid is 1 when the
 * first "mwid" attribute is "1".  (Hot: every node, several times.) */
static OMACP__HOT const omacp_slice *key_w(const omacp_node *n, uint32_t k, int *mwid)
{
	const omacp_slice *key = &omacp__none, *mw = &omacp__none;
	size_t i = n->n_attrs;
#if OMACP__CM_FAST
	/* the usual forms: the key first, then nothing or one attribute whose
	 * name is not 4 bytes long (so no "mwid") */
	if (i - 1u < 2u) {
		const omacp_attr *a = n->attrs;
		if (a[0].name.len == 4 && a[0].name.ptr != NULL &&
		    w4(a[0].name.ptr) == k && (i == 1 || a[1].name.len != 4)) {
			*mwid = 0;
			return &a[0].value;
		}
	}
#endif
	while (i-- > 0) {              /* backwards: the first one wins */
		const omacp_attr *a = &n->attrs[i];
		uint32_t w;
		if (a->name.len != 4 || a->name.ptr == NULL)
			continue;
		w = w4(a->name.ptr);
		if (w == k)
			key = &a->value;
		else if (w == w4("mwid"))
			mw = &a->value;
	}
	*mwid = mw->len == 1 && mw->ptr != NULL && mw->ptr[0] == '1';
	return key;
}

/* key_w with the key of n's element: "type" for characteristic-like
 * elements, else "name". */
static OMACP__HOT const omacp_slice *key_of(const omacp_node *n, int *mwid)
{
	return key_w(n, w4(is_char_like(n->elem) ? "type" : "name"), mwid);
}

const omacp_slice *omacp__label(const omacp_node *n)
{
	int mwid;
	return key_of(n, &mwid);
}

/* ------------------------------------------------- OMA ProvCont tables */

enum {
	T_PXLOGICAL, T_NAPDEF, T_BOOTSTRAP, T_VENDORCONFIG, T_CLIENTIDENTITY,
	T_ACCESS, T_APPLICATION,          /* root types above */
	T_PXPHYSICAL, T_PORT, T_PXAUTHINFO, T_NAPAUTHINFO, T_VALIDITY,
	T_APPADDR, T_APPAUTH, T_RESOURCE, T_COUNT  /* T_COUNT: not an OMA type */
};
#define T_ROOT_COUNT 7
#define B(t) (1u << (t))

/* Names as length-prefixed lists (a 0 byte ends a list). */
static const char oma_types[] =
	"\011PXLOGICAL\006NAPDEF\011BOOTSTRAP\014VENDORCONFIG\016CLIENTIDENTITY"
	"\006ACCESS\013APPLICATION\012PXPHYSICAL\004PORT\012PXAUTHINFO"
	"\013NAPAUTHINFO\010VALIDITY\007APPADDR\007APPAUTH\010RESOURCE";

/* Allowed parents of each type (ProvCont 5.6; none for root types). */
static const uint16_t oma_parents[T_COUNT + 1] = {
	0, 0, 0, 0, 0, 0, 0,
	B(T_PXLOGICAL),
	B(T_PXLOGICAL) | B(T_PXPHYSICAL) | B(T_APPADDR),
	B(T_PXLOGICAL),
	B(T_NAPDEF),
	B(T_NAPDEF),
	B(T_APPLICATION),
	B(T_APPLICATION),
	B(T_APPLICATION),
};

/* Required parms of each type (an entry whose length has bit 7 set names a
 * characteristic child). */
static const char *const oma_required[T_COUNT + 1] = {
	"\010PROXY-ID\004NAME\212PXPHYSICAL", "\005NAPID\004NAME", "", "\004NAME",
	"\011CLIENT-ID", "\004RULE", "\005APPID",
	"\021PHYSICAL-PROXY-ID\006PXADDR\010TO-NAPID", "\007PORTNBR",
	"\013PXAUTH-TYPE", "\010AUTHTYPE", "", "\004ADDR", "", "\003URI", "",
};

/* The OMA type *type (T_COUNT when none). */
static int oma_index(const omacp_slice *type)
{
#if OMACP__CM_FAST
	/* (6 * length + last byte) % 32 differs for every type: the slot gives
	 * the only candidate (T_COUNT: none), at[] where its name is. */
	static const uint8_t slot[32] = {
		15, 15, 0, 15, 15, 15, 2, 15, 7, 11, 1, 9, 8, 4, 15, 3,
		6, 10, 13, 15, 15, 14, 15, 5, 15, 15, 15, 15, 12, 15, 15, 15,
	};
	static const uint8_t at[T_COUNT] = {
		0, 10, 17, 27, 40, 55, 62, 74, 85, 90, 101, 113, 122, 130, 138,
	};
	size_t n = type->len;
	unsigned t;
	if (n == 0 || n > 14 || type->ptr == NULL)
		return T_COUNT;
	t = slot[(6u * n + type->ptr[n - 1]) % 32u];
	return t < T_COUNT && same(type, oma_types + at[t] + 1,
	                           (uint8_t)oma_types[at[t]]) ? (int)t : T_COUNT;
#else
	const char *l = oma_types;
	int i;
	for (i = 0; *l != '\0'; i++) {
		size_t n = (uint8_t)*l++;
		if (n == type->len && omacp__is(type, l, n))
			break;
		l += n;
	}
	return i;
#endif
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

/* 1 when the run proved that nothing of its document is dropped. */
static int nodrop(const omacp_cm_run *r)
{
#if OMACP__CM_FAST
	return r != NULL && r->nodrop;
#else
	(void)r;
	return 0;
#endif
}

/* 1 when Windows Mobile exemptions must be looked for: no run, or the run's
 * document has an mwid="1" or a query / delete somewhere. */
static int wm_on(const omacp_cm_run *r)
{
#if OMACP__CM_FAST
	return r == NULL || !r->plain;
#else
	(void)r;
	return 1;
#endif
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
	return t < T_ROOT_COUNT;
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
static unsigned item_def(const omacp_node *c, const omacp_slice *t,
                         const omacp_slice **v)
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

#if OMACP__CM_FAST
/* Add a definition to the cache. */
static void defs_add(omacp__defs *d, unsigned k, const omacp_slice *v)
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
		const omacp_slice *v;
		unsigned k = item_def(d->ahead, TYPE(d->ahead), &v);
		if (k != 0)
			defs_add(d, k, v);
		d->ahead = d->ahead->next;
		d->ahead_idx++;
	}
}
#endif

/* 1 when a top-level item of doc defines value v of kind. */
static int defined(const omacp_cm_run *r, const omacp_doc *doc, unsigned kind,
                   const omacp_slice *v)
{
	const omacp_node *c;
	const omacp_slice *w = &omacp__none;
#if OMACP__CM_FAST
	if (r != NULL) {
		const omacp__defs *d = &r->defs;
		unsigned i, m = d->n < OMACP__DEFS ? d->n : OMACP__DEFS;
		for (i = 0; i < m; i++)
			if (d->kind[i] == kind && slices_eq(d->v[i], v))
				return 1;
		if (d->ahead == NULL && d->n <= OMACP__DEFS)
			return 0;           /* the cache holds every definition */
	}
#else
	(void)r;
#endif
	for (c = doc->root->first; c != NULL; c = c->next)
		if (item_def(c, TYPE(c), &w) == kind && slices_eq(w, v))
			return 1;
	return 0;
}

/* The kind a reference parm (name nm) points to, or 0. */
static unsigned ref_kind(const omacp_slice *nm)
{
	if (OMACP__IS(nm, "TO-NAPID"))
		return OMACP__DEF_NAPID;
	return OMACP__IS(nm, "TO-PROXY") ? OMACP__DEF_PROXY : 0;
}

/* 1 when reference p (of kind k) names nothing. */
static int dangling(const omacp_cm_run *r, const omacp_doc *doc, unsigned k,
                    const omacp_node *p)
{
	const omacp_slice *v = VALUE(p);
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
	if (nodrop(r) || (wm && is_mwid(ph)))
		return 0;
	for (c = ph->first; c != NULL; c = c->next) {
		const omacp_slice *key = key_of(c, &mwid);
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
	if (nodrop(r) || (wm && is_mwid(lg)))
		return 0;
	for (c = lg->first; c != NULL; c = c->next) {
		const omacp_slice *key = key_of(c, &mwid);
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
	if (nodrop(call->run_))
		return 0;             /* nothing of the document is dropped */
	return !(wm_on(call->run_) && wm_step(call->node)) &&
	       oma_above(call->run_, call->node);
}

int omacp__phys_dropped(const omacp_csp_call *call, const omacp_node *ph)
{
	return phys_drop(call->run_, call->doc, ph);
}

/* ----------------------------------------------------------- validation */

/* Why a document is invalid: the reason texts (a slice may follow the
 * text), in the order of why_code. */
enum {
	W_ROOT, W_HERE, W_MISPLACED, W_CHILDREN, W_AT_ROOT, W_IN, /* structure */
	W_NO_TYPE, W_NO_NAME,                                     /* attribute */
	W_LACKS                                                   /* invalid   */
};
static const char *const why_text[] = {
	"root is not wap-provisioningdoc", "not allowed here", "misplaced",
	"has children", "not allowed at the root", "not allowed in ",
	"without type", "without name", "lacks ",
};

static const int8_t why_code[] = {
	OMACP_E_DOC_STRUCTURE, OMACP_E_DOC_STRUCTURE, OMACP_E_DOC_STRUCTURE,
	OMACP_E_DOC_STRUCTURE, OMACP_E_DOC_STRUCTURE, OMACP_E_DOC_STRUCTURE,
	OMACP_E_DOC_ATTR, OMACP_E_DOC_ATTR, OMACP_E_DOC_INVALID,
};

static omacp_err invalid(omacp_result *res, const omacp_node *n, unsigned why,
                         const omacp_slice *m)
{
	omacp__line l;
	omacp_err e = (omacp_err)why_code[why];
	if (res == NULL)
		return e;
	omacp__line_init(&l, res->reason, sizeof res->reason);
	omacp__line_fmt(&l, "rejected: invalid document: ");
	if (n != NULL) {
		const omacp_slice *s = omacp__label(n);
		const char *en = omacp_elem_name(n->elem);
		omacp__line_fmt(&l, s->ptr != NULL ? "%s %m " : "%s ",
		                en != NULL ? en : "element", *s);
	}
	omacp__line_fmt(&l, "%s%m", why_text[why], *m);
	res->code = e;
	res->verdict = OMACP_REJECTED;
	return e;
}

#define REQ_CHAR 0x80u     /* required entry: a characteristic child */
#define NO_DEPTH ((unsigned)-1)

#if OMACP__CM_FAST

/* For each type, bit (b & 31) for each length byte b of its required list:
 * a child whose length byte has no bit cannot be a required entry.  No two
 * entries of a list share a bit, so a bit also names one entry. */
#define L(b) (1u << ((b) & 31u))
static const uint32_t oma_lens[T_COUNT + 1] = {
	L(8) | L(4) | L(REQ_CHAR | 10), L(5) | L(4), 0, L(4), L(9), L(4), L(5),
	L(17) | L(6) | L(8), L(7), L(11), L(8), 0, L(4), 0, L(3), 0,
};
#undef L

/* A node's label_ (doc.h): omacp_wbxml_decode_doc sets it, in speed builds,
 * to the string number (wbxml_str.h) of attrs[0]'s value when that value is
 * whole the value prefix of the attribute-start token attrs[0] came from
 * and no attribute of the node came by LITERAL; else it is 0.  lab[] gives
 * for the strings validate_doc knows: LB_TYPE for the OMA types, t the OMA
 * type index (T_COUNT: none), req bit u for each type u that requires the
 * string (a parm, or a characteristic for LB_TYPE), and what validate_doc
 * notes of a parm so named.  The entries restate oma_types and
 * oma_required, by number instead of by text; any other string is a name
 * no type requires. */
#define LB_TYPE 1u       /* an OMA type                                    */
#define LB_DEF 2u        /* NAPID / PROXY-ID: a definition in its item     */
#define LB_REF 4u        /* TO-NAPID                                       */
#define LB_TRUST 8u      /* TRUST                                          */
#define LB_PXAT 16u      /* PXADDRTYPE                                     */
typedef struct cm_lab {
	uint16_t req;
	uint8_t flags, t;
} cm_lab;
#define TY(s, t, r) [OMACP__##s] = { r, LB_TYPE, t }
#define NM(s, f, r) [OMACP__##s] = { r, f, T_COUNT }
static const cm_lab lab[OMACP__WB_NSTR] = {
	TY(S_PXLOGICAL, T_PXLOGICAL, 0), TY(S_NAPDEF, T_NAPDEF, 0),
	TY(S_BOOTSTRAP, T_BOOTSTRAP, 0), TY(S_VENDORCONFIG, T_VENDORCONFIG, 0),
	TY(S_CLIENTIDENTITY, T_CLIENTIDENTITY, 0), TY(S_ACCESS, T_ACCESS, 0),
	TY(S_APPLICATION, T_APPLICATION, 0),
	TY(S_PXPHYSICAL, T_PXPHYSICAL, B(T_PXLOGICAL)), TY(S_PORT, T_PORT, 0),
	TY(S_PXAUTHINFO, T_PXAUTHINFO, 0), TY(S_NAPAUTHINFO, T_NAPAUTHINFO, 0),
	TY(S_VALIDITY, T_VALIDITY, 0), TY(S_APPADDR, T_APPADDR, 0),
	TY(S_APPAUTH, T_APPAUTH, 0), TY(S_RESOURCE, T_RESOURCE, 0),
	NM(S_PROXY_ID, LB_DEF, B(T_PXLOGICAL)),
	NM(S_NAME, 0, B(T_PXLOGICAL) | B(T_NAPDEF) | B(T_VENDORCONFIG)),
	NM(S_NAPID, LB_DEF, B(T_NAPDEF)), NM(S_CLIENT_ID, 0, B(T_CLIENTIDENTITY)),
	NM(S_RULE, 0, B(T_ACCESS)), NM(S_APPID, 0, B(T_APPLICATION)),
	NM(S_PHYSICAL_PROXY_ID, 0, B(T_PXPHYSICAL)), NM(S_PXADDR, 0, B(T_PXPHYSICAL)),
	NM(S_TO_NAPID, LB_REF, B(T_PXPHYSICAL)), NM(S_PORTNBR, 0, B(T_PORT)),
	NM(S_PXAUTH_TYPE, 0, B(T_PXAUTHINFO)), NM(S_AUTHTYPE, 0, B(T_NAPAUTHINFO)),
	NM(S_ADDR, 0, B(T_APPADDR)), NM(S_URI, 0, B(T_RESOURCE)),
	NM(S_TRUST, LB_TRUST, 0), NM(S_PXADDRTYPE, LB_PXAT, 0),
};
#undef TY
#undef NM

/* The lab[] entry of n's label when attrs[0] is n's key as key_w(n, k)
 * finds it and n has no "mwid", else NULL.  A label means every attribute
 * of n came from an attribute-start token, and no token is named "mwid";
 * attrs[0]'s name is a token's name, so its first four bytes tell "name"
 * and "type" from the others. */
static OMACP__HOT const cm_lab *lab_of(const omacp_node *n, uint32_t k)
{
	if (n->label_ == 0 || w4(n->attrs[0].name.ptr) != k)
		return NULL;
	return &lab[n->label_];
}

/* What validate_doc notes of parm c named by a string of flags f (LB_REF,
 * LB_TRUST or LB_PXAT; 0: nothing): a TO-NAPID's value in r->refs, and a
 * TRUST or a PXADDRTYPE E164 in r->px_idle. */
static OMACP__HOT void note_parm(omacp_cm_run *r, const omacp_node *c, unsigned f)
{
	if (f & LB_REF) {
		if (r->n_refs < OMACP__REFS)
			r->refs[r->n_refs] = VALUE(c);
		r->n_refs++;
	} else if ((f & LB_TRUST) ||
	           ((f & LB_PXAT) && VALUE(c)->len == 4 &&
	            omacp__ieq((const char *)VALUE(c)->ptr, "E164", 4))) {
		r->px_idle = 0;
	}
}

/* Validate: r->bad receives the offending node (NULL when the root),
 * r->plain whether the document has no mwid="1" and no query or delete at
 * all, r->defs the document's definitions (complete when they fit), r->refs
 * the TO-NAPID values and r->nodrop whether they all resolve, r->px_idle
 * whether no parm is a TRUST or a PXADDRTYPE E164 (every parm of a valid
 * document is a child of the root or of a characteristic the walk visits).
 * (The -Os build has the two-pass form below: smaller, same results.)
 *
 * One pre-order walk that stops only at the root and at characteristics
 * (every other valid node is a leaf).  At each of those one pass over its
 * children does all that needs only the child (element, label, place, no
 * children), finds whether the characteristic is a Windows Mobile step and
 * which of its required children are there.  The first child failing a
 * check of its own is kept in pend and reported when the walk reaches it:
 * anything the walk finds wrong before that comes earlier in document
 * order.  ex is the depth of the exempt characteristic the walk is in
 * (NO_DEPTH: none). */
static omacp_err validate_doc(const omacp_doc *doc, omacp_result *res,
                              omacp_cm_run *r)
{
	const omacp_node *n = NULL, *root, *pend = NULL, *c, *stop;
	const omacp_slice *m = &omacp__none;
	omacp_slice lack;
	unsigned ex = NO_DEPTH, why = W_ROOT, pwhy = W_ROOT;
	uint8_t ts[OMACP_MAX_DEPTH + 1]; /* OMA type of the last characteristic
	                                    walked at each depth (depth <=
	                                    OMACP_MAX_DEPTH in a built tree) */
	r->plain = 1;
	r->defs.ahead = NULL;
	r->defs.n = 0;
	r->nodrop = 0;
	r->px_idle = 1;
	r->n_refs = 0;
	if (doc == NULL || (root = doc->root) == NULL ||
	    root->elem != OMACP_ELEM_DOC)
		goto fail;
	for (n = root;;) {
		if (n == pend) {
			why = pwhy;
			goto fail;
		}
		{   /* n is the root or a characteristic */
			const omacp_node *bad = NULL, *par = n->parent;
			const char *req = "", *l;
			unsigned found = 0, t = T_COUNT, d = n->depth;
			int mwid = 0;
			const omacp_node *def = NULL;
			uint32_t lens = 0;     /* bit (b & 31) for each entry b of req;
			                          found: those of the entries seen */
			if (n != root) {
				const cm_lab *lb = lab_of(n, w4("type"));
				t = lb != NULL && (lb->flags & LB_TYPE)
				        ? lb->t
				        : (unsigned)oma_index(key_of(n, &mwid));
				req = oma_required[t];
				lens = oma_lens[t];
			}
			if (d <= OMACP_MAX_DEPTH)
				ts[d] = (uint8_t)t;
			stop = NULL;
			for (c = n->first; c != NULL; c = c->next) {
				unsigned e = c->elem, w = W_ROOT, kind;
				int cm, charl;
				const omacp_slice *key;
				/* first the two usual cases that pass every check, known
				 * from the label: what the code below finds for them */
				if (e == OMACP_ELEM_PARM) {
					const cm_lab *lb = lab_of(c, w4("name"));
					if (lb != NULL && !(lb->flags & LB_TYPE) &&
					    c->first == NULL && n != root) {
						if (lb->flags & (LB_REF | LB_TRUST | LB_PXAT))
							note_parm(r, c, lb->flags);
						if ((lb->req >> t) & 1u) {
							if ((lb->flags & LB_DEF) && def == NULL)
								def = c;
							found |= 1u << (c->attrs[0].value.len & 31);
						}
						continue;
					}
				} else if (e == OMACP_ELEM_CHARACTERISTIC) {
					const cm_lab *lb = lab_of(c, w4("type"));
					if (lb != NULL) {   /* (any type: req says if needed) */
						if (stop == NULL)
							stop = c;
						if ((lb->req >> t) & 1u)
							found |= 1u << (c->attrs[0].value.len & 31);
						continue;
					}
				}
				/* the key: "name" for odd elements (the label of those that
				 * pass the checks below; the others' key is not used) */
				key = key_w(c, e & 1u ? w4("name") : w4("type"), &cm);
				if (cm) {
					mwid = 1;     /* n is a Windows Mobile step */
					r->plain = 0;
				}
				kind = (unsigned)key->len;  /* the length byte an entry for
				                               c would have (when < 0x80) */
				/* first the two usual cases that pass every check */
				if (e == OMACP_ELEM_PARM && key->ptr != NULL &&
				    c->first == NULL && n != root)
					goto req;
				if (e == OMACP_ELEM_CHARACTERISTIC && key->ptr != NULL) {
					if (stop == NULL)
						stop = c;   /* where the walk goes on */
					kind |= REQ_CHAR;
					goto req;
				}
				charl = is_char_like(e);
				if (is_query_or_delete(e)) {
					mwid = 1;
					r->plain = 0;
				}
				if (e < OMACP_ELEM_CHARACTERISTIC || e > OMACP_ELEM_NOPARM)
					w = W_HERE;
				else if (key->ptr == NULL)
					w = charl ? W_NO_TYPE : W_NO_NAME;
				else if (n == root && !charl)
					w = W_MISPLACED;
				else if (e != OMACP_ELEM_CHARACTERISTIC && c->first != NULL)
					w = W_CHILDREN;
				if (w != W_ROOT && bad == NULL) {
					bad = c;
					pwhy = w;
				}
				if (stop == NULL &&
				    (c == bad || e == OMACP_ELEM_CHARACTERISTIC))
					stop = c;
				if (e != OMACP_ELEM_CHARACTERISTIC && e != OMACP_ELEM_PARM)
					continue;   /* never a required entry */
				if (e == OMACP_ELEM_CHARACTERISTIC)
					kind |= REQ_CHAR;
req:
				if (key->len >= REQ_CHAR)
					continue;   /* never a required entry */
				if (kind <= 10 && ((0x520u >> kind) & 1u))  /* 5, 8, 10 */
					note_parm(r, c, kind == 8 && same(key, "TO-NAPID", 8) ? LB_REF
					              : kind == 5 && same(key, "TRUST", 5) ? LB_TRUST
					              : kind == 10 && same(key, "PXADDRTYPE", 10)
					                  ? LB_PXAT : 0u);
				if (!((lens >> (kind & 31)) & 1u))
					continue;   /* no entry of this length */
				for (l = req; *l != '\0'; l += (*l & 0x7F) + 1) {
					if ((uint8_t)*l == kind && same(key, l + 1, key->len)) {
						if (l == req && def == NULL)
							def = c;  /* NAPDEF NAPID, PXLOGICAL PROXY-ID */
						found |= 1u << (kind & 31);
						break;
					}
				}
			}
			if (bad != NULL)
				pend = bad;
			if (n == root)
				goto next;
			why = W_AT_ROOT;
			if (par == root && t >= T_ROOT_COUNT && t < T_COUNT)
				goto fail;
			if (def != NULL && par == root &&
			    (t == T_NAPDEF || t == T_PXLOGICAL))
				defs_add(&r->defs, t == T_NAPDEF ? OMACP__DEF_NAPID
				                                 : OMACP__DEF_PROXY,
				         VALUE(def));
			/* d <= ex: not below an exempt characteristic (any more) */
			if (d <= ex) {
				ex = NO_DEPTH;
				if ((par == root && t == T_COUNT) || mwid) {
					ex = d;   /* not an OMA item, or a Windows Mobile step */
				} else if (par != root &&
				           !((oma_parents[t] >> (d - 1u <= OMACP_MAX_DEPTH
				                                 ? ts[d - 1u]
				                                 : (unsigned)oma_index(TYPE(par))))
				             & 1u)) {
					m = TYPE(par);
					why = W_IN;
					goto fail;
				} else if (found != lens) {
					/* an entry is missing: the first one in list order */
					for (;; req += (*req & 0x7F) + 1) {
						if (!((found >> (*req & 31)) & 1u)) {
							lack.ptr = (const uint8_t *)req + 1;
							lack.len = (uint8_t)*req & 0x7Fu;
							m = &lack;
							why = W_LACKS;
							goto fail;
						}
					}
				}
			}
		}
next:
		/* on to the next characteristic (or pend) in document order; the
		 * nodes passed over are leaves that passed their checks (among n's
		 * children the first stop is the first characteristic or bad) */
		for (c = stop;; c = n->next, n = n->parent) {
			while (c != NULL && c != pend &&
			       c->elem != OMACP_ELEM_CHARACTERISTIC)
				c = c->next;
			if (c != NULL || n == root)
				break;
		}
		if (c == NULL)
			break;
		n = c;
	}
	/* no TO-NAPID dangles: no PXPHYSICAL or PXLOGICAL is dropped */
	if (r->n_refs <= OMACP__REFS && r->defs.n <= OMACP__DEFS) {
		unsigned i;
		for (i = 0; i < r->n_refs; i++)
			if (!OMACP__IS(r->refs[i], "INTERNET") &&
			    !defined(r, doc, OMACP__DEF_NAPID, r->refs[i]))
				break;
		r->nodrop = i == r->n_refs;
	}
	r->bad = NULL;
	return OMACP_OK;
fail:
	r->bad = n;
	return invalid(res, n, why, m);
}

#else

/* One pass over the children of characteristic n (own mwid="1": mwid):
 * 1 when n is a Windows Mobile path step (exempt from the ProvCont checks);
 * else 0 and in *found bit j for each entry j of the required list req
 * present (a parm, or a characteristic for entries flagged REQ_CHAR). */
static int scan_required(const omacp_node *n, const char *req, int mwid,
                         unsigned *found)
{
	const omacp_node *c;
	unsigned f = 0;
	if (mwid)
		return 1;
	for (c = n->first; c != NULL; c = c->next) {
		const omacp_slice *key = key_of(c, &mwid);
		const char *l;
		unsigned j, kind;
		if (mwid || is_query_or_delete(c->elem))
			return 1;
		if ((c->elem != OMACP_ELEM_CHARACTERISTIC &&
		     c->elem != OMACP_ELEM_PARM) || key->len >= REQ_CHAR)
			continue;         /* not a parm / characteristic, or too long */
		/* the length byte an entry for c would have */
		kind = (c->elem == OMACP_ELEM_CHARACTERISTIC ? REQ_CHAR : 0u) |
		       (unsigned)key->len;
		for (j = 0, l = req; *l != '\0'; l += (*l & 0x7F) + 1, j++) {
			if ((uint8_t)*l == kind && omacp__is(key, l + 1, key->len)) {
				f |= 1u << j;
				break;
			}
		}
	}
	*found = f;
	return 0;
}

/* Validate (size-optimised form: the same results in two passes, a
 * pre-order walk that looks at each node and scans the children of each
 * characteristic again): r->bad receives the offending node (NULL when the
 * root).  ex is the depth of the exempt characteristic the walk is in
 * (NO_DEPTH: none). */
static omacp_err validate_doc(const omacp_doc *doc, omacp_result *res,
                              omacp_cm_run *r)
{
	const omacp_node *n = NULL, *root;
	const omacp_slice *m = &omacp__none;
	omacp_slice lack;
	unsigned ex = NO_DEPTH, why = W_ROOT;
	r->bad = NULL;
	if (doc == NULL || (root = doc->root) == NULL ||
	    root->elem != OMACP_ELEM_DOC)
		goto fail;
	for (n = root->first; n != NULL;) {
		const omacp_node *par = n->parent;
		unsigned e = n->elem, d = n->depth;
		int charl = is_char_like(e), mwid;
		const omacp_slice *key;
		r->bad = n;
		why = W_HERE;
		if (e < OMACP_ELEM_CHARACTERISTIC || e > OMACP_ELEM_NOPARM)
			goto fail;
		key = key_of(n, &mwid);
		why = charl ? W_NO_TYPE : W_NO_NAME;
		if (key->ptr == NULL)
			goto fail;
		why = W_MISPLACED;
		if (par->elem != OMACP_ELEM_CHARACTERISTIC && !(charl && par == root))
			goto fail;
		why = W_CHILDREN;
		if (e != OMACP_ELEM_CHARACTERISTIC && n->first != NULL)
			goto fail;
		if (e == OMACP_ELEM_CHARACTERISTIC) {
			int t = oma_index(key);
			const char *req = oma_required[t];
			unsigned found, j;
			if (par == root) {
				why = W_AT_ROOT;
				if (t >= T_ROOT_COUNT && t < T_COUNT)
					goto fail;
			}
			/* d <= ex: not below an exempt characteristic (any more) */
			if (d <= ex) {
				ex = NO_DEPTH;
				if ((par == root && t == T_COUNT) ||
				    scan_required(n, req, mwid, &found)) {
					ex = d;   /* not an OMA item, or a Windows Mobile step */
				} else if (par != root &&
				           !((oma_parents[t] >> oma_index(TYPE(par))) & 1u)) {
					m = TYPE(par);
					why = W_IN;
					goto fail;
				} else {
					for (j = 0; *req != '\0'; req += (*req & 0x7F) + 1, j++) {
						if (!(found & (1u << j))) {
							lack.ptr = (const uint8_t *)req + 1;
							lack.len = (uint8_t)*req & 0x7Fu;
							m = &lack;
							why = W_LACKS;
							goto fail;
						}
					}
				}
			}
		}
		if (n->first != NULL) {
			n = n->first;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n != NULL)
			n = n->next;
	}
	r->bad = NULL;
	return OMACP_OK;
fail:
	return invalid(res, n, why, m);
}
#endif

omacp_err omacp_cm_validate_doc(const omacp_doc *doc, omacp_result *res)
{
	omacp_cm_run r;
	return validate_doc(doc, res, &r);
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
	if (type.ptr == NULL || type.len == 0)
		return NULL;
	for (i = 0; i < cm->n_csps; i++) {
		const char *z = cm->csps[i].type;
		if (z == NULL)
			continue;
#if OMACP__CM_FAST
		if (type.ptr[0] != (uint8_t)z[0])
			continue;             /* no strlen for most entries */
#endif
		if (omacp__is(&type, z, strlen(z)))
			return &cm->csps[i];
	}
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
		size_t len = 0, up;
		if (*p == '\0')
			return i;
		while (p[len] != '\0' && p[len] != '/')
			len++;
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
	if (!nodrop(r) && OMACP__CHAR_IS(item, "PXLOGICAL") &&
	    pxl_drop(r, r->doc, item))
		return NULL;
	csp = omacp_cm_find(r->cm, *TYPE(item));
	if (csp == NULL)
		*unknown = 1;
	return csp;
}

/* omacp__item_csp for item number i, remembering the CSP of the first 64
 * items for the later phases. */
static const omacp_csp *csp_at(omacp_cm_run *r, const omacp_node *item,
                               unsigned i, int *unknown)
{
#if OMACP__CM_FAST
	const omacp_csp *csp;
	*unknown = 0;
	if (i < r->n_known)
		return r->csp_ix[i] != 0 ? &r->cm->csps[r->csp_ix[i] - 1] : NULL;
	csp = omacp__item_csp(r, item, unknown);
	if (i == r->n_known && i < sizeof r->csp_ix &&
	    (csp == NULL || csp - r->cm->csps < 255)) {
		r->csp_ix[i] = csp != NULL ? (uint8_t)(csp - r->cm->csps + 1) : 0;
		r->n_known++;
	}
	return csp;
#else
	(void)i;
	return omacp__item_csp(r, item, unknown);
#endif
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
#if OMACP__CM_FAST
	if ((csp->entries == NULL || csp->n_entries == 0) &&
	    (r->roles & csp->char_read) && (r->roles & csp->char_write) &&
	    (r->roles & csp->parm_read) && (r->roles & csp->parm_write))
		return OMACP_OK;            /* every node passes */
#endif
	for (;;) {
		int write = n->elem != OMACP_ELEM_CHARACTERISTIC_QUERY &&
		            n->elem != OMACP_ELEM_PARM_QUERY;
		uint32_t need = needed_roles(csp, n, d, write);
		if (!(need & r->roles)) {
			omacp__fmt(r->res->reason, sizeof r->res->reason,
			           "rejected: %m: %s %m needs one of the roles %x to %s"
			           " (roles %x)",
			           *TYPE(item), omacp_elem_name(n->elem), *omacp__label(n),
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
	omacp_err e, (*fn)(void *, omacp_csp_call *);
	if (item->elem == OMACP_ELEM_CHARACTERISTIC_QUERY || csp->ops == NULL)
		return OMACP_OK;
#if OMACP__CM_FAST
	if (ph != PH_ROLLBACK &&
	    (ph == PH_VALIDATE ? csp->ops->validate
	     : ph == PH_APPLY ? csp->ops->apply : csp->ops->commit) == NULL)
		return OMACP_OK;      /* nothing to call: no call record either */
#endif
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
			           *TYPE(item), (int)e);
		}
		return OMACP_OK;
	}
	/* the reason in one go: "rejected: TYPE: " then desc or the error */
	if (c.desc[0] != '\0')
		omacp__fmt(r->res->reason, sizeof r->res->reason,
		           "rejected: %m: %s (roles %x)", *TYPE(item), c.desc,
		           r->roles);
	else
		omacp__fmt(r->res->reason, sizeof r->res->reason,
		           "rejected: %m: %s failed with error %d (roles %x)",
		           *TYPE(item), ph == PH_VALIDATE ? "validate" : "apply",
		           (int)e, r->roles);
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
#if OMACP__CM_FAST
	if (!r->defs_all)
		defs_reset(&r->defs, r->doc);
#endif
	for (i = 0, item = r->doc->root->first; item != NULL;
	     item = item->next, i++) {
		const omacp_csp *csp;
		*at = i;
#if OMACP__CM_FAST
		if (!r->defs_all)
			defs_at(&r->defs, i);
#endif
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
				           *TYPE(item));
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
#if OMACP__CM_FAST
	defs_reset(&r.defs, doc);
#endif
	res->roles = roles;
	res->manager = (roles & OMACP_ROLE_MANAGER) != 0;
	res->n_chars = res->n_chars_total = 0;
	for (item = doc->root->first; item != NULL; item = item->next) {
		if (res->n_chars < OMACP_RESULT_MAX_CHARS) {
			omacp_char_result *cr = &res->chars[res->n_chars++];
			const omacp_slice *t = TYPE(item);
			omacp__line l;
			omacp__line_init(&l, cr->type, sizeof cr->type);
			omacp__line_mem(&l, t->ptr, t->len);
			cr->elem = (uint8_t)item->elem;
			cr->status = OMACP_CHAR_PENDING;
			cr->err = OMACP_OK;
		}
		res->n_chars_total++;
	}

	/* 0. ProvCont validation; 1. registry, metabase, validate */
	if ((e = validate_doc(doc, res, &r)) != OMACP_OK) {
#if OMACP__CM_FAST
		defs_reset(&r.defs, doc);
#endif
		return reject(&r, old_state, (unsigned)-1, e);
	}
#if OMACP__CM_FAST
	/* the walk saw every definition: complete unless they overflowed */
	r.defs_all = r.defs.n <= OMACP__DEFS;
#endif
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
