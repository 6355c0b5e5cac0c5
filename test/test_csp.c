/* Configuration Manager: ProvCont validation, metabase, all-or-nothing
 * dispatch (proved with a spy CSP), queries, result documents, and the
 * built-in CSPs on the seed bootstrap document. */
#include <string.h>
#include <stdio.h>
#include "util.h"
#include "omacp/csp.h"
#include "omacp/wbxml.h"
#include "omacp/xml.h"

/* ------------------------------------------------------------ documents */

static uint8_t arena[65536];
static uint8_t xml_arena[OMACP_XML_WORK_BYTES(65536)]; /* expat: no heap, also in NO_MALLOC builds */
static omacp_doc doc;

static omacp_doc *parse(const char *xml)
{
	omacp_doc_builder b;
	omacp_doc_builder_init(&b, &doc, arena, sizeof arena);
	assert_true(strlen(xml) <= 65536);
	assert_int_equal(omacp_xml_parse((const uint8_t *)xml, strlen(xml), xml_arena,
	                                 sizeof xml_arena, omacp_doc_builder_event, &b, NULL),
	                 OMACP_OK);
	assert_int_equal(omacp_doc_builder_finish(&b), OMACP_OK);
	return &doc;
}

/* The same tree the way a handset gets it: doc (built from XML) through
 * the WBXML encoder (string-table mode, so names without a token such as
 * "mwid" travel too) and back through omacp_wbxml_decode_doc, which notes
 * on each node what its first attribute was (omacp_node.label_, read by
 * the Configuration Manager's fast path).  doc becomes the decoded tree.
 * Returns 0 when the encoder cannot write the tree (element or attribute
 * outside the vocabulary), else 1 plus the number of labelled nodes. */
static uint8_t wbxml_buf[65536], enc_work[65536], arena2[65536];
static size_t via_wbxml(void)
{
	omacp_wbxml_encoder en;
	omacp_doc d2;
	const omacp_node *n;
	size_t len, off, labelled = 1;
	omacp_wbxml_encoder_init(&en, wbxml_buf, sizeof wbxml_buf, enc_work,
	                         sizeof enc_work, OMACP_WBXML_ENC_STRTBL);
	if (omacp_doc_walk(&doc, omacp_wbxml_encoder_event, &en) != OMACP_OK ||
	    omacp_wbxml_encoder_rewind(&en) != OMACP_OK ||
	    omacp_doc_walk(&doc, omacp_wbxml_encoder_event, &en) != OMACP_OK ||
	    omacp_wbxml_encoder_finish(&en, &len) != OMACP_OK)
		return 0;
	assert_int_equal(omacp_wbxml_decode_doc(wbxml_buf, len, 0, &d2, arena2,
	                                        sizeof arena2, &off), OMACP_OK);
	assert_true(omacp_doc_equal(&doc, &d2));
	doc = d2;  /* in arena2 and wbxml_buf, until the next call */
	for (n = doc.root; n != NULL; n = omacp_node_next_preorder(n))
		labelled += n->label_ != 0;
	return labelled;
}

#define PROVURL "https://tps.operator.example/cp"

/* The seed bootstrap (reference/seeds/bootstrapping-to-use-an-oma-cp-
 * server.txt) with its empty values filled in. */
static const char seed_bootstrap[] =
	"<wap-provisioningdoc>"
	"<characteristic type=\"BOOTSTRAP\">"
	"<parm name=\"PROVURL\" value=\"" PROVURL "\"/>"
	"</characteristic>"
	"<characteristic type=\"PXLOGICAL\">"
	"<parm name=\"NAME\" value=\"WAP Push Gateway\"/>"
	"<parm name=\"PROXY-ID\" value=\"PPG1\"/>"
	"<parm name=\"TRUST\"/>"
	"<characteristic type=\"PXPHYSICAL\">"
	"<parm name=\"PHYSICAL-PROXY-ID\" value=\"Push Gateway 1\"/>"
	"<parm name=\"PXADDR\" value=\"9201612\"/>"
	"<parm name=\"PXADDRTYPE\" value=\"E164\"/>"
	"<parm name=\"PUSHENABLED\" value=\"1\"/>"
	"<parm name=\"TO-NAPID\" value=\"SMS NAP\"/>"
	"</characteristic>"
	"</characteristic>"
	"<characteristic type=\"NAPDEF\">"
	"<parm name=\"NAPID\" value=\"SMS NAP\"/>"
	"<parm name=\"NAME\" value=\"SMS Connection\"/>"
	"<parm name=\"NAP-ADDRESS\" value=\"+12345550150\"/>"
	"<parm name=\"BEARER\" value=\"GSM-SMS\"/>"
	"</characteristic>"
	"<characteristic type=\"SecurityPolicy\">"
	"<parm name=\"4119\" value=\"128\"/>"
	"<parm name=\"4141\" value=\"3200\"/>"
	"<parm name=\"4142\" value=\"3200\"/>"
	"<parm name=\"4143\" value=\"3200\"/>"
	"</characteristic>"
	"</wap-provisioningdoc>";

/* ------------------------------------------------------------ spy CSPs */

enum { OP_VALIDATE, OP_APPLY, OP_COMMIT, OP_ROLLBACK, OP_QUERY, OP_SAVE };

typedef struct rec {
	int op;
	int csp;              /* spy id */
	unsigned index;       /* item index */
} rec;

static rec log_[256];
static size_t n_log;

typedef struct spy {
	int id;
	int fail_op;          /* op that fails, -1 none */
	unsigned fail_index;  /* at this item index */
	omacp_err fail_code;
	const char *answer;   /* query answer value, NULL: none */
} spy;

static void record(int op, int id, unsigned index)
{
	assert_true(n_log < sizeof log_ / sizeof log_[0]);
	log_[n_log].op = op;
	log_[n_log].csp = id;
	log_[n_log].index = index;
	n_log++;
}

static omacp_err spy_op(void *user, omacp_csp_call *call, int op)
{
	spy *s = (spy *)user;
	assert_non_null(call->state);
	assert_non_null(call->policy);
	assert_non_null(call->doc);
	record(op, s->id, call->index);
	if (s->fail_op == op && s->fail_index == call->index)
		return s->fail_code;
	return OMACP_OK;
}

static omacp_err spy_validate(void *u, omacp_csp_call *c) { return spy_op(u, c, OP_VALIDATE); }
static omacp_err spy_apply(void *u, omacp_csp_call *c) { return spy_op(u, c, OP_APPLY); }
static omacp_err spy_commit(void *u, omacp_csp_call *c) { return spy_op(u, c, OP_COMMIT); }
static void spy_rollback(void *u, omacp_csp_call *c) { (void)spy_op(u, c, OP_ROLLBACK); }

static omacp_err spy_query(void *u, omacp_csp_call *c, const omacp_node *q,
                           omacp_event_fn out, void *out_user)
{
	spy *s = (spy *)u;
	omacp_slice nm = omacp_node_name(q);
	record(OP_QUERY, s->id, c->index);
	if (s->fail_op == OP_QUERY)
		return s->fail_code;
	if (s->answer == NULL || q->elem != OMACP_ELEM_PARM_QUERY)
		return OMACP_OK;
	return omacp_csp_emit_parm(out, out_user, (const char *)nm.ptr, nm.len,
	                           s->answer, strlen(s->answer));
}

static const omacp_csp_ops spy_ops = {
	spy_validate, spy_apply, spy_commit, spy_rollback, spy_query
};

static spy spies[4];

static omacp_err save_fail;
static int save_calls;
static uint8_t saved_blob[OMACP_STATE_BLOB_MAX];
static size_t saved_len;

static omacp_err save_fn(void *user, const omacp_state *st)
{
	(void)user;
	save_calls++;
	record(OP_SAVE, -1, 0);
	assert_int_equal(omacp_state_save(st, saved_blob, sizeof saved_blob,
	                                  &saved_len), OMACP_OK);
	return save_fail;
}

/* ------------------------------------------------------------ fixture */

static omacp_state old_st, new_st;
static omacp_policy pol;
static omacp_cm cm;
static omacp_result res;
static uint8_t blob_before[OMACP_STATE_BLOB_MAX], blob_after[OMACP_STATE_BLOB_MAX];
static size_t len_before, len_after;

