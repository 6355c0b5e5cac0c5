/* The persistent handset state and its CRC-protected blob. */
#include <string.h>
#include "omacp/state.h"

#define HDR_LEN 10u   /* magic 4, version 2, length 4 */

void omacp_state_init(omacp_state *st)
{
	memset(st, 0, sizeof *st);
}

/* CRC-32 four bits at a time (a 64-byte table instead of 1 KB). */
static const uint32_t crc_nibble[16] = {
	0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u,
	0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u,
	0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u,
	0xBDBDF21Cu,
};

uint32_t omacp_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;
	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 15u];
		crc = (crc >> 4) ^ crc_nibble[crc & 15u];
	}
	return ~crc;
}

/* -------------------------------------------------- one codec, two ways */

/* The payload is written (save) and read (load) by the same walk over the
 * fields; in save mode the state is only read. */
typedef struct io {
	uint8_t *out;          /* save: the blob, or NULL to measure          */
	const uint8_t *in;     /* load: the blob                              */
	size_t cap;            /* save: bytes of out; load: end of the payload */
	size_t off;
	int load;
	int short_;            /* load: an integer ran past the end (reported
	                          at the end, as OMACP_E_STATE_SIZE)           */
	omacp_err err;         /* the first error                             */
} io;

static omacp_err fail(io *x, omacp_err e)
{
	if (x->err == OMACP_OK)
		x->err = e;
	return x->err;
}

/* Move n bytes between the blob and p. */
static void xbytes(io *x, void *p, size_t n)
{
	if (x->err != OMACP_OK)
		return;
	if (x->load) {
		if (x->cap - x->off < n) {
			(void)fail(x, OMACP_E_STATE_SIZE);
			return;
		}
		memcpy(p, x->in + x->off, n);
	} else if (x->out != NULL && x->off <= x->cap && n <= x->cap - x->off) {
		memcpy(x->out + x->off, p, n);
	}
	x->off += n;
}

/* Move the w-byte little-endian integer v (save) / the one read (load: 0
 * past the end). */
static uint32_t xint(io *x, uint32_t v, unsigned w)
{
	uint8_t b[4] = { 0, 0, 0, 0 };
	unsigned i;
	if (x->load && x->cap - x->off < w) {
		x->short_ = 1;
		x->off = x->cap;
		return 0;
	}
	for (i = 0; i < w; i++)
		b[i] = (uint8_t)(v >> (8u * i));
	xbytes(x, b, w);
	if (x->load)
		for (v = 0; i-- > 0;)
			v = v << 8 | b[i];
	return v;
}

/* Move the w-byte integer field f (1, 2 or 4 bytes, as in the blob);
 * returns it. */
static uint32_t xfield(io *x, void *f, unsigned w)
{
	uint32_t v = w == 1 ? *(const uint8_t *)f
	           : w == 2 ? *(const uint16_t *)f : *(const uint32_t *)f;
	v = xint(x, v, w);
	if (!x->load)
		return v;           /* save: the state is only read */
	if (w == 1)
		*(uint8_t *)f = (uint8_t)v;
	else if (w == 2)
		*(uint16_t *)f = (uint16_t)v;
	else
		*(uint32_t *)f = v;
	return v;
}

/* A string of at most max bytes with a w-byte length.  Load: a length above
 * max is OMACP_E_LIMIT; fewer bytes than that, an empty string (unless
 * allowed) or a NUL inside is OMACP_E_STATE_SIZE. */
static void xstr(io *x, char *s, size_t max, unsigned w, int empty_ok)
{
	size_t n = 0;
	if (!x->load)
		while (n < max && s[n] != '\0')
			n++;
	n = xint(x, (uint32_t)n, w);
	if (x->err != OMACP_OK)
		return;
	if (x->load) {
		if (n > max) {
			(void)fail(x, OMACP_E_LIMIT);
			return;
		}
		if (x->cap - x->off < n || (n == 0 && !empty_ok) ||
		    (n > 0 && memchr(x->in + x->off, 0, n) != NULL)) {
			(void)fail(x, OMACP_E_STATE_SIZE);
			return;
		}
		s[n] = '\0';
	}
	xbytes(x, s, n);
}

/* A count read or written: above max is OMACP_E_LIMIT (save: the struct is
 * inconsistent). */
