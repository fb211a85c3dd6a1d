#!/bin/sh
# journal-ahead.t: a logger behind on the journal sends each batch ahead
# (MYSQMAIL_CATCHUP_MS=0: at every full read) and reads on while MariaDB
# books it. The batches go as single texts (seen in the server's general
# log) and book exactly; a batch in flight that fails (a row locked past
# the lock wait timeout, its connection killed while it waits) is sent
# again as it was, on a new connection: nothing lost, nothing twice; a
# logger SIGKILLed with a batch in flight leaves nothing of it, and the
# next run books it once. A batch larger than the server's
# max_allowed_packet is committed as before.
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/lib.sh"
jd_trap
plan 15
export MYSQMAIL_YEAR_REF=
export TZ=UTC MYSQMAIL_FLUSH_MS=0 MYSQMAIL_CATCHUP_MS=0 MYSQMAIL_JOURNAL_DIR=$JDIR
P=$BIN/mysqmail-postfix-logger
PF=$top/tests/fixtures/postfix/postfix-long-ids.log
PE=$top/tests/fixtures/postfix/expected.postfix-long-ids
copies=70

# a server of the test's own: its general log is read, its lock wait
# timeout lowered, its connections killed
T_OWNDB=$T_TMP/db
mariadb_start "$T_OWNDB" || { echo "Bail out! cannot start MariaDB"; exit 1; }
export MYSQMAIL_SOCKET=$T_OWNDB/sock
cursor() { sql -e 'SELECT position FROM `cursor`'; }
 # held: alice's row of today, which the first batch books, held FOR
 # UPDATE by another client until release; then the logger started
 # ($lp), until a batch sent ahead waits on the row in a connection ($c1)
held() {
  sql -e "INSERT INTO traffic (day, service, domain, localpart) VALUES ('$(date -u +%Y-%m-%d)', 'smtp', 'example.com', 'alice')"
  rm -f "$T_TMP/hold"; mkfifo "$T_TMP/hold"
  mariadb_root "$MYSQMAIL_DATABASE" < "$T_TMP/hold" > /dev/null 2>&1 &
  holder=$!
  exec 7> "$T_TMP/hold"
  echo "START TRANSACTION; SELECT * FROM traffic WHERE localpart = 'alice' FOR UPDATE;" >&7
  wait_for sh -c "[ -n \"\$(mariadb --no-defaults -S '$MYSQMAIL_SOCKET' -u root -N -B -e 'SELECT 1 FROM information_schema.innodb_trx WHERE trx_rows_locked > 0')\" ]"
  $P -j -e > /dev/null 2> "$T_TMP/err" &
  lp=$!
  : > "$T_TMP/conn"
  wait_for flight_seen none
  c1=$(cat "$T_TMP/conn")
}
release() { echo "ROLLBACK;" >&7; exec 7>&-; wait $holder; }
 # flight_seen OLD: a batch sent ahead waits in a connection other than OLD; its id in $T_TMP/conn
flight_seen() { c=$(flight_conn); [ -n "$c" ] && [ "$c" != "$1" ] && echo "$c" > "$T_TMP/conn"; }
last_cursor() { journalctl -D "$JDIR" -q -o export --no-pager | sed -n 's/^__CURSOR=//p' | tail -n 1; }
 # the batches sent ahead that the server was given, from its general log
ahead_texts() { mariadb_root -e "SELECT COUNT(*) FROM mysql.general_log WHERE command_type = 'Query' AND argument LIKE 'START TRANSACTION;INSERT INTO traffic %'"; }
 # the logger's connection while it books traffic, the last text it was
 # given a batch sent ahead
