/*
 * Fuzz entry for the whole device pipeline (client.h): SMS segments, a PIN
 * and a saved state in one input, with spy CSPs that record every call.
 *
 * Input:
 *   flags u8   bit 0: profile OMA (else WM65); bit 1: OPT_PUSHFLAG_FROM_KNOWN;
 *              bit 2: OPT_UNKNOWN_IGNORE; bit 3: a result-document sink;
 *              bit 4: host CSPs restricted to MANAGER|OPERATOR_TPS (else
 *              every role); bit 5: addr_digits 10; bit 6: 1 slot of 3
 *              segments (else 2 of 16); bit 7: WBXML_ASSUME_PROV
 *   inject u8  bits 0-1: the spy op that fails (0 none, 1 validate,
 *              2 apply, 3 commit) for top-level item (bits 2-4); bit 5:
 *              every odd-numbered save_state call fails
 *   imsi_len u8, imsi     (0: no IMSI; longer than 15 is cut to 15)
 *   pin_len u8, pin       (submitted whenever a message waits for a PIN)
 *   state_len u16 BE, state blob (0: a new handset)
 *   records:   ctl u8, len u8, len bytes of TP-UD
 *              ctl bits 0-1: originator (+491701234567, 9201612 -- the
 *              PPG of examples/seed/bootstrap.xml --, 12345, unknown);
 *              bit 2: restart the handset after this SMS (new context from
 *              the last saved blob); bit 3: do not submit the PIN now;
 *              bit 4: cancel a waiting PIN message; bits 5-7: the clock
 *              advances by 100 s times this before the SMS.
 *
 * Invariants checked after every call (abort() when broken):
 *   - the state in force is always the last blob save_state accepted (or
 *     the initial blob): nothing becomes current without being saved;
 *   - MORE / NOT_PUSH: no save, no CSP call, state unchanged;
 *   - an SMS that is malformed (negative) or REJECTED leaves the state blob
 *     byte-identical, and no CSP op beyond validate ran -- unless a spy
 *     failure was injected, in which case nothing was committed and every
 *     item whose apply succeeded was rolled back exactly once;
 *   - ACCEPTED: exactly one successful save, every applied item committed
 *     exactly once, no rollback;
 *   - a PIN, cancel or wrong PIN changes the state only by the pending
 *     message (attempts counted up, or the message dropped);
 *   - a restart from the saved blob always succeeds and gives the same
 *     state;
 *   - with a result sink, every accepted document emits a result document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "omacp/omacp.h"
#include "omacp/client.h"
#include "fuzz.h"

#define MAX_ITEMS 64
#define NO_ITEM 0xFFu

typedef struct spy {
	unsigned validate, apply, commit, rollback, query;
	unsigned applied[MAX_ITEMS];    /* apply succeeded, per item index */
	unsigned committed[MAX_ITEMS];
	unsigned rolled[MAX_ITEMS];
	unsigned fail_op, fail_item;    /* injection */
	unsigned fired;                 /* the op that failed by injection, 0 none */
	int bad;                        /* an op saw an impossible sequence */
} spy;

typedef struct host {
	spy s;
	int save_fail_odd;
	unsigned saves, saves_ok, saves_failed_now; /* failed in the current call */
	uint8_t *stored;                /* the last blob save_state accepted */
	size_t stored_len;
} host;

static unsigned idx(const omacp_csp_call *call)
{
	return call->index < MAX_ITEMS ? call->index : MAX_ITEMS - 1;
}

static omacp_err spy_validate(void *user, omacp_csp_call *call)
{
	spy *s = user;
	s->validate++;
	if (s->fail_op == 1 && call->index == s->fail_item) {
		s->fired = 1;
		return OMACP_E_CSP;
	}
	return OMACP_OK;
}

static omacp_err spy_apply(void *user, omacp_csp_call *call)
{
	spy *s = user;
	s->apply++;
	if (s->fail_op == 2 && call->index == s->fail_item) {
		s->fired = 2;
		return OMACP_E_CSP;
	}
	s->applied[idx(call)]++;
	return OMACP_OK;
}

static omacp_err spy_commit(void *user, omacp_csp_call *call)
{
	spy *s = user;
	s->commit++;
	if (s->applied[idx(call)] == 0)
		s->bad = 1; /* commit of an item never applied */
	s->committed[idx(call)]++;
	if (s->fail_op == 3 && call->index == s->fail_item) {
		s->fired = 3;
		return OMACP_E_CSP;
	}
	return OMACP_OK;
}

static void spy_rollback(void *user, omacp_csp_call *call)
{
	spy *s = user;
	s->rollback++;
	if (s->applied[idx(call)] == 0)
		s->bad = 1; /* rollback of an item never applied */
	s->rolled[idx(call)]++;
}