#if defined(__GNUC__)
__attribute__((noinline)) /* smaller out of line */
#endif
static int xcount(io *x, uint32_t n, uint32_t max)
{
	return n > max ? (int)fail(x, OMACP_E_LIMIT) : 0;
}

static omacp_err codec(io *x, omacp_state *st)
{
	uint32_t n, k, i;
	(void)xfield(x, &st->flags, 4);
	n = xfield(x, &st->n_policies, 1);
	if (xcount(x, n, OMACP_STATE_MAX_POLICIES))
		return x->err;
	for (i = 0; i < n; i++) {
		(void)xfield(x, &st->policies[i].id, 4);
		(void)xfield(x, &st->policies[i].value, 4);
	}
	n = xfield(x, &st->n_tps, 1);
	if (xcount(x, n, OMACP_STATE_MAX_TPS))
		return x->err;
	for (i = 0; i < n; i++)
		xstr(x, st->tps[i], OMACP_STATE_URL_MAX, 2, 0);
	n = xfield(x, &st->n_ppgs, 1);
	if (xcount(x, n, OMACP_STATE_MAX_PPGS))
		return x->err;
	for (i = 0; i < n; i++) {
		xstr(x, st->ppgs[i].addr, OMACP_MAX_ADDR, 1, 0);
		(void)xfield(x, &st->ppgs[i].flags, 1);
	}
	n = xfield(x, &st->n_replay, 1);
	k = xfield(x, &st->replay_next, 1);
	if (xcount(x, n, OMACP_STATE_MAX_REPLAY) ||
	    xcount(x, k, OMACP_STATE_MAX_REPLAY - 1u))
		return x->err;
	xbytes(x, st->replay, (size_t)n * OMACP_STATE_DIGEST_LEN);
	n = xfield(x, &st->pending_len, 2);
	if (xcount(x, n, OMACP_STATE_PENDING_MAX))
		return x->err;
	xbytes(x, st->pending, n);
	xstr(x, st->pending_from, OMACP_MAX_ADDR, 1, 1);
	(void)xfield(x, &st->pin_attempts, 1);
	(void)xfield(x, &st->pending_time, 4);
	return x->err;
}

omacp_err omacp_state_save(const omacp_state *st, uint8_t *out, size_t cap,
                           size_t *len)
{
	io x;
	uint8_t hdr[HDR_LEN];
	memset(&x, 0, sizeof x);
	memset(hdr, 0, sizeof hdr);
	x.out = out;
	x.cap = out != NULL ? cap : 0;
	memcpy(hdr, OMACP_STATE_MAGIC, 4);
	hdr[4] = (uint8_t)OMACP_STATE_VERSION;
	hdr[5] = (uint8_t)(OMACP_STATE_VERSION >> 8);
	xbytes(&x, hdr, HDR_LEN);          /* length patched below */
	/* the state is only read in save mode */
	if (codec(&x, (omacp_state *)(uintptr_t)st) != OMACP_OK)
		return OMACP_E_ARG;
	*len = x.off + 4;
	if (out == NULL)
		return OMACP_OK;
	if (*len > cap)
		return OMACP_E_NOMEM;
	x.off = 6;
	(void)xint(&x, (uint32_t)*len, 4);
	x.off = *len - 4;
	(void)xint(&x, omacp_crc32(0, out, *len - 4), 4);
	return OMACP_OK;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

omacp_err omacp_state_load(omacp_state *st, const uint8_t *blob,
                           size_t blob_len)
{
	io x;
	omacp_err e;

	omacp_state_init(st);
	if (blob == NULL || blob_len < HDR_LEN + 8u || le32(blob + 6) != blob_len)
		return OMACP_E_STATE_SIZE;
	if (memcmp(blob, OMACP_STATE_MAGIC, 4) != 0 ||
	    omacp_crc32(0, blob, blob_len - 4) != le32(blob + blob_len - 4))
		return OMACP_E_STATE_CRC;
	if ((blob[4] | (unsigned)blob[5] << 8) != OMACP_STATE_VERSION)
		return OMACP_E_STATE_VERSION;
	memset(&x, 0, sizeof x);
	x.in = blob;
	x.cap = blob_len - 4;
	x.off = HDR_LEN;
	x.load = 1;
	e = codec(&x, st);
	if (e == OMACP_OK && (x.short_ || x.off != x.cap))
		e = OMACP_E_STATE_SIZE;
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
