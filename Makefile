# omacp - OMA Client Provisioning for handset firmware.
#
#   make                 build/libomacp.a and build/omacp (the CLI)
#   make check           every test (cmocka suites, CLI and vector tests,
#                        symbol check, install test, interop when tools exist)
#   make install PREFIX=/usr/local DESTDIR=   /   make uninstall
#
# Options: NO_MALLOC=1  NO_XML=1  SANITIZE=1  CC=clang  CROSS=arm-none-eabi-
# Changing options rebuilds everything (the flags are stamped).

VERSION := $(shell sed -n 's/^\#define OMACP_VERSION_STRING "\(.*\)"/\1/p' include/omacp/version.h)
PREFIX  ?= /usr/local
DESTDIR ?=
CROSS   ?=
CC      := $(if $(filter default,$(origin CC)),$(CROSS)gcc,$(CC))
AR      := $(CROSS)ar
NM      ?= nm
PKG_CONFIG ?= pkg-config

B := build

WARN    := -std=c99 -Wall -Wextra -Wpedantic -Wshadow -Wconversion
CFLAGS  ?= -O2 -g
ALL_CFLAGS := $(WARN) $(CFLAGS) -Iinclude
LDLIBS_CRYPTO := -lmbedcrypto
LDLIBS_XML := -lexpat

