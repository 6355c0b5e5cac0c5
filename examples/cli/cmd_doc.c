/* omacp encode / omacp decode: XML <-> WBXML provisioning documents, and the
 * document helpers other subcommands share (cli_doc_to_xml,
 * cli_xml_to_wbxml). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Workspaces grow by doubling on OMACP_E_NOMEM, this many times at most. */
#define MAX_RETRIES 16

/* A document tree and the heap arena it lives in. */
typedef struct cli_tree {
	omacp_doc doc;
	uint8_t *arena;
} cli_tree;

static void tree_free(cli_tree *t)
{
	free(t->arena);
	t->arena = NULL;
	t->doc.root = NULL;
}

static void report(const char *name, omacp_err e, size_t off, int token)
{
	if (token >= 0)
		cli_err(name, "%s 0x%02X at byte %zu", omacp_strerror(e), (unsigned)token, off);
	else
		cli_err(name, "%s at byte %zu", omacp_strerror(e), off);
}

/* Parse p[0..n) as XML (force_xml, or when it looks like XML) or WBXML into
 * t.  Prints the error line and returns EXIT_MALFORMED on failure. */
static int load_doc(const char *name, const uint8_t *p, size_t n, int force_xml,
                    cli_tree *t)
{
	int xml = force_xml || cli_looks_xml(p, n);
	/* XML: every element and attribute takes at least 4 input bytes and
	 * no value is longer than its text, so this always suffices; WBXML
	 * can repeat string-table entries, so it may have to grow. */
	size_t doc_len = xml ? OMACP_DOC_WORK_BYTES(n / 4 + 1, n / 4 + 1, n)
	                     : OMACP_DOC_WORK_BYTES(n + 1, n + 1, 4 * n + 1024);
	size_t work_len = xml ? OMACP_XML_WORK_BYTES(n) : OMACP_WBXML_WORK_BYTES(n, n + 1024);
	int tries;

	memset(t, 0, sizeof *t);
	for (tries = 0; tries < MAX_RETRIES; tries++) {
		omacp_doc_builder b;
		uint8_t *work = malloc(work_len ? work_len : 1);
		omacp_err e, fe;
		size_t off = 0;
		int token = -1;

		t->arena = malloc(doc_len);
		if (!work || !t->arena) {
			free(work);
			tree_free(t);
			cli_err(name, "out of memory");
			return EXIT_MALFORMED;
		}
		omacp_doc_builder_init(&b, &t->doc, t->arena, doc_len);
		if (xml) {
#ifndef OMACP_NO_XML
			e = omacp_xml_parse(p, n, work, work_len, omacp_doc_builder_event, &b, &off);
#else
			e = OMACP_E_XML_DISABLED;
#endif
		} else {
			omacp_wbxml_decoder d;
			omacp_wbxml_decoder_init(&d, work, work_len, 0, omacp_doc_builder_event, &b);
			e = omacp_wbxml_feed(&d, p, n);
			if (e == OMACP_OK)
				e = omacp_wbxml_finish(&d);
			if (e != OMACP_OK) {
				off = omacp_wbxml_error_offset(&d);
				if (e == OMACP_E_WBXML_TOKEN)
					token = omacp_wbxml_error_token(&d);
			}
		}
		free(work);
		fe = omacp_doc_builder_finish(&b);
		if (e == OMACP_OK)
			e = fe;
		if (e == OMACP_OK)
			return 0;
		tree_free(t);
		if (e != OMACP_E_NOMEM) {
			report(name, e, off, token);
			return EXIT_MALFORMED;
		}
		if (fe == OMACP_E_NOMEM)
			doc_len *= 2;
		else
			work_len *= 2;
	}
	cli_err(name, "%s", omacp_strerror(OMACP_E_NOMEM));
	return EXIT_MALFORMED;
}

