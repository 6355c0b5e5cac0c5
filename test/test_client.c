/*
 * The handset pipeline (client.h) through the seed scenario of issue 5:
 * a new wm65 handset, the OEM enables OTA bootstrap, the operator's
 * bootstrap (USERNETWPIN, several SMS, from the PPG 9201612) is accepted with
 * Manager, then continuous provisioning from the TPS through the PPG
 * (USERPIN, Push-Flag 1, initiator = PROVURL) is accepted with OPERATOR_TPS
 * and Manager, and every negative case is rejected with the state blob
 * byte-identical and no CSP applying anything (spy CSPs count every call).
 *
 * The messages are built in the test with the sending side of the library
 * (WBXML encoder, signer, WSP push encoder, SMS segmenter); what is checked
 * is the device's verdict, roles, reason and state, not those bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "omacp/client.h"

#define IMSI "001010123456789"
#define BOOT_PIN "1234"
#define TPS_PIN "2468"
#define PPG "9201612"
#define PROVURL "http://tps.example.com/provisioning"
#define STRANGER "15551234"

/* ------------------------------------------------------------ documents */

/* A document as a list of lines: "C TYPE" opens a characteristic, "P NAME"
 * or "P NAME=VALUE" is a parm, "E" closes the characteristic. NULL ends. */
static const char *const boot_doc[] = {
	"C BOOTSTRAP", "P PROVURL=" PROVURL, "E",
	"C PXLOGICAL", "P NAME=WAP Push Gateway", "P PROXY-ID=ppg.example.com", "P TRUST",
	"C PXPHYSICAL", "P PHYSICAL-PROXY-ID=Push Gateway 1", "P PXADDR=" PPG,
	"P PXADDRTYPE=E164", "P PUSHENABLED=1", "P TO-NAPID=SMS NAP", "E", "E",
	"C NAPDEF", "P NAPID=SMS NAP", "P NAME=SMS Connection",
	"P NAP-ADDRESS=+12345550150", "P BEARER=GSM-SMS", "E",
	"C SecurityPolicy", "P 4119=128", "P 4141=3200", "P 4142=3200", "P 4143=3200", "E",
	NULL};

static const char *const tps_doc[] = {
	"C NAPDEF", "P NAPID=GPRS NAP", "P NAME=Operator Internet", "P BEARER=GSM-GPRS",
	"P NAP-ADDRESS=internet.example.com", "P NAP-ADDRTYPE=APN",
	"C NAPAUTHINFO", "P AUTHTYPE=PAP", "P AUTHNAME=web", "P AUTHSECRET=web", "E", "E",
	"C APPLICATION", "P APPID=w2", "P NAME=Operator Portal", "P TO-NAPID=GPRS NAP", "E",
	NULL};

static const char *const tps_doc2[] = {
	"C NAPDEF", "P NAPID=GPRS NAP 2", "P NAME=Second APN", "P BEARER=GSM-GPRS",
	"P NAP-ADDRESS=apn2.example.com", "P NAP-ADDRTYPE=APN", "E",
	NULL};

static const char *const tps_doc3[] = {
	"C NAPDEF", "P NAPID=GPRS NAP 3", "P NAME=Third APN", "P BEARER=GSM-GPRS",
	"P NAP-ADDRESS=apn3.example.com", "P NAP-ADDRTYPE=APN", "E",
	NULL};

/* Needs MANAGER (SecurityPolicy): proves the grant of 4119. */
static const char *const tps_policy_doc[] = {
	"C SecurityPolicy", "P 4105=5", "E",
	NULL};

static void emit(omacp_wbxml_encoder *enc, omacp_event_kind k, omacp_elem el,
                 unsigned depth, omacp_attr *a, size_t na)
{
	omacp_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = k;
	ev.elem = el;
	ev.depth = depth;
	ev.n_attrs = na;
	ev.attrs = na ? a : NULL;
	assert_int_equal(omacp_wbxml_encoder_event(enc, &ev), OMACP_OK);
}

static omacp_slice sl(const char *s, size_t n)
{
	omacp_slice x;
	x.ptr = (const uint8_t *)s;
	x.len = n;
	return x;
}

static size_t encode_doc(const char *const *lines, uint8_t *out, size_t cap)
{
	omacp_wbxml_encoder enc;
	omacp_attr a[2];
	unsigned depth = 0;
	size_t len = 0, i;

	omacp_wbxml_encoder_init(&enc, out, cap, NULL, 0, 0);
	a[0].name = sl("version", 7);
	a[0].value = sl("1.1", 3);
	emit(&enc, OMACP_EV_START, OMACP_ELEM_DOC, depth++, a, 1);
	for (i = 0; lines[i]; i++) {
		const char *s = lines[i] + 2;
		if (lines[i][0] == 'C') {
			a[0].name = sl("type", 4);
			a[0].value = sl(s, strlen(s));
			emit(&enc, OMACP_EV_START, OMACP_ELEM_CHARACTERISTIC, depth++, a, 1);
		} else if (lines[i][0] == 'E') {
			emit(&enc, OMACP_EV_END, OMACP_ELEM_CHARACTERISTIC, --depth, NULL, 0);
		} else {
			const char *eq = strchr(s, '=');
			size_t na = 1;
			a[0].name = sl("name", 4);
			a[0].value = sl(s, eq ? (size_t)(eq - s) : strlen(s));
			if (eq) {
				a[1].name = sl("value", 5);
				a[1].value = sl(eq + 1, strlen(eq + 1));
				na = 2;
			}
			emit(&enc, OMACP_EV_START, OMACP_ELEM_PARM, depth, a, na);
			emit(&enc, OMACP_EV_END, OMACP_ELEM_PARM, depth, NULL, 0);
		}
	}
	emit(&enc, OMACP_EV_END, OMACP_ELEM_DOC, --depth, NULL, 0);
	assert_int_equal(omacp_wbxml_encoder_finish(&enc, &len), OMACP_OK);
	return len;
}

/* ------------------------------------------------------------ messages */

typedef struct msg {
	size_t n;
	uint8_t ud[32][OMACP_SMS_UD_MAX];
	size_t len[32];
} msg;

static omacp_err collect(void *user, unsigned index, unsigned total,
                         const uint8_t *udh, size_t udh_len,
                         const uint8_t *payload, size_t payload_len)
{
	msg *m = user;
	(void)index;
	(void)total;
	assert_true(m->n < 32);
	memcpy(m->ud[m->n], udh, udh_len);
	memcpy(m->ud[m->n] + udh_len, payload, payload_len);
	m->len[m->n++] = udh_len + payload_len;
	return OMACP_OK;
}

static uint8_t next_ref = 1;

/* Build the SMS of one push: body (already encoded), SEC method (-1
 * unsigned), signing secrets, initiator (or NULL), Push-Flag (0 none),
 * well-known content type (0 = WBXML). */
static void make_raw(msg *m, const uint8_t *body, size_t blen, int sec,
                     const char *imsi, const char *pin, const char *initiator,
                     int push_flag, int ct)
{
	omacp_push_params pp;
	omacp_seg_params sp;
	char mac[OMACP_MAC_HEX_LEN + 1];
	uint8_t pdu[4096];
	size_t plen = 0;

	omacp_push_params_init(&pp);
	if (ct)
		pp.content_type_code = ct;
	if (sec >= 0) {
		assert_int_equal(omacp_sec_sign((omacp_sec)sec, imsi, pin, body, blen, mac), OMACP_OK);
		pp.sec = sec;
		pp.mac = mac;
	}
	pp.initiator = initiator;
	pp.push_flag = push_flag;
	assert_int_equal(omacp_push_encode(&pp, body, blen, pdu, sizeof pdu, &plen), OMACP_OK);
	memset(&sp, 0, sizeof sp);
	sp.ref = next_ref++;
	m->n = 0;
	assert_int_equal(omacp_sms_segment(pdu, plen, &sp, collect, m), OMACP_OK);
}

