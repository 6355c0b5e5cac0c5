/*
 * Fuzz entry for the persistent state: omacp_state_load on any blob.
 *
 * Input: a state blob, as is.  It is loaded twice: as given (almost every
 * mutation then fails the length or CRC check), and "repaired" -- magic,
 * length field and CRC-32 rewritten to match the bytes -- so that the
 * payload parser sees every mutation.
 *
 * Invariants (abort() when broken):
 *   - a blob that fails to load leaves the empty state (never half-loaded);
 *   - a blob that loads saves back to exactly the same bytes (the blob of a
 *     state is unique), and the saved blob loads to the same state;
 *   - the loaded blob cut short by one byte, or with any one bit flipped,
 *     does not load (the length field and the CRC catch torn writes);
 *   - the lookups work on whatever loaded.
 */
#include <stdlib.h>
#include <string.h>
#include "omacp/state.h"
#include "fuzz.h"

static void wr32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void check(const uint8_t *blob, size_t n, const omacp_state *empty)
{
	omacp_state *st = malloc(sizeof *st), *again = malloc(sizeof *again);
	uint8_t *out = malloc(OMACP_STATE_BLOB_MAX), *copy;
	size_t len = 0, bit;
	uint32_t v;
	omacp_err e;

	memset(st, 0xA5, sizeof *st);
	e = omacp_state_load(st, blob, n);
	if (e != OMACP_OK) {
		if (e > 0 || memcmp(st, empty, sizeof *st) != 0)
			abort();
		goto done;
	}
	if (n > OMACP_STATE_BLOB_MAX)
		abort();
	/* unique serialization */
	if (omacp_state_save(st, out, OMACP_STATE_BLOB_MAX, &len) != OMACP_OK)
		abort();
	if (len != n || memcmp(out, blob, n) != 0)
		abort();
	if (omacp_state_save(st, NULL, 0, &len) != OMACP_OK || len != n)
		abort();
	if (n > 0 && omacp_state_save(st, out, n - 1, &len) != OMACP_E_NOMEM)
		abort();
	memset(again, 0x5A, sizeof *again);
	if (omacp_state_load(again, blob, n) != OMACP_OK || memcmp(again, st, sizeof *st) != 0)
		abort();
	/* torn blobs: one byte short, one bit flipped (chosen by the content) */
	if (omacp_state_load(again, blob, n - 1) == OMACP_OK)
		abort();
	copy = malloc(n);
	memcpy(copy, blob, n);
	bit = (size_t)omacp_crc32(0, blob, n) % (n * 8);
	copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	if (omacp_state_load(again, copy, n) == OMACP_OK)
		abort();
	free(copy);
	/* lookups on what loaded */
	(void)omacp_state_policy_get(st, 4105, &v);
	(void)omacp_state_ppg_find(st, "+491701234567", 13);
	(void)omacp_state_replay_seen(st, blob);
done:
	free(st);
	free(again);
	free(out);
}

int fuzz_state(const uint8_t *data, size_t size)
{
	omacp_state *empty = malloc(sizeof *empty);
	memset(empty, 0, sizeof *empty);
	omacp_state_init(empty);
	check(data, size, empty);
	if (size >= 18) {
		uint8_t *fixed = malloc(size);
		memcpy(fixed, data, size);
		memcpy(fixed, OMACP_STATE_MAGIC, 4);
		wr32le(fixed + 6, (uint32_t)size);
		wr32le(fixed + size - 4, omacp_crc32(0, fixed, size - 4));
		check(fixed, size, empty);
		free(fixed);
	}
	free(empty);
	return 0;
}
