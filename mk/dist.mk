# Release tarballs (included by the Makefile).
#
#   make dist        $(B)/omacp-$(VERSION).tar.gz: the tracked files (git
#                    ls-files; outside git, the MANIFEST the tarball carries),
#                    under omacp-$(VERSION)/, reproducible (tools/mkdist.sh)
#   make distcheck   make dist, unpack it in a temporary directory elsewhere
#                    and run the full `make check` there (with the same
#                    options, in the unpacked tree's own build directory)
#
# test/t_dist.sh (part of make check) runs the fast subset: dist, unpack,
# make all, two cmocka suites, the sms_handler example and the demo.
# distcheck is the complete version; CI runs it (.ci/run).

DIST_NAME := omacp-$(VERSION)
DIST_TGZ := $(B)/$(DIST_NAME).tar.gz

.PHONY: dist distcheck

dist:
	@sh tools/mkdist.sh $(B) $(VERSION)

distcheck: dist
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	tar -xzf $(DIST_TGZ) -C "$$tmp" && \
	echo "distcheck: make check in $$tmp/$(DIST_NAME)" && \
	$(MAKE) --no-print-directory -C "$$tmp/$(DIST_NAME)" B=build check && \
	echo "distcheck: $(DIST_TGZ) builds and passes make check when unpacked elsewhere"
