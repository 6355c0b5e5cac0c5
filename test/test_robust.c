/*
 * Robustness invariants across the layers (issue 6), each a test:
 *
 *  - workspace exhaustion at every size from 0 up to the needed size is a
 *    clean OMACP_E_NOMEM with no partial result: WBXML decoder workspace,
 *    document arena, expat arena (sweeping every arena size makes each of
 *    expat's allocations the first to fail at some size: every allocation
 *    point), and the client workspace (init and the XML scratch);
 *  - rejected or malformed input leaves the state blob byte-identical and
 *    no CSP op beyond validate ran; an accepted message commits exactly
 *    once (spy CSPs, every signed Kannel vector and mutations of it);
 *  - PIN brute force: attempts stay spent across restarts, whatever the
 *    order of restarts and submissions, and a failing save_state gives no
 *    oracle (right and wrong PIN look the same and spend nothing);
 *  - key material is zeroed after every verify, success or failure: the
 *    stack below the caller and the client context hold no key bytes;
 *  - lengths near 2^32 (mb_u_int32, uintvar, value-length, string-table
 *    offsets, segment counts) are errors, never wrap-arounds -- this matters
 *    on 32-bit builds (`make check-m32`).
 *
 * Messages are built with the library's sending side; what is checked is
 * the receiving side's behaviour, not those bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "omacp/omacp.h"
#include "omacp/client.h"

#define IMSI "262011234567890"
#define UPIN "Zx7#Qp2!"              /* distinctive: searched for in memory */

/* ------------------------------------------------------------ helpers */

/* The message body used below: libwbxml's encoding of a NAPDEF document
 * (an independent tool's bytes, no string table). */
static uint8_t *napdef_body(size_t *len)
{
	uint8_t *p = tu_read_hex(tu_vpath("libwbxml-01_napdef_gprs_auth", "wbxml-nostrtbl.hex"), len);
	assert_non_null(p);
	return p;
}

/* SMS user data of a message, as one buffer of [len][ud] records. */
typedef struct smsbuf {
	uint8_t p[8192];
	size_t n;
	unsigned count;
} smsbuf;

static omacp_err seg_cb(void *user, unsigned index, unsigned total, const uint8_t *udh,
                        size_t udh_len, const uint8_t *pay, size_t pay_len)
{
	smsbuf *b = user;
	(void)index;
	(void)total;
	b->p[b->n++] = (uint8_t)(udh_len + pay_len);
	memcpy(b->p + b->n, udh, udh_len);
	memcpy(b->p + b->n + udh_len, pay, pay_len);
	b->n += udh_len + pay_len;
	b->count++;
	return OMACP_OK;
}

/* body -> push (signed with sec/pin unless sec < 0) -> SMS records. */
static void make_sms(smsbuf *b, const uint8_t *body, size_t bl, int ct, int sec,
                     const char *pin, uint16_t ref)
{
	omacp_push_params pp;
	omacp_seg_params sp;
	char mac[OMACP_MAC_HEX_LEN + 1];
	uint8_t pdu[8192];
	size_t pl;
	omacp_push_params_init(&pp);
	pp.content_type_code = ct;
	pp.sec = sec;
	if (sec >= 0) {
		assert_int_equal(omacp_sec_sign((omacp_sec)sec, IMSI, pin, body, bl, mac), OMACP_OK);
		pp.mac = mac;
	}
	assert_int_equal(omacp_push_encode(&pp, body, bl, pdu, sizeof pdu, &pl), OMACP_OK);
	memset(&sp, 0, sizeof sp);
	sp.ref = ref;
	b->n = 0;
	b->count = 0;
	assert_int_equal(omacp_sms_segment(pdu, pl, &sp, seg_cb, b), OMACP_OK);
}

/* ---- a handset with spy CSPs */

typedef struct spy {
	unsigned validate, apply, commit, rollback;
} spy;

typedef struct handset {
	omacp_client c;
	omacp_client_config cfg;
	omacp_csp csps[6];
	spy s;
	uint8_t *work;
	size_t work_len;
	uint8_t saved[OMACP_STATE_BLOB_MAX];
	size_t saved_len;
	unsigned saves;
	int fail_save;
} handset;

static omacp_err sv(void *u, omacp_csp_call *c) { (void)c; ((spy *)u)->validate++; return OMACP_OK; }
static omacp_err sa(void *u, omacp_csp_call *c) { (void)c; ((spy *)u)->apply++; return OMACP_OK; }
static omacp_err sc(void *u, omacp_csp_call *c) { (void)c; ((spy *)u)->commit++; return OMACP_OK; }
static void sr(void *u, omacp_csp_call *c) { (void)c; ((spy *)u)->rollback++; }
static const omacp_csp_ops spy_ops = {sv, sa, sc, sr, NULL};

