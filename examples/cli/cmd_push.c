/*
 * omacp push / omacp sms / omacp inspect: the WAP push transport.
 *
 *   push     document (XML or WBXML) -> signed WSP push PDU, as hex
 *   sms      the same PDU cut into SMS user data, one SMS per line
 *   inspect  SMS segments (any order) or a PDU -> the decoded push
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

/* ------------------------------------------------------------ options */

typedef struct push_opts {
	const char *sec, *imsi, *pin, *app_id, *initiator, *push_flag;
	const char *ref, *src_port;
	const char *in;
	int hex, ref16, help;
} push_opts;

static void push_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp push [--sec METHOD [--imsi DIGITS] [--pin PIN]] [--app-id ID]\n"
	        "                  [--initiator URI] [--push-flag N] [--hex] IN\n"
	        "\n"
	        "Build a WSP connectionless push PDU carrying the document in IN ('-' =\n"
	        "stdin) and print it as one line of lowercase hex.  An XML document is\n"
	        "encoded to WBXML first (no string table); WBXML is used as is.  Signed\n"
	        "PDUs have Kannel's layout: content type application/vnd.wap.connectivity-\n"
	        "wbxml in the general form with SEC and MAC parameters.\n"
	        "\n"
	        "  --sec METHOD     sign: NETWPIN, USERPIN, USERNETWPIN or USERPINMAC\n"
	        "  --imsi DIGITS    the IMSI (NETWPIN, USERNETWPIN)\n"
	        "  --pin PIN        the user PIN (USERPIN, USERNETWPIN; USERPINMAC: the\n"
	        "                   key half K)\n"
	        "  --app-id ID      X-Wap-Application-Id: a number (decimal or 0x hex) is\n"
	        "                   sent as an integer, anything else as URI text\n"
	        "  --initiator URI  X-Wap-Initiator-URI\n"
	        "  --push-flag N    Push-Flag bits 0..127 (0 = no header)\n"
	        "  --hex            IN holds hex text (white space ignored)\n"
	        "  --help           this text\n"
	        "\n"
	        "Exit: 0 done, 2 usage or bad option value, 5 malformed input.\n");
}

static void sms_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp sms [push options] [--ref N] [--ref16] [--src-port N] IN\n"
	        "\n"
	        "Build the push PDU as 'omacp push' does and cut it into SMS user data\n"
	        "(destination port 2948).  One SMS per line: 'INDEX UDH_HEX PAYLOAD_HEX'\n"
	        "(lowercase hex; the UDH includes its UDHL byte; INDEX from 1).  A PDU of\n"
	        "up to 133 octets is one SMS; longer ones get a concatenation IE.\n"
	        "\n"
	        "  push options     --sec, --imsi, --pin, --app-id, --initiator,\n"
	        "                   --push-flag, --hex (see 'omacp push --help')\n"
	        "  --ref N          concatenation reference (default 0; 0..255, or\n"
	        "                   0..65535 with --ref16)\n"
	        "  --ref16          use the 16-bit reference IE (0x08)\n"
	        "  --src-port N     source port 1..65535 (default 9200; Kannel uses 2948)\n"
	        "  --help           this text\n"
	        "\n"
	        "Exit: 0 done, 2 usage or bad option value, 5 malformed input.\n");
}

static void inspect_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp inspect [--json] [IN]\n"
	        "\n"
	        "Decode a WAP push.  IN (default stdin) holds SMS segments, one per line\n"
	        "('INDEX UDH_HEX PAYLOAD_HEX' or the whole user data 'UD_HEX'; lines\n"
	        "starting with '#' and blank lines are ignored; any order), or one PDU in\n"
	        "hex.  Segments are reassembled, then the push is decoded: TID, PDU type,\n"
	        "content type, SEC, MAC, application id, initiator URI, push flag, body\n"
	        "length, and the document as XML.\n"
	        "\n"
	        "  --json   one JSON object with the keys tid, pdu_type, content_type, sec,\n"
	        "           mac, app_id, initiator, push_flag, body_len, body_hex,\n"
	        "           document (null when the body is not a provisioning document,\n"
	        "           then document_error says why)\n"
	        "  --help   this text\n"
	        "\n"
	        "A document that does not decode is reported in the output; the exit\n"
	        "status is still 0.  Exit: 0 decoded, 2 usage, 5 malformed input\n"
	        "(bad hex, bad UDH or PDU, incomplete segments).\n");
}

