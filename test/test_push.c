/*
 * test_push.c - the push transport layer: UDH, reassembly, WSP push decode
 * and encode, SMS segmentation.  The expected bytes come from Kannel's
 * vectors (test/vectors/kannel-*) and from the reference's byte-by-byte
 * example (oma-cp-facts.md 3.7), never from this library's own output.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "omacp/push.h"

/* ------------------------------------------------------------ helpers */

typedef struct seg {
	unsigned index;
	uint8_t *udh, *payload;
	size_t udh_len, payload_len;
	uint8_t *ud; /* udh || payload */
	size_t ud_len;
} seg;

typedef struct vec {
	char *name;
	uint8_t *pdu, *wbxml;
	size_t pdu_len, wbxml_len;
	seg segs[300];
	size_t n_segs;
	char mac[64]; /* "" when null */
	int sec;      /* -1 when null */
	int legacy;
} vec;

/* Parse segments.txt: "INDEX UDH PAYLOAD" lines, '#' comments. */
static size_t read_segments(const char *dir, seg *out, size_t max)
{
	size_t len, n = 0;
	char *t = (char *)tu_read(tu_vpath(dir, "segments.txt"), &len);
	char *line, *save = NULL;
	assert_non_null(t);
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char a[16], b[64], *c;
		if (line[0] == '#' || line[0] == 0)
			continue;
		assert_true(n < max);
		c = malloc(strlen(line) + 1);
		assert_int_equal(sscanf(line, "%15s %63s %s", a, b, c), 3);
		out[n].index = (unsigned)atoi(a);
		out[n].udh = tu_unhex(b, &out[n].udh_len);
		out[n].payload = tu_unhex(c, &out[n].payload_len);
		assert_non_null(out[n].udh);
		assert_non_null(out[n].payload);
		out[n].ud_len = out[n].udh_len + out[n].payload_len;
		out[n].ud = malloc(out[n].ud_len);
		memcpy(out[n].ud, out[n].udh, out[n].udh_len);
		memcpy(out[n].ud + out[n].udh_len, out[n].payload, out[n].payload_len);
		free(c);
		n++;
	}
	free(t);
	return n;
}

static void meta_fields(const char *dir, vec *v)
{
	size_t len;
	char *m = (char *)tu_read(tu_vpath(dir, "meta.json"), &len);
	const char *p;
	assert_non_null(m);
	v->mac[0] = 0;
	v->sec = -1;
	p = strstr(m, "\"mac_kannel\": ");
	assert_non_null(p);
	p += strlen("\"mac_kannel\": ");
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');
		assert_int_equal(q - p - 1, 40);
		memcpy(v->mac, p + 1, 40);
		v->mac[40] = 0;
	}
	p = strstr(m, "\"sec_kannel\": ");
	assert_non_null(p);
	p += strlen("\"sec_kannel\": ");
	if (*p >= '0' && *p <= '9')
		v->sec = *p - '0';
	free(m);
}

static vec *load(const char *dir)
{
	vec *v = calloc(1, sizeof *v);
	v->name = strdup(dir);
	v->legacy = strstr(dir, "legacy") != NULL;
	v->pdu = tu_read_hex(tu_vpath(dir, "pdu.hex"), &v->pdu_len);
	v->wbxml = tu_read_hex(tu_vpath(dir, "wbxml.hex"), &v->wbxml_len);
	assert_non_null(v->pdu);
	assert_non_null(v->wbxml);
	v->n_segs = read_segments(dir, v->segs, 300);
	assert_true(v->n_segs >= 1);
	meta_fields(dir, v);
	return v;
}

static void unload(vec *v)
{
	size_t i;
	for (i = 0; i < v->n_segs; i++) {
		free(v->segs[i].udh);
		free(v->segs[i].payload);
		free(v->segs[i].ud);
	}
	free(v->pdu);
	free(v->wbxml);
	free(v->name);
	free(v);
}

static vec **all_kannel(size_t *n)
{
	char **names;
	size_t k = tu_list_vectors("kannel-", &names), i;
	vec **v = calloc(k, sizeof *v);
	assert_true(k >= 10);
	for (i = 0; i < k; i++)
		v[i] = load(names[i]);
	tu_free_names(names, k);
	*n = k;
	return v;
}

static void free_all(vec **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		unload(v[i]);
	free(v);
}

static int next_perm(unsigned *a, size_t n)
{
	size_t i, j;
	if (n < 2)
		return 0;
	i = n - 1;
	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return 0;
	j = n - 1;
	while (a[j] <= a[i - 1])
		j--;
	{ unsigned t = a[i - 1]; a[i - 1] = a[j]; a[j] = t; }
	for (j = n - 1; i < j; i++, j--) {
		unsigned t = a[i]; a[i] = a[j]; a[j] = t;
	}
	return 1;
}

static const uint16_t ports_all[] = { 2948, 49999 };

/* Feed buffers copied to exactly-sized heap blocks (ASan catches overreads). */
static omacp_err feed_copy(omacp_reasm *r, const char *orig, const uint8_t *ud,
                           size_t n, uint32_t now, uint8_t *out, size_t *out_len)
{
	uint8_t *b = malloc(n ? n : 1);
	omacp_slice d;
	omacp_err e;
	memcpy(b, ud, n);
	e = omacp_reasm_feed(r, orig, b, n, now, &d);
	if (e == OMACP_OK) {
		assert_non_null(out);
		memcpy(out, d.ptr, d.len);
		*out_len = d.len;
	}
	free(b);
	return e;
}

/* ------------------------------------------------ vectors: reassembly */

static void test_vectors_reassemble_every_order(void **state)
{
	size_t nv, i;
	vec **v = all_kannel(&nv);
	(void)state;
	for (i = 0; i < nv; i++) {
		unsigned perm[8];
		size_t n = v[i]->n_segs, k, orders = 0;
		size_t wl = OMACP_REASM_WORK_BYTES(2, 8);
		uint8_t *work = malloc(wl);
		omacp_reasm r;
		omacp_reasm_config cfg = { ports_all, 2, 0 };
		assert_true(n <= 8);
		assert_int_equal(omacp_reasm_init(&r, work, wl, 2, 8, &cfg), OMACP_OK);
		for (k = 0; k < n; k++)
			perm[k] = (unsigned)k;
		do {
			uint8_t out[2048];
			size_t out_len = 0;
			for (k = 0; k < n; k++) {
				const seg *s = &v[i]->segs[perm[k]];
				omacp_err e = feed_copy(&r, "+491701234567", s->ud,
				                        s->ud_len, 1000, out, &out_len);
				if (k + 1 < n) {
					assert_int_equal(e, OMACP_MORE);
				} else {
					assert_int_equal(e, OMACP_OK);
				}
			}
			assert_int_equal(out_len, v[i]->pdu_len);
			assert_memory_equal(out, v[i]->pdu, out_len);
			assert_int_equal(omacp_reasm_pending(&r), 0);
			orders++;
		} while (next_perm(perm, n));
		assert_true(orders >= 1);
		free(work);
	}
	free_all(v, nv);
}

