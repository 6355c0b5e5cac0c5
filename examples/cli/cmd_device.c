/*
 * omacp device: a handset simulator over the public client API (client.h).
 *
 * The handset lives in a state directory:
 *   DIR/device.conf   profile and IMSI of the simulated handset (text)
 *   DIR/state.bin     the library's state blob (policies, TPS, PPGs, replay
 *                     cache, the message waiting for a PIN)
 *   DIR/settings.txt  every setting a CSP applied, as readable text, one
 *                     block per accepted document
 * Every file is replaced atomically: written to a temporary file in DIR,
 * fsync'ed, renamed over the old one, then DIR itself is fsync'ed.
 *
 * CSPs registered: the library's BOOTSTRAP, PXLOGICAL and SecurityPolicy,
 * each chained to a file-backed CSP that records the settings, and
 * file-backed NAPDEF, APPLICATION, CLIENTIDENTITY, VENDORCONFIG and ACCESS
 * with the Windows Mobile default role masks.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "omacp/client.h"

#define W "device"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp device --state DIR [--profile wm65|oma] [--set-policy ID=VALUE]...\n"
	        "                    [--imsi DIGITS] [--from ADDR] [--pin PIN] [--json]\n"
	        "                    [SEGMENTS|-]\n"
	        "\n"
	        "Simulate a handset receiving a WAP push provisioning message.  SEGMENTS\n"
	        "('-' = stdin) holds the SMS user data, one SMS per line: 'INDEX UDH_HEX\n"
	        "PAYLOAD_HEX' (the output of 'omacp sms') or the whole user data 'UD_HEX';\n"
	        "'#' lines and blank lines are ignored.  The segments of one message are\n"
	        "reassembled (any order) and the message runs through the device\n"
	        "pipeline: roles, security policies, MAC, document, Configuration Manager.\n"
	        "Reassembly is not kept between runs: give all segments at once.\n"
	        "\n"
	        "  --state DIR          the handset: created when DIR holds no state yet;\n"
	        "                       DIR/state.bin (state blob), DIR/device.conf,\n"
	        "                       DIR/settings.txt (settings the CSPs applied)\n"
	        "  --profile P          factory policy defaults of a new handset: wm65\n"
	        "                       (default; OTA bootstrap disabled) or oma\n"
	        "  --set-policy ID=V    OEM factory setting of a new handset (repeatable),\n"
	        "                       e.g. --set-policy 4119=132 --set-policy 4143=7296;\n"
	        "                       refused for a DIR that already holds a state\n"
	        "  --imsi DIGITS        the SIM's IMSI (NETWPIN key); remembered in DIR\n"
	        "  --from ADDR          SMS originator address (default: unknown)\n"
	        "  --pin PIN            the user's PIN: answers the PIN request of the\n"
	        "                       message in SEGMENTS, or, without SEGMENTS, of the\n"
	        "                       message waiting in DIR\n"
	        "  --json               print one JSON object: verdict, reason, sec, roles,\n"
	        "                       role_names, manager, characteristics ({type,\n"
	        "                       status}), pin_attempts_left\n"
	        "  --help               this text\n"
	        "\n"
	        "Without SEGMENTS and --pin, prints the handset's state.\n"
	        "\n"
	        "Exit: 0 accepted, 1 need-pin, incomplete or not a push, 2 usage (also: no\n"
	        "message waits for --pin, a state file cannot be written), 3 rejected by\n"
	        "policy, roles, replay or the Configuration Manager, 4 authentication\n"
	        "failed (MAC mismatch, PIN attempts spent, no IMSI for a NETWPIN\n"
	        "message), 5 malformed input.\n");
}

/* ------------------------------------------------------------ files */

typedef struct dev {
	const char *dir;
	omacp_profile profile;
	char imsi[32];
	int have_imsi;
	int json;
	const char *from;
	const char *pin;
} dev;

