#!/bin/sh
# alert-chaos.t: alerts exactly once under chaos. The Postfix and the
# Dovecot loggers follow their logs under s6-supervise and book at once
# into the same domains and mailboxes; mysqmail-alert runs under
# s6-supervise too, its alert program slow enough to be killed around.
# Loggers and notifier are SIGKILLed at random moments and the database
# server is stopped and started in between. In the end every crossing the
# final totals make is recorded, no other, and the alert program ran
# exactly once for each, as its first attempt.
. "$(dirname "$0")/lib.sh"
plan 7
PCOPIES=${MYSQMAIL_ALERT_CHAOS_COPIES:-40}
KILLS=${MYSQMAIL_ALERT_CHAOS_KILLS:-15}
RESTARTS=2
PFIX=$top/tests/fixtures/postfix/postfix-long-ids.log
PEXP=$top/tests/fixtures/postfix/expected.postfix-long-ids
. "$top/tests/dovecot-fixture.sh"
DCOPIES=$((PCOPIES * 2))

T_OWNDB=$T_TMP/db
mariadb_start "$T_OWNDB" || { echo "Bail out! cannot start MariaDB"; exit 1; }
export MYSQMAIL_SOCKET=$T_OWNDB/sock TZ=UTC
fresh_db t_alert_chaos

# the final totals (bytes_in + bytes_out) per domain and per mailbox
{ expected "$PEXP" | awk -v k=$PCOPIES '{ print $3, $4, ($5 + $6) * k }'
  expected "$EXP" | awk -v k=$DCOPIES '{ print $3, $4, ($5 + $6) * k }'; } | grep -v '^- ' > "$T_TMP/totals"
# limits around those totals: some crossed at both levels, some at 80%
# only, some not at all, crossed at any moment of the run
awk '{ d[$1] += $3; m[$2 "@" $1] += $3 }
  END {
    n = split("0.3 0.5 0.7 0.85 0.95 1.1 1.15 1.3", f, " ")
    i = 0
    for (x in d) { i++; printf "domain %s day %d\n", x, d[x] * f[i % n + 1]; i++; printf "domain %s month %d\n", x, d[x] * f[i % n + 1] }
    for (x in m) { i++; printf "mailbox %s day %d\n", x, m[x] * f[i % n + 1]; i++; printf "mailbox %s month %d\n", x, m[x] * f[i % n + 1] }
  }' "$T_TMP/totals" | while read -r s n p max; do
  n=$(printf '%s' "$n" | sed "s/'/''/g; s/\\\\/\\\\\\\\/g")
  echo "INSERT INTO sendlimit (scope, name, period, metric, max, action) VALUES ('$s', '$n', '$p', 'bytes_total', $max, 'warn');"
done | sql
nlimits=$(sql -e 'SELECT COUNT(*) FROM sendlimit')

# the alert program: slow, one line per run
cat > "$T_TMP/prog" <<EOF
#!/bin/sh
sleep 0.0\$(shuf -i 1-9 -n 1)
echo "\$MYSQMAIL_ALERT_LIMIT_ID \$MYSQMAIL_ALERT_PERIOD_START \$MYSQMAIL_ALERT_LEVEL \$MYSQMAIL_ALERT_ATTEMPT" >> $T_TMP/alerts
EOF
chmod 755 "$T_TMP/prog"
: > "$T_TMP/alerts"