/* Without the legacy port in the accepted set, legacy segments are not
 * ours; Kannel's OMA ones are (default port 2948). */
static void test_vectors_port_filter(void **state)
{
	size_t nv, i;
	vec **v = all_kannel(&nv);
	(void)state;
	for (i = 0; i < nv; i++) {
		size_t wl = OMACP_REASM_WORK_BYTES(1, 4);
		uint8_t work[OMACP_REASM_WORK_BYTES(1, 4)];
		omacp_reasm r;
		omacp_slice d;
		omacp_err e;
		assert_int_equal(omacp_reasm_init(&r, work, wl, 1, 4, NULL), OMACP_OK);
		e = omacp_reasm_feed(&r, "x", v[i]->segs[0].ud, v[i]->segs[0].ud_len, 0, &d);
		if (v[i]->legacy)
			assert_int_equal(e, OMACP_NOT_PUSH);
		else
			assert_true(e == OMACP_MORE || e == OMACP_OK);
	}
	free_all(v, nv);
}

/* ------------------------------------------------ vectors: WSP decode */

static void test_vectors_decode(void **state)
{
	size_t nv, i;
	vec **v = all_kannel(&nv);
	(void)state;
	for (i = 0; i < nv; i++) {
		omacp_push p;
		uint8_t *b = malloc(v[i]->pdu_len);
		memcpy(b, v[i]->pdu, v[i]->pdu_len);
		assert_int_equal(omacp_push_decode(b, v[i]->pdu_len, &p), OMACP_OK);
		assert_int_equal(p.tid, 1);
		assert_int_equal(p.pdu_type, 6);
		assert_int_equal(p.body.len, v[i]->wbxml_len);
		assert_memory_equal(p.body.ptr, v[i]->wbxml, v[i]->wbxml_len);
		assert_int_equal(p.has_app_id, 0);
		assert_int_equal(p.has_initiator, 0);
		assert_int_equal(p.push_flag, -1);
		if (v[i]->legacy) {
			assert_int_equal(p.content_type_code, -1);
			assert_true(omacp_slice_eq(p.content_type,
			            "application/x-wap-prov.browser-settings"));
			assert_int_equal(p.sec, -1);
			assert_int_equal(p.has_mac, 0);
			assert_int_equal(omacp_push_is_provisioning(&p), 0);
			assert_int_equal(p.headers.len, 44);
		} else {
			assert_int_equal(p.content_type_code, 0x36);
			assert_int_equal(p.sec, v[i]->sec);
			assert_int_equal(p.has_mac, 1);
			assert_int_equal(p.mac.len, 40);
			assert_memory_equal(p.mac.ptr, v[i]->mac, 40);
			assert_int_equal(omacp_push_is_provisioning(&p), 1);
			assert_int_equal(p.headers.len, 47);
		}
		free(b);
	}
	free_all(v, nv);
}

/* --------------------------------------- vectors: encode and segment */

typedef struct seg_cap {
	const vec *v;
	size_t count;
	unsigned total;
	uint8_t all[70000];
	size_t all_len;
	int check; /* compare against v->segs */
} seg_cap;

static omacp_err cap_fn(void *user, unsigned index, unsigned total,
                        const uint8_t *udh, size_t udh_len,
                        const uint8_t *payload, size_t payload_len)
{
	seg_cap *c = user;
	assert_int_equal(index, c->count + 1);
	assert_true(udh_len + payload_len <= 140);
	c->total = total;
	if (c->check) {
		const seg *s = &c->v->segs[c->count];
		assert_true(c->count < c->v->n_segs);
		assert_int_equal(s->index, index);
		assert_int_equal(udh_len, s->udh_len);
		assert_memory_equal(udh, s->udh, udh_len);
		assert_int_equal(payload_len, s->payload_len);
		assert_memory_equal(payload, s->payload, payload_len);
	}
	memcpy(c->all + c->all_len, udh, udh_len);
	memcpy(c->all + c->all_len + udh_len, payload, payload_len);
	c->all_len += udh_len + payload_len;
	c->count++;
	return OMACP_OK;
}

static void test_vectors_encode_and_segment(void **state)
{
	size_t nv, i;
	vec **v = all_kannel(&nv);
	(void)state;
	for (i = 0; i < nv; i++) {
		omacp_push_params pp;
		omacp_seg_params sp;
		uint8_t out[2048];
		size_t len;
		seg_cap *c;
		omacp_sms m;
		if (v[i]->legacy)
			continue;
		omacp_push_params_init(&pp);
		pp.sec = v[i]->sec;
		pp.mac = v[i]->mac;
		assert_int_equal(omacp_push_encode(&pp, v[i]->wbxml, v[i]->wbxml_len,
		                                   out, sizeof out, &len), OMACP_OK);
		assert_int_equal(len, v[i]->pdu_len);
		assert_memory_equal(out, v[i]->pdu, len);
		/* Kannel: source port 2948, its reference (from its first UDH) */
		assert_int_equal(omacp_sms_parse(v[i]->segs[0].ud, v[i]->segs[0].ud_len, &m), OMACP_OK);
		memset(&sp, 0, sizeof sp);
		sp.src_port = 2948;
		sp.ref = m.ref;
		c = calloc(1, sizeof *c);
		c->v = v[i];
		c->check = 1;
		assert_int_equal(omacp_sms_segment(out, len, &sp, cap_fn, c), OMACP_OK);
		assert_int_equal(c->count, v[i]->n_segs);
		free(c);
	}
	free_all(v, nv);
}

/* ------------------------------------- the 3.7 byte-by-byte example */

static const char ex_body[] = "030B6A00C54601C65601870706035465737400010101";
static const char ex_mac[] = "BAA186A0F7802E017A4A69B214921DB16EF26512";
static const char ex_pdu[] =
	"01062F1F2DB6918192"
	"42414131383641304637383032453031374134413639423231343932314442313645463236353132"
	"00" "030B6A00C54601C65601870706035465737400010101";

