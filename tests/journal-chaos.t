#!/bin/sh
# journal-chaos.t: a growing journal followed by mysqmail-postfix-logger -j
# under s6-supervise: real Postfix lines sent to a private systemd-journald
# chunk after chunk (tests/journal.sh), journald rotating its files in
# between, the logger SIGKILLed at random moments (often between a
# message's qmgr line and its deliveries) and the MariaDB server stopped
# and started: the totals equal the fixture's times the copies sent, not a
# byte more or less.
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/lib.sh"
. "$top/tests/chaos.sh"
jd_trap
plan 5
export TZ=UTC
PF=$top/tests/fixtures/postfix/postfix-long-ids.log
PE=$top/tests/fixtures/postfix/expected.postfix-long-ids
copies=${MYSQMAIL_JOURNAL_CHAOS_COPIES:-40} kills=12 restarts=2 rotations=3   # one every 12 chunks

T_OWNDB=$T_TMP/db
mariadb_start "$T_OWNDB" || { echo "Bail out! cannot start MariaDB"; exit 1; }
export MYSQMAIL_SOCKET=$T_OWNDB/sock
fresh_db t_journal_chaos
jd_start

# the copies repeat queue ids, as Postfix does once a message is removed;
# 37 chunks cut messages between their qmgr line and their deliveries
i=0; while [ $i -lt $copies ]; do cat "$PF"; i=$((i + 1)); done > "$T_TMP/all"
mkdir -p "$T_TMP/chunks" "$T_TMP/svc/logger"
split -n l/37 -a 3 "$T_TMP/all" "$T_TMP/chunks/c"
cat > "$T_TMP/svc/logger/run" <<EOR
#!/bin/sh
exec 2>> $T_TMP/logger.err
exec env MYSQMAIL_SOCKET=$MYSQMAIL_SOCKET MYSQMAIL_DATABASE=$MYSQMAIL_DATABASE MYSQMAIL_USER=root \
  MYSQMAIL_PASSWORD= MYSQMAIL_FLUSH_MS=50 TZ=UTC MYSQMAIL_JOURNAL_DIR=$JDIR $BIN/mysqmail-postfix-logger -j
EOR
chmod 755 "$T_TMP/svc/logger/run"
s6-svscan "$T_TMP/svc" < /dev/null > /dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
svscan=$!

# the daemon logging, chunk after chunk; journald rotating now and then
( n=0
  for c in "$T_TMP"/chunks/c*; do
    jd_send < "$c"; n=$((n + 1))
    [ $((n % 12)) = 0 ] && kill -USR2 "$JD"
    sleep 0.2
  done ) &
producer=$!
chaos_kills "$T_TMP/svc/logger" "$kills"
wait $producer
want=$(expected_total "$PE" $copies)
sent=$(( $(wc -l < "$T_TMP/all") ))
done_() { [ "$(traffic_total)" = "$want" ]; }
wait_for sh -c "[ \$(journalctl -D '$JDIR' -q -o export --no-pager 2>/dev/null | grep -c '^SYSLOG_IDENTIFIER=postfix/') -ge $sent ]"
i=0; while ! done_ && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
got=$(traffic_total)
s6-svscanctl -t "$T_TMP/svc"; wait $svscan
is "$killed" "$kills" "the logger was SIGKILLed $kills times while $sent entries were written"
is "$restarts" 0 '... and the database server stopped and started in between'
is "$(ls "$JDIR"/*/ | grep -c '^system@')" "$rotations" "... and journald rotated its files $rotations times"
is "$(journalctl -D "$JDIR" -q -o export --no-pager | grep -c '^SYSLOG_IDENTIFIER=postfix/')" "$sent" '... every entry is in the journal'
is "$got" "$want" '... and the totals equal one clean run times the copies: not a byte more or less'
jd_stop
done_testing
