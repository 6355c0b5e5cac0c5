# make size - flash (.text/.rodata), RAM (.data/.bss), worst-case stack and
# workspace of lib/ cross-compiled for a Cortex-M4 (a report, not a test).
# The cross compiler is installed when missing (Debian packages
# gcc-arm-none-eabi and libnewlib-arm-none-eabi).

SIZE_CROSS ?= arm-none-eabi-
SIZE_B := $(B)/size

.PHONY: size size-tools

size-tools:
	@if ! command -v $(SIZE_CROSS)gcc >/dev/null 2>&1 || \
	    { [ ! -f /usr/lib/arm-none-eabi/include/stdint.h ] && \
	      [ ! -f /usr/include/newlib/stdint.h ]; }; then \
	  echo "size: installing gcc-arm-none-eabi libnewlib-arm-none-eabi"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    gcc-arm-none-eabi libnewlib-arm-none-eabi; \
	fi

size: size-tools
	python3 tools/size-report.py --out $(SIZE_B) --cross $(SIZE_CROSS)
