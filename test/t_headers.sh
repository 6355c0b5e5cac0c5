#!/bin/bash
# Every public header compiles on its own, in C99 (strict) and as C++.
set -eu
cd "$ROOT"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for h in include/omacp/*.h; do
	n=$(basename "$h")
	printf '#include "omacp/%s"\nint omacp_hdr_probe_(void);\n' "$n" > "$tmp/c.c"
	cp "$tmp/c.c" "$tmp/c.cpp"
	if ! gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude -c "$tmp/c.c" -o "$tmp/c.o"; then
		echo "FAIL: $n as C99"; fail=1; fi
	if ! g++ -std=c++11 -Wall -Wextra -Werror -Iinclude -c "$tmp/c.cpp" -o "$tmp/cpp.o"; then
		echo "FAIL: $n as C++"; fail=1; fi
done
[ $fail -eq 0 ] && echo "headers: $(ls include/omacp/*.h | wc -l) headers compile alone as C99 and C++"
exit $fail
