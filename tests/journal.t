#!/bin/sh
# journal.t: the loggers' -j on a real systemd-journald of the test's own
# (tests/journal.sh), fed the real Postfix and Dovecot fixture lines through
# the native protocol and systemd-cat: the same totals as the fixtures' and
# as journalctl's text of the same journal through stdin; other
# identifiers ignored; nothing on stdout without -o; -e ends at the
# journal's last entry; a restart goes on
# after the cursor, with the history of messages still open; matches;
# binary messages; the cursor's file vacuumed while down, rotation and
# vacuum while running.
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/lib.sh"
jd_trap
plan 31
# journald dates its entries now: no year to guess for journalctl's text
export MYSQMAIL_YEAR_REF=
export TZ=UTC MYSQMAIL_FLUSH_MS=0 MYSQMAIL_JOURNAL_DIR=$JDIR
P=$BIN/mysqmail-postfix-logger
DL=$BIN/mysqmail-dovecot-logger
PF=$top/tests/fixtures/postfix/postfix-long-ids.log
PE=$top/tests/fixtures/postfix/expected.postfix-long-ids
DF=$top/tests/fixtures/dovecot/dovecot-syslog.log
DE=$top/tests/fixtures/dovecot/expected.dovecot-syslog

# run_until LOGGER COND...: LOGGER -j in the background until COND holds,
# then SIGTERM; its exit code in $rc, stdout in $T_TMP/out, stderr in $T_TMP/err
run_until() {
  l=$1; shift
  $l -j > "$T_TMP/out" 2> "$T_TMP/err" &
  lp=$!
  wait_for "$@"
  kill -TERM $lp; wait $lp; rc=$?
}
totals_are() { [ "$(traffic_total)" = "$1" ]; }
cursor() { sql -e 'SELECT position FROM `cursor`'; }
last_cursor() { journalctl -D "$JDIR" -q -o export --no-pager | sed -n 's/^__CURSOR=//p' | tail -n 1; }
at_end() { [ "$(cursor)" = "j:$(last_cursor)" ]; }
booked() { [ -n "$(sql -e "SELECT 1 FROM traffic WHERE localpart = '$1'")" ]; }

jd_start
# Postfix's lines, and other programs' entries around them: an sshd
# line, a program named like a Postfix instance without an agent, lines
# that would book if they were Postfix's
jd_send < "$PF"
echo 'Accepted password for root from 127.0.0.1 port 4 ssh2' | systemd-cat -t sshd
grep 'postfix/qmgr\|postfix/smtp\[' "$PF" | sed 's#postfix/[a-z]*\[#postfixadmin[#' | head -n 3 | jd_send
grep ' postfix/' "$PF" | head -n 20 | sed 's# postfix/# mailwatch/#' | jd_send
n=$(( $(wc -l < "$PF") + 24 ))   # and journald's first two
jd_wait $n; ok $? "journald holds the $n entries sent"

fresh_db t_journal
want=$(expected_total "$PE")
run_until "$P" totals_are "$want"
is "$(traffic_total)" "$want" 'postfix -j: the fixture'\''s totals, other identifiers ignored'
is "$rc:$(cat "$T_TMP/err")" "0:" '... SIGTERM: exit 0, nothing on stderr'
is "$(wc -c < "$T_TMP/out")" 0 '... nothing on stdout without -o'
case "$(cursor)" in j:s=*\;i=*) r=0 ;; *) r=1 ;; esac
ok $r '... the cursor is the journal cursor of an entry'
is "$(cursor)" "j:$(last_cursor)" '... of the last entry read'
by_j=$(traffic)

# the same journal as journalctl's text, through stdin
fresh_db t_journal_stdin
journalctl -D "$JDIR" -q -o short-iso --no-pager | awk '$3 ~ /^postfix[^\/]*\//' | $P > /dev/null 2> "$T_TMP/err"
is "$(traffic)" "$by_j" 'journalctl -o short-iso of the Postfix identifiers through stdin books the same rows, day by day'

# -o copies each entry of the daemon, as a line stdin reads the same way
fresh_db t_journal_o
run_until "$P -o" totals_are "$want"
is "$(wc -l < "$T_TMP/out")" "$(grep -c ' postfix/' "$PF")" '-o: one line out per Postfix entry'
fresh_db t_journal_o_stdin
$P < "$T_TMP/out" > /dev/null
is "$(traffic_total)" "$want" '... which book the same through stdin'