static omacp_err spy_query(void *user, omacp_csp_call *call, const omacp_node *q,
                           omacp_event_fn out, void *out_user)
{
	spy *s = user;
	(void)call;
	(void)q;
	s->query++;
	return omacp_csp_emit_parm(out, out_user, "NAME", 4, "spy", 3);
}

static const omacp_csp_ops spy_ops = {spy_validate, spy_apply, spy_commit,
                                      spy_rollback, spy_query};

static omacp_err save_state(void *user, const uint8_t *blob, size_t len)
{
	host *h = user;
	h->saves++;
	if (h->save_fail_odd && (h->saves & 1u)) {
		h->saves_failed_now++;
		return OMACP_E_CSP;
	}
	h->stored = realloc(h->stored, len ? len : 1);
	memcpy(h->stored, blob, len);
	h->stored_len = len;
	h->saves_ok++;
	return OMACP_OK;
}

typedef struct rsink {
	size_t sum;
	unsigned events;
} rsink;

static omacp_err result_sink(void *user, const omacp_event *ev)
{
	rsink *r = user;
	size_t i;
	r->events++;
	for (i = 0; i < ev->n_attrs; i++)
		r->sum += ev->attrs[i].name.len + ev->attrs[i].value.len;
	return OMACP_OK;
}

/* With a result sink, an accepted document produces its result document
 * (client.h: result_fn receives the result document of each processed
 * document). */
static void check_result_doc(omacp_err e, const omacp_client_config *cfg, rsink *r)
{
	if (cfg->result_fn != NULL && e == OMACP_ACCEPTED && r->events == 0)
		abort();
	r->events = 0;
}

static void spy_reset(host *h)
{
	spy *s = &h->s;
	unsigned op = s->fail_op, item = s->fail_item;
	memset(s, 0, sizeof *s);
	s->fail_op = op;
	s->fail_item = item;
	h->saves_failed_now = 0;
}

/* Check the spy after a call that did not accept.  allow_apply: the
 * failure may have come after apply (an injected CSP or save failure, or a
 * built-in CSP finding a state table full); otherwise nothing beyond
 * validate may have run. */
static void check_not_committed(const spy *s, int allow_apply)
{
	unsigned i;
	if (s->commit != 0 || s->bad)
		abort();
	if (!allow_apply && (s->apply != 0 || s->rollback != 0))
		abort();
	for (i = 0; i < MAX_ITEMS; i++)
		if (s->rolled[i] != s->applied[i])
			abort(); /* every applied item rolled back exactly once */
	if (s->fired == 1 && s->apply != 0)
		abort(); /* a rejected validation never reaches apply */
}

static int may_apply(const host *h, const omacp_client *c)
{
	omacp_err code = omacp_client_result(c)->code;
	return h->s.fired == 2 || h->saves_failed_now != 0 || code == OMACP_E_STATE_FULL;
}

static void check_committed(const spy *s)
{
	unsigned i;
	if (s->bad || s->rollback != 0)
		abort();
	for (i = 0; i < MAX_ITEMS; i++)
		if (s->committed[i] != s->applied[i] || s->applied[i] > 1)
			abort();
}

typedef struct blob {
	uint8_t *p;
	size_t n;
} blob;

static blob current(const omacp_client *c)
{
	blob b;
	b.p = malloc(OMACP_STATE_BLOB_MAX);
	if (omacp_client_state_blob(c, b.p, OMACP_STATE_BLOB_MAX, &b.n) != OMACP_OK)
		abort();
	return b;
}