/* The option that takes a value named by a ("--name" or "--name=value"):
 * where to store it; *nl = the name's length.  sms-only options need sms. */
static const char **opt_slot(push_opts *o, const char *a, size_t *nl, int sms)
{
	static const struct {
		const char *name;
		int sms_only;
	} names[] = {
		{"--sec", 0}, {"--imsi", 0}, {"--pin", 0}, {"--app-id", 0},
		{"--initiator", 0}, {"--push-flag", 0}, {"--ref", 1}, {"--src-port", 1},
	};
	const char **slots[8];
	size_t i;
	slots[0] = &o->sec;
	slots[1] = &o->imsi;
	slots[2] = &o->pin;
	slots[3] = &o->app_id;
	slots[4] = &o->initiator;
	slots[5] = &o->push_flag;
	slots[6] = &o->ref;
	slots[7] = &o->src_port;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t l = strlen(names[i].name);
		if (names[i].sms_only && !sms)
			continue;
		if (!strncmp(a, names[i].name, l) && (a[l] == '\0' || a[l] == '=')) {
			*nl = l;
			return slots[i];
		}
	}
	return NULL;
}

static int parse_push_opts(const char *cmd, int argc, char **argv, int sms,
                           push_opts *o)
{
	int i, only_files = 0;
	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot;
		size_t nl = 0;
		if (!only_files) {
			if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				o->help = 1;
				return 0;
			}
			if (!strcmp(a, "--")) {
				only_files = 1;
				continue;
			}
			if (!strcmp(a, "--hex")) {
				o->hex = 1;
				continue;
			}
			if (sms && !strcmp(a, "--ref16")) {
				o->ref16 = 1;
				continue;
			}
			slot = opt_slot(o, a, &nl, sms);
			if (slot) {
				if (a[nl] == '=') {
					*slot = a + nl + 1;
				} else if (i + 1 < argc) {
					*slot = argv[++i];
				} else {
					cli_err(cmd, "%s needs a value", a);
					return EXIT_USAGE;
				}
				continue;
			}
			if (a[0] == '-' && a[1] != '\0') {
				cli_err(cmd, "unknown option %s (try --help)", a);
				return EXIT_USAGE;
			}
		}
		if (o->in) {
			cli_err(cmd, "only one input file");
			return EXIT_USAGE;
		}
		o->in = a;
	}
	if (!o->in) {
		cli_err(cmd, "no input file (use '-' for stdin; try --help)");
		return EXIT_USAGE;
	}
	if (!o->sec && (o->imsi || o->pin)) {
		cli_err(cmd, "--imsi and --pin need --sec");
		return EXIT_USAGE;
	}
	return 0;
}

/* An unsigned number: decimal, or hex with 0x.  -1 if not one or > max. */
static long parse_num(const char *s, unsigned long max)
{
	unsigned long v = 0;
	int base = 10;
	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		v = v * (unsigned long)base + (unsigned long)d;
		if (v > max)
			return -1;
	}
	return (long)v;
}

/* ---------------------------------------------------- build the PDU */

