/* Roles, policies, profiles, matching rules and the policy verdict. */
#include <stdarg.h>
#include <string.h>
#include "omacp/policy.h"
#include "policy_int.h"

/* ------------------------------------------------------------ text line */

void omacp__line_init(omacp__line *l, char *buf, size_t cap)
{
	l->p = buf;
	l->cap = cap;
	l->len = 0;
	if (cap > 0)
		buf[0] = '\0';
}

#ifndef __OPTIMIZE_SIZE__
static uint32_t load4(const char *s)
{
	uint32_t w;
	memcpy(&w, s, 4);
	return w;
}

static uint64_t load8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	return w;
}

/* Speed builds: 1 when the 8 bytes of w are all in 0x20..0x7E.  A byte
 * below 0x20 borrows into its top bit, one from 0x7F up carries into it or
 * has it set; either shows in some top bit (not always its own). */
static int printable8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, tops = ones << 7;
	return ((((w - ones * 0x20u) & ~w) | ((w + ones) | w)) & tops) == 0;
}

/* Speed builds: copy n bytes to d (no overlap) by fixed-size moves, the
 * last one overlapping the one before instead of a byte tail. */
static void put_bytes(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		size_t i;
		for (i = 0; i + 8u < n; i += 8u)
			memcpy(d + i, s + i, 8);
		memcpy(d + n - 8u, s + n - 8u, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4u, s + n - 4u, 4);
	} else if (n > 0) {   /* 0, n / 2 and n - 1 cover n = 1..3 */
		d[0] = s[0];
		d[n / 2u] = s[n / 2u];
		d[n - 1u] = s[n - 1u];
	}
}
#endif

/* Copy n bytes to d, every byte outside 0x20..0x7E as '?'. */
static void put_text(char *d, const char *s, size_t n)
{
	size_t i = 0;
#ifndef __OPTIMIZE_SIZE__
	/* Speed builds: whole words while they need no '?', the last one
	 * overlapping (4..7 bytes: two overlapping halves) */
	if (n - 4u < 4u) {
		uint64_t w = (uint64_t)load4(s) << 32 | load4(s + n - 4u);
		if (printable8(w)) {
			memcpy(d, s, 4);
			memcpy(d + n - 4u, s + n - 4u, 4);
			return;
		}
	}
	while (n - i >= 8u) {
		uint64_t w = load8(s + i);
		if (!printable8(w))
			break;
		memcpy(d + i, &w, 8);
		if (n - i == 8u)
			return;
		i = n - i >= 16u ? i + 8u : n - 8u;
	}
#endif
	for (; i < n; i++)
		d[i] = (uint8_t)s[i] - 0x20u < 0x5Fu ? s[i] : '?';
}

/* Speed builds inline the writers (OMACP__HOT) into the formatter, which
 * works on a local copy of the line that the compiler keeps in registers. */

/* Append n bytes, clipped to the room left; the line stays terminated.
 * raw: the library's own printable text, which the filter would leave as
 * it is (speed builds copy it without looking). */
static OMACP__HOT void put(omacp__line *l, const char *s, size_t n, int raw)
{
	char *d;
	if (l->cap == 0)
		return;
	d = l->p + l->len;
	if (n > l->cap - 1u - l->len)
		n = l->cap - 1u - l->len;
#ifndef __OPTIMIZE_SIZE__
	if (raw)
		put_bytes(d, s, n);
	else
#else
	(void)raw;
#endif
		put_text(d, s, n);
	l->len += n;
	d[n] = '\0';
}