static void test_example_37(void **state)
{
	size_t bl, pl, len;
	uint8_t *body = tu_unhex(ex_body, &bl), *pdu = tu_unhex(ex_pdu, &pl);
	uint8_t out[256];
	omacp_push_params pp;
	omacp_push p;
	seg_cap *c = calloc(1, sizeof *c);
	static const uint8_t udh[] = { 0x06, 0x05, 0x04, 0x0B, 0x84, 0x0B, 0x84 };
	omacp_seg_params sp = { 0, 2948, 0, 0 };
	(void)state;
	assert_int_equal(pl, 72);
	omacp_push_params_init(&pp);
	pp.sec = 1;
	pp.mac = ex_mac;
	assert_int_equal(omacp_push_encode(&pp, body, bl, out, sizeof out, &len), OMACP_OK);
	assert_int_equal(len, 72);
	assert_memory_equal(out, pdu, 72);
	/* decode it back, field by field */
	assert_int_equal(omacp_push_decode(pdu, pl, &p), OMACP_OK);
	assert_int_equal(p.tid, 1);
	assert_int_equal(p.pdu_type, 6);
	assert_int_equal(p.headers.len, 47);
	assert_ptr_equal(p.headers.ptr, pdu + 3);
	assert_int_equal(p.content_type_code, 0x36);
	assert_int_equal(p.sec, 1);
	assert_true(omacp_slice_eq(p.mac, ex_mac));
	assert_ptr_equal(p.body.ptr, pdu + 50);
	assert_int_equal(p.body.len, 22);
	/* one SMS: UD of 79 octets */
	assert_int_equal(omacp_sms_segment(pdu, pl, &sp, cap_fn, c), OMACP_OK);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->all_len, 79);
	assert_memory_equal(c->all, udh, 7);
	assert_memory_equal(c->all + 7, pdu, 72);
	/* too small an output buffer */
	assert_int_equal(omacp_push_encode(&pp, body, bl, out, 71, &len), OMACP_E_NOMEM);
	assert_int_equal(len, 72);
	assert_int_equal(omacp_push_encode(&pp, body, bl, NULL, 0, &len), OMACP_E_NOMEM);
	assert_int_equal(len, 72);
	free(c);
	free(body);
	free(pdu);
}

/* Optional headers, with the encodings the reference gives:
 * AF 82 (wml.ua), B4 83, B1 'http://tps.example/' 00. */
static void test_encode_optional_headers(void **state)
{
	static const uint8_t body[] = { 0x03, 0x0B, 0x6A, 0x00 };
	uint8_t out[256];
	size_t len, el;
	omacp_push_params pp;
	omacp_push p;
	uint8_t *exp;
	(void)state;
	omacp_push_params_init(&pp);
	pp.app_id_code = 2;
	pp.initiator = "http://tps.example/";
	pp.push_flag = 3;
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_OK);
	exp = tu_unhex("0106" "1A" "B6" "AF82" "B1" "687474703A2F2F7470732E6578616D706C652F" "00"
	               "B483" "030B6A00", &el);
	assert_int_equal(len, el);
	assert_memory_equal(out, exp, el);
	free(exp);
	assert_int_equal(omacp_push_decode(out, len, &p), OMACP_OK);
	assert_int_equal(p.content_type_code, 0x36);
	assert_int_equal(p.sec, -1);
	assert_int_equal(p.has_mac, 0);
	assert_int_equal(p.has_app_id, 1);
	assert_int_equal(p.app_id_code, 2);
	assert_int_equal(p.has_initiator, 1);
	assert_true(omacp_slice_eq(p.initiator, "http://tps.example/"));
	assert_int_equal(p.push_flag, 3);
	assert_int_equal(p.body.len, 4);

	/* long-integer app id 0x9011 (x-oma-vodafone:otaprov.ua), URI app id */
	omacp_push_params_init(&pp);
	pp.app_id_code = 0x9011;
	assert_int_equal(omacp_push_encode(&pp, body, 0, out, sizeof out, &len), OMACP_OK);
	exp = tu_unhex("010605B6AF029011", &el);
	assert_int_equal(len, el);
	assert_memory_equal(out, exp, el);
	free(exp);
	omacp_push_params_init(&pp);
	pp.app_id_uri = "x-wap-application:wml.ua";
	pp.tid = 0x42;
	pp.content_type_code = 0x35;
	assert_int_equal(omacp_push_encode(&pp, body, 0, out, sizeof out, &len), OMACP_OK);
	assert_int_equal(out[0], 0x42);
	assert_int_equal(out[3], 0xB5);
	assert_int_equal(out[4], 0xAF);
	assert_memory_equal(out + 5, "x-wap-application:wml.ua", 25);
	assert_int_equal(omacp_push_decode(out, len, &p), OMACP_OK);
	assert_int_equal(p.app_id_code, -1);
	assert_true(omacp_slice_eq(p.app_id_uri, "x-wap-application:wml.ua"));
	assert_int_equal(omacp_push_is_provisioning(&p), 1);

	/* bad parameters */
	omacp_push_params_init(&pp);
	pp.sec = 4;
	pp.mac = ex_mac;
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_E_ARG);
	pp.sec = 0;
	pp.mac = "BAA186A0F7802E017A4A69B214921DB16EF2651";
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_E_ARG);
	pp.mac = "BAA186A0F7802E017A4A69B214921DB16EF2651G";
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_E_ARG);
	pp.mac = NULL;
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_E_ARG);
	omacp_push_params_init(&pp);
	pp.push_flag = 128;
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_E_ARG);
	/* lowercase MAC is copied as given */
	omacp_push_params_init(&pp);
	pp.sec = 0;
	pp.mac = "baa186a0f7802e017a4a69b214921db16ef26512";
	assert_int_equal(omacp_push_encode(&pp, body, 4, out, sizeof out, &len), OMACP_OK);
	assert_memory_equal(out + 9, pp.mac, 40);
	assert_int_equal(out[7], 0x80);
}

/* ------------------------------------------- WSP decode: hand-made PDUs */

static omacp_err dec_hex(const char *hex, omacp_push *p, uint8_t **keep)
{
	size_t n;
	uint8_t *b = tu_unhex(hex, &n);
	omacp_err e;
	assert_non_null(b);
	e = omacp_push_decode(b, n, p);
	if (keep)
		*keep = b;
	else
		free(b);
	return e;
}