static omacp_err save_cb(void *user, const uint8_t *blob, size_t len)
{
	handset *h = user;
	h->saves++;
	if (h->fail_save)
		return OMACP_E_CSP;
	memcpy(h->saved, blob, len);
	h->saved_len = len;
	return OMACP_OK;
}

/* A handset with the OMA profile (signed messages accepted when their MAC
 * verifies) or WM65, over a workspace of work_len bytes (DEFAULT_WORK: the
 * XML size for 2 slots of 8 segments).  Returns what init returned in *e. */
#define DEFAULT_WORK ((size_t)-1)
static handset *hs_new(omacp_profile prof, size_t work_len, const uint8_t *blob,
                       size_t bl, omacp_err *e)
{
	handset *h = calloc(1, sizeof *h);
	const omacp_csp csps[6] = {
		OMACP_CSP("NAPDEF", OMACP_ROLES_ALL, &spy_ops, &h->s),
		OMACP_CSP("APPLICATION", OMACP_ROLES_ALL, &spy_ops, &h->s),
		OMACP_CSP("VENDORCONFIG", OMACP_ROLES_ALL, &spy_ops, &h->s),
		OMACP_CSP("ACCESS", OMACP_ROLES_ALL, &spy_ops, &h->s),
		OMACP_CSP("CLIENTIDENTITY", OMACP_ROLES_ALL, &spy_ops, &h->s),
		OMACP_CSP_PXLOGICAL_CHAIN(&h->csps[0]),
	};
	memcpy(h->csps, csps, sizeof csps);
	omacp_client_config_init(&h->cfg);
	h->cfg.profile = prof;
	h->cfg.imsi = IMSI;
	h->cfg.csps = h->csps;
	h->cfg.n_csps = 6;
	h->cfg.slots = 2;
	h->cfg.segs = 8;
	h->cfg.save_state = save_cb;
	h->cfg.user = h;
	h->work_len = work_len != DEFAULT_WORK ? work_len : OMACP_CLIENT_WORK_BYTES_XML(2, 8);
	h->work = malloc(h->work_len ? h->work_len : 1);
	*e = omacp_client_init(&h->c, &h->cfg, h->work, h->work_len, blob, bl);
	return h;
}

static void hs_free(handset *h)
{
	free(h->work);
	free(h);
}

static size_t blob_of(const handset *h, uint8_t *out)
{
	size_t n;
	assert_int_equal(omacp_client_state_blob(&h->c, out, OMACP_STATE_BLOB_MAX, &n), OMACP_OK);
	return n;
}

/* Feed every SMS of b; the outcome of the last one. */
static omacp_err feed_all(handset *h, const smsbuf *b)
{
	size_t i = 0;
	omacp_err e = OMACP_E_ARG;
	while (i < b->n) {
		size_t l = b->p[i];
		e = omacp_client_sms(&h->c, "+491701234567", b->p + i + 1, l, 1000);
		i += 1 + l;
	}
	return e;
}

#ifndef OMACP_NO_XML
static const char doc_napdef[] =
	"<wap-provisioningdoc version=\"1.1\">"
	"<characteristic type=\"NAPDEF\">"
	"<parm name=\"NAPID\" value=\"NAP1\"/><parm name=\"NAME\" value=\"Internet\"/>"
	"<parm name=\"BEARER\" value=\"GSM-GPRS\"/><parm name=\"NAP-ADDRESS\" value=\"internet.example.com\"/>"
	"<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
	"<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHTYPE\" value=\"PAP\"/>"
	"<parm name=\"AUTHNAME\" value=\"web\"/><parm name=\"AUTHSECRET\" value=\"web\"/></characteristic>"
	"</characteristic>"
	"<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
	"<parm name=\"NAME\" value=\"Portal\"/><parm name=\"TO-NAPID\" value=\"NAP1\"/>"
	"<characteristic type=\"RESOURCE\"><parm name=\"URI\" value=\"http://portal.example.com/\"/></characteristic>"
	"</characteristic>"
	"</wap-provisioningdoc>";
#endif

/* ----------------------------------------- workspace: every size */

typedef struct counter {
	unsigned events;
} counter;

static omacp_err count_ev(void *user, const omacp_event *ev)
{
	(void)ev;
	((counter *)user)->events++;
	return OMACP_OK;
}

/* The WBXML decoder, the document arena and expat's arena at every size
 * below the smallest that works, on every document of the vectors. */
