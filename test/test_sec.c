/*
 * SEC layer: HMAC-SHA1 (RFC 2202, agreement with mbedtls_md_hmac), key
 * derivation (facts §4.2-4.5), the seven published vectors of facts §4.7,
 * the Kannel vectors of test/vectors, tamper rejection, malformed MAC text,
 * wiping of the streaming context, streaming == one-shot.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mbedtls/md.h>
#include "util.h"
#include "rfc2202.h"
#include "omacp/sec.h"

/* ------------------------------------------------------------ helpers */

static void assert_hex(const uint8_t *p, size_t n, const char *hex)
{
	size_t len;
	uint8_t *want = tu_unhex(hex, &len);
	assert_non_null(want);
	assert_int_equal(len, n);
	assert_memory_equal(p, want, n);
	free(want);
}

static void upper_hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789ABCDEF";
	size_t i;
	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* Every byte of the context except method_ is zero (the wipe hook), and the
 * implementation's stronger promise: method_ is 0 too. */
static void assert_ctx_wiped(const omacp_sec_ctx *c)
{
	const uint8_t *p = (const uint8_t *)c;
	size_t i, mo = offsetof(omacp_sec_ctx, method_);
	for (i = 0; i < sizeof *c; i++) {
		if (i >= mo && i < mo + sizeof c->method_)
			continue;
		if (p[i] != 0)
			fail_msg("context byte %zu is 0x%02x after wipe", i, p[i]);
	}
	assert_int_equal(c->method_, 0);
}

static void fill_junk(omacp_sec_ctx *c)
{
	memset(c, 0xA5, sizeof *c);
}

/* ------------------------------------------- facts §4.7 test vectors */

/* 22-byte document of facts §3.7 (vectors 4-7). */
static const char DOC22[] = "030B6A00C54601C65601870706035465737400010101";

/* Vector 3 document (NowSMS forum), 118 bytes. */
static const char DOC_NOWSMS[] =
	"030B6A0674657374310045C6560187070683000101C655018707068300018711"
	"060374657374315F4E415049440001871006AB0187080603746573743200018709"
	"068901871401C65A01870C069A01870D060367707273757365726E616D65000187"
	"0E06036770727370617373776F72640001010101";

/* Vector 2 document: the 501-byte Chunghwa sample `wbxml_code_page_data_array`
 * of Mozilla's dom/wappush/tests/test_cp_pdu_helper.js (its SHA-1,
 * 3271f045142c7f6f0de20dc1067c2ddc848b9624, is in the facts and checked
 * below). */
static const char DOC_CHT[] =
	"030B6A0045C65601870706034348545F656D6F6D65000101C600015501873600"
	"0006037732000187000139000006035750524F58590001870706034348545F65"
	"6D6F6D650001C600015901873A00000603687474703A2F2F7761702E656D6F6D"
	"652E6E65742F0001870706034348545F656D6F6D650001871C010101C6000155"
	"018736000006037734000187000139000006034D50524F585900018700013400"
	"000603687474703A2F2F6D6D733A38303032000101C65101871506035750524F"
	"58590001870706034348545F656D6F6D650001871C0603687474703A2F2F7761"
	"702E656D6F6D652E6E65742F0001C65201872F060350524F5859310001872006"
	"0331302E312E312E3100018721068501872206034348545F656D6F6D650001C6"
	"530187230603383038300001010101C65101871506034D50524F585900018707"
	"06034348545F4D4D530001C65201872F060350524F5859320001872006033130"
	"2E312E312E3100018721068501872206034348545F4D4D530001C65301872306"
	"03383038300001010101C65501871106034348545F656D6F6D65000187070603"
	"4348545F656D6F6D650001871006AB0187080603656D6F6D6500018709068901"
	"01C65501871106034348545F4D4D530001870706034348545F4D4D5300018710"
	"06AB0187080603656D6F6D65000187090689010101";

static void sign_expect(omacp_sec m, const char *imsi, const char *pin,
                        const uint8_t *doc, size_t n, const char *mac)
{
	char got[OMACP_MAC_HEX_LEN + 1];
	assert_int_equal(omacp_sec_sign(m, imsi, pin, doc, n, got), OMACP_OK);
	assert_string_equal(got, mac);
	assert_int_equal(omacp_sec_verify(m, imsi, pin, doc, n,
	                                  (const uint8_t *)mac, strlen(mac)),
	                 OMACP_OK);
}

static void test_vector1_netwpin_mozilla(void **state)
{
	static const uint8_t doc[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
	uint8_t key[OMACP_IMSI_KEY_MAX];
	size_t kl;
	(void)state;
	assert_int_equal(omacp_sec_imsi_key("466923103145252", key, &kl), OMACP_OK);
	assert_hex(key, kl, "4966291330412525");
	sign_expect(OMACP_SEC_NETWPIN, "466923103145252", NULL, doc, sizeof doc,
	            "1AF545FE2823DC9347064450F90FF1BBF957E146");
}

static void test_vector2_userpin_mozilla(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC_CHT, &n);
	uint8_t sha[20];
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	(void)state;
	assert_non_null(doc);
	assert_int_equal(n, 501);
	assert_int_equal(mbedtls_md(md, doc, n, sha), 0);
	assert_hex(sha, 20, "3271f045142c7f6f0de20dc1067c2ddc848b9624");
	sign_expect(OMACP_SEC_USERPIN, NULL, "0000", doc, n,
	            "AA2DC41FC48AEEF3FED7351B1EE704461A8894D4");
	free(doc);
}