static void test_decode_forms(void **state)
{
	omacp_push p;
	uint8_t *b;
	(void)state;
	/* constrained short integer, ConfirmedPush, empty body */
	assert_int_equal(dec_hex("070701B6", &p, NULL), OMACP_OK);
	assert_int_equal(p.tid, 7);
	assert_int_equal(p.pdu_type, 7);
	assert_int_equal(p.content_type_code, 0x36);
	assert_int_equal(p.body.len, 0);
	/* constrained extension media */
	assert_int_equal(dec_hex("01061E" "746578742F766E642E7761702E636F6E6E6563746976697479"
	                         "2D786D6C00" "3C61", &p, &b), OMACP_OK);
	assert_int_equal(p.content_type_code, -1);
	assert_true(omacp_slice_eq(p.content_type, "text/vnd.wap.connectivity-xml"));
	assert_int_equal(omacp_push_is_provisioning(&p), 1);
	assert_int_equal(p.body.len, 2);
	free(b);
	/* case-insensitive textual type, in the general form */
	{
		static const char t[] = "APPLICATION/Vnd.Wap.Connectivity-WBXML";
		uint8_t buf[64];
		buf[0] = 1; buf[1] = 6; buf[2] = (uint8_t)(sizeof t + 2);
		buf[3] = 0x1F; buf[4] = (uint8_t)sizeof t; /* 39 > 30: length quote */
		memcpy(buf + 5, t, sizeof t);
		assert_int_equal(omacp_push_decode(buf, 5 + sizeof t, &p), OMACP_OK);
		assert_int_equal(p.content_type_code, -1);
		assert_int_equal(p.content_type.len, sizeof t - 1);
		assert_int_equal(omacp_push_is_provisioning(&p), 1);
		buf[5 + 12] = 'X';
		assert_int_equal(omacp_push_decode(buf, 5 + sizeof t, &p), OMACP_OK);
		assert_int_equal(omacp_push_is_provisioning(&p), 0);
	}
	/* an unknown well-known header skipped as text */
	assert_int_equal(dec_hex("01060A" "06" "412F422D5800" "8133" "00", &p, &b), OMACP_OK);
	assert_true(omacp_slice_eq(p.content_type, "A/B-X"));
	free(b);
	/* general form, long-integer media (0x0201), charset */
	assert_int_equal(dec_hex("010606" "05" "020201" "81EA", &p, NULL), OMACP_OK);
	assert_int_equal(p.content_type_code, 0x0201);
	assert_int_equal(omacp_push_is_provisioning(&p), 0);
	/* general form, textual media with charset, value-length as 1F uintvar */
	assert_int_equal(dec_hex("01060A" "1F08" "412F4200" "8A00" "9180", &p, &b), OMACP_OK);
	assert_true(omacp_slice_eq(p.content_type, "A/B"));
	free(b);
	assert_int_equal(p.sec, 0);
	assert_int_equal(dec_hex("01060A" "1F08" "412F4200" "8A00" "9100", &p, NULL), OMACP_E_WSP);
	/* typed SEC and MAC with a quote */
	assert_int_equal(dec_hex("01060A" "09" "B6" "9183" "92" "22" "414243" "00", &p, &b), OMACP_OK);
	assert_int_equal(p.sec, 3);
	assert_int_equal(p.has_mac, 1);
	assert_true(omacp_slice_eq(p.mac, "ABC"));
	free(b);
	/* untyped SEC (text name, integer) and MAC (text name, quoted text) */
	assert_int_equal(dec_hex("01060F" "0E" "B6" "53454300" "82" "6D616300" "22" "414200", &p, &b), OMACP_OK);
	assert_int_equal(p.sec, 2);
	assert_true(omacp_slice_eq(p.mac, "AB"));
	free(b);
	/* untyped SEC with a method name, long-integer SEC, unknown untyped */
	assert_int_equal(dec_hex("010612" "11" "B6" "73656300" "5553455250494E00" "5800" "0100", &p, NULL), OMACP_OK);
	assert_int_equal(p.sec, 1);
	assert_int_equal(dec_hex("010608" "07" "B6" "53454300" "0100", &p, NULL), OMACP_OK);
	assert_int_equal(p.sec, 0);
	assert_int_equal(dec_hex("010608" "07" "B6" "53454300" "0104", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010608" "07" "B6" "53454300" "3400", &p, NULL), OMACP_E_WSP);
	/* unknown typed parameters: Q (uintvar), text, value-length, short */
	assert_int_equal(dec_hex("010612" "11" "B6" "808F01" "8561626300" "8602AABB" "87C7" "9181", &p, NULL), OMACP_OK);
	assert_int_equal(p.sec, 1);
	/* headers: Content-Length, an unknown well-known header with a
	 * value-length, one with a 1F-quoted length, one with text, a textual
	 * header, a page shift, and the three push headers */
	assert_int_equal(dec_hex("010628" "B6" "8D8A" "A9020102" "A91F03010203" "A6616200"
	                         "582D4100766100" "AF8A" "B17F6900" "B481"
	                         "7F02" "AF0102" "01" "B481"
	                         "EE", &p, &b), OMACP_OK);
	assert_int_equal(p.has_content_length, 1);
	assert_int_equal(p.content_length, 10);
	assert_int_equal(p.app_id_code, 10);
	assert_true(omacp_slice_eq(p.initiator, "i"));
	assert_int_equal(p.push_flag, 1);
	assert_int_equal(p.body.len, 1);
	assert_int_equal(p.body.ptr[0], 0xEE);
	free(b);
}

static void test_decode_hostile(void **state)
{
	omacp_push p;
	(void)state;
	assert_int_equal(dec_hex("", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("01", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("0106", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010801B6", &p, NULL), OMACP_E_WSP_PDU_TYPE);
	assert_int_equal(dec_hex("010601", &p, NULL), OMACP_E_WSP);      /* hlen past end */
	assert_int_equal(dec_hex("010600", &p, NULL), OMACP_E_WSP);      /* no content type */
	assert_int_equal(dec_hex("010602B6", &p, NULL), OMACP_E_WSP);
	/* uintvar of 6 octets; 5 octets above 32 bits; 5 octets fine */
	assert_int_equal(dec_hex("0106808080808001B6", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("0106A080808001B6", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010680808080" "01B6", &p, NULL), OMACP_OK);
	/* value length past the end of the headers block / of the PDU */
	assert_int_equal(dec_hex("010603" "1F10B6", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010602" "05B6" "00000000", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010603" "B6A905" "0000000000", &p, NULL), OMACP_E_WSP);
	/* SEC 0x85, SEC not a short integer, SEC missing */
	assert_int_equal(dec_hex("010604" "03B69185", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010604" "03B69101", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010603" "02B691", &p, NULL), OMACP_E_WSP);
	/* unterminated MAC, initiator, textual content type */
	assert_int_equal(dec_hex("010604" "03B69241" "00", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010603" "B6B169" "00", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010602" "4142" "00", &p, NULL), OMACP_E_WSP);
	/* Push-Flag not a short integer; NUL where a header name belongs */
	assert_int_equal(dec_hex("010603" "B6B401", &p, NULL), OMACP_E_WSP);
	assert_int_equal(dec_hex("010602" "B600", &p, NULL), OMACP_E_WSP);
	/* long integer over 32 bits */
	assert_int_equal(dec_hex("010608" "B6AF050102030405", &p, NULL), OMACP_E_WSP);
	/* media long integer with zero length */
	assert_int_equal(dec_hex("010602" "0100", &p, NULL), OMACP_E_WSP);
	assert_int_equal(omacp_push_decode(NULL, 3, &p), OMACP_E_ARG);
}

/* Every truncation of every vector PDU (in an exactly-sized heap block):
 * an error, or a parse whose slices all lie inside the shorter input. */
static void test_decode_truncations(void **state)
{
	size_t nv, i, k;
	vec **v = all_kannel(&nv);
	(void)state;
	for (i = 0; i < nv; i++) {
		for (k = 0; k <= v[i]->pdu_len; k++) {
			uint8_t *b = malloc(k ? k : 1);
			omacp_push p;
			omacp_err e;
			memcpy(b, v[i]->pdu, k);
			e = omacp_push_decode(b, k, &p);
			if (e == OMACP_OK) {
				assert_true(p.headers.ptr >= b + 3);
				assert_true(p.body.ptr == p.headers.ptr + p.headers.len);
				assert_true(p.body.ptr + p.body.len == b + k);
				assert_true(k >= v[i]->pdu_len - v[i]->wbxml_len);
				assert_int_equal(p.body.len, k - (v[i]->pdu_len - v[i]->wbxml_len));
			} else {
				assert_true(e == OMACP_E_WSP);
				assert_true(k < v[i]->pdu_len - v[i]->wbxml_len);
			}
			free(b);
		}
	}
	free_all(v, nv);
}

/* ------------------------------------------------------ UDH parsing */

static omacp_err parse_hex(const char *hex, omacp_sms *m)
{
	size_t n;
	uint8_t *b = tu_unhex(hex, &n);
	omacp_err e = omacp_sms_parse(b, n, m);
	free(b);
	return e;
}

static void test_udh(void **state)
{
	omacp_sms m;
	(void)state;
	assert_int_equal(parse_hex("0605040B8423F0AABB", &m), OMACP_OK);
	assert_int_equal(m.has_ports, 1);
	assert_int_equal(m.dst_port, 2948);
	assert_int_equal(m.src_port, 9200);
	assert_int_equal(m.has_concat, 0);
	assert_int_equal(m.udh.len, 7);
	assert_int_equal(m.payload.len, 2);
	/* 8-bit ports, 16-bit concat, an unknown IE (0x24, 2 bytes) skipped */
	assert_int_equal(parse_hex("0E" "2402AAAA" "0402FE01" "08041234" "0302", &m), OMACP_OK);
	assert_int_equal(m.dst_port, 0xFE);
	assert_int_equal(m.src_port, 1);
	assert_int_equal(m.ref16, 1);
	assert_int_equal(m.ref, 0x1234);
	assert_int_equal(m.total, 3);
	assert_int_equal(m.seq, 2);
	assert_int_equal(m.payload.len, 0);
	/* empty UDH */
	assert_int_equal(parse_hex("00", &m), OMACP_OK);
	assert_int_equal(m.has_ports, 0);
	/* malformed */
	assert_int_equal(parse_hex("", &m), OMACP_E_UDH);
	assert_int_equal(parse_hex("07" "05040B840B84", &m), OMACP_E_UDH);   /* UDHL past data */
	assert_int_equal(parse_hex("01" "05", &m), OMACP_E_UDH);             /* IEI without IEDL */
	assert_int_equal(parse_hex("03" "0503AABB", &m), OMACP_E_UDH);       /* ports IE length 3 */
	assert_int_equal(parse_hex("05" "0503AABBCC", &m), OMACP_E_UDH);
	assert_int_equal(parse_hex("06" "0005AABBCC", &m), OMACP_E_UDH);     /* IE past UDH */
	assert_int_equal(parse_hex("05" "0002AABB", &m), OMACP_E_UDH);       /* concat length 2 */
	assert_int_equal(parse_hex("06" "080302020201", &m), OMACP_E_UDH);
	assert_int_equal(parse_hex("04" "0402AABB" "00", &m) == OMACP_OK, 1);
	assert_int_equal(parse_hex("03" "0401AA", &m), OMACP_E_UDH);
	/* bad concatenation numbers */
	assert_int_equal(parse_hex("05" "00030A0001", &m), OMACP_E_CONCAT);  /* total 0 */
	assert_int_equal(parse_hex("05" "00030A0200", &m), OMACP_E_CONCAT);  /* seq 0 */
	assert_int_equal(parse_hex("05" "00030A0203", &m), OMACP_E_CONCAT);  /* seq > total */
}

/* ----------------------------------------------------- reassembly */

static uint8_t *mk_seg(uint16_t dst, uint8_t ref, uint8_t total, uint8_t seq,
                       const uint8_t *pl, size_t pl_len, size_t *n)
{
	uint8_t *b = malloc(12 + pl_len);
	b[0] = 11; b[1] = 5; b[2] = 4;
	b[3] = (uint8_t)(dst >> 8); b[4] = (uint8_t)dst; b[5] = 0x23; b[6] = 0xF0;
	b[7] = 0; b[8] = 3; b[9] = ref; b[10] = total; b[11] = seq;
	memcpy(b + 12, pl, pl_len);
	*n = 12 + pl_len;
	return b;
}

static omacp_err feed_seg(omacp_reasm *r, const char *orig, uint8_t ref,
                          uint8_t total, uint8_t seq, uint8_t fill, size_t len,
                          uint32_t now, omacp_slice *d)
{
	uint8_t pl[128], *b;
	size_t n;
	omacp_err e;
	memset(pl, fill, sizeof pl);
	b = mk_seg(2948, ref, total, seq, pl, len, &n);
	e = omacp_reasm_feed(r, orig, b, n, now, d);
	free(b);
	return e;
}

static void test_reasm_init(void **state)
{
	uint8_t work[OMACP_REASM_WORK_BYTES(2, 3)];
	omacp_reasm r;
	(void)state;
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work - 1, 2, 3, NULL), OMACP_E_NOMEM);
	assert_int_equal(omacp_reasm_init(&r, NULL, 0, 2, 3, NULL), OMACP_E_NOMEM);
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 0, 3, NULL), OMACP_E_ARG);
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 2, 0, NULL), OMACP_E_ARG);
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 2, 256, NULL), OMACP_E_ARG);
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 2, 3, NULL), OMACP_OK);
	assert_int_equal(omacp_reasm_pending(&r), 0);
	/* the firmware sizes the header promises */
	assert_true(OMACP_REASM_WORK_BYTES(1, 3) <= 512);
	assert_true(OMACP_REASM_WORK_BYTES(2, 11) <= 3072);
}