static const omacp_mb_entry napdef_entries[] = {
	{ "NAPAUTHINFO", OMACP_ROLE_MANAGER, OMACP_ROLE_MANAGER },
	{ "NAPAUTHINFO/AUTHSECRET", 0, OMACP_ROLE_MANAGER },
	{ "BEARER", OMACP_ROLES_ALL, OMACP_ROLE_OPERATOR },
	{ "*/PORTNBR", OMACP_ROLE_OEM, OMACP_ROLE_OEM },
};

static omacp_csp registry[8];
static size_t n_registry;

static void reset_spies(void)
{
	int i;
	for (i = 0; i < 4; i++) {
		spies[i].id = i;
		spies[i].fail_op = -1;
		spies[i].fail_index = 0;
		spies[i].fail_code = OMACP_E_CSP;
		spies[i].answer = NULL;
	}
	n_log = 0;
	save_calls = 0;
	save_fail = OMACP_OK;
}

/* Registry: spies for NAPDEF (0), APPLICATION (1), X (2), then built-ins. */
static void setup_registry(int builtins)
{
	omacp_csp napdef = OMACP_CSP("NAPDEF", 156, &spy_ops, &spies[0]);
	omacp_csp app = OMACP_CSP("APPLICATION", 156, &spy_ops, &spies[1]);
	omacp_csp x = OMACP_CSP("X", OMACP_ROLES_ALL, &spy_ops, &spies[2]);
	omacp_csp bs = OMACP_CSP_BOOTSTRAP;
	omacp_csp px = OMACP_CSP_PXLOGICAL;
	omacp_csp sp = OMACP_CSP_SECURITYPOLICY;
	napdef.entries = napdef_entries;
	napdef.n_entries = sizeof napdef_entries / sizeof napdef_entries[0];
	n_registry = 0;
	registry[n_registry++] = napdef;
	registry[n_registry++] = app;
	registry[n_registry++] = x;
	if (builtins) {
		registry[n_registry++] = bs;
		registry[n_registry++] = px;
		registry[n_registry++] = sp;
	}
}

static void setup(omacp_profile prof, const omacp_policy_opts *o, int builtins)
{
	reset_spies();
	setup_registry(builtins);
	omacp_policy_init(&pol, prof, o, &old_st);
	omacp_cm_init(&cm, registry, n_registry, &pol);
	cm.save_state = save_fn;
	omacp_result_init(&res);
}

/* Run the document with roles; records the blob of the old state before
 * and after, checks the old state was never touched. */
static int run_wbxml;      /* run() takes the tree decoded from WBXML */
static omacp_err run(const char *xml, uint32_t roles)
{
	omacp_err e;
	parse(xml);
	if (run_wbxml)
		assert_true(via_wbxml() > 0);
	assert_int_equal(omacp_state_save(&old_st, blob_before, sizeof blob_before,
	                                  &len_before), OMACP_OK);
	memcpy(&new_st, &old_st, sizeof new_st);
	e = omacp_cm_process(&cm, &doc, roles, &old_st, &new_st, &res);
	assert_int_equal(omacp_state_save(&old_st, blob_after, sizeof blob_after,
	                                  &len_after), OMACP_OK);
	assert_int_equal(len_before, len_after);
	assert_memory_equal(blob_before, blob_after, len_before);
	if (e == OMACP_REJECTED) {
		/* new state is a byte copy of the old one */
		assert_memory_equal(&new_st, &old_st, sizeof old_st);
		assert_int_equal(res.verdict, OMACP_REJECTED);
		assert_true(res.code < 0);
		assert_memory_equal(res.reason, "rejected: ", 10);
	}
	return e;
}

/* Count log entries matching op (and spy id when id >= 0). */
static size_t count(int op, int id)
{
	size_t i, n = 0;
	for (i = 0; i < n_log; i++)
		if (log_[i].op == op && (id < 0 || log_[i].csp == id))
			n++;
	return n;
}

/* ------------------------------------------------------ ProvCont rules */

/* Validate xml's tree, built from the XML text and again decoded from
 * WBXML (via_wbxml): both give the same verdict and reason; doc is left the
 * decoded tree.  n_labelled: the labelled nodes of the last decoded tree. */
static size_t n_labelled;
static omacp_err vdoc(const char *xml)
{
	omacp_err e;
	omacp_result r2;
	omacp_result_init(&res);
	parse(xml);
	e = omacp_cm_validate_doc(&doc, &res);
	n_labelled = via_wbxml();
	assert_true(n_labelled > 0);
	n_labelled--;
	omacp_result_init(&r2);
	assert_int_equal(omacp_cm_validate_doc(&doc, &r2), e);
	assert_int_equal(r2.code, res.code);
	assert_string_equal(r2.reason, res.reason);
	return e;
}

#define W(x) "<wap-provisioningdoc>" x "</wap-provisioningdoc>"
#define PX(trust, phys)                                                        \
	"<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" value=\"P1\"/>" \
	"<parm name=\"NAME\" value=\"n\"/>" trust phys "</characteristic>"
#define PHYS(addr, napid)                                                      \
	"<characteristic type=\"PXPHYSICAL\">"                                    \
	"<parm name=\"PHYSICAL-PROXY-ID\" value=\"G\"/>"                          \
	"<parm name=\"PXADDR\" value=\"" addr "\"/>"                              \
	"<parm name=\"PXADDRTYPE\" value=\"E164\"/>"                              \
	"<parm name=\"PUSHENABLED\" value=\"1\"/>"                                \
	"<parm name=\"TO-NAPID\" value=\"" napid "\"/></characteristic>"
#define NAP(id)                                                                \
	"<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"" id "\"/>"  \
	"<parm name=\"NAME\" value=\"n\"/></characteristic>"

static void test_provcont_valid(void **cs)
{
	(void)cs;
	assert_int_equal(vdoc(seed_bootstrap), OMACP_OK);
#ifndef __OPTIMIZE_SIZE__
	/* speed builds: the decoder labels the tree, the CM takes its fast path */
	assert_true(n_labelled >= 12);
#endif
	assert_int_equal(vdoc(W("")), OMACP_OK);
	/* vendor types anywhere inside a non-OMA item */
	assert_int_equal(vdoc(W("<characteristic type=\"Registry\">"
	                        "<characteristic type=\"PORT\"><parm name=\"a\"/>"
	                        "</characteristic></characteristic>")), OMACP_OK);
	/* Windows Mobile update path: NAPDEF/<NAPID mwid=1> exempt */
	assert_int_equal(vdoc(W("<characteristic type=\"NAPDEF\">"
	                        "<characteristic type=\"NAP1\" mwid=\"1\">"
	                        "<parm name=\"NAME\" value=\"x\"/>"
	                        "</characteristic></characteristic>")), OMACP_OK);
	/* an OMA item that is itself a Windows Mobile step (its own mwid) */
	assert_int_equal(vdoc(W("<characteristic type=\"NAPDEF\" mwid=\"1\">"
	                        "<parm name=\"NAME\" value=\"x\"/>"
	                        "</characteristic>")), OMACP_OK);
	/* queries and deletes */
	assert_int_equal(vdoc(W("<characteristic-query type=\"NAPDEF\"/>"
	                        "<nocharacteristic type=\"X\"/>"
	                        "<characteristic type=\"X\"><parm-query name=\"a\"/>"
	                        "<noparm name=\"b\"/></characteristic>")), OMACP_OK);
	/* allowed nesting of 5.6 */
	assert_int_equal(vdoc(W(NAP("N1") PX("", "<characteristic type=\"PORT\">"
	                        "<parm name=\"PORTNBR\" value=\"9201\"/>"
	                        "</characteristic>" PHYS("1", "N1")))), OMACP_OK);
}

static void expect_invalid(const char *xml, omacp_err e, const char *reason)
{
	assert_int_equal(vdoc(xml), e);
	assert_int_equal(res.code, e);
	assert_int_equal(res.verdict, OMACP_REJECTED);
	if (reason != NULL)
		assert_string_equal(res.reason, reason);
}