static void test_vector3_netwpin_nowsms(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC_NOWSMS, &n);
	uint8_t key[OMACP_KEY_MAX];
	size_t kl;
	(void)state;
	assert_non_null(doc);
	assert_int_equal(n, 118);
	assert_int_equal(omacp_sec_key(OMACP_SEC_NETWPIN, "123456789012345", NULL,
	                               key, &kl), OMACP_OK);
	assert_hex(key, kl, "1932547698103254");
	sign_expect(OMACP_SEC_NETWPIN, "123456789012345", NULL, doc, n,
	            "C483EC25F7E3E0CF100380DA5F6714CF204A5EC5");
	/* The ASCII digits as key (the mistake shown on the forum) differ. */
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPIN, NULL, "123456789012345",
	                                  doc, n,
	                                  (const uint8_t *)"C483EC25F7E3E0CF100380DA5F6714CF204A5EC5",
	                                  40),
	                 OMACP_E_SEC_MISMATCH);
	free(doc);
}

static void test_vectors4to6(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC22, &n);
	uint8_t key[OMACP_KEY_MAX];
	size_t kl;
	(void)state;
	assert_int_equal(n, 22);
	sign_expect(OMACP_SEC_USERPIN, NULL, "1234", doc, n,
	            "BAA186A0F7802E017A4A69B214921DB16EF26512");
	sign_expect(OMACP_SEC_NETWPIN, "001010123456789", NULL, doc, n,
	            "BB1C4AE9A31C6D662AE8F6D7C3D46E76CC8EE261");
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, "001010123456789",
	                               "1234", key, &kl), OMACP_OK);
	assert_hex(key, kl, "091010103254769831323334");
	sign_expect(OMACP_SEC_USERNETWPIN, "001010123456789", "1234", doc, n,
	            "78BE0F8C293139A8A1F882DCF54AA8D20DB74A99");
	free(doc);
}

static void test_vector7_userpinmac(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC22, &n);
	char pin[41], mac[41];
	(void)state;
	assert_int_equal(omacp_sec_sign(OMACP_SEC_USERPINMAC, NULL, "12345", doc, n, mac),
	                 OMACP_OK);
	assert_string_equal(mac, "655CFF95378C77C0D8871C3E97AE1C6BDE68B556");
	assert_int_equal(omacp_sec_userpinmac_pin("12345", doc, n, pin, sizeof pin),
	                 OMACP_OK);
	assert_string_equal(pin, "1234512595");
	/* verify: the MAC text is ignored (NULL, garbage or wrong alike) */
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "1234512595",
	                                  doc, n, NULL, 0), OMACP_OK);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "1234512595",
	                                  doc, n, (const uint8_t *)"zz", 2), OMACP_OK);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "1234512596",
	                                  doc, n, NULL, 0), OMACP_E_SEC_MISMATCH);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "1234612595",
	                                  doc, n, NULL, 0), OMACP_E_SEC_MISMATCH);
	/* the cap must hold 2n + 1 */
	assert_int_equal(omacp_sec_userpinmac_pin("12345", doc, n, pin, 10),
	                 OMACP_E_NOMEM);
	assert_int_equal(omacp_sec_userpinmac_pin("12345", doc, n, pin, 11), OMACP_OK);
	free(doc);
}

/* ------------------------------------------------------- RFC 2202 */

static void test_rfc2202(void **state)
{
	const struct rfc2202_case *t = rfc2202;
	size_t i;
	(void)state;
	for (i = 0; i < sizeof rfc2202 / sizeof rfc2202[0]; i++) {
		size_t kl, dl = 0;
		uint8_t *key = tu_unhex(t[i].key_hex, &kl);
		uint8_t *data = t[i].data ? (uint8_t *)strdup(t[i].data) : tu_unhex(t[i].data_hex, &dl);
		uint8_t out[20];
		omacp_hmac h;
		if (t[i].data)
			dl = strlen(t[i].data);
		omacp_hmac_sha1(key, kl, data, dl, out);
		assert_hex(out, 20, t[i].digest);
		/* streaming, byte by byte, then the context is all zero */
		omacp_hmac_init(&h, key, kl);
		for (size_t k = 0; k < dl; k++)
			omacp_hmac_update(&h, data + k, 1);
		omacp_hmac_final(&h, out);
		assert_hex(out, 20, t[i].digest);
		{
			static const omacp_hmac zero;
			assert_memory_equal(&h, &zero, sizeof h);
		}
		free(key);
		free(data);
	}
}

/* xorshift32: fixed seed, reproducible */
static uint32_t rng_state = 0x2545F491u;
static uint32_t rng(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

static void test_hmac_vs_mbedtls_md(void **state)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	uint8_t key[300], data[1100], a[20], b[20];
	int i, big = 0;
	(void)state;
	for (i = 0; i < 200; i++) {
		size_t kl = i < 4 ? (size_t)(i * 64 - (i ? 1 : 0)) : rng() % 300;
		size_t dl = rng() % 1100, k;
		omacp_hmac h;
		for (k = 0; k < kl; k++)
			key[k] = (uint8_t)rng();
		for (k = 0; k < dl; k++)
			data[k] = (uint8_t)rng();
		if (kl > 64)
			big++;
		assert_int_equal(mbedtls_md_hmac(md, key, kl, data, dl, b), 0);
		omacp_hmac_sha1(key, kl, data, dl, a);
		assert_memory_equal(a, b, 20);
		/* uneven streaming */
		omacp_hmac_init(&h, key, kl);
		for (k = 0; k < dl;) {
			size_t step = 1 + rng() % 130;
			if (step > dl - k)
				step = dl - k;
			omacp_hmac_update(&h, data + k, step);
			k += step;
		}
		omacp_hmac_final(&h, a);
		assert_memory_equal(a, b, 20);
	}
	assert_true(big > 50); /* keys longer than a block were exercised */
	/* block-boundary key lengths explicitly */
	for (i = 60; i <= 70; i++) {
		memset(key, 0x5a, (size_t)i);
		assert_int_equal(mbedtls_md_hmac(md, key, (size_t)i, data, 100, b), 0);
		omacp_hmac_sha1(key, (size_t)i, data, 100, a);
		assert_memory_equal(a, b, 20);
	}
}