static void test_reasm_single_and_ports(void **state)
{
	uint8_t work[OMACP_REASM_WORK_BYTES(1, 2)];
	omacp_reasm r;
	omacp_slice d;
	size_t n;
	uint8_t *b;
	static const uint16_t mine[] = { 9200, 2949 };
	omacp_reasm_config cfg = { mine, 2, 0 };
	(void)state;
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 1, 2, NULL), OMACP_OK);
	b = tu_unhex("0605040B840B84" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_OK);
	assert_ptr_equal(d.ptr, b + 7); /* zero copy */
	assert_int_equal(d.len, 2);
	free(b);
	/* no port IE; other port; 8-bit ports */
	b = tu_unhex("00" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_NOT_PUSH);
	free(b);
	b = tu_unhex("050003010101" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_NOT_PUSH);
	free(b);
	b = tu_unhex("0605040B850B84" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_NOT_PUSH);
	free(b);
	b = tu_unhex("04040284C0" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_NOT_PUSH);
	free(b);
	/* a concatenation IE with total 1 is delivered at once */
	b = tu_unhex("0B05040B840B84000307" "0101" "AB", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_OK);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.ptr[0], 0xAB);
	free(b);
	/* malformed UDH comes back as an error, even for a port we ignore */
	b = tu_unhex("0705040B840B84", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_E_UDH);
	free(b);
	b = tu_unhex("0B05040B840B84000307" "0203", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_E_CONCAT);
	free(b);
	/* configured ports */
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 1, 2, &cfg), OMACP_OK);
	b = tu_unhex("0605040B840B84" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_NOT_PUSH);
	free(b);
	b = tu_unhex("0605040B850B84" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_OK);
	free(b);
	b = tu_unhex("060504" "23F0" "0B84" "0106", &n);
	assert_int_equal(omacp_reasm_feed(&r, "a", b, n, 0, &d), OMACP_OK);
	free(b);
	/* NULL arguments */
	assert_int_equal(omacp_reasm_feed(&r, "a", NULL, 3, 0, &d), OMACP_E_ARG);
}