static void test_layer_workspaces_every_size(void **st)
{
	char **names;
	size_t n = tu_list_vectors("libwbxml-", &names), i;
	(void)st;
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		size_t wl, xl, w, need_w = 0, need_d = 0, need_x = 0;
		uint8_t *wb = tu_read_hex(tu_vpath(names[i], "wbxml.hex"), &wl);
		uint8_t *x = tu_read(tu_vpath(names[i], "input.xml"), &xl);
		uint8_t *work = malloc(65536), *arena = malloc(65536);
		omacp_doc full, doc;
		omacp_doc_builder b;
		counter cnt;
		omacp_err e;
		assert_non_null(wb);
		assert_non_null(x);

		/* WBXML decoder workspace */
		for (w = 0;; w++) {
			assert_true(w < 65536);
			cnt.events = 0;
			e = omacp_wbxml_decode(wb, wl, w ? work : NULL, w, 0, count_ev, &cnt, NULL);
			if (e != OMACP_E_NOMEM)
				break;
		}
		assert_int_equal(e, OMACP_OK);
		need_w = w;

		/* document arena: the full tree, then every smaller arena */
		omacp_doc_builder_init(&b, &full, arena, 65536);
		assert_int_equal(omacp_wbxml_decode(wb, wl, work, 65536, 0, omacp_doc_builder_event, &b, NULL), OMACP_OK);
		assert_int_equal(omacp_doc_builder_finish(&b), OMACP_OK);
		for (w = 0;; w++) {
			uint8_t *a2 = malloc(w ? w : 1);
			omacp_doc_builder_init(&b, &doc, w ? a2 : NULL, w);
			e = omacp_doc_walk(&full, omacp_doc_builder_event, &b);
			if (e == OMACP_OK)
				e = omacp_doc_builder_finish(&b);
			else
				assert_int_not_equal(omacp_doc_builder_finish(&b), OMACP_OK);
			if (e == OMACP_E_NOMEM) {
				assert_null(doc.root); /* never a partial tree */
				free(a2);
				continue;
			}
			assert_int_equal(e, OMACP_OK);
			assert_true(omacp_doc_equal(&full, &doc));
			free(a2);
			break;
		}
		need_d = w;
		assert_true(need_d <= full.bytes_used + 2 * sizeof(void *));

		/* expat arena: every size (so every allocation point fails once) */
#ifndef OMACP_NO_XML
		for (w = 0;; w++) {
			assert_true(w < 65536);
			cnt.events = 0;
			e = omacp_xml_parse(x, xl, w ? work : (uint8_t *)x, w, count_ev, &cnt, NULL);
			if (e != OMACP_E_NOMEM)
				break;
		}
		assert_int_equal(e, OMACP_OK);
		need_x = w;
		assert_true(need_x <= OMACP_XML_WORK_BYTES(xl));
#endif
		if (getenv("OMACP_ROBUST_VERBOSE"))
			printf("%s: wbxml %zu, doc %zu, expat %zu bytes\n", names[i], need_w, need_d, need_x);
		free(wb);
		free(x);
		free(work);
		free(arena);
	}
	tu_free_names(names, n);
}

/* The client: every workspace size below OMACP_CLIENT_WORK_BYTES fails init
 * with NOMEM; above it, an XML message whose expat scratch does not fit is
 * OMACP_E_NOMEM with nothing applied and the state unchanged, and from the
 * smallest size that works on, it is accepted. */
#ifndef OMACP_NO_XML
static void test_client_workspace_every_size(void **st)
{
	size_t min = OMACP_CLIENT_WORK_BYTES(2, 8), max = OMACP_CLIENT_WORK_BYTES_XML(2, 8), w;
	smsbuf *b = malloc(sizeof *b);
	uint8_t before[OMACP_STATE_BLOB_MAX], after[OMACP_STATE_BLOB_MAX];
	size_t lb, la, first_ok = 0;
	omacp_err e;
	(void)st;
	make_sms(b, (const uint8_t *)doc_napdef, strlen(doc_napdef), OMACP_CT_CONNECTIVITY_XML,
	         OMACP_SEC_NETWPIN, NULL, 3);
	for (w = 0; w < min; w += (w < 64 ? 1 : 61)) {
		handset *h = hs_new(OMACP_PROFILE_OMA, w, NULL, 0, &e);
		assert_int_equal(e, OMACP_E_NOMEM);
		assert_int_equal(h->saves, 0);
		hs_free(h);
	}
	{
		handset *h = hs_new(OMACP_PROFILE_OMA, min - 1, NULL, 0, &e);
		assert_int_equal(e, OMACP_E_NOMEM);
		hs_free(h);
	}
	for (w = min; w <= max; w++) {
		handset *h = hs_new(OMACP_PROFILE_OMA, w, NULL, 0, &e);
		assert_int_equal(e, OMACP_OK);
		lb = blob_of(h, before);
		e = feed_all(h, b);
		la = blob_of(h, after);
		if (e == OMACP_E_NOMEM) {
			assert_int_equal(h->s.apply + h->s.commit + h->saves, 0);
			assert_int_equal(la, lb);
			assert_memory_equal(after, before, lb);
		} else {
			assert_int_equal(e, OMACP_ACCEPTED);
			assert_int_equal(h->s.commit, 2);
			if (!first_ok)
				first_ok = w;
			hs_free(h);
			break; /* larger workspaces only add scratch */
		}
		hs_free(h);
	}
	assert_true(first_ok >= min && first_ok <= max);
	/* and every size above works too (sampled up to the macro's size) */
	for (w = first_ok + 1; w <= max; w += (w < first_ok + 64 ? 1 : 997)) {
		handset *h = hs_new(OMACP_PROFILE_OMA, w, NULL, 0, &e);
		assert_int_equal(e, OMACP_OK);
		assert_int_equal(feed_all(h, b), OMACP_ACCEPTED);
		hs_free(h);
	}
	if (getenv("OMACP_ROBUST_VERBOSE"))
		printf("client: init needs %zu, this XML message %zu (macro %zu)\n", min, first_ok, max);
	free(b);
}
#else
static void test_client_workspace_every_size(void **st)
{
	(void)st;
	skip(); /* no XML bodies in this build */
}
#endif

