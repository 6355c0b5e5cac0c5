/*
 * reasm.c - reassembly of concatenated SMS into WDP datagrams, in fixed
 * slots of a caller workspace.
 *
 * Slot layout (byte offsets; the workspace has no alignment requirement, so
 * multi-byte fields are copied in and out with memcpy):
 *
 *   0 .. 1           reference (host order)           the key (struct key,
 *   2                total segments, 0 = slot free     KEY_BYTES)
 *   3                16-bit reference flag
 *   4 .. 7           destination, source port
 *   8 .. 7 + MAX     originator, NUL-padded
 *   S_TIME           time of the first segment (host seconds, 4 bytes)
 *   S_ORDER          arrival order of the first segment (for eviction, 4)
 *   S_COUNT          segments received
 *   .. HDR - 1       unused
 *   HDR..            one byte per segment: payload length + 1, 0 = not yet
 *   ..               segment i's payload at HDR + segs + i * OMACP_REASM_SEG_MAX
 *
 * Finding a segment's slot is one memcmp of the key per busy slot (the
 * originator is compared as strncpy'd copies: the same as comparing the
 * originators truncated to OMACP_MAX_ADDR characters).  Speed builds copy
 * the originator only into a slot that starts a message and compare it in
 * place (see SAME_KEY).
 *
 * On completion the payloads are moved down in place (each one only ever
 * moves towards the start, so memmove in order is safe) and the slot is
 * freed at once: the datagram is handed out exactly once and stays
 * readable until the next call.
 */
#include <stddef.h>
#include <string.h>
#include "omacp/push.h"

/* A slot's first KEY_BYTES: what identifies its message.  total is at
 * least 2 in a busy slot, so it doubles as the state (0 = free). */
struct key {
	uint16_t ref;
	uint8_t total, ref16;
	uint16_t dst, src;
	char orig[OMACP_MAX_ADDR];
};
#define KEY_BYTES (offsetof(struct key, orig) + OMACP_MAX_ADDR)
#define KEY_FIXED offsetof(struct key, orig)
#define S_STATE offsetof(struct key, total)

#ifdef __OPTIMIZE_SIZE__
#define SAME_KEY(t, key, orig) (memcmp(t, key, KEY_BYTES) == 0)
#else
/* key->orig is not filled: a busy slot's originator is NUL-padded (it was
 * strncpy'd), so strncmp against it answers exactly as the memcmp above. */
#define SAME_KEY(t, key, orig) (memcmp(t, key, KEY_FIXED) == 0 && \
	strncmp((const char *)(t) + KEY_FIXED, orig, OMACP_MAX_ADDR) == 0)
#endif

/* omacp_sms has ref, total, seq and dst_port, src_port next to each other
 * too: the key is filled with two 4-byte copies (and seq replaced). */
#define SMS_AT(m, f) ((const uint8_t *)(m) + offsetof(omacp_sms, f))
typedef char reasm_sms_fields[
	offsetof(omacp_sms, total) == offsetof(omacp_sms, ref) + 2u &&
	offsetof(omacp_sms, seq) == offsetof(omacp_sms, ref) + 3u &&
	offsetof(omacp_sms, src_port) == offsetof(omacp_sms, dst_port) + 2u &&
	offsetof(struct key, ref16) == 3u && offsetof(struct key, dst) == 4u ?
	1 : -1];

#define S_TIME KEY_BYTES
#define S_ORDER (S_TIME + 4u)
#define S_COUNT (S_ORDER + 4u)
#define HDR OMACP_REASM_SLOT_HDR

typedef char reasm_hdr_fits[S_COUNT + 1u <= HDR ? 1 : -1];

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
	uint8_t *end;

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
	r->end_ = end = work + n_slots * one;
	r->max_segs_ = max_segs;
	if (cfg)
		r->cfg_ = *cfg;
	if (!r->cfg_.n_ports) /* NULL or no ports: the default */
		r->cfg_.ports = NULL;
	if (!r->cfg_.expiry)
		r->cfg_.expiry = DEFAULT_EXPIRY;
	for (; work < end; work += one)
		work[S_STATE] = 0;
	return OMACP_OK;
}