static void test_reasm_keys_dups_conflicts(void **state)
{
	uint8_t work[OMACP_REASM_WORK_BYTES(4, 4)];
	omacp_reasm r;
	omacp_slice d;
	(void)state;
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 4, 4, NULL), OMACP_OK);
	/* same ref, different totals: different messages */
	assert_int_equal(feed_seg(&r, "A", 5, 2, 1, 0x11, 128, 0, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "A", 5, 3, 1, 0x22, 128, 0, &d), OMACP_MORE);
	assert_int_equal(omacp_reasm_pending(&r), 2);
	/* same ref and total from another originator: another message */
	assert_int_equal(feed_seg(&r, "B", 5, 2, 2, 0x33, 10, 0, &d), OMACP_MORE);
	assert_int_equal(omacp_reasm_pending(&r), 3);
	/* identical duplicate ignored */
	assert_int_equal(feed_seg(&r, "A", 5, 2, 1, 0x11, 128, 0, &d), OMACP_MORE);
	assert_int_equal(omacp_reasm_pending(&r), 3);
	/* completes A/5/2 with the right bytes */
	assert_int_equal(feed_seg(&r, "A", 5, 2, 2, 0x44, 3, 0, &d), OMACP_OK);
	assert_int_equal(d.len, 131);
	assert_int_equal(d.ptr[0], 0x11);
	assert_int_equal(d.ptr[127], 0x11);
	assert_int_equal(d.ptr[128], 0x44);
	assert_int_equal(d.ptr[130], 0x44);
	assert_int_equal(omacp_reasm_pending(&r), 2);
	/* delivered once: the last segment again starts a new message */
	assert_int_equal(feed_seg(&r, "A", 5, 2, 2, 0x44, 3, 0, &d), OMACP_MORE);
	assert_int_equal(omacp_reasm_pending(&r), 3);
	/* conflicting duplicate drops the slot */
	assert_int_equal(feed_seg(&r, "A", 5, 3, 1, 0x23, 128, 0, &d), OMACP_E_CONFLICT);
	assert_int_equal(omacp_reasm_pending(&r), 2);
	assert_int_equal(feed_seg(&r, "B", 5, 2, 2, 0x33, 11, 0, &d), OMACP_E_CONFLICT);
	assert_int_equal(omacp_reasm_pending(&r), 1);
	/* seq > total */
	assert_int_equal(feed_seg(&r, "A", 5, 2, 3, 0x11, 1, 0, &d), OMACP_E_CONCAT);
	/* total above max_segs */
	assert_int_equal(feed_seg(&r, "A", 5, 5, 1, 0x11, 1, 0, &d), OMACP_E_LIMIT);
	/* a segment with an empty payload */
	assert_int_equal(feed_seg(&r, "C", 1, 2, 2, 0, 0, 0, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "C", 1, 2, 1, 0x55, 2, 0, &d), OMACP_OK);
	assert_int_equal(d.len, 2);
	/* user data over 140 octets */
	{
		uint8_t big[12 + 131];
		size_t n;
		uint8_t *b = mk_seg(2948, 9, 2, 1, big, 131, &n);
		assert_int_equal(omacp_reasm_feed(&r, "C", b, n, 0, &d), OMACP_E_UDH);
		free(b);
	}
	/* originators longer than OMACP_MAX_ADDR compare on their prefix */
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 4, 4, NULL), OMACP_OK);
	assert_int_equal(feed_seg(&r, "123456789012345678901234567890", 1, 2, 1, 1, 5, 0, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "123456789012345678901234", 1, 2, 2, 1, 5, 0, &d), OMACP_OK);
	assert_int_equal(feed_seg(&r, NULL, 1, 2, 1, 1, 5, 0, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "", 1, 2, 2, 1, 5, 0, &d), OMACP_OK);
}