/* -------------------------- rejected: untouched; accepted: once */

static void test_vectors_reject_untouched_accept_once(void **st)
{
	char **names;
	size_t n = tu_list_vectors("kannel-", &names), i;
	unsigned accepted = 0, rejected = 0;
	(void)st;
	for (i = 0; i < n; i++) {
		smsbuf *orig = malloc(sizeof *orig);
		size_t v;
		orig->n = tu_read_sms(names[i], orig->p, sizeof orig->p);
		assert_true(orig->n > 0);
		/* variant 0: as sent; 1..: one byte of the last SMS changed */
		for (v = 0; v < 24; v++) {
			smsbuf *b = malloc(sizeof *b);
			uint8_t before[OMACP_STATE_BLOB_MAX], after[OMACP_STATE_BLOB_MAX];
			uint8_t mid[OMACP_STATE_BLOB_MAX];
			size_t lb, la, lm, last = 0, j;
			omacp_err e;
			handset *h = hs_new(v & 1 ? OMACP_PROFILE_WM65 : OMACP_PROFILE_OMA, DEFAULT_WORK, NULL, 0, &e);
			assert_int_equal(e, OMACP_OK);
			memcpy(b, orig, sizeof *b);
			for (j = 0; j < b->n; j += 1 + b->p[j])
				last = j;
			if (v >= 2 && b->p[last] > 0)
				b->p[last + 1 + (v * 37) % b->p[last]] ^= (uint8_t)(1u << (v % 8));
			lb = blob_of(h, before);
			e = feed_all(h, b);
			memcpy(mid, before, lb);
			lm = lb;
			if (e == OMACP_NEED_PIN) {
				assert_int_equal(h->s.validate + h->s.apply, 0);
				lm = blob_of(h, mid);
				assert_true(omacp_client_pending(&h->c));
				/* Kannel's PIN (USERPINMAC: the real K||m is not 1234,
				 * and 1234 is too short to be one) */
				memset(&h->s, 0, sizeof h->s);
				h->saves = 0;
				e = omacp_client_pin(&h->c, "1234", 1001);
			}
			la = blob_of(h, after);
			if (e == OMACP_ACCEPTED) {
				accepted++;
				assert_true(h->s.apply > 0);
				assert_int_equal(h->s.commit, h->s.apply); /* exactly once each */
				assert_int_equal(h->s.rollback, 0);
				assert_int_equal(h->saves, 1);
				assert_int_equal(la, h->saved_len);
				assert_memory_equal(after, h->saved, la);
			} else if (e == OMACP_NEED_PIN || e == OMACP_E_SEC_PIN) {
				/* the PIN was wrong or malformed: still waiting, nothing
				 * applied; a malformed PIN spends nothing */
				assert_int_equal(h->s.validate + h->s.apply, 0);
				assert_true(omacp_client_pending(&h->c));
				if (e == OMACP_E_SEC_PIN) {
					assert_int_equal(la, lm);
					assert_memory_equal(after, mid, lm);
				}
			} else if (e == OMACP_REJECTED || e < 0) {
				rejected++;
				/* nothing applied; the state is what it was before the
				 * message (a PIN message that waited is gone again) */
				assert_int_equal(h->s.apply + h->s.commit + h->s.rollback, 0);
				assert_false(omacp_client_pending(&h->c));
				assert_int_equal(la, lb);
				assert_memory_equal(after, before, lb);
			} else {
				assert_true(e == OMACP_MORE || e == OMACP_NOT_PUSH);
				assert_int_equal(h->s.validate + h->s.apply + h->saves, 0);
				assert_int_equal(la, lb);
				assert_memory_equal(after, before, lb);
			}
			hs_free(h);
			free(b);
		}
		free(orig);
	}
	tu_free_names(names, n);
	if (getenv("OMACP_ROBUST_VERBOSE"))
		printf("vectors: %u accepted, %u rejected or malformed\n", accepted, rejected);
	assert_true(accepted >= 10);
	assert_true(rejected >= 100);
}

