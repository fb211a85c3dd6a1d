# tests/chaos.sh: sourced by tests/chaos.t (short), package/stress (long)
# and, for chaos_kills, tests/journal-chaos.t.
# chaos LINES KILLS RESTARTS [DAEMON]: real lines of DAEMON (dovecot, the
# default, or postfix) appended to a file while its
# logger follows it (-f) under s6-supervise with s6-log behind it; the
# logger is SIGKILLed KILLS times at random moments and the MariaDB server
# stopped and started RESTARTS times; then the totals must equal as many
# times the fixture's as it was copied. Postfix: the copies repeat queue
# ids, as Postfix does once a message is removed, and a kill often falls
# between a message's qmgr line and its deliveries. Needs lib.sh. Prints
# TAP (4 tests).

# chaos_kills SVC KILLS: the logger supervised in SVC SIGKILLed KILLS
# times at random moments ($killed counts them), and the MariaDB server
# of $T_OWNDB stopped and started $restarts times in between (counted
# down to 0)
chaos_kills() {
  killed=0 every=$(( $2 / (restarts + 1) ))
  while [ $killed -lt "$2" ]; do
    s6-svwait -u -t 5000 "$1" 2>/dev/null
    sleep 0.$(shuf -i 05-60 -n 1)
    pid=$(s6-svstat -p "$1" 2>/dev/null)
    if [ -n "$pid" ] && [ "$pid" -gt 0 ] && kill -0 "$pid" 2>/dev/null; then
      s6-svc -k "$1"; killed=$((killed + 1))
      if [ $restarts -gt 0 ] && [ $((killed % every)) = 0 ] && [ $killed -lt "$2" ]; then
        mariadb_stop "$T_OWNDB"; sleep 0.5; mariadb_start "$T_OWNDB"; restarts=$((restarts - 1))
      fi
    fi
  done
}

chaos() {
  lines=$1 kills=$2 restarts=$3 daemon=${4:-dovecot}
  if [ "$daemon" = postfix ]; then
    FIX=$top/tests/fixtures/postfix/postfix-long-ids.log
    EXP=$top/tests/fixtures/postfix/expected.postfix-long-ids
  else
    . "$top/tests/dovecot-fixture.sh"
  fi
  per=$(wc -l < "$FIX")
  copies=$(( lines / per ))
  T_OWNDB=$T_TMP/db
  mariadb_start "$T_OWNDB" || { echo "Bail out! cannot start MariaDB"; exit 1; }
  export MYSQMAIL_SOCKET=$T_OWNDB/sock TZ=UTC
  fresh_db t_chaos
  i=0; while [ $i -lt $copies ]; do cat "$FIX"; i=$((i + 1)); done > "$T_TMP/all"
  mkdir -p "$T_TMP/chunks" "$T_TMP/svc/logger/log" "$T_TMP/logdir"
  split -n l/60 -a 3 "$T_TMP/all" "$T_TMP/chunks/c"
  : > "$T_TMP/in.log"
  cat > "$T_TMP/svc/logger/run" <<EOR
#!/bin/sh
exec 2>> $T_TMP/logger.err
exec env MYSQMAIL_SOCKET=$MYSQMAIL_SOCKET MYSQMAIL_DATABASE=$MYSQMAIL_DATABASE MYSQMAIL_USER=root \
  MYSQMAIL_PASSWORD= MYSQMAIL_FLUSH_MS=50 TZ=UTC $BIN/mysqmail-$daemon-logger -f $T_TMP/in.log
EOR
  cat > "$T_TMP/svc/logger/log/run" <<EOR
#!/bin/sh
exec s6-log -b n50 s4000000 $T_TMP/logdir
EOR
  chmod 755 "$T_TMP/svc/logger/run" "$T_TMP/svc/logger/log/run"
  s6-svscan "$T_TMP/svc" < /dev/null > /dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  svscan=$!
  # the producer: a daemon writing its log, chunk after chunk
  ( for c in "$T_TMP"/chunks/c*; do cat "$c" >> "$T_TMP/in.log"; sleep 0.$((4 * kills / 20)); done ) &
  producer=$!
  chaos_kills "$T_TMP/svc/logger" "$kills"
  wait $producer
  want=$(expected "$EXP" | awk -v k=$copies '{ print $1, $2, $3, $4, $5 * k, $6 * k, $7 * k, $8 * k, $9 * k }')
  done_() { [ "$(traffic)" = "$want" ]; }
  i=0; while ! done_ && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  got=$(traffic)
  s6-svscanctl -t "$T_TMP/svc"; wait $svscan
  is "$killed" "$kills" "$daemon: the logger was SIGKILLed $kills times while $lines lines were written"
  is "$restarts" 0 "... and the database server stopped and started in between"
  is "$got" "$want" '... and the totals equal one clean run: not a byte more or less'
  # every input line is in the logdir (a line copied out again after a
  # restart is there twice: that is what the cursor is for)
  for f in "$T_TMP"/logdir/@* "$T_TMP"/logdir/current; do [ -f "$f" ] && cat "$f"; done | LC_ALL=C sort -u > "$T_TMP/logged.u"
  LC_ALL=C sort -u "$T_TMP/all" > "$T_TMP/all.u"
  is "$(LC_ALL=C comm -23 "$T_TMP/all.u" "$T_TMP/logged.u" | head -n 3)" "" '... and every distinct line reached the logdir'
  LC_ALL=C comm -13 "$T_TMP/all.u" "$T_TMP/logged.u" | head -n 3 | sed 's/^/# in the logdir, not in the input: /' | cut -c1-200 >&2
}
