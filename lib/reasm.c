/*
 * reasm.c - reassembly of concatenated SMS into WDP datagrams, in fixed
 * slots of a caller workspace.
 *
 * Slot layout (byte offsets; the workspace has no alignment requirement, so
 * multi-byte fields are copied in and out with memcpy):
 *
 *   0                state: 0 free, 1 collecting
 *   1 .. 8           the key: 16-bit reference flag, total segments,
 *                    reference, destination port, source port (struct key)
 *   9 .. KEY         the originator, NUL-padded (OMACP_MAX_ADDR + 1 bytes)
 *   1 + KEY          segments received
 *   2 + KEY          time of the first segment (host seconds, 4 bytes)
 *   6 + KEY          arrival order of the first segment (for eviction, 4)
 *   HDR..            one byte per segment: payload length + 1, 0 = not yet
 *   ..               segment i's payload at HDR + segs + i * OMACP_REASM_SEG_MAX
 *
 * Finding a segment's slot is one 8-byte memcmp and one strncmp per busy
 * slot (strncmp against the NUL-padded copy is the comparison of the
 * originators truncated to OMACP_MAX_ADDR characters).
 *
 * On completion the payloads are moved down in place (each one only ever
 * moves towards the start, so memmove in order is safe), the segment that
 * completed the message straight from the SMS to its final place, and the
 * slot is freed at once: the datagram is handed out exactly once and stays
 * readable until the next call.
 */
#include <string.h>
#include "omacp/push.h"

/* key, originator */
#define KEY (8u + OMACP_MAX_ADDR + 1u)
#define S_ORIG 9u
#define S_COUNT (1u + KEY)
#define S_TIME (2u + KEY)
#define S_ORDER (6u + KEY)

/* The fixed part of the key: 8 bytes, no padding. */
struct key {
	uint8_t ref16, total;
	uint16_t ref, dst, src;
};

typedef char reasm_hdr_fits[S_ORDER + 4u == OMACP_REASM_SLOT_HDR ? 1 : -1];
typedef char reasm_key_size[sizeof(struct key) == 8u ? 1 : -1];

#define DEFAULT_EXPIRY 300u

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
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
		work[i * one] = 0;
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
	struct key key;
	const char *orig = originator ? originator : "";
	uint8_t *s = NULL, *oldest = NULL, *t, *lens, *data;
	unsigned i, idx;
	size_t off, k, len;

	if (!r || !r->work_ || !ud || !dgram)
		return OMACP_E_ARG;
	dgram->ptr = NULL;
	dgram->len = 0;
	e = omacp_sms_parse(ud, n, &m);
	if (e != OMACP_OK)
		return e;
	if (!m.has_ports || !port_ok(r, m.dst_port))
		return OMACP_NOT_PUSH;
	key.ref16 = (uint8_t)m.ref16;
	key.total = m.total;
	key.ref = m.ref;
	key.dst = m.dst_port;
	key.src = m.src_port;
	/* One pass over the slots: free every partial message whose first
	 * segment is older than expiry (a clock that went backwards, a
	 * difference above 2^31, expires nothing); find the segment's slot
	 * (a single SMS has total 0 or 1 and matches none); else note a free
	 * one, else the one whose message started first (arrival order, not
	 * host time) to evict. */
	for (i = 0, t = r->work_; i < r->n_slots_; i++, t += r->slot_bytes_) {
		if (t[0]) {
			uint32_t age = now - rd32(t + S_TIME);
			if (age > r->expiry_ && age < 0x80000000u) {
				t[0] = 0;
			} else if (memcmp(t + 1, &key, sizeof key) == 0 &&
			           strncmp((const char *)t + S_ORIG, orig,
			                   OMACP_MAX_ADDR) == 0) {
				s = t;
				continue;
			}
		}
		if (!oldest || (oldest[0] && (!t[0] ||
		    (int32_t)(rd32(t + S_ORDER) - rd32(oldest + S_ORDER)) < 0)))
			oldest = t;
	}
	if (!m.has_concat || m.total == 1) {
		*dgram = m.payload; /* one SMS: zero copy */
		return OMACP_OK;
	}
	len = m.payload.len;
	if (len > OMACP_REASM_SEG_MAX)
		return OMACP_E_UDH; /* more than 140 octets of user data */
	if (m.total > r->max_segs_)
		return OMACP_E_LIMIT;
	if (!s) {
		uint32_t order = r->order_++;
		s = oldest;
		s[0] = 1;
		memcpy(s + 1, &key, sizeof key);
		/* NUL-padded; the byte after it stays unused */
		strncpy((char *)s + S_ORIG, orig, OMACP_MAX_ADDR);
		s[S_COUNT] = 0;
		memcpy(s + S_TIME, &now, 4);
		memcpy(s + S_ORDER, &order, 4);
		memset(s + OMACP_REASM_SLOT_HDR, 0, m.total);
	}
	lens = s + OMACP_REASM_SLOT_HDR;
	data = lens + r->max_segs_;
	idx = (unsigned)m.seq - 1u;
	if (lens[idx]) {
		if ((size_t)lens[idx] - 1u == len &&
		    memcmp(data + idx * OMACP_REASM_SEG_MAX, m.payload.ptr, len) == 0)
			return OMACP_MORE;
		s[0] = 0;
		return OMACP_E_CONFLICT;
	}
	lens[idx] = (uint8_t)(len + 1u);
	if (++s[S_COUNT] < m.total) {
		memcpy(data + idx * OMACP_REASM_SEG_MAX, m.payload.ptr, len);
		return OMACP_MORE;
	}
	/* complete: compact in place (this segment straight from the SMS:
	 * its final place ends before the next segment's), free the slot,
	 * hand it out */
	off = 0;
	for (i = 0; i < m.total; i++) {
		k = (size_t)lens[i] - 1u;
		memmove(data + off, i == idx ? m.payload.ptr :
		        data + i * OMACP_REASM_SEG_MAX, k);
		off += k;
	}
	s[0] = 0;
	dgram->ptr = data;
	dgram->len = off;
	return OMACP_OK;
}

unsigned omacp_reasm_pending(const omacp_reasm *r)
{
	unsigned i, k = 0;
	if (!r || !r->work_)
		return 0;
	for (i = 0; i < r->n_slots_; i++)
		k += r->work_[i * r->slot_bytes_];
	return k;
}
