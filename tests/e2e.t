#!/bin/sh
# e2e.t: the whole system for real, as package/demo runs it: Postfix and
# Dovecot from Debian under s6-svscan (or E2E_SUPERVISOR's: the
# -daemontools.t and -runit.t twins) with copies of service/postfix and
# service/dovecot, service/dovecot's authentication for the Dovecot there
# (mysqmail-checkpwd on 2.3, Dovecot's SQL passdb on 2.4), mails over SMTP
# with curl, fetched over POP3 and IMAP; the Postfix logger SIGKILLed in
# the middle. The booked numbers are checked against what Postfix and
# Dovecot logged (s6-log's logdirs) and what the clients got.
. "$(dirname "$0")/lib.sh"
# ports of its own for this run (package/demo keeps 22000 + ...): two
# runs at once must not deliver into each other
E2E_PORT_BASE=$((23000 + $$ % 30 * 1000))
. "$top/tests/e2e.sh"
for p in postfix dovecot doveadm $E2E_SCANNER curl ss; do
  command -v $p > /dev/null || { echo "1..0 # SKIP $p is not installed"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (Postfix, Dovecot)"; exit 0; }
plan 25
export TZ=UTC
E2E_TOP=$top E2E_BIN=$RBIN
R=$T_TMP/e2e
chmod 755 "$T_TMP"   # Postfix, Dovecot and the loggers run as their own users
trap 'e2e_down "$R" > /dev/null 2>&1; [ -n "${E2E_KEEP:-}" ] && cp -r "$R" /tmp/e2e-kept; t_cleanup' EXIT
e2e_up "$R"; r=$?
ok $r "Postfix, Dovecot and smtp-sink up under $E2E_SCANNER, a private MariaDB behind them"
[ $r = 0 ] || { tail -n 20 "$R/svscan.log" | sed 's/^/# /' >&2; echo 'Bail out! the system did not come up'; exit 1; }
e2e_send alice@example.com bob@example.com 2000 && e2e_send bob@example.com carol@example.org 5000
ok $? 'two mails sent over SMTP'
e2e_wait 30 e2e_sent 2
# Kill the logger once its source has a cursor: a logger killed before
# its first commit finds no cursor on restart and catches up nothing
# (logger_catchup.c), so the two mails above would be lost. The kill
# falls just after a third delivery reached the logdir, booked or not.
cursor() { [ "$(e2e_db -e "SELECT COUNT(*) FROM \`cursor\` WHERE source = 'mysqmail-postfix-logger'")" = 1 ]; }
e2e_wait 30 cursor
p=$(e2e_svc_pid "$R/svc/postfix/log")
e2e_send carol@example.org alice@example.com 800 && e2e_wait 30 e2e_sent 3 &&
  e2e_svc_kill "$R/svc/postfix/log" &&
  e2e_send alice@example.com friend@remote.test 3000 && e2e_send someone@outside.test alice@example.com 1200
ok $? 'a third mail, the Postfix logger SIGKILLed, two more mails sent'
e2e_wait 30 e2e_sent 5; ok $? 'Postfix logged 5 deliveries (status=sent) into the logdir'
e2e_wait 20 e2e_svc_new "$R/svc/postfix/log" "$p"; ok $? 'the supervisor started the Postfix logger again (a new pid)'
e2e_fetch; ok $? 'POP3 as bob and alice (twice), IMAP as carol, authenticated against the mailbox table'
grep -q 'Subject: mysqmail demo' "$R/bob.pop3" && grep -q 'Subject: mysqmail demo' "$R/carol.imap"
ok $? '... and the messages came back'
timeout 20 curl -s "pop3://127.0.0.1:$E2E_POP3/1" -u "bob@example.com:wrong" > /dev/null
is "$?" 67 'a wrong password over POP3: login denied'
timeout 20 curl -s "imap://127.0.0.1:$E2E_IMAP/INBOX;UID=1" -u "carol@example.org:wrong" > /dev/null
is "$?" 67 'a wrong password over IMAP: login denied'
timeout 20 curl -s "imap://127.0.0.1:$E2E_IMAP/INBOX;UID=1" -u "nobody@example.org:$E2E_PW_CAROL" > /dev/null
is "$?" 67 'an unknown mailbox over IMAP: login denied the same way'
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
# The same numbers again, without reading any log: what the Maildirs hold
# and what curl got. Postfix sizes a message as it travels (CRLF lines):
# the Maildir file, LF lines, without the three lines its virtual
# delivery agent put on top.
wire() { sed 1,3d "$1" | sed 's/$/\r/' | wc -c; }
msgs() { ls "$E2E/vmail/$1"/Maildir/cur/* "$E2E/vmail/$1"/Maildir/new/* 2>/dev/null; }
inbox() {  # inbox MAILBOXDIR: bytes_in count_in from the Maildir
  t=0 n=0
  for f in $(msgs "$1"); do
    [ "$(sed -n '1s/:.*//p;2s/:.*//p;3s/:.*//p' "$f" | tr '\n' ' ')" = 'Return-Path X-Original-To Delivered-To ' ] || t=-1
    t=$((t + $(wire "$f"))) n=$((n + 1))
  done
  echo "$t $n"
}
from() {  # from SENDER: bytes of what SENDER sent to the hosted mailboxes
  t=0
  for f in $(msgs example.com/alice) $(msgs example.com/bob) $(msgs example.org/carol); do
    [ "$(sed -n 1p "$f")" = "Return-Path: <$1>" ] && t=$((t + $(wire "$f")))
  done
  echo $t
}
inrow() { e2e_db -e "SELECT bytes_in, count_in FROM traffic WHERE service = 'smtp' AND localpart = '$1'" | tr '\t' ' '; }
is "$(inrow alice) $(inrow bob) $(inrow carol)" \
  "$(inbox example.com/alice) $(inbox example.com/bob) $(inbox example.org/carol)" \
  'smtp in of alice, bob, carol: the messages in their Maildirs'
outrow() { e2e_db -e "SELECT bytes_out FROM traffic WHERE service = 'smtp' AND localpart = '$1'"; }
is "$(outrow bob) $(outrow carol)" "$(from bob@example.com) $(from carol@example.org)" \
  'smtp out of bob and carol: what the Maildirs got from them'
is "$(outrow alice)" "$(($(from alice@example.com) + $(size alice@example.com) - bob_in))" \
  'smtp out of alice: her message in bob'"'"'s Maildir, and the one to remote.test as Postfix sized it'
# Dovecot counts a RETR as the message plus its "+OK N octets" line: curl
# keeps the message, and it is the Maildir file in CRLF form.
retrd() {  # retrd FILE...: bytes Dovecot sent for these RETRs
  t=0
  for f; do s=$(wc -c < "$f"); t=$((t + s + ${#s} + 13)); done   # "+OK " N " octets\r\n"
  echo $t
}
is "$(row pop3 alice) $(row pop3 bob)" "0 $(retrd "$R/alice.pop3.1" "$R/alice.pop3.2") 0 2 2 0 $(retrd "$R/bob.pop3") 0 1 1" \
  'pop3 alice and bob: the bytes and messages curl received, one login per session'
r=0
for f in $(msgs example.com/bob); do sed 's/$/\r/' "$f" | cmp -s - "$R/bob.pop3" || r=1; done
for f in $(msgs example.org/carol); do sed 's/$/\r/' "$f" | cmp -s - "$R/carol.imap" || r=1; done
ok $r 'what POP3 and IMAP sent is the Maildir message, byte for byte'
out=$(e2e_db -e "SELECT bytes_out FROM traffic WHERE service = 'imap' AND localpart = 'carol'")
[ "${out:-0}" -gt "$(wc -c < "$R/carol.imap")" ]
ok $? "imap carol: more bytes out ($out) than the message curl fetched ($(wc -c < "$R/carol.imap"))"
is "$(e2e_db -e "SELECT localpart, last_login_ip, last_login_service FROM mailbox WHERE last_login IS NOT NULL ORDER BY localpart" | tr '\t' ' ')" \
"alice 127.0.0.1 pop3
bob 127.0.0.1 pop3
carol 127.0.0.1 imap" 'every mailbox: its last login, from where, over what'
done_testing
