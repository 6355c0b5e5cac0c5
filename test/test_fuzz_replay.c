/*
 * test_fuzz_replay - the cmocka fuzz harness ("fuzzed via cmocka harness").
 *
 * For every fuzz entry point (test/fuzz/fuzz.h) it
 *   1. builds the seed corpus from the independent vectors (test/vectors),
 *      adds test/fuzz/corpus/<entry>/ and test/fuzz/regressions/<entry>/,
 *      and replays all of it;
 *   2. runs a deterministic mutation loop (fixed seed; OMACP_FUZZ_ITERS
 *      mutations per entry, default 100000, times a weight of up to 10 for
 *      the cheap entries): bit flips, byte sets and
 *      arithmetic, inserts, deletes, duplications, splices of two inputs,
 *      length-field edits (1- and 2-byte lengths, overlong and overflowing
 *      mb_u_int32 / uintvar), token-dictionary inserts (test/fuzz/dict),
 *      truncation.
 * An entry that crashes, trips a sanitizer or aborts on a broken invariant
 * kills the run; before dying the harness writes the input to
 * fuzz-crash-<entry>.bin (in $OMACP_FUZZ_CRASH_DIR, else next to the harness)
 * and prints the iteration, so it can be turned into a regression input.
 *
 * Usage:
 *   test_fuzz_replay                       the cmocka run (make check)
 *   test_fuzz_replay ENTRY FILE...         replay files through one entry
 *   test_fuzz_replay --export DIR          write the seed corpora to DIR/<entry>/
 *   test_fuzz_replay --list                list the entries (linked or not)
 * Environment: OMACP_FUZZ_ITERS (mutations per entry), OMACP_FUZZ_SEED,
 * OMACP_FUZZ_ONLY (comma-separated entry names).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"
#include "fuzz/fuzz.h"
#include "omacp/omacp.h"
#include "omacp/state.h"

#define FUZZ_DIR OMACP_TEST_VECTORS "/../fuzz"
#define EXAMPLES_DIR OMACP_TEST_VECTORS "/../../examples"
#define FUZZ_MAX_INPUT 16384u

/* Entries written by other layers may not be linked yet while the tree is
 * being built: weak references let the harness run the ones present. */
#define WEAK __attribute__((weak))
WEAK int fuzz_wbxml(const uint8_t *, size_t);
WEAK int fuzz_xml(const uint8_t *, size_t);
WEAK int fuzz_wsp(const uint8_t *, size_t);
WEAK int fuzz_reasm(const uint8_t *, size_t);
WEAK int fuzz_sec(const uint8_t *, size_t);
WEAK int fuzz_state(const uint8_t *, size_t);
WEAK int fuzz_client(const uint8_t *, size_t);

/* ------------------------------------------------------------ corpora */

typedef struct input {
	uint8_t *p;
	size_t n;
	char *origin; /* file or description, for messages */
} input;

typedef struct corpus {
	input *v;
	size_t n, cap;
} corpus;

static void corpus_add(corpus *c, const uint8_t *p, size_t n, const char *origin)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		assert_non_null(c->v);
	}
	c->v[c->n].p = malloc(n ? n : 1);
	assert_non_null(c->v[c->n].p);
	if (n)
		memcpy(c->v[c->n].p, p, n);
	c->v[c->n].n = n;
	c->v[c->n].origin = strdup(origin);
	c->n++;
}

static void corpus_free(corpus *c)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].p);
		free(c->v[i].origin);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* Add every regular file of dir (sorted, names starting with '.' skipped). */
static void corpus_add_dir(corpus *c, const char *dir)
{
	char **names;
	size_t n = 0, cap = 0, i;
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	names = NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			names = realloc(names, cap * sizeof *names);
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		size_t j;
		for (j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	}
	for (i = 0; i < n; i++) {
		char path[1024];
		uint8_t *p;
		size_t len;
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (p = tu_read(path, &len)) != NULL) {
			corpus_add(c, p, len, path);
			free(p);
		}
		free(names[i]);
	}
	free(names);
}

/* Per-folder files of the vectors: the names of folders with `prefix`. */
static void add_vector_files(corpus *c, const char *prefix, const char *file, int hex)
{
	char **names;
	size_t n = tu_list_vectors(prefix, &names), i;
	for (i = 0; i < n; i++) {
		const char *path = tu_vpath(names[i], file);
		size_t len;
		uint8_t *p = hex ? tu_read_hex(path, &len) : tu_read(path, &len);
		if (p) {
			corpus_add(c, p, len, path);
			free(p);
		}
	}
	tu_free_names(names, n);
}

/* A JSON string field "key": "value" (first occurrence) of meta.json, or "". */
static void meta_string(const char *meta, const char *key, char *out, size_t cap)
{
	char pat[64];
	const char *p;
	size_t i = 0;
	out[0] = 0;
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	p = meta ? strstr(meta, pat) : NULL;
	if (!p)
		return;
	p += strlen(pat);
	while (*p && *p != '"' && i + 1 < cap)
		out[i++] = *p++;
	out[i] = 0;
}

