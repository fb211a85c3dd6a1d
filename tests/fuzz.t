#!/bin/sh
# fuzz.t: a short libFuzzer run of every harness (package/fuzz), and the
# saved inputs that once crashed. package/fuzz SECONDS runs longer ones.
. "$(dirname "$0")/lib.sh"
if [ -n "${MYSQMAIL_SANITIZE:-}" ]; then
  echo "1..0 # SKIP the harnesses run under the sanitizers in the plain run already"; exit 0
fi
# clang's libFuzzer runtime is in Debian's libclang-rt-N-dev, N clang's version
printf 'int LLVMFuzzerTestOneInput (char const *s, unsigned long n) { return !s + !n ; }\n' > "$T_TMP/probe.c"
if ! clang -fsanitize=fuzzer -o "$T_TMP/probe" "$T_TMP/probe.c" > /dev/null 2>&1; then
  echo "1..0 # SKIP clang or its libFuzzer runtime (libclang-rt-N-dev) is not installed"; exit 0
fi
plan 2
"$top/package/fuzz" ${MYSQMAIL_FUZZ_SECONDS:-5} > "$T_TMP/out" 2> "$T_TMP/err"
r=$?
ok $r 'every harness runs without a crash'
[ $r = 0 ] || cat "$T_TMP/err" | sed 's/^/# /' >&2
n=$(grep -c 'number_of_executed_units' "$T_TMP/out")
h=$(( $(ls "$top"/fuzz/*.c | grep -vc '/parse.c$') + $(grep -c '^extern int parse_' "$top/src/parsers.h") ))
is "$n" "$h" "all $h harnesses ran (one per parser, the header parser, the line reader, the spool file reader)"
sed 's/^/# /' "$T_TMP/out" >&2
done_testing