/* ------------------------------------ PIN brute force and restarts */

static void test_pin_bruteforce_restarts(void **st)
{
	uint8_t *body;
	size_t bl, i;
	smsbuf *b = malloc(sizeof *b);
	static const char *const wrong[] = {"0000", "1111", "2222", "3333", "4444", "5555"};
	unsigned retries;
	(void)st;
	body = napdef_body(&bl);
	make_sms(b, body, bl, OMACP_CT_CONNECTIVITY_WBXML, OMACP_SEC_USERPIN, UPIN, 4);

	for (retries = 1; retries <= 5; retries++) {
		/* 4105 = retries (3 is the profile default) */
		omacp_state *s0 = malloc(sizeof *s0);
		uint8_t blob[OMACP_STATE_BLOB_MAX];
		size_t blen;
		omacp_err e;
		handset *h;
		omacp_state_init(s0);
		if (retries != 3)
			assert_int_equal(omacp_state_policy_set(s0, 4105, retries), OMACP_OK);
		assert_int_equal(omacp_state_save(s0, blob, sizeof blob, &blen), OMACP_OK);
		free(s0);
		h = hs_new(OMACP_PROFILE_OMA, DEFAULT_WORK, blob, blen, &e);
		assert_int_equal(e, OMACP_OK);
		assert_int_equal(feed_all(h, b), OMACP_NEED_PIN);
		for (i = 0; i < retries; i++) {
			handset *h2;
			/* a restart before every attempt: the count survives */
			h2 = hs_new(OMACP_PROFILE_OMA, DEFAULT_WORK, h->saved, h->saved_len, &e);
			assert_int_equal(e, OMACP_OK);
			hs_free(h);
			h = h2;
			assert_true(omacp_client_pending(&h->c));
			assert_int_equal(omacp_client_state(&h->c)->pin_attempts, i);
			e = omacp_client_pin(&h->c, wrong[i], 2000);
			if (i + 1 < retries) {
				assert_int_equal(e, OMACP_NEED_PIN);
				assert_int_equal(omacp_client_result(&h->c)->pin_attempts_left, retries - i - 1);
			} else {
				assert_int_equal(e, OMACP_REJECTED);
				assert_int_equal(omacp_client_result(&h->c)->code, OMACP_E_PIN_EXHAUSTED);
			}
			/* what is saved is what is in force */
			{
				uint8_t cur[OMACP_STATE_BLOB_MAX];
				size_t cl = blob_of(h, cur);
				assert_int_equal(cl, h->saved_len);
				assert_memory_equal(cur, h->saved, cl);
			}
		}
		/* spent: the right PIN is no longer asked for, even after a restart */
		{
			handset *h2 = hs_new(OMACP_PROFILE_OMA, DEFAULT_WORK, h->saved, h->saved_len, &e);
			assert_int_equal(e, OMACP_OK);
			assert_false(omacp_client_pending(&h2->c));
			assert_int_equal(omacp_client_pin(&h2->c, UPIN, 3000), OMACP_E_NO_PENDING);
			assert_int_equal(h2->s.apply, 0);
			hs_free(h2);
		}
		assert_int_equal(h->s.apply + h->s.commit, 0);
		hs_free(h);
	}

	/* A failing save_state gives no oracle: a right and a wrong PIN both
	 * return the save error, spend nothing and apply nothing. */
	{
		omacp_err e, e_wrong, e_right;
		handset *h = hs_new(OMACP_PROFILE_OMA, DEFAULT_WORK, NULL, 0, &e);
		uint8_t before[OMACP_STATE_BLOB_MAX], after[OMACP_STATE_BLOB_MAX];
		size_t lb, la;
		assert_int_equal(feed_all(h, b), OMACP_NEED_PIN);
		lb = blob_of(h, before);
		h->fail_save = 1;
		e_wrong = omacp_client_pin(&h->c, "0000", 2000);
		la = blob_of(h, after);
		assert_int_equal(la, lb);
		assert_memory_equal(after, before, lb);
		e_right = omacp_client_pin(&h->c, UPIN, 2001);
		la = blob_of(h, after);
		assert_int_equal(la, lb);
		assert_memory_equal(after, before, lb);
		assert_true(e_wrong < 0);
		assert_int_equal(e_right, e_wrong);
		assert_int_equal(h->s.commit, 0);
		assert_int_equal(h->s.apply, h->s.rollback);
		h->fail_save = 0;
		assert_int_equal(omacp_client_pin(&h->c, UPIN, 2002), OMACP_ACCEPTED);
		hs_free(h);
	}
	free(body);
	free(b);
}