static void make(msg *m, const char *const *doc, int sec, const char *imsi,
                 const char *pin, const char *initiator, int push_flag)
{
	uint8_t body[2048];
	size_t blen = encode_doc(doc, body, sizeof body);
	make_raw(m, body, blen, sec, imsi, pin, initiator, push_flag, 0);
}

/* ------------------------------------------------------------ the host */

typedef struct host {
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	size_t len;
	int saves;
	int fail;                 /* make save_state fail */
} host;

static omacp_err host_save(void *user, const uint8_t *blob, size_t len)
{
	host *h = user;
	if (h->fail)
		return OMACP_E_CALLBACK;
	assert_true(len <= sizeof h->blob);
	memcpy(h->blob, blob, len);
	h->len = len;
	h->saves++;
	return OMACP_OK;
}

typedef struct spy {
	int validate, apply, commit, rollback;
} spy;

static omacp_err spy_validate(void *user, omacp_csp_call *call)
{
	(void)call;
	((spy *)user)->validate++;
	return OMACP_OK;
}
static omacp_err spy_apply(void *user, omacp_csp_call *call)
{
	(void)call;
	((spy *)user)->apply++;
	return OMACP_OK;
}
static omacp_err spy_commit(void *user, omacp_csp_call *call)
{
	(void)call;
	((spy *)user)->commit++;
	return OMACP_OK;
}
static void spy_rollback(void *user, omacp_csp_call *call)
{
	(void)call;
	((spy *)user)->rollback++;
}
static const omacp_csp_ops spy_ops = {spy_validate, spy_apply, spy_commit, spy_rollback, NULL};

enum { S_BOOT, S_PXL, S_SECPOL, S_NAPDEF, S_APP, S_N };
static spy spies[S_N];
static const omacp_csp spy_boot = OMACP_CSP("BOOTSTRAP", OMACP_ROLES_ALL, &spy_ops, &spies[S_BOOT]);
static const omacp_csp spy_pxl = OMACP_CSP("PXLOGICAL", OMACP_ROLES_ALL, &spy_ops, &spies[S_PXL]);
static const omacp_csp spy_secpol = OMACP_CSP("SecurityPolicy", OMACP_ROLES_ALL, &spy_ops, &spies[S_SECPOL]);

static const omacp_csp registry[] = {
	OMACP_CSP_BOOTSTRAP_CHAIN(&spy_boot),
	OMACP_CSP_PXLOGICAL_CHAIN(&spy_pxl),
	OMACP_CSP_SECURITYPOLICY_CHAIN(&spy_secpol),
	OMACP_CSP("NAPDEF", OMACP_ROLE_MANAGER | OMACP_ROLE_OPERATOR | OMACP_ROLE_OPERATOR_TPS |
	                        OMACP_ROLE_USER_AUTH, &spy_ops, &spies[S_NAPDEF]),
	OMACP_CSP("APPLICATION", OMACP_ROLE_MANAGER | OMACP_ROLE_OPERATOR | OMACP_ROLE_OPERATOR_TPS,
	          &spy_ops, &spies[S_APP]),
};

static int spy_applied(void)
{
	int i, n = 0;
	for (i = 0; i < S_N; i++)
		n += spies[i].apply + spies[i].commit;
	return n;
}

/* Everything a handset is: context, workspace, host storage. */
typedef struct handset {
	omacp_client c;
	uint8_t work[OMACP_CLIENT_WORK_BYTES_XML(3, 16)];
	host h;
} handset;

static handset *hs_new(const uint8_t *blob, size_t len, omacp_err expect)
{
	handset *d = calloc(1, sizeof *d);
	omacp_client_config cfg;
	omacp_client_config_init(&cfg);
	cfg.profile = OMACP_PROFILE_WM65;
	cfg.imsi = IMSI;
	cfg.csps = registry;
	cfg.n_csps = sizeof registry / sizeof registry[0];
	cfg.slots = 3;
	cfg.segs = 16;
	cfg.save_state = host_save;
	cfg.user = &d->h;
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work, blob, len), expect);
	if (blob && len) {
		memcpy(d->h.blob, blob, len);
		d->h.len = len;
	}
	return d;
}

/* The OEM's factory state: wm65 with 4119 = 132 and 4143 = 7296. */
static size_t oem_blob(uint8_t *out, size_t cap)
{
	omacp_state st;
	size_t len = 0;
	omacp_state_init(&st);
	assert_int_equal(omacp_state_policy_set(&st, 4119, 132), OMACP_OK);
	assert_int_equal(omacp_state_policy_set(&st, 4143, 7296), OMACP_OK);
	assert_int_equal(omacp_state_save(&st, out, cap, &len), OMACP_OK);
	return len;
}

/* Feed every SMS of m; all but the last must give MORE. */
static omacp_err feed(handset *d, const msg *m, const char *from)
{
	size_t i;
	omacp_err e = OMACP_E_STATE;
	for (i = 0; i < m->n; i++) {
		e = omacp_client_sms(&d->c, from, m->ud[i], m->len[i], 1000u + (uint32_t)i);
		if (i + 1 < m->n)
			assert_int_equal(e, OMACP_MORE);
	}
	return e;
}

static size_t blob_of(handset *d, uint8_t *out)
{
	size_t len = 0;
	assert_int_equal(omacp_client_state_blob(&d->c, out, OMACP_STATE_BLOB_MAX, &len), OMACP_OK);
	return len;
}

static size_t blob_of_c(const omacp_client *c, uint8_t *out)
{
	size_t len = 0;
	assert_int_equal(omacp_client_state_blob(c, out, OMACP_STATE_BLOB_MAX, &len), OMACP_OK);
	return len;
}

static uint32_t policy_now(handset *d, uint32_t id)
{
	omacp_policy p;
	omacp_policy_init(&p, OMACP_PROFILE_WM65, NULL, omacp_client_state(&d->c));
	return omacp_policy_get(&p, id);
}

/* Run a message that must be rejected: state blob byte-identical, no save,
 * no CSP applied anything.  Returns the result. */
static const omacp_result *expect_reject(handset *d, const msg *m, const char *from,
                                         omacp_err code, const char *needle)
{
	uint8_t before[OMACP_STATE_BLOB_MAX], after[OMACP_STATE_BLOB_MAX];
	size_t lb = blob_of(d, before), la;
	int saves = d->h.saves, applied = spy_applied();
	const omacp_result *r;

	assert_int_equal(feed(d, m, from), OMACP_REJECTED);
	r = omacp_client_result(&d->c);
	assert_int_equal(r->verdict, OMACP_REJECTED);
	assert_int_equal(r->code, code);
	assert_false(r->manager);
	if (needle && !strstr(r->reason, needle))
		fail_msg("reason '%s' lacks '%s'", r->reason, needle);
	assert_true(strncmp(r->reason, "rejected", 8) == 0);
	la = blob_of(d, after);
	assert_int_equal(la, lb);
	assert_memory_equal(after, before, lb);
	assert_int_equal(d->h.saves, saves);
	assert_int_equal(spy_applied(), applied);
	return r;
}