/* Read IN, turn it into WBXML (if XML), sign, encode.  *pdu is heap. */
static int build_pdu(const char *cmd, const push_opts *o, uint8_t **pdu,
                     size_t *pdu_len)
{
	cli_input in;
	uint8_t *wbxml = NULL, *out;
	size_t wlen = 0, cap, len;
	omacp_push_params pp;
	char mac[OMACP_MAC_HEX_LEN + 1];
	omacp_err e;
	int rc;
	long v;

	omacp_push_params_init(&pp);
	if (o->app_id) {
		v = parse_num(o->app_id, 0x7FFFFFFFul);
		if (v >= 0)
			pp.app_id_code = (int)v;
		else if ((unsigned char)o->app_id[0] >= 0x20u)
			pp.app_id_uri = o->app_id;
		else {
			cli_err("--app-id", "empty application id");
			return EXIT_USAGE;
		}
	}
	pp.initiator = o->initiator;
	if (o->push_flag) {
		v = parse_num(o->push_flag, 127);
		if (v < 0) {
			cli_err("--push-flag", "'%s' is not a number 0..127", o->push_flag);
			return EXIT_USAGE;
		}
		pp.push_flag = (int)v;
	}
	if (o->sec) {
		omacp_sec m;
		if (omacp_sec_lookup(o->sec, strlen(o->sec), &m) != OMACP_OK) {
			cli_err("--sec", "unknown method '%s' (NETWPIN, USERPIN, USERNETWPIN, USERPINMAC)",
			        o->sec);
			return EXIT_USAGE;
		}
		if ((m == OMACP_SEC_NETWPIN || m == OMACP_SEC_USERNETWPIN) && !o->imsi) {
			cli_err(cmd, "--imsi is required for %s", omacp_sec_name(m));
			return EXIT_USAGE;
		}
		if (m != OMACP_SEC_NETWPIN && !o->pin) {
			cli_err(cmd, "--pin is required for %s", omacp_sec_name(m));
			return EXIT_USAGE;
		}
		pp.sec = (int)m;
	}

	rc = cli_read(o->in, o->hex, &in);
	if (rc)
		return rc;
	if (!o->hex && cli_looks_xml(in.data, in.len)) {
		rc = cli_xml_to_wbxml(in.name, in.data, in.len, 0, &wbxml, &wlen);
		if (rc) {
			cli_free(&in);
			return rc;
		}
	} else {
		wbxml = in.data;
		wlen = in.len;
		in.data = NULL;
	}
	cli_free(&in);

	if (pp.sec >= 0) {
		e = omacp_sec_sign((omacp_sec)pp.sec, o->imsi, o->pin, wbxml, wlen, mac);
		if (e != OMACP_OK) {
			cli_err(cmd, "cannot sign: %s", omacp_strerror(e));
			free(wbxml);
			return EXIT_USAGE;
		}
		pp.mac = mac;
	}
	e = omacp_push_encode(&pp, wbxml, wlen, NULL, 0, &len);
	if (e != OMACP_OK && e != OMACP_E_NOMEM) {
		cli_err(cmd, "cannot build the PDU: %s", omacp_strerror(e));
		free(wbxml);
		return EXIT_USAGE;
	}
	cap = len;
	out = malloc(cap ? cap : 1);
	if (!out) {
		cli_err(cmd, "out of memory");
		free(wbxml);
		return EXIT_USAGE;
	}
	e = omacp_push_encode(&pp, wbxml, wlen, out, cap, &len);
	free(wbxml);
	if (e != OMACP_OK) {
		cli_err(cmd, "cannot build the PDU: %s", omacp_strerror(e));
		free(out);
		return EXIT_USAGE;
	}
	*pdu = out;
	*pdu_len = len;
	return 0;
}

int cmd_push(int argc, char **argv)
{
	push_opts o;
	uint8_t *pdu;
	size_t len;
	int rc = parse_push_opts("push", argc, argv, 0, &o);
	if (rc)
		return rc;
	if (o.help) {
		push_usage(stdout);
		return EXIT_OK;
	}
	rc = build_pdu("push", &o, &pdu, &len);
	if (rc)
		return rc;
	cli_put_hex(stdout, pdu, len, 0);
	fputc('\n', stdout);
	free(pdu);
	return cli_close_out(stdout, NULL);
}

/* ------------------------------------------------------------- sms */

static omacp_err print_sms(void *user, unsigned index, unsigned total,
                           const uint8_t *udh, size_t udh_len,
                           const uint8_t *payload, size_t payload_len)
{
	FILE *f = user;
	(void)total;
	fprintf(f, "%u ", index);
	cli_put_hex(f, udh, udh_len, 0);
	fputc(' ', f);
	cli_put_hex(f, payload, payload_len, 0);
	fputc('\n', f);
	return OMACP_OK;
}

