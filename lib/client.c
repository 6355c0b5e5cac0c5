/* The device pipeline: reassembly -> WSP -> roles and policies -> MAC ->
 * document -> Configuration Manager, over one caller workspace. */
#include <string.h>
#include "omacp/client.h"
#include "policy_int.h"

#define DEFAULT_SLOTS 2u
#define DEFAULT_SEGS 8u

void omacp_client_config_init(omacp_client_config *cfg)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof *cfg);
	cfg->profile = OMACP_PROFILE_WM65;
	cfg->slots = DEFAULT_SLOTS;
	cfg->segs = DEFAULT_SEGS;
}

static size_t align_up(const uint8_t *base, size_t off)
{
	size_t a = sizeof(void *);
	size_t mis = (size_t)(((uintptr_t)(base + off)) % a);
	return mis ? off + (a - mis) : off;
}

omacp_err omacp_client_init(omacp_client *c, const omacp_client_config *cfg,
                            uint8_t *work, size_t work_len,
                            const uint8_t *blob, size_t blob_len)
{
	unsigned slots, segs;
	size_t reasm_len, doc_len, need, off, i;
	omacp_reasm_config rc;
	omacp_err e;

	if (c == NULL)
		return OMACP_E_ARG;
	memset(c, 0, sizeof *c);
	if (cfg == NULL || cfg->save_state == NULL)
		return OMACP_E_ARG;
	if (cfg->csps == NULL && cfg->n_csps != 0)
		return OMACP_E_ARG;
	slots = cfg->slots ? cfg->slots : DEFAULT_SLOTS;
	segs = cfg->segs ? cfg->segs : DEFAULT_SEGS;
	if (segs > OMACP_MAX_SEGMENTS || slots > 255u)
		return OMACP_E_ARG;
	if (cfg->imsi != NULL) {
		size_t n = strlen(cfg->imsi);
		if (n == 0 || n > 15)
			return OMACP_E_SEC_IMSI;
		for (i = 0; i < n; i++)
			if (cfg->imsi[i] < '0' || cfg->imsi[i] > '9')
				return OMACP_E_SEC_IMSI;
		memcpy(c->imsi_, cfg->imsi, n + 1);
	}

	/* workspace: [reassembly][doc arena][decoder scratch] */
	reasm_len = OMACP_REASM_WORK_BYTES(slots, segs);
	doc_len = OMACP_CLIENT_DOC_BYTES(OMACP_CLIENT_MSG_MAX(segs));
	need = OMACP_CLIENT_WORK_BYTES(slots, segs);
	if (work == NULL || work_len < need)
		return OMACP_E_NOMEM;
	off = align_up(work, reasm_len);
	c->doc_work_ = work + off;
	c->doc_len_ = doc_len;
	off = align_up(work, off + doc_len);
	c->scratch_ = work + off;
	c->scratch_len_ = work_len - off;

	memset(&rc, 0, sizeof rc);
	rc.expiry = cfg->expiry;
	e = omacp_reasm_init(&c->reasm_, work, reasm_len, slots, segs, &rc);
	if (e != OMACP_OK)
		return e;

	if (blob != NULL && blob_len != 0) {
		e = omacp_state_load(&c->cur_, blob, blob_len);
		if (e != OMACP_OK) {
			memset(c, 0, sizeof *c);
			return e;
		}
	} else {
		omacp_state_init(&c->cur_);
	}
	c->profile_ = cfg->profile;
	c->opts_ = cfg->opts;
	c->csps_ = cfg->csps;
	c->n_csps_ = cfg->n_csps;
	c->segs_ = segs;
	c->wbxml_flags_ = cfg->wbxml_flags;
	c->save_ = cfg->save_state;
	c->user_ = cfg->user;
	c->result_fn_ = cfg->result_fn;
	c->result_user_ = cfg->result_user;
	omacp_result_init(&c->res_);
	c->ready_ = 1;
	return OMACP_OK;
}

/* ------------------------------------------------------------ helpers */

