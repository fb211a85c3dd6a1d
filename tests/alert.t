#!/bin/sh
# alert.t: sending limits crossed by real logger batches. The loggers
# record each crossing of 80% and 100% in the batch that made it, once;
# mysqmail-alert runs the alert program once per crossing with its
# figures, tries a failed one again telling it so, and a new period or a
# raised limit gives new crossings. Outbound rows are booked by the
# Postfix logger and set by SQL between the batches.
. "$(dirname "$0")/lib.sh"
plan 31
export TZ=UTC
P=$top/tests/fixtures/postfix
PL=$BIN/mysqmail-postfix-logger
DL=$BIN/mysqmail-dovecot-logger
. "$top/tests/dovecot-fixture.sh"

# the alert program: one line per run, the figures in its environment
cat > "$T_TMP/prog" <<'EOF'
#!/bin/sh
[ -n "${MYSQMAIL_PASSWORD+x}" ] && echo "password in the environment" >> "$ALERT_OUT"
echo "$MYSQMAIL_ALERT_LIMIT_ID $MYSQMAIL_ALERT_SCOPE $MYSQMAIL_ALERT_NAME $MYSQMAIL_ALERT_PERIOD $MYSQMAIL_ALERT_PERIOD_START $MYSQMAIL_ALERT_METRIC $MYSQMAIL_ALERT_MAX $MYSQMAIL_ALERT_USED $MYSQMAIL_ALERT_LEVEL $MYSQMAIL_ALERT_ACTION $MYSQMAIL_ALERT_ATTEMPT" >> "$ALERT_OUT"
if [ -e "$ALERT_FAIL" ]; then rm -f "$ALERT_FAIL"; exit 111; fi
exit 0
EOF
chmod 755 "$T_TMP/prog"
export ALERT_OUT=$T_TMP/alerts ALERT_FAIL=$T_TMP/fail MYSQMAIL_ALERT=$T_TMP/prog MYSQMAIL_ALERT_GRACE_MS=10
: > "$ALERT_OUT"

fresh_db t_alert
# the notifier with its role's account (sql/grants.sql, fresh_db)
notify() { MYSQMAIL_USER=mm_alert MYSQMAIL_PASSWORD=pw_alert $BIN/mysqmail-alert -o 2>> "$T_TMP/alert.err"; }
crossings() { sql -e "SELECT limit_id, period_start, level, used, max, notified IS NOT NULL FROM limit_crossing ORDER BY limit_id, period_start, level" | tr '\t' ' '; }
# book SOURCE LOG [YEAR_REF]: a Postfix log through the logger (its own cursor)
book() { MYSQMAIL_YEAR_REF=${3:-2026-11-25} MYSQMAIL_SOURCE=$1 $PL < "$2" > /dev/null 2>> "$T_TMP/logger.err"; }

# example.com books 125198 bytes (bytes_in + bytes_out, all mailboxes) a
# run of postfix-long-ids.log, alice 116438 of them, on 2026-11-25
sql -e "INSERT INTO sendlimit (id, scope, name, period, metric, max, action) VALUES
  (1, 'domain', 'example.com', 'day', 'bytes_total', 150000, 'warn'),
  (2, 'mailbox', 'alice@example.com', 'month', 'bytes_total', 1000000, 'defer'),
  (3, 'mailbox', 'alice@example.com', 'day', 'mails_out', 10, 'reject'),
  (4, 'login', 'smtpuser', 'day', 'rcpts_out', 20, 'warn'),
  (5, 'domain', 'example.org', 'month', 'bytes_total', 100, 'warn'),
  (6, 'mailbox', 'nobody', 'day', 'bytes_total', 1, 'warn')"

book a "$P/postfix-long-ids.log"
is "$(crossings)" "1 2026-11-25 80 125198 150000 0
5 2026-11-01 80 118080 100 0
5 2026-11-01 100 118080 100 0" 'one batch: example.com at 83% of its day (80 only), example.org past its month (80 and 100)'
is "$(sql -e 'SELECT COUNT(*) FROM traffic')" 7 '... and the traffic booked with them'
notify
is "$(cat "$ALERT_OUT")" "1 domain example.com day 2026-11-25 bytes_total 150000 125198 80 warn 1
5 domain example.org month 2026-11-01 bytes_total 100 118080 80 warn 1
5 domain example.org month 2026-11-01 bytes_total 100 118080 100 warn 1" 'the alert program ran once per crossing, its figures in its environment, no password'
is "$(crossings | awk '{ print $6 }' | sort -u)" 1 '... each marked notified'
notify
is "$(wc -l < "$ALERT_OUT")" 3 'a second pass runs nothing again'