static void test_provcont_rejects(void **cs)
{
	(void)cs;
	expect_invalid(W(PX("", "<characteristic type=\"PXPHYSICAL\">"
	                 "<parm name=\"PHYSICAL-PROXY-ID\" value=\"G\"/>"
	                 "<parm name=\"TO-NAPID\" value=\"INTERNET\"/>"
	                 "</characteristic>")),
	               OMACP_E_DOC_INVALID,
	               "rejected: invalid document: characteristic PXPHYSICAL lacks PXADDR");
	expect_invalid(W("<characteristic type=\"PXLOGICAL\">"
	                 "<parm name=\"PROXY-ID\" value=\"P\"/>"
	                 "<parm name=\"NAME\" value=\"n\"/></characteristic>"),
	               OMACP_E_DOC_INVALID,
	               "rejected: invalid document: characteristic PXLOGICAL lacks PXPHYSICAL");
	expect_invalid(W("<characteristic type=\"NAPDEF\">"
	                 "<parm name=\"NAME\" value=\"n\"/></characteristic>"),
	               OMACP_E_DOC_INVALID,
	               "rejected: invalid document: characteristic NAPDEF lacks NAPID");
	expect_invalid(W(PHYS("1", "INTERNET")), OMACP_E_DOC_STRUCTURE,
	               "rejected: invalid document: characteristic PXPHYSICAL not "
	               "allowed at the root");
	expect_invalid(W(PX("", NAP("N") PHYS("1", "INTERNET"))),
	               OMACP_E_DOC_STRUCTURE,
	               "rejected: invalid document: characteristic NAPDEF not "
	               "allowed in PXLOGICAL");
	expect_invalid(W("<characteristic type=\"BOOTSTRAP\">"
	                 "<characteristic type=\"PORT\"><parm name=\"PORTNBR\" value=\"1\"/>"
	                 "</characteristic></characteristic>"),
	               OMACP_E_DOC_STRUCTURE, NULL);
	expect_invalid(W("<characteristic type=\"NAPDEF\">"
	                 "<parm name=\"NAPID\" value=\"N\"/><parm name=\"NAME\" value=\"n\"/>"
	                 "<characteristic type=\"BEARERINFO\"/></characteristic>"),
	               OMACP_E_DOC_STRUCTURE, NULL);
	expect_invalid(W("<parm name=\"a\" value=\"b\"/>"), OMACP_E_DOC_STRUCTURE,
	               "rejected: invalid document: parm a misplaced");
	expect_invalid(W("<characteristic><parm name=\"a\"/></characteristic>"),
	               OMACP_E_DOC_ATTR,
	               "rejected: invalid document: characteristic without type");
	expect_invalid(W("<characteristic type=\"X\"><parm value=\"a\"/></characteristic>"),
	               OMACP_E_DOC_ATTR, NULL);
	expect_invalid(W("<characteristic type=\"X\"><characteristic-error type=\"Y\"/>"
	                 "</characteristic>"),
	               OMACP_E_DOC_STRUCTURE, NULL);
	expect_invalid(W("<characteristic-query type=\"X\"><parm name=\"a\"/>"
	                 "</characteristic-query>"),
	               OMACP_E_DOC_STRUCTURE, NULL);
	expect_invalid(W("<characteristic type=\"X\"><parm name=\"a\">"
	                 "<parm name=\"b\"/></parm></characteristic>"),
	               OMACP_E_DOC_STRUCTURE, NULL);
}

static const omacp_node *find_type(const char *type)
{
	const omacp_node *n;
	for (n = doc.root; n != NULL; n = omacp_node_next_preorder(n))
		if (omacp_slice_eq(omacp_node_type(n), type))
			return n;
	return NULL;
}

static void test_provcont_drops(void **cs)
{
	const omacp_node *px, *ph, *ref;
	(void)cs;
	/* dangling TO-NAPID: the reference, its PXPHYSICAL, its PXLOGICAL */
	assert_int_equal(vdoc(W(NAP("N1") PX("", PHYS("1", "NOPE")))), OMACP_OK);
	px = find_type("PXLOGICAL");
	ph = find_type("PXPHYSICAL");
	ref = omacp_node_parm(ph, "TO-NAPID");
	assert_true(omacp_cm_dropped(&doc, ref));
	assert_true(omacp_cm_dropped(&doc, ph));
	assert_true(omacp_cm_dropped(&doc, px));
	assert_false(omacp_cm_dropped(&doc, find_type("NAPDEF")));
	/* INTERNET and a defined NAPID are kept */
	assert_int_equal(vdoc(W(NAP("N1") PX("", PHYS("1", "INTERNET")))), OMACP_OK);
	assert_false(omacp_cm_dropped(&doc, find_type("PXPHYSICAL")));
	assert_int_equal(vdoc(W(NAP("N1") PX("", PHYS("1", "N1")))), OMACP_OK);
	assert_false(omacp_cm_dropped(&doc, find_type("PXLOGICAL")));
	/* one good PXPHYSICAL keeps the PXLOGICAL */
	assert_int_equal(vdoc(W(NAP("N1") PX("", PHYS("1", "N2") PHYS("2", "N1")))),
	                 OMACP_OK);
	assert_false(omacp_cm_dropped(&doc, find_type("PXLOGICAL")));
	assert_true(omacp_cm_dropped(&doc, find_type("PXPHYSICAL")));
	/* TO-PROXY of an APPLICATION */
	assert_int_equal(vdoc(W(NAP("N1") PX("", PHYS("1", "N1"))
	                        "<characteristic type=\"APPLICATION\">"
	                        "<parm name=\"APPID\" value=\"w2\"/>"
	                        "<parm name=\"TO-PROXY\" value=\"P1\"/>"
	                        "<parm name=\"TO-PROXY\" value=\"P9\"/>"
	                        "</characteristic>")), OMACP_OK);
	ref = omacp_node_parm(find_type("APPLICATION"), "TO-PROXY");
	assert_false(omacp_cm_dropped(&doc, ref));
	assert_true(omacp_cm_dropped(&doc, ref->next));
}

/* ---------------------------------------------------------- dispatch */

static const char three_items[] =
	W(NAP("N1")
	  "<characteristic type=\"X\"><parm name=\"a\" value=\"1\"/></characteristic>"
	  "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
	  "</characteristic>"
	  "<characteristic type=\"X\"><parm name=\"b\" value=\"2\"/></characteristic>");

static void test_dispatch_success(void **cs)
{
	static const int ids[4] = { 0, 2, 1, 2 };
	size_t i;
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(three_items, OMACP_ROLE_MANAGER), OMACP_ACCEPTED);
	assert_int_equal(res.verdict, OMACP_ACCEPTED);
	assert_int_equal(res.code, OMACP_OK);
	assert_int_equal(n_log, 13);
	/* validate all, apply all, save once, commit all, in document order */
	for (i = 0; i < 4; i++) {
		assert_int_equal(log_[i].op, OP_VALIDATE);
		assert_int_equal(log_[4 + i].op, OP_APPLY);
		assert_int_equal(log_[9 + i].op, OP_COMMIT);
		assert_int_equal(log_[i].index, i);
		assert_int_equal(log_[4 + i].index, i);
		assert_int_equal(log_[9 + i].index, i);
		assert_int_equal(log_[i].csp, ids[i]);
		assert_int_equal(log_[9 + i].csp, ids[i]);
	}
	assert_int_equal(log_[8].op, OP_SAVE);
	assert_int_equal(save_calls, 1);
	assert_int_equal(count(OP_ROLLBACK, -1), 0);
	assert_int_equal(res.n_chars, 4);
	assert_int_equal(res.n_chars_total, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(res.chars[i].status, OMACP_CHAR_APPLIED);
	assert_string_equal(res.chars[0].type, "NAPDEF");
	assert_string_equal(res.chars[2].type, "APPLICATION");
	assert_string_equal(res.reason, "accepted: 4 items applied (roles 0x8)");
	assert_true(res.manager);
}

/* Fail every op at every item (and the save): the all-or-nothing rules
 * must hold for each case. */
