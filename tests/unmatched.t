#!/bin/sh
# unmatched.t: lines that announce an event of the daemon (a delivery
# status, a session's end, a transfer) but that the logger cannot read
# are counted per source in `cursor`.unmatched, with the cursor, once
# each; nothing books from them; stderr warns at most once a minute;
# mysqmail-report shows the counts. The lines are the real fixtures,
# changed as a daemon's upgrade would change them (a field renamed, a
# field moved). The real fixtures themselves count none.
. "$(dirname "$0")/lib.sh"
F=$top/tests/fixtures
R=$BIN/mysqmail-report
plan 52
export TZ=UTC

unmatched() { sql -e "SELECT unmatched FROM \`cursor\` WHERE source = '$1'"; }
warnings() { grep -c 'line not read' "$1"; }
# changed ORIG NEW: how many lines differ
changed() { awk 'NR == FNR { a[FNR] = $0; next } a[FNR] != $0 { n++ } END { print n + 0 }' "$1" "$2"; }

# the real fixtures: every line read, no warning
fresh_db t_unmatched_real
for l in postfix qmail dovecot courier pure-ftpd; do
  bad=
  for f in "$F/$l"/*.log "$F/$l"/extra/*.log; do
    [ -f "$f" ] || continue
    s=real-$l-$(basename "$f" .log)
    MYSQMAIL_SOURCE=$s $BIN/mysqmail-$l-logger < "$f" > /dev/null 2> "$T_TMP/err"
    [ "$(unmatched "$s"):$(warnings "$T_TMP/err")" = 0:0 ] || bad="$bad $s=$(unmatched "$s")"
  done
  is "$bad" '' "$l: every real fixture: no line counted as not read, no warning"
done

fresh_db t_unmatched

# check LOGGER SOURCE FILE N WHAT: FILE through LOGGER counts N > 0 lines,
# books no traffic, warns once
check() {
  MYSQMAIL_SOURCE=$2 $BIN/mysqmail-$1-logger < "$3" > "$T_TMP/out" 2> "$T_TMP/err"
  is "$?:$(unmatched "$2")" "0:$4" "$5: the $4 changed lines counted"
  is "$(sql -e "SELECT COUNT(*) FROM traffic")" 0 "$5: nothing booked from them"
  is "$(warnings "$T_TMP/err"):$(grep -c . "$T_TMP/err")" 1:1 "$5: one warning line on stderr, not one per line"
  cmp -s "$3" "$T_TMP/out"; ok $? "$5: every line still copied out"
}

# Postfix: to= renamed; status= moved before to=
sed 's/: to=<\(.*status=\)/: recipient=<\1/' "$F/postfix/postfix-short-ids.log" > "$T_TMP/pf1"
n=$(changed "$F/postfix/postfix-short-ids.log" "$T_TMP/pf1")
is "$n" "$(grep -c 'status=' "$F/postfix/postfix-short-ids.log")" 'Postfix: every status= line changed (to= renamed recipient=)'
check postfix pf1 "$T_TMP/pf1" "$n" 'Postfix, to= renamed'
grep -q 'mysqmail-postfix-logger: warning: line not read, .*: 1 so far, .*: .*recipient=<' "$T_TMP/err"; ok $? '... the warning says how many so far and shows the line'
sed -E 's/: (to=<[^>]*>), (.*), (status=[a-z]+)/: \3, \1, \2/' "$F/postfix/postfix-3.10-long-ids.log" > "$T_TMP/pf2"
n=$(changed "$F/postfix/postfix-3.10-long-ids.log" "$T_TMP/pf2")
check postfix pf2 "$T_TMP/pf2" "$n" 'Postfix 3.10, status= moved first'
# a status word no Postfix wrote before
sed 's/status=sent/status=delivered/' "$F/postfix/postfix-long-ids.log" > "$T_TMP/pf3"
n=$(changed "$F/postfix/postfix-long-ids.log" "$T_TMP/pf3")
check postfix pf3 "$T_TMP/pf3" "$n" 'Postfix, status=sent renamed status=delivered'

# qmail: the delivery results renamed; the pop3d traffic line's retr= renamed
sed 's/: success:/: delivered:/; s/: failure:/: failed:/; s/: deferral:/: deferred:/' "$F/qmail/qmail-send.log" > "$T_TMP/qm1"
n=$(changed "$F/qmail/qmail-send.log" "$T_TMP/qm1")
check qmail qm1 "$T_TMP/qm1" "$n" 'qmail, success: renamed delivered:'
sed 's/ retr=/ messages=/' "$F/qmail/qmail-pop3d-patched.log" > "$T_TMP/qm2"
n=$(changed "$F/qmail/qmail-pop3d-patched.log" "$T_TMP/qm2")
MYSQMAIL_SOURCE=qm2 $BIN/mysqmail-qmail-logger < "$T_TMP/qm2" > /dev/null 2> "$T_TMP/err"
is "$(unmatched qm2):$(sql -e 'SELECT COUNT(*) FROM traffic')" "$n:0" "qmail-pop3d traffic, retr= renamed: the $n lines counted, nothing booked"

# Dovecot: the session end's counts renamed (retr= for POP3, in= for IMAP)
sed '/^[^:]*:[^:]*:[^:]*[ :]\(pop3\|imap\)(/s/ retr=/ retrieved=/; /^[^:]*:[^:]*:[^:]*[ :]\(pop3\|imap\)(/s/ in=/ bytes_in=/' \
  "$F/dovecot/dovecot-2.3-default.log" > "$T_TMP/dv1"
n=$(changed "$F/dovecot/dovecot-2.3-default.log" "$T_TMP/dv1")
is "$n" "$(grep -c '\(pop3\|imap\)(.*Disconnected' "$F/dovecot/dovecot-2.3-default.log")" 'Dovecot 2.3: every session end changed'
check dovecot dv1 "$T_TMP/dv1" "$n" 'Dovecot 2.3, retr= and in= renamed'
sed 's/ in=/ bytes_in=/; s/ retr=/ retrieved=/' "$F/dovecot/dovecot-2.4-default.log" > "$T_TMP/dv2"
n=$(changed "$F/dovecot/dovecot-2.4-default.log" "$T_TMP/dv2")
MYSQMAIL_SOURCE=dv2 $BIN/mysqmail-dovecot-logger < "$T_TMP/dv2" > /dev/null 2> "$T_TMP/err"
is "$(unmatched dv2):$(sql -e 'SELECT COUNT(*) FROM traffic')" "$n:0" "Dovecot 2.4, the same: the $n lines counted, nothing booked"

# Courier: rcvd= renamed; user= renamed in the session ends
sed 's/ rcvd=/ received=/' "$F/courier/courier-syslog.log" > "$T_TMP/cr1"
n=$(changed "$F/courier/courier-syslog.log" "$T_TMP/cr1")
check courier cr1 "$T_TMP/cr1" "$n" 'Courier, rcvd= renamed received='
sed '/LOGOUT\|TIMEOUT\|DISCONNECTED/s/ user=/ login=/' "$F/courier/courier-syslog.log" > "$T_TMP/cr2"
n=$(changed "$F/courier/courier-syslog.log" "$T_TMP/cr2")
MYSQMAIL_SOURCE=cr2 $BIN/mysqmail-courier-logger < "$T_TMP/cr2" > /dev/null 2> "$T_TMP/err"
is "$(unmatched cr2):$(sql -e 'SELECT COUNT(*) FROM traffic')" "$n:0" "Courier, user= renamed login= in the $n session ends: counted, nothing booked"

# Pure-FTPd: the stats format with the size moved before the direction
sed -E 's/^([0-9]+ [^ ]+ [^ ]+ [^ ]+) ([UD]) ([0-9]+) /\1 \3 \2 /' "$F/pure-ftpd/pure-ftpd-stats.log" > "$T_TMP/ftp1"
n=$(changed "$F/pure-ftpd/pure-ftpd-stats.log" "$T_TMP/ftp1")
is "$n" "$(grep -c . "$F/pure-ftpd/pure-ftpd-stats.log")" 'Pure-FTPd: every stats line changed'
check pure-ftpd ftp1 "$T_TMP/ftp1" "$n" 'Pure-FTPd stats, size and direction swapped'

# once each: the same file again is covered by the cursor; a pipe has no
# positions, its lines count with the cursor all the same
n=$(unmatched pf1)
MYSQMAIL_SOURCE=pf1 $BIN/mysqmail-postfix-logger < "$T_TMP/pf1" > /dev/null 2> "$T_TMP/err"
is "$(unmatched pf1):$(warnings "$T_TMP/err")" "$n:0" 'the same file again: not counted twice, no warning'
cat "$T_TMP/pf1" "$T_TMP/pf1" | MYSQMAIL_SOURCE=pipe $BIN/mysqmail-postfix-logger > /dev/null 2> "$T_TMP/err"
is "$(unmatched pipe):$(warnings "$T_TMP/err")" "$((2 * n)):1" 'through a pipe: every line counted, one warning'

# the warning shows a control byte as \xNN: no forged line in the log
printf 'Nov 25 01:39:11 mail postfix/smtp[1]: ABCDEF123: to=<x\033[2J@example.org> status=sent\n' |
  MYSQMAIL_SOURCE=ctl $BIN/mysqmail-postfix-logger > /dev/null 2> "$T_TMP/err"
is "$(unmatched ctl):$(grep -c 'to=<x\\x1b\[2J@example.org>' "$T_TMP/err"):$(tr -d '\n' < "$T_TMP/err" | tr -dc '\033' | wc -c)" '1:1:0' \
  'a changed line with an escape character: counted, shown as \x1b'

# not events: lines that merely look alike are not counted
printf '%s\n' \
  'Nov 25 01:39:11 mail postfix/cleanup[1]: ABCDEF123: message-id=<a, status=b@example.org>' \
  'Nov 25 01:39:11 mail postfix/smtpd[1]: ABCDEF124: client=x[192.0.2.1], sasl_username=u, status=x' \
  'Nov 25 01:39:11 mail postfix/smtp[1]: ABCDEF125: host mx.example.org[192.0.2.1] said: 450 busy (in reply to RCPT TO command)' \
  'Nov 25 01:39:11 mail postfix/qmgr[1]: ABCDEF126: from=<>, status=expired, returned to sender' > "$T_TMP/alike"
MYSQMAIL_SOURCE=alike $BIN/mysqmail-postfix-logger < "$T_TMP/alike" > /dev/null 2> "$T_TMP/err"
is "$(unmatched alike):$(warnings "$T_TMP/err")" 0:0 'Postfix lines that announce no delivery status: not counted'
printf '%s\n' \
  'mail.debug: Nov 25 01:53:37 imapd: Disconnected, ip=[::ffff:127.0.0.1], port=[43990], time=0' \
  'mail.info: Nov 25 01:53:37 imapd: DISCONNECTED, ip=[::ffff:127.0.0.1], time=0' > "$T_TMP/alike2"
MYSQMAIL_SOURCE=alike2 $BIN/mysqmail-courier-logger < "$T_TMP/alike2" > /dev/null 2> "$T_TMP/err"
is "$(unmatched alike2):$(warnings "$T_TMP/err")" 0:0 'Courier connections that never logged in: not counted'

# the report: a line per source with lines not read; the metrics: every source
$R -M 2026-11 > "$T_TMP/report"; ok $? 'mysqmail-report: exit 0'
want=$(sql -e "SELECT source, unmatched FROM \`cursor\` WHERE unmatched > 0 ORDER BY source" | awk '{ print $1, $2 }')
is "$(sed -n '/^lines not read/,$p' "$T_TMP/report" | awk 'NR > 3 { print $1, $2 }')" "$want" \
  'text: one line per source with lines not read, its count'
grep -q '^alike ' "$T_TMP/report"; is $? 1 '... a source without any not shown'
$R -m -M 2026-11 > "$T_TMP/metrics"; ok $? 'mysqmail-report -m: exit 0'
is "$(grep '^mysqmail_unmatched_lines_total' "$T_TMP/metrics")" \
   "$(sql -e "SELECT source, unmatched FROM \`cursor\` ORDER BY source" | awk '{ printf "mysqmail_unmatched_lines_total{source=\"%s\"} %s\n", $1, $2 }')" \
   'metrics: a counter per source, zero ones too'
is "$(grep -c '^# TYPE mysqmail_unmatched_lines_total counter$' "$T_TMP/metrics")" 1 '... typed as a counter'

# the schema: a cursor table made before the column gets it, rows kept
fresh_db t_unmatched_old
sql -e "ALTER TABLE \`cursor\` DROP COLUMN unmatched; INSERT INTO \`cursor\` (source, refused) VALUES ('old', 3)"
sql < "$top/sql/mysqmail.sql"
is "$(sql -e "SELECT source, refused, unmatched FROM \`cursor\`" | tr '\t' ' ')" 'old 3 0' 'sql/mysqmail.sql on an older cursor table: unmatched added, the row kept'

done_testing