/* Append v in decimal (base 10) or hex digits (16). */
static OMACP__HOT void put_num(omacp__line *l, uint32_t v, unsigned base)
{
	char d[12], *s = d + sizeof d;
#ifndef __OPTIMIZE_SIZE__
	/* Speed builds: two decimal digits per division, hex by shifts */
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233"
		"34353637383940414243444546474849505152535455565758596061626364656667"
		"6869707172737475767778798081828384858687888990919293949596979899";
	if (base == 10u) {
		for (; v >= 100u; v /= 100u) {
			s -= 2;
			memcpy(s, pairs + 2u * (v % 100u), 2);
		}
		if (v >= 10u) {
			s -= 2;
			memcpy(s, pairs + 2u * v, 2);
		} else {
			*--s = (char)('0' + v);
		}
		put(l, s, (size_t)(d + sizeof d - s), 1);
		return;
	}
	for (; v >= 16u; v >>= 4)
		*--s = "0123456789ABCDEF"[v & 15u];
	*--s = "0123456789ABCDEF"[v];
	*--s = 'x';   /* the "0x" of put_hex */
	*--s = '0';
	put(l, s, (size_t)(d + sizeof d - s), 1);
	return;
#endif
	do {
		*--s = "0123456789ABCDEF"[v % base];
		v /= base;
	} while (v != 0);
	put(l, s, (size_t)(d + sizeof d - s), 1);
}

/* The next '%' of [f, e), or e. */
static const char *next_pct(const char *f, const char *e)
{
#if !defined(__OPTIMIZE_SIZE__) && defined(__GNUC__) && \
    defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Speed builds: 8 bytes at a time; the lowest flagged byte of the
	 * zero-byte test is exact (false flags only sit above a real one). */
	const uint64_t ones = 0x0101010101010101u;
	for (; e - f >= 8; f += 8) {
		uint64_t x = load8(f) ^ (ones * (uint8_t)'%');
		uint64_t m = (x - ones) & ~x & (ones << 7);
		if (m != 0)
			return f + (__builtin_ctzll((unsigned long long)m) >> 3);
	}
#endif
	while (f < e && *f != '%')
		f++;
	return f;
}

void omacp__line_mem(omacp__line *l, const void *s, size_t n)
{
	put(l, (const char *)s, n, 0);
}

static OMACP__HOT void put_str(omacp__line *l, const char *s)
{
	put(l, s, strlen(s), 0);
}

void omacp__line_str(omacp__line *l, const char *s)
{
	put_str(l, s);
}

void omacp__line_dec(omacp__line *l, uint32_t v)
{
	put_num(l, v, 10);
}

static OMACP__HOT void put_hex(omacp__line *l, uint32_t v)
{
#ifdef __OPTIMIZE_SIZE__
	put(l, "0x", 2, 1);   /* (speed builds: put_num writes it) */
#endif
	put_num(l, v, 16);
}

void omacp__line_hex(omacp__line *l, uint32_t v)
{
	put_hex(l, v);
}

void omacp__line_vfmt(omacp__line *line, const char *f, va_list ap)
{
#ifndef __OPTIMIZE_SIZE__
	omacp__line copy = *line, *l = &copy;   /* (see put) */
#else
	omacp__line *l = line;
#endif
	const char *e = f + strlen(f);
	for (;;) {
		/* the format's own text is printable: copied as is */
		const char *q = next_pct(f, e);
		put(l, f, (size_t)(q - f), 1);
		if (q == e)
			break;
		switch (q[1]) {
		case 's':
			put_str(l, va_arg(ap, const char *));
			break;
		case 'm': {
			omacp_slice m = va_arg(ap, omacp_slice);
			put(l, (const char *)m.ptr, m.len, 0);
			break;
		}
		case 'd': {
			int v = va_arg(ap, int);
			uint32_t u = (uint32_t)v;
			if (v < 0) {
				put(l, "-", 1, 1);
				u = 0u - u;
			}
			put_num(l, u, 10);
			break;
		}
		case 'x':
			put_hex(l, va_arg(ap, uint32_t));
			break;
		default: /* 'u' */
			put_num(l, va_arg(ap, uint32_t), 10);
			break;
		}
		f = q + 2;
	}
#ifndef __OPTIMIZE_SIZE__
	*line = copy;
#endif
}

void omacp__line_fmt(omacp__line *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	omacp__line_vfmt(l, fmt, ap);
	va_end(ap);
}

void omacp__fmt(char *buf, size_t cap, const char *fmt, ...)
{
	omacp__line l;
	va_list ap;
	omacp__line_init(&l, buf, cap);
	va_start(ap, fmt);
	omacp__line_vfmt(&l, fmt, ap);
	va_end(ap);
}

