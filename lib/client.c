/* The device pipeline: reassembly -> WSP -> roles and policies -> MAC ->
 * document -> Configuration Manager, over one caller workspace. */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <mbedtls/platform_util.h>
#include "omacp/client.h"
#include "policy_int.h"
#include "sec_int.h"

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
	size_t reasm_len, doc_len, off;
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
		/* the NETWPIN key never changes: its HMAC state is made once */
		uint8_t key[OMACP_IMSI_KEY_MAX];
		size_t klen;
		if (omacp_sec_imsi_key(cfg->imsi, key, &klen) != OMACP_OK)
			return OMACP_E_SEC_IMSI;
		strcpy(c->imsi_, cfg->imsi);   /* checked: 1..15 digits */
		omacp_hmac_key_init(&c->netkey_, key, klen);
		mbedtls_platform_zeroize(key, sizeof key);
	}

	/* workspace: [reassembly][doc arena][expat's scratch (XML)]; a WBXML
	 * body's arena runs to the end (decode_doc) */
	reasm_len = OMACP_REASM_WORK_BYTES(slots, segs);
	doc_len = OMACP_CLIENT_DOC_BYTES(OMACP_CLIENT_MSG_MAX(segs));
	/* = OMACP_CLIENT_WORK_BYTES(slots, segs) */
	e = OMACP_E_NOMEM;
	if (work != NULL &&
	    work_len >= reasm_len + 2u * sizeof(void *) + doc_len) {
		off = align_up(work, reasm_len);
		c->doc_work_ = work + off;
		c->doc_len_ = doc_len;
		off = align_up(work, off + doc_len);
		c->scratch_ = work + off;
		c->scratch_len_ = work_len - off;
		memset(&rc, 0, sizeof rc);
		rc.expiry = cfg->expiry;
		e = omacp_reasm_init(&c->reasm_, work, reasm_len, slots, segs, &rc);
	}
	if (e == OMACP_OK && blob != NULL && blob_len != 0)
		e = omacp_state_load(&c->cur_, blob, blob_len);
	if (e != OMACP_OK) {
		omacp_client_wipe(c);   /* the prepared key too */
		return e;
	}
	c->cfg_ = *cfg;
	c->cfg_.segs = segs;
	omacp_result_init(&c->res_);
	c->ready_ = 1;
	return OMACP_OK;
}

void omacp_client_wipe(omacp_client *c)
{
	if (c != NULL)
		mbedtls_platform_zeroize(c, sizeof *c);
}

/* ------------------------------------------------------------ helpers */

/* Serialize st and hand it to the host.  OMACP_OK when stored. */
static omacp_err save(omacp_client *c, const omacp_state *st)
{
	size_t len = 0;
	omacp_err e = omacp_state_save(st, c->blob_, sizeof c->blob_, &len);
	if (e == OMACP_OK)
		e = c->cfg_.save_state(c->cfg_.user, c->blob_, len);
	return e > 0 ? OMACP_E_CALLBACK : e;
}

/* The Configuration Manager's save hook. */
static omacp_err cm_save(void *user, const omacp_state *st)
{
	omacp_client *c = (omacp_client *)user;
	return c->save_err_ = save(c, st);
}

/* *d = *s, byte for byte.  Both keep their pending slot (most of the
 * struct) zero past pending_len (state.h), so only the longer of the two
 * used parts of it is copied. */
static void copy_state(omacp_state *d, const omacp_state *s)
{
	size_t n = s->pending_len > d->pending_len ? s->pending_len : d->pending_len;
	if (n > sizeof d->pending)
		n = sizeof d->pending;
	memcpy(d, s, offsetof(omacp_state, pending) + n);
	memcpy(d->pending_from, s->pending_from,
	       sizeof *d - offsetof(omacp_state, pending_from));
}

/* next_ = a copy of the state in force, to be changed. */
static omacp_state *fork_state(omacp_client *c)
{
	copy_state(&c->next_, &c->cur_);
	return &c->next_;
}

/* Make next_ current after saving it. */
static omacp_err save_next(omacp_client *c)
{
	omacp_err e = save(c, &c->next_);
	if (e == OMACP_OK)
		copy_state(&c->cur_, &c->next_);
	return e;
}

