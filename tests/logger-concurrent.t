#!/bin/sh
# logger-concurrent.t: many writers on one database. Loggers on different
# sources add up exactly into the same rows (deadlocks and lock waits are
# retried); two loggers on the same source never book a line twice.
. "$(dirname "$0")/lib.sh"
plan 5
export TZ=UTC MYSQMAIL_FLUSH_MS=0
L=$BIN/mysqmail-dovecot-logger
. "$top/tests/dovecot-fixture.sh"
k=1000
i=0; while [ $i -lt $k ]; do cat "$FIX"; i=$((i + 1)); done | label_lines '2026-11-25 09:00:00' > "$T_TMP/big"
scaled() { expected "$EXP" | awk -v k=$1 '{ print $1, $2, $3, $4, $5 * k, $6 * k, $7 * k, $8 * k, $9 * k }'; }

fresh_db t_concurrent
pids=
for s in a b c d; do
  MYSQMAIL_SOURCE=src-$s $L < "$T_TMP/big" > /dev/null 2> "$T_TMP/err-$s" &
  pids="$pids $!"
done
r=0; for p in $pids; do wait $p || r=1; done
ok $r 'four loggers on four sources at once: all exit 0'
is "$(traffic)" "$(scaled $((k * 4)))" '... totals exactly four times the input'
is "$(sql -e 'SELECT COUNT(*) FROM `cursor`')" 4 '... each with its own cursor'

fresh_db t_concurrent_same
cat "$T_TMP/big" | MYSQMAIL_SOURCE=same $L > /dev/null 2> "$T_TMP/err1" &
p1=$!
cat "$T_TMP/big" | MYSQMAIL_SOURCE=same $L > /dev/null 2> "$T_TMP/err2" &
p2=$!
r=0; wait $p1 || r=1; wait $p2 || r=1
ok $r 'two loggers on the same source and the same lines: both exit 0'
is "$(traffic)" "$(scaled $k)" '... every line booked once'
done_testing