static void test_ct_equal(void **state)
{
	uint8_t a[20], b[20];
	int i, bit;
	(void)state;
	memset(a, 0x33, sizeof a);
	memcpy(b, a, sizeof b);
	assert_int_equal(omacp_ct_equal(a, b, 20), 1);
	assert_int_equal(omacp_ct_equal(a, b, 0), 1);
	for (i = 0; i < 20; i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(omacp_ct_equal(a, b, 20), 0);
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	b[19] = 0xFF;
	a[19] = 0x00;
	assert_int_equal(omacp_ct_equal(a, b, 20), 0);
}

/* ----------------------------------------------------------- keys */

static void test_imsi_keys(void **state)
{
	static const struct {
		const char *imsi, *key;
	} t[] = {
		{"466923103145252", "4966291330412525"},
		{"123456789012345", "1932547698103254"},
		{"001010123456789", "0910101032547698"},
		{"404020506708200", "4940205060072800"},
		{"21407650123456", "21417056103254F6"},  /* 14 digits */
		{"262011234567890", "2926102143658709"}, /* Kannel NETWPIN folder */
		/* short IMSIs by the same rule: prefix nibble, digits, F filler */
		{"123456", "113254F6"},   /* 1,1,2,3,4,5,6,F */
		{"1234567", "19325476"},  /* 9,1,2,...,7 */
		{"5", "59"},
		{"12", "11F2"},
	};
	uint8_t key[OMACP_IMSI_KEY_MAX];
	size_t i, kl;
	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(omacp_sec_imsi_key(t[i].imsi, key, &kl), OMACP_OK);
		assert_int_equal(kl, (strlen(t[i].imsi) + 2) / 2);
		assert_hex(key, kl, t[i].key);
	}
	assert_int_equal(omacp_sec_imsi_key(NULL, key, &kl), OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_imsi_key("", key, &kl), OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_imsi_key("1234567890123456", key, &kl), OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_imsi_key("26201123456789x", key, &kl), OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_imsi_key(" 262011234567890", key, &kl), OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_imsi_key("+26201", key, &kl), OMACP_E_SEC_IMSI);
}

static void test_key_rules(void **state)
{
	uint8_t key[OMACP_KEY_MAX];
	size_t kl = 99;
	char long_pin[OMACP_PIN_MAX_LEN + 2];
	(void)state;
	memset(long_pin, 'x', sizeof long_pin - 1);
	long_pin[sizeof long_pin - 1] = 0;

	/* USERPIN: printable ASCII, length MIN..MAX */
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "1234", key, &kl), OMACP_OK);
	assert_hex(key, kl, "31323334");
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "a b~!", key, &kl), OMACP_OK);
	assert_int_equal(kl, 5);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, long_pin + 1, key, &kl), OMACP_OK);
	assert_int_equal(kl, OMACP_PIN_MAX_LEN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, long_pin, key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(kl, 0);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "123", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, NULL, key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "12\n34", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "12\x7f" "34", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPIN, NULL, "12\xc3\xa9" "34", key, &kl), OMACP_E_SEC_PIN);

	/* NETWPIN ignores pin, needs imsi */
	assert_int_equal(omacp_sec_key(OMACP_SEC_NETWPIN, "001010123456789", "junk\n", key, &kl), OMACP_OK);
	assert_int_equal(kl, 8);
	assert_int_equal(omacp_sec_key(OMACP_SEC_NETWPIN, NULL, "1234", key, &kl), OMACP_E_SEC_IMSI);

	/* USERNETWPIN needs both; max length fits OMACP_KEY_MAX */
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, "001010123456789", long_pin + 1, key, &kl), OMACP_OK);
	assert_int_equal(kl, 8 + OMACP_PIN_MAX_LEN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, NULL, "1234", key, &kl), OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, "001010123456789", NULL, key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERNETWPIN, "001010123456789", "12", key, &kl), OMACP_E_SEC_PIN);

	/* USERPINMAC key half: digits, n in [MIN_N, 20] */
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPINMAC, NULL, "1234", key, &kl), OMACP_OK);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPINMAC, NULL, "12345678901234567890", key, &kl), OMACP_OK);
	assert_int_equal(kl, 20);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPINMAC, NULL, "123456789012345678901", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPINMAC, NULL, "123", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPINMAC, NULL, "12a4", key, &kl), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_key(OMACP_SEC_USERPINMAC, NULL, NULL, key, &kl), OMACP_E_SEC_PIN);

	/* bad method */
	assert_int_equal(omacp_sec_key(OMACP_SEC_NONE, "1", "1234", key, &kl), OMACP_E_SEC_METHOD);
	assert_int_equal(omacp_sec_key((omacp_sec)4, "1", "1234", key, &kl), OMACP_E_SEC_METHOD);
}