i=0; while [ $i -lt $PCOPIES ]; do cat "$PFIX"; i=$((i + 1)); done > "$T_TMP/p.all"
i=0; while [ $i -lt $DCOPIES ]; do cat "$FIX"; i=$((i + 1)); done > "$T_TMP/d.all"
mkdir -p "$T_TMP/chunks" "$T_TMP/svc/postfix" "$T_TMP/svc/dovecot" "$T_TMP/svc/alert"
split -n l/40 -a 3 "$T_TMP/p.all" "$T_TMP/chunks/p"
split -n l/40 -a 3 "$T_TMP/d.all" "$T_TMP/chunks/d"
: > "$T_TMP/p.log"; : > "$T_TMP/d.log"
dbenv="MYSQMAIL_SOCKET=$MYSQMAIL_SOCKET MYSQMAIL_DATABASE=$MYSQMAIL_DATABASE MYSQMAIL_PASSWORD="
for d in postfix:p dovecot:d; do
  f=${d#*:} d=${d%:*}
  cat > "$T_TMP/svc/$d/run" <<EOR
#!/bin/sh
exec 2>> $T_TMP/$d.err
exec env $dbenv MYSQMAIL_USER=mm_logger MYSQMAIL_PASSWORD=pw_logger MYSQMAIL_FLUSH_MS=20 \
  MYSQMAIL_YEAR_REF=2026-11-25 TZ=UTC $RBIN/mysqmail-$d-logger -f $T_TMP/$f.log > /dev/null
EOR
done
cat > "$T_TMP/svc/alert/run" <<EOR
#!/bin/sh
exec 2>> $T_TMP/alert.err
exec env $dbenv MYSQMAIL_USER=root MYSQMAIL_ALERT=$T_TMP/prog MYSQMAIL_ALERT_POLL_MS=100 \
  MYSQMAIL_ALERT_GRACE_MS=1000 $RBIN/mysqmail-alert
EOR
chmod 755 "$T_TMP"/svc/*/run
s6-svscan "$T_TMP/svc" < /dev/null > /dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
svscan=$!
# the daemons writing their logs, chunk after chunk
( for c in "$T_TMP"/chunks/p*; do cat "$c" >> "$T_TMP/p.log"; sleep 0.1; done ) &
pp=$!
( for c in "$T_TMP"/chunks/d*; do cat "$c" >> "$T_TMP/d.log"; sleep 0.1; done ) &
dp=$!
killed=0 every=$(( KILLS / (RESTARTS + 1) )) restarts=$RESTARTS
kills_of=
while [ $killed -lt $KILLS ]; do
  s=$(printf 'postfix\ndovecot\nalert\n' | shuf -n 1)
  s6-svwait -u -t 5000 "$T_TMP/svc/$s" 2>/dev/null
  sleep 0.$(shuf -i 05-40 -n 1)
  pid=$(s6-svstat -p "$T_TMP/svc/$s" 2>/dev/null)
  if [ -n "$pid" ] && [ "$pid" -gt 0 ] && kill -0 "$pid" 2>/dev/null; then
    s6-svc -k "$T_TMP/svc/$s"; killed=$((killed + 1)); kills_of="$kills_of $s"
    if [ $restarts -gt 0 ] && [ $((killed % every)) = 0 ] && [ $killed -lt $KILLS ]; then
      mariadb_stop "$T_OWNDB"; sleep 0.5; mariadb_start "$T_OWNDB"; restarts=$((restarts - 1))
    fi
  fi
done
wait $pp; wait $dp
want=$({ expected "$PEXP" | awk -v k=$PCOPIES '{ print $1, $2, $3, $4, $5 * k, $6 * k, $7 * k, $8 * k, $9 * k }'
  expected "$EXP" | awk -v k=$DCOPIES '{ print $1, $2, $3, $4, $5 * k, $6 * k, $7 * k, $8 * k, $9 * k }'; } | LC_ALL=C sort)
settled() { [ "$(traffic | LC_ALL=C sort)" = "$want" ] && [ "$(sql -e 'SELECT COUNT(*) FROM limit_crossing WHERE notified IS NULL')" = 0 ]; }
i=0; while ! settled && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1   # a runner the test did not see yet would still write its line
s6-svscanctl -t "$T_TMP/svc"; wait $svscan

is "$killed $restarts" "$KILLS 0" "$KILLS SIGKILLs ($(echo $kills_of | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')) and $RESTARTS database restarts"
is "$(traffic | LC_ALL=C sort)" "$want" '... the totals of both loggers equal one clean run'
# the crossings the final totals make (every row is of 2026-11-25)
expect=$(sql -e "SELECT l.id, IF(l.period = 'day', '2026-11-25', '2026-11-01'), v.level FROM sendlimit l
  JOIN (SELECT 80 AS level UNION ALL SELECT 100) v
  WHERE (SELECT SUM(t.bytes_in) + SUM(t.bytes_out) FROM traffic t WHERE t.domain = SUBSTRING_INDEX(l.name, '@', -1)
    AND (l.scope = 'domain' OR CONCAT(t.localpart, '@', t.domain) = l.name)) * 100 >= l.max * v.level
  ORDER BY 1, 2, 3" | tr '\t' ' ')
got=$(sql -e 'SELECT limit_id, period_start, level FROM limit_crossing ORDER BY 1, 2, 3' | tr '\t' ' ')
is "$got" "$expect" "... the crossings recorded are those the totals make ($(echo "$expect" | wc -l) of $nlimits limits' $((nlimits * 2)) levels)"
is "$(echo "$expect" | awk '{ c[$1]++ } END { for (k in c) n[c[k]]++; print (n[1] > 0), (n[2] > 0) }')" "1 1" '... (some limits crossed at 80% only, some at both)'
is "$(sql -e 'SELECT COUNT(*) FROM limit_crossing WHERE notified IS NULL OR used * 100 < max * level')" 0 '... each notified, with a usage at its level'
is "$(awk '{ print $1, $2, $3 }' "$T_TMP/alerts" | sort)" "$(echo "$expect" | sort)" '... the alert program ran exactly once for each'
is "$(awk '$4 != 1' "$T_TMP/alerts")" "" '... each as its first attempt'
done_testing
