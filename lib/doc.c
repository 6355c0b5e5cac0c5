/*
 * The document tree: an event sink that copies elements into a caller arena,
 * lookups, an iterative walk and a structural comparison.
 *
 * Arena layout: nodes and attribute arrays grow up from the (aligned) start,
 * copied strings grow down from the end, so nothing but the start needs
 * alignment padding and OMACP_DOC_WORK_BYTES is exact.
 */
#include <string.h>
#include "omacp/doc.h"
#include "doc_int.h"

#define DOC_ALIGN (sizeof(omacp_doc_align_))

/* Node and attribute sizes keep the bottom region aligned. */
typedef char omacp__doc_align_check[(sizeof(omacp_node) % sizeof(omacp_doc_align_) == 0 &&
                                     sizeof(omacp_attr) % sizeof(omacp_doc_align_) == 0)
                                            ? 1
                                            : -1];

/* The vocabulary's attribute names (PROV, then Windows Mobile metadata),
 * NUL-terminated; the lookup below returns pointers into this table. */
static const char known_attrs[][16] = {
	"type", "name", "value", "version",
	"mwid", "translation", "recursive", "datatype", "semantic-type",
	"minvalue", "maxvalue", "maxlength", "options", "multiple",
	"rw-access", "access-role", "label", "nooverwrite", "desc", "code",
};

/* Their lengths. */
static const uint8_t known_len[] = { 4, 4, 5, 7, 4, 11, 9, 8, 13, 8, 8, 9, 7, 8, 9, 11, 5, 11, 4, 4 };

/* A perfect hash of (first byte, second byte, length) onto 64 slots: slot
 * (s[0] + 2 s[1] + 5 n) mod 64 holds 1 + the row of that name (0: none). */
static const uint8_t known_slot[64] = {
	0, 0, 19, 18, 2, 0, 0, 17, 0, 0, 0, 0, 0, 15, 8, 6,
	0, 3, 0, 0, 0, 20, 0, 11, 0, 0, 0, 0, 12, 0, 16, 0,
	0, 0, 0, 4, 0, 0, 0, 10, 0, 7, 0, 0, 0, 0, 0, 5,
	0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 14,
};

static const uint8_t empty_str[1] = { 0 };

/* The first four bytes of a known name as a word (folded at compile time). */
static inline uint32_t word_of(const char *k)
{
	uint32_t w;
	memcpy(&w, k, 4);
	return w;
}

/* One hash, one length check and a few word compares instead of a scan of
 * the list. */
static inline const char *attr_lookup(const uint8_t *s, size_t n)
{
	unsigned r;
	const char *kp;
	if (n < 4 || n > 13)
		return NULL;
#ifndef __OPTIMIZE_SIZE__ /* speed only: name, value and type in one word */
	uint32_t w;
	memcpy(&w, s, 4);
	if (n == 4 && w == word_of(known_attrs[1]))
		return known_attrs[1];
	if (n == 5 && w == word_of(known_attrs[2]) && s[4] == 'e')
		return known_attrs[2];
	if (n == 4 && w == word_of(known_attrs[0]))
		return known_attrs[0];
#endif
	r = known_slot[(s[0] + 2u * s[1] + 5u * (unsigned)n) & 63u];
	if (r == 0 || known_len[r - 1] != n)
		return NULL;
	kp = known_attrs[r - 1];
	/* n is 4..13: words from the front, the last one ending at n */
	{
		size_t i;
		uint32_t a, b;
		for (i = 0; i + 4 < n; i += 4) {
			memcpy(&a, s + i, 4);
			memcpy(&b, kp + i, 4);
			if (a != b)
				return NULL;
		}
		memcpy(&a, s + n - 4, 4);
		memcpy(&b, kp + n - 4, 4);
		return a == b ? kp : NULL;
	}
}

const char *omacp__attr_known(const uint8_t *s, size_t n)
{
	return attr_lookup(s, n);
}

/* ------------------------------------------------------------ builder */

