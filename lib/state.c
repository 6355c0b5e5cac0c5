/* The persistent handset state and its CRC-protected blob. */
#include <string.h>
#include "omacp/state.h"

#define HDR_LEN 10u   /* magic 4, version 2, length 4 */

void omacp_state_init(omacp_state *st)
{
	memset(st, 0, sizeof *st);
}

uint32_t omacp_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;
	crc = ~crc;
	for (i = 0; i < n; i++) {
		int k;
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* ---------------------------------------------------------------- write */

static size_t slen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] != '\0')
		n++;
	return n;
}

typedef struct wr {
	uint8_t *p;     /* NULL: measure only */
	size_t cap, len;
} wr;

static void wmem(wr *w, const void *s, size_t n)
{
	if (w->p != NULL && w->len + n <= w->cap && n > 0)
		memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void wle(wr *w, uint32_t v, size_t n)
{
	uint8_t b[4];
	size_t i;
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	wmem(w, b, n);
}

omacp_err omacp_state_save(const omacp_state *st, uint8_t *out, size_t cap,
                           size_t *len)
{
	wr w;
	size_t i, n;
	if (st->n_policies > OMACP_STATE_MAX_POLICIES ||
	    st->n_tps > OMACP_STATE_MAX_TPS || st->n_ppgs > OMACP_STATE_MAX_PPGS ||
	    st->n_replay > OMACP_STATE_MAX_REPLAY ||
	    st->replay_next >= OMACP_STATE_MAX_REPLAY ||
	    st->pending_len > OMACP_STATE_PENDING_MAX)
		return OMACP_E_ARG;
	w.p = out;
	w.cap = out != NULL ? cap : 0;
	w.len = 0;
	wmem(&w, OMACP_STATE_MAGIC, 4);
	wle(&w, OMACP_STATE_VERSION, 2);
	wle(&w, 0, 4);                      /* length, patched below */
	wle(&w, st->flags, 4);
	wle(&w, st->n_policies, 1);
	for (i = 0; i < st->n_policies; i++) {
		wle(&w, st->policies[i].id, 4);
		wle(&w, st->policies[i].value, 4);
	}
	wle(&w, st->n_tps, 1);
	for (i = 0; i < st->n_tps; i++) {
		n = slen(st->tps[i], OMACP_STATE_URL_MAX);
		wle(&w, (uint32_t)n, 2);
		wmem(&w, st->tps[i], n);
	}
	wle(&w, st->n_ppgs, 1);
	for (i = 0; i < st->n_ppgs; i++) {
		n = slen(st->ppgs[i].addr, OMACP_MAX_ADDR);
		wle(&w, (uint32_t)n, 1);
		wmem(&w, st->ppgs[i].addr, n);
		wle(&w, st->ppgs[i].flags, 1);
	}
	wle(&w, st->n_replay, 1);
	wle(&w, st->replay_next, 1);
	wmem(&w, st->replay, (size_t)st->n_replay * OMACP_STATE_DIGEST_LEN);
	wle(&w, st->pending_len, 2);
	wmem(&w, st->pending, st->pending_len);
	n = slen(st->pending_from, OMACP_MAX_ADDR);
	wle(&w, (uint32_t)n, 1);
	wmem(&w, st->pending_from, n);
	wle(&w, st->pin_attempts, 1);
	wle(&w, st->pending_time, 4);
	*len = w.len + 4;
	if (out == NULL)
		return OMACP_OK;
	if (*len > cap)
		return OMACP_E_NOMEM;
	w.len = 6;
	wle(&w, (uint32_t)*len, 4);
	w.len = *len - 4;
	wle(&w, omacp_crc32(0, out, *len - 4), 4);
	return OMACP_OK;
}

/* ----------------------------------------------------------------- read */

typedef struct rd {
	const uint8_t *p;
	size_t n, off;
	int bad;
} rd;

static uint32_t rle(rd *r, size_t n)
{
	uint32_t v = 0;
	size_t i;
	if (r->n - r->off < n) {
		r->bad = 1;
		r->off = r->n;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint32_t)r->p[r->off + i] << (8 * i);
	r->off += n;
	return v;
}

/* Copy n bytes as a NUL-free string of at most max bytes into dst. */
static omacp_err rstr(rd *r, char *dst, size_t n, size_t max, int allow_empty)
{
	if (n > max)
		return OMACP_E_LIMIT;
	if (r->n - r->off < n || (n == 0 && !allow_empty) ||
	    (n > 0 && memchr(r->p + r->off, 0, n) != NULL))
		return OMACP_E_STATE_SIZE;
	memcpy(dst, r->p + r->off, n);
	dst[n] = '\0';
	r->off += n;
	return OMACP_OK;
}

static omacp_err parse(omacp_state *st, rd *r)
{
	uint32_t n, i, k;
	omacp_err e;

	st->flags = rle(r, 4);
	n = rle(r, 1);
	if (n > OMACP_STATE_MAX_POLICIES)
		return OMACP_E_LIMIT;
	st->n_policies = (uint8_t)n;
	for (i = 0; i < n; i++) {
		st->policies[i].id = rle(r, 4);
		st->policies[i].value = rle(r, 4);
	}
	n = rle(r, 1);
	if (n > OMACP_STATE_MAX_TPS)
		return OMACP_E_LIMIT;
	st->n_tps = (uint8_t)n;
	for (i = 0; i < n && !r->bad; i++) {
		k = rle(r, 2);
		if ((e = rstr(r, st->tps[i], k, OMACP_STATE_URL_MAX, 0)) != OMACP_OK)
			return e;
	}
	n = rle(r, 1);
	if (n > OMACP_STATE_MAX_PPGS)
		return OMACP_E_LIMIT;
	st->n_ppgs = (uint8_t)n;
	for (i = 0; i < n && !r->bad; i++) {
		k = rle(r, 1);
		if ((e = rstr(r, st->ppgs[i].addr, k, OMACP_MAX_ADDR, 0)) != OMACP_OK)
			return e;
		st->ppgs[i].flags = (uint8_t)rle(r, 1);
	}
	n = rle(r, 1);
	k = rle(r, 1);
	if (n > OMACP_STATE_MAX_REPLAY || k >= OMACP_STATE_MAX_REPLAY)
		return OMACP_E_LIMIT;
	st->n_replay = (uint8_t)n;
	st->replay_next = (uint8_t)k;
	n *= OMACP_STATE_DIGEST_LEN;
	if (r->n - r->off < n)
		return OMACP_E_STATE_SIZE;
	memcpy(st->replay, r->p + r->off, n);
	r->off += n;
	n = rle(r, 2);
	if (n > OMACP_STATE_PENDING_MAX)
		return OMACP_E_LIMIT;
	if (r->n - r->off < n)
		return OMACP_E_STATE_SIZE;
	st->pending_len = (uint16_t)n;
	memcpy(st->pending, r->p + r->off, n);
	r->off += n;
	k = rle(r, 1);
	if (!r->bad &&
	    (e = rstr(r, st->pending_from, k, OMACP_MAX_ADDR, 1)) != OMACP_OK)
		return e;
	st->pin_attempts = (uint8_t)rle(r, 1);
	st->pending_time = rle(r, 4);
	if (r->bad || r->off != r->n)
		return OMACP_E_STATE_SIZE;
	return OMACP_OK;
}

omacp_err omacp_state_load(omacp_state *st, const uint8_t *blob,
                           size_t blob_len)
{
	rd r;
	omacp_err e;
	uint32_t v;

	omacp_state_init(st);
	if (blob == NULL || blob_len < HDR_LEN + 8u)
		return OMACP_E_STATE_SIZE;
	r.p = blob;
	r.n = blob_len;
	r.off = 6;
	r.bad = 0;
	if (rle(&r, 4) != blob_len)
		return OMACP_E_STATE_SIZE;
	r.off = blob_len - 4;
	v = rle(&r, 4);
	if (memcmp(blob, OMACP_STATE_MAGIC, 4) != 0 ||
	    omacp_crc32(0, blob, blob_len - 4) != v)
		return OMACP_E_STATE_CRC;
	r.off = 4;
	if (rle(&r, 2) != OMACP_STATE_VERSION)
		return OMACP_E_STATE_VERSION;
	r.off = HDR_LEN;
	r.n = blob_len - 4;
	e = parse(st, &r);
	if (e != OMACP_OK)
		omacp_state_init(st);
	return e;
}

/* ------------------------------------------------------------- policies */

int omacp_state_policy_get(const omacp_state *st, uint32_t id,
                           uint32_t *value)
{
	size_t i;
	for (i = 0; i < st->n_policies && i < OMACP_STATE_MAX_POLICIES; i++) {
		if (st->policies[i].id == id) {
			*value = st->policies[i].value;
			return 1;
		}
	}
	return 0;
}

omacp_err omacp_state_policy_set(omacp_state *st, uint32_t id, uint32_t value)
{
	size_t i;
	for (i = 0; i < st->n_policies; i++) {
		if (st->policies[i].id == id) {
			st->policies[i].value = value;
			return OMACP_OK;
		}
	}
	if (st->n_policies >= OMACP_STATE_MAX_POLICIES)
		return OMACP_E_STATE_FULL;
	st->policies[st->n_policies].id = id;
	st->policies[st->n_policies].value = value;
	st->n_policies++;
	return OMACP_OK;
}

void omacp_state_policy_clear(omacp_state *st, uint32_t id)
{
	size_t i;
	for (i = 0; i < st->n_policies; i++) {
		if (st->policies[i].id == id) {
			memmove(&st->policies[i], &st->policies[i + 1],
			        (st->n_policies - i - 1) * sizeof st->policies[0]);
			st->n_policies--;
			memset(&st->policies[st->n_policies], 0, sizeof st->policies[0]);
			return;
		}
	}
}

/* ------------------------------------------------------------------ TPS */

static int bad_text(const char *s, size_t len, size_t max)
{
	return s == NULL || len == 0 || len > max || memchr(s, 0, len) != NULL;
}

omacp_err omacp_state_tps_add(omacp_state *st, const char *url, size_t len)
{
	size_t i;
	if (bad_text(url, len, OMACP_STATE_URL_MAX))
		return OMACP_E_LIMIT;
	for (i = 0; i < st->n_tps; i++)
		if (strlen(st->tps[i]) == len && memcmp(st->tps[i], url, len) == 0)
			return OMACP_OK;
	if (st->n_tps >= OMACP_STATE_MAX_TPS)
		return OMACP_E_STATE_FULL;
	memset(st->tps[st->n_tps], 0, sizeof st->tps[0]);
	memcpy(st->tps[st->n_tps], url, len);
	st->n_tps++;
	return OMACP_OK;
}

void omacp_state_tps_clear(omacp_state *st)
{
	memset(st->tps, 0, sizeof st->tps);
	st->n_tps = 0;
}

/* ------------------------------------------------------------------ PPG */

static size_t ppg_index(const omacp_state *st, const char *addr, size_t len)
{
	size_t i;
	for (i = 0; i < st->n_ppgs && i < OMACP_STATE_MAX_PPGS; i++)
		if (strlen(st->ppgs[i].addr) == len &&
		    memcmp(st->ppgs[i].addr, addr, len) == 0)
			return i;
	return (size_t)-1;
}

const omacp_state_ppg *omacp_state_ppg_find(const omacp_state *st,
                                            const char *addr, size_t len)
{
	size_t i = ppg_index(st, addr, len);
	return i == (size_t)-1 ? NULL : &st->ppgs[i];
}

omacp_err omacp_state_ppg_set(omacp_state *st, const char *addr, size_t len,
                              unsigned flags)
{
	size_t i;
	if (bad_text(addr, len, OMACP_MAX_ADDR))
		return OMACP_E_LIMIT;
	i = ppg_index(st, addr, len);
	if (i == (size_t)-1) {
		if (st->n_ppgs >= OMACP_STATE_MAX_PPGS)
			return OMACP_E_STATE_FULL;
		i = st->n_ppgs++;
		memset(&st->ppgs[i], 0, sizeof st->ppgs[i]);
		memcpy(st->ppgs[i].addr, addr, len);
	}
	st->ppgs[i].flags = (uint8_t)flags;
	return OMACP_OK;
}

void omacp_state_ppg_remove(omacp_state *st, const char *addr, size_t len)
{
	size_t i = ppg_index(st, addr, len);
	if (i == (size_t)-1)
		return;
	memmove(&st->ppgs[i], &st->ppgs[i + 1],
	        (st->n_ppgs - i - 1) * sizeof st->ppgs[0]);
	st->n_ppgs--;
	memset(&st->ppgs[st->n_ppgs], 0, sizeof st->ppgs[0]);
}

/* --------------------------------------------------------------- replay */

int omacp_state_replay_seen(const omacp_state *st,
                            const uint8_t digest[OMACP_STATE_DIGEST_LEN])
{
	size_t i;
	for (i = 0; i < st->n_replay && i < OMACP_STATE_MAX_REPLAY; i++)
		if (memcmp(st->replay[i], digest, OMACP_STATE_DIGEST_LEN) == 0)
			return 1;
	return 0;
}

void omacp_state_replay_add(omacp_state *st,
                            const uint8_t digest[OMACP_STATE_DIGEST_LEN])
{
	unsigned k = st->replay_next;
	if (k >= OMACP_STATE_MAX_REPLAY)
		k = 0;
	memcpy(st->replay[k], digest, OMACP_STATE_DIGEST_LEN);
	if (st->n_replay < OMACP_STATE_MAX_REPLAY)
		st->n_replay++;
	st->replay_next = (uint8_t)((k + 1u) % OMACP_STATE_MAX_REPLAY);
}

/* -------------------------------------------------------------- pending */

omacp_err omacp_state_pending_set(omacp_state *st, const char *from,
                                  const uint8_t *pdu, size_t n, uint32_t now)
{
	size_t i;
	if (pdu == NULL || n == 0 || n > OMACP_STATE_PENDING_MAX)
		return OMACP_E_LIMIT;
	omacp_state_pending_clear(st);
	memcpy(st->pending, pdu, n);
	st->pending_len = (uint16_t)n;
	for (i = 0; from != NULL && i < OMACP_MAX_ADDR && from[i] != '\0'; i++)
		st->pending_from[i] = from[i];
	st->pending_time = now;
	return OMACP_OK;
}

void omacp_state_pending_clear(omacp_state *st)
{
	memset(st->pending, 0, sizeof st->pending);
	memset(st->pending_from, 0, sizeof st->pending_from);
	st->pending_len = 0;
	st->pin_attempts = 0;
	st->pending_time = 0;
}