static int blob_eq(blob a, blob b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* The blob of `b` with its pending message dropped. */
static blob without_pending(blob b)
{
	omacp_state *st = malloc(sizeof *st);
	blob r;
	r.p = malloc(OMACP_STATE_BLOB_MAX);
	r.n = 0;
	if (omacp_state_load(st, b.p, b.n) != OMACP_OK)
		abort();
	omacp_state_pending_clear(st);
	if (omacp_state_save(st, r.p, OMACP_STATE_BLOB_MAX, &r.n) != OMACP_OK)
		abort();
	free(st);
	return r;
}

/* pending_len of a blob (0 when it does not load). */
static unsigned pending_len_of(blob b)
{
	omacp_state *st = malloc(sizeof *st);
	unsigned n = 0;
	if (omacp_state_load(st, b.p, b.n) == OMACP_OK)
		n = st->pending_len;
	free(st);
	return n;
}

/* The state in force is what was saved last (or what we started from). */
static void check_persisted(const omacp_client *c, const host *h, blob start)
{
	blob cur = current(c);
	blob saved = {h->stored, h->stored_len};
	if (!blob_eq(cur, h->stored ? saved : start))
		abort();
	free(cur.p);
}

/* After an SMS. */
static void check_sms(omacp_err r, const host *h, const omacp_client *c,
                      unsigned saves0, unsigned ok0, blob before, blob after)
{
	unsigned saves = h->saves - saves0, ok = h->saves_ok - ok0;
	switch ((int)r) {
	case OMACP_MORE:
	case OMACP_NOT_PUSH:
		if (saves || h->s.validate || h->s.apply || h->s.commit ||
		    h->s.rollback || !blob_eq(before, after))
			abort();
		break;
	case OMACP_NEED_PIN:
		if (h->s.validate || h->s.apply || h->s.commit || h->s.rollback)
			abort();
		if (ok != 1 || saves != 1 || pending_len_of(after) == 0)
			abort();
		break;
	case OMACP_ACCEPTED:
		/* committed exactly once */
		check_committed(&h->s);
		if (ok != 1 || saves != 1)
			abort();
		break;
	default: /* REJECTED or malformed: nothing changed */
		if (r != OMACP_REJECTED && r >= 0)
			abort();
		if (!blob_eq(before, after) || ok != 0)
			abort();
		check_not_committed(&h->s, may_apply(h, c));
		if (!h->save_fail_odd && saves != 0)
			abort();
		break;
	}
}

/* After a PIN or a cancel: the state changes only by the pending message. */
static void check_pin(omacp_err r, const host *h, const omacp_client *c,
                      blob before, blob after)
{
	blob dropped;
	if (r == OMACP_ACCEPTED) {
		check_committed(&h->s);
		if (pending_len_of(after) != 0)
			abort();
		return;
	}
	check_not_committed(&h->s, may_apply(h, c));
	if (blob_eq(before, after))
		return;
	if (r == OMACP_E_NO_PENDING || r == OMACP_E_SEC_PIN)
		abort(); /* nothing may change */
	if (r == OMACP_NEED_PIN) {
		/* one more attempt spent on the same message */
		omacp_state *a = malloc(sizeof *a), *b = malloc(sizeof *b);
		if (omacp_state_load(a, before.p, before.n) != OMACP_OK ||
		    omacp_state_load(b, after.p, after.n) != OMACP_OK ||
		    b->pin_attempts != a->pin_attempts + 1u)
			abort();
		b->pin_attempts = a->pin_attempts;
		if (memcmp(a, b, sizeof *a) != 0)
			abort();
		free(a);
		free(b);
		return;
	}
	dropped = without_pending(before);
	if (!blob_eq(dropped, after))
		abort();
	free(dropped.p);
}

typedef struct rd {
	const uint8_t *p;
	size_t n, off;
} rd;

static unsigned rd8(rd *r)
{
	return r->off < r->n ? r->p[r->off++] : 0u;
}

static const uint8_t *rdn(rd *r, size_t want, size_t *got)
{
	const uint8_t *q = r->p + r->off;
	*got = want < r->n - r->off ? want : r->n - r->off;
	r->off += *got;
	return q;
}

int fuzz_client(const uint8_t *data, size_t size)
{
	static const char *const origs[4] = {"+491701234567", "9201612", "12345", NULL};
	rd r = {data, size, 0};
	unsigned flags = rd8(&r), inject = rd8(&r);
	char imsi[16], pin[256];
	const uint8_t *sb, *q;
	size_t n, sl, work_len;
	uint32_t masks, now = 1000;
	omacp_client_config cfg;
	omacp_client *c = malloc(sizeof *c);
	host h;
	omacp_csp csps[10];
	uint8_t *work;
	rsink result_sum = {0, 0};
	blob start;
	omacp_err e;

	memset(&h, 0, sizeof h);
	h.s.fail_op = inject & 3u;
	h.s.fail_item = h.s.fail_op ? (inject >> 2) & 7u : NO_ITEM;
	h.save_fail_odd = (inject & 0x20u) != 0;

	q = rdn(&r, rd8(&r), &n);
	if (n > 15)
		n = 15;
	memcpy(imsi, q, n);
	imsi[n] = 0;
	q = rdn(&r, rd8(&r), &n);
	memcpy(pin, q, n);
	pin[n] = 0;
	sl = rd8(&r) << 8;
	sl |= rd8(&r);
	sb = rdn(&r, sl, &sl);
	start.p = malloc(OMACP_STATE_BLOB_MAX + 1);
	start.n = 0;

	masks = (flags & 0x10u) ? (OMACP_ROLE_MANAGER | OMACP_ROLE_OPERATOR_TPS) : OMACP_ROLES_ALL;
	{
		const omacp_csp table[10] = {
			OMACP_CSP("NAPDEF", masks, &spy_ops, &h.s),
			OMACP_CSP("APPLICATION", masks, &spy_ops, &h.s),
			OMACP_CSP("VENDORCONFIG", masks, &spy_ops, &h.s),
			OMACP_CSP("CLIENTIDENTITY", masks, &spy_ops, &h.s),
			OMACP_CSP("ACCESS", masks, &spy_ops, &h.s),
			OMACP_CSP("BOOTSTRAP-HOST", masks, &spy_ops, &h.s),
			OMACP_CSP_BOOTSTRAP_CHAIN(&csps[5]),
			OMACP_CSP_PXLOGICAL_CHAIN(&csps[5]),
			OMACP_CSP_SECURITYPOLICY_CHAIN(&csps[5]),
			OMACP_CSP("CM_GPRSEntries", masks, &spy_ops, &h.s),
		};
		memcpy(csps, table, sizeof table);
	}

	omacp_client_config_init(&cfg);
	cfg.profile = (flags & 1u) ? OMACP_PROFILE_OMA : OMACP_PROFILE_WM65;
	cfg.opts.flags = ((flags & 2u) ? OMACP_OPT_PUSHFLAG_FROM_KNOWN : 0u) |
	                 ((flags & 4u) ? OMACP_OPT_UNKNOWN_IGNORE : 0u);
	cfg.opts.addr_digits = (flags & 0x20u) ? 10u : 0u;
	cfg.imsi = imsi[0] ? imsi : NULL;
	cfg.csps = csps;
	cfg.n_csps = sizeof csps / sizeof csps[0];
	cfg.slots = (flags & 0x40u) ? 1u : 2u;
	cfg.segs = (flags & 0x40u) ? 3u : 16u;
	cfg.wbxml_flags = (flags & 0x80u) ? OMACP_WBXML_ASSUME_PROV : 0u;
	cfg.save_state = save_state;
	cfg.user = &h;
	if (flags & 8u) {
		cfg.result_fn = result_sink;
		cfg.result_user = &result_sum;
	}
	work_len = OMACP_CLIENT_WORK_BYTES_XML(2, 16);
	work = malloc(work_len);

	e = omacp_client_init(c, &cfg, work, work_len, sl ? sb : NULL, sl);
	if (e != OMACP_OK) {
		if (e > 0 || h.saves != 0)
			abort();
		goto out;
	}
	{
		blob b0 = current(c);
		memcpy(start.p, b0.p, b0.n);
		start.n = b0.n;
		free(b0.p);
	}
	if (sl && !(start.n == sl && memcmp(start.p, sb, sl) == 0))
		abort(); /* a loaded blob is the state in force, byte for byte */

	while (r.off < r.n) {
		unsigned ctl = rd8(&r);
		const uint8_t *ud;
		unsigned saves0, ok0;
		blob before, after;

		ud = rdn(&r, rd8(&r), &n);
		now += 100u * (ctl >> 5);

		before = current(c);
		spy_reset(&h);
		saves0 = h.saves;
		ok0 = h.saves_ok;
		e = omacp_client_sms(c, origs[ctl & 3u], ud, n, now);
		after = current(c);
#ifdef FUZZ_TRACE
		fprintf(stderr, "sms -> %d: %s\n", e, omacp_client_result(c)->reason);
#endif
		check_sms(e, &h, c, saves0, ok0, before, after);
		check_result_doc(e, &cfg, &result_sum);
		check_persisted(c, &h, start);
		free(before.p);
		free(after.p);

		if ((ctl & 0x10u) && omacp_client_pending(c)) {
			before = current(c);
			spy_reset(&h);
			e = omacp_client_cancel_pin(c);
			after = current(c);
			if (e == OMACP_OK && omacp_client_pending(c))
				abort();
			check_pin(e == OMACP_OK ? OMACP_REJECTED : e, &h, c, before, after);
			check_persisted(c, &h, start);
			free(before.p);
			free(after.p);
		}
		if (!(ctl & 0x08u) && omacp_client_pending(c)) {
			before = current(c);
			spy_reset(&h);
			e = omacp_client_pin(c, pin, now);
			after = current(c);
#ifdef FUZZ_TRACE
			fprintf(stderr, "pin -> %d: %s\n", e, omacp_client_result(c)->reason);
#endif
			check_pin(e, &h, c, before, after);
			check_result_doc(e, &cfg, &result_sum);
			check_persisted(c, &h, start);
			free(before.p);
			free(after.p);
		}
		if (ctl & 0x04u) {
			/* restart: a new context from the saved blob */
			blob was = current(c);
			const uint8_t *bp = h.stored ? h.stored : start.p;
			size_t bn = h.stored ? h.stored_len : start.n;
			blob now_b;
			if (omacp_client_init(c, &cfg, work, work_len, bn ? bp : NULL, bn) != OMACP_OK)
				abort();
			now_b = current(c);
			if (!blob_eq(was, now_b))
				abort();
			free(was.p);
			free(now_b.p);
		}
	}
	(void)omacp_client_result(c);
out:
	free(start.p);
	free(h.stored);
	free(work);
	free(c);
	return 0;
}