void omacp_doc_builder_init(omacp_doc_builder *b, omacp_doc *doc,
                            uint8_t *work, size_t work_len)
{
	size_t mis, pad;
	memset(b, 0, sizeof *b);
	memset(doc, 0, sizeof *doc);
	b->doc_ = doc;
	if (!work)
		work_len = 0;
	mis = work ? (size_t)((uintptr_t)work % DOC_ALIGN) : 0;
	pad = mis ? DOC_ALIGN - mis : 0;
	if (pad > work_len)
		pad = work_len;
	b->base_ = work ? work + pad : NULL;
	b->pad_ = pad;
	b->cap_ = work_len - pad;
	b->err_ = OMACP_OK;
}

void omacp_doc_builder_keep(omacp_doc_builder *b, const uint8_t *p, size_t n)
{
	b->keep_ = p;
	b->keep_len_ = p ? n : 0;
}

/* 1 when s[0..n), n > 0, lies inside the kept region (unsigned wrap-around
 * makes a pointer below the region a huge offset). */
static int kept(const omacp_doc_builder *b, const uint8_t *s, size_t n)
{
	return n <= b->keep_len_ &&
	       (uintptr_t)s - (uintptr_t)b->keep_ <= b->keep_len_ - n;
}

/* Where the tree keeps s[0..n), n > 0: in place when it lies in the kept
 * region, else a copy at the top of the arena (*free_ and *top move); NULL
 * when it does not fit. */
static inline const uint8_t *place(const omacp_doc_builder *b, const uint8_t *s,
                                   size_t n, size_t *free_, size_t *top)
{
	uint8_t *d;
	if (kept(b, s, n))
		return s;
	if (n > *free_)
		return NULL;
	*free_ -= n;
	*top += n;
	d = b->base_ + (b->cap_ - *top);
	memcpy(d, s, n);
	return d;
}

static omacp_err set_err(omacp_doc_builder *b, omacp_err e)
{
	b->err_ = e;
	return e;
}

/* Out of arena: still ARG when one of the attributes from i on has a bad
 * slice (the earlier ones were checked). */
static omacp_err nomem(omacp_doc_builder *b, const omacp_attr *in, size_t i, size_t na)
{
	for (; i < na; i++) {
		if ((in[i].name.len && !in[i].name.ptr) || (in[i].value.len && !in[i].value.ptr))
			return set_err(b, OMACP_E_ARG);
	}
	return set_err(b, OMACP_E_NOMEM);
}