# SIGTERM and again: nothing twice
fresh_db t_journal_again
run_until "$P" totals_are "$want"
c1=$(cursor)
$P -j > /dev/null 2> "$T_TMP/err" & lp=$!
sleep 1; kill -TERM $lp; wait $lp
is "$(traffic_total):$(cursor)" "$want:$c1" 'a second run over the same journal books nothing, the cursor stays'

# -e: up to the journal's last entry, committed, then exit 0
fresh_db t_journal_e
$P -j -e > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err"):$(wc -c < "$T_TMP/out")" "0::0" '-e: exit 0 at the end of the journal, nothing on stderr or stdout'
is "$(traffic_total):$(cursor)" "$want:j:$(last_cursor)" '... the fixture'\''s totals, the last entry committed'
$P -j -e > /dev/null 2> "$T_TMP/err"
is "$?:$(traffic_total):$(cat "$T_TMP/err")" "0:$want:" '... again: nothing left to read, nothing booked twice'
$P -e < /dev/null > /dev/null 2>&1
is "$?" 100 '-e without -j: usage, exit 100'

# a restart in the middle of messages: the second half's deliveries are of
# messages the first half opened (history read back without booking)
jd_stop; rm -rf "$JDIR"; jd_start
fresh_db t_journal_half
half=$(( $(wc -l < "$PF") / 2 ))
head -n $half "$PF" | jd_send
jd_wait $((half + 2))
run_until "$P" at_end
first=$(traffic_total)
tail -n +$((half + 1)) "$PF" | jd_send
jd_wait $(( $(wc -l < "$PF") + 2 ))
run_until "$P" totals_are "$want"
is "$(traffic_total)" "$want" 'first half, stop, second half, start: the fixture'\''s totals'
[ "$first" != "$want" ] && [ -n "$first" ]; ok $? '... the first run had booked part of it'
is "$(cat "$T_TMP/err")" "" '... nothing on stderr'

# Dovecot through systemd-cat (journald's stdout stream, as a service's
# stderr under systemd), with Postfix's entries in the same journal
jd_stop; rm -rf "$JDIR"; jd_start
fresh_db t_journal_dovecot
jd_send < "$PF"
sed -n 's/^mail\.[a-z]*: [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* dovecot: //p' "$DF" | systemd-cat -t dovecot
dwant=$(expected_total "$DE")
run_until "$DL" totals_are "$dwant"
is "$(traffic_total)" "$dwant" 'dovecot -j, through the stdout stream: the fixture'\''s totals, Postfix'\''s entries ignored'
by_j=$(traffic)
fresh_db t_journal_dovecot_stdin
journalctl -D "$JDIR" -q -o short-iso --no-pager | $DL > /dev/null
is "$(traffic)" "$by_j" '... the same rows, day by day, as journalctl'\''s text through stdin'

# Pure-FTPd's transfer log on its stdout (-O stats:/dev/stdout under
# systemd): each line dated by its own stamp
fresh_db t_journal_ftp
systemd-cat -t pure-ftpd < "$top/tests/fixtures/pure-ftpd/pure-ftpd-stats.log"
fwant=$(expected "$top/tests/fixtures/pure-ftpd/expected.pure-ftpd-stats")
ftp_done() { [ "$(traffic)" = "$fwant" ]; }
run_until "$BIN/mysqmail-pure-ftpd-logger" ftp_done
is "$(traffic)" "$fwant" 'pure-ftpd -j, stats lines through the stdout stream: the fixture'\''s rows, day by day'

# MYSQMAIL_JOURNAL_MATCH replaces the identifiers
fresh_db t_journal_match
MYSQMAIL_JOURNAL_MATCH='SYSLOG_IDENTIFIER=nothing' $P -j > /dev/null 2>&1 & lp=$!
sleep 1; kill -TERM $lp; wait $lp
is "$(traffic_total)" "" 'MYSQMAIL_JOURNAL_MATCH with no entry of its: nothing booked'
MYSQMAIL_JOURNAL_MATCH='SYSLOG_IDENTIFIER=dovecot + SYSLOG_IDENTIFIER=nothing' run_until "$DL" totals_are "$dwant"
is "$(traffic_total)" "$dwant" '... one that names the daemon'\''s identifier, with +: its totals'
MYSQMAIL_JOURNAL_MATCH='bad match' $P -j > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "100:mysqmail-postfix-logger: fatal: invalid MYSQMAIL_JOURNAL_MATCH: bad match (want FIELD=VALUE words, + between alternatives)" '... an invalid one: exit 100, saying so'
$P -j -f /dev/null > /dev/null 2>&1
is "$?" 100 '-j with -f: usage, exit 100'

