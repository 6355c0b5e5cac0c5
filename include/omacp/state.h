/*
 * omacp/state.h - the persistent handset state: one fixed-size struct and
 * its versioned, CRC-protected blob.
 *
 * The state holds everything the security engine must remember between
 * messages and across restarts:
 *   - policy overrides (policy values that differ from the profile default),
 *   - the bootstrapped flag and the TPS PROVURL(s) set by BOOTSTRAP,
 *   - the push-enabled PPG addresses (PXPHYSICAL PXADDR, E164) with their
 *     trust (PXLOGICAL TRUST),
 *   - a replay cache of the MACs of recently accepted signed messages,
 *   - one pending message waiting for the user's PIN, and the PIN attempts
 *     already spent on it.
 *
 * The struct has no pointers; the caller places it where it likes.  Its
 * fields are public (plain data) but should be changed through the functions
 * below, which keep the counts consistent.  Processing a message never edits
 * the caller's state: the Configuration Manager (csp.h) works on a copy that
 * the host persists only when the whole document applied.
 *
 * Blob format (version 1, all integers little-endian):
 *   magic "OMCS" (4) | version u16 | total length u32 (whole blob, CRC
 *   included) | payload | CRC-32 u32 (IEEE 802.3, reflected, init and final
 *   xor 0xFFFFFFFF, over every byte before it).
 *   payload: flags u32 | n u8, n x (id u32, value u32) | n u8, n x (len u16,
 *   bytes) PROVURLs | n u8, n x (len u8, bytes, flags u8) PPGs | n u8,
 *   next u8, n x 20 bytes replay | pending: len u16, bytes, originator len u8,
 *   bytes, attempts u8, time u32.
 * Only the used entries are written, so the blob of a given state is
 * unique: two equal states give byte-identical blobs.
 */
#ifndef OMACP_STATE_H
#define OMACP_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- capacities (override like config.h: -D or OMACP_CONFIG_FILE) ---- */

/* Policy overrides kept (each id whose value differs from the profile). */
#ifndef OMACP_STATE_MAX_POLICIES
#define OMACP_STATE_MAX_POLICIES 16
#endif
/* TPS PROVURLs kept (Windows Mobile keeps one context). */
#ifndef OMACP_STATE_MAX_TPS
#define OMACP_STATE_MAX_TPS 2
#endif
/* Longest PROVURL in bytes, without the NUL (Windows Mobile: 256). */
#ifndef OMACP_STATE_URL_MAX
#define OMACP_STATE_URL_MAX 256
#endif
/* Push-enabled PPG addresses kept. */
#ifndef OMACP_STATE_MAX_PPGS
#define OMACP_STATE_MAX_PPGS 4
#endif
/* MACs of accepted signed messages remembered against replay. */
#ifndef OMACP_STATE_MAX_REPLAY
#define OMACP_STATE_MAX_REPLAY 8
#endif
/* Largest pending message (the WSP push PDU) kept while waiting for a PIN. */
#ifndef OMACP_STATE_PENDING_MAX
#define OMACP_STATE_PENDING_MAX 1400
#endif

#if OMACP_STATE_MAX_POLICIES < 1 || OMACP_STATE_MAX_POLICIES > 255
#error "OMACP_STATE_MAX_POLICIES must be between 1 and 255"
#endif
#if OMACP_STATE_MAX_TPS < 1 || OMACP_STATE_MAX_TPS > 255
#error "OMACP_STATE_MAX_TPS must be between 1 and 255"
#endif
#if OMACP_STATE_URL_MAX < 16 || OMACP_STATE_URL_MAX > 2048
#error "OMACP_STATE_URL_MAX must be between 16 and 2048"
#endif
#if OMACP_STATE_MAX_PPGS < 1 || OMACP_STATE_MAX_PPGS > 255
#error "OMACP_STATE_MAX_PPGS must be between 1 and 255"
#endif
#if OMACP_STATE_MAX_REPLAY < 1 || OMACP_STATE_MAX_REPLAY > 255
#error "OMACP_STATE_MAX_REPLAY must be between 1 and 255"
#endif
#if OMACP_STATE_PENDING_MAX < 1 || OMACP_STATE_PENDING_MAX > 65535
#error "OMACP_STATE_PENDING_MAX must be between 1 and 65535"
#endif