/* Bootstrap a fresh OEM-enabled handset (steps 1-2 of the scenario). */
static handset *bootstrapped(void)
{
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	size_t len = oem_blob(blob, sizeof blob);
	handset *d = hs_new(blob, len, OMACP_OK);
	msg m;
	make(&m, boot_doc, OMACP_SEC_USERNETWPIN, IMSI, BOOT_PIN, NULL, 0);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, BOOT_PIN, 2000), OMACP_ACCEPTED);
	return d;
}

/* ------------------------------------------------------------ tests */

static void test_factory_rejects_bootstrap(void **st)
{
	handset *d = hs_new(NULL, 0, OMACP_OK);
	msg m;
	(void)st;
	make(&m, boot_doc, OMACP_SEC_USERNETWPIN, IMSI, BOOT_PIN, NULL, 0);
	/* a wm65 phone as shipped: 4143 = 3200 refuses it before any PIN */
	expect_reject(d, &m, PPG, OMACP_E_POLICY, "policy 4143");
	assert_int_equal(d->h.saves, 0);
	free(d);
}

static void test_bootstrap(void **st)
{
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	size_t len = oem_blob(blob, sizeof blob), i;
	handset *d = hs_new(blob, len, OMACP_OK);
	const omacp_result *r;
	const omacp_state *s;
	const omacp_state_ppg *ppg;
	msg m;
	(void)st;
	memset(spies, 0, sizeof spies);
	make(&m, boot_doc, OMACP_SEC_USERNETWPIN, IMSI, BOOT_PIN, NULL, 0);
	assert_true(m.n >= 2);   /* several SMS */
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	r = omacp_client_result(&d->c);
	assert_int_equal(r->verdict, OMACP_NEED_PIN);
	assert_int_equal(r->pin_attempts_left, 3);
	assert_int_equal(r->sec, OMACP_SEC_USERNETWPIN);
	assert_true(omacp_client_pending(&d->c));
	assert_int_equal(d->h.saves, 1);      /* the pending message is saved */
	assert_int_equal(spy_applied(), 0);

	assert_int_equal(omacp_client_pin(&d->c, BOOT_PIN, 2000), OMACP_ACCEPTED);
	r = omacp_client_result(&d->c);
	assert_int_equal(r->verdict, OMACP_ACCEPTED);
	assert_true(r->manager);
	/* ANY_PUSH_SOURCE | OPERATOR | USER_AUTH, MANAGER granted by 4119 = 132 */
	assert_int_equal(r->base_roles, 0x1014);
	assert_int_equal(r->roles, 0x101C);
	assert_int_equal(r->n_chars, 4);
	for (i = 0; i < r->n_chars; i++)
		assert_int_equal(r->chars[i].status, OMACP_CHAR_APPLIED);
	assert_string_equal(r->chars[0].type, "BOOTSTRAP");
	assert_string_equal(r->chars[3].type, "SecurityPolicy");
	assert_false(omacp_client_pending(&d->c));
	for (i = 0; i < S_N; i++) {
		assert_int_equal(spies[i].apply, i == S_APP ? 0 : 1);
		assert_int_equal(spies[i].commit, i == S_APP ? 0 : 1);
		assert_int_equal(spies[i].rollback, 0);
	}

	/* the state now holds the TPS, the trusted PPG, the new policies */
	s = omacp_client_state(&d->c);
	assert_true(s->flags & OMACP_STATE_F_BOOTSTRAPPED);
	assert_int_equal(s->n_tps, 1);
	assert_string_equal(s->tps[0], PROVURL);
	ppg = omacp_state_ppg_find(s, PPG, strlen(PPG));
	assert_non_null(ppg);
	assert_int_equal(ppg->flags, OMACP_PPG_PUSH | OMACP_PPG_TRUSTED);
	assert_int_equal(policy_now(d, 4119), 128);
	assert_int_equal(policy_now(d, 4141), 3200);
	assert_int_equal(policy_now(d, 4142), 3200);
	assert_int_equal(policy_now(d, 4143), 3200);
	assert_int_equal(s->n_replay, 1);
	assert_int_equal(s->pending_len, 0);

	/* the host holds exactly the state in force */
	{
		uint8_t cur[OMACP_STATE_BLOB_MAX];
		size_t n = blob_of(d, cur);
		assert_int_equal(n, d->h.len);
		assert_memory_equal(cur, d->h.blob, n);
	}
	free(d);
}

static void test_tps_continuous(void **st)
{
	handset *d = bootstrapped();
	const omacp_result *r;
	msg m;
	(void)st;
	memset(spies, 0, sizeof spies);
	make(&m, tps_doc, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, TPS_PIN, 3000), OMACP_ACCEPTED);
	r = omacp_client_result(&d->c);
	/* ANY|KNOWN|TRUSTED|PPG_AUTH|OPERATOR_TPS|USER_AUTH = 0x1790, + MANAGER */
	assert_int_equal(r->base_roles, 0x1790);
	assert_true(r->roles & OMACP_ROLE_OPERATOR_TPS);
	assert_true(r->manager);
	assert_int_equal(r->roles, 0x1798);
	/* the policy's line as policy.h documents it, written only when the
	 * Configuration Manager has accepted too (not its own line) */
	assert_string_equal(r->reason, "accepted: USERPIN message from " PPG
	                    " allowed by policy 4142 (roles 0x1790, final 0x1798)");
	assert_int_equal(spies[S_NAPDEF].commit, 1);
	assert_int_equal(spies[S_APP].commit, 1);

	/* Manager from the TPS may change policies */
	make(&m, tps_policy_doc, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, TPS_PIN, 3001), OMACP_ACCEPTED);
	assert_int_equal(policy_now(d, 4105), 5);
	free(d);
}

static void test_negative_cases(void **st)
{
	handset *d = bootstrapped();
	const omacp_result *r;
	msg m, tps, boot;
	(void)st;
	memset(spies, 0, sizeof spies);

	/* continuous provisioning from another sender: names 4142 */
	make(&m, tps_doc, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	r = expect_reject(d, &m, STRANGER, OMACP_E_POLICY, "policy 4142");
	assert_true(strstr(r->reason, STRANGER) != NULL);
	assert_int_equal(r->policy, 4142);

	/* the bootstrap replayed, from the PPG and from anyone: 4143 = 3200 */
	make(&boot, boot_doc, OMACP_SEC_USERNETWPIN, IMSI, BOOT_PIN, NULL, 0);
	expect_reject(d, &boot, PPG, OMACP_E_POLICY, "policy 4143");
	expect_reject(d, &boot, STRANGER, OMACP_E_POLICY, "policy 4143");

	/* a NETWPIN-only message: 4141 = 3200 */
	make(&m, tps_doc2, OMACP_SEC_NETWPIN, IMSI, NULL, NULL, 0);
	expect_reject(d, &m, STRANGER, OMACP_E_POLICY, "policy 4141");
	expect_reject(d, &m, PPG, OMACP_E_POLICY, "policy 4141");

	/* unsigned from a stranger: 4110 (PPG_AUTH|OPERATOR_TPS) refuses */
	make(&m, tps_doc2, -1, NULL, NULL, NULL, 0);
	r = expect_reject(d, &m, STRANGER, OMACP_E_POLICY, "policy 4110");
	assert_int_equal(r->sec, -1);
	assert_true(r->base_roles & OMACP_ROLE_USER_UNAUTH);
	/* Push-Flag from an unknown sender is not honoured */
	make(&m, tps_doc2, -1, NULL, NULL, PROVURL, 3);
	expect_reject(d, &m, STRANGER, OMACP_E_POLICY, "policy 4110");

	/* an accepted TPS message replayed through the PPG: the replay cache */
	make(&tps, tps_doc, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &tps, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, TPS_PIN, 4000), OMACP_ACCEPTED);
	expect_reject(d, &tps, PPG, OMACP_E_REPLAY, "replay");

	/* NETWPIN through the PPG with a MAC made for another IMSI: passes the
	 * policy (PPG_AUTH), fails authentication, discarded */
	make(&m, tps_doc2, OMACP_SEC_NETWPIN, "001019999999999", NULL, PROVURL, 1);
	expect_reject(d, &m, PPG, OMACP_E_SEC_MISMATCH, "authentication failed");
	free(d);
}