static void test_dispatch_failure_everywhere(void **cs)
{
	int op;
	unsigned at;
	(void)cs;
	omacp_state_init(&old_st);
	assert_int_equal(omacp_state_policy_set(&old_st, 4119, 128), 0);
	for (op = OP_VALIDATE; op <= OP_SAVE; op++) {
		if (op == OP_ROLLBACK || op == OP_QUERY)
			continue;
		for (at = 0; at < 4; at++) {
			omacp_err e;
			size_t i;
			int s;
			setup(OMACP_PROFILE_WM65, NULL, 0);
			if (op == OP_SAVE) {
				if (at > 0)
					break;
				save_fail = OMACP_E_NOMEM;
			} else {
				for (s = 0; s < 3; s++) {
					spies[s].fail_op = op;
					spies[s].fail_index = at;
				}
			}
			e = run(three_items, OMACP_ROLE_MANAGER);
			if (op == OP_COMMIT) {
				/* too late to undo: accepted, every commit exactly once */
				assert_int_equal(e, OMACP_ACCEPTED);
				assert_int_equal(count(OP_COMMIT, -1), 4);
				for (i = 0; i < n_log; i++)
					if (log_[i].op == OP_COMMIT)
						assert_true(i >= 9);
				assert_int_equal(count(OP_ROLLBACK, -1), 0);
				assert_int_equal(res.code, OMACP_E_CSP);
				assert_int_equal(res.chars[at].err, OMACP_E_CSP);
				assert_memory_equal(res.reason, "accepted: ", 10);
				continue;
			}
			assert_int_equal(e, OMACP_REJECTED);
			assert_int_equal(count(OP_COMMIT, -1), 0);
			if (op == OP_VALIDATE) {
				/* nothing beyond validate; validation stops at the failure */
				assert_int_equal(n_log, at + 1);
				assert_int_equal(count(OP_VALIDATE, -1), at + 1);
				assert_int_equal(save_calls, 0);
				assert_int_equal(res.code, OMACP_E_CSP);
				assert_int_equal(res.chars[at].status, OMACP_CHAR_REJECTED);
			} else {
				/* every successful apply rolled back once, newest first */
				unsigned applied = op == OP_APPLY ? at : 4;
				size_t first_rb = n_log - applied;
				assert_int_equal(count(OP_ROLLBACK, -1), applied);
				for (i = 0; i < applied; i++) {
					assert_int_equal(log_[first_rb + i].op, OP_ROLLBACK);
					assert_int_equal(log_[first_rb + i].index,
					                 applied - 1 - i);
				}
				assert_int_equal(save_calls, op == OP_SAVE ? 1 : 0);
				assert_int_equal(res.code,
				                 op == OP_SAVE ? OMACP_E_NOMEM : OMACP_E_CSP);
			}
			for (i = 0; i < 4; i++)
				if (op == OP_SAVE || i != at)
					assert_int_equal(res.chars[i].status,
					                 OMACP_CHAR_NOT_APPLIED);
		}
	}
}

static void test_positive_callback_value(void **cs)
{
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	spies[2].fail_op = OP_APPLY;
	spies[2].fail_index = 1;
	spies[2].fail_code = (omacp_err)5;
	assert_int_equal(run(three_items, OMACP_ROLE_MANAGER), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_CALLBACK);
	assert_string_equal(res.reason,
	                    "rejected: X: apply failed with error -7 (roles 0x8)");
	assert_int_equal(count(OP_ROLLBACK, -1), 1);
}

static void test_unknown_types(void **cs)
{
	omacp_policy_opts o;
	static const char xml[] =
		W("<characteristic type=\"X\"/><characteristic type=\"Locale\">"
		  "<parm name=\"a\" value=\"1\"/></characteristic>");
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(xml, OMACP_ROLES_ALL), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_CSP_UNKNOWN);
	assert_string_equal(res.reason,
	                    "rejected: Locale: no CSP registered for this type");
	assert_int_equal(res.chars[1].status, OMACP_CHAR_REJECTED);
	assert_int_equal(res.chars[0].status, OMACP_CHAR_NOT_APPLIED);
	assert_int_equal(count(OP_APPLY, -1), 0);
	memset(&o, 0, sizeof o);
	o.flags = OMACP_OPT_UNKNOWN_IGNORE;
	setup(OMACP_PROFILE_WM65, &o, 0);
	assert_int_equal(run(xml, OMACP_ROLES_ALL), OMACP_ACCEPTED);
	assert_int_equal(res.chars[0].status, OMACP_CHAR_APPLIED);
	assert_int_equal(res.chars[1].status, OMACP_CHAR_IGNORED);
	assert_int_equal(count(OP_APPLY, -1), 1);
}

static void test_dropped_item_ignored(void **cs)
{
	/* the NAPDEF's NAME "GONE" defines no NAPID, wherever it stands */
	static const char *const naps[2] = {
		NAP("N1"),
		"<characteristic type=\"NAPDEF\"><parm name=\"NAME\" value=\"GONE\"/>"
		"<parm name=\"NAPID\" value=\"N1\"/></characteristic>"
	};
	char xml[2048];
	int i;
	(void)cs;
	for (i = 0; i < 4; i++) {   /* each NAPDEF, from XML and from WBXML */
		snprintf(xml, sizeof xml, "%s%s%s", "<wap-provisioningdoc>", naps[i / 2],
		         PX("<parm name=\"TRUST\"/>", PHYS("9201612", "GONE"))
		         "</wap-provisioningdoc>");
		omacp_state_init(&old_st);
		setup(OMACP_PROFILE_WM65, NULL, 1);
		run_wbxml = i & 1;
		assert_int_equal(run(xml, OMACP_ROLES_ALL), OMACP_ACCEPTED);
		run_wbxml = 0;
		assert_int_equal(res.chars[0].status, OMACP_CHAR_APPLIED);
		assert_int_equal(res.chars[1].status, OMACP_CHAR_IGNORED);
		assert_int_equal(new_st.n_ppgs, 0);
	}
}

/* ------------------------------------------------------------ metabase */

static void test_metabase(void **cs)
{
	static const char nap_auth[] =
		W("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N\"/>"
		  "<parm name=\"NAME\" value=\"n\"/>"
		  "<characteristic type=\"NAPAUTHINFO\">"
		  "<parm name=\"AUTHTYPE\" value=\"PAP\"/></characteristic>"
		  "</characteristic>");
	static const char nap_bearer[] =
		W("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N\"/>"
		  "<parm name=\"NAME\" value=\"n\"/><parm name=\"BEARER\" value=\"G\"/>"
		  "</characteristic>");
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	/* characteristic level: NAPDEF needs one of 156 */
	assert_int_equal(run(W(NAP("N")), 0x1040), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_ROLE);
	assert_string_equal(res.reason,
	                    "rejected: NAPDEF: characteristic NAPDEF needs one of "
	                    "the roles 0x9C to write (roles 0x1040)");
	assert_int_equal(n_log, 0);
	/* more specific entry: NAPAUTHINFO needs MANAGER */
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(nap_auth, 0x1014), OMACP_REJECTED);
	assert_string_equal(res.reason,
	                    "rejected: NAPDEF: characteristic NAPAUTHINFO needs one "
	                    "of the roles 0x8 to write (roles 0x1014)");
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(nap_auth, 0x101C), OMACP_ACCEPTED);
	/* parm level entry: BEARER needs OPERATOR, even for MANAGER */
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(nap_bearer, OMACP_ROLE_MANAGER), OMACP_REJECTED);
	assert_string_equal(res.reason,
	                    "rejected: NAPDEF: parm BEARER needs one of the roles "
	                    "0x4 to write (roles 0x8)");
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(nap_bearer, OMACP_ROLE_OPERATOR), OMACP_ACCEPTED);
	/* read access of a query: BEARER readable by all, AUTHSECRET by none */
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(W("<characteristic type=\"NAPDEF\">"
	                       "<parm-query name=\"BEARER\"/></characteristic>"),
	                     OMACP_ROLE_USER_UNAUTH),
	                 OMACP_REJECTED);   /* NAPDEF itself (write 156) */
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(W("<characteristic type=\"NAPDEF\">"
	                       "<parm-query name=\"BEARER\"/></characteristic>"),
	                     OMACP_ROLE_USER_AUTH),
	                 OMACP_ACCEPTED);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(W("<characteristic type=\"NAPDEF\">"
	                       "<parm name=\"NAPID\" value=\"N\"/>"
	                       "<parm name=\"NAME\" value=\"n\"/>"
	                       "<characteristic type=\"NAPAUTHINFO\">"
	                       "<parm-query name=\"AUTHSECRET\"/></characteristic>"
	                       "</characteristic>"),
	                     OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	assert_string_equal(res.reason,
	                    "rejected: NAPDEF: parm-query AUTHSECRET needs one of the "
	                    "roles 0x0 to read (roles 0xFFFFFFFF)");
	/* wildcard step */
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(W("<characteristic type=\"NAPDEF\">"
	                       "<characteristic type=\"Z\" mwid=\"1\">"
	                       "<parm name=\"PORTNBR\" value=\"1\"/></characteristic>"
	                       "</characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_ROLE);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	assert_int_equal(run(W("<characteristic type=\"NAPDEF\">"
	                       "<characteristic type=\"Z\" mwid=\"1\">"
	                       "<parm name=\"PORTNBR\" value=\"1\"/></characteristic>"
	                       "</characteristic>"),
	                     OMACP_ROLE_MANAGER | OMACP_ROLE_OEM),
	                 OMACP_ACCEPTED);
}