static void seeds_reasm(corpus *c)
{
	char **names;
	size_t n = tu_list_vectors("kannel-", &names), i;
	uint8_t buf[FUZZ_MAX_INPUT];
	for (i = 0; i < n; i++) {
		/* fuzz_reasm (fuzz_push.c): byte 0 picks the originator, then
		 * [len][TP-UD] records */
		size_t k = tu_read_sms(names[i], buf + 1, sizeof buf - 1);
		buf[0] = 0;
		if (k)
			corpus_add(c, buf, k + 1, tu_vpath(names[i], "segments.txt"));
	}
	tu_free_names(names, n);
}

/*
 * fuzz_client input (see fuzz_client.c): [flags][inject][imsi_len][imsi]
 * [pin_len][pin][state_len u16 BE][state] then records [ctl][len][UD].
 */
static size_t client_input(const char *dir, unsigned flags, unsigned inject,
                           unsigned ctl, const char *pin, uint8_t *out, size_t cap)
{
	char imsi[32], *meta;
	size_t ml, k = 0, segs, i, pl = strlen(pin);
	uint8_t recs[FUZZ_MAX_INPUT];
	meta = (char *)tu_read(tu_vpath(dir, "meta.json"), &ml);
	meta_string(meta, "imsi", imsi, sizeof imsi);
	free(meta);
	if (!imsi[0])
		strcpy(imsi, "001010123456789");
	segs = tu_read_sms(dir, recs, sizeof recs);
	if (!segs || 5 + strlen(imsi) + pl + 2 + 2 * segs > cap)
		return 0;
	out[k++] = (uint8_t)flags;
	out[k++] = (uint8_t)inject;
	out[k++] = (uint8_t)strlen(imsi);
	memcpy(out + k, imsi, strlen(imsi));
	k += strlen(imsi);
	out[k++] = (uint8_t)pl;
	memcpy(out + k, pin, pl);
	k += pl;
	out[k++] = 0; /* no state blob: a fresh device */
	out[k++] = 0;
	for (i = 0; i < segs;) {
		size_t l = recs[i];
		out[k++] = (uint8_t)ctl;
		memcpy(out + k, recs + i, 1 + l);
		k += 1 + l;
		i += 1 + l;
	}
	return k;
}

#ifndef OMACP_NO_XML
/* ---- generated client seeds: the sending side of the library builds
 * messages that reach the built-in CSPs (bootstrap, trusted PPG, TPS,
 * SecurityPolicy).  Seeds only: nothing is compared against them. */

typedef struct recbuf {
	uint8_t *p;
	size_t n;
	unsigned ctl, last_ctl; /* ctl of every segment; extra bits of the last */
} recbuf;

static omacp_err seg_record(void *user, unsigned index, unsigned total,
                            const uint8_t *udh, size_t udh_len,
                            const uint8_t *payload, size_t payload_len)
{
	recbuf *r = user;
	r->p[r->n++] = (uint8_t)(r->ctl | (index == total ? r->last_ctl : 0u));
	r->p[r->n++] = (uint8_t)(udh_len + payload_len);
	memcpy(r->p + r->n, udh, udh_len);
	memcpy(r->p + r->n + udh_len, payload, payload_len);
	r->n += udh_len + payload_len;
	return OMACP_OK;
}

/* XML text -> WBXML body -> (signed) push -> SMS records appended to r.
 * sec -1: unsigned.  xml_body: send the XML text itself (connectivity-xml). */
static int gen_message(recbuf *r, const char *xml, int sec, const char *pin,
                       int push_flag, const char *initiator, int xml_body,
                       unsigned ctl, unsigned last_ctl, uint16_t ref)
{
	static const char imsi[] = "262011234567890";
	size_t xl = strlen(xml), wl = OMACP_XML_WORK_BYTES(strlen(xml)), bl = 0, pl = 0;
	uint8_t *xw = malloc(wl), *body = malloc(8192), *pdu = malloc(8192);
	omacp_wbxml_encoder enc;
	omacp_push_params pp;
	omacp_seg_params sp;
	char mac[OMACP_MAC_HEX_LEN + 1];
	int ok = 0;

	if (xml_body) {
		memcpy(body, xml, xl);
		bl = xl;
	} else {
		omacp_wbxml_encoder_init(&enc, body, 8192, NULL, 0, 0);
		if (omacp_xml_parse((const uint8_t *)xml, xl, xw, wl, omacp_wbxml_encoder_event,
		                    &enc, NULL) != OMACP_OK ||
		    omacp_wbxml_encoder_finish(&enc, &bl) != OMACP_OK)
			goto out;
	}
	omacp_push_params_init(&pp);
	pp.content_type_code = xml_body ? OMACP_CT_CONNECTIVITY_XML : OMACP_CT_CONNECTIVITY_WBXML;
	pp.sec = sec;
	if (sec >= 0) {
		if (omacp_sec_sign((omacp_sec)sec, imsi, pin, body, bl, mac) != OMACP_OK)
			goto out;
		pp.mac = mac;
	}
	pp.push_flag = push_flag;
	pp.initiator = initiator;
	if (omacp_push_encode(&pp, body, bl, pdu, 8192, &pl) != OMACP_OK)
		goto out;
	memset(&sp, 0, sizeof sp);
	sp.ref = ref;
	r->ctl = ctl;
	r->last_ctl = last_ctl;
	ok = omacp_sms_segment(pdu, pl, &sp, seg_record, r) == OMACP_OK;
out:
	free(xw);
	free(body);
	free(pdu);
	return ok;
}