static void test_unsigned_per_4110(void **st)
{
	handset *d = bootstrapped();
	const omacp_result *r;
	msg m;
	(void)st;
	/* unsigned, from the TPS through the PPG: 4110 has PPG_AUTH */
	make(&m, tps_doc2, -1, NULL, NULL, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_ACCEPTED);
	r = omacp_client_result(&d->c);
	assert_true(r->roles & OMACP_ROLE_USER_UNAUTH);
	assert_true(r->roles & OMACP_ROLE_OPERATOR_TPS);
	assert_true(strstr(r->reason, "4110") != NULL);
	free(d);
}

static void test_wrong_pins(void **st)
{
	handset *d = bootstrapped(), *d2;
	uint8_t before[OMACP_STATE_BLOB_MAX], now[OMACP_STATE_BLOB_MAX];
	size_t lb = blob_of(d, before), ln;
	const omacp_result *r;
	msg m;
	(void)st;
	memset(spies, 0, sizeof spies);
	make(&m, tps_doc3, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);

	assert_int_equal(omacp_client_pin(&d->c, "0000", 5000), OMACP_NEED_PIN);
	r = omacp_client_result(&d->c);
	assert_int_equal(r->pin_attempts_left, 2);
	assert_true(strstr(r->reason, "wrong PIN") != NULL);

	/* a malformed PIN costs nothing */
	assert_int_equal(omacp_client_pin(&d->c, "1", 5001), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_client_state(&d->c)->pin_attempts, 1);

	/* restart: the attempt count survives in the saved blob */
	d2 = hs_new(d->h.blob, d->h.len, OMACP_OK);
	free(d);
	d = d2;
	assert_true(omacp_client_pending(&d->c));
	assert_int_equal(omacp_client_pin(&d->c, "1111", 5002), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_result(&d->c)->pin_attempts_left, 1);
	assert_int_equal(omacp_client_pin(&d->c, "2222", 5003), OMACP_REJECTED);
	r = omacp_client_result(&d->c);
	assert_int_equal(r->code, OMACP_E_PIN_EXHAUSTED);
	assert_int_equal(r->pin_attempts_left, 0);
	assert_true(strstr(r->reason, "4105") != NULL);
	assert_false(omacp_client_pending(&d->c));
	assert_int_equal(omacp_client_pin(&d->c, TPS_PIN, 5004), OMACP_E_NO_PENDING);
	assert_int_equal(spy_applied(), 0);
	/* discarded: the state is what it was before the message arrived */
	ln = blob_of(d, now);
	assert_int_equal(ln, lb);
	assert_memory_equal(now, before, lb);
	free(d);
}

static void test_pin_then_cancel_and_replace(void **st)
{
	handset *d = bootstrapped();
	uint8_t before[OMACP_STATE_BLOB_MAX], now[OMACP_STATE_BLOB_MAX];
	size_t lb = blob_of(d, before);
	msg m;
	(void)st;
	make(&m, tps_doc3, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_cancel_pin(&d->c), OMACP_OK);
	assert_false(omacp_client_pending(&d->c));
	assert_int_equal(blob_of(d, now), lb);
	assert_memory_equal(now, before, lb);
	assert_int_equal(omacp_client_cancel_pin(&d->c), OMACP_E_NO_PENDING);
	free(d);
}

/* MORE leaves the result cleared but for pin_attempts_left (of the state in
 * force): right after a verdict too, and after a cancelled PIN message. */
static void test_result_cleared_on_more(void **st)
{
	handset *d = bootstrapped(), *fresh = bootstrapped();
	static uint8_t filler[400];
	omacp_result want;
	msg m, big, big2;
	int left_fresh;
	(void)st;
	memset(filler, 'A', sizeof filler);
	make_raw(&big, filler, sizeof filler, -1, NULL, NULL, NULL, 0, 0);
	make_raw(&big2, filler, sizeof filler, -1, NULL, NULL, NULL, 0, 0);
	assert_true(big.n >= 2);
	assert_int_equal(omacp_client_sms(&fresh->c, PPG, big.ud[0], big.len[0], 3000), OMACP_MORE);
	left_fresh = omacp_client_result(&fresh->c)->pin_attempts_left;

	make(&m, tps_doc3, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, "0000", 5000), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_result(&d->c)->pin_attempts_left, 2);
	omacp_result_init(&want);
	want.pin_attempts_left = 2;
	assert_int_equal(omacp_client_sms(&d->c, PPG, big.ud[0], big.len[0], 5001), OMACP_MORE);
	assert_memory_equal(omacp_client_result(&d->c), &want, sizeof want);

	assert_int_equal(omacp_client_cancel_pin(&d->c), OMACP_OK);
	want.pin_attempts_left = left_fresh;
	assert_true(left_fresh != 2);
	assert_int_equal(omacp_client_sms(&d->c, PPG, big2.ud[0], big2.len[0], 5002), OMACP_MORE);
	assert_memory_equal(omacp_client_result(&d->c), &want, sizeof want);
	free(d);
	free(fresh);
}

static void test_malformed_untouched(void **st)
{
	handset *d = bootstrapped();
	uint8_t before[OMACP_STATE_BLOB_MAX], now[OMACP_STATE_BLOB_MAX];
	size_t lb = blob_of(d, before);
	static const uint8_t bad_wsp[] = {0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0,
	                                  0x01, 0x06, 0x7F};
	static const uint8_t not_push[] = {0x00, 0x03, 0x01, 0x01, 0x01};
	static const uint8_t other_port[] = {0x06, 0x05, 0x04, 0xC3, 0x4F, 0xC0, 0x02, 0x00};
	uint8_t body[64];
	msg m;
	int saves = d->h.saves;
	(void)st;
	assert_int_equal(omacp_client_sms(&d->c, PPG, bad_wsp, sizeof bad_wsp, 1), OMACP_E_WSP);
	assert_int_equal(omacp_client_result(&d->c)->verdict, OMACP_REJECTED);
	assert_int_equal(omacp_client_sms(&d->c, PPG, not_push, sizeof not_push, 1), OMACP_NOT_PUSH);
	assert_int_equal(omacp_client_sms(&d->c, PPG, other_port, sizeof other_port, 1), OMACP_NOT_PUSH);
	/* a WBXML body that is not a document, signed and from the TPS */
	memcpy(body, "\x03\x0B\x6A\x00\xC5\x46", 6);
	make_raw(&m, body, 6, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1, 0);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_true(omacp_client_pin(&d->c, TPS_PIN, 6000) < 0);
	assert_false(omacp_client_pending(&d->c));
	/* a non-provisioning content type (SI, 0x2E) */
	make_raw(&m, body, 6, -1, NULL, NULL, NULL, 0, 0x2E);
	assert_int_equal(feed(d, &m, PPG), OMACP_E_CONTENT_TYPE);
	assert_int_equal(blob_of(d, now), lb);
	assert_memory_equal(now, before, lb);
	(void)saves;
	free(d);
}