#define OMACP_STATE_VERSION 1u
#define OMACP_STATE_MAGIC "OMCS"
#define OMACP_STATE_DIGEST_LEN 20u   /* bytes of one replay-cache entry */

/* Largest blob any state of this build serializes to. */
#define OMACP_STATE_BLOB_MAX                                                   \
	(4u + 2u + 4u + 4u + 4u +                                              \
	 1u + 8u * (size_t)OMACP_STATE_MAX_POLICIES +                          \
	 1u + (size_t)OMACP_STATE_MAX_TPS * (2u + (size_t)OMACP_STATE_URL_MAX) + \
	 1u + (size_t)OMACP_STATE_MAX_PPGS * (2u + (size_t)OMACP_MAX_ADDR) +   \
	 2u + (size_t)OMACP_STATE_MAX_REPLAY * OMACP_STATE_DIGEST_LEN +        \
	 2u + (size_t)OMACP_STATE_PENDING_MAX + 1u + (size_t)OMACP_MAX_ADDR +  \
	 1u + 4u)

/* state flags */
#define OMACP_STATE_F_BOOTSTRAPPED 0x01u  /* a BOOTSTRAP with PROVURL applied */

/* PPG flags */
#define OMACP_PPG_PUSH 0x01u     /* push-enabled: the address is a known PPG  */
#define OMACP_PPG_TRUSTED 0x02u  /* its PXLOGICAL carried TRUST (privileged)  */

typedef struct omacp_state_policy {
	uint32_t id;
	uint32_t value;
} omacp_state_policy;

typedef struct omacp_state_ppg {
	char addr[OMACP_MAX_ADDR + 1];   /* NUL-terminated, as provisioned       */
	uint8_t flags;                   /* OMACP_PPG_*                          */
} omacp_state_ppg;

typedef struct omacp_state {
	uint32_t flags;                  /* OMACP_STATE_F_*                      */

	uint8_t n_policies;
	omacp_state_policy policies[OMACP_STATE_MAX_POLICIES];

	uint8_t n_tps;                   /* stored PROVURLs, NUL-terminated      */
	char tps[OMACP_STATE_MAX_TPS][OMACP_STATE_URL_MAX + 1];

	uint8_t n_ppgs;
	omacp_state_ppg ppgs[OMACP_STATE_MAX_PPGS];

	uint8_t n_replay;                /* used entries                         */
	uint8_t replay_next;             /* ring position of the next insert     */
	uint8_t replay[OMACP_STATE_MAX_REPLAY][OMACP_STATE_DIGEST_LEN];

	/* The message waiting for a PIN (pending_len 0: none).  The functions
	 * below keep pending[] zero past pending_len (the client copies only
	 * the used part of it). */
	uint16_t pending_len;
	uint8_t pending[OMACP_STATE_PENDING_MAX];
	char pending_from[OMACP_MAX_ADDR + 1];  /* originator, NUL-terminated   */
	uint8_t pin_attempts;            /* wrong PINs already spent on it       */
	uint32_t pending_time;           /* host's "now" when it arrived         */
} omacp_state;

/* The empty state of a new handset (all zero).  Cannot fail. */
void omacp_state_init(omacp_state *st);

/*
 * Serialize st into out[0..cap).  *len receives the blob size (also when
 * out is NULL, which only measures).  Returns OMACP_OK, OMACP_E_NOMEM when
 * cap is too small (nothing useful written), OMACP_E_ARG when st holds
 * counts beyond the capacities (a corrupted struct).
 */
omacp_err omacp_state_save(const omacp_state *st, uint8_t *out, size_t cap,
                           size_t *len);