static void test_names(void **state)
{
	omacp_sec m;
	(void)state;
	assert_string_equal(omacp_sec_name(OMACP_SEC_NETWPIN), "NETWPIN");
	assert_string_equal(omacp_sec_name(OMACP_SEC_USERPIN), "USERPIN");
	assert_string_equal(omacp_sec_name(OMACP_SEC_USERNETWPIN), "USERNETWPIN");
	assert_string_equal(omacp_sec_name(OMACP_SEC_USERPINMAC), "USERPINMAC");
	assert_null(omacp_sec_name(OMACP_SEC_NONE));
	assert_null(omacp_sec_name((omacp_sec)4));
	assert_int_equal(omacp_sec_lookup("userpinmac", 10, &m), OMACP_OK);
	assert_int_equal(m, OMACP_SEC_USERPINMAC);
	assert_int_equal(omacp_sec_lookup("NetwPin", 7, &m), OMACP_OK);
	assert_int_equal(m, OMACP_SEC_NETWPIN);
	assert_int_equal(omacp_sec_lookup("USERPINX", 7, &m), OMACP_OK);
	assert_int_equal(m, OMACP_SEC_USERPIN);
	assert_int_equal(omacp_sec_lookup("USERNETWPIN", 11, &m), OMACP_OK);
	assert_int_equal(m, OMACP_SEC_USERNETWPIN);
	assert_int_equal(omacp_sec_lookup("USERPIN", 6, &m), OMACP_E_SEC_METHOD);
	assert_int_equal(omacp_sec_lookup("USERPINMACX", 11, &m), OMACP_E_SEC_METHOD);
	assert_int_equal(omacp_sec_lookup("", 0, &m), OMACP_E_SEC_METHOD);
	assert_int_equal(omacp_sec_lookup(NULL, 3, &m), OMACP_E_SEC_METHOD);
}

/* ------------------------------------------------------- MAC text */

static void test_mac_parse(void **state)
{
	static const char mac[] = "9E9DDDFB7E424C8EFD3416201447143DDBE683B4";
	char buf[64];
	uint8_t out[20];
	size_t i;
	(void)state;
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)mac, 40, out), OMACP_OK);
	assert_hex(out, 20, mac);
	snprintf(buf, sizeof buf, "\"%s", mac);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)buf, 41, out), OMACP_OK);
	assert_hex(out, 20, mac);
	for (i = 0; i < 40; i++)
		buf[i] = (char)((mac[i] >= 'A' && mac[i] <= 'F') ? mac[i] + 32 : mac[i]);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)buf, 40, out), OMACP_OK);
	assert_hex(out, 20, mac);

	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)mac, 39, out), OMACP_E_SEC_MAC_MALFORMED);
	snprintf(buf, sizeof buf, "%s0", mac);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)buf, 41, out), OMACP_E_SEC_MAC_MALFORMED);
	snprintf(buf, sizeof buf, "%s\"", mac);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)buf, 41, out), OMACP_E_SEC_MAC_MALFORMED);
	snprintf(buf, sizeof buf, "\"\"%s", mac);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)buf, 42, out), OMACP_E_SEC_MAC_MALFORMED);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)"\"", 1, out), OMACP_E_SEC_MAC_MALFORMED);
	assert_int_equal(omacp_sec_mac_parse(NULL, 40, out), OMACP_E_SEC_MAC_MALFORMED);
	assert_int_equal(omacp_sec_mac_parse((const uint8_t *)"", 0, out), OMACP_E_SEC_MAC_MALFORMED);
	/* a non-hex character in every position */
	for (i = 0; i < 40; i++) {
		static const char bad[] = "Gg \"x-\0/:@`";
		size_t b;
		for (b = 0; b < sizeof bad - 1; b++) {
			memcpy(buf, mac, 40);
			buf[i] = bad[b];
			assert_int_equal(omacp_sec_mac_parse((const uint8_t *)buf, 40, out),
			                 OMACP_E_SEC_MAC_MALFORMED);
		}
	}
}

/* ---------------------------------------------------- Kannel vectors */

/* The value of "key": "..." in a JSON text (first occurrence), or NULL. */
static char *json_str(const char *json, const char *key)
{
	char pat[64];
	const char *p, *e;
	char *r;
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	p = strstr(json, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	e = strchr(p, '"');
	if (!e)
		return NULL;
	r = malloc((size_t)(e - p) + 1);
	memcpy(r, p, (size_t)(e - p));
	r[e - p] = 0;
	return r;
}

typedef struct kvec {
	char *dir, *mac, *sec, *imsi;
	uint8_t *body;
	size_t len;
} kvec;

static size_t load_kannel(kvec **out)
{
	char **names;
	size_t n = tu_list_vectors("kannel-", &names), i, k = 0;
	kvec *v = calloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		size_t ml;
		char *meta = (char *)tu_read(tu_vpath(names[i], "meta.json"), &ml);
		char *mac;
		assert_non_null(meta);
		mac = json_str(meta, "mac_kannel");
		if (!mac) { /* the legacy OTA folder is not OMA CP: no MAC */
			free(meta);
			continue;
		}
		v[k].dir = strdup(names[i]);
		v[k].mac = mac;
		v[k].sec = json_str(meta, "sec_requested");
		v[k].imsi = json_str(meta, "imsi");
		v[k].body = tu_read_hex(tu_vpath(names[i], "wbxml.hex"), &v[k].len);
		assert_non_null(v[k].body);
		assert_non_null(v[k].sec);
		k++;
		free(meta);
	}
	tu_free_names(names, n);
	*out = v;
	return k;
}

