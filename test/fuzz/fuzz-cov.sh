#!/bin/bash
# make fuzz-cov: line coverage of lib/ (llvm-cov) reached by the fuzz
# corpora.  $REPLAY is test_fuzz_replay built with clang source-based
# coverage.  Two reports:
#   corpus:   the seeds (vectors, test/fuzz/corpus), the regressions and the
#             libFuzzer corpora that `make fuzz-run` left in $FUZZ_B/corpus
#   mutation: the same plus the cmocka harness' deterministic mutation loop
# Text reports in $COV_B/; the TOTAL lines go to stdout.
set -u
: "${FUZZ_B:?}" "${COV_B:?}" "${REPLAY:?}" "${ENTRIES:?}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
PROFDATA=$(command -v llvm-profdata || command -v llvm-profdata-14)
LLVMCOV=$(command -v llvm-cov || command -v llvm-cov-14)
if [ -z "$PROFDATA" ] || [ -z "$LLVMCOV" ]; then
	echo "fuzz-cov: llvm-profdata / llvm-cov not found"
	exit 1
fi
rm -rf "$COV_B/prof" "$COV_B/seeds"
mkdir -p "$COV_B/prof"
"$REPLAY" --export "$COV_B/seeds" >/dev/null || exit 1

for e in $ENTRIES; do
	dirs="$COV_B/seeds/fuzz_$e"
	[ -d "test/fuzz/regressions/fuzz_$e" ] && dirs="$dirs test/fuzz/regressions/fuzz_$e"
	[ -d "$FUZZ_B/corpus/fuzz_$e" ] && dirs="$dirs $FUZZ_B/corpus/fuzz_$e"
	n=$(find $dirs -type f | wc -l)
	echo "fuzz-cov: fuzz_$e: $n corpus files"
	# shellcheck disable=SC2086
	find $dirs -type f -print0 | LLVM_PROFILE_FILE="$COV_B/prof/corpus-$e-%p.profraw" \
		xargs -0 -n 256 "$REPLAY" "$e" >/dev/null 2>"$COV_B/replay-$e.err" ||
		echo "fuzz-cov: fuzz_$e: replay failed (see $COV_B/replay-$e.err)"
done
"$PROFDATA" merge -sparse -o "$COV_B/corpus.profdata" "$COV_B"/prof/corpus-*.profraw || exit 1

LLVM_PROFILE_FILE="$COV_B/prof/mutation-%p.profraw" "$REPLAY" >/dev/null 2>&1 ||
	echo "fuzz-cov: the mutation run failed"
"$PROFDATA" merge -sparse -o "$COV_B/mutation.profdata" "$COV_B"/prof/*.profraw || exit 1

libsrc=$(ls lib/*.c)
for what in corpus mutation; do
	# shellcheck disable=SC2086
	"$LLVMCOV" report "$REPLAY" -instr-profile="$COV_B/$what.profdata" $libsrc \
		>"$COV_B/$what.txt" || exit 1
	# shellcheck disable=SC2086
	"$LLVMCOV" show "$REPLAY" -instr-profile="$COV_B/$what.profdata" $libsrc \
		-show-line-counts-or-regions >"$COV_B/$what-lines.txt" 2>/dev/null
	echo "fuzz-cov: $what: $(grep '^TOTAL' "$COV_B/$what.txt")"
done
echo "fuzz-cov: per-file reports in $COV_B/corpus.txt and $COV_B/mutation.txt"
echo "fuzz-cov: columns: regions missed cover%  functions missed exec%  lines missed cover%  branches missed cover%"