/* ------------------------------------------------ key material */

#define PROBE 16384

/* Copy the stack region below the caller's frame (where the callees of
 * the previous call lived) without touching it as the compiler sees it. */
/* Reading dead stack is what the probe is for: tell memcheck it is fine. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define PROBE_DEFINED(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#endif
#endif
#ifndef PROBE_DEFINED
#define PROBE_DEFINED(p, n) ((void)0)
#endif

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif
static __attribute__((noinline)) void probe_stack(uint8_t *out)
{
	volatile uint8_t region[PROBE];
	size_t i;
	for (i = 0; i < PROBE; i++)
		out[i] = region[i];
	PROBE_DEFINED(out, PROBE);
}

/* Control: a function that leaves a key on its stack. */
static __attribute__((noinline)) void leave_key(const uint8_t *k, size_t n)
{
	volatile uint8_t buf[256];
	size_t i;
	for (i = 0; i < n && i < sizeof buf; i++)
		buf[i] = k[i];
	for (i = n; i < sizeof buf; i++)
		buf[i] = 0;
}

static int contains(const uint8_t *hay, size_t hn, const uint8_t *needle, size_t nn)
{
	size_t i;
	if (nn == 0 || hn < nn)
		return 0;
	for (i = 0; i + nn <= hn; i++)
		if (memcmp(hay + i, needle, nn) == 0)
			return 1;
	return 0;
}

/* The key bytes and the HMAC pads derived from them (K ^ 0x36, K ^ 0x5C). */
static int holds_key(const uint8_t *mem, size_t n, const uint8_t *key, size_t kl)
{
	uint8_t pad[64];
	size_t i;
	if (contains(mem, n, key, kl))
		return 1;
	for (i = 0; i < kl; i++)
		pad[i] = key[i] ^ 0x36;
	if (contains(mem, n, pad, kl))
		return 1;
	for (i = 0; i < kl; i++)
		pad[i] = key[i] ^ 0x5C;
	return contains(mem, n, pad, kl);
}

static __attribute__((noinline)) omacp_err do_verify(omacp_sec m, const char *pin,
                                                     const uint8_t *body, size_t bl,
                                                     const char *mac)
{
	return omacp_sec_verify(m, IMSI, pin, body, bl, (const uint8_t *)mac, mac ? strlen(mac) : 0);
}

static void test_keys_zeroed(void **st)
{
	uint8_t *mem = malloc(PROBE), key[OMACP_KEY_MAX];
	size_t kl, bl;
	uint8_t *body;
	int m;
	(void)st;
	body = napdef_body(&bl);

	/* the probe sees a key left on the stack: otherwise skip, not pass */
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, IMSI, UPIN, key, &kl), OMACP_OK);
	leave_key(key, kl);
	probe_stack(mem);
	if (!holds_key(mem, PROBE, key, kl)) {
		free(mem);
		free(body);
		printf("SKIP: the stack probe cannot see callee frames with this compiler\n");
		skip();
	}
	leave_key(key, 0);

	for (m = OMACP_SEC_NETWPIN; m <= OMACP_SEC_USERPINMAC; m++) {
		char mac[OMACP_MAC_HEX_LEN + 1], pinmac[48];
		const char *pin = m == OMACP_SEC_USERPINMAC ? "73914682" : UPIN;
		int ok;
		assert_int_equal(omacp_sec_sign((omacp_sec)m, IMSI, m == OMACP_SEC_USERPINMAC ? "73914682" : UPIN,
		                                body, bl, mac), OMACP_OK);
		if (m == OMACP_SEC_USERPINMAC) {
			assert_int_equal(omacp_sec_userpinmac_pin("73914682", body, bl, pinmac, sizeof pinmac), OMACP_OK);
			pin = pinmac;
		}
		assert_int_equal(omacp_sec_key((omacp_sec)m, IMSI, m == OMACP_SEC_USERPINMAC ? "73914682" : UPIN,
		                               key, &kl), OMACP_OK);
		for (ok = 1; ok >= 0; ok--) {
			char bad[OMACP_MAC_HEX_LEN + 1];
			memcpy(bad, mac, sizeof bad);
			bad[5] = bad[5] == '0' ? '1' : '0';
			if (m == OMACP_SEC_USERPINMAC && !ok)
				pinmac[strlen(pinmac) - 1] = pinmac[strlen(pinmac) - 1] == '0' ? '1' : '0';
			leave_key(key, 0); /* scrub the control's frame */
			assert_int_equal(do_verify((omacp_sec)m, pin, body, bl, ok ? mac : bad),
			                 ok ? OMACP_OK : OMACP_E_SEC_MISMATCH);
			probe_stack(mem);
			if (holds_key(mem, PROBE, key, kl))
				fail_msg("%s verify (%s) left key material on the stack",
				         omacp_sec_name((omacp_sec)m), ok ? "success" : "failure");
		}
	}

	/* the client: after a PIN is used, right or wrong, neither the PIN nor
	 * the key is anywhere in the context or its workspace */
	{
		smsbuf *b = malloc(sizeof *b);
		omacp_err e;
		int round;
		make_sms(b, body, bl, OMACP_CT_CONNECTIVITY_WBXML, OMACP_SEC_USERNETWPIN, UPIN, 5);
		for (round = 0; round < 2; round++) {
			/* round 0: a wrong PIN; round 1: the right one */
			const char *used = round ? UPIN : "Qw3$Er5%";
			handset *h = hs_new(OMACP_PROFILE_OMA, DEFAULT_WORK, NULL, 0, &e);
			assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, IMSI, used, key, &kl), OMACP_OK);
			assert_int_equal(feed_all(h, b), OMACP_NEED_PIN);
			e = omacp_client_pin(&h->c, used, 2000);
			assert_int_equal(e, round ? OMACP_ACCEPTED : OMACP_NEED_PIN);
			probe_stack(mem);
			if (holds_key(mem, PROBE, key, kl))
				fail_msg("omacp_client_pin (%s PIN) left key material on the stack", round ? "right" : "wrong");
			assert_false(contains(mem, PROBE, (const uint8_t *)used, strlen(used)));
			/* unused workspace and padding are uninitialised: fine here */
			PROBE_DEFINED(&h->c, sizeof h->c);
			PROBE_DEFINED(h->work, h->work_len);
			assert_false(holds_key((const uint8_t *)&h->c, sizeof h->c, key, kl));
			assert_false(contains((const uint8_t *)&h->c, sizeof h->c, (const uint8_t *)used, strlen(used)));
			assert_false(holds_key(h->work, h->work_len, key, kl));
			assert_false(contains(h->work, h->work_len, (const uint8_t *)used, strlen(used)));
			hs_free(h);
		}
		free(b);
	}
	free(mem);
	free(body);
}