static void test_reasm_expiry(void **state)
{
	uint8_t work[OMACP_REASM_WORK_BYTES(2, 2)];
	omacp_reasm r;
	omacp_slice d;
	omacp_reasm_config cfg = { NULL, 0, 10 };
	(void)state;
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 2, 2, NULL), OMACP_OK);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 1, 1, 5, 1000, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 2, 2, 5, 1300, &d), OMACP_OK); /* 300 s: kept */
	assert_int_equal(feed_seg(&r, "A", 1, 2, 1, 1, 5, 1000, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 2, 2, 5, 1301, &d), OMACP_MORE); /* expired */
	assert_int_equal(omacp_reasm_pending(&r), 1);
	/* a clock that goes back expires nothing */
	assert_int_equal(feed_seg(&r, "A", 1, 2, 1, 1, 5, 1200, &d), OMACP_OK);
	/* configured expiry; time wraps around 2^32 */
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 2, 2, &cfg), OMACP_OK);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 1, 1, 5, 0xFFFFFFF0u, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 2, 2, 5, 0xFFFFFFF9u, &d), OMACP_OK);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 1, 1, 5, 0xFFFFFFF0u, &d), OMACP_MORE);
	assert_int_equal(feed_seg(&r, "A", 1, 2, 2, 2, 5, 5, &d), OMACP_MORE);
	assert_int_equal(omacp_reasm_pending(&r), 1);
}

/* Many originators each start a 255-part message that never completes.
 * The slots are evicted oldest first; a genuine message that arrives
 * between them still completes. */
static void test_reasm_flood(void **state)
{
	size_t wl = OMACP_REASM_WORK_BYTES(4, 255);
	uint8_t *work = malloc(wl);
	omacp_reasm r;
	omacp_slice d;
	unsigned i;
	char orig[32];
	(void)state;
	assert_int_equal(omacp_reasm_init(&r, work, wl, 4, 255, NULL), OMACP_OK);
	for (i = 0; i < 1000; i++) {
		snprintf(orig, sizeof orig, "+4900%u", i);
		assert_int_equal(feed_seg(&r, orig, (uint8_t)i, 255, (uint8_t)(1 + i % 255), 0x66, 128, i / 10, &d), OMACP_MORE);
		assert_true(omacp_reasm_pending(&r) <= 4);
	}
	assert_int_equal(omacp_reasm_pending(&r), 4);
	/* genuine, interleaved with flood (fewer than 4 new floods in between) */
	assert_int_equal(feed_seg(&r, "+491701234567", 7, 3, 2, 0xB2, 128, 200, &d), OMACP_MORE);
	for (i = 0; i < 1; i++) {
		snprintf(orig, sizeof orig, "+4911%u", i);
		assert_int_equal(feed_seg(&r, orig, 1, 255, 1, 0x66, 128, 200, &d), OMACP_MORE);
	}
	assert_int_equal(feed_seg(&r, "+491701234567", 7, 3, 1, 0xB1, 128, 200, &d), OMACP_MORE);
	for (i = 0; i < 2; i++) {
		snprintf(orig, sizeof orig, "+4922%u", i);
		assert_int_equal(feed_seg(&r, orig, 1, 255, 1, 0x66, 128, 200, &d), OMACP_MORE);
	}
	assert_int_equal(feed_seg(&r, "+491701234567", 7, 3, 3, 0xB3, 40, 200, &d), OMACP_OK);
	assert_int_equal(d.len, 296);
	assert_int_equal(d.ptr[0], 0xB1);
	assert_int_equal(d.ptr[128], 0xB2);
	assert_int_equal(d.ptr[295], 0xB3);
	/* a genuine message that is pushed out by 4 newer ones is lost, cleanly */
	assert_int_equal(feed_seg(&r, "G", 8, 2, 1, 0xC1, 128, 300, &d), OMACP_MORE);
	for (i = 0; i < 4; i++) {
		snprintf(orig, sizeof orig, "+4933%u", i);
		assert_int_equal(feed_seg(&r, orig, 1, 255, 1, 0x66, 128, 300, &d), OMACP_MORE);
	}
	assert_int_equal(feed_seg(&r, "G", 8, 2, 2, 0xC2, 128, 300, &d), OMACP_MORE);
	free(work);
}

/* ------------------------------------------------ segmentation limits */

