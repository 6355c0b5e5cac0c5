/* The persistent state: tables, blob round trip, corruption detection. */
#include <string.h>
#include <stdlib.h>
#include "util.h"
#include "omacp/state.h"

static omacp_state st, st2;
static uint8_t blob[OMACP_STATE_BLOB_MAX], blob2[OMACP_STATE_BLOB_MAX];

static void fill(omacp_state *s)
{
	static const uint8_t d1[20] = { 1, 2, 3 }, d2[20] = { 9, 9, 9, 9 };
	static const uint8_t pdu[] = { 0x01, 0x06, 0x2f, 0x1f, 0x2d, 0xb6 };
	omacp_state_init(s);
	s->flags = OMACP_STATE_F_BOOTSTRAPPED;
	assert_int_equal(omacp_state_policy_set(s, 4119, 128), OMACP_OK);
	assert_int_equal(omacp_state_policy_set(s, 4143, 3200), OMACP_OK);
	assert_int_equal(omacp_state_tps_add(s, "http://tps.example.com/cp", 25),
	                 OMACP_OK);
	assert_int_equal(omacp_state_ppg_set(s, "9201612", 7,
	                                     OMACP_PPG_PUSH | OMACP_PPG_TRUSTED),
	                 OMACP_OK);
	omacp_state_replay_add(s, d1);
	omacp_state_replay_add(s, d2);
	assert_int_equal(omacp_state_pending_set(s, "+15551234", pdu, sizeof pdu,
	                                         1234567u),
	                 OMACP_OK);
	s->pin_attempts = 2;
}

/* The blob layout is the documented one (checked by hand, not by our own
 * earlier output): header, CRC-32 of the standard IEEE polynomial. */
static void test_empty_blob_layout(void **cs)
{
	size_t len = 0;
	uint32_t crc;
	(void)cs;
	omacp_state_init(&st);
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &len), OMACP_OK);
	/* 10 header + 4 flags + 1 + 1 + 1 + 2 replay + 2 + 1 + 1 + 4 + 4 crc */
	assert_int_equal(len, 31);
	assert_memory_equal(blob, "OMCS\x01\x00\x1f\x00\x00\x00", 10);
	crc = (uint32_t)blob[27] | (uint32_t)blob[28] << 8 |
	      (uint32_t)blob[29] << 16 | (uint32_t)blob[30] << 24;
	assert_int_equal(crc, omacp_crc32(0, blob, 27));
}

/* CRC-32 check value of the IEEE polynomial ("123456789" -> CBF43926). */
static void test_crc32_check_value(void **cs)
{
	(void)cs;
	assert_int_equal(omacp_crc32(0, (const uint8_t *)"123456789", 9),
	                 0xCBF43926u);
	assert_int_equal(omacp_crc32(omacp_crc32(0, (const uint8_t *)"1234", 4),
	                             (const uint8_t *)"56789", 5),
	                 0xCBF43926u);
}

static void test_round_trip(void **cs)
{
	size_t len = 0, len2 = 0, need = 0;
	(void)cs;
	fill(&st);
	assert_int_equal(omacp_state_save(&st, NULL, 0, &need), OMACP_OK);
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &len), OMACP_OK);
	assert_int_equal(len, need);
	assert_int_equal(omacp_state_save(&st, blob2, len - 1, &len2),
	                 OMACP_E_NOMEM);
	assert_int_equal(omacp_state_load(&st2, blob, len), OMACP_OK);
	assert_memory_equal(&st, &st2, sizeof st);
	assert_int_equal(omacp_state_save(&st2, blob2, sizeof blob2, &len2),
	                 OMACP_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(blob, blob2, len);
	assert_string_equal(st2.tps[0], "http://tps.example.com/cp");
	assert_string_equal(st2.pending_from, "+15551234");
	assert_int_equal(st2.pin_attempts, 2);
	assert_int_equal(st2.pending_time, 1234567u);
}

