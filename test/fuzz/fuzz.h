/*
 * test/fuzz/fuzz.h - the fuzz entry points, one per layer.
 *
 * Each entry is a plain function: it takes any bytes, runs one layer (or the
 * whole pipeline) over them and returns 0.  It must never crash, leak, read
 * out of bounds or hang on any input; an entry that finds a broken invariant
 * (state changed by a rejected message, a round trip that differs, ...)
 * calls abort() so that every fuzzing engine reports it as a crash.
 *
 * The same objects are linked into
 *   - build/test/test_fuzz_replay (cmocka, part of `make check`): replays the
 *     seed corpora and regression inputs, then a deterministic mutation loop;
 *   - one libFuzzer binary per entry (`make fuzz`, mk/fuzz.mk), whose
 *     LLVMFuzzerTestOneInput just calls the entry;
 *   - AFL++ (see test/fuzz/README.md).
 * None of the entry files defines main().
 *
 * Entries carry nothing from one call to the next (scratch buffers may be
 * static or heap, but every call starts from scratch), and are
 * deterministic: the same input always takes the same path.
 */
#ifndef OMACP_FUZZ_H
#define OMACP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* WBXML decoder (test/fuzz/fuzz_wbxml.c): input = a WBXML document. */
int fuzz_wbxml(const uint8_t *data, size_t size);

/* XML front end (test/fuzz/fuzz_xml.c): input = an XML document; parsed into
 * a document builder over a fixed workspace, then round-tripped through the
 * XML writer and the WBXML encoder/decoder (the trees must be equal). */
int fuzz_xml(const uint8_t *data, size_t size);

/* WSP push decoder (test/fuzz/fuzz_push.c): input = a WSP push PDU. */
int fuzz_wsp(const uint8_t *data, size_t size);

/* SMS reassembly (test/fuzz/fuzz_push.c): input = a sequence of SMS user
 * data (see fuzz_push.c for the record format). */
int fuzz_reasm(const uint8_t *data, size_t size);

/* MAC text and PIN parsing, key derivation, verify (test/fuzz/fuzz_sec.c). */
int fuzz_sec(const uint8_t *data, size_t size);

/* State-blob loading (test/fuzz/fuzz_state.c): input = a state blob; a
 * blob that loads must save back to the same bytes. */
int fuzz_state(const uint8_t *data, size_t size);

/* The whole client pipeline (test/fuzz/fuzz_client.c): input = a header
 * (profile, IMSI, PIN, state blob) followed by SMS records; checks the state
 * and CSP invariants after every outcome.  Format in fuzz_client.c. */
int fuzz_client(const uint8_t *data, size_t size);

#endif