int cmd_sms(int argc, char **argv)
{
	push_opts o;
	omacp_seg_params sp;
	uint8_t *pdu;
	size_t len;
	omacp_err e;
	long v;
	int rc = parse_push_opts("sms", argc, argv, 1, &o);
	if (rc)
		return rc;
	if (o.help) {
		sms_usage(stdout);
		return EXIT_OK;
	}
	memset(&sp, 0, sizeof sp);
	sp.ref16 = o.ref16;
	if (o.ref) {
		v = parse_num(o.ref, o.ref16 ? 0xFFFFul : 0xFFul);
		if (v < 0) {
			cli_err("--ref", "'%s' is not a number 0..%s", o.ref,
			        o.ref16 ? "65535" : "255 (use --ref16 for more)");
			return EXIT_USAGE;
		}
		sp.ref = (uint16_t)v;
	}
	sp.src_port = OMACP_PORT_WSP;
	if (o.src_port) {
		v = parse_num(o.src_port, 0xFFFFul);
		if (v <= 0) {
			cli_err("--src-port", "'%s' is not a port 1..65535", o.src_port);
			return EXIT_USAGE;
		}
		sp.src_port = (uint16_t)v;
	}
	rc = build_pdu("sms", &o, &pdu, &len);
	if (rc)
		return rc;
	e = omacp_sms_segment(pdu, len, &sp, print_sms, stdout);
	free(pdu);
	if (e != OMACP_OK) {
		cli_err("sms", "%s", omacp_strerror(e));
		return EXIT_MALFORMED;
	}
	return cli_close_out(stdout, NULL);
}

/* ---------------------------------------------------------- inspect */

typedef struct line_tok {
	char *tok[4];
	int n;
	unsigned lineno;
} line_tok;

/* Split text into non-comment lines of white-space separated tokens (in
 * place).  Returns the number of lines; *out is heap. */
