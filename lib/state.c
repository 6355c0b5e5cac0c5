/* The persistent handset state and its CRC-protected blob. */
#include <string.h>
#include "omacp/state.h"
#include "policy_int.h"

#define HDR_LEN 10u   /* magic 4, version 2, length 4 */

void omacp_state_init(omacp_state *st)
{
	memset(st, 0, sizeof *st);
}

#ifdef __OPTIMIZE_SIZE__
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
#else
/* Speed builds: a byte at a time (1 KB table; every state save runs it). */
static const uint32_t crc_byte[256] = {
	0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u,
	0x706AF48Fu, 0xE963A535u, 0x9E6495A3u, 0x0EDB8832u, 0x79DCB8A4u,
	0xE0D5E91Eu, 0x97D2D988u, 0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u,
	0x90BF1D91u, 0x1DB71064u, 0x6AB020F2u, 0xF3B97148u, 0x84BE41DEu,
	0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u, 0x136C9856u,
	0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u,
	0xFA0F3D63u, 0x8D080DF5u, 0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u,
	0xA2677172u, 0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu,
	0x35B5A8FAu, 0x42B2986Cu, 0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u,
	0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u, 0x26D930ACu, 0x51DE003Au,
	0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u, 0xCFBA9599u,
	0xB8BDA50Fu, 0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u,
	0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du, 0x76DC4190u,
	0x01DB7106u, 0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu,
	0x9FBFE4A5u, 0xE8B8D433u, 0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu,
	0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du, 0x91646C97u, 0xE6635C01u,
	0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu, 0x6C0695EDu,
	0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u, 0x65B0D9C6u, 0x12B7E950u,
	0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u,
	0xFBD44C65u, 0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u,
	0x4ADFA541u, 0x3DD895D7u, 0xA4D1C46Du, 0xD3D6F4FBu, 0x4369E96Au,
	0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u, 0x44042D73u, 0x33031DE5u,
	0xAA0A4C5Fu, 0xDD0D7CC9u, 0x5005713Cu, 0x270241AAu, 0xBE0B1010u,
	0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
	0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u,
	0x2EB40D81u, 0xB7BD5C3Bu, 0xC0BA6CADu, 0xEDB88320u, 0x9ABFB3B6u,
	0x03B6E20Cu, 0x74B1D29Au, 0xEAD54739u, 0x9DD277AFu, 0x04DB2615u,
	0x73DC1683u, 0xE3630B12u, 0x94643B84u, 0x0D6D6A3Eu, 0x7A6A5AA8u,
	0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u, 0xF00F9344u,
	0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu,
	0x196C3671u, 0x6E6B06E7u, 0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au,
	0x67DD4ACCu, 0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u,
	0xD6D6A3E8u, 0xA1D1937Eu, 0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u,
	0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu, 0xD80D2BDAu, 0xAF0A1B4Cu,
	0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u, 0x316E8EEFu,
	0x4669BE79u, 0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u,
	0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu, 0xC5BA3BBEu,
	0xB2BD0B28u, 0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u,
	0x2CD99E8Bu, 0x5BDEAE1Du, 0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu,
	0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu, 0x72076785u, 0x05005713u,
	0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u, 0x92D28E9Bu,
	0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u, 0x86D3D2D4u, 0xF1D4E242u,
	0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u,
	0x18B74777u, 0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu,
	0x8F659EFFu, 0xF862AE69u, 0x616BFFD3u, 0x166CCF45u, 0xA00AE278u,
	0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u, 0xA7672661u, 0xD06016F7u,
	0x4969474Du, 0x3E6E77DBu, 0xAED16A4Au, 0xD9D65ADCu, 0x40DF0B66u,
	0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
	0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u,
	0xCDD70693u, 0x54DE5729u, 0x23D967BFu, 0xB3667A2Eu, 0xC4614AB8u,
	0x5D681B02u, 0x2A6F2B94u, 0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu,
	0x2D02EF8Du,
};

uint32_t omacp_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i = 0;
	crc = ~crc;
	/* four bytes xored in at once, then four table steps: the same as a
	 * byte at a time (each step consumes the lowest byte) */
	for (; n - i >= 4u; i += 4u) {
		crc ^= (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
		       (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		crc = (crc >> 8) ^ crc_byte[crc & 0xFFu];
		crc = (crc >> 8) ^ crc_byte[crc & 0xFFu];
		crc = (crc >> 8) ^ crc_byte[crc & 0xFFu];
		crc = (crc >> 8) ^ crc_byte[crc & 0xFFu];
	}
	for (; i < n; i++)
		crc = (crc >> 8) ^ crc_byte[(crc ^ p[i]) & 0xFFu];
	return ~crc;
}
#endif

/* -------------------------------------------------- one codec, two ways */

/* Speed builds inline the whole codec (OMACP__HOT) into save and into
 * load, so the mode tests and the io fields fold into registers; size
 * builds keep one copy. */

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

static OMACP__HOT omacp_err fail(io *x, omacp_err e)
{
	if (x->err == OMACP_OK)
		x->err = e;
	return x->err;
}

/* Move n bytes between the blob and p. */
static OMACP__HOT void xbytes(io *x, void *p, size_t n)
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
 * past the end).  Bytes by hand: this runs for every field of every save. */
static OMACP__HOT uint32_t xint(io *x, uint32_t v, unsigned w)
{
	unsigned i;
	if (x->err != OMACP_OK)
		return 0;
	if (x->load) {
		if (x->cap - x->off < w) {
			x->short_ = 1;
			x->off = x->cap;
			return 0;
		}
		for (v = 0, i = w; i-- > 0;)
			v = v << 8 | x->in[x->off + i];
	} else if (x->out != NULL && x->off <= x->cap && w <= x->cap - x->off) {
		for (i = 0; i < w; i++)
			x->out[x->off + i] = (uint8_t)(v >> (8u * i));
	}
	x->off += w;
	return v;
}

/* Move the w-byte integer field f (1, 2 or 4 bytes, as in the blob);
 * returns it. */
static OMACP__HOT uint32_t xfield(io *x, void *f, unsigned w)
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
static OMACP__HOT void xstr(io *x, char *s, size_t max, unsigned w, int empty_ok)
{
	size_t n = 0;
	if (!x->load) {
		const char *z = memchr(s, 0, max);
		n = z != NULL ? (size_t)(z - s) : max;
	}
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

static OMACP__HOT omacp_err codec(io *x, omacp_state *st)
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
