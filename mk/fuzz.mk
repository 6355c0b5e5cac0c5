# Robustness targets (included by the Makefile).
#
#   make fuzz                  libFuzzer binaries, one per entry point of
#                              test/fuzz/fuzz.h, in $(FUZZ_B)/ (clang,
#                              -fsanitize=fuzzer,address,undefined)
#   make fuzz-run SECONDS=N    run every libFuzzer target N seconds (default 60)
#                              with its dictionary; crashes are copied to
#                              test/fuzz/regressions/<entry>/ and fail the run
#   make fuzz-cov              line coverage of lib/ (llvm-cov) from the fuzz
#                              corpora: seeds, regressions and what fuzz-run
#                              found; report in $(FUZZ_B)/cov/
#   make valgrind              memcheck over the CLI on every vector and every
#                              regression input: 0 errors, 0 leaks, else fails
#   make check-sanitize        make check with SANITIZE=1 in $(B)-san, and again
#                              with clang in $(B)-san-clang (its UBSan also
#                              flags NULL + 0, which GCC's does not)
#   make check-nomalloc        make check with NO_MALLOC=1 in $(B)-nomalloc
#   make check-m32             make check with CC='gcc -m32' in $(B)-m32 (the
#                              i386 mbedtls/expat/cmocka come from multiarch
#                              packages if installed, else from a private
#                              sysroot of the Debian i386 packages)
#
# Variables: FUZZ_CC (clang), FUZZ_B ($(B)-fuzz), SECONDS, FUZZ_JOBS (2).

FUZZ_CC ?= clang
FUZZ_B ?= $(B)-fuzz
SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_ENTRIES := wbxml xml wsp reasm sec state client
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c99 -g -O1 -Iinclude -Itest $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_B)/obj/%.o)
FUZZ_ENTRY_OBJ := $(FUZZ_SRC:%.c=$(FUZZ_B)/obj/%.o)
FUZZ_BINS := $(FUZZ_ENTRIES:%=$(FUZZ_B)/fuzz_%)

.PHONY: fuzz fuzz-run fuzz-cov valgrind check-sanitize check-nomalloc check-m32

fuzz: $(FUZZ_BINS)

# keep the objects and drivers (they are intermediate files of pattern rules)
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_ENTRY_OBJ) $(FUZZ_ENTRIES:%=$(FUZZ_B)/wrap/fuzz_%.c)

$(FUZZ_B)/.flags: FORCE
	@mkdir -p $(FUZZ_B)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' | cmp -s - $@ || echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' > $@

