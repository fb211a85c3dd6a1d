#!/bin/sh
# e2e.t: the whole system for real, as package/demo runs it: Postfix and
# Dovecot from Debian under s6-svscan with copies of service/postfix and
# service/dovecot, mysqmail-checkpwd as Dovecot's passdb, mails over SMTP
# with curl, fetched over POP3 and IMAP; the Postfix logger SIGKILLed in
# the middle. The booked numbers are checked against what Postfix and
# Dovecot logged (s6-log's logdirs) and what the clients got.
. "$(dirname "$0")/lib.sh"
for p in postfix dovecot doveadm s6-svscan curl ss; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (Postfix, Dovecot)"; exit 0; }
plan 16
export TZ=UTC
. "$top/tests/e2e.sh"
E2E_TOP=$top E2E_BIN=$RBIN
R=$T_TMP/e2e
chmod 755 "$T_TMP"   # Postfix, Dovecot and the loggers run as their own users
trap 'e2e_down "$R" > /dev/null 2>&1; [ -n "${E2E_KEEP:-}" ] && cp -r "$R" /tmp/e2e-kept; t_cleanup' EXIT
e2e_up "$R"; r=$?
ok $r 'Postfix, Dovecot and smtp-sink up under s6-svscan, a private MariaDB behind them'
[ $r = 0 ] || { tail -n 20 "$R/svscan.log" | sed 's/^/# /' >&2; echo 'Bail out! the system did not come up'; exit 1; }
e2e_send alice@example.com bob@example.com 2000 && e2e_send bob@example.com carol@example.org 5000
ok $? 'two mails sent over SMTP'
e2e_wait 30 e2e_sent 2
s6-svc -k "$R/svc/postfix/log"
e2e_send carol@example.org alice@example.com 800 && e2e_send alice@example.com friend@remote.test 3000 &&
  e2e_send someone@outside.test alice@example.com 1200
ok $? 'the Postfix logger SIGKILLed, three more mails sent'
e2e_wait 30 e2e_sent 5; ok $? 'Postfix logged 5 deliveries (status=sent) into the logdir'
e2e_fetch; ok $? 'POP3 as bob and alice (twice), IMAP as carol, authenticated by mysqmail-checkpwd'
grep -q 'Subject: mysqmail demo' "$R/bob.pop3" && grep -q 'Subject: mysqmail demo' "$R/carol.imap"
ok $? '... and the messages came back'
timeout 20 curl -s "pop3://127.0.0.1:$E2E_POP3/1" -u "bob@example.com:wrong" > /dev/null
is "$?" 67 'a wrong password: login denied'
e2e_settle; ok $? 'the loggers booked the sessions and deliveries'

# what Postfix logged: the size of each sender's message, from qmgr lines
L=$(cat "$R"/log/postfix/@* "$R/log/postfix/current" 2>/dev/null)
size() { printf '%s\n' "$L" | sed -n "s/.* from=<$1>, size=\([0-9]*\),.*/\1/p" | awk '{ s += $1 } END { print s + 0 }'; }
a=$(size alice@example.com) b=$(size bob@example.com) c=$(size carol@example.org) s=$(size someone@outside.test)
row() { e2e_db -e "SELECT bytes_in, bytes_out, count_in, count_out, logins FROM traffic WHERE service = '$1' AND localpart = '$2'" | tr '\t' ' '; }
is "$(row smtp alice)" "$((c + s)) $a 2 2 0" "smtp alice: in from carol and someone ($c + $s), out to bob and friend ($a)"
bob_in=$(printf '%s\n' "$L" | sed -n 's/.* from=<alice@example.com>, size=\([0-9]*\),.*/\1/p' | head -n 1)
is "$(row smtp bob)" "$bob_in $b 1 1 0" 'smtp bob: one in, one out, at the sizes Postfix logged'
is "$(row smtp carol)" "$b $c 1 1 0" 'smtp carol: one in, one out'
is "$(e2e_db -e "SELECT COUNT(*) FROM traffic WHERE domain NOT IN ('example.com', 'example.org')")" 0 \
  'outside.test and remote.test are not hosted: nothing booked for them'

# what Dovecot logged: retr=N/BYTES per POP3 session, body_count for IMAP
D=$(cat "$R"/log/dovecot/@* "$R/log/dovecot/current" 2>/dev/null)
retr() { printf '%s\n' "$D" | grep "pop3($1)" | sed -n 's/.*retr=\([0-9]*\)\/\([0-9]*\).*/\2/p' | awk '{ s += $1 } END { print s + 0 }'; }
is "$(row pop3 alice)" "0 $(retr alice@example.com) 0 2 2" 'pop3 alice: two sessions, two messages, the bytes Dovecot sent'
is "$(row pop3 bob)" "0 $(retr bob@example.com) 0 1 1" 'pop3 bob: one session, one message'
is "$(e2e_db -e "SELECT count_out, logins FROM traffic WHERE service = 'imap' AND localpart = 'carol'" | tr '\t' ' ')" "1 1" \
  'imap carol: one session, one message body fetched'
is "$(e2e_db -e "SELECT localpart, last_login_ip, last_login_service FROM mailbox WHERE last_login IS NOT NULL ORDER BY localpart" | tr '\t' ' ')" \
"alice 127.0.0.1 pop3
bob 127.0.0.1 pop3
carol 127.0.0.1 imap" 'every mailbox: its last login, from where, over what'
done_testing