/* The canonical XML text of a tree (heap, caller frees). */
static int tree_to_xml(const char *name, const cli_tree *t, uint8_t **out, size_t *out_len)
{
	size_t cap = 4096;
	int tries;
	for (tries = 0; tries < 2 * MAX_RETRIES; tries++) {
		omacp_buf buf;
		omacp_xml_writer w;
		omacp_err e;
		buf.ptr = malloc(cap);
		buf.cap = cap;
		buf.len = 0;
		if (!buf.ptr) {
			cli_err(name, "out of memory");
			return EXIT_MALFORMED;
		}
		omacp_xml_writer_init(&w, 0, omacp_buf_write, &buf);
		e = omacp_doc_walk(&t->doc, omacp_xml_writer_event, &w);
		if (e == OMACP_OK)
			e = omacp_xml_writer_finish(&w);
		if (e == OMACP_OK) {
			*out = buf.ptr;
			*out_len = buf.len;
			return 0;
		}
		free(buf.ptr);
		if (e != OMACP_E_NOMEM) {
			cli_err(name, "%s", omacp_strerror(e));
			return EXIT_MALFORMED;
		}
		cap *= 2;
	}
	cli_err(name, "%s", omacp_strerror(OMACP_E_NOMEM));
	return EXIT_MALFORMED;
}

static int doc_to_xml_buf(const char *name, const uint8_t *p, size_t n,
                          uint8_t **out, size_t *out_len)
{
	cli_tree t;
	int rc = load_doc(name, p, n, 0, &t);
	if (rc)
		return rc;
	rc = tree_to_xml(name, &t, out, out_len);
	tree_free(&t);
	return rc;
}

int cli_doc_to_xml(const char *name, const uint8_t *p, size_t n, FILE *f)
{
	uint8_t *text;
	size_t len;
	int rc = doc_to_xml_buf(name, p, n, &text, &len);
	if (rc)
		return rc;
	if (fwrite(text, 1, len, f) != len)
		rc = EXIT_USAGE; /* reported when the caller closes f */
	free(text);
	return rc;
}

/* Remembers the offset of the last event, for the error line. */
typedef struct enc_track {
	omacp_wbxml_encoder *enc;
	size_t off;
} enc_track;

static omacp_err enc_event(void *user, const omacp_event *ev)
{
	enc_track *t = (enc_track *)user;
	t->off = ev->offset;
	return omacp_wbxml_encoder_event(t->enc, ev);
}

int cli_xml_to_wbxml(const char *name, const uint8_t *p, size_t n, int strtbl,
                     uint8_t **out, size_t *out_len)
{
	cli_tree t;
	size_t cap = n + 256, work_len = n + 256;
	int rc = load_doc(name, p, n, 1, &t), tries;
	if (rc)
		return rc;
	for (tries = 0; tries < MAX_RETRIES; tries++) {
		omacp_wbxml_encoder e;
		enc_track tr;
		uint8_t *buf = malloc(cap), *work = malloc(work_len);
		omacp_err r;
		size_t len = 0;
		if (!buf || !work) {
			free(buf);
			free(work);
			tree_free(&t);
			cli_err(name, "out of memory");
			return EXIT_MALFORMED;
		}
		omacp_wbxml_encoder_init(&e, buf, cap, work, work_len,
		                         strtbl ? OMACP_WBXML_ENC_STRTBL : 0u);
		tr.enc = &e;
		tr.off = 0;
		r = omacp_doc_walk(&t.doc, enc_event, &tr);
		if (r == OMACP_OK && strtbl) {
			r = omacp_wbxml_encoder_rewind(&e);
			if (r == OMACP_OK)
				r = omacp_doc_walk(&t.doc, enc_event, &tr);
		}
		if (r == OMACP_OK)
			r = omacp_wbxml_encoder_finish(&e, &len);
		free(work);
		if (r == OMACP_OK) {
			tree_free(&t);
			*out = buf;
			*out_len = len;
			return 0;
		}
		free(buf);
		if (r != OMACP_E_NOMEM) {
			tree_free(&t);
			report(name, r, tr.off, -1);
			return EXIT_MALFORMED;
		}
		cap *= 2;
		work_len *= 2;
	}
	tree_free(&t);
	cli_err(name, "%s", omacp_strerror(OMACP_E_NOMEM));
	return EXIT_MALFORMED;
}

/* ------------------------------------------------------------ commands */

typedef struct doc_opts {
	const char *in, *out;
	int flag; /* --strtbl (encode) or --hex (decode) */
	int help;
} doc_opts;

/* Options: FLAG, -o OUT / --output OUT / -oOUT / --output=OUT, --help, one
 * input ('-' = stdin), '--' ends the options.  Returns 0 or EXIT_USAGE. */
