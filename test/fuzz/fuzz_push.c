/*
 * fuzz_push.c - fuzz entries for the push transport layer (no main: the
 * libFuzzer driver or the replay harness supplies it).
 *
 *   fuzz_wsp    the input is one WSP push PDU.
 *   fuzz_reasm  the input is a stream of SMS: byte 0 picks the originator
 *               (0..3: one originator for all; above, it rotates per SMS), then
 *               each SMS is one length byte followed by that many bytes of
 *               TP-UD (cut short at the end of the input).  They
 *               go to a 2-slot reassembler; every completed datagram is
 *               decoded as a push PDU.
 *
 * Both must never crash or read out of bounds; they return 0.  A broken
 * invariant (a body that does not end the PDU, more pending messages than
 * slots) calls abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "omacp/push.h"
#include "fuzz.h"

/* Touch every byte of a slice so an out-of-bounds slice is caught. */
static unsigned touch(omacp_slice s)
{
	unsigned acc = 0;
	size_t i;
	for (i = 0; i < s.len; i++)
		acc += s.ptr[i];
	return acc;
}

static void check_push(const uint8_t *pdu, size_t n)
{
	omacp_push p;
	volatile unsigned sink = 0;
	if (omacp_push_decode(pdu, n, &p) != OMACP_OK)
		return;
	sink += touch(p.headers) + touch(p.body) + touch(p.content_type);
	sink += touch(p.mac) + touch(p.app_id_uri) + touch(p.initiator);
	sink += (unsigned)omacp_push_is_provisioning(&p);
	if (p.body.ptr + p.body.len != pdu + n)
		abort();
	(void)sink;
}

int fuzz_wsp(const uint8_t *data, size_t size)
{
	check_push(data, size);
	return 0;
}

int fuzz_reasm(const uint8_t *data, size_t size)
{
	static const char *const origs[4] = { "+491701234567", "+4412345", "", "12345" };
	static const uint16_t ports[] = { OMACP_PORT_PUSH, 49999 };
	uint8_t work[OMACP_REASM_WORK_BYTES(2, 8)];
	omacp_reasm_config cfg;
	omacp_reasm r;
	const char *orig;
	size_t i = 1, k = 0;
	uint32_t now = 0;

	if (size < 1)
		return 0;
	memset(&cfg, 0, sizeof cfg);
	cfg.ports = ports;
	cfg.n_ports = 2;
	cfg.expiry = 60;
	if (omacp_reasm_init(&r, work, sizeof work, 2, 8, &cfg) != OMACP_OK)
		return 0;
	while (i < size) {
		size_t len = data[i++];
		omacp_slice d;
		omacp_err e;
		if (len > size - i)
			len = size - i;
		/* byte 0 < 4 keeps one originator (the seeds complete); larger
		 * values rotate it per record, so slots compete; time moves
		 * 7 s per SMS, so expiry happens too */
		orig = origs[(data[0] + k * (data[0] >> 2)) & 3u];
		e = omacp_reasm_feed(&r, orig, data + i, len, now, &d);
		if (e == OMACP_OK)
			check_push(d.ptr, d.len);
		if (omacp_reasm_pending(&r) > 2)
			abort();
		i += len;
		now += 7;
		k++;
	}
	return 0;
}