/* The reason line: "VERDICT: SEC message from FROM" and then fmt (see
 * omacp__line_fmt). */
static void say(omacp_client *c, const char *verdict, int sec, const char *from,
                const char *fmt, ...)
{
	omacp__line l;
	va_list ap;
	omacp__verdict_head(&l, c->res_.reason, sizeof c->res_.reason, verdict,
	                    sec, from);
	va_start(ap, fmt);
	omacp__line_vfmt(&l, fmt, ap);
	va_end(ap);
}

/* No grant without acceptance: the result's roles are the base ones. */
#if defined(__GNUC__)
__attribute__((noinline)) /* smaller out of line */
#endif
static void base_roles(omacp_client *c)
{
	c->res_.roles = c->res_.base_roles;
	c->res_.manager = 0;
}

/* The message is discarded.  A pending message (from_pending) is dropped
 * from the state, which is saved; otherwise the state is untouched.
 * Returns e, or the save_state error. */
static omacp_err drop(omacp_client *c, int from_pending, omacp_err e)
{
	if (from_pending) {
		omacp_err s;
		omacp_state_pending_clear(fork_state(c));
		s = save_next(c);
		if (s != OMACP_OK)
			return s;
	}
	return e;
}

/* Malformed input: result says so, return e (negative). */
static omacp_err malformed(omacp_client *c, omacp_err e, int sec,
                           const char *from, int from_pending)
{
	c->ready_ = 1;   /* the result and maybe the state change */
	c->res_.verdict = OMACP_REJECTED;
	c->res_.code = e;
	c->res_.sec = sec;
	base_roles(c);
	say(c, "rejected", sec, from, " is malformed (error %d)", (int)e);
	return drop(c, from_pending, e);
}

static omacp_err rejected(omacp_client *c, int from_pending)
{
	c->res_.verdict = OMACP_REJECTED;
	base_roles(c);
	return drop(c, from_pending, OMACP_REJECTED);
}

/* Refused before the document (replay, no IMSI, MAC): reason, code. */
static omacp_err refuse(omacp_client *c, int sec, const char *from,
                        int from_pending, omacp_err code, const char *why)
{
	say(c, "rejected", sec, from, "%s", why);
	c->res_.code = code;
	c->res_.policy = 0;
	return rejected(c, from_pending);
}

/*
 * Decode the body into the document arena.  WBXML: straight into the tree,
 * the whole region after the reassembly slots being the arena (the tree
 * points into the body, which outlives it: process() ends with both; no
 * decoder scratch).  XML: arena doc_len_, expat gets the rest.
 */
static omacp_err decode_doc(omacp_client *c, const omacp_push *p)
{
	omacp_doc_builder b;
	omacp_err e;
	size_t n = p->body.len;

	/* omacp_push_is_provisioning held: a textual type is one of the two
	 * names exactly, and only the XML one has 29 bytes */
	if (p->content_type_code != (int)OMACP_CT_CONNECTIVITY_XML &&
	    !(p->content_type_code == -1 && p->content_type.len == 29u))
		return omacp_wbxml_decode_doc(p->body.ptr, n, c->cfg_.wbxml_flags,
		                              &c->doc_, c->doc_work_,
		                              (size_t)(c->scratch_ + c->scratch_len_ -
		                                       c->doc_work_), NULL);
	omacp_doc_builder_init(&b, &c->doc_, c->doc_work_, c->doc_len_);
#ifndef OMACP_NO_XML
	e = omacp_xml_parse(p->body.ptr, n, c->scratch_, c->scratch_len_,
	                    omacp_doc_builder_event, &b, NULL);
#else
	e = OMACP_E_XML_DISABLED;
#endif
	if (e == OMACP_OK)
		e = omacp_doc_builder_finish(&b);
	else
		(void)omacp_doc_builder_finish(&b);
	return e;
}

/* ------------------------------------------------------------- pipeline */

/* The reason of a message the policy accepted is the policy's line unless
 * a later step writes its own (every writer starts the line anew).  It is
 * written only when the message is done, so that a message rejected later
 * does not pay for it: until then the reason holds just this mark. */
#define POLICY_LINE '\001'

/*
 * Run one completed push PDU.  pin: NULL when none was given (a PIN message
 * then suspends); from_pending: the PDU is the state's pending message.
 */