# binary messages: cut at a NUL or a newline, the rest never booked
fresh_db t_journal_binary
lo='Disconnected: Logged out'
jd_send_raw dovecot "imap(bin@example.org)<1><a>: $lo in=10 out=20 body_count=1\\0 junk\\377"
jd_send_raw dovecot "imap(nul@example.org)<2><b>: $lo\\0 in=999 out=999 body_count=1"
jd_send_raw dovecot "imap(nl@example.org)<3><c>: $lo in=30 out=40 body_count=1\\nimap(eve@example.org)<4><d>: $lo in=5000 out=5000 body_count=1"
jd_send_raw dovecot "imap(\\377\\376@example.org)<5><e>: $lo in=1 out=1 body_count=1 \\300\\300"
jd_send_raw dovecot "imap(last@example.org)<6><f>: $lo in=50 out=60 body_count=1"
run_until "$DL" booked last
is "$(sql -e "SELECT localpart, bytes_in, bytes_out FROM traffic WHERE localpart IN ('bin', 'nl', 'eve', 'nul') OR bytes_in IN (999, 5000) ORDER BY localpart" | tr '\t' ' ' | tr '\n' ,)" \
  "bin 10 20,nl 30 40," 'binary MESSAGE: booked up to a NUL, up to a newline; nothing after them'
is "$rc" 0 '... non-UTF-8 bytes do not stop the logger'

# vacuum while down: the cursor's file deleted, the logger says so and
# starts at the oldest entry after the cursor's time
jd_stop; rm -rf "$JDIR"; jd_start
fresh_db t_journal_vacuum
sed -n 's/^mail\.[a-z]*: //p' "$DF" | jd_send
dn=$(wc -l < "$DF")
jd_wait $((dn + 2))
run_until "$DL" totals_are "$dwant"
jd_rotate
sed -n 's/^mail\.[a-z]*: //p' "$DF" | jd_send      # while down: lost with the vacuum
jd_wait $((2 * dn + 2))
jd_rotate
sed -n 's/^mail\.[a-z]*: //p' "$DF" | jd_send      # after the vacuum: booked
jd_wait $((2 * dn + dn))
rm -f "$JDIR"/*/system@*.journal
$DL -j > /dev/null 2> "$T_TMP/err" & lp=$!
wait_for totals_are "$(expected_total "$DE" 2)"
kill -TERM $lp; wait $lp
is "$(traffic_total)" "$(expected_total "$DE" 2)" 'vacuumed while down: the entries still there, once'
grep -q 'warning: the journal entry of the cursor is gone (vacuumed or rotated away): starting at the oldest entry after its time: s=' "$T_TMP/err"; ok $? '... said on stderr'

# rotation and vacuum while running
fresh_db t_journal_running
$DL -j > /dev/null 2> "$T_TMP/err" & lp=$!
wait_for totals_are "$(expected_total "$DE")"
jd_rotate
sed -n 's/^mail\.[a-z]*: //p' "$DF" | jd_send
wait_for totals_are "$(expected_total "$DE" 2)"
jd_rotate
rm -f "$JDIR"/*/system@*.journal
sed -n 's/^mail\.[a-z]*: //p' "$DF" | jd_send
wait_for totals_are "$(expected_total "$DE" 3)"
kill -TERM $lp; wait $lp; rc=$?
is "$(traffic_total)" "$(expected_total "$DE" 3)" 'rotated, rotated and vacuumed while running: every entry once'
is "$rc:$(cat "$T_TMP/err")" "0:" '... exit 0, nothing on stderr'

# the system journal (no MYSQMAIL_JOURNAL_DIR): journald's own files here
fresh_db t_journal_system
unset MYSQMAIL_JOURNAL_DIR
$DL -j > /dev/null 2> "$T_TMP/err" & lp=$!
wait_for totals_are "$(expected_total "$DE")"
kill -TERM $lp; wait $lp
is "$(traffic_total)" "$(expected_total "$DE")" 'the system journal, when no MYSQMAIL_JOURNAL_DIR'
jd_stop
done_testing