static char *path_of(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Replace DIR/name with data atomically.  0 or -1 (error printed). */
static int write_atomic(const char *dir, const char *name, const void *data,
                        size_t len)
{
	char *final = path_of(dir, name), *tmp = NULL;
	size_t tl;
	const uint8_t *p = data;
	int fd = -1, rc = -1;

	if (!final)
		goto out;
	tl = strlen(final) + 32;
	tmp = malloc(tl);
	if (!tmp)
		goto out;
	snprintf(tmp, tl, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		cli_err(tmp, "%s", strerror(errno));
		goto out;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			cli_err(tmp, "%s", strerror(errno));
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0) {
		cli_err(tmp, "fsync: %s", strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		cli_err(tmp, "%s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, final) != 0) {
		cli_err(final, "%s", strerror(errno));
		goto out;
	}
	fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		(void)fsync(fd);   /* make the rename durable */
		close(fd);
		fd = -1;
	}
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
	}
	if (rc != 0 && tmp)
		unlink(tmp);
	free(tmp);
	free(final);
	return rc;
}

/* Read DIR/name entirely (NUL appended).  1 read, 0 absent, -1 error. */
static int read_file(const char *dir, const char *name, uint8_t **data,
                     size_t *len)
{
	char *path = path_of(dir, name);
	cli_input in;
	FILE *f;
	int rc;
	*data = NULL;
	*len = 0;
	if (!path)
		return -1;
	f = fopen(path, "rb");
	if (!f) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc)
			cli_err(path, "%s", strerror(errno));
		free(path);
		return rc;
	}
	fclose(f);
	rc = cli_read(path, 0, &in);
	free(path);
	if (rc)
		return -1;
	*data = realloc(in.data, in.len + 1);
	if (!*data) {
		free(in.data);
		return -1;
	}
	(*data)[in.len] = 0;
	*len = in.len;
	return 1;
}

static int write_conf(const dev *d)
{
	char buf[128];
	int n = snprintf(buf, sizeof buf, "profile %s\n%s%s%s",
	                 omacp_profile_name(d->profile), d->have_imsi ? "imsi " : "",
	                 d->have_imsi ? d->imsi : "", d->have_imsi ? "\n" : "");
	return write_atomic(d->dir, "device.conf", buf, (size_t)n);
}