/* Serialize st and hand it to the host.  OMACP_OK when stored. */
static omacp_err save(omacp_client *c, const omacp_state *st)
{
	size_t len = 0;
	omacp_err e = omacp_state_save(st, c->blob_, sizeof c->blob_, &len);
	if (e != OMACP_OK)
		return e;
	e = c->save_(c->user_, c->blob_, len);
	if (e > 0)
		e = OMACP_E_CALLBACK;
	return e;
}

/* The Configuration Manager's save hook. */
static omacp_err cm_save(void *user, const omacp_state *st)
{
	omacp_client *c = (omacp_client *)user;
	omacp_err e = save(c, st);
	c->save_err_ = e;
	return e;
}

/* Make next_ current after saving it. */
static omacp_err save_next(omacp_client *c)
{
	omacp_err e = save(c, &c->next_);
	if (e == OMACP_OK)
		memcpy(&c->cur_, &c->next_, sizeof c->cur_);
	return e;
}

static const char *sec_label(int sec)
{
	const char *s = sec >= 0 ? omacp_sec_name((omacp_sec)sec) : NULL;
	return s != NULL ? s : "unsigned";
}

static void head(omacp__line *l, omacp_result *r, const char *verdict,
                 int sec, const char *from)
{
	omacp__line_init(l, r->reason, sizeof r->reason);
	omacp__line_str(l, verdict);
	omacp__line_str(l, ": ");
	omacp__line_str(l, sec_label(sec));
	omacp__line_str(l, " message from ");
	omacp__line_str(l, (from != NULL && from[0] != '\0') ? from : "an unknown sender");
}

/* The message is discarded.  A pending message (from_pending) is dropped
 * from the state, which is saved; otherwise the state is untouched. */
static omacp_err drop_pending(omacp_client *c, int from_pending)
{
	if (!from_pending)
		return OMACP_OK;
	memcpy(&c->next_, &c->cur_, sizeof c->next_);
	omacp_state_pending_clear(&c->next_);
	return save_next(c);
}

/* Malformed input: result says so, return e (negative). */
static omacp_err malformed(omacp_client *c, omacp_err e, int sec,
                           const char *from, int from_pending)
{
	omacp__line l;
	omacp_err s;
	c->res_.verdict = OMACP_REJECTED;
	c->res_.code = e;
	c->res_.sec = sec;
	c->res_.roles = c->res_.base_roles;
	c->res_.manager = 0;
	head(&l, &c->res_, "rejected", sec, from);
	omacp__line_str(&l, " is malformed (error ");
	omacp__line_str(&l, "-");
	omacp__line_dec(&l, (uint32_t)(-(int)e));
	omacp__line_str(&l, ")");
	s = drop_pending(c, from_pending);
	return s != OMACP_OK ? s : e;
}

static omacp_err rejected(omacp_client *c, int from_pending)
{
	omacp_err s;
	c->res_.verdict = OMACP_REJECTED;
	c->res_.roles = c->res_.base_roles;   /* no grant without acceptance */
	c->res_.manager = 0;
	s = drop_pending(c, from_pending);
	return s != OMACP_OK ? s : OMACP_REJECTED;
}

static int is_xml(const omacp_push *p)
{
	static const char xml[] = "text/vnd.wap.connectivity-xml";
	size_t n = sizeof xml - 1, len;
	const uint8_t *s;
	if (p->content_type_code == (int)OMACP_CT_CONNECTIVITY_XML)
		return 1;
	if (p->content_type_code != -1)
		return 0;
	s = p->content_type.ptr;
	len = p->content_type.len;
	/* a textual type may carry parameters after ';' */
	if (len < n || s == NULL)
		return 0;
	if (len > n && s[n] != ';' && s[n] != ' ')
		return 0;
	return omacp__ieq((const char *)s, xml, n);
}