static const char doc_secpolicy[] =
	"<wap-provisioningdoc version=\"1.1\">"
	"<characteristic type=\"SecurityPolicy\">"
	"<parm name=\"4105\" value=\"5\"/><parm name=\"4119\" value=\"132\"/>"
	"<noparm name=\"4110\"/><parm-query name=\"4141\"/>"
	"</characteristic>"
	"<characteristic-query type=\"BOOTSTRAP\"/>"
	"<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" value=\"https://tps2.example.com/p\"/></characteristic>"
	"</wap-provisioningdoc>";

/* Client input header: flags, no injection, IMSI 262011234567890, PIN
 * "1234", a state with the given policy overrides (the OEM settings that
 * open OTA bootstrap, reference/wm-security-model.md). */
static size_t client_header(uint8_t *out, unsigned flags, const uint32_t *pol, size_t npol)
{
	static const char imsi[] = "262011234567890";
	omacp_state *st = malloc(sizeof *st);
	size_t k = 0, bl = 0, i;
	out[k++] = (uint8_t)flags;
	out[k++] = 0;
	out[k++] = 15;
	memcpy(out + k, imsi, 15);
	k += 15;
	out[k++] = 4;
	memcpy(out + k, "1234", 4);
	k += 4;
	omacp_state_init(st);
	for (i = 0; i < npol; i++)
		omacp_state_policy_set(st, pol[2 * i], pol[2 * i + 1]);
	if (npol == 0 || omacp_state_save(st, out + k + 2, OMACP_STATE_BLOB_MAX, &bl) != OMACP_OK)
		bl = 0;
	out[k++] = (uint8_t)(bl >> 8);
	out[k++] = (uint8_t)bl;
	free(st);
	return k + bl;
}

static void seeds_client_generated(corpus *c)
{
	static const char *files[] = {"bootstrap.xml", "tps-update.xml"};
	/* WM65 as the OEM opens it: 4119 = OPERATOR|OPERATOR_TPS, 4143 = 7296 */
	static const uint32_t wm_open[] = {4119, 132, 4143, 7296};
	static const uint32_t oma_open[] = {4119, 132, 4110, 1152};
	static const char tps[] = "http://tps.example.com/provisioning";
	char *doc[2] = {NULL, NULL};
	size_t len, i;
	recbuf r;
	r.p = malloc(FUZZ_MAX_INPUT * 4);
	for (i = 0; i < 2; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/seed/%s", EXAMPLES_DIR, files[i]);
		doc[i] = (char *)tu_read(path, &len);
		if (!doc[i])
			goto done;
	}
	for (i = 0; i < 5; i++) {
		/* The seed flow: bootstrap from the SMSC, then the TPS update through
		 * the trusted PPG 9201612 (originator 1) with Push-Flag 1 and the
		 * PROVURL as initiator, then a SecurityPolicy document the same
		 * way.  0: WM65 + USERNETWPIN; 1: OMA + NETWPIN; 2: as 1 with XML
		 * bodies; 3: as 0 with a restart after every SMS; 4: as 1 with the
		 * result document. */
		int wm = i == 0 || i == 3, xml_body = i == 2;
		unsigned restart = i == 3 ? 4u : 0u;
		r.n = client_header(r.p, wm ? 0u : (i == 4 ? 9u : 1u), wm ? wm_open : oma_open, 2);
		if (!gen_message(&r, doc[0], wm ? 2 : 0, "1234", 0, NULL, xml_body, 0, restart, 7) ||
		    !gen_message(&r, doc[1], -1, NULL, 1, tps, xml_body, 1, restart, 8) ||
		    !gen_message(&r, doc_secpolicy, -1, NULL, 3, tps, xml_body, 1, restart, 9))
			continue;
		corpus_add(c, r.p, r.n, "generated: bootstrap, TPS update, SecurityPolicy");
	}
	/* factory WM65: the same bootstrap is refused; a USERPIN SecurityPolicy
	 * from an unknown sender too */
	r.n = client_header(r.p, 0, NULL, 0);
	if (gen_message(&r, doc[0], 2, "1234", 0, NULL, 0, 0, 0, 3) &&
	    gen_message(&r, doc_secpolicy, 1, "1234", 0, NULL, 0, 2, 0, 4))
		corpus_add(c, r.p, r.n, "generated: WM65 refusals");
done:
	free(doc[0]);
	free(doc[1]);
	free(r.p);
}