$(FUZZ_B)/obj/%.o: %.c $(HEADERS) $(wildcard lib/*.h test/fuzz/*.h) $(FUZZ_B)/.flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# The libFuzzer driver of one entry: LLVMFuzzerTestOneInput calls it.  The
# entry is referenced weakly so a layer whose entry is not written yet gives
# a binary that says so ("entry not linked", exit 3) instead of breaking
# the build.
$(FUZZ_B)/wrap/fuzz_%.c: mk/fuzz.mk
	@mkdir -p $(dir $@)
	@printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' '#include "fuzz/fuzz.h"' \
	  'int fuzz_$*(const uint8_t *, size_t) __attribute__((weak));' \
	  'int LLVMFuzzerInitialize(int *argc, char ***argv);' \
	  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	  'int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv;' \
	  '  if (!fuzz_$*) { fprintf(stderr, "fuzz_$*: entry not linked\n"); exit(3); } return 0; }' \
	  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return fuzz_$*(d, n); }' > $@

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/wrap/fuzz_%.c $(FUZZ_ENTRY_OBJ) $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_ENTRY_OBJ) $(FUZZ_LIB_OBJ) \
	  $(LDLIBS_CRYPTO) $(LDLIBS_XML)

# The replay harness built normally: it exports the seed corpora.
FUZZ_HOST_B := $(FUZZ_B)/host
FUZZ_REPLAY := $(FUZZ_HOST_B)/test/test_fuzz_replay
$(FUZZ_REPLAY): FORCE
	@$(MAKE) --no-print-directory B=$(FUZZ_HOST_B) SANITIZE= $@

fuzz-run: fuzz $(FUZZ_REPLAY)
	FUZZ_B=$(FUZZ_B) SECONDS=$(SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) REPLAY=$(FUZZ_REPLAY) \
	  ENTRIES="$(FUZZ_ENTRIES)" bash test/fuzz/fuzz-run.sh

# Coverage: the replay harness built by clang with source-based coverage
# (the whole archive linked, so a layer no entry reaches shows as 0%),
# replaying every corpus file; report restricted to lib/.
FUZZ_COV_B := $(FUZZ_B)/cov
fuzz-cov:
	@$(MAKE) --no-print-directory B=$(FUZZ_COV_B)/build CC=$(FUZZ_CC) SANITIZE= \
	  CFLAGS='-O1 -g -fprofile-instr-generate -fcoverage-mapping' \
	  LDFLAGS='-fprofile-instr-generate -Wl,--whole-archive $(FUZZ_COV_B)/build/libomacp.a -Wl,--no-whole-archive' \
	  $(FUZZ_COV_B)/build/test/test_fuzz_replay
	FUZZ_B=$(FUZZ_B) COV_B=$(FUZZ_COV_B) REPLAY=$(FUZZ_COV_B)/build/test/test_fuzz_replay \
	  ENTRIES="$(FUZZ_ENTRIES)" bash test/fuzz/fuzz-cov.sh

valgrind: all
	OMACP=$(CURDIR)/$(B)/omacp ROOT=$(CURDIR) bash test/fuzz/valgrind.sh

check-sanitize:
	$(MAKE) --no-print-directory B=$(B)-san SANITIZE=1 check
	$(MAKE) --no-print-directory B=$(B)-san-clang CC=$(FUZZ_CC) SANITIZE=1 check

check-nomalloc:
	$(MAKE) --no-print-directory B=$(B)-nomalloc NO_MALLOC=1 check

# ---- 32-bit build.  Debian i386 -dev packages of the same version as the
# amd64 ones cannot always be co-installed (`dpkg --add-architecture i386`
# then fails on any version skew between the mirror and the installed amd64
# libraries), so unless they are installed system-wide the i386 .debs are
# fetched by apt-get with a private package list (nothing changes in the
# system's apt or dpkg state) and unpacked (dpkg -x) into a private sysroot.
M32_B := $(B)-m32
M32_ROOT := $(M32_B)/sysroot
M32_APT := $(CURDIR)/$(M32_B)/apt
M32_LIBDIR := /usr/lib/i386-linux-gnu
M32_DEBS := libmbedtls-dev libmbedcrypto7 libexpat1 libexpat1-dev libcmocka0 libcmocka-dev
M32_APT_OPTS := -o APT::Architecture=i386 -o APT::Architectures::=i386 \
	-o Dir::State::Lists=$(M32_APT)/lists -o Dir::Cache=$(M32_APT)/cache \
	-o Dir::State::status=$(M32_APT)/status

$(M32_ROOT)/.stamp:
	@rm -rf $(M32_ROOT) $(M32_APT); mkdir -p $(M32_ROOT) $(M32_APT)/lists/partial \
	  $(M32_APT)/cache/archives/partial $(M32_APT)/debs
	@touch $(M32_APT)/status
	-apt-get -qq $(M32_APT_OPTS) update
	cd $(M32_APT)/debs && apt-get -qq $(M32_APT_OPTS) download $(M32_DEBS)
	for d in $(M32_APT)/debs/*.deb; do dpkg -x $$d $(M32_ROOT) || exit 1; done
	@touch $@

ifeq ($(wildcard $(M32_LIBDIR)/libcmocka.so $(M32_LIBDIR)/libmbedcrypto.so $(M32_LIBDIR)/libexpat.so),$(M32_LIBDIR)/libcmocka.so $(M32_LIBDIR)/libmbedcrypto.so $(M32_LIBDIR)/libexpat.so)
M32_DEPS :=
M32_LDFLAGS :=
M32_LDPATH :=
else
M32_DEPS := $(M32_ROOT)/.stamp
M32_LDFLAGS := -L$(CURDIR)/$(M32_ROOT)/usr/lib/i386-linux-gnu -L$(CURDIR)/$(M32_ROOT)/lib/i386-linux-gnu
M32_LDPATH := $(CURDIR)/$(M32_ROOT)/usr/lib/i386-linux-gnu:$(CURDIR)/$(M32_ROOT)/lib/i386-linux-gnu
endif

# The wrappers below call the real tools by absolute path (they sit first
# in PATH under the same names).
M32_GCC := $(shell command -v gcc 2>/dev/null || echo /usr/bin/gcc)
M32_NM := $(shell command -v $(firstword $(NM)) 2>/dev/null || echo /usr/bin/nm)

# Scripts that call plain `cc` (consumer builds in t_install.sh,
# t_sms_handler.sh) get a `cc` that targets i386 with the sysroot; `nm`
# leaves out the __x86.get_pc_thunk.* helpers gcc emits as hidden globals
# in 32-bit PIC code (they are the compiler's, not the library's).
check-m32: $(M32_DEPS)
	@mkdir -p $(M32_B)/bin
	@echo 'int main(void){return 0;}' > $(M32_B)/probe.c
	@gcc -m32 -o $(M32_B)/probe $(M32_B)/probe.c || \
	  { echo "check-m32: gcc -m32 cannot link (install gcc-multilib)"; exit 1; }
	@printf '#!/bin/sh\nexec %s -m32 "$$@" $(M32_LDFLAGS)\n' '$(M32_GCC)' > $(M32_B)/bin/cc
	@printf '#!/bin/sh\nout=$$(%s "$$@") || exit $$?\nprintf "%%s\\n" "$$out" | grep -v " __x86\\.get_pc_thunk\\."\nexit 0\n' '$(M32_NM)' > $(M32_B)/bin/nm
	@chmod +x $(M32_B)/bin/cc $(M32_B)/bin/nm
	PATH=$(CURDIR)/$(M32_B)/bin:$$PATH \
	LD_LIBRARY_PATH=$(M32_LDPATH)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
	$(MAKE) --no-print-directory B=$(M32_B)/build CC=$(CURDIR)/$(M32_B)/bin/cc NM=$(CURDIR)/$(M32_B)/bin/nm \
	  LDFLAGS='-m32 $(M32_LDFLAGS)' PKG_CONFIG_LIBDIR=$(CURDIR)/$(M32_ROOT)/usr/lib/i386-linux-gnu/pkgconfig check