/* Parse device.conf: "profile NAME" and "imsi DIGITS" lines. */
static int read_conf(dev *d, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[96];
		if (n >= sizeof line)
			return -1;
		memcpy(line, p, n);
		line[n] = 0;
		if (!strncmp(line, "profile ", 8)) {
			if (omacp_profile_lookup(line + 8, &d->profile) != OMACP_OK)
				return -1;
		} else if (!strncmp(line, "imsi ", 5)) {
			if (strlen(line + 5) >= sizeof d->imsi)
				return -1;
			strcpy(d->imsi, line + 5);
			d->have_imsi = 1;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

/* save_state of the client: the blob goes to DIR/state.bin. */
static omacp_err save_blob(void *user, const uint8_t *blob, size_t len)
{
	const dev *d = user;
	return write_atomic(d->dir, "state.bin", blob, len) == 0 ? OMACP_OK : OMACP_E_CALLBACK;
}

/* ------------------------------------------------- file-backed CSPs */

#define MAX_ITEMS 64
#define MAX_CALLS 256

typedef struct recorder {
	char *text[MAX_ITEMS];      /* staged settings per top-level item */
	int committed[MAX_ITEMS];
	char *calls[MAX_CALLS];     /* "NAPDEF apply" ... */
	size_t n_calls;
} recorder;

static recorder rec;

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = (b->cap ? b->cap * 2 : 256) + n;
		char *np = realloc(b->p, nc);
		if (!np)
			return;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_slice(sbuf *b, omacp_slice s)
{
	if (s.ptr)
		sb_add(b, s.ptr, s.len);
}

static void log_call(const char *type, const char *op, const char *extra)
{
	sbuf b = {0, 0, 0};
	if (rec.n_calls >= MAX_CALLS)
		return;
	sb_str(&b, type);
	sb_str(&b, " ");
	sb_str(&b, op);
	if (extra)
		sb_str(&b, extra);
	rec.calls[rec.n_calls++] = b.p;
}

/* Render the item's subtree: "[PATH]" per characteristic, "NAME = VALUE"
 * per parm. */
static char *render(const omacp_node *top, size_t *n_parms)
{
	sbuf b = {0, 0, 0};
	omacp_slice path[OMACP_MAX_DEPTH + 1];
	const omacp_node *n = top;
	unsigned base = top->depth;
	*n_parms = 0;
	while (n && (n == top || n->depth > base)) {
		unsigned rel = n->depth - base;
		switch (n->elem) {
		case OMACP_ELEM_CHARACTERISTIC:
		case OMACP_ELEM_NOCHARACTERISTIC: {
			unsigned i;
			if (rel <= OMACP_MAX_DEPTH)
				path[rel] = omacp_node_type(n);
			sb_str(&b, "[");
			for (i = 0; i <= rel && i <= OMACP_MAX_DEPTH; i++) {
				if (i)
					sb_str(&b, "/");
				sb_slice(&b, path[i]);
			}
			sb_str(&b, n->elem == OMACP_ELEM_NOCHARACTERISTIC ? "] removed\n" : "]\n");
			break;
		}
		case OMACP_ELEM_PARM: {
			omacp_slice v = omacp_node_value(n);
			sb_slice(&b, omacp_node_name(n));
			if (v.ptr) {
				sb_str(&b, " = ");
				sb_slice(&b, v);
			}
			sb_str(&b, "\n");
			++*n_parms;
			break;
		}
		case OMACP_ELEM_NOPARM:
			sb_slice(&b, omacp_node_name(n));
			sb_str(&b, " removed\n");
			++*n_parms;
			break;
		default:
			break;
		}
		n = omacp_node_next_preorder(n);
	}
	return b.p;
}

static const char *call_type(const omacp_csp_call *call, char *buf, size_t cap)
{
	omacp_slice t = omacp_node_type(call->node);
	size_t n = t.ptr ? (t.len < cap - 1 ? t.len : cap - 1) : 0;
	if (n)
		memcpy(buf, t.ptr, n);
	buf[n] = 0;
	return buf;
}

static omacp_err f_validate(void *user, omacp_csp_call *call)
{
	char t[64];
	(void)user;
	log_call(call_type(call, t, sizeof t), "validate", NULL);
	return OMACP_OK;
}

static omacp_err f_apply(void *user, omacp_csp_call *call)
{
	char t[64], extra[48];
	size_t np = 0;
	(void)user;
	if (call->index < MAX_ITEMS) {
		free(rec.text[call->index]);
		rec.text[call->index] = render(call->node, &np);
	}
	snprintf(extra, sizeof extra, " (%zu setting%s)", np, np == 1 ? "" : "s");
	log_call(call_type(call, t, sizeof t), "apply", extra);
	return OMACP_OK;
}

static omacp_err f_commit(void *user, omacp_csp_call *call)
{
	char t[64];
	(void)user;
	if (call->index < MAX_ITEMS)
		rec.committed[call->index] = 1;
	log_call(call_type(call, t, sizeof t), "commit", NULL);
	return OMACP_OK;
}

static void f_rollback(void *user, omacp_csp_call *call)
{
	char t[64];
	(void)user;
	if (call->index < MAX_ITEMS) {
		free(rec.text[call->index]);
		rec.text[call->index] = NULL;
	}
	log_call(call_type(call, t, sizeof t), "rollback", NULL);
}

static const omacp_csp_ops file_ops = {f_validate, f_apply, f_commit, f_rollback, NULL};

#define R_MGR OMACP_ROLE_MANAGER
#define R_OP OMACP_ROLE_OPERATOR
#define R_TPS OMACP_ROLE_OPERATOR_TPS
#define R_UA OMACP_ROLE_USER_AUTH

static const omacp_csp file_boot = OMACP_CSP("BOOTSTRAP", OMACP_ROLES_ALL, &file_ops, NULL);
static const omacp_csp file_pxl = OMACP_CSP("PXLOGICAL", OMACP_ROLES_ALL, &file_ops, NULL);
static const omacp_csp file_sp = OMACP_CSP("SecurityPolicy", OMACP_ROLES_ALL, &file_ops, NULL);

/* Windows Mobile default masks (wm-security-model.md section 7); the types
 * the sources do not list get MANAGER|OPERATOR|OPERATOR_TPS. */
static const omacp_csp registry[] = {
	OMACP_CSP_BOOTSTRAP_CHAIN(&file_boot),
	OMACP_CSP_PXLOGICAL_CHAIN(&file_pxl),
	OMACP_CSP_SECURITYPOLICY_CHAIN(&file_sp),
	OMACP_CSP("NAPDEF", R_MGR | R_OP | R_TPS | R_UA, &file_ops, NULL),
	OMACP_CSP("APPLICATION", R_MGR | R_OP | R_TPS, &file_ops, NULL),
	OMACP_CSP("CLIENTIDENTITY", R_MGR | R_OP | R_TPS, &file_ops, NULL),
	OMACP_CSP("VENDORCONFIG", R_MGR | R_OP | R_TPS, &file_ops, NULL),
	OMACP_CSP("ACCESS", R_MGR | R_UA, &file_ops, NULL),
};

static void rec_reset(void)
{
	size_t i;
	for (i = 0; i < MAX_ITEMS; i++) {
		free(rec.text[i]);
		rec.text[i] = NULL;
		rec.committed[i] = 0;
	}
	for (i = 0; i < rec.n_calls; i++)
		free(rec.calls[i]);
	rec.n_calls = 0;
}

/* Append the committed settings of an accepted document to settings.txt
 * (rewritten atomically). */
static int record_settings(const dev *d, const omacp_result *r)
{
	uint8_t *old;
	size_t old_len, i;
	sbuf b = {0, 0, 0};
	char head[256], when[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc, any = 0;

	for (i = 0; i < MAX_ITEMS; i++)
		any |= rec.committed[i] && rec.text[i];
	if (!any)
		return 0;
	if (read_file(d->dir, "settings.txt", &old, &old_len) < 0)
		return -1;
	if (old)
		sb_add(&b, old, old_len);
	free(old);
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(head, sizeof head, "%s# %s %s message from %s, roles 0x%X\n",
	         b.len ? "\n" : "", when, r->sec >= 0 ? omacp_sec_name((omacp_sec)r->sec) : "unsigned",
	         d->from && *d->from ? d->from : "an unknown sender", (unsigned)r->roles);
	sb_str(&b, head);
	for (i = 0; i < MAX_ITEMS; i++)
		if (rec.committed[i] && rec.text[i])
			sb_str(&b, rec.text[i]);
	rc = write_atomic(d->dir, "settings.txt", b.p ? b.p : "", b.len);
	free(b.p);
	return rc;
}

/* ------------------------------------------------------------ segments */

/* One SMS line -> user data.  1 = an SMS, 0 = blank/comment, -1 = bad. */
static int parse_line(const char *line, size_t n, uint8_t *ud, size_t *ud_len)
{
	const char *tok[4];
	size_t tl[4], i = 0;
	int nt = 0;
	*ud_len = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == n || line[i] == '#')
		return 0;
	while (i < n) {
		size_t s = i;
		while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		if (nt >= 3)
			return -1;
		tok[nt] = line + s;
		tl[nt++] = i - s;
		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
	}
	if (nt == 2)
		return -1;
	for (i = nt == 3 ? 1 : 0; i < (size_t)nt; i++)
		if (cli_hex_append((const uint8_t *)tok[i], tl[i], ud, 256, ud_len) != 0)
			return -1;
	if (nt == 3) {
		/* INDEX must be a number */
		for (i = 0; i < tl[0]; i++)
			if (tok[0][i] < '0' || tok[0][i] > '9')
				return -1;
	}
	return *ud_len ? 1 : -1;
}

/* ------------------------------------------------------------- output */

static const char *status_name(uint8_t s)
{
	switch (s) {
	case OMACP_CHAR_APPLIED:
		return "applied";
	case OMACP_CHAR_IGNORED:
		return "ignored";
	default:
		return "rejected";
	}
}

static void print_result(const dev *d, const char *verdict, const char *reason,
                         const omacp_result *r, unsigned attempts_left)
{
	FILE *f = stdout;
	const char *sec = r->sec >= 0 ? omacp_sec_name((omacp_sec)r->sec) : NULL;
	char names[256];
	size_t i;
	uint32_t bit;
	int first = 1;

	if (!sec)
		sec = "none";
	if (d->json) {
		fputs("{\"verdict\": ", f);
		cli_json_cstr(f, verdict);
		fputs(", \"reason\": ", f);
		cli_json_cstr(f, reason);
		fputs(", \"sec\": ", f);
		cli_json_cstr(f, sec);
		fprintf(f, ", \"roles\": %lu, \"role_names\": [", (unsigned long)r->roles);
		for (bit = 1; bit; bit <<= 1) {
			const char *nm;
			if (!(r->roles & bit))
				continue;
			nm = omacp_role_name(bit);
			if (!first)
				fputs(", ", f);
			first = 0;
			if (nm) {
				cli_json_cstr(f, nm);
			} else {
				char hx[16];
				snprintf(hx, sizeof hx, "0x%lX", (unsigned long)bit);
				cli_json_cstr(f, hx);
			}
		}
		fprintf(f, "], \"manager\": %s, \"characteristics\": [", r->manager ? "true" : "false");
		for (i = 0; i < r->n_chars; i++) {
			fputs(i ? ", {\"type\": " : "{\"type\": ", f);
			cli_json_cstr(f, r->chars[i].type);
			fputs(", \"status\": ", f);
			cli_json_cstr(f, status_name(r->chars[i].status));
			fputc('}', f);
		}
		fprintf(f, "], \"pin_attempts_left\": %u}\n", attempts_left);
		return;
	}
	omacp_role_names(r->roles, names, sizeof names);
	fprintf(f, "verdict: %s\n", verdict);
	fprintf(f, "reason:  %s\n", reason);
	fprintf(f, "sec:     %s\n", sec);
	fprintf(f, "roles:   0x%lX %s\n", (unsigned long)r->roles, names);
	fprintf(f, "manager: %s\n", r->manager ? "yes" : "no");
	if (r->n_chars) {
		fprintf(f, "characteristics:\n");
		for (i = 0; i < r->n_chars; i++)
			fprintf(f, "  %-16s %s\n", r->chars[i].type, status_name(r->chars[i].status));
		if (r->n_chars_total > r->n_chars)
			fprintf(f, "  (%zu more not listed)\n", r->n_chars_total - r->n_chars);
	}
	if (rec.n_calls) {
		fprintf(f, "CSP calls:\n");
		for (i = 0; i < rec.n_calls; i++)
			fprintf(f, "  %s\n", rec.calls[i]);
	}
	fprintf(f, "PIN attempts left: %u\n", attempts_left);
}

static void print_state(const dev *d, const omacp_client *c)
{
	const omacp_state *s = omacp_client_state(c);
	omacp_policy p;
	static const uint32_t ids[] = {4104, 4105, 4110, 4111, 4119, 4120, 4121,
	                               4132, 4141, 4142, 4143};
	size_t i;
	omacp_policy_init(&p, d->profile, NULL, s);
	printf("state:        %s\n", d->dir);
	printf("profile:      %s\n", omacp_profile_name(d->profile));
	printf("imsi:         %s\n", d->have_imsi ? d->imsi : "(none)");
	printf("bootstrapped: %s\n", (s->flags & OMACP_STATE_F_BOOTSTRAPPED) ? "yes" : "no");
	for (i = 0; i < s->n_tps; i++)
		printf("tps:          %s\n", s->tps[i]);
	for (i = 0; i < s->n_ppgs; i++)
		printf("ppg:          %s%s%s\n", s->ppgs[i].addr,
		       (s->ppgs[i].flags & OMACP_PPG_PUSH) ? " push-enabled" : "",
		       (s->ppgs[i].flags & OMACP_PPG_TRUSTED) ? " trusted" : "");
	printf("policies:    ");
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		uint32_t v;
		int ov = omacp_state_policy_get(s, ids[i], &v);
		printf(" %lu=%lu%s", (unsigned long)ids[i],
		       (unsigned long)omacp_policy_get(&p, ids[i]), ov ? "*" : "");
	}
	printf("  (* = changed from the profile)\n");
	printf("replay cache: %u\n", (unsigned)s->n_replay);
	if (s->pending_len)
		printf("pending:      %u-byte message from %s, %u PIN attempts left\n",
		       (unsigned)s->pending_len, s->pending_from[0] ? s->pending_from : "an unknown sender",
		       omacp_policy_pin_attempts_left(&p, s));
	else
		printf("pending:      none\n");
}

/* ------------------------------------------------------------- main */

typedef struct pol_set {
	uint32_t id, value;
} pol_set;

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;
	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > 0xFFFFFFFFull)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int exit_for(omacp_err e, const omacp_result *r)
{
	switch (e) {
	case OMACP_ACCEPTED:
		return EXIT_OK;
	case OMACP_NEED_PIN:
	case OMACP_MORE:
	case OMACP_NOT_PUSH:
		return EXIT_PENDING;
	case OMACP_REJECTED:
		if (r->code == OMACP_E_SEC_MISMATCH || r->code == OMACP_E_PIN_EXHAUSTED ||
		    r->code == OMACP_E_SEC_IMSI)
			return EXIT_INVALID;
		return EXIT_REJECTED;
	case OMACP_E_CALLBACK:          /* a state file could not be written */
	case OMACP_E_NO_PENDING:
	case OMACP_E_SEC_PIN:
		return EXIT_USAGE;
	default:
		return EXIT_MALFORMED;
	}
}