#endif /* OMACP_NO_XML */

static void seeds_client(corpus *c)
{
	static const struct {
		unsigned flags, inject, ctl;
		const char *pin;
	} v[] = {
		{0, 0, 0, "1234"},        /* WM65 profile: signed messages refused */
		{1, 0, 0, "1234"},        /* OMA profile: USERPIN accepted */
		{1, 0, 0, "12342945"},    /* the right USERPINMAC PIN for kannel-04 */
		{1, 0, 0, "0000"},        /* wrong PIN */
		{1, 0, 4, "1234"},        /* restart after every SMS */
		{1, 0, 8, "1234"},        /* never submit the PIN */
		{1, 0x02, 0, "1234"},     /* apply of item 0 fails: rollback */
		{1, 0x07, 0, "1234"},     /* commit of item 1 fails */
		{1, 0x20, 0, "1234"},     /* odd save_state calls fail */
		{9, 0, 0, "1234"},        /* result document */
		{0x15, 0, 0, "1234"},     /* restricted CSP roles, unknown types ignored */
	};
	char **names;
	size_t n = tu_list_vectors("kannel-", &names), i, j;
	uint8_t buf[FUZZ_MAX_INPUT];
	for (i = 0; i < n; i++)
		for (j = 0; j < sizeof v / sizeof v[0]; j++) {
			size_t k = client_input(names[i], v[j].flags, v[j].inject, v[j].ctl,
			                        v[j].pin, buf, sizeof buf);
			char what[600];
			snprintf(what, sizeof what, "%s flags=%u inject=%u ctl=%u pin=%s", names[i],
			         v[j].flags, v[j].inject, v[j].ctl, v[j].pin);
			if (k)
				corpus_add(c, buf, k, what);
		}
	tu_free_names(names, n);
#ifndef OMACP_NO_XML
	seeds_client_generated(c);
#endif
}

/* fuzz_sec input (see fuzz_sec.c): IMSI 0x00 PIN 0x00 BODY, also read as
 * MAC text.  Seeds: each signed vector's IMSI, PIN and body, and its MAC. */
static void seeds_sec(corpus *c)
{
	char **names;
	size_t n = tu_list_vectors("kannel-", &names), i;
	for (i = 0; i < n; i++) {
		char *meta, mac[64], asc[64], imsi[32], line[256];
		size_t ml, bl, k;
		uint8_t *body, *buf;
		meta = (char *)tu_read(tu_vpath(names[i], "meta.json"), &ml);
		meta_string(meta, "mac_kannel", mac, sizeof mac);
		meta_string(meta, "ascii", asc, sizeof asc);
		meta_string(meta, "imsi", imsi, sizeof imsi);
		free(meta);
		if (mac[0]) {
			snprintf(line, sizeof line, "%s", mac);
			corpus_add(c, (const uint8_t *)line, strlen(line), names[i]);
			snprintf(line, sizeof line, "\"%s", mac);
			corpus_add(c, (const uint8_t *)line, strlen(line), names[i]);
		}
		body = tu_read_hex(tu_vpath(names[i], "wbxml.hex"), &bl);
		if (!body)
			continue;
		buf = malloc(bl + 64);
		k = (size_t)snprintf((char *)buf, 64, "%s", imsi[0] ? imsi : "001010123456789") + 1;
		k += (size_t)snprintf((char *)buf + k, 32, "%s", asc[0] ? asc : "1234") + 1;
		memcpy(buf + k, body, bl);
		corpus_add(c, buf, k + bl, tu_vpath(names[i], "wbxml.hex"));
		free(buf);
		free(body);
	}
	tu_free_names(names, n);
	corpus_add(c, (const uint8_t *)"262011234567890\0" "12342945", 24, "userpinmac pin");
}

static void seeds_wbxml(corpus *c)
{
	size_t len;
	uint8_t *p;
	add_vector_files(c, "libwbxml-", "wbxml.hex", 1);
	add_vector_files(c, "libwbxml-", "wbxml-nostrtbl.hex", 1);
	add_vector_files(c, "kannel-", "wbxml.hex", 1);
	if ((p = tu_read_hex(EXAMPLES_DIR "/bootstrap.wbxml.hex", &len)) != NULL) {
		corpus_add(c, p, len, "examples/bootstrap.wbxml.hex");
		free(p);
	}
}

