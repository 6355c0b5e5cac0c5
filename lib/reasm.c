/*
 * reasm.c - reassembly of concatenated SMS into WDP datagrams, in fixed
 * slots of a caller workspace.
 *
 * Slot layout (byte offsets; the workspace has no alignment requirement, so
 * multi-byte fields are copied in and out with memcpy):
 *
 *   0                state: 0 free, 1 collecting
 *   1 .. KEY         the key: 16-bit reference flag, total segments,
 *                    reference, destination port, source port, then the
 *                    originator, NUL-padded (OMACP_MAX_ADDR + 1 bytes)
 *   1 + KEY          segments received
 *   2 + KEY          time of the first segment (host seconds, 4 bytes)
 *   6 + KEY          arrival order of the first segment (for eviction, 4)
 *   HDR..            one byte per segment: payload length + 1, 0 = not yet
 *   ..               segment i's payload at HDR + segs + i * OMACP_REASM_SEG_MAX
 *
 * A segment's key is built once and compared with memcmp, so finding its
 * slot is one comparison per slot.
 *
 * On completion the payloads are moved down in place (each one only ever
 * moves towards the start, so memmove in order is safe) and the slot is
 * freed at once: the datagram is handed out exactly once and stays readable
 * until the next call.
 */
#include <string.h>
#include "omacp/push.h"

/* flags, total, reference (2), ports (2 + 2), originator */
#define KEY (8u + OMACP_MAX_ADDR + 1u)
#define S_COUNT (1u + KEY)
#define S_TIME (2u + KEY)
#define S_ORDER (6u + KEY)

typedef char reasm_hdr_fits[S_ORDER + 4u == OMACP_REASM_SLOT_HDR ? 1 : -1];

#define DEFAULT_EXPIRY 300u

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint8_t *slot_at(const omacp_reasm *r, unsigned i)
{
	return r->work_ + (size_t)i * r->slot_bytes_;
}

static uint8_t *slot_data(const omacp_reasm *r, uint8_t *s, unsigned i)
{
	return s + OMACP_REASM_SLOT_HDR + r->max_segs_ +
	       (size_t)i * OMACP_REASM_SEG_MAX;
}

omacp_err omacp_reasm_init(omacp_reasm *r, uint8_t *work, size_t work_len,
                           unsigned n_slots, unsigned max_segs,
                           const omacp_reasm_config *cfg)
{
	size_t one;
	unsigned i;

	if (!r)
		return OMACP_E_ARG;
	memset(r, 0, sizeof *r);
	if (n_slots == 0 || max_segs == 0 || max_segs > OMACP_MAX_SEGMENTS)
		return OMACP_E_ARG;
	one = OMACP_REASM_WORK_BYTES(1, max_segs);
	if (!work || n_slots > work_len / one)
		return OMACP_E_NOMEM;
	r->work_ = work;
	r->slot_bytes_ = one;
	r->n_slots_ = n_slots;
	r->max_segs_ = max_segs;
	r->expiry_ = DEFAULT_EXPIRY;
	if (cfg) {
		if (cfg->ports && cfg->n_ports) {
			r->ports_ = cfg->ports;
			r->n_ports_ = cfg->n_ports;
		}
		if (cfg->expiry)
			r->expiry_ = cfg->expiry;
	}
	for (i = 0; i < n_slots; i++)
		slot_at(r, i)[0] = 0;
	return OMACP_OK;
}

static int port_ok(const omacp_reasm *r, uint16_t port)
{
	size_t i;
	if (!r->ports_)
		return port == OMACP_PORT_PUSH;
	for (i = 0; i < r->n_ports_; i++)
		if (r->ports_[i] == port)
			return 1;
	return 0;
}

