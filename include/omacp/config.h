/*
 * omacp/config.h - compile-time options and limits.
 *
 * Every value here is a default.  To change one, either pass -DNAME=value to
 * the compiler, or write your own header and build with
 * -DOMACP_CONFIG_FILE='"my_omacp_config.h"': it is included first, so any
 * macro it defines wins.  Impossible combinations stop the build with #error.
 *
 * Build switches (set by the Makefile options of the same name):
 *   OMACP_NO_MALLOC  the library never touches the heap; the XML front end
 *                    then requires a caller workspace (expat runs on it).
 *   OMACP_NO_XML     no expat at all: omacp_xml_parse* are not declared.
 *
 * Porting hook (define it in the OMACP_CONFIG_FILE, never on its own):
 *   OMACP_SHA1_ALT   the HMAC-SHA1 of sec.h runs on the host's SHA-1 (for
 *                    example a hardware hash engine) instead of mbedTLS's.
 *                    The config file must then also provide, as functions
 *                    or function-like macros:
 *       omacp_sha1_ctx    a complete type: the SHA-1 state, embedded in
 *                         omacp_hmac (so it lives wherever the caller puts
 *                         that, normally the stack);
 *       void omacp_sha1_starts(omacp_sha1_ctx *c);    begin a new hash
 *       void omacp_sha1_update(omacp_sha1_ctx *c, const uint8_t *p,
 *                              size_t n);             hash n more bytes
 *       void omacp_sha1_finish(omacp_sha1_ctx *c, uint8_t out[20]);
 *                                                     write the digest
 *       void omacp_sha1_free(omacp_sha1_ctx *c);      release the engine
 *                         (called when an HMAC ends or is abandoned; may
 *                         be an empty macro).
 *                    They cannot fail (a failing engine must still return;
 *                    the wrong MAC it causes is rejected by verification).
 *                    The library wipes the context itself after free.
 *                    mbedtls_platform_zeroize is still used to wipe secrets;
 *                    no mbedtls_sha1_* symbol is referenced any more.
 *                    See docs/porting.md.
 */
#ifndef OMACP_CONFIG_H
#define OMACP_CONFIG_H

#ifdef OMACP_CONFIG_FILE
#include OMACP_CONFIG_FILE
#endif

/* Deepest element nesting accepted in a document (root = depth 0).
 * Real provisioning documents reach 5; anything deeper is an error. */
#ifndef OMACP_MAX_DEPTH
#define OMACP_MAX_DEPTH 8
#endif

/* Most attributes one element may carry (type/name/value/version plus the
 * Windows Mobile metadata attributes). */
#ifndef OMACP_MAX_ATTRS
#define OMACP_MAX_ATTRS 8
#endif

/* Longest SMS originator address kept for reassembly and PPG matching. */
#ifndef OMACP_MAX_ADDR
#define OMACP_MAX_ADDR 24
#endif

/* USERPIN / USERNETWPIN: accepted PIN length in characters (inclusive). */
#ifndef OMACP_PIN_MIN_LEN
#define OMACP_PIN_MIN_LEN 4
#endif
#ifndef OMACP_PIN_MAX_LEN
#define OMACP_PIN_MAX_LEN 20
#endif

/* USERPINMAC: the user types K || m, 2n decimal digits.  n must lie in
 * [OMACP_USERPINMAC_MIN_N, 20] (20 = bytes of an HMAC-SHA1). */
#ifndef OMACP_USERPINMAC_MIN_N
#define OMACP_USERPINMAC_MIN_N 4
#endif

/* Most SMS segments one concatenated message may have (the 8-bit total field
 * caps it at 255). */
#ifndef OMACP_MAX_SEGMENTS
#define OMACP_MAX_SEGMENTS 255
#endif

#if OMACP_MAX_DEPTH < 2 || OMACP_MAX_DEPTH > 64
#error "OMACP_MAX_DEPTH must be between 2 and 64"
#endif
#if OMACP_MAX_ATTRS < 3 || OMACP_MAX_ATTRS > 32
#error "OMACP_MAX_ATTRS must be between 3 and 32"
#endif
#if OMACP_PIN_MIN_LEN < 1 || OMACP_PIN_MIN_LEN > OMACP_PIN_MAX_LEN
#error "OMACP_PIN_MIN_LEN must be between 1 and OMACP_PIN_MAX_LEN"
#endif
#if OMACP_PIN_MAX_LEN > 64
#error "OMACP_PIN_MAX_LEN must be at most 64"
#endif
#if OMACP_USERPINMAC_MIN_N < 1 || OMACP_USERPINMAC_MIN_N > 20
#error "OMACP_USERPINMAC_MIN_N must be between 1 and 20"
#endif
#if OMACP_MAX_SEGMENTS < 1 || OMACP_MAX_SEGMENTS > 255
#error "OMACP_MAX_SEGMENTS must be between 1 and 255"
#endif
#if OMACP_MAX_ADDR < 8 || OMACP_MAX_ADDR > 64
#error "OMACP_MAX_ADDR must be between 8 and 64"
#endif

#endif /* OMACP_CONFIG_H */