static void seeds_xml(corpus *c)
{
	add_vector_files(c, "libwbxml-", "input.xml", 0);
	add_vector_files(c, "libwbxml-", "roundtrip.xml", 0);
	add_vector_files(c, "kannel-", "libwbxml-decoded.xml", 0);
	corpus_add_dir(c, EXAMPLES_DIR "/seed");
}

static void seeds_wsp(corpus *c)
{
	add_vector_files(c, "kannel-", "pdu.hex", 1);
}

static void add_state(corpus *c, const omacp_state *st, const char *what)
{
	uint8_t *blob = malloc(OMACP_STATE_BLOB_MAX);
	size_t len;
	if (omacp_state_save(st, blob, OMACP_STATE_BLOB_MAX, &len) == OMACP_OK)
		corpus_add(c, blob, len, what);
	free(blob);
}

/* State blobs written through the state API: empty, each table used, and
 * every table full. */
static void seeds_state(corpus *c)
{
	omacp_state *st = malloc(sizeof *st);
	uint8_t digest[OMACP_STATE_DIGEST_LEN], *pdu;
	size_t n, i;
	char addr[32];

	omacp_state_init(st);
	add_state(c, st, "empty state");
	omacp_state_policy_set(st, 4104, 1);
	omacp_state_policy_set(st, 4141, 0);
	st->flags |= OMACP_STATE_F_BOOTSTRAPPED;
	omacp_state_tps_add(st, "http://tps.example/prov", 23);
	omacp_state_ppg_set(st, "+491701234567", 13, OMACP_PPG_PUSH | OMACP_PPG_TRUSTED);
	for (i = 0; i < sizeof digest; i++)
		digest[i] = (uint8_t)(i * 7);
	omacp_state_replay_add(st, digest);
	add_state(c, st, "one of each");
	pdu = tu_read_hex(tu_vpath("kannel-07_bootstrap_provurl-userpin", "pdu.hex"), &n);
	if (pdu) {
		omacp_state_pending_set(st, "+491701234567", pdu, n, 1000);
		st->pin_attempts = 2;
		add_state(c, st, "pending message, 2 attempts");
		free(pdu);
	}
	for (i = 0; i < OMACP_STATE_MAX_POLICIES; i++)
		omacp_state_policy_set(st, 4096 + (uint32_t)i, (uint32_t)i);
	for (i = 0; i < OMACP_STATE_MAX_TPS; i++) {
		char url[OMACP_STATE_URL_MAX + 1];
		memset(url, 'a' + (int)i, OMACP_STATE_URL_MAX);
		omacp_state_tps_add(st, url, OMACP_STATE_URL_MAX);
	}
	for (i = 0; i < OMACP_STATE_MAX_PPGS; i++) {
		snprintf(addr, sizeof addr, "+4917%019zu", i);
		omacp_state_ppg_set(st, addr, strlen(addr) < OMACP_MAX_ADDR ? strlen(addr) : OMACP_MAX_ADDR, OMACP_PPG_PUSH);
	}
	for (i = 0; i < OMACP_STATE_MAX_REPLAY + 3; i++) {
		digest[0] = (uint8_t)i;
		omacp_state_replay_add(st, digest);
	}
	add_state(c, st, "every table full");
	free(st);
}

/* ------------------------------------------------------------ entries */

typedef struct entry {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
	void (*seeds)(corpus *);
	const char *dict; /* file in test/fuzz/dict */
	unsigned weight;  /* mutations = weight x OMACP_FUZZ_ITERS (cheap entries get more) */
} entry;

static entry entries[7];

static void entries_init(void)
{
	entry e[] = {
		{"fuzz_wbxml", fuzz_wbxml, seeds_wbxml, "wbxml.dict", 2},
		{"fuzz_xml", fuzz_xml, seeds_xml, "xml.dict", 1},
		{"fuzz_wsp", fuzz_wsp, seeds_wsp, "wsp.dict", 10},
		{"fuzz_reasm", fuzz_reasm, seeds_reasm, "sms.dict", 10},
		{"fuzz_sec", fuzz_sec, seeds_sec, "sec.dict", 1},
		{"fuzz_state", fuzz_state, seeds_state, "state.dict", 1},
		{"fuzz_client", fuzz_client, seeds_client, "client.dict", 1},
	};
	memcpy(entries, e, sizeof e);
}

static const entry *entry_find(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof entries / sizeof entries[0]; i++)
		if (!strcmp(entries[i].name, name) || !strcmp(entries[i].name + 5, name))
			return &entries[i];
	return NULL;
}

/* The full seed corpus of an entry: vectors, corpus dir, regressions. */
static void entry_corpus(const entry *e, corpus *c)
{
	char dir[1024];
	e->seeds(c);
	snprintf(dir, sizeof dir, "%s/corpus/%s", FUZZ_DIR, e->name);
	corpus_add_dir(c, dir);
	snprintf(dir, sizeof dir, "%s/regressions/%s", FUZZ_DIR, e->name);
	corpus_add_dir(c, dir);
}