int omacp__parse_dec(const uint8_t *s, size_t n, uint32_t *v)
{
	uint32_t x = 0;
	size_t i;
	if (s == NULL || n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		uint32_t d;
		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = (uint32_t)(s[i] - '0');
		if (x > (0xFFFFFFFFu - d) / 10u)
			return 0;
		x = x * 10u + d;
	}
	*v = x;
	return 1;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

int omacp__ieq(const char *a, const char *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- roles */

static const char *const role_names[13] = {
	NULL, "OEM", "OPERATOR", "MANAGER", "USER_AUTH", "ENTERPRISE",
	"USER_UNAUTH", "OPERATOR_TPS", "KNOWN_PPG", "TRUSTED_PPG", "PPG_AUTH",
	"PPG_TRUSTED", "ANY_PUSH_SOURCE",
};

const char *omacp_role_name(uint32_t bit)
{
	unsigned i;
	for (i = 1; i < 13; i++)
		if (bit == (1u << i))
			return role_names[i];
	return NULL;
}

size_t omacp_role_names(uint32_t roles, char *out, size_t cap)
{
	omacp__line l;
	size_t need = 0;
	unsigned i;
	char tmp[12];
	omacp__line_init(&l, out, cap);
	if (roles == 0) {
		omacp__line_str(&l, "NONE");
		return 4;
	}
	for (i = 0; i < 32; i++) {
		uint32_t bit = 1u << i;
		const char *nm;
		omacp__line t;
		if (!(roles & bit))
			continue;
		nm = omacp_role_name(bit);
		if (need > 0) {
			omacp__line_str(&l, "|");
			need++;
		}
		if (nm == NULL) {
			omacp__line_init(&t, tmp, sizeof tmp);
			omacp__line_hex(&t, bit);
			nm = tmp;
		}
		omacp__line_str(&l, nm);
		need += strlen(nm);
	}
	return need;
}

/* ------------------------------------------------------------- profiles */

/* Policy ids of the profiles and their defaults (wm65, oma). */
#define N_DEFAULTS 11
static const uint16_t default_values[2][N_DEFAULTS] = {
	{ 3, 4096, 160, 16, 3200, 3200, 3200, 1152, 8, 1, 0 },   /* wm65 */
	{ 3, 4096, 128, 16, 4096, 4096, 4096, 0, 8, 1, 1 },      /* oma */
};

#ifdef __OPTIMIZE_SIZE__
/* in the order a message asks for them (linear search) */
static const uint16_t default_ids[N_DEFAULTS] = {
	4105, 4111, 4119, 4120, 4141, 4142, 4143, 4110, 4121, 4104, 4132,
};
#else
/* Speed builds: the same ids as 1 + their column in default_values, by
 * id - 4104 (0: no default), instead of a linear search. */
#define SLOT0 4104u
static const uint8_t default_slot[40] = {
	[4105 - SLOT0] = 1, [4111 - SLOT0] = 2, [4119 - SLOT0] = 3,
	[4120 - SLOT0] = 4, [4141 - SLOT0] = 5, [4142 - SLOT0] = 6,
	[4143 - SLOT0] = 7, [4110 - SLOT0] = 8, [4121 - SLOT0] = 9,
	[4104 - SLOT0] = 10, [4132 - SLOT0] = 11,
};
#endif

uint32_t omacp_policy_default(omacp_profile profile, uint32_t id)
{
	size_t i;
	if ((unsigned)profile > 1u)
		return 0;
#ifndef __OPTIMIZE_SIZE__
	i = id - SLOT0 < sizeof default_slot ? default_slot[id - SLOT0] : 0u;
	return i != 0 ? default_values[profile][i - 1u] : 0u;
#else
	for (i = 0; i < N_DEFAULTS; i++)
		if (default_ids[i] == id)
			return default_values[profile][i];
	return 0;
#endif
}

static const char *const profile_names[2] = { "wm65", "oma" };

omacp_err omacp_profile_lookup(const char *name, omacp_profile *out)
{
	int i;
	if (name == NULL || out == NULL)
		return OMACP_E_ARG;
	for (i = 0; i < 2; i++) {
		if (strcmp(name, profile_names[i]) == 0) {
			*out = (omacp_profile)i;
			return OMACP_OK;
		}
	}
	return OMACP_E_ARG;
}

const char *omacp_profile_name(omacp_profile p)
{
	if ((int)p < 0 || (int)p > 1)
		return NULL;
	return profile_names[p];
}

/* ------------------------------------------------------------- policies */

void omacp_policy_init(omacp_policy *p, omacp_profile profile,
                       const omacp_policy_opts *opts, const omacp_state *state)
{
	memset(p, 0, sizeof *p);
	p->profile = profile;
	if (opts != NULL)
		p->opts = *opts;
	p->state = state;
}

/* omacp_policy_get: speed builds inline it into this file's callers, size
 * builds call the one public function. */
#ifdef __OPTIMIZE_SIZE__
#define policy_get omacp_policy_get
uint32_t omacp_policy_get(const omacp_policy *p, uint32_t id)
#else
static OMACP__HOT uint32_t policy_get(const omacp_policy *p, uint32_t id)
#endif
{
	uint32_t v;
	/* (no call when the state sets no policy: the usual case) */
	if (p->state != NULL && p->state->n_policies != 0 &&
	    omacp_state_policy_get(p->state, id, &v))
		return v;
	return omacp_policy_default(p->profile, id);
}

#ifndef __OPTIMIZE_SIZE__
uint32_t omacp_policy_get(const omacp_policy *p, uint32_t id)
{
	return policy_get(p, id);
}
#endif

uint32_t omacp_policy_change_roles(const omacp_policy *p, uint32_t id)
{
	uint32_t r = OMACP_ROLE_MANAGER;
	if (id == OMACP_POLICY_GRANT_USER_AUTH &&
	    (p->opts.flags & OMACP_OPT_4120_USER_AUTH))
		r |= OMACP_ROLE_USER_AUTH;
	return r;
}

omacp_err omacp_policy_check_value(uint32_t id, uint32_t value)
{
	if (id == OMACP_POLICY_TPS && value > 1)
		return OMACP_E_LIMIT;
	if (id == OMACP_POLICY_PIN_RETRIES && (value < 1 || value > 256))
		return OMACP_E_LIMIT;
	return OMACP_OK;
}

/* ------------------------------------------------------------- matching */

static void addr_norm(const char **s, size_t *n)
{
	if (*n >= 1 && (*s)[0] == '+') {
		*s += 1;
		*n -= 1;
	} else if (*n >= 2 && (*s)[0] == '0' && (*s)[1] == '0') {
		*s += 2;
		*n -= 2;
	}
}

int omacp_addr_match(const omacp_policy_opts *opts, const char *a, size_t na,
                     const char *b, size_t nb)
{
	unsigned k = opts != NULL ? opts->addr_digits : 0;
	if (a == NULL || b == NULL)
		return 0;
	addr_norm(&a, &na);
	addr_norm(&b, &nb);
	if (na == 0 || nb == 0)
		return 0;
	if (k > 0 && na >= k && nb >= k) {
		a += na - k;
		b += nb - k;
		na = nb = k;
	}
	return na == nb && memcmp(a, b, na) == 0;
}

/* Length of scheme + "://" + authority, or 0 when there is no "://". */
static size_t uri_prefix(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i + 3 <= n; i++) {
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
			for (i += 3; i < n; i++)
				if (s[i] == '/' || s[i] == '?' || s[i] == '#')
					break;
			return i;
		}
		if (s[i] == '/' || s[i] == '?' || s[i] == '#')
			break;
	}
	return 0;
}