static omacp_err run(omacp_client *c, const char *from, const uint8_t *pdu,
                     size_t n, const char *pin, int from_pending, uint32_t now)
{
	omacp_push p;
	omacp_policy pol;
	omacp_msg m;
	omacp_cm cm;
	omacp_result *r = &c->res_;
	uint8_t digest[OMACP_MAC_LEN];
	omacp_err e;
	int sec;

	c->ready_ = 1;   /* the result and maybe the state change */
	e = omacp_push_decode(pdu, n, &p);
	if (e != OMACP_OK)
		return malformed(c, e < 0 ? e : OMACP_E_WSP, -1, from, from_pending);
	sec = p.sec;
	/* SEC validity: the MAC must be there and well formed */
	if (!omacp_push_is_provisioning(&p)) {
		e = OMACP_E_CONTENT_TYPE;
	} else if (sec == OMACP_SEC_USERPINMAC) {
		/* no MAC parameter: the replay key is a digest of the body
		 * (HMAC with the empty key; the key pointer is not read) */
		omacp_hmac_sha1(digest, 0, p.body.ptr, p.body.len, digest);
	} else if (sec >= 0) {
		e = p.has_mac ? omacp_sec_mac_parse(p.mac.ptr, p.mac.len, digest)
		              : OMACP_E_SEC_NO_MAC;
	}
	if (e != OMACP_OK)
		return malformed(c, e, sec, from, from_pending);

	/* roles and the signed-message policy, before any PIN prompt */
	omacp_policy_init(&pol, c->cfg_.profile, &c->cfg_.opts, &c->cur_);
	memset(&m, 0, sizeof m);
	m.originator = from;
	m.sec = sec;
	m.push_flag = p.push_flag;
	if (p.has_initiator)
		m.initiator = p.initiator;
	e = omacp__policy_evaluate(&pol, &m, r);
	if (e == OMACP_E_SEC_METHOD)
		return malformed(c, e, sec, from, from_pending);
	if (e != OMACP_ACCEPTED)
		return rejected(c, from_pending);
	r->reason[0] = POLICY_LINE;   /* see process() */
	r->reason[1] = '\0';

	if (sec >= 0) {
		unsigned left;
		/* replay */
		if (omacp_state_replay_seen(&c->cur_, digest))
			return refuse(c, sec, from, from_pending, OMACP_E_REPLAY,
			              " was accepted before (replay)");
		/* authentication */
		if ((sec == OMACP_SEC_NETWPIN || sec == OMACP_SEC_USERNETWPIN) &&
		    c->imsi_[0] == '\0')
			return refuse(c, sec, from, from_pending, OMACP_E_SEC_IMSI,
			              " cannot be verified: no IMSI");
		if (sec != OMACP_SEC_NETWPIN && pin == NULL) {
			/* suspend: keep the PDU in the new state */
			e = omacp_state_pending_set(fork_state(c), from != NULL ? from : "",
			                            pdu, n, now);
			if (e != OMACP_OK)
				return malformed(c, e, sec, from, 0);
			e = save_next(c);
			if (e != OMACP_OK)
				return e;
			r->verdict = OMACP_NEED_PIN;
			r->code = OMACP_OK;
			base_roles(c);
			r->pin_attempts_left = omacp_policy_pin_attempts_left(&pol, &c->cur_);
			say(c, "need-pin", sec, from,
			    " allowed by policy %u; waiting for the PIN (%u attempts left)",
			    r->policy, (uint32_t)r->pin_attempts_left);
			return OMACP_NEED_PIN;
		}
		if (sec == OMACP_SEC_NETWPIN)   /* digest = the MAC, parsed */
			e = omacp_hmac_key_check(&c->netkey_, p.body.ptr, p.body.len,
			                         digest)
			        ? OMACP_OK
			        : OMACP_E_SEC_MISMATCH;
		else
			e = omacp__sec_check((omacp_sec)sec, c->imsi_[0] ? c->imsi_ : NULL,
			                     pin, p.body.ptr, p.body.len, digest);
		if (e == OMACP_E_SEC_PIN && pin != NULL)
			return OMACP_E_SEC_PIN;   /* no attempt spent */
		if (e == OMACP_E_SEC_MISMATCH && sec == OMACP_SEC_NETWPIN)
			return refuse(c, sec, from, from_pending, OMACP_E_SEC_MISMATCH,
			              ": MAC does not verify (authentication failed); discarded");
		if (e == OMACP_E_SEC_MISMATCH) {
			/* a wrong PIN: one attempt spent */
			omacp_state *st = fork_state(c);
			if (st->pin_attempts < 255u)
				st->pin_attempts++;
			left = omacp_policy_pin_attempts_left(&pol, st);
			if (left == 0)
				omacp_state_pending_clear(st);
			e = save_next(c);
			if (e != OMACP_OK)
				return e;
			base_roles(c);
			r->pin_attempts_left = left;
			if (left == 0) {
				say(c, "rejected", sec, from,
				    ": wrong PIN, all %u attempts of policy 4105 spent; message discarded",
				    omacp_policy_get(&pol, OMACP_POLICY_PIN_RETRIES));
				r->verdict = OMACP_REJECTED;
				r->code = OMACP_E_PIN_EXHAUSTED;
				r->policy = OMACP_POLICY_PIN_RETRIES;
				return OMACP_REJECTED;
			}
			say(c, "need-pin", sec, from, ": wrong PIN (%u attempts left)",
			    (uint32_t)left);
			r->verdict = OMACP_NEED_PIN;
			r->code = OMACP_E_SEC_MISMATCH;
			return OMACP_NEED_PIN;
		}
		if (e != OMACP_OK)
			return malformed(c, e, sec, from, from_pending);
	}

	/* the document */
	e = decode_doc(c, &p);
	if (e != OMACP_OK)
		return malformed(c, e, sec, from, from_pending);

	/* Configuration Manager over the final roles (fixed now) */
	fork_state(c);
	if (from_pending)
		omacp_state_pending_clear(&c->next_);
	if (sec >= 0)
		omacp_state_replay_add(&c->next_, digest);
	omacp_cm_init(&cm, c->cfg_.csps, c->cfg_.n_csps, &pol);
	cm.save_state = cm_save;
	cm.save_user = c;
	cm.result_fn = c->cfg_.result_fn;
	cm.result_user = c->cfg_.result_user;
	cm.result_doc = c->cfg_.result_doc;
	c->save_err_ = OMACP_OK;
	e = omacp_cm_process(&cm, &c->doc_, r->roles, &c->cur_, &c->next_, r);
	if (e == OMACP_ACCEPTED) {
		copy_state(&c->cur_, &c->next_);
		r->pin_attempts_left = omacp_policy_pin_attempts_left(&pol, &c->cur_);
		return OMACP_ACCEPTED;
	}
	if (c->save_err_ != OMACP_OK) {
		/* rolled back because the host could not store the state */
		(void)drop(c, from_pending, OMACP_OK);
		return c->save_err_;
	}
	if (e < 0)
		return malformed(c, e, sec, from, from_pending);
	/* the document was processed with its final roles: res keeps them */
	r->verdict = OMACP_REJECTED;
	return drop(c, from_pending, OMACP_REJECTED);
}

static omacp_err process(omacp_client *c, const char *from, const uint8_t *pdu,
                         size_t n, const char *pin, int from_pending,
                         uint32_t now)
{
	omacp_err e = run(c, from, pdu, n, pin, from_pending, now);
	if (c->res_.reason[0] == POLICY_LINE)
		omacp__policy_accepted_line(&c->res_, from);
	return e;
}

/* --------------------------------------------------------------- API */

/* Clear the result; PIN attempts as the state in force says.  The ready_
 * bit RES_CLEAR says it is so and nothing changed since (a segment that
 * only waits for more): the next segment need not clear it again. */
#define RES_CLEAR 2

static void result_start(omacp_client *c)
{
	omacp_policy pol;
	if (c->ready_ & RES_CLEAR)
		return;
	omacp_result_init(&c->res_);
	omacp_policy_init(&pol, c->cfg_.profile, &c->cfg_.opts, &c->cur_);
	c->res_.pin_attempts_left = omacp_policy_pin_attempts_left(&pol, &c->cur_);
	c->ready_ |= RES_CLEAR;
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
	c->ready_ = 1;   /* the state changes */
	return drop(c, 1, OMACP_OK);
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
