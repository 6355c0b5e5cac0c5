/*
 * The omacp command-line tool: shared helpers.  The CLI uses only the public
 * API of the library (it proves the API is enough); it may use the heap.
 *
 * Contract: errors are one line on stderr, "omacp: <what>: <why>"; exit
 * codes: 0 success, 1 need-pin/incomplete, 2 usage, 3 rejected,
 * 4 invalid/authentication failed, 5 malformed input.
 */
#ifndef OMACP_CLI_H
#define OMACP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "omacp/omacp.h"

enum {
	EXIT_OK = 0,
	EXIT_PENDING = 1,
	EXIT_USAGE = 2,
	EXIT_REJECTED = 3,
	EXIT_INVALID = 4,
	EXIT_MALFORMED = 5
};

/* A whole input in memory (heap). */
typedef struct cli_input {
	uint8_t *data;
	size_t len;
	const char *name; /* file name, or "<stdin>" */
} cli_input;

/* Read `path` ("-" or NULL = stdin) entirely.  With hex != 0 the file holds
 * hex text (whitespace ignored) which is decoded.  On failure prints the
 * error line and returns EXIT_USAGE (cannot open) or EXIT_MALFORMED (bad
 * hex); 0 on success. */
int cli_read(const char *path, int hex, cli_input *in);
void cli_free(cli_input *in);

/* Decode hex text (whitespace ignored) into out (heap, caller frees).
 * Returns 0 or -1 (odd count / non-hex). */
int cli_unhex(const uint8_t *text, size_t n, uint8_t **out, size_t *out_len);

/* Decode hex text (whitespace ignored) and append it to out[*len..cap).
 * Returns 0, or -1 on an odd digit count, a non-hex character or overflow. */
int cli_hex_append(const uint8_t *text, size_t n, uint8_t *out, size_t cap,
                   size_t *len);

/* Write p[0..n) as a JSON string (quoted, escaped; bytes that are not
 * well-formed UTF-8 are written as \u00XX). */
void cli_json_str(FILE *f, const uint8_t *p, size_t n);
void cli_json_cstr(FILE *f, const char *s);

/* Open `path` for writing ("-" or NULL = stdout).  Prints the error and
 * returns NULL on failure. */
FILE *cli_open_out(const char *path);
int cli_close_out(FILE *f, const char *path);

/* Print "omacp: <what>: <fmt...>" and a newline to stderr. */
void cli_err(const char *what, const char *fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Print bytes as uppercase/lowercase hex to f. */
void cli_put_hex(FILE *f, const uint8_t *p, size_t n, int upper);

/* 1 when the buffer looks like XML text (after BOM/white space starts '<'). */
int cli_looks_xml(const uint8_t *p, size_t n);

/* Parse a document (XML or WBXML, auto-detected) and write it as canonical
 * XML to f.  On failure, prints "omacp: <name>: <reason> at byte <N>" and
 * returns EXIT_MALFORMED. */
int cli_doc_to_xml(const char *name, const uint8_t *p, size_t n, FILE *f);

/* Convert an XML document to WBXML (heap buffer, caller frees).  On failure
 * prints the error line and returns EXIT_MALFORMED. */
int cli_xml_to_wbxml(const char *name, const uint8_t *p, size_t n, int strtbl,
                     uint8_t **out, size_t *out_len);

/* Subcommands: argc/argv start at the subcommand name. */
int cmd_encode(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_sms(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_device(int argc, char **argv);

#endif