int omacp_uri_match(const char *a, size_t na, const char *b, size_t nb)
{
	size_t pa, pb;
	if (a == NULL || b == NULL)
		return 0;
	pa = uri_prefix(a, na);
	pb = uri_prefix(b, nb);
	if (pa == 0 || pb == 0)
		return pa == pb && na == nb && memcmp(a, b, na) == 0;
	if (pa != pb || !omacp__ieq(a, b, pa))
		return 0;
	a += pa;
	na -= pa;
	b += pb;
	nb -= pb;
	if (na > 0 && a[na - 1] == '/')
		na--;
	if (nb > 0 && b[nb - 1] == '/')
		nb--;
	return na == nb && memcmp(a, b, na) == 0;
}

/* ------------------------------------------------------ role assignment */

uint32_t omacp_policy_origin_roles(const omacp_policy *p, const omacp_msg *m)
{
	uint32_t roles = OMACP_ROLE_ANY_PUSH_SOURCE;
	const omacp_state *st = p->state;
	unsigned pf = m->push_flag > 0 ? (unsigned)m->push_flag : 0u;
	size_t i;

	if (st != NULL && m->originator != NULL && m->originator[0] != '\0') {
		size_t n = strlen(m->originator);
		for (i = 0; i < st->n_ppgs && i < OMACP_STATE_MAX_PPGS; i++) {
			const omacp_state_ppg *g = &st->ppgs[i];
			if ((g->flags & OMACP_PPG_PUSH) &&
			    omacp_addr_match(&p->opts, m->originator, n, g->addr,
			                     strlen(g->addr)))
				roles |= OMACP_ROLE_KNOWN_PPG |
				         ((g->flags & OMACP_PPG_TRUSTED) ? OMACP_ROLE_TRUSTED_PPG
				                                         : 0u);
		}
	}
	if ((roles & OMACP_ROLE_TRUSTED_PPG) ||
	    ((roles & OMACP_ROLE_KNOWN_PPG) &&
	     (p->opts.flags & OMACP_OPT_PUSHFLAG_FROM_KNOWN))) {
		if (pf & OMACP_PUSHFLAG_AUTHENTICATED)
			roles |= OMACP_ROLE_PPG_AUTH;
		if (pf & OMACP_PUSHFLAG_TRUSTED)
			roles |= OMACP_ROLE_PPG_TRUSTED;
	}
	if ((roles & (OMACP_ROLE_TRUSTED_PPG | OMACP_ROLE_PPG_AUTH)) ==
	        (OMACP_ROLE_TRUSTED_PPG | OMACP_ROLE_PPG_AUTH) &&
	    (!(p->opts.flags & OMACP_OPT_TPS_NEEDS_TRUSTED) ||
	     (roles & OMACP_ROLE_PPG_TRUSTED)) &&
	    m->initiator.ptr != NULL && policy_get(p, OMACP_POLICY_TPS) != 0) {
		for (i = 0; i < st->n_tps && i < OMACP_STATE_MAX_TPS; i++)
			if (omacp_uri_match((const char *)m->initiator.ptr,
			                    m->initiator.len, st->tps[i],
			                    strlen(st->tps[i])))
				return roles | OMACP_ROLE_OPERATOR_TPS;
	}
	return roles;
}