/*
 * START: the node and its attribute array go at the bottom, copied names and
 * values at the top.  Everything is written into free arena space with the
 * fill levels kept in locals; only a complete element commits them, so an
 * error leaves nothing of the element behind.  Bad slices (ARG) are
 * reported before NOMEM.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static omacp_err on_start(omacp_doc_builder *b, const omacp_event *ev)
{
	const omacp_attr *in = ev->attrs;
	size_t i, na = ev->n_attrs, depth = b->depth_;
	size_t used = b->used_, top = b->top_, cap = b->cap_, free_;
	uint8_t *base = b->base_;
	omacp_node *node, *parent;
	omacp_attr *attrs;

	if (b->done_)
		return set_err(b, OMACP_E_DOC_STRUCTURE); /* a second root */
	if (depth > OMACP_MAX_DEPTH)
		return set_err(b, OMACP_E_LIMIT);
	if ((int)ev->elem <= (int)OMACP_ELEM_NONE || (int)ev->elem >= (int)OMACP_ELEM_COUNT_ ||
	    ev->depth != depth || (depth == 0) != (ev->elem == OMACP_ELEM_DOC))
		return set_err(b, OMACP_E_DOC_STRUCTURE);
	if (na && !in)
		return set_err(b, OMACP_E_ARG);
	if (na > UINT16_MAX)
		return set_err(b, OMACP_E_LIMIT);

	free_ = cap - used - top;
	if (na > (free_ / sizeof(omacp_attr)) ||
	    sizeof(omacp_node) + na * sizeof(omacp_attr) > free_)
		return nomem(b, in, 0, na);
	node = (omacp_node *)(void *)(base + used);
	attrs = na ? (omacp_attr *)(void *)(base + used + sizeof(omacp_node)) : NULL;
	used += sizeof(omacp_node) + na * sizeof(omacp_attr);
	free_ -= sizeof(omacp_node) + na * sizeof(omacp_attr);
	for (i = 0; i < na; i++) {
		const omacp_attr *a = &in[i];
		size_t nl = a->name.len, vl = a->value.len;
		const uint8_t *np, *vp = empty_str;
		if ((nl && !a->name.ptr) || (vl && !a->value.ptr))
			return set_err(b, OMACP_E_ARG);
		np = (const uint8_t *)attr_lookup(a->name.ptr, nl);
		if (!np && nl && !(np = place(b, a->name.ptr, nl, &free_, &top)))
			return nomem(b, in, i + 1, na);
		if (!np)
			np = empty_str;
		if (vl && !(vp = place(b, a->value.ptr, vl, &free_, &top)))
			return nomem(b, in, i + 1, na);
		attrs[i].name.ptr = np;
		attrs[i].name.len = nl;
		attrs[i].value.ptr = vp;
		attrs[i].value.len = vl;
	}

	parent = depth ? b->stack_[depth - 1] : NULL;
	node->elem = (uint8_t)ev->elem;
	node->depth = (uint8_t)depth;
	node->offset = ev->offset;
	node->n_attrs = (uint8_t)na;
	node->label_ = 0;
	node->attrs = attrs;
	node->parent = parent;
	node->first = NULL;
	node->next = NULL;
	if (parent) {
		if (b->last_[depth - 1])
			b->last_[depth - 1]->next = node;
		else
			parent->first = node;
		b->last_[depth - 1] = node;
	} else {
		b->root_ = node;
	}
	b->stack_[depth] = node;
	b->last_[depth] = NULL;
	b->depth_ = (unsigned)depth + 1;
	b->used_ = used;
	b->top_ = top;
	b->n_nodes_++;
	return OMACP_OK;
}

omacp_err omacp_doc_builder_event(void *user, const omacp_event *ev)
{
	omacp_doc_builder *b = (omacp_doc_builder *)user;
	if (!b || !ev)
		return OMACP_E_ARG;
	if (b->err_ != OMACP_OK)
		return b->err_;
	if (ev->kind == OMACP_EV_START)
		return on_start(b, ev);
	if (ev->kind != OMACP_EV_END || b->depth_ == 0 ||
	    ev->elem != b->stack_[b->depth_ - 1]->elem || ev->depth != b->depth_ - 1)
		return set_err(b, OMACP_E_DOC_STRUCTURE);
	b->depth_--;
	if (b->depth_ == 0)
		b->done_ = 1;
	return OMACP_OK;
}

omacp_err omacp_doc_builder_finish(omacp_doc_builder *b)
{
	omacp_doc *doc = b->doc_;
	doc->root = NULL;
	doc->n_nodes = 0;
	doc->bytes_used = 0;
	if (b->err_ != OMACP_OK)
		return b->err_;
	if (!b->done_)
		return OMACP_E_STATE;
	doc->root = b->root_;
	doc->n_nodes = b->n_nodes_;
	doc->bytes_used = b->pad_ + b->used_ + b->top_;
	return OMACP_OK;
}

/* ------------------------------------------------------------ lookups */

omacp_slice omacp_node_attr(const omacp_node *n, const char *name)
{
	omacp_slice none = { NULL, 0 };
	size_t i;
	if (!n || !name)
		return none;
	for (i = 0; i < n->n_attrs; i++) {
		if (omacp_slice_eq(n->attrs[i].name, name))
			return n->attrs[i].value;
	}
	return none;
}

omacp_slice omacp_node_type(const omacp_node *n)
{
	return omacp_node_attr(n, "type");
}

omacp_slice omacp_node_name(const omacp_node *n)
{
	return omacp_node_attr(n, "name");
}