omacp_err omacp_reasm_feed(omacp_reasm *r, const char *originator,
                           const uint8_t *ud, size_t n, uint32_t now,
                           omacp_slice *dgram)
{
	omacp_sms m;
	omacp_err e;
	uint8_t key[KEY];
	uint8_t *s = NULL, *oldest = NULL, *lens, *dst;
	unsigned i, idx;
	size_t off, k;

	if (!r || !r->work_ || !ud || !dgram)
		return OMACP_E_ARG;
	dgram->ptr = NULL;
	dgram->len = 0;
	e = omacp_sms_parse(ud, n, &m);
	if (e != OMACP_OK)
		return e;
	if (!m.has_ports || !port_ok(r, m.dst_port))
		return OMACP_NOT_PUSH;
	/* Free every partial message whose first segment is older than
	 * expiry; a clock that went backwards (difference above 2^31)
	 * expires nothing. */
	for (i = 0; i < r->n_slots_; i++) {
		uint8_t *t = slot_at(r, i);
		if (t[0]) {
			uint32_t age = now - rd32(t + S_TIME);
			if (age > r->expiry_ && age < 0x80000000u)
				t[0] = 0;
		}
	}
	if (!m.has_concat || m.total == 1) {
		*dgram = m.payload; /* one SMS: zero copy */
		return OMACP_OK;
	}
	if (m.payload.len > OMACP_REASM_SEG_MAX)
		return OMACP_E_UDH; /* more than 140 octets of user data */
	if (m.total > r->max_segs_)
		return OMACP_E_LIMIT;
	/* the key: originator truncated to OMACP_MAX_ADDR characters */
	memset(key, 0, sizeof key);
	key[0] = m.ref16 ? 1u : 0u;
	key[1] = m.total;
	key[2] = (uint8_t)(m.ref >> 8);
	key[3] = (uint8_t)m.ref;
	key[4] = (uint8_t)(m.dst_port >> 8);
	key[5] = (uint8_t)m.dst_port;
	key[6] = (uint8_t)(m.src_port >> 8);
	key[7] = (uint8_t)m.src_port;
	for (k = 0; originator && k < OMACP_MAX_ADDR && originator[k]; k++)
		key[8 + k] = (uint8_t)originator[k];
	/* its slot; else a free one; else the one whose message started
	 * first (arrival order, not host time) is evicted */
	for (i = 0; i < r->n_slots_ && !s; i++) {
		uint8_t *t = slot_at(r, i);
		if (t[0] && memcmp(t + 1, key, KEY) == 0)
			s = t;
		else if (!oldest || (oldest[0] && (!t[0] ||
		         (int32_t)(rd32(t + S_ORDER) - rd32(oldest + S_ORDER)) < 0)))
			oldest = t;
	}
	if (!s) {
		uint32_t order = r->order_++;
		s = oldest;
		s[0] = 1;
		memcpy(s + 1, key, KEY);
		s[S_COUNT] = 0;
		memcpy(s + S_TIME, &now, 4);
		memcpy(s + S_ORDER, &order, 4);
		memset(s + OMACP_REASM_SLOT_HDR, 0, m.total);
	}
	lens = s + OMACP_REASM_SLOT_HDR;
	idx = (unsigned)m.seq - 1u;
	dst = slot_data(r, s, idx);
	if (lens[idx]) {
		if ((size_t)lens[idx] - 1u == m.payload.len &&
		    (m.payload.len == 0 ||
		     memcmp(dst, m.payload.ptr, m.payload.len) == 0))
			return OMACP_MORE;
		s[0] = 0;
		return OMACP_E_CONFLICT;
	}
	if (m.payload.len)
		memcpy(dst, m.payload.ptr, m.payload.len);
	lens[idx] = (uint8_t)(m.payload.len + 1u);
	if (++s[S_COUNT] < m.total)
		return OMACP_MORE;
	/* complete: compact in place, free the slot, hand it out */
	off = 0;
	dst = slot_data(r, s, 0);
	for (i = 0; i < m.total; i++) {
		k = (size_t)lens[i] - 1u;
		if (k)
			memmove(dst + off, slot_data(r, s, i), k);
		off += k;
	}
	s[0] = 0;
	dgram->ptr = dst;
	dgram->len = off;
	return OMACP_OK;
}

unsigned omacp_reasm_pending(const omacp_reasm *r)
{
	unsigned i, k = 0;
	if (!r || !r->work_)
		return 0;
	for (i = 0; i < r->n_slots_; i++)
		k += slot_at(r, i)[0];
	return k;
}