uint32_t omacp_policy_auth_roles(int sec)
{
	switch (sec) {
	case -1: return OMACP_ROLE_USER_UNAUTH;
	case 0: return OMACP_ROLE_OPERATOR;
	case 1: return OMACP_ROLE_USER_AUTH;
	case 2: return OMACP_ROLE_OPERATOR | OMACP_ROLE_USER_AUTH;
	case 3: return OMACP_ROLE_USER_AUTH;
	default: return 0;
	}
}

uint32_t omacp_policy_for_sec(int sec)
{
	switch (sec) {
	case -1: return OMACP_POLICY_UNAUTH_MESSAGES;
	case 0: return OMACP_POLICY_NETWPIN_MSG;
	case 1: case 3: return OMACP_POLICY_USERPIN_MSG;
	case 2: return OMACP_POLICY_USERNETWPIN_MSG;
	default: return 0;
	}
}

uint32_t omacp_policy_effective_roles(const omacp_policy *p, uint32_t roles)
{
	uint32_t r = roles;
	if (roles & policy_get(p, OMACP_POLICY_GRANT_MANAGER))
		r |= OMACP_ROLE_MANAGER;
	if (roles & policy_get(p, OMACP_POLICY_GRANT_USER_AUTH))
		r |= OMACP_ROLE_USER_AUTH;
	return r;
}

/* -------------------------------------------------------------- verdict */

void omacp_result_init(omacp_result *r)
{
	memset(r, 0, sizeof *r);
	r->sec = -1;
}

/* Method names, each with its length (the reason line is written on every
 * message: no strlen for the library's own words). */
static const struct {
	char s[12];
	uint8_t n;
} sec_names[6] = {
	{ "unsigned", 8 }, { "NETWPIN", 7 }, { "USERPIN", 7 },
	{ "USERNETWPIN", 11 }, { "USERPINMAC", 10 }, { "invalid-SEC", 11 },
};