static void test_save_failure_rolls_back(void **st)
{
	handset *d = bootstrapped();
	uint8_t before[OMACP_STATE_BLOB_MAX], now[OMACP_STATE_BLOB_MAX];
	size_t lb = blob_of(d, before);
	msg m;
	(void)st;
	memset(spies, 0, sizeof spies);
	make(&m, tps_doc2, -1, NULL, NULL, PROVURL, 1);
	d->h.fail = 1;
	assert_int_equal(feed(d, &m, PPG), OMACP_E_CALLBACK);
	assert_int_equal(spies[S_NAPDEF].apply, 1);
	assert_int_equal(spies[S_NAPDEF].rollback, 1);
	assert_int_equal(spies[S_NAPDEF].commit, 0);
	assert_int_equal(blob_of(d, now), lb);
	assert_memory_equal(now, before, lb);
	/* a PIN message that cannot be saved is not kept either */
	make(&m, tps_doc3, OMACP_SEC_USERPIN, NULL, TPS_PIN, PROVURL, 1);
	assert_int_equal(feed(d, &m, PPG), OMACP_E_CALLBACK);
	assert_false(omacp_client_pending(&d->c));
	d->h.fail = 0;
	free(d);
}

static void test_corrupt_blob(void **st)
{
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	size_t len = oem_blob(blob, sizeof blob);
	handset *d;
	omacp_client_config cfg;
	(void)st;
	blob[len / 2] ^= 0x40;
	d = hs_new(blob, len, OMACP_E_STATE_CRC);
	assert_int_equal(omacp_client_sms(&d->c, PPG, blob, 10, 1), OMACP_E_STATE);
	assert_null(omacp_client_state(&d->c));
	free(d);
	blob[len / 2] ^= 0x40;
	d = hs_new(blob, len - 3, OMACP_E_STATE_SIZE);
	free(d);
	/* bad configuration */
	d = calloc(1, sizeof *d);
	omacp_client_config_init(&cfg);
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work, NULL, 0), OMACP_E_ARG);
	cfg.save_state = host_save;
	cfg.imsi = "12ab";
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work, NULL, 0), OMACP_E_SEC_IMSI);
	cfg.imsi = NULL;
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, 100, NULL, 0), OMACP_E_NOMEM);
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work,
	                                   OMACP_CLIENT_WORK_BYTES(2, 8) - 1, NULL, 0), OMACP_E_NOMEM);
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work,
	                                   OMACP_CLIENT_WORK_BYTES(2, 8), NULL, 0), OMACP_OK);
	free(d);
}

/* The client keeps an HMAC state made from the IMSI (key material): a
 * failed init leaves no byte of it (nor anything else) behind, also over a
 * client that was working; omacp_client_wipe clears a working one. */
static void test_init_failure_wipes_key(void **st)
{
	static const omacp_client zero;
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	size_t len = oem_blob(blob, sizeof blob);
	handset *d = hs_new(NULL, 0, OMACP_OK);
	omacp_client_config cfg;
	(void)st;
	omacp_client_config_init(&cfg);
	cfg.imsi = IMSI;
	cfg.save_state = host_save;
	cfg.user = &d->h;
	/* too small a workspace: checked after the key was made */
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, 100, NULL, 0),
	                 OMACP_E_NOMEM);
	assert_memory_equal(&d->c, &zero, sizeof zero);
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work,
	                                   NULL, 0), OMACP_OK);
	blob[3] ^= 1;   /* corrupt blob: the last check of init */
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work,
	                                   blob, len), OMACP_E_STATE_CRC);
	assert_memory_equal(&d->c, &zero, sizeof zero);
	/* omacp_client_wipe: a working client becomes all zero and unusable,
	 * and can be initialised again */
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work,
	                                   NULL, 0), OMACP_OK);
	assert_memory_not_equal(&d->c, &zero, sizeof zero);
	omacp_client_wipe(&d->c);
	assert_memory_equal(&d->c, &zero, sizeof zero);
	assert_int_equal(omacp_client_cancel_pin(&d->c), OMACP_E_STATE);
	omacp_client_wipe(NULL);
	assert_int_equal(omacp_client_init(&d->c, &cfg, d->work, sizeof d->work,
	                                   NULL, 0), OMACP_OK);
	assert_int_equal(omacp_client_cancel_pin(&d->c), OMACP_E_NO_PENDING);
	free(d);
}

static void test_segments_any_order(void **st)
{
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	size_t len = oem_blob(blob, sizeof blob), i;
	handset *d = hs_new(blob, len, OMACP_OK);
	msg m;
	omacp_err e = OMACP_E_STATE;
	(void)st;
	make(&m, boot_doc, OMACP_SEC_USERNETWPIN, IMSI, BOOT_PIN, NULL, 0);
	for (i = m.n; i-- > 0;) {
		e = omacp_client_sms(&d->c, PPG, m.ud[i], m.len[i], 10);
		if (i > 0)
			assert_int_equal(e, OMACP_MORE);
	}
	assert_int_equal(e, OMACP_NEED_PIN);
	/* USERNETWPIN without the right IMSI part: a wrong "PIN" */
	assert_int_equal(omacp_client_pin(&d->c, "9999", 11), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, BOOT_PIN, 12), OMACP_ACCEPTED);
	free(d);
}

#ifndef OMACP_NO_XML
static void test_xml_body(void **st)
{
	handset *d = bootstrapped();
	static const char xml[] =
	    "<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
	    "<parm name=\"NAPID\" value=\"XML NAP\"/><parm name=\"NAME\" value=\"x\"/>"
	    "</characteristic></wap-provisioningdoc>";
	msg m;
	(void)st;
	memset(spies, 0, sizeof spies);
	make_raw(&m, (const uint8_t *)xml, strlen(xml), OMACP_SEC_USERPIN, NULL, TPS_PIN,
	         PROVURL, 1, OMACP_CT_CONNECTIVITY_XML);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, TPS_PIN, 7000), OMACP_ACCEPTED);
	assert_int_equal(spies[S_NAPDEF].commit, 1);
	free(d);
}
#endif

static void test_role_denial_rolls_back(void **st)
{
	/* Before bootstrap the OEM-enabled phone gives a stranger's
	 * USERNETWPIN message Manager (4119 = 132 has OPERATOR). Without the
	 * OEM's 4119 the same bootstrap gets no Manager: SecurityPolicy (Manager
	 * only) fails and the whole document is rolled back. */
	uint8_t blob[OMACP_STATE_BLOB_MAX];
	omacp_state s;
	size_t len = 0;
	handset *d;
	msg m;
	const omacp_result *r;
	(void)st;
	omacp_state_init(&s);
	assert_int_equal(omacp_state_policy_set(&s, 4143, 7296), OMACP_OK);
	assert_int_equal(omacp_state_save(&s, blob, sizeof blob, &len), OMACP_OK);
	d = hs_new(blob, len, OMACP_OK);
	memset(spies, 0, sizeof spies);
	make(&m, boot_doc, OMACP_SEC_USERNETWPIN, IMSI, BOOT_PIN, NULL, 0);
	assert_int_equal(feed(d, &m, PPG), OMACP_NEED_PIN);
	assert_int_equal(omacp_client_pin(&d->c, BOOT_PIN, 2000), OMACP_REJECTED);
	r = omacp_client_result(&d->c);
	assert_int_equal(r->code, OMACP_E_ROLE);
	assert_int_equal(spies[S_BOOT].commit + spies[S_PXL].commit + spies[S_NAPDEF].commit, 0);
	/* the pending message is gone; the rest of the state is the factory one */
	assert_false(omacp_client_pending(&d->c));
	{
		uint8_t now[OMACP_STATE_BLOB_MAX];
		size_t n = blob_of(d, now);
		assert_int_equal(n, len);
		assert_memory_equal(now, blob, len);
	}
	free(d);
}

