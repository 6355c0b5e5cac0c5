/* omacp CLI: input/output and error helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

void cli_err(const char *what, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "omacp: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cli_hex_append(const uint8_t *text, size_t n, uint8_t *out, size_t cap,
                   size_t *len)
{
	size_t i;
	int hi = -1;
	for (i = 0; i < n; i++) {
		int v;
		if (isspace(text[i]))
			continue;
		v = hexval(text[i]);
		if (v < 0)
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			if (*len >= cap)
				return -1;
			out[(*len)++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi >= 0 ? -1 : 0;
}

int cli_unhex(const uint8_t *text, size_t n, uint8_t **out, size_t *out_len)
{
	uint8_t *buf = malloc(n / 2 + 1);
	size_t k = 0;
	if (!buf)
		return -1;
	if (cli_hex_append(text, n, buf, n / 2 + 1, &k) != 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = k;
	return 0;
}

int cli_read(const char *path, int hex, cli_input *in)
{
	FILE *f;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int is_stdin = !path || !strcmp(path, "-");

	in->name = is_stdin ? "<stdin>" : path;
	in->data = NULL;
	in->len = 0;
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		cli_err(path, "%s", strerror(errno));
		return EXIT_USAGE;
	}
	for (;;) {
		size_t got;
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				if (!is_stdin)
					fclose(f);
				cli_err(in->name, "out of memory");
				return EXIT_USAGE;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		cli_err(in->name, "read error");
		free(buf);
		if (!is_stdin)
			fclose(f);
		return EXIT_USAGE;
	}
	if (!is_stdin)
		fclose(f);
	if (hex) {
		uint8_t *bin;
		size_t blen;
		if (cli_unhex(buf, len, &bin, &blen) != 0) {
			free(buf);
			cli_err(in->name, "invalid hex text");
			return EXIT_MALFORMED;
		}
		free(buf);
		buf = bin;
		len = blen;
	}
	in->data = buf;
	in->len = len;
	return 0;
}

void cli_free(cli_input *in)
{
	free(in->data);
	in->data = NULL;
	in->len = 0;
}

FILE *cli_open_out(const char *path)
{
	FILE *f;
	if (!path || !strcmp(path, "-"))
		return stdout;
	f = fopen(path, "wb");
	if (!f)
		cli_err(path, "%s", strerror(errno));
	return f;
}

int cli_close_out(FILE *f, const char *path)
{
	int bad = ferror(f);
	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad) {
		cli_err(path ? path : "<stdout>", "write error");
		return EXIT_USAGE;
	}
	return 0;
}

void cli_put_hex(FILE *f, const uint8_t *p, size_t n, int upper)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *d = upper ? up : lo;
	size_t i;
	for (i = 0; i < n; i++) {
		fputc(d[p[i] >> 4], f);
		fputc(d[p[i] & 15], f);
	}
}

int cli_looks_xml(const uint8_t *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < n && p[i] == '<';
}

void cli_json_str(FILE *f, const uint8_t *p, size_t n)
{
	size_t i = 0;
	fputc('"', f);
	while (i < n) {
		uint8_t c = p[i];
		size_t k, len = 0;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
			continue;
		}
		if (c == '\n') { fputs("\\n", f); i++; continue; }
		if (c == '\r') { fputs("\\r", f); i++; continue; }
		if (c == '\t') { fputs("\\t", f); i++; continue; }
		if (c < 0x20 || c == 0x7F) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			i++;
			continue;
		}
		/* UTF-8 sequence: copy if well-formed, else escape the byte */
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4;
		for (k = 1; len && k < len; k++)
			if (i + k >= n || (p[i + k] & 0xC0) != 0x80)
				len = 0;
		if (len == 3 && ((c == 0xE0 && p[i + 1] < 0xA0) ||
		                 (c == 0xED && p[i + 1] >= 0xA0)))
			len = 0;
		if (len == 4 && ((c == 0xF0 && p[i + 1] < 0x90) ||
		                 (c == 0xF4 && p[i + 1] >= 0x90)))
			len = 0;
		if (!len) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		fwrite(p + i, 1, len, f);
		i += len;
	}
	fputc('"', f);
}

void cli_json_cstr(FILE *f, const char *s)
{
	cli_json_str(f, (const uint8_t *)s, strlen(s));
}