static int port_ok(const omacp_reasm *r, uint16_t port)
{
	size_t i;
	if (!r->cfg_.ports)
		return port == OMACP_PORT_PUSH;
	for (i = 0; i < r->cfg_.n_ports; i++)
		if (r->cfg_.ports[i] == port)
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
	uint8_t *s = NULL, *oldest = NULL, *t, *lens, *data, *seg;
	unsigned i, idx;
	size_t off, k, len;
	uint32_t order;

	if (!r || !r->work_ || !ud || !dgram)
		return OMACP_E_ARG;
	dgram->ptr = NULL;
	dgram->len = 0;
	e = omacp_sms_parse(ud, n, &m);
	if (e != OMACP_OK)
		return e;
	if (!m.has_ports || !port_ok(r, m.dst_port))
		return OMACP_NOT_PUSH;
	memcpy(&key, SMS_AT(&m, ref), 4);
	key.ref16 = (uint8_t)m.ref16;
	memcpy((uint8_t *)&key + 4, SMS_AT(&m, dst_port), 4);
	if (!originator)
		originator = "";
#ifdef __OPTIMIZE_SIZE__
	strncpy(key.orig, originator, OMACP_MAX_ADDR);
#endif
	/* One pass over the slots: free every partial message whose first
	 * segment is older than expiry (a clock that went backwards, a
	 * difference above 2^31, expires nothing); find the segment's slot
	 * (a single SMS has total 0 or 1 and matches none); else note a free
	 * one, else the one whose message started first (arrival order, not
	 * host time) to evict. */
	for (t = r->work_; t < r->end_; t += r->slot_bytes_) {
		if (t[S_STATE]) {
			uint32_t age = now - rd32(t + S_TIME);
			if (age > r->cfg_.expiry && age < 0x80000000u) {
				t[S_STATE] = 0;
			} else if (SAME_KEY(t, &key, originator)) {
				s = t;
				continue;
			}
		}
		if (!oldest || (oldest[S_STATE] && (!t[S_STATE] ||
		    (int32_t)(rd32(t + S_ORDER) - rd32(oldest + S_ORDER)) < 0)))
			oldest = t;
	}
	if (m.total < 2) { /* no concatenation IE (total 0), or total 1 */
		*dgram = m.payload; /* one SMS: zero copy */
		return OMACP_OK;
	}
	len = m.payload.len;
	if (len > OMACP_REASM_SEG_MAX)
		return OMACP_E_UDH; /* more than 140 octets of user data */
	if (m.total > r->max_segs_)
		return OMACP_E_LIMIT;
	if (!s) {
		s = oldest;
#ifdef __OPTIMIZE_SIZE__
		memcpy(s, &key, KEY_BYTES);
#else
		memcpy(s, &key, KEY_FIXED);
		strncpy((char *)s + KEY_FIXED, originator, OMACP_MAX_ADDR);
#endif
		memcpy(s + S_TIME, &now, 4);
		order = r->order_++;
		memcpy(s + S_ORDER, &order, 4);
		s[S_COUNT] = 0;
		memset(s + HDR, 0, m.total);
	}
	lens = s + HDR;
	data = lens + r->max_segs_;
	idx = (unsigned)m.seq - 1u;
	seg = data + idx * OMACP_REASM_SEG_MAX;
	if (lens[idx]) {
		if (lens[idx] == len + 1u &&
		    memcmp(seg, m.payload.ptr, len) == 0)
			return OMACP_MORE;
		s[S_STATE] = 0;
		return OMACP_E_CONFLICT;
	}
	lens[idx] = (uint8_t)(len + 1u);
	memcpy(seg, m.payload.ptr, len);
	if (++s[S_COUNT] < m.total)
		return OMACP_MORE;
	/* complete: compact in place, free the slot, hand it out */
	s[S_STATE] = 0;
#ifdef __OPTIMIZE_SIZE__
	off = 0;
	i = 0;
#else
	off = (size_t)lens[0] - 1u; /* the first payload is in place already */
	i = 1;
#endif
	do { /* (total >= 2) */
		k = (size_t)lens[i] - 1u;
		memmove(data + off, data + i * OMACP_REASM_SEG_MAX, k);
		off += k;
	} while (++i < m.total);
	dgram->ptr = data;
	dgram->len = off;
	return OMACP_OK;
}

unsigned omacp_reasm_pending(const omacp_reasm *r)
{
	unsigned k = 0;
	const uint8_t *t;
	if (!r)
		return 0;
	for (t = r->work_; t < r->end_; t += r->slot_bytes_) /* (none before init) */
		k += t[S_STATE] != 0;
	return k;
}