void omacp__verdict_head(omacp__line *l, char *buf, size_t cap,
                         const char *verdict, int sec, const char *from)
{
	unsigned k = (sec >= -1 && sec <= 3) ? (unsigned)(sec + 1) : 5u;
	omacp__line_init(l, buf, cap);
	put(l, verdict, strlen(verdict), 1);   /* the library's own word */
	put(l, ": ", 2, 1);
	put(l, sec_names[k].s, sec_names[k].n, 1);
	put(l, " message from ", 14, 1);
	omacp__line_str(l, (from != NULL && from[0] != '\0') ? from
	                                                     : "an unknown sender");
}

/* "<verdict>: <METHOD> message from <originator><tail>", tail formatted
 * with the two numbers a, b and the roles c. */
static void verdict_line(omacp_result *res, const char *verdict,
                         const omacp_msg *m, const char *tail, uint32_t a,
                         uint32_t b, uint32_t c)
{
	omacp__line l;
	omacp__verdict_head(&l, res->reason, sizeof res->reason, verdict, m->sec,
	                    m->originator);
	omacp__line_fmt(&l, tail, a, b, c);
}

static omacp_err reject(omacp_result *res, const omacp_msg *m, uint32_t id,
                        uint32_t value, uint32_t roles)
{
	verdict_line(res, "rejected", m,
	             " has none of the roles %x required by policy %u (roles %x)",
	             value, id, roles);
	res->policy = id;
	res->code = OMACP_E_POLICY;
	res->verdict = OMACP_REJECTED;
	return OMACP_REJECTED;
}

void omacp__policy_accepted_line(omacp_result *res, const char *from)
{
	omacp__line l;
	omacp__verdict_head(&l, res->reason, sizeof res->reason, "accepted",
	                    res->sec, from);
	omacp__line_fmt(&l, " allowed by policy %u (roles %x, final %x)",
	                res->policy, res->base_roles, res->roles);
}

omacp_err omacp_policy_evaluate(const omacp_policy *p, const omacp_msg *m,
                                omacp_result *res)
{
	omacp_err e = omacp__policy_evaluate(p, m, res);
	if (e == OMACP_ACCEPTED)
		omacp__policy_accepted_line(res, m->originator);
	return e;
}

omacp_err omacp__policy_evaluate(const omacp_policy *p, const omacp_msg *m,
                                 omacp_result *res)
{
	uint32_t id = omacp_policy_for_sec(m->sec);
	uint32_t base, v, roles;

	res->sec = m->sec;
	res->manager = 0;
	if (id == 0) {
		verdict_line(res, "rejected", m, " has an invalid SEC", 0, 0, 0);
		res->base_roles = res->roles = 0;
		res->policy = 0;
		res->code = OMACP_E_SEC_METHOD;
		res->verdict = OMACP_REJECTED;
		return OMACP_E_SEC_METHOD;
	}
	base = omacp_policy_origin_roles(p, m) | omacp_policy_auth_roles(m->sec);
	res->base_roles = res->roles = base;
	v = policy_get(p, id);
	if (!(base & v))
		return reject(res, m, id, v, base);
	if (!(p->opts.flags & OMACP_OPT_NO_4111)) {
		uint32_t w = policy_get(p, OMACP_POLICY_OTA_PROVISIONING);
		if (!(base & w))
			return reject(res, m, OMACP_POLICY_OTA_PROVISIONING, w, base);
	}
	roles = omacp_policy_effective_roles(p, base);
	res->roles = roles;
	res->manager = (roles & OMACP_ROLE_MANAGER) != 0;
	res->policy = id;
	res->code = OMACP_OK;
	res->verdict = OMACP_ACCEPTED;
	return OMACP_ACCEPTED;
}

unsigned omacp_policy_pin_attempts_left(const omacp_policy *p,
                                        const omacp_state *st)
{
	uint32_t max = policy_get(p, OMACP_POLICY_PIN_RETRIES);
	uint32_t used = st != NULL ? st->pin_attempts : 0u;
	return used >= max ? 0u : (unsigned)(max - used);
}