static int parse_doc_opts(const char *cmd, const char *flag, int argc, char **argv,
                          doc_opts *o)
{
	int i, opts = 1;
	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && a[0] == '-' && a[1] != 0) {
			if (!strcmp(a, "--")) {
				opts = 0;
			} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				o->help = 1;
				return 0;
			} else if (!strcmp(a, flag)) {
				o->flag = 1;
			} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
				if (i + 1 >= argc) {
					cli_err(cmd, "option '%s' needs a file name", a);
					return EXIT_USAGE;
				}
				o->out = argv[++i];
			} else if (!strncmp(a, "--output=", 9)) {
				o->out = a + 9;
			} else if (!strncmp(a, "-o", 2)) {
				o->out = a + 2;
			} else {
				cli_err(cmd, "unknown option '%s' (try 'omacp %s --help')", a, cmd);
				return EXIT_USAGE;
			}
			continue;
		}
		if (o->in) {
			cli_err(cmd, "more than one input file ('%s')", a);
			return EXIT_USAGE;
		}
		o->in = a;
	}
	return 0;
}

static int write_out(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = cli_open_out(path);
	if (!f)
		return EXIT_USAGE;
	if (n)
		fwrite(p, 1, n, f);
	return cli_close_out(f, path);
}

static void encode_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp encode [--strtbl] [-o OUT] [IN]\n"
	        "\n"
	        "Compile a provisioning document from XML to WBXML 1.3 (public id\n"
	        "-//WAPFORUM//DTD PROV 1.0//EN, UTF-8).  IN and OUT default to stdin and\n"
	        "stdout ('-' names them too); OUT receives the binary WBXML.\n"
	        "\n"
	        "  --strtbl       put strings that repeat into the string table\n"
	        "  -o, --output OUT  write to OUT instead of stdout\n"
	        "  --help         this text\n"
	        "\n"
	        "Exit: 0 done, 2 usage or unreadable file, 5 malformed input (one line on\n"
	        "stderr: 'omacp: IN: <reason> at byte <N>').\n");
}

static void decode_usage(FILE *f)
{
	fprintf(f,
	        "usage: omacp decode [--hex] [-o OUT] [IN]\n"
	        "\n"
	        "Read a provisioning document, WBXML or XML (detected from the first\n"
	        "bytes), check it and print it as canonical XML: XML declaration, PROV\n"
	        "DOCTYPE, one element per line indented by two spaces, attributes in\n"
	        "the order name, type, value, version, then the others.  IN and OUT\n"
	        "default to stdin and stdout ('-' names them too).\n"
	        "\n"
	        "  --hex          IN holds the document as hex text (white space ignored)\n"
	        "  -o, --output OUT  write to OUT instead of stdout\n"
	        "  --help         this text\n"
	        "\n"
	        "Exit: 0 done, 2 usage or unreadable file, 5 malformed input (one line on\n"
	        "stderr: 'omacp: IN: <reason> at byte <N>', e.g. 'unknown token 0x4D').\n");
}

int cmd_encode(int argc, char **argv)
{
	doc_opts o;
	cli_input in;
	uint8_t *wb = NULL;
	size_t wlen = 0;
	int rc = parse_doc_opts("encode", "--strtbl", argc, argv, &o);
	if (rc)
		return rc;
	if (o.help) {
		encode_usage(stdout);
		return EXIT_OK;
	}
	rc = cli_read(o.in, 0, &in);
	if (rc)
		return rc;
	rc = cli_xml_to_wbxml(in.name, in.data, in.len, o.flag, &wb, &wlen);
	cli_free(&in);
	if (rc)
		return rc;
	rc = write_out(o.out, wb, wlen);
	free(wb);
	return rc;
}

int cmd_decode(int argc, char **argv)
{
	doc_opts o;
	cli_input in;
	uint8_t *text = NULL;
	size_t len = 0;
	int rc = parse_doc_opts("decode", "--hex", argc, argv, &o);
	if (rc)
		return rc;
	if (o.help) {
		decode_usage(stdout);
		return EXIT_OK;
	}
	rc = cli_read(o.in, o.flag, &in);
	if (rc)
		return rc;
	rc = doc_to_xml_buf(in.name, in.data, in.len, &text, &len);
	cli_free(&in);
	if (rc)
		return rc;
	rc = write_out(o.out, text, len);
	free(text);
	return rc;
}
