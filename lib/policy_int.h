/* Internal helpers of the policy / state / Configuration Manager layers. */
#ifndef OMACP_POLICY_INT_H
#define OMACP_POLICY_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "omacp/event.h"
#include "omacp/policy.h"

/* Speed builds (GCC, clang): a hot helper is always inlined into its
 * callers; size builds leave the choice to the compiler. */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define OMACP__HOT __attribute__((always_inline)) inline
#else
#define OMACP__HOT
#endif

/* A bounded one-line text builder: always NUL-terminated, never overflows,
 * bytes outside 0x20..0x7E are written as '?'. */
typedef struct omacp__line {
	char *p;
	size_t cap, len;
} omacp__line;

void omacp__line_init(omacp__line *l, char *buf, size_t cap);
void omacp__line_mem(omacp__line *l, const void *s, size_t n);
void omacp__line_str(omacp__line *l, const char *s);
void omacp__line_dec(omacp__line *l, uint32_t v);
void omacp__line_hex(omacp__line *l, uint32_t v);   /* "0xC80" */

/* Append a formatted text: %s a const char *, %m an omacp_slice (by value),
 * %u a uint32_t in decimal, %x a uint32_t as "0x..", %d an int (omacp_err)
 * in decimal with its sign; every other byte is copied as is, so fmt must be
 * printable ASCII (the library's literals); %s / %m text is filtered. */
void omacp__line_fmt(omacp__line *l, const char *fmt, ...);
void omacp__line_vfmt(omacp__line *l, const char *fmt, va_list ap);

/* omacp__line_init(l, buf, cap), then "VERDICT: METHOD message from FROM";
 * VERDICT is one of the 8-letter words "accepted", "rejected", "need-pin"
 * (METHOD "unsigned" for sec -1, "invalid-SEC" outside -1..3; FROM "an
 * unknown sender" when NULL or empty).  The reason lines of the policy
 * verdict and of the client start like this. */
void omacp__verdict_head(omacp__line *l, char *buf, size_t cap,
                         const char *verdict, int sec, const char *from);

/* omacp_policy_evaluate() without the reason line of an acceptance:
 * res->reason is left as it was when OMACP_ACCEPTED is returned.  The
 * client writes that line only if nothing later replaces it. */
omacp_err omacp__policy_evaluate(const omacp_policy *p, const omacp_msg *m,
                                 omacp_result *res);

/* The reason line omacp_policy_evaluate() writes when it accepts, from the
 * SEC method, policy and roles it left in res and the originator from. */
void omacp__policy_accepted_line(omacp_result *res, const char *from);

/* omacp__line_init(buf, cap) then omacp__line_fmt. */
void omacp__fmt(char *buf, size_t cap, const char *fmt, ...);

/* Parse n decimal digits (1..10, no sign, value <= 0xFFFFFFFF) into *v.
 * Returns 1 on success, 0 otherwise. */
int omacp__parse_dec(const uint8_t *s, size_t n, uint32_t *v);

/* Case-insensitive ASCII comparison of n bytes: 1 when equal. */
int omacp__ieq(const char *a, const char *b, size_t n);

#endif