int cmd_device(int argc, char **argv)
{
	dev d;
	const char *profile = NULL, *imsi = NULL, *segs = NULL;
	pol_set *sets = NULL;
	size_t n_sets = 0, i;
	uint8_t *blob = NULL, *conf = NULL, *work = NULL;
	size_t blob_len = 0, conf_len = 0, work_len;
	omacp_client *c = NULL;
	omacp_client_config cfg;
	omacp_result none;
	omacp_err e = OMACP_E_STATE;
	int rc = EXIT_USAGE, have_state, r;
	struct stat sst;

	memset(&d, 0, sizeof d);
	d.profile = OMACP_PROFILE_WM65;
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i], *v = NULL;
		size_t nl;
		static const char *const with_val[] = {"--state", "--profile", "--set-policy",
		                                       "--imsi", "--from", "--pin"};
		size_t k;
		int matched = -1;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			free(sets);
			return EXIT_OK;
		}
		if (!strcmp(a, "--json")) {
			d.json = 1;
			continue;
		}
		if (!strcmp(a, "--")) {
			if (i + 1 < (size_t)argc && !segs)
				segs = argv[++i];
			if (i + 1 < (size_t)argc) {
				cli_err(W, "more than one SEGMENTS argument");
				goto out;
			}
			break;
		}
		for (k = 0; k < sizeof with_val / sizeof with_val[0]; k++) {
			nl = strlen(with_val[k]);
			if (!strncmp(a, with_val[k], nl) && (a[nl] == 0 || a[nl] == '=')) {
				matched = (int)k;
				if (a[nl] == '=')
					v = a + nl + 1;
				else if (i + 1 < (size_t)argc)
					v = argv[++i];
				else {
					cli_err(with_val[k], "needs a value");
					goto out;
				}
				break;
			}
		}
		if (matched < 0) {
			if (a[0] == '-' && a[1] != 0) {
				cli_err(a, "unknown option (try 'omacp device --help')");
				goto out;
			}
			if (segs) {
				cli_err(W, "more than one SEGMENTS argument");
				goto out;
			}
			segs = a;
			continue;
		}
		switch (matched) {
		case 0:
			d.dir = v;
			break;
		case 1:
			profile = v;
			break;
		case 2: {
			const char *eq = strchr(v, '=');
			pol_set ps;
			pol_set *ns;
			char idb[16];
			if (!eq || (size_t)(eq - v) >= sizeof idb) {
				cli_err("--set-policy", "'%s' is not ID=VALUE", v);
				goto out;
			}
			memcpy(idb, v, (size_t)(eq - v));
			idb[eq - v] = 0;
			if (parse_u32(idb, &ps.id) || parse_u32(eq + 1, &ps.value) || ps.id == 0) {
				cli_err("--set-policy", "'%s' is not ID=VALUE (decimal numbers)", v);
				goto out;
			}
			if (omacp_policy_check_value(ps.id, ps.value) != OMACP_OK) {
				cli_err("--set-policy", "value %s out of range for policy %s", eq + 1, idb);
				goto out;
			}
			ns = realloc(sets, (n_sets + 1) * sizeof *sets);
			if (!ns) {
				cli_err(W, "out of memory");
				goto out;
			}
			sets = ns;
			sets[n_sets++] = ps;
			break;
		}
		case 3:
			imsi = v;
			break;
		case 4:
			d.from = v;
			break;
		case 5:
			d.pin = v;
			break;
		}
	}
	if (!d.dir || !*d.dir) {
		cli_err(W, "--state DIR is required (try 'omacp device --help')");
		goto out;
	}
	if (profile && omacp_profile_lookup(profile, &d.profile) != OMACP_OK) {
		cli_err("--profile", "unknown profile '%s' (wm65 or oma)", profile);
		goto out;
	}
	if (imsi) {
		size_t n = strlen(imsi);
		if (n == 0 || n > 15 || strspn(imsi, "0123456789") != n) {
			cli_err("--imsi", "'%s' is not 1 to 15 digits", imsi);
			goto out;
		}
	}
	if (d.from && strlen(d.from) > OMACP_MAX_ADDR) {
		cli_err("--from", "address longer than %d characters", OMACP_MAX_ADDR);
		goto out;
	}

	/* the state directory */
	if (stat(d.dir, &sst) != 0) {
		if (errno != ENOENT || mkdir(d.dir, 0755) != 0) {
			cli_err(d.dir, "%s", strerror(errno));
			goto out;
		}
	} else if (!S_ISDIR(sst.st_mode)) {
		cli_err(d.dir, "not a directory");
		goto out;
	}
	r = read_file(d.dir, "state.bin", &blob, &blob_len);
	if (r < 0)
		goto out;
	have_state = r == 1;
	if (have_state) {
		omacp_profile want = d.profile;
		if (n_sets) {
			cli_err("--set-policy", "%s already holds a handset: factory settings "
			        "apply only to a new state directory", d.dir);
			goto out;
		}
		r = read_file(d.dir, "device.conf", &conf, &conf_len);
		if (r < 0)
			goto out;
		if (r == 0 || read_conf(&d, (const char *)conf) != 0) {
			cli_err(d.dir, "device.conf missing or unreadable");
			rc = EXIT_MALFORMED;
			goto out;
		}
		if (profile && want != d.profile) {
			cli_err("--profile", "%s is a %s handset", d.dir, omacp_profile_name(d.profile));
			goto out;
		}
	}
	if (imsi) {
		int changed = !d.have_imsi || strcmp(d.imsi, imsi) != 0;
		strcpy(d.imsi, imsi);
		d.have_imsi = 1;
		if (changed && have_state && write_conf(&d) != 0)
			goto out;
	}
	if (!have_state) {
		/* a new handset: the profile plus the OEM's factory settings */
		omacp_state st;
		omacp_state_init(&st);
		for (i = 0; i < n_sets; i++) {
			if (omacp_state_policy_set(&st, sets[i].id, sets[i].value) != OMACP_OK) {
				cli_err("--set-policy", "too many policies");
				goto out;
			}
		}
		blob = malloc(OMACP_STATE_BLOB_MAX);
		if (!blob || omacp_state_save(&st, blob, OMACP_STATE_BLOB_MAX, &blob_len) != OMACP_OK) {
			cli_err(W, "cannot build the factory state");
			goto out;
		}
		if (write_conf(&d) != 0 || write_atomic(d.dir, "state.bin", blob, blob_len) != 0)
			goto out;
	}

	/* the handset */
	c = malloc(sizeof *c);
	work_len = OMACP_CLIENT_WORK_BYTES_XML(4, 32);
	work = malloc(work_len);
	if (!c || !work) {
		cli_err(W, "out of memory");
		goto out;
	}
	omacp_client_config_init(&cfg);
	cfg.profile = d.profile;
	cfg.imsi = d.have_imsi ? d.imsi : NULL;
	cfg.csps = registry;
	cfg.n_csps = sizeof registry / sizeof registry[0];
	cfg.slots = 4;
	cfg.segs = 32;
	cfg.save_state = save_blob;
	cfg.user = &d;
	e = omacp_client_init(c, &cfg, work, work_len, blob, blob_len);
	if (e != OMACP_OK) {
		char *p = path_of(d.dir, "state.bin");
		cli_err(p ? p : d.dir, "%s", omacp_strerror(e));
		free(p);
		rc = EXIT_MALFORMED;
		goto out;
	}

	if (!segs && !d.pin) {
		print_state(&d, c);
		rc = EXIT_OK;
		goto out;
	}

	e = OMACP_MORE;
	if (segs) {
		cli_input in;
		const char *p, *end;
		unsigned lineno = 0, n_sms = 0;
		uint32_t now = (uint32_t)time(NULL);
		r = cli_read(segs, 0, &in);
		if (r) {
			rc = r;
			goto out;
		}
		p = (const char *)in.data;
		end = p + in.len;
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
			uint8_t ud[256];
			size_t ud_len;
			lineno++;
			r = parse_line(p, n, ud, &ud_len);
			p = eol ? eol + 1 : end;
			if (r == 0)
				continue;
			if (r < 0) {
				cli_err(in.name, "line %u: not 'INDEX UDH_HEX PAYLOAD_HEX' or 'UD_HEX'", lineno);
				cli_free(&in);
				rc = EXIT_MALFORMED;
				goto out;
			}
			if (e != OMACP_MORE && e != OMACP_NOT_PUSH) {
				cli_err(in.name, "line %u: ignored: the message before it is complete", lineno);
				continue;
			}
			n_sms++;
			e = omacp_client_sms(c, d.from, ud, ud_len, now);
		}
		cli_free(&in);
		if (n_sms == 0) {
			cli_err(segs, "no SMS in the input");
			rc = EXIT_MALFORMED;
			goto out;
		}
		if (e == OMACP_NEED_PIN && d.pin) {
			e = omacp_client_pin(c, d.pin, now);
		}
	} else {
		e = omacp_client_pin(c, d.pin, (uint32_t)time(NULL));
		if (e == OMACP_E_NO_PENDING) {
			cli_err("--pin", "no message waits for a PIN in %s", d.dir);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (e == OMACP_E_SEC_PIN) {
		cli_err("--pin", "not a valid PIN (%d to %d characters; USERPINMAC: digits)",
		        OMACP_PIN_MIN_LEN, OMACP_PIN_MAX_LEN);
		rc = EXIT_USAGE;
		goto out;
	}
	if (e == OMACP_ACCEPTED && record_settings(&d, omacp_client_result(c)) != 0)
		cli_err(W, "the settings could not be recorded in %s/settings.txt", d.dir);

	{
		const omacp_result *res = omacp_client_result(c);
		const char *verdict;
		char reason[OMACP_REASON_MAX + 96];
		unsigned left = res->pin_attempts_left;
		omacp_policy pol;
		omacp_policy_init(&pol, d.profile, NULL, omacp_client_state(c));
		switch (e) {
		case OMACP_ACCEPTED:
			verdict = "accepted";
			break;
		case OMACP_NEED_PIN:
			verdict = "need-pin";
			break;
		case OMACP_MORE:
			verdict = "incomplete";
			break;
		case OMACP_NOT_PUSH:
			verdict = "not-push";
			break;
		default:
			verdict = "rejected";
			break;
		}
		if (e == OMACP_MORE || e == OMACP_NOT_PUSH) {
			omacp_result_init(&none);
			res = &none;
			left = omacp_policy_pin_attempts_left(&pol, omacp_client_state(c));
			snprintf(reason, sizeof reason, "%s",
			         e == OMACP_MORE ? "incomplete: waiting for more segments of the message"
			                         : "not-push: no WAP push port in the user data header");
		} else if (e == OMACP_E_CALLBACK) {
			snprintf(reason, sizeof reason, "rejected: the new state could not be saved in %s", d.dir);
		} else if (e < 0) {
			snprintf(reason, sizeof reason, "rejected: malformed message: %s", omacp_strerror(e));
			cli_err(segs ? segs : W, "%s", omacp_strerror(e));
		} else {
			snprintf(reason, sizeof reason, "%s", res->reason);
		}
		print_result(&d, verdict, reason, res, left);
		rc = exit_for(e, res);
	}
out:
	if (c)
		memset(c, 0, sizeof *c);
	free(c);
	free(work);
	free(blob);
	free(conf);
	free(sets);
	rec_reset();
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_USAGE;
	return rc;
}