book b "$P/postfix-long-ids.log"
is "$(crossings | grep '^1 ')" "1 2026-11-25 80 125198 150000 1
1 2026-11-25 100 250396 150000 0" 'a second logger source on the same day: example.com past 100%, recorded once'
book b "$P/postfix-long-ids.log"
is "$(sql -e 'SELECT COUNT(*) FROM limit_crossing')" 4 'the same lines again (replayed from the cursor): nothing more booked, nothing recorded'

# outbound rows (kind sender: alice, whose two mails a run of the log
# books there too; kind login: a SASL login without a domain) set by SQL:
# recorded by the next logger batch, not before. That batch's run adds
# alice's 2 mails: 6 + 2 = 8, 80% of 10.
sql -e "INSERT INTO outbound (day, kind, domain, localpart, mails, rcpts, bytes) VALUES
  ('2026-11-25', 'sender', 'example.com', 'alice', 6, 6, 600),
  ('2026-11-25', 'login', '', 'smtpuser', 3, 16, 900)
  ON DUPLICATE KEY UPDATE mails = VALUES(mails), rcpts = VALUES(rcpts), bytes = VALUES(bytes)"
is "$(sql -e 'SELECT COUNT(*) FROM limit_crossing WHERE limit_id IN (3, 4)')" 0 'outbound rows alone record nothing'
book c "$P/postfix-long-ids.log"
is "$(crossings | grep -e '^3 ' -e '^4 ')" "3 2026-11-25 80 8 10 0
4 2026-11-25 80 16 20 0" '... the next batch touching the mailbox records mails_out (sender) and rcpts_out (login) at 80%'
sql -e "UPDATE outbound SET mails = mails + 2 WHERE kind = 'sender'; UPDATE outbound SET rcpts = rcpts + 4 WHERE kind = 'login'"
# a batch of FTP transfers: no outbound rows come from those, the login
# limit is left alone
MYSQMAIL_SOURCE=ftp $BIN/mysqmail-pure-ftpd-logger < "$top/tests/fixtures/pure-ftpd/pure-ftpd-stats.log" > /dev/null 2>> "$T_TMP/logger.err"
is "$(crossings | grep -e '^3 ' -e '^4 ')" "3 2026-11-25 80 8 10 0
4 2026-11-25 80 16 20 0" '... a batch of FTP transfers leaves the login limit alone'
# Postfix lines without alice's (her messages' lines left out): every
# login limit whose login sent that day is looked at, a mailbox's when
# its mailbox is in the batch
grep -v alice "$P/postfix-long-ids.log" > "$T_TMP/noalice.log"
book noalice "$T_TMP/noalice.log"
is "$(crossings | grep -e '^3 ' -e '^4 ')" "3 2026-11-25 80 8 10 0
4 2026-11-25 80 16 20 0
4 2026-11-25 100 20 20 0" '... a Postfix batch of other names: the login limit at 100%, the mailbox limit waits for its mailbox'
book d "$P/postfix-long-ids.log"
is "$(crossings | grep -e '^3 ')" "3 2026-11-25 80 8 10 0
3 2026-11-25 100 12 10 0" '... and the mailbox limit at 100% with a batch of its own (10 + its 2 mails)'
is "$(crossings | grep -c '^6 ')" 0 'a mailbox limit named without @ matches nothing'

# the alert program fails once (exit 111): run again, told it is a retry
: > "$ALERT_FAIL"
notify; r1=$?
is "$r1" 111 'a failed alert program: the pass exits 111'
notify
# attempts KEY: the MYSQMAIL_ALERT_ATTEMPT of each run of a crossing
attempts() { awk '{ print $1 ":" $5 ":" $9, $NF }' "$ALERT_OUT" | sort -s -k1,1 | awk '{ a[$1] = a[$1] " " $2 } END { for (k in a) print k a[k] }' | sort; }
is "$(attempts | grep -c ' 1 2$')" 1 '... the crossing it failed is run again, told MYSQMAIL_ALERT_ATTEMPT=2'
is "$(attempts | grep -vc ' 1$')" 1 '... every other one ran once, as attempt 1'
is "$(sql -e 'SELECT COUNT(*) FROM limit_crossing WHERE notified IS NULL')" 0 '... and everything is notified after it'
is "$(awk '$NF == 1' "$ALERT_OUT" | awk '{ print $1, $5, $9 }' | sort | uniq -d)" "" 'no crossing ran twice as a first attempt'

# a new period: the day of postfix-sasl.log (2026-12-03, alice 1703 bytes
# out twice as sender and login) gives the day and month limits new crossings
sql -e "INSERT INTO sendlimit (id, scope, name, period, metric, max, action) VALUES
  (7, 'domain', 'example.com', 'month', 'bytes_total', 3000, 'warn')"
