/*
 * reasm.c - reassembly of concatenated SMS into WDP datagrams, in fixed
 * slots of a caller workspace.
 *
 * Slot layout (byte offsets; the workspace has no alignment requirement, so
 * every multi-byte field is stored big-endian byte by byte):
 *
 *   0        state: 0 free, 1 collecting
 *   1        flags: bit 0 = 16-bit reference
 *   2        total segments
 *   3        segments received
 *   4..5     reference
 *   6..7     destination port
 *   8..9     source port
 *   10..13   time of the first segment (host seconds)
 *   14..17   arrival order of the first segment (for eviction)
 *   18..     originator, NUL-terminated (OMACP_MAX_ADDR + 1 bytes)
 *   HDR..    one byte per segment: payload length + 1, 0 = not yet here
 *   ..       segment i's payload at HDR + segs + i * OMACP_REASM_SEG_MAX
 *
 * On completion the payloads are moved down in place (each one only ever
 * moves towards the start, so memmove in order is safe) and the slot is
 * freed at once: the datagram is handed out exactly once and stays readable
 * until the next call.
 */
#include <string.h>
#include "omacp/push.h"

#define S_STATE 0u
#define S_FLAGS 1u
#define S_TOTAL 2u
#define S_COUNT 3u
#define S_REF 4u
#define S_DST 6u
#define S_SRC 8u
#define S_TIME 10u
#define S_ORDER 14u
#define S_ADDR 18u

#define DEFAULT_EXPIRY 300u

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint8_t *slot_at(const omacp_reasm *r, unsigned i)
{
	return r->work_ + (size_t)i * r->slot_bytes_;
}