/* ------------------------------------- workspace sizing (client.h) */

/* A handset over a heap workspace of exactly work_len bytes (so the
 * sanitizer build catches any access past it), OMA profile, every type the
 * corpus uses registered with all roles, `segs` segments per message. */
typedef struct fit {
	omacp_client c;
	uint8_t *work;
	host h;
	spy s;
	omacp_csp csps[7];
} fit;

#define CORPUS_IMSI "262011234567890"

static fit *fit_new(unsigned segs, size_t work_len)
{
	fit *f = calloc(1, sizeof *f);
	omacp_client_config cfg;
	const char *types[7] = {"NAPDEF", "APPLICATION", "PXLOGICAL", "BOOTSTRAP",
	                        "VENDORCONFIG", "CLIENTIDENTITY", "ACCESS"};
	size_t i;
	for (i = 0; i < 7; i++) {
		omacp_csp x = OMACP_CSP(types[i], OMACP_ROLES_ALL, &spy_ops, &f->s);
		f->csps[i] = x;
	}
	omacp_client_config_init(&cfg);
	cfg.profile = OMACP_PROFILE_OMA;
	cfg.imsi = CORPUS_IMSI;
	cfg.csps = f->csps;
	cfg.n_csps = 7;
	cfg.slots = 1;
	cfg.segs = segs;
	cfg.save_state = host_save;
	cfg.user = &f->h;
	f->work = malloc(work_len);
	assert_int_equal(omacp_client_init(&f->c, &cfg, f->work, work_len, NULL, 0), OMACP_OK);
	return f;
}

static void fit_free(fit *f)
{
	free(f->work);
	free(f);
}

/* Feed every SMS; answer a PIN prompt with pin.  The last outcome. */
static omacp_err fit_run(fit *f, const msg *m, const char *pin)
{
	size_t i;
	omacp_err e = OMACP_E_STATE;
	for (i = 0; i < m->n; i++) {
		e = omacp_client_sms(&f->c, STRANGER, m->ud[i], m->len[i], 100);
		if (e != OMACP_MORE)
			break;
	}
	if (e == OMACP_NEED_PIN)
		e = omacp_client_pin(&f->c, pin, 101);
	return e;
}

/* The SMS of a Kannel vector (segments.txt). */
static void kannel_sms(const char *dir, msg *m)
{
	static uint8_t rec[64 * (1 + OMACP_SMS_UD_MAX)];
	size_t k = tu_read_sms(dir, rec, sizeof rec), j;
	assert_true(k > 0);
	/* room for one more SMS was left: none of the file was dropped */
	assert_true(k <= sizeof rec - (1 + OMACP_SMS_UD_MAX));
	m->n = 0;
	for (j = 0; j < k; j += 1 + rec[j]) {
		size_t bl = rec[j];
		assert_true(m->n < 32 && bl <= OMACP_SMS_UD_MAX);
		memcpy(m->ud[m->n], rec + j + 1, bl);
		m->len[m->n++] = bl;
	}
}

/* What a tree takes from its arena, counted on the tree itself: elements,
 * attributes, and the bytes of names and values that lie in the arena
 * (copied or concatenated there; the others are slices of the body or of
 * static tables). */
typedef struct need {
	size_t nodes, attrs, text;
	size_t used;              /* the decoder's own doc.bytes_used */
} need;

static size_t need_bytes(const need *nd)
{
	return nd->nodes * sizeof(omacp_node) + nd->attrs * sizeof(omacp_attr) + nd->text;
}

static int in_arena(const uint8_t *p, const uint8_t *arena, size_t len)
{
	return (uintptr_t)p >= (uintptr_t)arena && (uintptr_t)p < (uintptr_t)arena + len;
}

/* Decode body[0..n) as the client does into an arena of exactly arena_len
 * bytes (heap, exact): WBXML with omacp_wbxml_decode_doc (no scratch), XML
 * with expat in a scratch of exactly scratch_len bytes into the builder.
 * Returns the result; on success *nd is measured on the tree, and the
 * decoder's bytes_used must agree with it (up to the alignment pad). */
static omacp_err fit_decode(const uint8_t *body, size_t n, int xml, size_t arena_len,
                            size_t scratch_len, need *nd)
{
	uint8_t *arena = malloc(arena_len ? arena_len : 1);
	omacp_doc doc;
	omacp_err e;
	const omacp_node *x;
	memset(nd, 0, sizeof *nd);
#ifndef OMACP_NO_XML
	if (xml) {
		uint8_t *scr = malloc(scratch_len ? scratch_len : 1);
		omacp_doc_builder b;
		omacp_doc_builder_init(&b, &doc, arena, arena_len);
		e = omacp_xml_parse(body, n, scr, scratch_len, omacp_doc_builder_event, &b, NULL);
		if (e == OMACP_OK)
			e = omacp_doc_builder_finish(&b);
		else
			(void)omacp_doc_builder_finish(&b);
		free(scr);
	} else
#else
	(void)xml;
	(void)scratch_len;
#endif
		e = omacp_wbxml_decode_doc(body, n, 0, &doc, arena, arena_len, NULL);
	if (e == OMACP_OK) {
		for (x = doc.root; x != NULL; x = omacp_node_next_preorder(x)) {
			size_t j;
			nd->nodes++;
			nd->attrs += x->n_attrs;
			for (j = 0; j < x->n_attrs; j++) {
				if (in_arena(x->attrs[j].name.ptr, arena, arena_len))
					nd->text += x->attrs[j].name.len;
				if (in_arena(x->attrs[j].value.ptr, arena, arena_len))
					nd->text += x->attrs[j].value.len;
			}
		}
		nd->used = doc.bytes_used;
		assert_int_equal(nd->nodes, doc.n_nodes);
		assert_true(need_bytes(nd) <= nd->used);
		assert_true(nd->used < need_bytes(nd) + sizeof(omacp_doc_align_));
	}
	free(arena);
	return e;
}

/*
 * Every PROV document of the corpus (test/vectors: Kannel's and libwbxml's
 * encodings, with and without a string table, and the XML inputs) fits the
 * sizing macros of client.h:
 *   - by its own body size m, decoded as the client decodes it: the tree
 *     fits OMACP_CLIENT_DOC_BYTES(m) (XML: with expat in exactly
 *     OMACP_XML_WORK_BYTES(m)), and for WBXML each term of the bound holds
 *     on its own (at most m/8 + 2 elements, m/4 + 2 attributes and m/4 + 16
 *     concatenated bytes; this is stricter than the client, whose m is the
 *     PDU capacity of its segments and whose arena is one region);
 *   - end to end: the client with exactly OMACP_CLIENT_WORK_BYTES(1, segs)
 *     bytes of workspace (XML: OMACP_CLIENT_WORK_BYTES_XML), segs = the SMS
 *     the message really takes (Kannel's own segments; the other bodies
 *     signed and segmented here), accepts it.  The Nokia OTA vector (not OMA
 *     CP) and Kannel's no-DOCTYPE body (legacy tables, not PROV) must give
 *     the same outcome as with a huge workspace, and never OMACP_E_NOMEM.
 */