static void free_kannel(kvec *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].dir);
		free(v[i].mac);
		free(v[i].sec);
		free(v[i].imsi);
		free(v[i].body);
	}
	free(v);
}

/* Method, IMSI and PIN with which a conformant device accepts vector v. */
static omacp_sec kannel_creds(const kvec *v, const char **imsi, const char **pin)
{
	omacp_sec m;
	assert_int_equal(omacp_sec_lookup(v->sec, strlen(v->sec), &m), OMACP_OK);
	*imsi = v->imsi;
	*pin = m == OMACP_SEC_USERPINMAC ? "12342945" : "1234";
	if (m == OMACP_SEC_NETWPIN)
		assert_string_equal(v->imsi, "262011234567890");
	return m;
}

static void test_kannel_vectors(void **state)
{
	kvec *v;
	size_t n = load_kannel(&v), i;
	int saw_netw = 0, saw_upm = 0, saw_up = 0;
	(void)state;
	assert_true(n >= 10);
	for (i = 0; i < n; i++) {
		const char *imsi, *pin;
		omacp_sec m = kannel_creds(&v[i], &imsi, &pin);
		const uint8_t *mac = (const uint8_t *)v[i].mac;
		char lower[41], quoted[42], sig[41];
		size_t k;

		if (m == OMACP_SEC_USERPINMAC) {
			char upin[41];
			saw_upm = 1;
			/* Kannel's plain MAC with PIN 1234 must not be accepted */
			assert_int_not_equal(omacp_sec_verify(m, NULL, "1234", v[i].body, v[i].len, mac, 40),
			                     OMACP_OK);
			assert_int_equal(omacp_sec_verify(m, NULL, "12342945", v[i].body, v[i].len, mac, 40),
			                 OMACP_OK);
			assert_int_equal(omacp_sec_verify(m, NULL, "12342945", v[i].body, v[i].len, NULL, 0),
			                 OMACP_OK);
			assert_int_equal(omacp_sec_verify(m, NULL, "12342944", v[i].body, v[i].len, mac, 40),
			                 OMACP_E_SEC_MISMATCH);
			assert_int_equal(omacp_sec_userpinmac_pin("1234", v[i].body, v[i].len, upin, sizeof upin),
			                 OMACP_OK);
			assert_string_equal(upin, "12342945");
			/* the key half K = 1234 gives Kannel's (USERPIN-style) MAC */
			assert_int_equal(omacp_sec_sign(m, NULL, "1234", v[i].body, v[i].len, sig), OMACP_OK);
			assert_string_equal(sig, v[i].mac);
			continue;
		}
		if (m == OMACP_SEC_NETWPIN)
			saw_netw = 1;
		else
			saw_up = 1;
		assert_int_equal(omacp_sec_sign(m, imsi, pin, v[i].body, v[i].len, sig), OMACP_OK);
		assert_string_equal(sig, v[i].mac);
		assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len, mac, 40), OMACP_OK);
		for (k = 0; k < 40; k++)
			lower[k] = (char)(mac[k] >= 'A' && mac[k] <= 'F' ? mac[k] + 32 : mac[k]);
		lower[40] = 0;
		assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len,
		                                  (const uint8_t *)lower, 40), OMACP_OK);
		quoted[0] = '"';
		memcpy(quoted + 1, mac, 40);
		quoted[41] = 0;
		assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len,
		                                  (const uint8_t *)quoted, 41), OMACP_OK);
		/* wrong secret */
		if (m == OMACP_SEC_NETWPIN) {
			assert_int_equal(omacp_sec_verify(m, "262011234567891", NULL, v[i].body,
			                                  v[i].len, mac, 40), OMACP_E_SEC_MISMATCH);
			/* the ASCII IMSI as a USERPIN is not the same key */
			assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPIN, NULL, imsi, v[i].body,
			                                  v[i].len, mac, 40), OMACP_E_SEC_MISMATCH);
		} else {
			assert_int_equal(omacp_sec_verify(m, imsi, "1235", v[i].body, v[i].len, mac, 40),
			                 OMACP_E_SEC_MISMATCH);
			assert_int_equal(omacp_sec_verify(m, imsi, "12345", v[i].body, v[i].len, mac, 40),
			                 OMACP_E_SEC_MISMATCH);
		}
		/* malformed MAC text is reported as such, not as a mismatch */
		assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len, mac, 39),
		                 OMACP_E_SEC_MAC_MALFORMED);
		{
			char buf[42];
			memcpy(buf, mac, 40);
			buf[40] = '0';
			assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len,
			                                  (const uint8_t *)buf, 41),
			                 OMACP_E_SEC_MAC_MALFORMED);
			buf[7] = 'G';
			assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len,
			                                  (const uint8_t *)buf, 40),
			                 OMACP_E_SEC_MAC_MALFORMED);
		}
	}
	assert_true(saw_netw && saw_upm && saw_up);
	free_kannel(v, n);
}

