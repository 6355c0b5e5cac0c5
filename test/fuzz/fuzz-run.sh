#!/bin/bash
# make fuzz-run: run every libFuzzer target for $SECONDS seconds, $FUZZ_JOBS
# at a time, each with its dictionary, starting from the seed corpora (the
# vectors, test/fuzz/corpus, test/fuzz/regressions).  Crash, leak, timeout
# and OOM inputs are copied to test/fuzz/regressions/<entry>/ and fail the run.
# A summary (executions, corpus size, coverage edges) goes to stdout and to
# $FUZZ_B/fuzz-run.txt.
set -u
: "${FUZZ_B:?}" "${SECONDS:?}" "${REPLAY:?}" "${ENTRIES:?}"
FUZZ_JOBS=${FUZZ_JOBS:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
secs=$SECONDS

dict_of() {
	case $1 in
	wbxml) echo wbxml ;; xml) echo xml ;; wsp) echo wsp ;; reasm) echo sms ;;
	sec) echo sec ;; state) echo state ;; client) echo client ;; *) echo "$1" ;;
	esac
}

rm -rf "$FUZZ_B/seeds" && "$REPLAY" --export "$FUZZ_B/seeds" >/dev/null || exit 2

run_one() {
	e=$1
	bin=$FUZZ_B/fuzz_$e
	corpus=$FUZZ_B/corpus/fuzz_$e
	art=$FUZZ_B/artifacts/fuzz_$e
	log=$FUZZ_B/logs/fuzz_$e.log
	mkdir -p "$corpus" "$art" "$(dirname "$log")"
	extra=()
	[ -d "test/fuzz/regressions/fuzz_$e" ] && extra+=("test/fuzz/regressions/fuzz_$e")
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=16384 \
		-dict="test/fuzz/dict/$(dict_of "$e").dict" -artifact_prefix="$art/" \
		-print_final_stats=1 "$corpus" "$FUZZ_B/seeds/fuzz_$e" "${extra[@]}" >"$log" 2>&1
	echo $? >"$log.rc"
}
export -f run_one dict_of
export FUZZ_B secs

rm -rf "$FUZZ_B/artifacts" "$FUZZ_B/logs"
printf '%s\n' $ENTRIES | xargs -P "$FUZZ_JOBS" -I{} bash -c 'run_one {}'

fail=0
summary=$FUZZ_B/fuzz-run.txt
: >"$summary"
for e in $ENTRIES; do
	log=$FUZZ_B/logs/fuzz_$e.log
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	if grep -q "fuzz_$e: entry not linked" "$log"; then
		echo "fuzz_$e: SKIP (entry not linked)" | tee -a "$summary"
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	units=$(ls "$FUZZ_B/corpus/fuzz_$e" | wc -l)
	line="fuzz_$e: ${execs:-?} executions in ${secs}s, ${edges:-?} edges, corpus $units, exit $rc"
	echo "$line" | tee -a "$summary"
	found=$(ls "$FUZZ_B/artifacts/fuzz_$e" 2>/dev/null)
	if [ "$rc" != 0 ] || [ -n "$found" ]; then
		fail=1
		mkdir -p "test/fuzz/regressions/fuzz_$e"
		for a in $found; do
			cp "$FUZZ_B/artifacts/fuzz_$e/$a" "test/fuzz/regressions/fuzz_$e/$a"
			echo "  new regression input: test/fuzz/regressions/fuzz_$e/$a" | tee -a "$summary"
		done
		grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$log" | head -20 | sed 's/^/  /'
	fi
done
exit $fail
