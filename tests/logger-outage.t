#!/bin/sh
# logger-outage.t: the database goes away and comes back under a running
# logger (nothing lost, nothing twice); away at end of input (exit 111,
# then a run on the same input books it once). Runs its own server.
. "$(dirname "$0")/lib.sh"
plan 8
export TZ=UTC MYSQMAIL_FLUSH_MS=0
L=$BIN/mysqmail-dovecot-logger
. "$top/tests/dovecot-fixture.sh"
want=$(expected "$EXP")
n=$(wc -l < "$FIX"); half=$((n / 2))
label_lines '2026-11-25 09:00:00' < "$FIX" > "$T_TMP/labelled"

T_OWNDB=$T_TMP/db
mariadb_start "$T_OWNDB" || { echo "Bail out! cannot start MariaDB"; exit 1; }
export MYSQMAIL_SOCKET=$T_OWNDB/sock
fresh_db t_outage
committed() { [ "$(sql -e 'SELECT COUNT(*) FROM traffic' 2>/dev/null)" -gt 0 ]; }

# server stopped and started while lines flow
mkfifo "$T_TMP/in"
$L < "$T_TMP/in" > "$T_TMP/out" 2> "$T_TMP/err" &
pid=$!
exec 7> "$T_TMP/in"
head -n $half "$T_TMP/labelled" >&7
wait_for committed; ok $? 'first half committed'
mariadb_stop "$T_OWNDB"
tail -n +$((half + 1)) "$T_TMP/labelled" >&7
sleep 1
kill -0 $pid; ok $? 'the logger keeps running while the server is down'
mariadb_start "$T_OWNDB"
exec 7>&-
wait $pid; r=$?
is "$r" 0 'server back before end of input: exit 0'
is "$(traffic)" "$want" '... totals exact: nothing lost, nothing twice'
cmp -s "$T_TMP/out" "$T_TMP/labelled"; ok $? '... every line copied out'

# server away at end of input
fresh_db t_outage_eof
rm -f "$T_TMP/in"; mkfifo "$T_TMP/in"
$L < "$T_TMP/in" > /dev/null 2> "$T_TMP/err" &
pid=$!
exec 7> "$T_TMP/in"
head -n $half "$T_TMP/labelled" >&7
wait_for committed
mariadb_stop "$T_OWNDB"
tail -n +$((half + 1)) "$T_TMP/labelled" >&7
exec 7>&-
wait $pid; r=$?
is "$r" 111 'server away at end of input with accounting pending: exit 111'
case "$(tail -n 1 "$T_TMP/err")" in "mysqmail-dovecot-logger: fatal: end of input with accounting not committed"*) r=0 ;; *) r=1; cat "$T_TMP/err" >&2 ;; esac
ok $r '... saying so'
mariadb_start "$T_OWNDB"
$L < "$T_TMP/labelled" > /dev/null
is "$(traffic)" "$want" 'server back, same input again: totals exact'
done_testing