/* ------------------------------------ lengths near 2^32 (32-bit) */

static omacp_err wbxml_try(const uint8_t *p, size_t n)
{
	uint8_t work[4096];
	counter c = {0};
	return omacp_wbxml_decode(p, n, work, sizeof work, 0, count_ev, &c, NULL);
}

static void test_huge_lengths(void **st)
{
	/* mb_u_int32 0xFFFFFFFF, 2^32 (overflow), 6 bytes, and offsets near it */
	static const uint8_t mb_max[] = {0x8F, 0xFF, 0xFF, 0xFF, 0x7F};
	static const uint8_t mb_ovf[] = {0x90, 0x80, 0x80, 0x80, 0x00};
	static const uint8_t mb_6[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	static const uint8_t mb_big[] = {0x8F, 0xFF, 0xFF, 0xFF, 0x7E}; /* 0xFFFFFFFE */
	const uint8_t *mbs[] = {mb_max, mb_ovf, mb_6, mb_big};
	const size_t mbl[] = {5, 5, 6, 5};
	size_t i;
	(void)st;
	for (i = 0; i < 4; i++) {
		uint8_t d[64];
		size_t k;
		/* string-table length */
		k = 0;
		d[k++] = 0x03; d[k++] = 0x0B; d[k++] = 0x6A;
		memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
		d[k++] = 'a'; d[k++] = 0; d[k++] = 0x45; d[k++] = 0x01;
		assert_true(wbxml_try(d, k) < 0);
		/* charset */
		k = 0;
		d[k++] = 0x03; d[k++] = 0x0B;
		memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
		d[k++] = 0x00; d[k++] = 0x45; d[k++] = 0x01;
		assert_true(wbxml_try(d, k) < 0);
		/* STR_T offset, OPAQUE length, ENTITY, LITERAL index in a value */
		{
			static const uint8_t ops[] = {0x83, 0xC3, 0x02};
			size_t o;
			for (o = 0; o < sizeof ops; o++) {
				k = 0;
				d[k++] = 0x03; d[k++] = 0x0B; d[k++] = 0x6A; d[k++] = 0x02; d[k++] = 'x'; d[k++] = 0;
				d[k++] = 0xC5; d[k++] = 0x01; d[k++] = 0x87; d[k++] = 0x07; d[k++] = 0x06;
				d[k++] = ops[o];
				memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
				d[k++] = 0x01; d[k++] = 0x01;
				assert_true(wbxml_try(d, k) < 0);
			}
			k = 0;
			d[k++] = 0x03; d[k++] = 0x0B; d[k++] = 0x6A; d[k++] = 0x02; d[k++] = 'x'; d[k++] = 0;
			d[k++] = 0xC5; d[k++] = 0x01; d[k++] = 0x87; d[k++] = 0x04;
			memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
			d[k++] = 0x01; d[k++] = 0x01;
			assert_true(wbxml_try(d, k) < 0);
		}
		/* WSP: headers length, value-length (length-quote), content-length */
		{
			omacp_push p;
			k = 0;
			d[k++] = 0x01; d[k++] = 0x06;
			memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
			d[k++] = 0xB6; d[k++] = 0x03;
			assert_int_equal(omacp_push_decode(d, k, &p), OMACP_E_WSP);
			k = 0;
			d[k++] = 0x01; d[k++] = 0x06; d[k++] = 0x08; d[k++] = 0x1F;
			memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
			while (k < 11) d[k++] = 0xB6;
			d[k++] = 0x03;
			assert_int_equal(omacp_push_decode(d, k, &p), OMACP_E_WSP);
			k = 0;
			d[k++] = 0x01; d[k++] = 0x06; d[k++] = (uint8_t)(3 + mbl[i]); d[k++] = 0xB6; d[k++] = 0x8D;
			d[k++] = 0x1F;
			memcpy(d + k, mbs[i], mbl[i]); k += mbl[i];
			d[k++] = 0x03;
			assert_true(omacp_push_decode(d, k, &p) <= 0);
		}
	}
	/* Long-integer of 30 bytes as content length, and a length byte that
	 * points just past the end */
	{
		uint8_t d[64];
		omacp_push p;
		size_t k = 0, j;
		d[k++] = 0x01; d[k++] = 0x06; d[k++] = 33; d[k++] = 0xB6; d[k++] = 0x8D; d[k++] = 30;
		for (j = 0; j < 30; j++) d[k++] = 0xFF;
		d[k++] = 0x03;
		assert_true(omacp_push_decode(d, k, &p) <= 0);
		k = 0;
		d[k++] = 0x01; d[k++] = 0x06; d[k++] = 0x02; d[k++] = 0xB6;
		assert_int_equal(omacp_push_decode(d, k, &p), OMACP_E_WSP);
	}
	/* SMS: 255 segments of a message; the reassembler refuses above its
	 * max_segs, and sequence numbers at the edges */
	{
		uint8_t work[OMACP_REASM_WORK_BYTES(1, 3)], ud[20];
		omacp_reasm r;
		omacp_slice dg;
		static const uint8_t udh[] = {0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x01};
		assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 1, 3, NULL), OMACP_OK);
		memcpy(ud, udh, sizeof udh);
		ud[10] = 255; ud[11] = 255; ud[12] = 0x01;
		assert_int_equal(omacp_reasm_feed(&r, "1", ud, 13, 1, &dg), OMACP_E_LIMIT);
		ud[10] = 3; ud[11] = 4;
		assert_int_equal(omacp_reasm_feed(&r, "1", ud, 13, 1, &dg), OMACP_E_CONCAT);
		ud[10] = 0; ud[11] = 0;
		assert_int_equal(omacp_reasm_feed(&r, "1", ud, 13, 1, &dg), OMACP_E_CONCAT);
		/* UDHL 255 with 12 bytes present */
		ud[0] = 0xFF;
		assert_int_equal(omacp_reasm_feed(&r, "1", ud, 13, 1, &dg), OMACP_E_UDH);
		assert_int_equal(omacp_reasm_pending(&r), 0);
		/* a clock near 2^32 that wraps expires nothing wrongly */
		ud[0] = 0x0B; ud[10] = 2; ud[11] = 1;
		assert_int_equal(omacp_reasm_feed(&r, "1", ud, 13, 0xFFFFFFF0u, &dg), OMACP_MORE);
		ud[11] = 2;
		assert_int_equal(omacp_reasm_feed(&r, "1", ud, 13, 0x00000010u, &dg), OMACP_OK);
		assert_int_equal(dg.len, 2);
	}
	/* state blob: a length field near 2^32 */
	{
		uint8_t blob[OMACP_STATE_BLOB_MAX];
		size_t bl;
		omacp_state *s = malloc(sizeof *s);
		omacp_state_init(s);
		assert_int_equal(omacp_state_save(s, blob, sizeof blob, &bl), OMACP_OK);
		blob[6] = 0xFF; blob[7] = 0xFF; blob[8] = 0xFF; blob[9] = 0xFF;
		assert_int_equal(omacp_state_load(s, blob, bl), OMACP_E_STATE_SIZE);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layer_workspaces_every_size),
		cmocka_unit_test(test_client_workspace_every_size),
		cmocka_unit_test(test_vectors_reject_untouched_accept_once),
		cmocka_unit_test(test_pin_bruteforce_restarts),
		cmocka_unit_test(test_keys_zeroed),
		cmocka_unit_test(test_huge_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
