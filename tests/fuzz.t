#!/bin/sh
# fuzz.t: a short libFuzzer run of every harness (package/fuzz), and the
# saved inputs that once crashed. package/fuzz SECONDS runs longer ones.
. "$(dirname "$0")/lib.sh"
if [ -n "${MYSQMAIL_SANITIZE:-}" ]; then
  echo "1..0 # SKIP the harnesses run under the sanitizers in the plain run already"; exit 0
fi
if ! command -v clang > /dev/null || ! [ -n "$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]; then
  echo "1..0 # SKIP clang and libclang-rt-14-dev are not installed"; exit 0
fi
plan 2
"$top/package/fuzz" ${MYSQMAIL_FUZZ_SECONDS:-5} > "$T_TMP/out" 2> "$T_TMP/err"
r=$?
ok $r 'every harness runs without a crash'
[ $r = 0 ] || cat "$T_TMP/err" | sed 's/^/# /' >&2
n=$(grep -c 'number_of_executed_units' "$T_TMP/out")
h=$(( $(ls "$top"/fuzz/*.c | grep -vc '/parse.c$') + $(grep -c '^extern int parse_' "$top/src/parsers.h") ))
is "$n" "$h" "all $h harnesses ran (one per parser, the header parser, the line reader)"
sed 's/^/# /' "$T_TMP/out" >&2
done_testing