/* ----------------------------------------------------------- built-ins */

static void oem_enabled(void)
{
	omacp_state_init(&old_st);
	assert_int_equal(omacp_state_policy_set(&old_st, 4119, 132), 0);
	assert_int_equal(omacp_state_policy_set(&old_st, 4143, 7296), 0);
}

static void test_seed_bootstrap_applied(void **cs)
{
	omacp_policy now;
	uint32_t roles;
	(void)cs;
	oem_enabled();
	setup(OMACP_PROFILE_WM65, NULL, 1);
	/* reference 8: 4116 -> Manager via 4119 = 132 */
	roles = omacp_policy_effective_roles(&pol, 4116);
	assert_int_equal(roles, 4124);
	assert_int_equal(run(seed_bootstrap, roles), OMACP_ACCEPTED);
	assert_int_equal(res.n_chars, 4);
	assert_int_equal(res.chars[0].status, OMACP_CHAR_APPLIED);
	assert_int_equal(res.chars[3].status, OMACP_CHAR_APPLIED);
	assert_true(new_st.flags & OMACP_STATE_F_BOOTSTRAPPED);
	assert_int_equal(new_st.n_tps, 1);
	assert_string_equal(new_st.tps[0], PROVURL);
	assert_int_equal(new_st.n_ppgs, 1);
	assert_string_equal(new_st.ppgs[0].addr, "9201612");
	assert_int_equal(new_st.ppgs[0].flags, OMACP_PPG_PUSH | OMACP_PPG_TRUSTED);
	omacp_policy_init(&now, OMACP_PROFILE_WM65, NULL, &new_st);
	assert_int_equal(omacp_policy_get(&now, 4119), 128);
	assert_int_equal(omacp_policy_get(&now, 4141), 3200);
	assert_int_equal(omacp_policy_get(&now, 4142), 3200);
	assert_int_equal(omacp_policy_get(&now, 4143), 3200);
	/* 3200 is the wm65 default: those overrides are gone */
	assert_int_equal(new_st.n_policies, 1);
	/* save_state saw exactly the new state */
	assert_int_equal(save_calls, 1);
	assert_int_equal(omacp_state_save(&new_st, blob_after, sizeof blob_after,
	                                  &len_after), 0);
	assert_int_equal(saved_len, len_after);
	assert_memory_equal(saved_blob, blob_after, len_after);
	/* the NAPDEF spy saw the NAPDEF */
	assert_int_equal(count(OP_APPLY, 0), 1);
	assert_int_equal(count(OP_COMMIT, 0), 1);

	/* without Manager (factory 4119 = 160): SecurityPolicy refuses */
	omacp_state_init(&old_st);
	assert_int_equal(omacp_state_policy_set(&old_st, 4143, 7296), 0);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	roles = omacp_policy_effective_roles(&pol, 4116);
	assert_int_equal(roles, 4116);
	assert_int_equal(run(seed_bootstrap, roles), OMACP_REJECTED);
	/* document order: the PXLOGICAL TRUST (4121 = MANAGER) fails first */
	assert_int_equal(res.code, OMACP_E_ROLE);
	assert_int_equal(res.policy, 4121);
	assert_int_equal(res.chars[0].status, OMACP_CHAR_NOT_APPLIED);
	assert_int_equal(res.chars[1].status, OMACP_CHAR_REJECTED);
	assert_int_equal(res.chars[2].status, OMACP_CHAR_NOT_APPLIED);
	assert_int_equal(count(OP_VALIDATE, -1), 0);   /* NAPDEF not reached */
	assert_int_equal(count(OP_APPLY, -1), 0);
	assert_int_equal(save_calls, 0);
	/* with 4121 widened to OPERATOR, SecurityPolicy (Manager) refuses */
	assert_int_equal(omacp_state_policy_set(&old_st, 4121, 4), 0);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(seed_bootstrap, roles), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_ROLE);
	assert_int_equal(res.policy, 4119);
	assert_string_equal(res.reason,
	                    "rejected: SecurityPolicy: policy 4119 needs one of the "
	                    "roles 0x8 to change (roles 0x1014)");
	assert_int_equal(res.chars[3].status, OMACP_CHAR_REJECTED);
	assert_int_equal(count(OP_VALIDATE, 0), 1);
	assert_int_equal(count(OP_APPLY, -1), 0);
	assert_int_equal(save_calls, 0);
}

static void test_trust_needs_4121(void **cs)
{
	static const char xml[] =
		W(NAP("N1") PX("<parm name=\"TRUST\"/>", PHYS("9201612", "N1")));
	static const char untrusted[] = W(NAP("N1") PX("", PHYS("9201612", "N1")));
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(xml, 0x1014), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_ROLE);
	assert_int_equal(res.policy, 4121);
	assert_string_equal(res.reason,
	                    "rejected: PXLOGICAL: trusted PPG needs one of the roles "
	                    "0x8 of policy 4121 (roles 0x1014)");
	/* 4121 widened to OPERATOR */
	assert_int_equal(omacp_state_policy_set(&old_st, 4121, 4), 0);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(xml, 0x1014), OMACP_ACCEPTED);
	assert_int_equal(new_st.ppgs[0].flags, OMACP_PPG_PUSH | OMACP_PPG_TRUSTED);
	/* an untrusted PPG needs no 4121 ... */
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(untrusted, 0x1014), OMACP_ACCEPTED);
	assert_int_equal(new_st.ppgs[0].flags, OMACP_PPG_PUSH);
	/* ... unless it would downgrade a stored trusted one */
	assert_int_equal(omacp_state_ppg_set(&old_st, "9201612", 7, 3), 0);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(untrusted, 0x1014), OMACP_REJECTED);
	assert_int_equal(res.policy, 4121);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(untrusted, 0x101C), OMACP_ACCEPTED);
	assert_int_equal(new_st.ppgs[0].flags, OMACP_PPG_PUSH);
	/* PUSHENABLED=0 removes the stored PPG; PXADDRTYPE IPV4 is not a PPG */
	memcpy(&old_st, &new_st, sizeof old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W(NAP("N1")
	                       "<characteristic type=\"PXLOGICAL\">"
	                       "<parm name=\"PROXY-ID\" value=\"P1\"/>"
	                       "<parm name=\"NAME\" value=\"n\"/>"
	                       "<parm name=\"PUSHENABLED\" value=\"0\"/>"
	                       "<characteristic type=\"PXPHYSICAL\">"
	                       "<parm name=\"PHYSICAL-PROXY-ID\" value=\"G\"/>"
	                       "<parm name=\"PXADDR\" value=\"9201612\"/>"
	                       "<parm name=\"PXADDRTYPE\" value=\"e164\"/>"
	                       "<parm name=\"TO-NAPID\" value=\"N1\"/></characteristic>"
	                       "<characteristic type=\"PXPHYSICAL\">"
	                       "<parm name=\"PHYSICAL-PROXY-ID\" value=\"H\"/>"
	                       "<parm name=\"PXADDR\" value=\"10.0.0.1\"/>"
	                       "<parm name=\"PXADDRTYPE\" value=\"IPV4\"/>"
	                       "<parm name=\"PUSHENABLED\" value=\"1\"/>"
	                       "<parm name=\"TO-NAPID\" value=\"N1\"/></characteristic>"
	                       "</characteristic>"),
	                     0x1014),
	                 OMACP_ACCEPTED);
	assert_int_equal(new_st.n_ppgs, 0);
	/* PXADDR too long */
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W(NAP("N1") PX("", PHYS("1234567890123456789012345", "N1"))),
	                     OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_LIMIT);
}