ifeq ($(NO_MALLOC),1)
ALL_CFLAGS += -DOMACP_NO_MALLOC
endif
ifeq ($(NO_XML),1)
ALL_CFLAGS += -DOMACP_NO_XML
LDLIBS_XML :=
endif
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(sort $(wildcard lib/*.c))
ifeq ($(NO_XML),1)
LIB_SRC := $(filter-out lib/xml.c,$(LIB_SRC))
endif
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_SRC := $(sort $(wildcard examples/cli/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)
TEST_SRC := $(sort $(wildcard test/test_*.c))
TEST_BIN := $(TEST_SRC:test/%.c=$(B)/test/%)
TEST_UTIL := $(B)/obj/test/util.o
TEST_SH := $(sort $(wildcard test/t_*.sh))
HEADERS := $(wildcard include/omacp/*.h)
LIBA := $(B)/libomacp.a
LIBS := $(LIBA) $(LDLIBS_CRYPTO) $(LDLIBS_XML)

.PHONY: all check test check-symbols install uninstall clean demo deps FORCE

all: $(LIBA) $(B)/omacp

# Rebuild everything when the compiler or the flags change.
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS)' > $@

$(B)/obj/%.o: %.c $(HEADERS) $(wildcard lib/*.h examples/cli/*.h test/*.h) $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/omacp: $(CLI_OBJ) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBS)

$(B)/obj/test/%.o: ALL_CFLAGS += -DOMACP_TEST_VECTORS='"$(CURDIR)/test/vectors"' -Wno-conversion
$(B)/test/%: $(B)/obj/test/%.o $(TEST_UTIL) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_UTIL) $(LIBS) -lcmocka

# The replay harness links every fuzz entry point (test/fuzz/fuzz_*.c).
FUZZ_SRC := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_OBJ := $(FUZZ_SRC:%.c=$(B)/obj/%.o)
$(B)/obj/test/fuzz/%.o: ALL_CFLAGS += -Wno-conversion
$(B)/test/test_fuzz_replay: $(B)/obj/test/test_fuzz_replay.o $(FUZZ_OBJ) $(TEST_UTIL) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(B)/obj/test/test_fuzz_replay.o $(FUZZ_OBJ) $(TEST_UTIL) $(LIBS) -lcmocka

# ---------------------------------------------------------------- checks
# Each cmocka suite and each test/t_*.sh script counts as one test; the last
# line is "check: N passed, N failed".
check: all $(TEST_BIN)
	@pass=0; fail=0; failed=""; \
	for t in $(TEST_BIN); do \
	  echo "== $$t"; \
	  if $$t; then pass=$$((pass+1)); else fail=$$((fail+1)); failed="$$failed $$t"; fi; \
	done; \
	for s in $(TEST_SH); do \
	  echo "== $$s"; \
	  if OMACP=$(CURDIR)/$(B)/omacp VECTORS=$(CURDIR)/test/vectors MAKE="$(MAKE)" B="$(B)" CC="$(CC)" \
	     ROOT=$(CURDIR) NO_XML=$(NO_XML) SANITIZE=$(SANITIZE) bash $$s; then \
	    pass=$$((pass+1)); else fail=$$((fail+1)); failed="$$failed $$s"; fi; \
	done; \
	echo "== check-symbols"; \
	if $(MAKE) --no-print-directory check-symbols; then pass=$$((pass+1)); else fail=$$((fail+1)); failed="$$failed check-symbols"; fi; \
	[ -z "$$failed" ] || echo "failed:$$failed"; \
	echo "check: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]

test: check

# Install the Debian packages that are missing (build, tests, interop, fuzz).
deps:
	sh .ci/deps

# The main job on shipped examples: a new Windows Mobile 6.5 handset whose OEM
# enabled OTA bootstrap receives the seed bootstrap (3 SMS, USERNETWPIN) from
# the operator's PPG, then a continuous-provisioning update from the TPS.
DEMO_STATE := $(B)/demo-state
demo: all
	@rm -rf $(DEMO_STATE)
	@echo '$$ omacp device --state $(DEMO_STATE) --set-policy 4119=132 --set-policy 4143=7296 --imsi 001010123456789 --from 9201612 --pin 1234 examples/seed/bootstrap.segments'
	@$(B)/omacp device --state $(DEMO_STATE) --set-policy 4119=132 --set-policy 4143=7296 \
	  --imsi 001010123456789 --from 9201612 --pin 1234 examples/seed/bootstrap.segments
	@echo; echo '$$ omacp device --state $(DEMO_STATE) --from 9201612 --pin 2468 examples/seed/tps-update.segments'
	@$(B)/omacp device --state $(DEMO_STATE) --from 9201612 --pin 2468 examples/seed/tps-update.segments
	@echo; echo '$$ cat $(DEMO_STATE)/settings.txt'; cat $(DEMO_STATE)/settings.txt

# lib/ built with NO_MALLOC: no allocator references, no unprefixed globals.
SYM_B := $(B)/symcheck
check-symbols:
	@rm -rf $(SYM_B); mkdir -p $(SYM_B)
	@for f in $(LIB_SRC); do \
	  $(CC) $(WARN) -O2 -Iinclude -DOMACP_NO_MALLOC -c $$f -o $(SYM_B)/$$(basename $$f .c).o || exit 1; \
	done
	@bad=$$($(NM) $(SYM_B)/*.o | awk '$$1=="U" && ($$2=="malloc"||$$2=="calloc"||$$2=="realloc"||$$2=="free"){print "allocator: " $$2}'); \
	bad2=$$($(NM) -g --defined-only $(SYM_B)/*.o | awk 'NF==3 && $$3 !~ /^omacp_/ && $$3 !~ /^__x86\.get_pc_thunk\./ {print "unprefixed global: " $$3}'); \
	if [ -n "$$bad$$bad2" ]; then printf '%s\n' $$bad $$bad2 | sed 's/^/check-symbols: /'; exit 1; fi; \
	echo "check-symbols: $$(ls $(SYM_B)/*.o | wc -l) objects, no allocator, all globals prefixed"

# ---------------------------------------------------------------- install
$(B)/omacp.pc: omacp.pc.in Makefile FORCE
	@mkdir -p $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@REQUIRES_PRIVATE@|$(if $(filter 1,$(NO_XML)),,expat)|g' $< > $@

install: all $(B)/omacp.pc
	install -d $(DESTDIR)$(PREFIX)/include/omacp $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	           $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/omacp/
	install -m 644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(B)/omacp.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 755 $(B)/omacp $(DESTDIR)$(PREFIX)/bin/
	$(if $(wildcard omacp.1),install -d $(DESTDIR)$(PREFIX)/share/man/man1 && install -m 644 omacp.1 $(DESTDIR)$(PREFIX)/share/man/man1/)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/omacp/,$(notdir $(HEADERS)))
	-rmdir $(DESTDIR)$(PREFIX)/include/omacp
	rm -f $(DESTDIR)$(PREFIX)/lib/libomacp.a $(DESTDIR)$(PREFIX)/lib/pkgconfig/omacp.pc \
	      $(DESTDIR)$(PREFIX)/bin/omacp $(DESTDIR)$(PREFIX)/share/man/man1/omacp.1

clean:
	rm -rf $(B)

# Further targets (fuzz, bench, size, ...) live in mk/*.mk.
-include $(sort $(wildcard mk/*.mk))