static void test_kannel_bit_flips(void **state)
{
	kvec *v;
	size_t n = load_kannel(&v), i, bits = 0;
	(void)state;
	for (i = 0; i < n; i++) {
		const char *imsi, *pin;
		omacp_sec m = kannel_creds(&v[i], &imsi, &pin);
		const uint8_t *mac = (const uint8_t *)v[i].mac;
		uint8_t raw[20];
		char text[41];
		size_t k;
		int b;
		/* every bit of the body */
		for (k = 0; k < v[i].len; k++) {
			for (b = 0; b < 8; b++) {
				v[i].body[k] ^= (uint8_t)(1u << b);
				assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len, mac, 40),
				                 OMACP_E_SEC_MISMATCH);
				v[i].body[k] ^= (uint8_t)(1u << b);
				bits++;
			}
		}
		assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len, mac, 40), OMACP_OK);
		if (m == OMACP_SEC_USERPINMAC)
			continue; /* the MAC text is not used there */
		/* every bit of the 20 MAC bytes, written as hex text */
		assert_int_equal(omacp_sec_mac_parse(mac, 40, raw), OMACP_OK);
		for (k = 0; k < 20; k++) {
			for (b = 0; b < 8; b++) {
				raw[k] ^= (uint8_t)(1u << b);
				upper_hex(raw, 20, text);
				assert_int_equal(omacp_sec_verify(m, imsi, pin, v[i].body, v[i].len,
				                                  (const uint8_t *)text, 40),
				                 OMACP_E_SEC_MISMATCH);
				raw[k] ^= (uint8_t)(1u << b);
			}
		}
		upper_hex(raw, 20, text);
		assert_string_equal(text, v[i].mac);
	}
	assert_true(bits > 10000);
	free_kannel(v, n);
}

/* --------------------------------------------- context: wipe, streaming */

static void test_ctx_wipe(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC22, &n);
	omacp_sec_ctx c;
	char mac[41];
	static const char good[] = "78BE0F8C293139A8A1F882DCF54AA8D20DB74A99";
	(void)state;

	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERNETWPIN, "001010123456789", "1234", 0), OMACP_OK);
	assert_int_not_equal(c.method_, 0);
	omacp_sec_update(&c, doc, n);
	omacp_sec_sign_final(&c, mac);
	assert_string_equal(mac, good);
	assert_ctx_wiped(&c);

	/* verify: ok, mismatch, malformed */
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERNETWPIN, "001010123456789", "1234", 1), OMACP_OK);
	omacp_sec_update(&c, doc, n);
	assert_int_equal(omacp_sec_verify_final(&c, (const uint8_t *)good, 40), OMACP_OK);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPIN, NULL, "1234", 1), OMACP_OK);
	omacp_sec_update(&c, doc, n);
	assert_int_equal(omacp_sec_verify_final(&c, (const uint8_t *)good, 40), OMACP_E_SEC_MISMATCH);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_NETWPIN, "001010123456789", NULL, 1), OMACP_OK);
	omacp_sec_update(&c, doc, n);
	assert_int_equal(omacp_sec_verify_final(&c, (const uint8_t *)good, 39), OMACP_E_SEC_MAC_MALFORMED);
	assert_ctx_wiped(&c);

	/* USERPINMAC verify: the check digits live in the context until final */
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPINMAC, NULL, "1234512595", 1), OMACP_OK);
	assert_int_equal(c.n_digits_, 5);
	omacp_sec_update(&c, doc, n);
	assert_int_equal(omacp_sec_verify_final(&c, NULL, 0), OMACP_OK);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPINMAC, NULL, "1234599999", 1), OMACP_OK);
	omacp_sec_update(&c, doc, n);
	assert_int_equal(omacp_sec_verify_final(&c, NULL, 0), OMACP_E_SEC_MISMATCH);
	assert_ctx_wiped(&c);

	/* abandoned */
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPIN, NULL, "1234", 1), OMACP_OK);
	omacp_sec_update(&c, doc, 5);
	omacp_sec_wipe(&c);
	assert_ctx_wiped(&c);

	/* init errors leave the context wiped */
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_NONE, NULL, "1234", 1), OMACP_E_SEC_METHOD);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_NETWPIN, "12x", NULL, 1), OMACP_E_SEC_IMSI);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPIN, NULL, "12", 0), OMACP_E_SEC_PIN);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERNETWPIN, "001010123456789", NULL, 1), OMACP_E_SEC_PIN);
	assert_ctx_wiped(&c);
	fill_junk(&c);
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPINMAC, NULL, "123451259", 1), OMACP_E_SEC_PIN);
	assert_ctx_wiped(&c);

	/* finals on an idle context */
	assert_int_equal(omacp_sec_verify_final(&c, (const uint8_t *)good, 40), OMACP_E_STATE);
	assert_ctx_wiped(&c);
	omacp_sec_sign_final(&c, mac);
	assert_string_equal(mac, "");
	assert_ctx_wiped(&c);
	/* USERPINMAC prepared for signing cannot verify */
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPINMAC, NULL, "12345", 0), OMACP_OK);
	assert_int_equal(omacp_sec_verify_final(&c, NULL, 0), OMACP_E_STATE);
	assert_ctx_wiped(&c);
	free(doc);
}