static void test_bootstrap_rules(void **cs)
{
	static const char second[] =
		W("<characteristic type=\"BOOTSTRAP\">"
		  "<parm name=\"PROVURL\" value=\"http://new.example/\"/>"
		  "<parm name=\"PROVURL\" value=\"wsp://new2.example/\"/>"
		  "</characteristic>");
	(void)cs;
	/* missing or bad PROVURL */
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"NAME\" value=\"x\"/></characteristic>"),
	                     OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_DOC_INVALID);
	assert_string_equal(res.reason,
	                    "rejected: BOOTSTRAP: BOOTSTRAP lacks PROVURL (roles 0xFFFFFFFF)");
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"ftp://x\"/>"
	                       "</characteristic>"),
	                     OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_DOC_INVALID);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"HTTPS://\"/>"
	                       "</characteristic>"),
	                     OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	/* BOOTSTRAP metabase: 140; USER_AUTH alone is not enough */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(second, 0x1010), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_ROLE);
	/* first bootstrap by OPERATOR */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"" PROVURL "\"/>"
	                       "</characteristic>"),
	                     0x1004),
	                 OMACP_ACCEPTED);
	assert_true(new_st.flags & OMACP_STATE_F_BOOTSTRAPPED);
	memcpy(&old_st, &new_st, sizeof old_st);
	/* a further bootstrap by OPERATOR alone: closed */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(second, 0x1014), OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_ROLE);
	assert_string_equal(res.reason,
	                    "rejected: BOOTSTRAP: already bootstrapped: needs one of "
	                    "the roles 0x88 (roles 0x1014)");
	/* by the TPS: replaces the TPS context */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(second, 0x1084), OMACP_ACCEPTED);
	assert_int_equal(new_st.n_tps, 2);
	assert_string_equal(new_st.tps[0], "http://new.example/");
	assert_string_equal(new_st.tps[1], "wsp://new2.example/");
	/* the knob: only OPERATOR needed */
	{
		omacp_policy_opts o;
		memset(&o, 0, sizeof o);
		o.rebootstrap_roles = OMACP_ROLE_OPERATOR;
		setup(OMACP_PROFILE_WM65, &o, 1);
		assert_int_equal(run(second, 0x1004), OMACP_ACCEPTED);
	}
	/* too many PROVURLs: apply fails, earlier items rolled back */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W(NAP("N") "<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"http://a/\"/>"
	                       "<parm name=\"PROVURL\" value=\"http://b/\"/>"
	                       "<parm name=\"PROVURL\" value=\"http://c/\"/>"
	                       "</characteristic>"),
	                     0x108C),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_STATE_FULL);
	assert_int_equal(count(OP_APPLY, 0), 1);
	assert_int_equal(count(OP_ROLLBACK, 0), 1);
	/* nocharacteristic is not supported */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<nocharacteristic type=\"BOOTSTRAP\"/>"), OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_UNSUPPORTED);
}

static void test_securitypolicy_rules(void **cs)
{
	omacp_policy now;
	(void)cs;
	omacp_state_init(&old_st);
	assert_int_equal(omacp_state_policy_set(&old_st, 4143, 7296), 0);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4105\" value=\"5\"/>"
	                       "<noparm name=\"4143\"/>"
	                       "<parm name=\"4119\" value=\"160\"/>"
	                       "</characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_ACCEPTED);
	omacp_policy_init(&now, OMACP_PROFILE_WM65, NULL, &new_st);
	assert_int_equal(omacp_policy_get(&now, 4105), 5);
	assert_int_equal(omacp_policy_get(&now, 4143), 0);   /* noparm: 0 */
	assert_int_equal(omacp_policy_get(&now, 4119), 160);
	assert_int_equal(new_st.n_policies, 2);              /* 160 = default */
	/* bad names and values */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"0x1017\" value=\"1\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_DOC_INVALID);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4119\" value=\"0x80\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4119\" value=\"4294967296\"/>"
	                       "</characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4105\" value=\"0\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	assert_string_equal(res.reason,
	                    "rejected: SecurityPolicy: bad value for policy 4105 "
	                    "(roles 0x8)");
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<noparm name=\"4105\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	assert_int_equal(res.code, OMACP_E_DOC_INVALID);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4119\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	/* 4120 by USER_AUTH only with the knob */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4120\" value=\"4096\"/></characteristic>"),
	                     OMACP_ROLE_USER_AUTH),
	                 OMACP_REJECTED);
	assert_int_equal(res.policy, 4120);
	{
		omacp_policy_opts o;
		memset(&o, 0, sizeof o);
		o.flags = OMACP_OPT_4120_USER_AUTH;
		setup(OMACP_PROFILE_WM65, &o, 1);
		assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
		                       "<parm name=\"4120\" value=\"4096\"/>"
		                       "</characteristic>"),
		                     OMACP_ROLE_USER_AUTH),
		                 OMACP_ACCEPTED);
	}
	/* the table fills up: the whole document is rolled back */
	{
		char xml[4096];
		size_t k, off;
		omacp_state_init(&old_st);
		off = (size_t)sprintf(xml, "<wap-provisioningdoc>"
		                      "<characteristic type=\"SecurityPolicy\">");
		for (k = 0; k <= OMACP_STATE_MAX_POLICIES; k++)
			off += (size_t)sprintf(xml + off,
			                       "<parm name=\"%u\" value=\"7\"/>",
			                       (unsigned)(5000 + k));
		sprintf(xml + off, "</characteristic></wap-provisioningdoc>");
		setup(OMACP_PROFILE_WM65, NULL, 1);
		assert_int_equal(run(xml, OMACP_ROLE_MANAGER), OMACP_REJECTED);
		assert_int_equal(res.code, OMACP_E_STATE_FULL);
		assert_int_equal(new_st.n_policies, 0);
	}
}

/* The policy change does not re-map this document's roles: Manager was
 * granted at the start and the whole document applies. */
static void test_roles_fixed_for_document(void **cs)
{
	(void)cs;
	oem_enabled();
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4119\" value=\"128\"/></characteristic>"
	                       "<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4143\" value=\"3200\"/></characteristic>"),
	                     omacp_policy_effective_roles(&pol, 4116)),
	                 OMACP_ACCEPTED);
}

static void test_chained_builtin(void **cs)
{
	omacp_csp host = OMACP_CSP("BOOTSTRAP", 0, &spy_ops, &spies[3]);
	omacp_csp chained = OMACP_CSP_BOOTSTRAP_CHAIN(&host);
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	registry[n_registry++] = chained;
	cm.n_csps = n_registry;
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"" PROVURL "\"/>"
	                       "<parm name=\"NAME\" value=\"TPS\"/></characteristic>"),
	                     0x1004),
	                 OMACP_ACCEPTED);
	assert_int_equal(count(OP_VALIDATE, 3), 1);
	assert_int_equal(count(OP_APPLY, 3), 1);
	assert_int_equal(count(OP_COMMIT, 3), 1);
	assert_string_equal(new_st.tps[0], PROVURL);
	/* the chained CSP fails apply: built-in result undone with the state */
	setup(OMACP_PROFILE_WM65, NULL, 0);
	registry[n_registry++] = chained;
	cm.n_csps = n_registry;
	spies[3].fail_op = OP_APPLY;
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"" PROVURL "\"/>"
	                       "</characteristic>"),
	                     0x1004),
	                 OMACP_REJECTED);
	assert_int_equal(new_st.n_tps, 0);
	assert_int_equal(count(OP_ROLLBACK, 3), 0);   /* it failed: no rollback */
}

/* -------------------------------------------------------- result docs */

static char out_text[8192];
static omacp_buf out_buf;
static omacp_xml_writer writer;

static void with_result_doc(void)
{
	out_buf.ptr = (uint8_t *)out_text;
	out_buf.cap = sizeof out_text - 1;
	out_buf.len = 0;
	omacp_xml_writer_init(&writer, OMACP_XML_NO_PROLOG, omacp_buf_write,
	                      &out_buf);
	cm.result_fn = omacp_xml_writer_event;
	cm.result_user = &writer;
	cm.result_doc = omacp_cm_result_doc;
}

static const char *result_text(void)
{
	assert_int_equal(omacp_xml_writer_finish(&writer), OMACP_OK);
	out_text[out_buf.len] = '\0';
	return out_text;
}