/* -------------------------------------------------------- dictionaries */

typedef struct dict {
	uint8_t (*tok)[64];
	uint8_t *len;
	size_t n;
} dict;

static int hexdig(int ch)
{
	if (ch >= '0' && ch <= '9') return ch - '0';
	if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
	return -1;
}

/* libFuzzer / AFL dictionary format: one `name="value"` (or `"value"`) per
 * line, \xNN, \\ and \" escapes, '#' comments. */
static void dict_load(dict *d, const char *file)
{
	char path[1024];
	size_t len;
	char *t, *line, *save = NULL;
	memset(d, 0, sizeof *d);
	snprintf(path, sizeof path, "%s/dict/%s", FUZZ_DIR, file);
	t = (char *)tu_read(path, &len);
	if (!t)
		return;
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *q = strchr(line, '"');
		uint8_t tok[64];
		size_t k = 0;
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '#' || !q)
			continue;
		for (q++; *q && *q != '"' && k < sizeof tok; q++) {
			if (*q == '\\' && q[1] == 'x' && hexdig(q[2]) >= 0 && hexdig(q[3]) >= 0) {
				tok[k++] = (uint8_t)(hexdig(q[2]) << 4 | hexdig(q[3]));
				q += 3;
			} else if (*q == '\\' && q[1]) {
				tok[k++] = (uint8_t)*++q;
			} else {
				tok[k++] = (uint8_t)*q;
			}
		}
		if (!k)
			continue;
		d->tok = realloc(d->tok, (d->n + 1) * sizeof *d->tok);
		d->len = realloc(d->len, d->n + 1);
		memcpy(d->tok[d->n], tok, k);
		d->len[d->n] = (uint8_t)k;
		d->n++;
	}
	free(t);
}