static void test_segment_sizes(void **state)
{
	size_t big_len = 255 * 128 + 1, n;
	uint8_t *big = malloc(big_len);
	seg_cap *c = calloc(1, sizeof *c);
	omacp_seg_params sp = { 0, 0, 0xAB, 0 };
	size_t wl = OMACP_REASM_WORK_BYTES(1, 255);
	uint8_t *work = malloc(wl);
	omacp_reasm r;
	size_t i, off;
	(void)state;
	for (i = 0; i < big_len; i++)
		big[i] = (uint8_t)(i * 7 + i / 256);
	/* 133 octets: one SMS; 134: two of 128 + 6, default ports */
	assert_int_equal(omacp_sms_segment(big, 133, NULL, cap_fn, c), OMACP_OK);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->all_len, 140);
	assert_int_equal(c->all[0], 6);
	assert_int_equal(c->all[5], 0x23);
	assert_int_equal(c->all[6], 0xF0);
	memset(c, 0, sizeof *c);
	assert_int_equal(omacp_sms_segment(big, 134, &sp, cap_fn, c), OMACP_OK);
	assert_int_equal(c->count, 2);
	assert_int_equal(c->all_len, 140 + 12 + 6);
	{
		size_t el;
		uint8_t *exp = tu_unhex("0B05040B8423F00003AB0201", &el);
		assert_memory_equal(c->all, exp, 12);
		exp[11] = 2;
		assert_memory_equal(c->all + 140, exp, 12);
		free(exp);
	}
	/* 255 segments: the largest message; reassembled in every 7th order */
	memset(c, 0, sizeof *c);
	assert_int_equal(omacp_sms_segment(big, 255 * 128, &sp, cap_fn, c), OMACP_OK);
	assert_int_equal(c->count, 255);
	assert_int_equal(c->total, 255);
	assert_int_equal(c->all_len, 255 * 140);
	assert_int_equal(omacp_reasm_init(&r, work, wl, 1, 255, NULL), OMACP_OK);
	for (i = 0; i < 255; i++) {
		size_t k = (i * 7) % 255; /* 7 is prime to 255: a permutation */
		omacp_slice d;
		omacp_err e = omacp_reasm_feed(&r, "x", c->all + k * 140, 140, 0, &d);
		if (i < 254) {
			assert_int_equal(e, OMACP_MORE);
		} else {
			assert_int_equal(e, OMACP_OK);
			assert_int_equal(d.len, 255 * 128);
			assert_memory_equal(d.ptr, big, 255 * 128);
		}
	}
	/* 256 segments needed */
	memset(c, 0, sizeof *c);
	assert_int_equal(omacp_sms_segment(big, big_len, &sp, cap_fn, c), OMACP_E_SEGMENTS);
	assert_int_equal(c->count, 0);
	/* 16-bit reference: 127 octets each, 255 * 127 fits, one more does not */
	sp.ref16 = 1;
	sp.ref = 0xBEEF;
	sp.dst_port = 2949;
	memset(c, 0, sizeof *c);
	assert_int_equal(omacp_sms_segment(big, 255 * 127, &sp, cap_fn, c), OMACP_OK);
	assert_int_equal(c->count, 255);
	{
		size_t el;
		uint8_t *exp = tu_unhex("0C05040B8523F00804BEEFFF01", &el);
		assert_memory_equal(c->all, exp, 13);
		free(exp);
	}
	off = 0;
	for (i = 0; i < 255; i++) {
		omacp_sms m;
		assert_int_equal(omacp_sms_parse(c->all + off, 140, &m), OMACP_OK);
		assert_int_equal(m.ref, 0xBEEF);
		assert_int_equal(m.seq, i + 1);
		assert_memory_equal(m.payload.ptr, big + i * 127, 127);
		off += 140;
	}
	memset(c, 0, sizeof *c);
	assert_int_equal(omacp_sms_segment(big, 255 * 127 + 1, &sp, cap_fn, c), OMACP_E_SEGMENTS);
	/* 8-bit reference above 255; no callback */
	sp.ref16 = 0;
	assert_int_equal(omacp_sms_segment(big, 10, &sp, cap_fn, c), OMACP_E_ARG);
	assert_int_equal(omacp_sms_segment(big, 10, NULL, NULL, c), OMACP_E_ARG);
	(void)n;
	free(work);
	free(c);
	free(big);
}

static omacp_err stop_fn(void *user, unsigned index, unsigned total,
                         const uint8_t *udh, size_t udh_len,
                         const uint8_t *payload, size_t payload_len)
{
	(void)user; (void)total; (void)udh; (void)udh_len; (void)payload; (void)payload_len;
	return index == 2 ? OMACP_E_NOMEM : OMACP_OK;
}

static void test_segment_callback_error(void **state)
{
	uint8_t pdu[300] = { 0 };
	(void)state;
	assert_int_equal(omacp_sms_segment(pdu, sizeof pdu, NULL, stop_fn, NULL), OMACP_E_NOMEM);
}

/* Every field of the key tells messages apart: 8- and 16-bit reference of
 * the same value, the source port; a failed init leaves nothing pending
 * and a reassembler that refuses segments. */
static void test_reasm_key_fields(void **state)
{
	static const char *const sms[] = {
		"0B05040B8423F0000305" "0201" "A1",
		"0C05040B8423F008040005" "0201" "B1",
		"0B05040B840000000305" "0201" "C1",
		"0C05040B8423F008040005" "0202" "B2",
		"0B05040B840000000305" "0202" "C2",
		"0B05040B8423F0000305" "0202" "A2",
	};
	static const uint8_t first[3] = { 0xB1, 0xC1, 0xA1 };
	uint8_t work[OMACP_REASM_WORK_BYTES(4, 2)];
	omacp_reasm r;
	omacp_slice d;
	size_t n;
	uint8_t *b;
	unsigned i;
	(void)state;
	assert_int_equal(omacp_reasm_init(&r, work, sizeof work, 4, 2, NULL), OMACP_OK);
	for (i = 0; i < 6; i++) {
		b = tu_unhex(sms[i], &n);
		assert_int_equal(omacp_reasm_feed(&r, "+4912", b, n, 7, &d), i < 3 ? OMACP_MORE : OMACP_OK);
		if (i >= 3) {
			assert_int_equal(d.len, 2);
			assert_int_equal(d.ptr[0], first[i - 3]);
			assert_int_equal(d.ptr[1], b[n - 1]);
		}
		assert_int_equal(omacp_reasm_pending(&r), i < 3 ? i + 1 : 5 - i);
		free(b);
	}
	assert_int_equal(omacp_reasm_init(&r, NULL, sizeof work, 4, 2, NULL), OMACP_E_NOMEM);
	assert_int_equal(omacp_reasm_pending(&r), 0);
	b = tu_unhex(sms[0], &n);
	assert_int_equal(omacp_reasm_feed(&r, "+4912", b, n, 7, &d), OMACP_E_ARG);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_reassemble_every_order),
		cmocka_unit_test(test_vectors_port_filter),
		cmocka_unit_test(test_vectors_decode),
		cmocka_unit_test(test_vectors_encode_and_segment),
		cmocka_unit_test(test_example_37),
		cmocka_unit_test(test_encode_optional_headers),
		cmocka_unit_test(test_decode_forms),
		cmocka_unit_test(test_decode_hostile),
		cmocka_unit_test(test_decode_truncations),
		cmocka_unit_test(test_udh),
		cmocka_unit_test(test_reasm_init),
		cmocka_unit_test(test_reasm_single_and_ports),
		cmocka_unit_test(test_reasm_keys_dups_conflicts),
		cmocka_unit_test(test_reasm_expiry),
		cmocka_unit_test(test_reasm_flood),
		cmocka_unit_test(test_segment_sizes),
		cmocka_unit_test(test_segment_callback_error),
		cmocka_unit_test(test_reasm_key_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