static void test_result_doc_rejected(void **cs)
{
	const char *t;
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	with_result_doc();
	assert_int_equal(run(W(NAP("N1") "<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4110\" value=\"4096\"/>"
	                       "<parm name=\"4119\" value=\"4096\"/></characteristic>"),
	                     0x1014),
	                 OMACP_REJECTED);
	t = result_text();
	assert_non_null(strstr(t, "<characteristic type=\"NAPDEF\">"));
	assert_non_null(strstr(t, "<parm name=\"4119\" value=\"4096\"/>"));
	assert_non_null(strstr(t,
	                       "<parm-error name=\"4110\" value=\"4096\" desc=\""
	                       "SecurityPolicy: policy 4110 needs one of the roles "
	                       "0x8 to change (roles 0x1014)\"/>"));
	assert_null(strstr(t, "characteristic-error"));

	/* unknown type: the characteristic becomes characteristic-error */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	with_result_doc();
	assert_int_equal(run(W("<characteristic type=\"Locale\">"
	                       "<parm name=\"a\" value=\"1\"/></characteristic>"),
	                     OMACP_ROLES_ALL),
	                 OMACP_REJECTED);
	t = result_text();
	assert_non_null(strstr(t,
	                       "<characteristic-error type=\"Locale\" desc=\"Locale: "
	                       "no CSP registered for this type\">"));
	assert_non_null(strstr(t, "</characteristic-error>"));
	assert_non_null(strstr(t, "<parm name=\"a\" value=\"1\"/>"));
}

