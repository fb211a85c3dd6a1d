#!/bin/sh
# qmail.t: qmail-send's log (multilog/s6-log labels, and splogger's
# syslog form; qmail-live.log is a real qmail-send's, make-live.sh)
# and the qmail-pop3d patch's traffic lines through
# mysqmail-qmail-logger: lines out unchanged, the hand-worked totals, the
# lines of many messages interleaved, every cut point replayed, a week-long
# deferral, the bounds.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/qmail
plan 26
export TZ=UTC
L=$BIN/mysqmail-qmail-logger

for b in qmail-send qmail-send-splogger qmail-live; do
  f=$D/$b.log
  fresh_db t_qmail
  $L < "$f" > "$T_TMP/out" 2> "$T_TMP/err"
  is "$?:$(cat "$T_TMP/err")" "0:" "$b: exit 0, nothing on stderr"
  cmp -s "$T_TMP/out" "$f"; ok $? "$b: every line copied out unchanged"
  is "$(traffic)" "$(expected "$D/expected.$b")" "$b: traffic is the hand-worked totals"
done

# 30 qmail-sends' worth of messages: message and delivery numbers renamed
# per copy, the copies' lines interleaved at random (each keeps its order)
for b in qmail-send qmail-send-splogger qmail-live; do
  fresh_db t_qmail_many
  c=1
  while [ $c -le 30 ]; do
    sed "s/msg \([0-9]*\)/msg ${c}0\1/; s/delivery \([0-9]*\)/delivery ${c}0\1/; s/bounce\/\([0-9]*\)/bounce\/${c}0\1/" \
      "$D/$b.log" > "$T_TMP/copy.$c"
    c=$((c + 1))
  done
  interleave 7 "$T_TMP"/copy.* > "$T_TMP/many"
  $L < "$T_TMP/many" > /dev/null 2> "$T_TMP/err"
  is "$(traffic):$(cat "$T_TMP/err")" "$(expected "$D/expected.$b" | scale 30):" \
    "$b: 30 copies with their lines interleaved at random: 30 times the totals"
done

# cut after every line, then the whole log again
for b in qmail-send qmail-live; do
  cut_check t_qmail_cut "$L" "$D/$b.log" "$D/expected.$b" "$b: "
  is "$(cat "$T_TMP/cuterr")" "" '... and nothing on stderr'
done

# the qmail-pop3d patch's lines: pop3 traffic and the last login
fresh_db t_qmail_pop3d
sql -e "INSERT INTO mailbox (domain, localpart) VALUES ('example.com', 'alice'), ('example.org', 'bob')"
$L < "$D/qmail-pop3d.log" > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:" 'qmail-pop3d: exit 0, nothing on stderr'
is "$(traffic)" "$(expected "$D/expected.qmail-pop3d")" 'qmail-pop3d: traffic lines booked as pop3'
is "$(sql -e "SELECT domain, localpart, last_login, IFNULL(last_login_ip, 'NULL'), last_login_service FROM mailbox ORDER BY domain" | tr '\t' ' ')" \
"example.com alice 2026-11-25 11:01:22 NULL pop3
example.org bob 2026-11-25 11:01:15 2001:db8::5 pop3" 'qmail-pop3d: last login time, address (none for ip=-) and service'

# a real patched qmail-pop3d behind tcpserver, qmail-popup and
# mysqmail-checkpwd (make-live.sh): its log as the logger -t labelled it
fresh_db t_qmail_pop3d_live
$L < "$D/qmail-pop3d-live.log" > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "2026-12-03 pop3 example.com carol 20 1685 0 1 1:" \
  'the patched qmail-pop3d in a whole qmail chain: the bytes its client sent (20) and got (1685), one RETR, one login'

# the line a real patched qmail-pop3d printed, labelled as its log would be
fresh_db t_qmail_pop3d_real
label_lines '2026-11-25 12:00:00' < "$D/qmail-pop3d-patched.log" | $L > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "2026-11-25 pop3 example.org joe 34 119 0 2 1:" \
  'the real patched qmail-pop3d line: 34 bytes in, 119 out, 2 retrieved, one login'

# a delivery a week after its message was queued (queuelifetime) books;
# with MYSQMAIL_OPEN_TTL of a day it is forgotten
week() {
  { printf '2026-11-01 10:00:00 new msg 99\n2026-11-01 10:00:00 info msg 99: bytes 500 from <alice@example.com> qp 1 uid 89\n'
    printf '2026-11-08 09:00:00 status: local 0/10 remote 0/20\n'
    printf '2026-11-08 09:00:01 starting delivery 1: msg 99 to remote far@remote.test\n2026-11-08 09:00:02 delivery 1: success: ok/\n'
  } | while read -r d t rest; do printf '%s %s\n' "$(tai64n "$d $t")" "$rest"; done
}
fresh_db t_qmail_week
week | $L > /dev/null 2> "$T_TMP/err"
is "$(traffic):$(cat "$T_TMP/err")" "2026-11-08 smtp example.com alice 0 500 0 1 0
2026-11-08 smtp remote.test far 500 0 1 0 0:" 'a delivery 7 days after the info line is booked, on its own day'
fresh_db t_qmail_day
week | MYSQMAIL_OPEN_TTL=86400 $L > /dev/null 2> "$T_TMP/err"
is "$(traffic)" "" 'MYSQMAIL_OPEN_TTL=86400: the week-old message is forgotten'
grep -q 'delivery not booked: no info line seen for its message, to far@remote.test' "$T_TMP/err"; ok $? '... and stderr says which delivery'

# never more than MYSQMAIL_OPEN_MAX open; a bad value is refused
fresh_db t_qmail_max
i=0
while [ $i -lt 100 ]; do printf 'new msg %s\ninfo msg %s: bytes 10 from <a@example.com> qp 1 uid 1\nstarting delivery %s: msg %s to remote b@example.org\n' $i $i $i $i; i=$((i + 1)); done > "$T_TMP/open"
i=0
while [ $i -lt 100 ]; do printf 'delivery %s: success: ok/\n' $i; i=$((i + 1)); done >> "$T_TMP/open"
MYSQMAIL_OPEN_MAX=50 MYSQMAIL_DOMAIN=x $L < "$T_TMP/open" > /dev/null 2> "$T_TMP/err"
is "$(sql -e 'SELECT SUM(count_in), SUM(count_out) FROM traffic' | tr '\t' ' ')" "25 25" \
  'MYSQMAIL_OPEN_MAX=50 with 100 messages and 100 deliveries open: the newest 25 of each pair survive'
printf 'new msg 1\n' | MYSQMAIL_OPEN_MAX=1x $L > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "100:mysqmail-qmail-logger: fatal: invalid MYSQMAIL_OPEN_MAX: 1x (want 16 to 10000000)" \
  'MYSQMAIL_OPEN_MAX not a number: exit 100 and why'
done_testing