static void test_full_capacity_round_trip(void **cs)
{
	size_t len = 0, i;
	char url[OMACP_STATE_URL_MAX], addr[OMACP_MAX_ADDR];
	uint8_t d[20];
	(void)cs;
	omacp_state_init(&st);
	for (i = 0; i < OMACP_STATE_MAX_POLICIES; i++)
		assert_int_equal(omacp_state_policy_set(&st, (uint32_t)(5000 + i),
		                                        0xFFFFFFFFu),
		                 OMACP_OK);
	assert_int_equal(omacp_state_policy_set(&st, 1, 1), OMACP_E_STATE_FULL);
	memset(url, 'u', sizeof url);
	memcpy(url, "http://", 7);
	for (i = 0; i < OMACP_STATE_MAX_TPS; i++) {
		url[8] = (char)('a' + i);
		assert_int_equal(omacp_state_tps_add(&st, url, sizeof url), OMACP_OK);
	}
	assert_int_equal(omacp_state_tps_add(&st, "http://x", 8),
	                 OMACP_E_STATE_FULL);
	assert_int_equal(omacp_state_tps_add(&st, url, sizeof url + 1),
	                 OMACP_E_LIMIT);
	memset(addr, '7', sizeof addr);
	for (i = 0; i < OMACP_STATE_MAX_PPGS; i++) {
		addr[0] = (char)('0' + i);
		assert_int_equal(omacp_state_ppg_set(&st, addr, sizeof addr, 3),
		                 OMACP_OK);
	}
	assert_int_equal(omacp_state_ppg_set(&st, "1", 1, 1), OMACP_E_STATE_FULL);
	for (i = 0; i < OMACP_STATE_MAX_REPLAY + 3; i++) {
		memset(d, (int)i, sizeof d);
		omacp_state_replay_add(&st, d);
	}
	{
		uint8_t pdu[OMACP_STATE_PENDING_MAX];
		memset(pdu, 0xA5, sizeof pdu);
		assert_int_equal(omacp_state_pending_set(&st, "123456789012345678901234567",
		                                         pdu, sizeof pdu, 7),
		                 OMACP_OK);
	}
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &len), OMACP_OK);
	assert_int_equal(len, OMACP_STATE_BLOB_MAX);
	assert_int_equal(omacp_state_load(&st2, blob, len), OMACP_OK);
	assert_memory_equal(&st, &st2, sizeof st);
}

static void test_every_bit_flip_detected(void **cs)
{
	size_t len = 0, i;
	int b;
	(void)cs;
	fill(&st);
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &len), OMACP_OK);
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			omacp_err e;
			memcpy(blob2, blob, len);
			blob2[i] ^= (uint8_t)(1u << b);
			e = omacp_state_load(&st2, blob2, len);
			assert_true(e < 0);
			/* the length field gives SIZE, everything else CRC */
			if (i >= 6 && i < 10)
				assert_int_equal(e, OMACP_E_STATE_SIZE);
			else
				assert_int_equal(e, OMACP_E_STATE_CRC);
			/* never half-loaded */
			assert_int_equal(st2.n_policies, 0);
			assert_int_equal(st2.flags, 0);
			assert_int_equal(st2.pending_len, 0);
		}
	}
}

static void test_every_truncation_detected(void **cs)
{
	size_t len = 0, i;
	(void)cs;
	fill(&st);
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &len), OMACP_OK);
	for (i = 0; i < len; i++)
		assert_int_equal(omacp_state_load(&st2, blob, i), OMACP_E_STATE_SIZE);
	/* one trailing byte too many */
	memcpy(blob2, blob, len);
	blob2[len] = 0;
	assert_int_equal(omacp_state_load(&st2, blob2, len + 1),
	                 OMACP_E_STATE_SIZE);
	assert_int_equal(omacp_state_load(&st2, NULL, 0), OMACP_E_STATE_SIZE);
}