flight_conn() { mariadb_root -e "SELECT p.id FROM information_schema.processlist p WHERE p.user = 'mm_logger' AND p.info LIKE 'INSERT INTO traffic %'
  AND (SELECT g.argument FROM mysql.general_log g WHERE g.thread_id = p.id AND g.command_type = 'Query' ORDER BY g.event_time DESC LIMIT 1) LIKE 'START TRANSACTION;INSERT INTO traffic %'"; }

jd_start
i=0; while [ $i -lt $copies ]; do cat "$PF"; i=$((i + 1)); done | jd_send
n=$(( $(wc -l < "$PF") * copies ))
jd_wait $n
want=$(expected_total "$PE" $copies)

fresh_db t_journal_ahead
mariadb_root -e "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
$P -j -e > /dev/null 2> "$T_TMP/err"; rc=$?
is "$rc:$(cat "$T_TMP/err")" "0:" "$n entries behind, every full read sent ahead: -e exits 0, nothing on stderr"
is "$(traffic_total)" "$want" '... the totals of one clean run times the copies'
is "$(cursor)" "j:$(last_cursor)" '... the cursor the last entry'
sent=$(ahead_texts)
[ "$sent" -ge 3 ]; ok $? "... the batches went to the server ahead, each one text ($sent of them)"

# the server's max_allowed_packet under a batch's text (3.4 kB here),
# over each statement's (1.2 kB): nothing goes ahead, all is booked
fresh_db t_journal_ahead_packet
mariadb_root -e "TRUNCATE mysql.general_log; SET GLOBAL max_allowed_packet = 2048"
$P -j -e > /dev/null 2> "$T_TMP/err"; rc=$?
mariadb_root -e "SET GLOBAL max_allowed_packet = 16777216"
is "$rc:$(cat "$T_TMP/err")" "0:" 'max_allowed_packet 2048: -e exits 0, nothing on stderr'
is "$(ahead_texts)" 0 '... no batch sent ahead'
is "$(traffic_total)" "$want" '... the totals of one clean run times the copies, committed as before'

# A row the first batch books is held locked: the batch in flight waits
# on it; its connection is killed while it waits, and the batch is sent
# again on a new one; a round of tries gives up on the lock wait timeout
# and says so; once the lock goes, the batch lands.
fresh_db t_journal_ahead_fail
mariadb_root -e "SET GLOBAL innodb_lock_wait_timeout = 2"
held
[ -n "$c1" ]; ok $? "a batch sent ahead waits on the locked row (connection $c1)"
mariadb_root -e "KILL CONNECTION $c1"
: > "$T_TMP/conn"
wait_for flight_seen "$c1"
c2=$(cat "$T_TMP/conn")
[ -n "$c2" ]; ok $? "... its connection killed, the same batch is sent again on a new one ($c2)"
wait_for grep -q 'warning: unable to commit accounting, will try again: Lock wait timeout' "$T_TMP/err"
ok $? '... a round of tries gives up on the lock wait timeout and says so'
release
wait $lp; rc=$?
is "$rc" 0 '... the lock gone, the batch lands and -e exits 0'
is "$(traffic_total)" "$want" '... with the totals of one clean run times the copies: nothing lost, nothing twice'

# SIGKILL while a batch is in flight: its transaction dies with the
# connection; the next run books it
fresh_db t_journal_ahead_kill
held
{ kill -KILL $lp; wait $lp; } 2> /dev/null
wait_for sh -c "[ -z \"\$(mariadb --no-defaults -S '$MYSQMAIL_SOCKET' -u root -N -B -e 'SELECT 1 FROM information_schema.processlist WHERE id = $c1')\" ]"
ok $? "SIGKILLed while a batch waited in flight (connection $c1): the server dropped its connection"
release
is "$(sql -e 'SELECT COUNT(*) FROM `cursor`'):$(traffic_total | grep -c -v ' 0 0 0 0 0$')" "0:0" '... and nothing of the batch: no cursor, no traffic'
$P -j -e > /dev/null 2> "$T_TMP/err"
is "$(traffic_total)" "$want" '... the next run books it all once'
mariadb_root -e "SET GLOBAL innodb_lock_wait_timeout = 50; SET GLOBAL general_log = 0"
jd_stop
mariadb_stop "$T_OWNDB"
done_testing