static omacp_err decode_doc(omacp_client *c, const omacp_push *p)
{
	omacp_doc_builder b;
	omacp_err e;
	omacp_doc_builder_init(&b, &c->doc_, c->doc_work_, c->doc_len_);
	if (is_xml(p)) {
#ifndef OMACP_NO_XML
		e = omacp_xml_parse(p->body.ptr, p->body.len, c->scratch_,
		                    c->scratch_len_, omacp_doc_builder_event, &b,
		                    NULL);
#else
		e = OMACP_E_XML_DISABLED;
#endif
	} else {
		e = omacp_wbxml_decode(p->body.ptr, p->body.len, c->scratch_,
		                       c->scratch_len_, c->wbxml_flags_,
		                       omacp_doc_builder_event, &b, NULL);
	}
	if (e == OMACP_OK)
		e = omacp_doc_builder_finish(&b);
	else
		(void)omacp_doc_builder_finish(&b);
	return e;
}

/* ------------------------------------------------------------- pipeline */

/*
 * Run one completed push PDU.  pin: NULL when none was given (a PIN message
 * then suspends); from_pending: the PDU is the state's pending message.
 */
static omacp_err process(omacp_client *c, const char *from, const uint8_t *pdu,
                         size_t n, const char *pin, int from_pending,
                         uint32_t now)
{
	omacp_push p;
	omacp_policy pol;
	omacp_msg m;
	omacp_cm cm;
	omacp__line l;
	uint8_t digest[OMACP_MAC_LEN];
	omacp_err e;
	int sec;

	e = omacp_push_decode(pdu, n, &p);
	if (e != OMACP_OK)
		return malformed(c, e < 0 ? e : OMACP_E_WSP, -1, from, from_pending);
	sec = p.sec;
	if (!omacp_push_is_provisioning(&p))
		return malformed(c, OMACP_E_CONTENT_TYPE, sec, from, from_pending);

	/* SEC validity: the MAC must be there and well formed */
	if (sec >= 0 && sec != OMACP_SEC_USERPINMAC) {
		if (!p.has_mac)
			return malformed(c, OMACP_E_SEC_NO_MAC, sec, from, from_pending);
		e = omacp_sec_mac_parse(p.mac.ptr, p.mac.len, digest);
		if (e != OMACP_OK)
			return malformed(c, e, sec, from, from_pending);
	} else if (sec == OMACP_SEC_USERPINMAC) {
		/* no MAC parameter: the replay key is a digest of the body */
		static const uint8_t k = 0;
		omacp_hmac_sha1(&k, 0, p.body.ptr, p.body.len, digest);
	}

	/* roles and the signed-message policy, before any PIN prompt */
	omacp_policy_init(&pol, c->profile_, &c->opts_, &c->cur_);
	memset(&m, 0, sizeof m);
	m.originator = from;
	m.sec = sec;
	m.push_flag = p.push_flag;
	if (p.has_initiator)
		m.initiator = p.initiator;
	e = omacp_policy_evaluate(&pol, &m, &c->res_);
	c->res_.pin_attempts_left = omacp_policy_pin_attempts_left(&pol, &c->cur_);
	if (e == OMACP_E_SEC_METHOD)
		return malformed(c, e, sec, from, from_pending);
	if (e != OMACP_ACCEPTED)
		return rejected(c, from_pending);

	/* replay */
	if (sec >= 0 && omacp_state_replay_seen(&c->cur_, digest)) {
		head(&l, &c->res_, "rejected", sec, from);
		omacp__line_str(&l, " was accepted before (replay)");
		c->res_.code = OMACP_E_REPLAY;
		c->res_.policy = 0;
		return rejected(c, from_pending);
	}

	/* authentication */
	if (sec >= 0) {
		if ((sec == OMACP_SEC_NETWPIN || sec == OMACP_SEC_USERNETWPIN) &&
		    c->imsi_[0] == '\0') {
			head(&l, &c->res_, "rejected", sec, from);
			omacp__line_str(&l, " cannot be verified: no IMSI");
			c->res_.code = OMACP_E_SEC_IMSI;
			c->res_.policy = 0;
			return rejected(c, from_pending);
		}
		if (sec != OMACP_SEC_NETWPIN && pin == NULL) {
			/* suspend: keep the PDU in the new state */
			memcpy(&c->next_, &c->cur_, sizeof c->next_);
			e = omacp_state_pending_set(&c->next_, from != NULL ? from : "",
			                            pdu, n, now);
			if (e != OMACP_OK)
				return malformed(c, e, sec, from, 0);
			e = save_next(c);
			if (e != OMACP_OK)
				return e;
			c->res_.verdict = OMACP_NEED_PIN;
			c->res_.code = OMACP_OK;
			c->res_.roles = c->res_.base_roles;
			c->res_.manager = 0;
			c->res_.pin_attempts_left =
			    omacp_policy_pin_attempts_left(&pol, &c->cur_);
			head(&l, &c->res_, "need-pin", sec, from);
			omacp__line_str(&l, " allowed by policy ");
			omacp__line_dec(&l, c->res_.policy);
			omacp__line_str(&l, "; waiting for the PIN (");
			omacp__line_dec(&l, c->res_.pin_attempts_left);
			omacp__line_str(&l, " attempts left)");
			return OMACP_NEED_PIN;
		}
		e = omacp_sec_verify((omacp_sec)sec, c->imsi_[0] ? c->imsi_ : NULL,
		                     pin, p.body.ptr, p.body.len, p.mac.ptr,
		                     p.mac.len);
		if (e == OMACP_E_SEC_PIN && pin != NULL)
			return OMACP_E_SEC_PIN;   /* no attempt spent */
		if (e == OMACP_E_SEC_MISMATCH && sec != OMACP_SEC_NETWPIN) {
			/* a wrong PIN: one attempt spent */
			unsigned left;
			memcpy(&c->next_, &c->cur_, sizeof c->next_);
			if (c->next_.pin_attempts < 255u)
				c->next_.pin_attempts++;
			left = omacp_policy_pin_attempts_left(&pol, &c->next_);
			if (left == 0)
				omacp_state_pending_clear(&c->next_);
			e = save_next(c);
			if (e != OMACP_OK)
				return e;
			c->res_.roles = c->res_.base_roles;
			c->res_.manager = 0;
			c->res_.pin_attempts_left = left;
			if (left == 0) {
				head(&l, &c->res_, "rejected", sec, from);
				omacp__line_str(&l, ": wrong PIN, all ");
				omacp__line_dec(&l, omacp_policy_get(&pol, OMACP_POLICY_PIN_RETRIES));
				omacp__line_str(&l, " attempts of policy 4105 spent; message discarded");
				c->res_.verdict = OMACP_REJECTED;
				c->res_.code = OMACP_E_PIN_EXHAUSTED;
				c->res_.policy = OMACP_POLICY_PIN_RETRIES;
				return OMACP_REJECTED;
			}
			head(&l, &c->res_, "need-pin", sec, from);
			omacp__line_str(&l, ": wrong PIN (");
			omacp__line_dec(&l, left);
			omacp__line_str(&l, " attempts left)");
			c->res_.verdict = OMACP_NEED_PIN;
			c->res_.code = OMACP_E_SEC_MISMATCH;
			return OMACP_NEED_PIN;
		}
		if (e == OMACP_E_SEC_MISMATCH) {
			head(&l, &c->res_, "rejected", sec, from);
			omacp__line_str(&l, ": MAC does not verify (authentication failed); discarded");
			c->res_.code = OMACP_E_SEC_MISMATCH;
			c->res_.policy = 0;
			return rejected(c, from_pending);
		}
		if (e != OMACP_OK)
			return malformed(c, e, sec, from, from_pending);
	}

	/* the document */
	e = decode_doc(c, &p);
	if (e != OMACP_OK)
		return malformed(c, e, sec, from, from_pending);

	/* Configuration Manager over the final roles (fixed now) */
	memcpy(&c->next_, &c->cur_, sizeof c->next_);
	if (from_pending)
		omacp_state_pending_clear(&c->next_);
	if (sec >= 0)
		omacp_state_replay_add(&c->next_, digest);
	omacp_cm_init(&cm, c->csps_, c->n_csps_, &pol);
	cm.save_state = cm_save;
	cm.save_user = c;
	cm.result_fn = c->result_fn_;
	cm.result_user = c->result_user_;
	c->save_err_ = OMACP_OK;
	e = omacp_cm_process(&cm, &c->doc_, c->res_.roles, &c->cur_, &c->next_,
	                     &c->res_);
	if (e == OMACP_ACCEPTED) {
		memcpy(&c->cur_, &c->next_, sizeof c->cur_);
		c->res_.pin_attempts_left = omacp_policy_pin_attempts_left(&pol, &c->cur_);
		return OMACP_ACCEPTED;
	}
	if (c->save_err_ != OMACP_OK) {
		/* rolled back because the host could not store the state */
		(void)drop_pending(c, from_pending);
		return c->save_err_;
	}
	if (e < 0)
		return malformed(c, e, sec, from, from_pending);
	/* the document was processed with its final roles: res keeps them */
	c->res_.verdict = OMACP_REJECTED;
	e = drop_pending(c, from_pending);
	return e != OMACP_OK ? e : OMACP_REJECTED;
}