static size_t split_lines(char *text, line_tok **out)
{
	size_t n = 0, cap = 0;
	line_tok *v = NULL;
	unsigned lineno = 0;
	char *p = text;
	while (*p) {
		char *eol = strchr(p, '\n'), *q;
		line_tok t;
		if (eol)
			*eol = '\0';
		lineno++;
		q = p;
		while (*q == ' ' || *q == '\t' || *q == '\r')
			q++;
		memset(&t, 0, sizeof t);
		t.lineno = lineno;
		if (*q && *q != '#') {
			while (*q) {
				char *s = q;
				while (*q && *q != ' ' && *q != '\t' && *q != '\r')
					q++;
				if (t.n < 4)
					t.tok[t.n] = s;
				t.n++;
				if (*q)
					*q++ = '\0';
				while (*q == ' ' || *q == '\t' || *q == '\r')
					q++;
			}
			if (n == cap) {
				line_tok *nv;
				cap = cap ? cap * 2 : 16;
				nv = realloc(v, cap * sizeof *v);
				if (!nv) {
					free(v);
					*out = NULL;
					return 0;
				}
				v = nv;
			}
			v[n++] = t;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	*out = v;
	return n;
}

static int unhex_str(const char *s, uint8_t **out, size_t *len)
{
	return cli_unhex((const uint8_t *)s, strlen(s), out, len);
}

/* Reassemble the segment lines into one datagram (heap).  Returns 0 or an
 * exit code (message printed). */
static int reassemble(const char *name, line_tok *lines, size_t n,
                      uint8_t **dgram, size_t *dlen)
{
	uint16_t ports[256];
	size_t n_ports = 0, i;
	uint8_t **uds = calloc(n ? n : 1, sizeof *uds);
	size_t *ud_lens = calloc(n ? n : 1, sizeof *ud_lens);
	omacp_reasm r;
	omacp_reasm_config cfg;
	uint8_t *work = NULL;
	size_t wl = OMACP_REASM_WORK_BYTES(1, 255);
	int rc = 0, done = 0;
	unsigned total = 0;

	if (!uds || !ud_lens) {
		cli_err(name, "out of memory");
		rc = EXIT_USAGE;
		goto out;
	}
	/* Decode every line; collect the destination ports (inspect accepts
	 * any port: it is an inspector, not a handset). */
	for (i = 0; i < n; i++) {
		omacp_sms m;
		omacp_err e;
		size_t k;
		if (lines[i].n == 3) {
			uint8_t *a, *b;
			size_t al, bl;
			if (unhex_str(lines[i].tok[1], &a, &al) ||
			    unhex_str(lines[i].tok[2], &b, &bl)) {
				cli_err(name, "line %u: invalid hex text", lines[i].lineno);
				rc = EXIT_MALFORMED;
				goto out;
			}
			if (al == 0) {
				free(a);
				free(b);
				cli_err(name, "line %u: empty UDH", lines[i].lineno);
				rc = EXIT_MALFORMED;
				goto out;
			}
			uds[i] = malloc(al + bl);
			if (uds[i]) {
				memcpy(uds[i], a, al);
				memcpy(uds[i] + al, b, bl);
			}
			ud_lens[i] = al + bl;
			free(a);
			free(b);
		} else if (lines[i].n == 1) {
			if (unhex_str(lines[i].tok[0], &uds[i], &ud_lens[i])) {
				cli_err(name, "line %u: invalid hex text", lines[i].lineno);
				rc = EXIT_MALFORMED;
				goto out;
			}
		} else {
			cli_err(name, "line %u: expected 'INDEX UDH_HEX PAYLOAD_HEX' or 'UD_HEX'",
			        lines[i].lineno);
			rc = EXIT_MALFORMED;
			goto out;
		}
		if (!uds[i]) {
			cli_err(name, "out of memory");
			rc = EXIT_USAGE;
			goto out;
		}
		e = omacp_sms_parse(uds[i], ud_lens[i], &m);
		if (e != OMACP_OK) {
			cli_err(name, "line %u: %s", lines[i].lineno, omacp_strerror(e));
			rc = EXIT_MALFORMED;
			goto out;
		}
		if (!m.has_ports) {
			cli_err(name, "line %u: not a WAP push (no port IE in the UDH)",
			        lines[i].lineno);
			rc = EXIT_MALFORMED;
			goto out;
		}
		for (k = 0; k < n_ports && ports[k] != m.dst_port; k++)
			;
		if (k == n_ports && n_ports < sizeof ports / sizeof ports[0])
			ports[n_ports++] = m.dst_port;
		if (m.has_concat && !total)
			total = m.total;
	}
	work = malloc(wl);
	if (!work) {
		cli_err(name, "out of memory");
		rc = EXIT_USAGE;
		goto out;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.ports = ports;
	cfg.n_ports = n_ports;
	if (omacp_reasm_init(&r, work, wl, 1, 255, &cfg) != OMACP_OK) {
		cli_err(name, "cannot prepare reassembly");
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < n && !done; i++) {
		omacp_slice d;
		omacp_err e = omacp_reasm_feed(&r, "inspect", uds[i], ud_lens[i], 0, &d);
		if (e == OMACP_OK) {
			*dgram = malloc(d.len ? d.len : 1);
			if (!*dgram) {
				cli_err(name, "out of memory");
				rc = EXIT_USAGE;
				goto out;
			}
			memcpy(*dgram, d.ptr, d.len);
			*dlen = d.len;
			done = 1;
		} else if (e < 0) {
			cli_err(name, "line %u: %s", lines[i].lineno, omacp_strerror(e));
			rc = EXIT_MALFORMED;
			goto out;
		}
	}
	if (!done) {
		cli_err(name, "incomplete: %zu segment%s of %u", n, n == 1 ? "" : "s", total);
		rc = EXIT_MALFORMED;
	}
out:
	if (uds)
		for (i = 0; i < n; i++)
			free(uds[i]);
	free(uds);
	free(ud_lens);
	free(work);
	return rc;
}

/* Run cli_doc_to_xml with its output and its error line captured. */
static int doc_capture(const char *name, const uint8_t *body, size_t n,
                       char **xml, char **err)
{
	FILE *fx = tmpfile(), *fe = tmpfile();
	int saved = -1, rc;
	long sz;
	*xml = NULL;
	*err = NULL;
	if (!fx || !fe) {
		if (fx)
			fclose(fx);
		if (fe)
			fclose(fe);
		*err = strdup("cannot create a temporary file");
		return EXIT_USAGE;
	}
	fflush(stderr);
	saved = dup(2);
	if (saved >= 0)
		dup2(fileno(fe), 2);
	rc = cli_doc_to_xml(name, body, n, fx);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	fflush(fx);
	sz = ftell(fx);
	if (rc == 0 && sz >= 0) {
		*xml = malloc((size_t)sz + 1);
		if (*xml) {
			rewind(fx);
			(*xml)[fread(*xml, 1, (size_t)sz, fx)] = '\0';
		}
	} else {
		char buf[512];
		size_t k;
		rewind(fe);
		k = fread(buf, 1, sizeof buf - 1, fe);
		buf[k] = '\0';
		while (k > 0 && (buf[k - 1] == '\n' || buf[k - 1] == '\r'))
			buf[--k] = '\0';
		if (strchr(buf, '\n'))
			*strchr(buf, '\n') = '\0';
		/* drop the "omacp: <name>: " prefix */
		{
			const char *msg = buf;
			if (!strncmp(msg, "omacp: ", 7)) {
				const char *c = strstr(msg + 7, ": ");
				msg = c ? c + 2 : msg + 7;
			}
			*err = strdup(*msg ? msg : "not a provisioning document");
		}
		if (!rc)
			rc = EXIT_MALFORMED;
	}
	fclose(fx);
	fclose(fe);
	return rc;
}

static void json_slice(FILE *f, omacp_slice s)
{
	cli_json_str(f, s.ptr, s.len);
}

/* The media type as a string (static or into buf). */
static void put_content_type(FILE *f, const omacp_push *p, int json)
{
	const char *name = NULL;
	char buf[16];
	if (p->content_type_code == (int)OMACP_CT_CONNECTIVITY_WBXML)
		name = "application/vnd.wap.connectivity-wbxml";
	else if (p->content_type_code == (int)OMACP_CT_CONNECTIVITY_XML)
		name = "text/vnd.wap.connectivity-xml";
	else if (p->content_type_code >= 0) {
		snprintf(buf, sizeof buf, "0x%02x", (unsigned)p->content_type_code);
		name = buf;
	}
	if (json) {
		if (name)
			cli_json_cstr(f, name);
		else
			json_slice(f, p->content_type);
	} else {
		if (name)
			fputs(name, f);
		else
			fwrite(p->content_type.ptr, 1, p->content_type.len, f);
	}
}

/* Text output: printable slices as they are, other bytes as \xNN. */
static void put_text(FILE *f, omacp_slice s)
{
	size_t i;
	for (i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		if (c >= 0x20 && c < 0x7F && c != '\\')
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void print_json(const char *name, const omacp_push *p)
{
	FILE *f = stdout;
	char *xml = NULL, *err = NULL;
	fprintf(f, "{\"tid\": %u, \"pdu_type\": %u, \"content_type\": ",
	        (unsigned)p->tid, (unsigned)p->pdu_type);
	put_content_type(f, p, 1);
	fputs(", \"sec\": ", f);
	if (p->sec >= 0 && omacp_sec_name((omacp_sec)p->sec))
		cli_json_cstr(f, omacp_sec_name((omacp_sec)p->sec));
	else
		fputs("null", f);
	fputs(", \"mac\": ", f);
	if (p->has_mac)
		json_slice(f, p->mac);
	else
		fputs("null", f);
	fputs(", \"app_id\": ", f);
	if (!p->has_app_id)
		fputs("null", f);
	else if (p->app_id_code >= 0)
		fprintf(f, "%d", p->app_id_code);
	else
		json_slice(f, p->app_id_uri);
	fputs(", \"initiator\": ", f);
	if (p->has_initiator)
		json_slice(f, p->initiator);
	else
		fputs("null", f);
	fputs(", \"push_flag\": ", f);
	if (p->push_flag >= 0)
		fprintf(f, "%d", p->push_flag);
	else
		fputs("null", f);
	fprintf(f, ", \"body_len\": %zu, \"body_hex\": \"", p->body.len);
	cli_put_hex(f, p->body.ptr, p->body.len, 0);
	fputs("\", \"document\": ", f);
	if (doc_capture(name, p->body.ptr, p->body.len, &xml, &err) == 0 && xml) {
		cli_json_cstr(f, xml);
	} else {
		fputs("null, \"document_error\": ", f);
		cli_json_cstr(f, err ? err : "not a provisioning document");
	}
	fputs("}\n", f);
	free(xml);
	free(err);
}

static void print_text(const char *name, const omacp_push *p)
{
	FILE *f = stdout;
	char *xml = NULL, *err = NULL;
	fprintf(f, "tid: %u\n", (unsigned)p->tid);
	fprintf(f, "pdu_type: %u (%s)\n", (unsigned)p->pdu_type,
	        p->pdu_type == 7 ? "ConfirmedPush" : "Push");
	fputs("content_type: ", f);
	put_content_type(f, p, 0);
	fputc('\n', f);
	if (p->sec >= 0)
		fprintf(f, "sec: %s (%d)\n", omacp_sec_name((omacp_sec)p->sec), p->sec);
	else
		fputs("sec: none\n", f);
	fputs("mac: ", f);
	if (p->has_mac)
		put_text(f, p->mac);
	else
		fputs("none", f);
	fputs("\napp_id: ", f);
	if (!p->has_app_id)
		fputs("none", f);
	else if (p->app_id_code >= 0)
		fprintf(f, "%d (0x%x)", p->app_id_code, (unsigned)p->app_id_code);
	else
		put_text(f, p->app_id_uri);
	fputs("\ninitiator: ", f);
	if (p->has_initiator)
		put_text(f, p->initiator);
	else
		fputs("none", f);
	fputs("\npush_flag: ", f);
	if (p->push_flag >= 0)
		fprintf(f, "%d (0x%02x)", p->push_flag, (unsigned)p->push_flag);
	else
		fputs("none", f);
	fprintf(f, "\nbody_len: %zu\n", p->body.len);
	if (doc_capture(name, p->body.ptr, p->body.len, &xml, &err) == 0 && xml) {
		fputs("document:\n", f);
		fputs(xml, f);
		if (*xml && xml[strlen(xml) - 1] != '\n')
			fputc('\n', f);
	} else {
		fprintf(f, "document: not decoded: %s\n",
		        err ? err : "not a provisioning document");
	}
	free(xml);
	free(err);
}

int cmd_inspect(int argc, char **argv)
{
	const char *path = NULL;
	int json = 0, i, rc, only_files = 0;
	cli_input in;
	char *text;
	line_tok *lines = NULL;
	size_t n_lines, pdu_len = 0;
	uint8_t *pdu = NULL;
	omacp_push p;
	omacp_err e;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!only_files) {
			if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				inspect_usage(stdout);
				return EXIT_OK;
			}
			if (!strcmp(a, "--json")) {
				json = 1;
				continue;
			}
			if (!strcmp(a, "--")) {
				only_files = 1;
				continue;
			}
			if (a[0] == '-' && a[1] != '\0') {
				cli_err("inspect", "unknown option %s (try --help)", a);
				return EXIT_USAGE;
			}
		}
		if (path) {
			cli_err("inspect", "only one input file");
			return EXIT_USAGE;
		}
		path = a;
	}
	rc = cli_read(path, 0, &in);
	if (rc)
		return rc;
	text = malloc(in.len + 1);
	if (!text) {
		cli_err(in.name, "out of memory");
		cli_free(&in);
		return EXIT_USAGE;
	}
	memcpy(text, in.data, in.len);
	text[in.len] = '\0';
	if (strlen(text) != in.len) {
		cli_err(in.name, "binary input: expected hex text");
		rc = EXIT_MALFORMED;
		goto out;
	}
	n_lines = split_lines(text, &lines);
	if (n_lines == 0) {
		cli_err(in.name, "no segments or PDU in the input");
		rc = EXIT_MALFORMED;
		goto out;
	}
	/* One hex token alone: a PDU when it decodes as one, else one SMS. */
	if (n_lines == 1 && lines[0].n == 1) {
		if (unhex_str(lines[0].tok[0], &pdu, &pdu_len)) {
			cli_err(in.name, "line %u: invalid hex text", lines[0].lineno);
			rc = EXIT_MALFORMED;
			goto out;
		}
		if (omacp_push_decode(pdu, pdu_len, &p) != OMACP_OK) {
			omacp_sms m;
			if (omacp_sms_parse(pdu, pdu_len, &m) == OMACP_OK && m.has_ports) {
				free(pdu);
				pdu = NULL;
			}
		}
	}
	if (!pdu) {
		rc = reassemble(in.name, lines, n_lines, &pdu, &pdu_len);
		if (rc)
			goto out;
	}
	e = omacp_push_decode(pdu, pdu_len, &p);
	if (e != OMACP_OK) {
		cli_err(in.name, "not a WSP push PDU: %s", omacp_strerror(e));
		rc = EXIT_MALFORMED;
		goto out;
	}
	if (json)
		print_json(in.name, &p);
	else
		print_text(in.name, &p);
	rc = cli_close_out(stdout, NULL);
out:
	free(pdu);
	free(lines);
	free(text);
	cli_free(&in);
	return rc;
}