static uint8_t *slot_lens(const omacp_reasm *r, uint8_t *s)
{
	(void)r;
	return s + OMACP_REASM_SLOT_HDR;
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
	size_t need;
	unsigned i;

	if (!r)
		return OMACP_E_ARG;
	memset(r, 0, sizeof *r);
	if (n_slots == 0 || max_segs == 0 || max_segs > OMACP_MAX_SEGMENTS)
		return OMACP_E_ARG;
	if (n_slots > (size_t)-1 / OMACP_REASM_WORK_BYTES(1, max_segs))
		return OMACP_E_NOMEM;
	need = OMACP_REASM_WORK_BYTES(n_slots, max_segs);
	if (!work || work_len < need)
		return OMACP_E_NOMEM;
	r->work_ = work;
	r->slot_bytes_ = OMACP_REASM_WORK_BYTES(1, max_segs);
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
		slot_at(r, i)[S_STATE] = 0;
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

/* Free every partial message whose first segment is older than expiry.  A
 * clock that went backwards (difference above 2^31) expires nothing. */
static void expire(omacp_reasm *r, uint32_t now)
{
	unsigned i;
	for (i = 0; i < r->n_slots_; i++) {
		uint8_t *s = slot_at(r, i);
		uint32_t age;
		if (!s[S_STATE])
			continue;
		age = now - rd32(s + S_TIME);
		if (age > r->expiry_ && age < 0x80000000u)
			s[S_STATE] = 0;
	}
}

/* Copy the originator, truncated to OMACP_MAX_ADDR characters. */
static void addr_copy(uint8_t *dst, const char *src)
{
	size_t k = 0;
	if (src)
		while (k < OMACP_MAX_ADDR && src[k]) {
			dst[k] = (uint8_t)src[k];
			k++;
		}
	dst[k] = 0;
}

static int addr_eq(const uint8_t *stored, const char *src)
{
	size_t k = 0;
	if (!src)
		return stored[0] == 0;
	while (k < OMACP_MAX_ADDR && src[k]) {
		if (stored[k] != (uint8_t)src[k])
			return 0;
		k++;
	}
	return stored[k] == 0;
}

static uint8_t *find_slot(const omacp_reasm *r, const char *orig,
                          const omacp_sms *m)
{
	unsigned i;
	for (i = 0; i < r->n_slots_; i++) {
		uint8_t *s = slot_at(r, i);
		if (s[S_STATE] && (s[S_FLAGS] & 1u) == (unsigned)(m->ref16 != 0) &&
		    s[S_TOTAL] == m->total && rd16(s + S_REF) == m->ref &&
		    rd16(s + S_DST) == m->dst_port &&
		    rd16(s + S_SRC) == m->src_port && addr_eq(s + S_ADDR, orig))
			return s;
	}
	return NULL;
}

/* A free slot, or the one whose message started first (evicted). */
static uint8_t *take_slot(omacp_reasm *r)
{
	uint8_t *oldest = NULL;
	unsigned i;
	for (i = 0; i < r->n_slots_; i++) {
		uint8_t *s = slot_at(r, i);
		if (!s[S_STATE])
			return s;
		if (!oldest ||
		    (int32_t)(rd32(s + S_ORDER) - rd32(oldest + S_ORDER)) < 0)
			oldest = s;
	}
	return oldest;
}

omacp_err omacp_reasm_feed(omacp_reasm *r, const char *originator,
                           const uint8_t *ud, size_t n, uint32_t now,
                           omacp_slice *dgram)
{
	omacp_sms m;
	omacp_err e;
	uint8_t *s, *lens, *dst;
	unsigned i, idx;
	size_t off;

	if (!r || !r->work_ || !ud || !dgram)
		return OMACP_E_ARG;
	dgram->ptr = NULL;
	dgram->len = 0;
	e = omacp_sms_parse(ud, n, &m);
	if (e != OMACP_OK)
		return e;
	if (!m.has_ports || !port_ok(r, m.dst_port))
		return OMACP_NOT_PUSH;
	expire(r, now);
	if (!m.has_concat || m.total == 1) {
		*dgram = m.payload; /* one SMS: zero copy */
		return OMACP_OK;
	}
	if (m.payload.len > OMACP_REASM_SEG_MAX)
		return OMACP_E_UDH; /* more than 140 octets of user data */
	if (m.total > r->max_segs_)
		return OMACP_E_LIMIT;
	idx = (unsigned)m.seq - 1u;
	s = find_slot(r, originator, &m);
	if (!s) {
		s = take_slot(r);
		s[S_STATE] = 1;
		s[S_FLAGS] = m.ref16 ? 1u : 0u;
		s[S_TOTAL] = m.total;
		s[S_COUNT] = 0;
		wr16(s + S_REF, m.ref);
		wr16(s + S_DST, m.dst_port);
		wr16(s + S_SRC, m.src_port);
		wr32(s + S_TIME, now);
		wr32(s + S_ORDER, r->order_++);
		addr_copy(s + S_ADDR, originator);
		memset(slot_lens(r, s), 0, m.total);
	}
	lens = slot_lens(r, s);
	dst = slot_data(r, s, idx);
	if (lens[idx]) {
		if ((size_t)lens[idx] - 1u == m.payload.len &&
		    (m.payload.len == 0 ||
		     memcmp(dst, m.payload.ptr, m.payload.len) == 0))
			return OMACP_MORE;
		s[S_STATE] = 0;
		return OMACP_E_CONFLICT;
	}
	if (m.payload.len)
		memcpy(dst, m.payload.ptr, m.payload.len);
	lens[idx] = (uint8_t)(m.payload.len + 1u);
	s[S_COUNT]++;
	if (s[S_COUNT] < s[S_TOTAL])
		return OMACP_MORE;
	/* complete: compact in place, free the slot, hand it out */
	off = 0;
	dst = slot_data(r, s, 0);
	for (i = 0; i < s[S_TOTAL]; i++) {
		size_t len = (size_t)lens[i] - 1u;
		if (len)
			memmove(dst + off, slot_data(r, s, i), len);
		off += len;
	}
	s[S_STATE] = 0;
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
		if (slot_at(r, i)[S_STATE])
			k++;
	return k;
}