/* Recompute the CRC after editing a blob (a well-formed but different blob). */
static void reseal(uint8_t *b, size_t len)
{
	uint32_t crc = omacp_crc32(0, b, len - 4);
	b[len - 4] = (uint8_t)crc;
	b[len - 3] = (uint8_t)(crc >> 8);
	b[len - 2] = (uint8_t)(crc >> 16);
	b[len - 1] = (uint8_t)(crc >> 24);
}

static void test_version_and_payload_errors(void **cs)
{
	size_t len = 0;
	(void)cs;
	fill(&st);
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &len), OMACP_OK);
	/* version 2 with a correct CRC */
	memcpy(blob2, blob, len);
	blob2[4] = 2;
	reseal(blob2, len);
	assert_int_equal(omacp_state_load(&st2, blob2, len), OMACP_E_STATE_VERSION);
	/* wrong magic, correct CRC: still corrupt */
	memcpy(blob2, blob, len);
	blob2[0] = 'X';
	reseal(blob2, len);
	assert_int_equal(omacp_state_load(&st2, blob2, len), OMACP_E_STATE_CRC);
	/* policy count beyond capacity */
	memcpy(blob2, blob, len);
	blob2[14] = (uint8_t)(OMACP_STATE_MAX_POLICIES + 1);
	reseal(blob2, len);
	assert_int_equal(omacp_state_load(&st2, blob2, len), OMACP_E_LIMIT);
	assert_int_equal(st2.n_policies, 0);
	/* policy count 3 instead of 2: the payload no longer parses (the
	 * following counts are read from the wrong bytes) */
	memcpy(blob2, blob, len);
	blob2[14] = 3;
	reseal(blob2, len);
	{
		omacp_err e = omacp_state_load(&st2, blob2, len);
		assert_true(e == OMACP_E_STATE_SIZE || e == OMACP_E_LIMIT);
		assert_int_equal(st2.n_policies, 0);
	}
	/* pending originator length 1 byte short: trailing byte left over */
	memcpy(blob2, blob, len);
	blob2[len - 4 - 4 - 1 - 9 - 1] = 8;
	reseal(blob2, len);
	assert_int_equal(omacp_state_load(&st2, blob2, len), OMACP_E_STATE_SIZE);
	/* PROVURL length field too large for the blob */
	memcpy(blob2, blob, len);
	blob2[14 + 1 + 16 + 2] = 0xFF; /* high byte of the first PROVURL length */
	reseal(blob2, len);
	assert_int_equal(omacp_state_load(&st2, blob2, len), OMACP_E_LIMIT);
}