book e "$P/postfix-sasl.log" 2026-12-03
is "$(crossings | grep -e '2026-12-' | grep -v '^5 ')" "7 2026-12-01 80 3406 3000 0
7 2026-12-01 100 3406 3000 0" 'a new month: its own crossings'
is "$(crossings | grep -c '^7 2026-11-01')" 0 '... the month before is looked at when a batch books one of its days (or it is the current one)'
notify
is "$(grep -c '^7 domain example.com month 2026-12-01 bytes_total 3000 3406' "$ALERT_OUT")" 2 '... run once each'

# a raised limit (example.com: five runs, the FTP batch's 4444 bytes for
# dave, o'hara's 6570 without alice's lines): crossed anew under the new max, run again with it
before=$(wc -l < "$ALERT_OUT")
sql -e "UPDATE sendlimit SET max = 300000 WHERE id = 1"
book f "$P/postfix-long-ids.log"
is "$(crossings | grep '^1 ')" "1 2026-11-25 80 637004 300000 0
1 2026-11-25 100 637004 300000 0" 'example.com raised to 300000: 80% and 100% crossed again under the new max'
is "$(crossings | grep '^7 2026-11-01' | awk '{ print $3, $4 }')" "80 637004
100 637004" '... and limit 7 has its November crossings now that a November day was booked'
notify
is "$(tail -n +$((before + 1)) "$ALERT_OUT" | grep -c '^1 domain example.com day 2026-11-25 bytes_total 300000 637004')" 2 '... and the alert program ran for both with the new figures'
sql -e "UPDATE sendlimit SET max = 200000 WHERE id = 1"
book g "$P/postfix-long-ids.log"
notify
is "$(sql -e 'SELECT max FROM limit_crossing WHERE limit_id = 1' | sort -u)" 300000 'lowered again: nothing crossed anew'

# a database from before the alerts: the logger says so and stops (exit
# 100) rather than retry for ever; the schema loaded again adds the table
fresh_db t_alert_old
sql -e "DROP TABLE limit_crossing; INSERT INTO sendlimit (scope, name, period, metric, max) VALUES ('domain', 'example.com', 'day', 'bytes_total', 1)"
book old "$P/postfix-long-ids.log"; r=$?
is "$r:$(grep -c 'load sql/mysqmail.sql' "$T_TMP/logger.err")" "100:1" 'no limit_crossing table: the logger exits 100, naming sql/mysqmail.sql'
sql < "$top/sql/mysqmail.sql" && sql < "$top/sql/mysqmail.sql"
book old "$P/postfix-long-ids.log"
is "$(crossings)" "1 2026-11-25 80 125198 1 0
1 2026-11-25 100 125198 1 0" '... the schema loaded twice adds it, and the batch books and records'
sed -i '/load sql\/mysqmail.sql/d' "$T_TMP/logger.err"

# two loggers at once on two sources: the batches of both are looked at
# by the one that records last, so the crossing their sum makes is
# recorded (each batch alone is below 80%)
fresh_db t_alert_concurrent
k=200
i=0; while [ $i -lt $k ]; do cat "$FIX"; i=$((i + 1)); done | label_lines '2026-11-25 09:00:00' > "$T_TMP/big"
# alice: 15931 bytes a copy; two loggers: 2 * 200 copies
sql -e "INSERT INTO sendlimit (id, scope, name, period, metric, max, action) VALUES
  (1, 'mailbox', 'alice@example.com', 'day', 'bytes_total', $((15931 * 2 * k * 100 / 99)), 'warn'),
  (2, 'domain', 'example.com', 'month', 'bytes_total', $(( (15931 + 55 + 1400 + 529 + 55 + 3936 + 3065) * 2 * k * 100 / 81)), 'warn')"
MYSQMAIL_FLUSH_MS=0 MYSQMAIL_SOURCE=one $DL < "$T_TMP/big" > /dev/null 2> "$T_TMP/err1" &
p1=$!
MYSQMAIL_FLUSH_MS=0 MYSQMAIL_SOURCE=two $DL < "$T_TMP/big" > /dev/null 2> "$T_TMP/err2" &
p2=$!
r=0; wait $p1 || r=1; wait $p2 || r=1
ok $r 'two loggers at once: both exit 0'
is "$(crossings | awk '{ print $1, $2, $3 }')" "1 2026-11-25 80
2 2026-11-01 80" '... the crossings their sum made, each recorded once'
is "$(sql -e 'SELECT COUNT(*) FROM limit_crossing WHERE used * 100 < max * level')" 0 '... each with a usage at its level'
is "$(grep -c 'unable' "$T_TMP/logger.err" "$T_TMP/alert.err" | awk -F: '{ s += $2 } END { print s }')" 0 'no logger or notifier failed on the way'
done_testing