static void test_userpinmac_pin_rules(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC22, &n);
	char out[41], k20[21], pin40[41];
	(void)state;
	/* verify PIN: 2n digits, MIN_N <= n <= 20 */
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "1234", doc, n, NULL, 0), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "123456", doc, n, NULL, 0), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "123451259", doc, n, NULL, 0), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "12345a2595", doc, n, NULL, 0), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, NULL, doc, n, NULL, 0), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "", doc, n, NULL, 0), OMACP_E_SEC_PIN);
	/* n = 20: the full HMAC in digits */
	memcpy(k20, "98765432109876543210", 21);
	assert_int_equal(omacp_sec_userpinmac_pin(k20, doc, n, pin40, sizeof pin40), OMACP_OK);
	assert_int_equal(strlen(pin40), 40);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, pin40, doc, n, NULL, 0), OMACP_OK);
	{
		char longer[44];
		snprintf(longer, sizeof longer, "1%s1", pin40);
		assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, longer, doc, n, NULL, 0),
		                 OMACP_E_SEC_PIN);
	}
	/* check digits computed independently from the HMAC */
	{
		uint8_t h[20];
		int i;
		omacp_hmac_sha1((const uint8_t *)k20, 20, doc, n, h);
		for (i = 0; i < 20; i++)
			assert_int_equal(pin40[20 + i], '0' + h[i] % 10);
	}
	assert_int_equal(omacp_sec_userpinmac_pin("123", doc, n, out, sizeof out), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_userpinmac_pin("12a4", doc, n, out, sizeof out), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_userpinmac_pin(NULL, doc, n, out, sizeof out), OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_userpinmac_pin("123456789012345678901", doc, n, out, sizeof out),
	                 OMACP_E_SEC_PIN);
	free(doc);
}

static void test_streaming_pieces(void **state)
{
	size_t n;
	uint8_t *doc = tu_unhex(DOC_NOWSMS, &n);
	char one[41], got[41];
	size_t piece, k;
	(void)state;
	assert_int_equal(omacp_sec_sign(OMACP_SEC_NETWPIN, "123456789012345", NULL, doc, n, one),
	                 OMACP_OK);
	for (piece = 1; piece <= 17; piece++) {
		omacp_sec_ctx c;
		assert_int_equal(omacp_sec_init(&c, OMACP_SEC_NETWPIN, "123456789012345", NULL, 0), OMACP_OK);
		for (k = 0; k < n; k += piece)
			omacp_sec_update(&c, doc + k, n - k < piece ? n - k : piece);
		omacp_sec_update(&c, doc, 0);
		omacp_sec_sign_final(&c, got);
		assert_string_equal(got, one);
		assert_ctx_wiped(&c);

		assert_int_equal(omacp_sec_init(&c, OMACP_SEC_NETWPIN, "123456789012345", NULL, 1), OMACP_OK);
		for (k = 0; k < n; k += piece)
			omacp_sec_update(&c, doc + k, n - k < piece ? n - k : piece);
		assert_int_equal(omacp_sec_verify_final(&c, (const uint8_t *)one, 40), OMACP_OK);
		assert_ctx_wiped(&c);

		/* USERPINMAC verify streamed the same way */
		{
			size_t m22;
			uint8_t *d22 = tu_unhex(DOC22, &m22);
			assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPINMAC, NULL, "1234512595", 1), OMACP_OK);
			for (k = 0; k < m22; k += piece)
				omacp_sec_update(&c, d22 + k, m22 - k < piece ? m22 - k : piece);
			assert_int_equal(omacp_sec_verify_final(&c, NULL, 0), OMACP_OK);
			free(d22);
		}
	}
	assert_string_equal(one, "C483EC25F7E3E0CF100380DA5F6714CF204A5EC5");
	free(doc);
}

static void test_empty_body(void **state)
{
	static const uint8_t k4[] = "1234";
	uint8_t want[20];
	char mac[41], hex[41];
	(void)state;
	omacp_hmac_sha1(k4, 4, NULL, 0, want);
	upper_hex(want, 20, hex);
	assert_int_equal(omacp_sec_sign(OMACP_SEC_USERPIN, NULL, "1234", NULL, 0, mac), OMACP_OK);
	assert_string_equal(mac, hex);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPIN, NULL, "1234", NULL, 0,
	                                  (const uint8_t *)hex, 40), OMACP_OK);
	{
		const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
		uint8_t b[20];
		assert_int_equal(mbedtls_md_hmac(md, k4, 4, (const uint8_t *)"", 0, b), 0);
		assert_memory_equal(want, b, 20);
	}
}

/* omacp_sec_mac_parse against a plain reference decoder: every byte value
 * in every position of the 40 digits, bare and quoted. */
static void test_mac_parse_every_byte(void **state)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	static const char mac[] = "0123456789abcdefABCDEF9E9DDDFB7E424C8EFD";
	uint8_t buf[41], out[20], want[20];
	size_t i, k;
	int c, q;
	(void)state;
	for (q = 0; q < 2; q++)
		for (i = 0; i < 40; i++)
			for (c = 0; c < 256; c++) {
				const char *hit = c != 0 ? strchr(hex, c) : NULL;
				buf[0] = '"';
				memcpy(buf + q, mac, 40);
				buf[q + i] = (uint8_t)c;
				memset(out, 0xA5, sizeof out);
				if (hit == NULL) {
					assert_int_equal(omacp_sec_mac_parse(buf, 40u + (size_t)q, out),
					                 OMACP_E_SEC_MAC_MALFORMED);
					for (k = 0; k < 20; k++)
						assert_int_equal(out[k], 0);
					continue;
				}
				assert_int_equal(omacp_sec_mac_parse(buf, 40u + (size_t)q, out),
				                 OMACP_OK);
				for (k = 0; k < 20; k++) {
					unsigned hi = (unsigned)(strchr(hex, buf[q + 2 * k]) - hex) & 15u;
					unsigned lo = (unsigned)(strchr(hex, buf[q + 2 * k + 1]) - hex) & 15u;
					want[k] = (uint8_t)(hi << 4 | lo);
				}
				assert_memory_equal(out, want, 20);
			}
}

/* The prepared key (omacp_hmac_key): RFC 2202 digests, many uses of one
 * key, agreement with mbedtls_md_hmac for key lengths around the block
 * size, tampering, and the wipe. */