static void test_tables(void **cs)
{
	uint32_t v = 0;
	static const uint8_t d[20] = { 42 };
	uint8_t x[20];
	unsigned i;
	(void)cs;
	omacp_state_init(&st);
	assert_int_equal(omacp_state_policy_get(&st, 4119, &v), 0);
	assert_int_equal(omacp_state_policy_set(&st, 4119, 132), OMACP_OK);
	assert_int_equal(omacp_state_policy_set(&st, 4143, 7296), OMACP_OK);
	assert_int_equal(omacp_state_policy_set(&st, 4119, 128), OMACP_OK);
	assert_int_equal(st.n_policies, 2);
	assert_int_equal(omacp_state_policy_get(&st, 4119, &v), 1);
	assert_int_equal(v, 128);
	omacp_state_policy_clear(&st, 4119);
	assert_int_equal(omacp_state_policy_get(&st, 4119, &v), 0);
	assert_int_equal(omacp_state_policy_get(&st, 4143, &v), 1);
	assert_int_equal(v, 7296);
	omacp_state_policy_clear(&st, 9999);
	assert_int_equal(st.n_policies, 1);

	assert_int_equal(omacp_state_tps_add(&st, "http://a", 8), OMACP_OK);
	assert_int_equal(omacp_state_tps_add(&st, "http://a", 8), OMACP_OK);
	assert_int_equal(st.n_tps, 1);
	assert_int_equal(omacp_state_tps_add(&st, "", 0), OMACP_E_LIMIT);
	assert_int_equal(omacp_state_tps_add(&st, "ht\0p", 4), OMACP_E_LIMIT);
	omacp_state_tps_clear(&st);
	assert_int_equal(st.n_tps, 0);

	assert_int_equal(omacp_state_ppg_set(&st, "111", 3, OMACP_PPG_PUSH), OMACP_OK);
	assert_int_equal(omacp_state_ppg_set(&st, "222", 3, OMACP_PPG_PUSH), OMACP_OK);
	assert_int_equal(omacp_state_ppg_set(&st, "111", 3, 3), OMACP_OK);
	assert_int_equal(st.n_ppgs, 2);
	assert_non_null(omacp_state_ppg_find(&st, "111", 3));
	assert_int_equal(omacp_state_ppg_find(&st, "111", 3)->flags, 3);
	assert_null(omacp_state_ppg_find(&st, "11", 2));
	omacp_state_ppg_remove(&st, "111", 3);
	assert_int_equal(st.n_ppgs, 1);
	assert_string_equal(st.ppgs[0].addr, "222");
	assert_int_equal(omacp_state_ppg_set(&st, "1234567890123456789012345", 25, 1),
	                 OMACP_E_LIMIT);

	assert_int_equal(omacp_state_replay_seen(&st, d), 0);
	omacp_state_replay_add(&st, d);
	assert_int_equal(omacp_state_replay_seen(&st, d), 1);
	/* the oldest entry falls out after MAX_REPLAY newer ones */
	for (i = 0; i < OMACP_STATE_MAX_REPLAY; i++) {
		memset(x, (int)(100 + i), sizeof x);
		omacp_state_replay_add(&st, x);
		assert_int_equal(omacp_state_replay_seen(&st, d),
		                 i + 1 < OMACP_STATE_MAX_REPLAY);
	}

	{
		uint8_t big[OMACP_STATE_PENDING_MAX + 1] = { 0 };
		assert_int_equal(omacp_state_pending_set(&st, "1", big, sizeof big, 0),
		                 OMACP_E_LIMIT);
		assert_int_equal(omacp_state_pending_set(&st, "1", big, 0, 0),
		                 OMACP_E_LIMIT);
		assert_int_equal(omacp_state_pending_set(&st, NULL, big, 3, 5),
		                 OMACP_OK);
		st.pin_attempts = 1;
		omacp_state_pending_clear(&st);
		assert_int_equal(st.pending_len, 0);
		assert_int_equal(st.pin_attempts, 0);
	}
}

/* Equal states give byte-identical blobs, whatever happened before. */
static void test_blob_is_canonical(void **cs)
{
	size_t l1 = 0, l2 = 0;
	(void)cs;
	omacp_state_init(&st);
	assert_int_equal(omacp_state_policy_set(&st, 4119, 1), OMACP_OK);
	omacp_state_init(&st2);
	assert_int_equal(omacp_state_policy_set(&st2, 4119, 1), OMACP_OK);
	assert_int_equal(omacp_state_policy_set(&st2, 4120, 1), OMACP_OK);
	omacp_state_policy_clear(&st2, 4120);
	assert_int_equal(omacp_state_save(&st, blob, sizeof blob, &l1), OMACP_OK);
	assert_int_equal(omacp_state_save(&st2, blob2, sizeof blob2, &l2), OMACP_OK);
	assert_int_equal(l1, l2);
	assert_memory_equal(blob, blob2, l1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_value),
		cmocka_unit_test(test_empty_blob_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_full_capacity_round_trip),
		cmocka_unit_test(test_every_bit_flip_detected),
		cmocka_unit_test(test_every_truncation_detected),
		cmocka_unit_test(test_version_and_payload_errors),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_blob_is_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
