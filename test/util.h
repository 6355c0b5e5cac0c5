/* Shared helpers for the cmocka suites (heap allowed in tests). */
#ifndef OMACP_TEST_UTIL_H
#define OMACP_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#ifndef OMACP_TEST_VECTORS
#define OMACP_TEST_VECTORS "test/vectors"
#endif

/* Read a whole file (malloc'd, NUL appended but not counted); NULL if missing.
 * `path` is relative to the vectors directory unless it starts with '/'. */
uint8_t *tu_read(const char *path, size_t *len);

/* Read a hex text file (whitespace ignored) as bytes; NULL if missing/bad. */
uint8_t *tu_read_hex(const char *path, size_t *len);

/* Decode a hex string literal; returns malloc'd bytes. */
uint8_t *tu_unhex(const char *hex, size_t *len);

/* Vector folder names matching a prefix ("libwbxml-", "kannel-"), sorted.
 * Returns the count; *names is malloc'd (free with tu_free_names). */
size_t tu_list_vectors(const char *prefix, char ***names);
void tu_free_names(char **names, size_t n);

/* The SMS of vector `dir` (its segments.txt: "INDEX UDH PAYLOAD" lines in
 * hex, '#' comments) as records [u8 len][len bytes of TP-UD = UDH + payload]
 * in out[0..cap).  Returns the bytes written; 0 when the file is missing.
 * An SMS whose record does not fit (or is over 255 bytes) is left out. */
size_t tu_read_sms(const char *dir, uint8_t *out, size_t cap);

/* Path helper: returns a static buffer "VECTORS/dir/file". */
const char *tu_vpath(const char *dir, const char *file);

#endif