static void test_result_doc_queries(void **cs)
{
	const char *t;
	(void)cs;
	oem_enabled();
	setup(OMACP_PROFILE_WM65, NULL, 1);
	spies[2].answer = "42";
	with_result_doc();
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4119\" value=\"128\"/>"
	                       "<parm-query name=\"4119\"/>"
	                       "<parm-query name=\"4143\"/>"
	                       "<parm-query name=\"4142\"/>"
	                       "</characteristic>"
	                       "<characteristic type=\"BOOTSTRAP\">"
	                       "<parm-query name=\"PROVURL\"/></characteristic>"
	                       "<characteristic type=\"X\">"
	                       "<parm-query name=\"x\"/></characteristic>"
	                       "<characteristic-query type=\"X\"/>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_REJECTED);
	/* BOOTSTRAP without PROVURL is invalid: check reason then retry without */
	assert_int_equal(res.code, OMACP_E_DOC_INVALID);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	spies[2].answer = "42";
	with_result_doc();
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm name=\"4119\" value=\"128\"/>"
	                       "<parm-query name=\"4119\"/>"
	                       "<parm-query name=\"4143\"/>"
	                       "<parm-query name=\"4142\"/>"
	                       "</characteristic>"
	                       "<characteristic type=\"X\">"
	                       "<parm-query name=\"x\"/></characteristic>"
	                       "<characteristic-query type=\"X\"/>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_ACCEPTED);
	t = result_text();
	/* answered from the new state */
	assert_non_null(strstr(t, "<parm name=\"4119\" value=\"128\"/>\n"
	                          "    <parm name=\"4119\" value=\"128\"/>"));
	assert_non_null(strstr(t, "<parm name=\"4143\" value=\"7296\"/>"));
	assert_non_null(strstr(t, "<parm name=\"4142\" value=\"3200\"/>"));
	assert_non_null(strstr(t, "<parm name=\"x\" value=\"42\"/>"));
	/* characteristic-query with no answer: nocharacteristic */
	assert_non_null(strstr(t, "<nocharacteristic type=\"X\"/>"));
	assert_null(strstr(t, "-query"));
	assert_int_equal(count(OP_QUERY, 2), 2);
	assert_int_equal(res.chars[2].status, OMACP_CHAR_APPLIED);

	/* a query the CSP fails, and one with no value */
	setup(OMACP_PROFILE_WM65, NULL, 1);
	with_result_doc();
	assert_int_equal(run(W("<characteristic type=\"X\">"
	                       "<parm-query name=\"x\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_ACCEPTED);
	t = result_text();
	assert_non_null(strstr(t, "<noparm name=\"x\"/>"));
	setup(OMACP_PROFILE_WM65, NULL, 1);
	spies[2].fail_op = OP_QUERY;
	with_result_doc();
	assert_int_equal(run(W("<characteristic type=\"X\">"
	                       "<parm-query name=\"x\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_ACCEPTED);
	t = result_text();
	assert_non_null(strstr(t, "<parm-query-error name=\"x\" desc=\"query failed\"/>"));
	/* BOOTSTRAP PROVURL query */
	memcpy(&old_st, &new_st, sizeof old_st);
	assert_int_equal(omacp_state_tps_add(&old_st, PROVURL, strlen(PROVURL)), 0);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	with_result_doc();
	assert_int_equal(run(W("<characteristic type=\"BOOTSTRAP\">"
	                       "<parm name=\"PROVURL\" value=\"" PROVURL "\"/>"
	                       "<parm-query name=\"PROVURL\"/></characteristic>"),
	                     OMACP_ROLE_MANAGER),
	                 OMACP_ACCEPTED);
	t = result_text();
	assert_non_null(strstr(t, "<parm name=\"PROVURL\" value=\"" PROVURL "\"/>\n"
	                          "    <parm name=\"PROVURL\" value=\"" PROVURL "\"/>"));
}

/* Queries need the right roles too (SecurityPolicy checks them itself). */
static void test_query_roles(void **cs)
{
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 1);
	assert_int_equal(run(W("<characteristic type=\"SecurityPolicy\">"
	                       "<parm-query name=\"4119\"/></characteristic>"),
	                     0x1014),
	                 OMACP_REJECTED);
	assert_string_equal(res.reason,
	                    "rejected: SecurityPolicy: policy 4119 needs one of the "
	                    "roles 0x8 to read (roles 0x1014)");
}

static void test_bad_args(void **cs)
{
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	parse(W(""));
	assert_int_equal(omacp_cm_process(&cm, &doc, 8, &old_st, &old_st, &res),
	                 OMACP_E_ARG);
	assert_int_equal(omacp_cm_process(&cm, NULL, 8, &old_st, &new_st, &res),
	                 OMACP_E_ARG);
	assert_int_equal(omacp_cm_process(NULL, &doc, 8, &old_st, &new_st, &res),
	                 OMACP_E_ARG);
	assert_int_equal(omacp_cm_process(&cm, &doc, 8, &old_st, &new_st, &res),
	                 OMACP_ACCEPTED);
	assert_int_equal(res.n_chars, 0);
	assert_null(omacp_cm_find(&cm, omacp_node_type(doc.root)));
}

/* More items than the result records: all are processed, counted. */
static void test_many_items(void **cs)
{
	char xml[8192];
	size_t k, off;
	(void)cs;
	omacp_state_init(&old_st);
	setup(OMACP_PROFILE_WM65, NULL, 0);
	off = (size_t)sprintf(xml, "<wap-provisioningdoc>");
	for (k = 0; k < OMACP_RESULT_MAX_CHARS + 5; k++)
		off += (size_t)sprintf(xml + off, "<characteristic type=\"X\"/>");
	sprintf(xml + off, "</wap-provisioningdoc>");
	spies[2].fail_op = OP_APPLY;
	spies[2].fail_index = OMACP_RESULT_MAX_CHARS + 3;
	assert_int_equal(run(xml, OMACP_ROLE_MANAGER), OMACP_REJECTED);
	assert_int_equal(res.n_chars, OMACP_RESULT_MAX_CHARS);
	assert_int_equal(res.n_chars_total, OMACP_RESULT_MAX_CHARS + 5);
	assert_int_equal(count(OP_ROLLBACK, 2), OMACP_RESULT_MAX_CHARS + 3);
}


/* Random trees over the PROV vocabulary: never a crash (run under the
 * sanitizers), and the all-or-nothing invariants hold for every outcome. */
static uint32_t rng = 12345u;
static unsigned rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (unsigned)((rng >> 16) % n);
}

static void random_doc(void)
{
	static const char *const types[] = { "BOOTSTRAP", "PXLOGICAL", "PXPHYSICAL",
		"NAPDEF", "SecurityPolicy", "X", "PORT", "APPLICATION" };
	static const char *const names[] = { "PROVURL", "PXADDR", "PXADDRTYPE",
		"TRUST", "PUSHENABLED", "TO-NAPID", "NAPID", "NAME", "PROXY-ID",
		"PHYSICAL-PROXY-ID", "4119", "4105", "TO-PROXY", "APPID", "PORTNBR" };
	static const char *const values[] = { "E164", "1", "0", "9201612",
		"http://x/", "SMS NAP", "INTERNET", "P1", "abc", "128" };
	static const omacp_elem elems[] = { OMACP_ELEM_CHARACTERISTIC,
		OMACP_ELEM_CHARACTERISTIC, OMACP_ELEM_PARM, OMACP_ELEM_PARM,
		OMACP_ELEM_PARM, OMACP_ELEM_PARM_QUERY, OMACP_ELEM_NOPARM,
		OMACP_ELEM_CHARACTERISTIC_QUERY, OMACP_ELEM_NOCHARACTERISTIC };
	omacp_doc_builder b;
	omacp_event ev;
	omacp_attr a[2];
	omacp_elem stack[8];
	unsigned depth = 0, steps = 1 + rnd(30), k;
	omacp_doc_builder_init(&b, &doc, arena, sizeof arena);
	memset(&ev, 0, sizeof ev);
	ev.kind = OMACP_EV_START;
	ev.elem = OMACP_ELEM_DOC;
	assert_int_equal(omacp_doc_builder_event(&b, &ev), 0);
	stack[0] = OMACP_ELEM_DOC;
	for (k = 0; k < steps; k++) {
		if (depth > 0 && (rnd(3) == 0 || depth >= 5 ||
		                  (stack[depth] != OMACP_ELEM_CHARACTERISTIC &&
		                   rnd(8) != 0))) {
			ev.kind = OMACP_EV_END;
			ev.elem = stack[depth];
			ev.depth = depth--;
			ev.n_attrs = 0;
			ev.attrs = NULL;
			assert_int_equal(omacp_doc_builder_event(&b, &ev), 0);
			continue;
		}
		ev.kind = OMACP_EV_START;
		ev.elem = elems[rnd(sizeof elems / sizeof elems[0])];
		if (depth == 0 && rnd(8) != 0)
			ev.elem = OMACP_ELEM_CHARACTERISTIC;
		ev.depth = ++depth;
		stack[depth] = ev.elem;
		ev.n_attrs = 0;
		ev.attrs = a;
		if (rnd(20) != 0) {
			const char *v = (ev.elem == OMACP_ELEM_CHARACTERISTIC ||
			                 ev.elem == OMACP_ELEM_CHARACTERISTIC_QUERY ||
			                 ev.elem == OMACP_ELEM_NOCHARACTERISTIC)
			                    ? types[rnd(8)] : names[rnd(15)];
			a[0].name.ptr = (const uint8_t *)(ev.elem == OMACP_ELEM_CHARACTERISTIC ||
			                 ev.elem == OMACP_ELEM_CHARACTERISTIC_QUERY ||
			                 ev.elem == OMACP_ELEM_NOCHARACTERISTIC ? "type" : "name");
			a[0].name.len = 4;
			a[0].value.ptr = (const uint8_t *)v;
			a[0].value.len = strlen(v);
			ev.n_attrs = 1;
		}
		if (ev.elem == OMACP_ELEM_PARM && rnd(4) != 0) {
			const char *v = values[rnd(10)];
			a[ev.n_attrs].name.ptr = (const uint8_t *)"value";
			a[ev.n_attrs].name.len = 5;
			a[ev.n_attrs].value.ptr = (const uint8_t *)v;
			a[ev.n_attrs].value.len = strlen(v);
			ev.n_attrs++;
		}
		assert_int_equal(omacp_doc_builder_event(&b, &ev), 0);
	}
	while (depth > 0) {
		ev.kind = OMACP_EV_END;
		ev.elem = stack[depth];
		ev.depth = depth--;
		ev.n_attrs = 0;
		ev.attrs = NULL;
		assert_int_equal(omacp_doc_builder_event(&b, &ev), 0);
	}
	ev.kind = OMACP_EV_END;
	ev.elem = OMACP_ELEM_DOC;
	ev.depth = 0;
	assert_int_equal(omacp_doc_builder_event(&b, &ev), 0);
	assert_int_equal(omacp_doc_builder_finish(&b), 0);
}

static void test_random_documents(void **cs)
{
	unsigned it, accepted = 0, wbxml_runs = 0;
	uint32_t roles;
	(void)cs;
	for (it = 0; it < 3000; it++) {
		omacp_err e;
		omacp_policy_opts o;
		memset(&o, 0, sizeof o);
		o.flags = rnd(2) ? OMACP_OPT_UNKNOWN_IGNORE : 0;
		oem_enabled();
		if (rnd(2))
			old_st.flags = OMACP_STATE_F_BOOTSTRAPPED;
		setup(OMACP_PROFILE_WM65, &o, 1);
		spies[2].answer = "v";
		if (rnd(4) == 0) {
			spies[2].fail_op = (int)rnd(3);
			spies[2].fail_index = rnd(4);
		}
		with_result_doc();
		random_doc();
		assert_int_equal(omacp_state_save(&old_st, blob_before,
		                                  sizeof blob_before, &len_before), 0);
		memcpy(&new_st, &old_st, sizeof new_st);
		roles = rnd(2) ? OMACP_ROLES_ALL : 0x1014;
		e = omacp_cm_process(&cm, &doc, roles, &old_st, &new_st, &res);
		assert_true(e == OMACP_ACCEPTED || e == OMACP_REJECTED);
		assert_int_equal(omacp_state_save(&old_st, blob_after, sizeof blob_after,
		                                  &len_after), 0);
		assert_memory_equal(blob_before, blob_after, len_before);
		if (e == OMACP_REJECTED) {
			assert_memory_equal(&new_st, &old_st, sizeof old_st);
			size_t i, failed_apply = 0;
			for (i = 0; i < n_log; i++)
				if (log_[i].op == OP_APPLY && log_[i].csp == 2 &&
				    spies[2].fail_op == OP_APPLY &&
				    log_[i].index == spies[2].fail_index)
					failed_apply = 1;
			/* every successful apply rolled back exactly once */
			assert_int_equal(count(OP_APPLY, -1) - failed_apply,
			                 count(OP_ROLLBACK, -1));
			assert_int_equal(count(OP_COMMIT, -1), 0);
		} else {
			accepted++;
			assert_int_equal(count(OP_ROLLBACK, -1), 0);
			assert_int_equal(count(OP_COMMIT, -1), count(OP_APPLY, -1));
			assert_int_equal(save_calls, 1);
		}
		assert_int_equal(omacp_xml_writer_finish(&writer), OMACP_OK);
		/* the same tree decoded from WBXML: the same outcome, CSP calls,
		 * new state and result document */
		if (via_wbxml() > 0) {
			static rec log1[256];
			static char text1[sizeof out_text];
			static omacp_state st1;
			omacp_result r1 = res;
			size_t n1 = n_log, t1 = out_buf.len;
			omacp_err e2;
			memcpy(log1, log_, sizeof log1);
			memcpy(text1, out_text, t1);
			memcpy(&st1, &new_st, sizeof st1);
			n_log = 0;
			save_calls = 0;
			omacp_result_init(&res);
			with_result_doc();
			memcpy(&new_st, &old_st, sizeof new_st);
			e2 = omacp_cm_process(&cm, &doc, roles, &old_st, &new_st, &res);
			assert_int_equal(e2, e);
			assert_int_equal(res.code, r1.code);
			assert_string_equal(res.reason, r1.reason);
			assert_int_equal(n_log, n1);
			assert_memory_equal(log_, log1, n1 * sizeof log_[0]);
			assert_memory_equal(&new_st, &st1, sizeof st1);
			assert_int_equal(omacp_xml_writer_finish(&writer), OMACP_OK);
			assert_int_equal(out_buf.len, t1);
			assert_memory_equal(out_text, text1, t1);
			wbxml_runs++;
		}
	}
	print_message("random documents: %u of 3000 accepted, %u also from WBXML\n",
	              accepted, wbxml_runs);
	assert_true(accepted > 100);
	assert_true(wbxml_runs > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provcont_valid),
		cmocka_unit_test(test_provcont_rejects),
		cmocka_unit_test(test_provcont_drops),
		cmocka_unit_test(test_dispatch_success),
		cmocka_unit_test(test_dispatch_failure_everywhere),
		cmocka_unit_test(test_positive_callback_value),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_dropped_item_ignored),
		cmocka_unit_test(test_metabase),
		cmocka_unit_test(test_seed_bootstrap_applied),
		cmocka_unit_test(test_trust_needs_4121),
		cmocka_unit_test(test_bootstrap_rules),
		cmocka_unit_test(test_securitypolicy_rules),
		cmocka_unit_test(test_roles_fixed_for_document),
		cmocka_unit_test(test_chained_builtin),
		cmocka_unit_test(test_result_doc_rejected),
		cmocka_unit_test(test_result_doc_queries),
		cmocka_unit_test(test_query_roles),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_many_items),
		cmocka_unit_test(test_random_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