omacp_slice omacp_node_value(const omacp_node *n)
{
	return omacp_node_attr(n, "value");
}

static const omacp_node *find_child(const omacp_node *n, omacp_elem elem,
                                    const char *attr, const char *want)
{
	const omacp_node *c;
	if (!n || !want)
		return NULL;
	for (c = n->first; c; c = c->next) {
		omacp_slice v;
		if (c->elem != elem)
			continue;
		v = omacp_node_attr(c, attr);
		if (v.ptr && omacp_slice_eq(v, want))
			return c;
	}
	return NULL;
}

const omacp_node *omacp_node_parm(const omacp_node *n, const char *name)
{
	return find_child(n, OMACP_ELEM_PARM, "name", name);
}

const omacp_node *omacp_node_child(const omacp_node *n, const char *type)
{
	return find_child(n, OMACP_ELEM_CHARACTERISTIC, "type", type);
}

const omacp_node *omacp_node_next_preorder(const omacp_node *n)
{
	if (!n)
		return NULL;
	if (n->first)
		return n->first;
	while (n) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

/* ------------------------------------------------------------ walk */

static omacp_err emit(omacp_event_fn fn, void *user, const omacp_node *n,
                      omacp_event_kind kind)
{
	omacp_event ev;
	omacp_err r;
	ev.kind = kind;
	ev.elem = n->elem;
	ev.depth = n->depth;
	ev.offset = n->offset;
	ev.n_attrs = kind == OMACP_EV_START ? n->n_attrs : 0;
	ev.attrs = ev.n_attrs ? n->attrs : NULL;
	r = fn(user, &ev);
	return r > 0 ? OMACP_E_CALLBACK : r;
}

omacp_err omacp_doc_walk(const omacp_doc *doc, omacp_event_fn fn, void *user)
{
	const omacp_node *n;
	omacp_err r;
	if (!doc || !fn)
		return OMACP_E_ARG;
	if (!doc->root)
		return OMACP_E_STATE;
	n = doc->root;
	for (;;) {
		if ((r = emit(fn, user, n, OMACP_EV_START)) != OMACP_OK)
			return r;
		if (n->first) {
			n = n->first;
			continue;
		}
		/* n is a leaf: close it and every ancestor whose last child
		 * it completes. */
		for (;;) {
			if ((r = emit(fn, user, n, OMACP_EV_END)) != OMACP_OK)
				return r;
			if (n == doc->root)
				return OMACP_OK;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
		}
	}
}

/* ------------------------------------------------------------ equal */

static size_t count_attr(const omacp_node *n, const omacp_attr *a)
{
	size_t i, k = 0;
	for (i = 0; i < n->n_attrs; i++) {
		const omacp_attr *b = &n->attrs[i];
		if (b->name.len == a->name.len && b->value.len == a->value.len &&
		    (a->name.len == 0 || memcmp(b->name.ptr, a->name.ptr, a->name.len) == 0) &&
		    (a->value.len == 0 || memcmp(b->value.ptr, a->value.ptr, a->value.len) == 0))
			k++;
	}
	return k;
}

static int node_equal(const omacp_node *a, const omacp_node *b)
{
	size_t i;
	if (a->elem != b->elem || a->depth != b->depth || a->n_attrs != b->n_attrs)
		return 0;
	/* Same multiset of (name, value) pairs. */
	for (i = 0; i < a->n_attrs; i++) {
		if (count_attr(a, &a->attrs[i]) != count_attr(b, &a->attrs[i]))
			return 0;
	}
	return 1;
}

int omacp_doc_equal(const omacp_doc *a, const omacp_doc *b)
{
	const omacp_node *x, *y;
	if (!a || !b)
		return 0;
	x = a->root;
	y = b->root;
	/* Pre-order with depths fixes the shape of the tree. */
	while (x && y) {
		if (!node_equal(x, y))
			return 0;
		x = omacp_node_next_preorder(x);
		y = omacp_node_next_preorder(y);
	}
	return x == NULL && y == NULL;
}