static void test_hmac_key(void **state)
{
	const struct rfc2202_case *t = rfc2202;
	static const omacp_hmac_key zero;
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	omacp_hmac_key k;
	uint8_t key[130], data[200], want[20];
	size_t i, kl, wl;
	(void)state;
	for (i = 0; i < sizeof rfc2202 / sizeof rfc2202[0]; i++) {
		uint8_t *kb = tu_unhex(t[i].key_hex, &kl);
		uint8_t *d = tu_unhex(t[i].digest, &wl);
		size_t n = 0;
		uint8_t *p = t[i].data ? (uint8_t *)strdup(t[i].data) : tu_unhex(t[i].data_hex, &n);
		if (t[i].data)
			n = strlen(t[i].data);
		omacp_hmac_key_init(&k, kb, kl);
		assert_int_equal(omacp_hmac_key_check(&k, p, n, d), 1);
		assert_int_equal(omacp_hmac_key_check(&k, p, n, d), 1);   /* k reused */
		d[19] ^= 1;
		assert_int_equal(omacp_hmac_key_check(&k, p, n, d), 0);
		d[19] ^= 1;
		assert_int_equal(omacp_hmac_key_check(&k, p, n - 1, d), 0);
		assert_int_equal(omacp_hmac_key_check(&k, p, n, d), 1);
		omacp_hmac_key_wipe(&k);
		assert_memory_equal(&k, &zero, sizeof k);
		free(kb);
		free(d);
		free(p);
	}
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)rng();
	for (kl = 0; kl <= sizeof key; kl += 1 + kl / 8) {
		for (i = 0; i < kl; i++)
			key[i] = (uint8_t)rng();
		omacp_hmac_key_init(&k, key, kl);
		for (wl = 0; wl <= sizeof data; wl += 37) {
			assert_int_equal(mbedtls_md_hmac(md, key, kl, data, wl, want), 0);
			assert_int_equal(omacp_hmac_key_check(&k, data, wl, want), 1);
		}
		omacp_hmac_key_wipe(&k);
	}
}

/* omacp_sec_verify reports the key errors before a malformed MAC text, and
 * a malformed text before a mismatch (one-shot = streaming order). */
static void test_verify_error_order(void **state)
{
	static const uint8_t body[] = "body";
	static const uint8_t bad[] = "not a mac";
	char mac[OMACP_MAC_HEX_LEN + 1];
	omacp_sec_ctx c;
	(void)state;
	assert_int_equal(omacp_sec_verify((omacp_sec)9, NULL, "1234", body, 4, bad, 9),
	                 OMACP_E_SEC_METHOD);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_NETWPIN, NULL, NULL, body, 4, bad, 9),
	                 OMACP_E_SEC_IMSI);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPIN, NULL, "", body, 4, bad, 9),
	                 OMACP_E_SEC_PIN);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPIN, NULL, "1234", body, 4, bad, 9),
	                 OMACP_E_SEC_MAC_MALFORMED);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPIN, NULL, "1234", NULL, 4, bad, 9),
	                 OMACP_E_ARG);
	/* the same through the streaming context */
	assert_int_equal(omacp_sec_init(&c, OMACP_SEC_USERPIN, NULL, "1234", 1), OMACP_OK);
	omacp_sec_update(&c, body, 4);
	assert_int_equal(omacp_sec_verify_final(&c, bad, 9), OMACP_E_SEC_MAC_MALFORMED);
	/* right and wrong MAC, quoted MAC */
	assert_int_equal(omacp_sec_sign(OMACP_SEC_USERNETWPIN, "001010123456789", "1234",
	                                body, 4, mac), OMACP_OK);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERNETWPIN, "001010123456789", "1234",
	                                  body, 4, (const uint8_t *)mac, 40), OMACP_OK);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERNETWPIN, "001010123456789", "1235",
	                                  body, 4, (const uint8_t *)mac, 40),
	                 OMACP_E_SEC_MISMATCH);
	/* USERPINMAC ignores the MAC text, NULL included */
	assert_int_equal(omacp_sec_userpinmac_pin("1234", body, 4, mac, sizeof mac), OMACP_OK);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, mac, body, 4, NULL, 0),
	                 OMACP_OK);
	mac[7] = mac[7] == '9' ? '0' : (char)(mac[7] + 1);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, mac, body, 4, NULL, 0),
	                 OMACP_E_SEC_MISMATCH);
	assert_int_equal(omacp_sec_verify(OMACP_SEC_USERPINMAC, NULL, "123", body, 4, NULL, 0),
	                 OMACP_E_SEC_PIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector1_netwpin_mozilla),
		cmocka_unit_test(test_vector2_userpin_mozilla),
		cmocka_unit_test(test_vector3_netwpin_nowsms),
		cmocka_unit_test(test_vectors4to6),
		cmocka_unit_test(test_vector7_userpinmac),
		cmocka_unit_test(test_rfc2202),
		cmocka_unit_test(test_hmac_vs_mbedtls_md),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_imsi_keys),
		cmocka_unit_test(test_key_rules),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mac_parse),
		cmocka_unit_test(test_kannel_vectors),
		cmocka_unit_test(test_kannel_bit_flips),
		cmocka_unit_test(test_ctx_wipe),
		cmocka_unit_test(test_userpinmac_pin_rules),
		cmocka_unit_test(test_streaming_pieces),
		cmocka_unit_test(test_empty_body),
		cmocka_unit_test(test_mac_parse_every_byte),
		cmocka_unit_test(test_hmac_key),
		cmocka_unit_test(test_verify_error_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