static void dict_free(dict *d)
{
	free(d->tok);
	free(d->len);
	memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------ mutator */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: fixed seed, same sequence on every machine */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static size_t rndn(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* Insert n bytes at pos (clipped to the capacity). */
static size_t ins(uint8_t *b, size_t len, size_t pos, const uint8_t *src, size_t n)
{
	if (len + n > FUZZ_MAX_INPUT)
		n = FUZZ_MAX_INPUT - len;
	memmove(b + pos + n, b + pos, len - pos);
	memcpy(b + pos, src, n);
	return len + n;
}

static const uint8_t interesting[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0B, 0x1F, 0x20, 0x22,
	0x3C, 0x3E, 0x40, 0x41, 0x45, 0x7F, 0x80, 0x81, 0x83, 0x84, 0x8F, 0xC3,
	0xC4, 0xC5, 0xFE, 0xFF};

/* Multi-byte lengths: mb_u_int32 (WBXML) and uintvar (WSP) share the
 * encoding; overlong, maximal, overflowing and unterminated forms. */
static const uint8_t mbints[][7] = {
	{1, 0x00},
	{2, 0x81, 0x00},
	{2, 0xFF, 0x7F},
	{5, 0x80, 0x80, 0x80, 0x80, 0x00},
	{5, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F},
	{5, 0x90, 0x80, 0x80, 0x80, 0x00},
	{5, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F},
	{6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
	{4, 0xFF, 0xFF, 0xFF, 0xFF},
	{2, 0x1F, 0xFF},
	{6, 0x1F, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F},
};

static size_t mutate_once(uint8_t *b, size_t len, const corpus *c, const dict *d)
{
	size_t pos = rndn(len + 1), n, i;
	uint8_t tmp[64];
	switch (rndn(14)) {
	case 0: /* bit flip */
		if (len)
			b[rndn(len)] ^= (uint8_t)(1u << rndn(8));
		break;
	case 1: /* random byte */
		if (len)
			b[rndn(len)] = (uint8_t)rnd();
		break;
	case 2: /* interesting byte */
		if (len)
			b[rndn(len)] = interesting[rndn(sizeof interesting)];
		break;
	case 3: /* arithmetic */
		if (len) {
			i = rndn(len);
			b[i] = (uint8_t)(b[i] + (rndn(2) ? 1 : -1) * (int)(1 + rndn(35)));
		}
		break;
	case 4: /* insert random bytes */
		n = 1 + rndn(8);
		for (i = 0; i < n; i++)
			tmp[i] = (uint8_t)rnd();
		len = ins(b, len, pos, tmp, n);
		break;
	case 5: /* delete a range */
		if (len) {
			pos = rndn(len);
			n = 1 + rndn(len - pos < 16 ? len - pos : 16);
			memmove(b + pos, b + pos + n, len - pos - n);
			len -= n;
		}
		break;
	case 6: /* duplicate a range elsewhere */
		if (len) {
			size_t from = rndn(len);
			n = 1 + rndn(len - from < 64 ? len - from : 64);
			memcpy(tmp, b + from, n);
			len = ins(b, len, rndn(len + 1), tmp, n);
		}
		break;
	case 7: { /* splice: head of this input, tail of another */
		const input *o = &c->v[rndn(c->n)];
		size_t from = rndn(o->n + 1);
		n = o->n - from;
		if (pos + n > FUZZ_MAX_INPUT)
			n = FUZZ_MAX_INPUT - pos;
		memcpy(b + pos, o->p + from, n);
		len = pos + n;
		break;
	}
	case 8: /* 1-byte length edit */
		if (len) {
			size_t rest;
			i = rndn(len);
			rest = len - i - 1;
			switch (rndn(6)) {
			case 0: b[i] = 0; break;
			case 1: b[i] = (uint8_t)(rest > 255 ? 255 : rest); break;
			case 2: b[i] = (uint8_t)(rest + 1); break;
			case 3: b[i] = (uint8_t)(rest ? rest - 1 : 0); break;
			case 4: b[i] = (uint8_t)(b[i] + 1); break;
			default: b[i] = (uint8_t)(b[i] - 1); break;
			}
		}
		break;
	case 9: /* 2-byte big-endian length edit */
		if (len >= 2) {
			static const uint16_t v16[] = {0, 1, 0x7FFF, 0x8000, 0xFFFF, 140, 141, 255, 256};
			uint16_t v = v16[rndn(sizeof v16 / sizeof v16[0])];
			i = rndn(len - 1);
			b[i] = (uint8_t)(v >> 8);
			b[i + 1] = (uint8_t)v;
		}
		break;
	case 10: { /* multi-byte integer, replacing one byte */
		const uint8_t *m = mbints[rndn(sizeof mbints / sizeof mbints[0])];
		if (len && pos == len)
			pos--;
		if (len) {
			memmove(b + pos, b + pos + 1, len - pos - 1);
			len--;
		}
		len = ins(b, len, pos, m + 1, m[0]);
		break;
	}
	case 11: /* dictionary token: insert or overwrite */
	case 12:
		if (d->n) {
			i = rndn(d->n);
			n = d->len[i];
			if (rndn(2) || pos + n > len)
				len = ins(b, len, pos, d->tok[i], n);
			else
				memcpy(b + pos, d->tok[i], n);
		}
		break;
	default: /* truncate */
		len = pos;
		break;
	}
	return len;
}

/* ------------------------------------------------------ crash capture */

static const char *cur_entry = "";
static char crash_dir[1024] = "."; /* the harness' own directory by default */
static const uint8_t *cur_data;
static size_t cur_size;
static unsigned long cur_iter;

static void dump_current(void)
{
	char path[1200];
	const char *dir = getenv("OMACP_FUZZ_CRASH_DIR");
	FILE *f;
	snprintf(path, sizeof path, "%s/fuzz-crash-%s.bin", dir ? dir : crash_dir, cur_entry);
	f = fopen(path, "wb");
	if (f) {
		if (cur_data)
			fwrite(cur_data, 1, cur_size, f);
		fclose(f);
	}
	fprintf(stderr, "fuzz_replay: %s died at iteration %lu on a %zu-byte input; saved to %s\n",
	        cur_entry, cur_iter, cur_size, path);
}

static void on_signal(int sig)
{
	dump_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void capture_on(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
	size_t i;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], on_signal);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(dump_current);
}

static int run_one(const entry *e, const uint8_t *p, size_t n, unsigned long iter)
{
	uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
	int r;
	memcpy(copy, p, n);
	cur_entry = e->name;
	cur_data = copy;
	cur_size = n;
	cur_iter = iter;
	r = e->fn(copy, n);
	cur_data = NULL;
	free(copy);
	return r;
}

/* ------------------------------------------------------------- tests */

static unsigned long iterations(void)
{
	const char *s = getenv("OMACP_FUZZ_ITERS");
	return s ? strtoul(s, NULL, 10) : 100000ul;
}

static uint64_t seed_for(const char *name)
{
	const char *s = getenv("OMACP_FUZZ_SEED");
	uint64_t h = s ? strtoull(s, NULL, 0) : 0x0DDC0FFEEull;
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001B3ull;
	return h;
}

static void test_entry(void **state)
{
	const entry *e = *state;
	corpus c = {0};
	dict d;
	unsigned long it, iters = iterations() * e->weight;
	uint8_t *buf = malloc(FUZZ_MAX_INPUT);
	size_t i, len;
	struct timespec t0, t1;
	double secs;

	if (!e->fn) {
		printf("SKIP: %s is not linked yet (test/fuzz/ has no definition)\n", e->name);
		free(buf);
		skip();
	}
	capture_on();
	entry_corpus(e, &c);
	dict_load(&d, e->dict);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < c.n; i++)
		assert_int_equal(run_one(e, c.v[i].p, c.v[i].n, 0), 0);
	if (c.n == 0) /* nothing to mutate from: start from tiny inputs */
		corpus_add(&c, (const uint8_t *)"\0", 1, "empty");
	rng_state = seed_for(e->name);
	for (it = 1; it <= iters; it++) {
		const input *s = &c.v[rndn(c.n)];
		unsigned k, rounds = (unsigned)(1 + rndn(rndn(8) ? 4 : 16));
		len = s->n < FUZZ_MAX_INPUT ? s->n : FUZZ_MAX_INPUT;
		memcpy(buf, s->p, len);
		for (k = 0; k < rounds; k++)
			len = mutate_once(buf, len, &c, &d);
		assert_int_equal(run_one(e, buf, len, it), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%-12s %4zu seeds, %lu mutations, %.2f s, %.0f exec/s, %zu dict tokens\n",
	       e->name, c.n, iters, secs, (double)(iters + c.n) / (secs > 0 ? secs : 1e-9), d.n);
	dict_free(&d);
	corpus_free(&c);
	free(buf);
}

/* OMACP_FUZZ_ONLY: comma-separated entry names, with or without "fuzz_". */
static int selected(const char *name)
{
	const char *only = getenv("OMACP_FUZZ_ONLY"), *p;
	if (!only || !*only)
		return 1;
	for (p = only; *p;) {
		size_t n = strcspn(p, ",");
		if ((n == strlen(name) && !strncmp(p, name, n)) ||
		    (n == strlen(name + 5) && !strncmp(p, name + 5, n)))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int export_seeds(const char *dir)
{
	size_t i, j;
	mkdir(dir, 0777);
	for (i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		corpus c = {0};
		char sub[1024];
		entry_corpus(&entries[i], &c);
		snprintf(sub, sizeof sub, "%s/%s", dir, entries[i].name);
		mkdir(sub, 0777);
		for (j = 0; j < c.n; j++) {
			char path[1100];
			FILE *f;
			snprintf(path, sizeof path, "%s/seed-%04zu", sub, j);
			f = fopen(path, "wb");
			if (!f) {
				fprintf(stderr, "fuzz_replay: %s: %s\n", path, strerror(errno));
				return 1;
			}
			fwrite(c.v[j].p, 1, c.v[j].n, f);
			fclose(f);
		}
		printf("%s: %zu seeds\n", sub, c.n);
		corpus_free(&c);
	}
	return 0;
}

static int replay_files(const entry *e, int argc, char **argv)
{
	int i;
	if (!e->fn) {
		fprintf(stderr, "fuzz_replay: %s is not linked\n", e->name);
		return 2;
	}
	capture_on();
	for (i = 0; i < argc; i++) {
		size_t n;
		char path[4096], cwd[2048];
		uint8_t *p;
		if (argv[i][0] == '/' || !getcwd(cwd, sizeof cwd))
			snprintf(path, sizeof path, "%s", argv[i]);
		else
			snprintf(path, sizeof path, "%s/%s", cwd, argv[i]);
		p = tu_read(path, &n);
		if (!p) {
			fprintf(stderr, "fuzz_replay: %s: cannot read\n", argv[i]);
			return 2;
		}
		run_one(e, p, n, 0);
		free(p);
		printf("%s: %s ok\n", e->name, argv[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[sizeof entries / sizeof entries[0]];
	size_t i, n = 0;
	const char *slash = strrchr(argv[0], '/');
	if (slash && (size_t)(slash - argv[0]) < sizeof crash_dir)
		snprintf(crash_dir, sizeof crash_dir, "%.*s", (int)(slash - argv[0]), argv[0]);
	entries_init();
	if (argc >= 2 && !strcmp(argv[1], "--export"))
		return argc == 3 ? export_seeds(argv[2]) : 2;
	if (argc >= 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < sizeof entries / sizeof entries[0]; i++)
			printf("%s %s\n", entries[i].name, entries[i].fn ? "linked" : "missing");
		return 0;
	}
	if (argc >= 2) {
		const entry *e = entry_find(argv[1]);
		if (!e) {
			fprintf(stderr, "usage: %s [ENTRY FILE... | --export DIR | --list]\n", argv[0]);
			return 2;
		}
		return replay_files(e, argc - 2, argv + 2);
	}
	for (i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		if (!selected(entries[i].name))
			continue;
		tests[n].name = entries[i].name;
		tests[n].test_func = test_entry;
		tests[n].setup_func = NULL;
		tests[n].teardown_func = NULL;
		tests[n].initial_state = &entries[i];
		n++;
	}
	return _cmocka_run_group_tests("fuzz_replay", tests, n, NULL, NULL);
}
