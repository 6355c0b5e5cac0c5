# make bench - instruction counts (callgrind) of every layer, side by side
# with the floors (mbedTLS HMAC-SHA1, expat, libwbxml).  A report, not a test.
#
#   make bench                       corpus + generated 1 KB .. 1 MB documents
#   make bench BENCH_ARGS='--sizes 1,64 --only pipeline,hmac_floor'
#   make bench-native                the same work without valgrind (smoke run)
#
# Needs valgrind, libwbxml2-dev, libexpat1-dev, libmbedtls-dev.  The library
# is built with the normal flags in $(B); the driver links the archive whole
# and references it weakly, so missing layers show up as "absent".

BENCH_B := $(B)/bench
BENCH_BIN := $(BENCH_B)/bench
BENCH_WBXML_INC := $(or $(shell $(PKG_CONFIG) --cflags-only-I libwbxml2 2>/dev/null),-I/usr/include/libwbxml-1.0)
BENCH_HAVE_WBXML := $(wildcard $(patsubst -I%,%,$(firstword $(BENCH_WBXML_INC)))/wbxml/wbxml.h)
BENCH_CFLAGS := -std=c99 -Wall -Wextra -O2 -g -Iinclude -Itest/bench \
	$(if $(BENCH_HAVE_WBXML),$(BENCH_WBXML_INC),-DBENCH_NO_LIBWBXML)
BENCH_LIBS := -lmbedcrypto $(if $(BENCH_HAVE_WBXML),-lwbxml2) -lexpat
BENCH_ARGS ?=

.PHONY: bench bench-native

$(BENCH_BIN): test/bench/bench.c $(wildcard test/bench/*.h) $(HEADERS) $(LIBA)
	@mkdir -p $(BENCH_B)
	$(CC) $(BENCH_CFLAGS) -o $@ test/bench/bench.c -Wl,-z,now \
	  -Wl,--whole-archive $(LIBA) -Wl,--no-whole-archive $(BENCH_LIBS)

bench: $(BENCH_BIN)
	python3 test/bench/bench.py --bench $(BENCH_BIN) --vectors test/vectors \
	  --out $(BENCH_B) $(BENCH_ARGS)

bench-native: $(BENCH_BIN)
	$(BENCH_BIN) $(BENCH_ARGS) test/vectors