/* --------------------------------------------------------------- API */

/* Clear the result; PIN attempts as the state in force says. */
static void result_start(omacp_client *c)
{
	omacp_policy pol;
	omacp_result_init(&c->res_);
	omacp_policy_init(&pol, c->profile_, &c->opts_, &c->cur_);
	c->res_.pin_attempts_left = omacp_policy_pin_attempts_left(&pol, &c->cur_);
}

omacp_err omacp_client_sms(omacp_client *c, const char *originator,
                           const uint8_t *ud, size_t ud_len, uint32_t now)
{
	omacp_slice dg;
	omacp_err e;
	if (c == NULL || !c->ready_)
		return OMACP_E_STATE;
	result_start(c);
	if (ud == NULL)
		return OMACP_E_ARG;
	dg.ptr = NULL;
	dg.len = 0;
	e = omacp_reasm_feed(&c->reasm_, originator != NULL ? originator : "",
	                     ud, ud_len, now, &dg);
	if (e < 0)
		return malformed(c, e, -1, originator, 0);
	if (e != OMACP_OK)
		return e;   /* MORE / NOT_PUSH */
	return process(c, originator, dg.ptr, dg.len, NULL, 0, now);
}

omacp_err omacp_client_pin(omacp_client *c, const char *pin, uint32_t now)
{
	char from[OMACP_MAX_ADDR + 1];
	if (c == NULL || !c->ready_)
		return OMACP_E_STATE;
	result_start(c);
	if (c->cur_.pending_len == 0)
		return OMACP_E_NO_PENDING;
	if (pin == NULL)
		return OMACP_E_SEC_PIN;
	memcpy(from, c->cur_.pending_from, sizeof from);
	from[OMACP_MAX_ADDR] = '\0';
	/* The PDU stays in cur_ until the very end: every path copies cur_ to
	 * next_ before changing anything and makes it current last. */
	return process(c, from, c->cur_.pending, c->cur_.pending_len, pin, 1, now);
}

omacp_err omacp_client_cancel_pin(omacp_client *c)
{
	if (c == NULL || !c->ready_)
		return OMACP_E_STATE;
	if (c->cur_.pending_len == 0)
		return OMACP_E_NO_PENDING;
	return drop_pending(c, 1);
}

int omacp_client_pending(const omacp_client *c)
{
	return c != NULL && c->ready_ && c->cur_.pending_len != 0;
}

const omacp_result *omacp_client_result(const omacp_client *c)
{
	return c != NULL ? &c->res_ : NULL;
}

const omacp_state *omacp_client_state(const omacp_client *c)
{
	return c != NULL && c->ready_ ? &c->cur_ : NULL;
}

omacp_err omacp_client_state_blob(const omacp_client *c, uint8_t *out,
                                  size_t cap, size_t *len)
{
	if (c == NULL || !c->ready_ || len == NULL)
		return c != NULL && !c->ready_ ? OMACP_E_STATE : OMACP_E_ARG;
	return omacp_state_save(&c->cur_, out, cap, len);
}