static void test_corpus_fits_workspace(void **st)
{
	char **names;
	size_t n = tu_list_vectors("", &names), i;
	unsigned docs = 0, accepted = 0, accepted_xml = 0;
	size_t max_text = 0;
	double worst = 0.0;
	const char *worst_name = "";
	(void)st;
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		static const char *const files[] = {"wbxml.hex", "wbxml-nostrtbl.hex", "input.xml"};
		int kannel = strncmp(names[i], "kannel-", 7) == 0;
		int prov = strstr(names[i], "legacy") == NULL && strstr(names[i], "kannel-18") == NULL;
		size_t k;
		for (k = 0; k < 3; k++) {
			int xml = k == 2;
			size_t len;
			need nd;
			uint8_t *body = xml ? tu_read(tu_vpath(names[i], files[k]), &len)
			                    : tu_read_hex(tu_vpath(names[i], files[k]), &len);
			omacp_err e;
			msg *m, *big;
			unsigned segs;
			fit *f;
			omacp_err e2;
			if (body == NULL)
				continue;
#ifdef OMACP_NO_XML
			if (xml) {
				free(body);
				continue;
			}
#endif
			e = fit_decode(body, len, xml, OMACP_CLIENT_DOC_BYTES(len),
			               xml ? OMACP_XML_WORK_BYTES(len) : 0, &nd);
			if (!prov) {
				assert_int_not_equal(e, OMACP_E_NOMEM);
				free(body);
				continue;
			}
			if (e != OMACP_OK)
				fail_msg("%s/%s: %d with the arena of %zu bytes", names[i], files[k], e,
				         (size_t)OMACP_CLIENT_DOC_BYTES(len));
			docs++;
			assert_true(need_bytes(&nd) + sizeof(omacp_doc_align_) - 1u <=
			            OMACP_CLIENT_DOC_BYTES(len));
			if (!xml) {
				/* the macro is the bound whose terms are checked here */
				assert_int_equal(OMACP_CLIENT_DOC_BYTES(len),
				                 OMACP_DOC_WORK_BYTES(len / 8 + 2, len / 4 + 2, len / 4 + 16));
				if (nd.nodes > len / 8 + 2 || nd.attrs > len / 4 + 2 || nd.text > len / 4 + 16)
					fail_msg("%s/%s (%zu B): %zu elements, %zu attributes, %zu "
					         "concatenated bytes", names[i], files[k], len, nd.nodes,
					         nd.attrs, nd.text);
				if (nd.text > max_text)
					max_text = nd.text;
				if ((double)nd.used / (double)OMACP_CLIENT_DOC_BYTES(len) > worst) {
					worst = (double)nd.used / (double)OMACP_CLIENT_DOC_BYTES(len);
					worst_name = names[i];
				}
			}

			/* end to end */
			m = malloc(sizeof *m);
			if (kannel && k == 0) {
				kannel_sms(names[i], m);
			} else {
				make_raw(m, body, len, OMACP_SEC_NETWPIN, CORPUS_IMSI, NULL, NULL, 0,
				         xml ? (int)OMACP_CT_CONNECTIVITY_XML : 0);
			}
			segs = (unsigned)m->n;
			f = fit_new(segs, xml ? OMACP_CLIENT_WORK_BYTES_XML(1, segs)
			                      : OMACP_CLIENT_WORK_BYTES(1, segs));
			e = fit_run(f, m, strstr(names[i], "userpinmac") ? "12342945" : "1234");
			if (e != OMACP_ACCEPTED)
				fail_msg("%s/%s in %u SMS: %d (%s)", names[i], files[k], segs, e,
				         omacp_client_result(&f->c)->reason);
			assert_true(f->s.commit > 0);
			if (xml)
				accepted_xml++;
			else
				accepted++;
			fit_free(f);
			big = m;
			f = fit_new(segs, xml ? OMACP_CLIENT_WORK_BYTES_XML(1, 255)
			                      : OMACP_CLIENT_WORK_BYTES(1, 255));
			e2 = fit_run(f, big, strstr(names[i], "userpinmac") ? "12342945" : "1234");
			assert_int_equal(e2, e);
			fit_free(f);
			free(m);
			free(body);
		}
	}
	/* the non-PROV Kannel vectors, end to end */
	for (i = 0; i < n; i++) {
		msg *m;
		fit *f;
		omacp_err e, e2;
		if (strncmp(names[i], "kannel-", 7) != 0 ||
		    (strstr(names[i], "legacy") == NULL && strstr(names[i], "kannel-18") == NULL))
			continue;
		m = malloc(sizeof *m);
		kannel_sms(names[i], m);
		f = fit_new((unsigned)m->n, OMACP_CLIENT_WORK_BYTES(1, m->n));
		e = fit_run(f, m, "1234");
		fit_free(f);
		f = fit_new((unsigned)m->n, OMACP_CLIENT_WORK_BYTES(1, 255));
		e2 = fit_run(f, m, "1234");
		fit_free(f);
		assert_int_equal(e, e2);
		assert_int_not_equal(e, OMACP_E_NOMEM);
		free(m);
	}
	assert_true(docs >= 40);
	assert_true(accepted >= 28);
#ifndef OMACP_NO_XML
	assert_true(accepted_xml >= 27);
#endif
	/* libwbxml's string-table encodings do concatenate (the text term is
	 * measured, not idle) */
	assert_true(max_text > 0);
	if (getenv("OMACP_TEST_VERBOSE"))
		printf("corpus: %u documents, %u WBXML and %u XML accepted end to end; densest %s "
		       "uses %.1f%% of OMACP_CLIENT_DOC_BYTES; at most %zu concatenated bytes\n",
		       docs, accepted, accepted_xml, worst_name, 100.0 * worst, max_text);
	tu_free_names(names, n);
}

/* A 3-SMS document denser than the typical bound (100 one-attribute parms,
 * 3 WBXML bytes each) does not fit OMACP_CLIENT_WORK_BYTES(1, 3): the client
 * discards it with OMACP_E_NOMEM, nothing applied, the state unchanged (a
 * PIN message's pending slot dropped); the same message fits a bigger
 * workspace (the extra goes to the arena for WBXML bodies).  A long value
 * (200 bytes) fits, both as one inline string (a slice of the body) and
 * split into two inline strings (concatenated in the arena: more than the
 * bound's text term, but the arena is one region). */