/*
 * Load a blob.  Checks, in this order:
 *   OMACP_E_STATE_SIZE    fewer than 18 bytes, or the length field differs
 *                         from blob_len (truncated or trailing bytes)
 *   OMACP_E_STATE_CRC     magic or CRC-32 wrong (corrupt)
 *   OMACP_E_STATE_VERSION a correct blob of another format version
 *   OMACP_E_STATE_SIZE    the payload's own lengths do not add up
 *   OMACP_E_LIMIT         a table holds more entries than this build's
 *                         capacities (blob from a bigger build)
 * On any error *st is the empty state (never half-loaded).  The blob is only
 * read during the call.
 */
omacp_err omacp_state_load(omacp_state *st, const uint8_t *blob,
                           size_t blob_len);

/* CRC-32 (IEEE, as used by the blob) of p[0..n), continuing from crc
 * (start with 0). */
uint32_t omacp_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- policy overrides (the values; policy.h adds the profile defaults) */

/* 1 and *value set when st overrides policy id, else 0. */
int omacp_state_policy_get(const omacp_state *st, uint32_t id,
                           uint32_t *value);
/* Set (add or replace) the override of id.  OMACP_E_STATE_FULL when a new
 * id does not fit. */
omacp_err omacp_state_policy_set(omacp_state *st, uint32_t id,
                                 uint32_t value);
/* Remove the override of id (no-op if none). */
void omacp_state_policy_clear(omacp_state *st, uint32_t id);

/* ---- TPS PROVURLs */

/* Add url[0..len) unless the same bytes are stored already.  Errors:
 * OMACP_E_LIMIT (len 0 or > OMACP_STATE_URL_MAX, or a NUL inside),
 * OMACP_E_STATE_FULL. */
omacp_err omacp_state_tps_add(omacp_state *st, const char *url, size_t len);
/* Forget every PROVURL (the bootstrapped flag is not touched). */
void omacp_state_tps_clear(omacp_state *st);

/* ---- PPG addresses (exact byte comparison; policy.h does the matching) */

/* The entry whose address is exactly addr[0..len), or NULL.  The pointer
 * lives as long as st is not changed. */
const omacp_state_ppg *omacp_state_ppg_find(const omacp_state *st,
                                            const char *addr, size_t len);
/* Add or update the entry for addr[0..len) with flags.  Errors:
 * OMACP_E_LIMIT (len 0 or > OMACP_MAX_ADDR, or a NUL inside),
 * OMACP_E_STATE_FULL. */
omacp_err omacp_state_ppg_set(omacp_state *st, const char *addr, size_t len,
                              unsigned flags);
/* Remove the entry for addr[0..len) (no-op if none); order of the others is
 * kept. */
void omacp_state_ppg_remove(omacp_state *st, const char *addr, size_t len);

/* ---- replay cache */

/* 1 when the 20-byte digest (normally the message's MAC) is remembered. */
int omacp_state_replay_seen(const omacp_state *st,
                            const uint8_t digest[OMACP_STATE_DIGEST_LEN]);
/* Remember digest; when full the oldest entry is overwritten. */
void omacp_state_replay_add(omacp_state *st,
                            const uint8_t digest[OMACP_STATE_DIGEST_LEN]);

/* ---- the pending PIN message */

/* Keep pdu[0..n) from originator `from` (NUL-terminated; truncated to
 * OMACP_MAX_ADDR) received at `now`, with 0 PIN attempts spent.
 * OMACP_E_LIMIT when n is 0 or above OMACP_STATE_PENDING_MAX (the state is
 * then unchanged).  The bytes are copied. */
omacp_err omacp_state_pending_set(omacp_state *st, const char *from,
                                  const uint8_t *pdu, size_t n, uint32_t now);
/* Drop the pending message and its attempt count (all those bytes zeroed). */
void omacp_state_pending_clear(omacp_state *st);

#ifdef __cplusplus
}
#endif

#endif /* OMACP_STATE_H */