static void test_dense_document_nomem(void **st)
{
	const char *lines[110];
	uint8_t body[2048], before[OMACP_STATE_BLOB_MAX], after[OMACP_STATE_BLOB_MAX];
	char longv[220];
	size_t blen, i, lb, la;
	msg *m = malloc(sizeof *m);
	fit *f;
	(void)st;
	lines[0] = "C NAPDEF";
	lines[1] = "P NAPID=x";
	for (i = 2; i <= 101; i++)
		lines[i] = "P NAME";
	lines[102] = "E";
	lines[103] = NULL;
	blen = encode_doc(lines, body, sizeof body);
	assert_true(blen <= OMACP_CLIENT_MSG_MAX(3) - 60);

	/* NETWPIN: verified at once */
	make_raw(m, body, blen, OMACP_SEC_NETWPIN, CORPUS_IMSI, NULL, NULL, 0, 0);
	assert_true(m->n <= 3);
	f = fit_new(3, OMACP_CLIENT_WORK_BYTES(1, 3));
	lb = blob_of_c(&f->c, before);
	assert_int_equal(fit_run(f, m, NULL), OMACP_E_NOMEM);
	assert_int_equal(omacp_client_result(&f->c)->code, OMACP_E_NOMEM);
	assert_int_equal(f->s.validate + f->s.apply + f->s.commit, 0);
	assert_int_equal(f->h.saves, 0);
	la = blob_of_c(&f->c, after);
	assert_int_equal(la, lb);
	assert_memory_equal(after, before, lb);
	fit_free(f);

	/* USERPIN: waits, then the PIN; the pending message is dropped */
	make_raw(m, body, blen, OMACP_SEC_USERPIN, NULL, "1234", NULL, 0, 0);
	f = fit_new(3, OMACP_CLIENT_WORK_BYTES(1, 3));
	lb = blob_of_c(&f->c, before);
	assert_int_equal(fit_run(f, m, "1234"), OMACP_E_NOMEM);
	assert_false(omacp_client_pending(&f->c));
	assert_int_equal(f->s.apply, 0);
	la = blob_of_c(&f->c, after);
	assert_int_equal(la, lb);
	assert_memory_equal(after, before, lb);
	fit_free(f);

	/* a bigger workspace holds it */
	f = fit_new(3, OMACP_CLIENT_WORK_BYTES(1, 3) + 100 * (sizeof(omacp_node) + sizeof(omacp_attr)));
	if (fit_run(f, m, "1234") != OMACP_ACCEPTED)
		fail_msg("%s", omacp_client_result(&f->c)->reason);
	assert_int_equal(f->s.commit, 1);
	fit_free(f);

	/* a 200-byte value, one inline string */
	memset(longv, 'a', sizeof longv);
	memcpy(longv, "P NAME=", 7);
	longv[7 + 200] = '\0';
	lines[2] = longv;
	lines[3] = "E";
	lines[4] = NULL;
	blen = encode_doc(lines, body, sizeof body);
	make_raw(m, body, blen, OMACP_SEC_NETWPIN, CORPUS_IMSI, NULL, NULL, 0, 0);
	assert_true(m->n <= 3);
	f = fit_new(3, OMACP_CLIENT_WORK_BYTES(1, 3));
	assert_int_equal(fit_run(f, m, NULL), OMACP_ACCEPTED);
	fit_free(f);

	/* the same value as two inline strings: STR_I a*100 NUL STR_I a*100 NUL */
	{
		static const uint8_t run[] = {0x03, 'a', 'a', 'a', 'a'};
		size_t at, mid;
		need nd;
		for (at = 0; at + sizeof run <= blen && memcmp(body + at, run, sizeof run); at++)
			;
		assert_true(at + sizeof run <= blen);
		mid = at + 1 + 100;
		assert_true(blen + 2 <= sizeof body);
		memmove(body + mid + 2, body + mid, blen - mid);
		body[mid] = 0x00;
		body[mid + 1] = 0x03;
		blen += 2;
		/* concatenated in the arena: more than the bound's text term */
		assert_int_equal(fit_decode(body, blen, 0, OMACP_CLIENT_DOC_BYTES(OMACP_CLIENT_MSG_MAX(3)),
		                            0, &nd), OMACP_OK);
		assert_int_equal(nd.text, 200);
		assert_true(nd.text > OMACP_CLIENT_MSG_MAX(3) / 4 + 16);
	}
	make_raw(m, body, blen, OMACP_SEC_NETWPIN, CORPUS_IMSI, NULL, NULL, 0, 0);
	assert_true(m->n <= 3);
	f = fit_new(3, OMACP_CLIENT_WORK_BYTES(1, 3));
	assert_int_equal(fit_run(f, m, NULL), OMACP_ACCEPTED);
	fit_free(f);
	free(m);
}

/* The result document reaches cfg.result_fn: with the Configuration
 * Manager's default writer (result_doc NULL; only when the build keeps
 * OMACP_CM_IMPLICIT_RESULT 1) and with cfg.result_doc naming it (any
 * build).  Kannel's NAPDEF vector, accepted: the result document is the
 * input document again (wap-provisioningdoc, NAPDEF, its parms). */
typedef struct rsink {
	unsigned starts, ends, napdef;
} rsink;

static omacp_err rsink_event(void *user, const omacp_event *ev)
{
	rsink *r = user;
	size_t i;
	if (ev->kind == OMACP_EV_START) {
		r->starts++;
		for (i = 0; i < ev->n_attrs; i++)
			if (omacp_slice_eq(ev->attrs[i].name, "type") &&
			    omacp_slice_eq(ev->attrs[i].value, "NAPDEF"))
				r->napdef++;
	} else {
		r->ends++;
	}
	return OMACP_OK;
}

static void test_result_document(void **st)
{
	int pass;
	(void)st;
	for (pass = OMACP_CM_IMPLICIT_RESULT ? 0 : 1; pass < 2; pass++) {
		omacp_client *c = calloc(1, sizeof *c);
		size_t wl = OMACP_CLIENT_WORK_BYTES(1, 4);
		uint8_t *work = malloc(wl);
		omacp_client_config cfg;
		host h;
		spy sp;
		rsink rs;
		omacp_csp csp = OMACP_CSP("NAPDEF", OMACP_ROLES_ALL, &spy_ops, &sp);
		msg *m = malloc(sizeof *m);
		size_t i;
		omacp_err e = OMACP_E_STATE;
		memset(&h, 0, sizeof h);
		memset(&sp, 0, sizeof sp);
		memset(&rs, 0, sizeof rs);
		omacp_client_config_init(&cfg);
		cfg.profile = OMACP_PROFILE_OMA;
		cfg.imsi = CORPUS_IMSI;
		cfg.csps = &csp;
		cfg.n_csps = 1;
		cfg.slots = 1;
		cfg.segs = 4;
		cfg.save_state = host_save;
		cfg.user = &h;
		cfg.result_fn = rsink_event;
		cfg.result_user = &rs;
		if (pass == 1)
			cfg.result_doc = omacp_cm_result_doc;
		assert_int_equal(omacp_client_init(c, &cfg, work, wl, NULL, 0), OMACP_OK);
		kannel_sms("kannel-01_napdef_gprs_auth-netwpin-semioctet-imsi", m);
		for (i = 0; i < m->n; i++)
			e = omacp_client_sms(c, STRANGER, m->ud[i], m->len[i], 1);
		assert_int_equal(e, OMACP_ACCEPTED);
		assert_int_equal(sp.commit, 1);
		assert_int_equal(rs.napdef, 1);
		assert_true(rs.starts >= 10);
		assert_int_equal(rs.starts, rs.ends);
		free(m);
		free(work);
		free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_factory_rejects_bootstrap),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_tps_continuous),
		cmocka_unit_test(test_negative_cases),
		cmocka_unit_test(test_unsigned_per_4110),
		cmocka_unit_test(test_wrong_pins),
		cmocka_unit_test(test_pin_then_cancel_and_replace),
		cmocka_unit_test(test_result_cleared_on_more),
		cmocka_unit_test(test_malformed_untouched),
		cmocka_unit_test(test_save_failure_rolls_back),
		cmocka_unit_test(test_corrupt_blob),
		cmocka_unit_test(test_segments_any_order),
#ifndef OMACP_NO_XML
		cmocka_unit_test(test_xml_body),
#endif
		cmocka_unit_test(test_role_denial_rolls_back),
		cmocka_unit_test(test_corpus_fits_workspace),
		cmocka_unit_test(test_dense_document_nomem),
		cmocka_unit_test(test_result_document),
		cmocka_unit_test(test_init_failure_wipes_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
