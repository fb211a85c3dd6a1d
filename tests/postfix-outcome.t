#!/bin/sh
# postfix-outcome.t: the real Postfix 3.7 and 3.10 logs of run 6 (bounced, deferred
# then delivered, expired, rejected at RCPT with 4xx and 5xx, SMTP AUTH)
# through mysqmail-postfix-logger: traffic, outcome and outbound are the
# hand-worked totals, with and without hosted domains, interleaved, cut
# after every line; logins that cannot be booked are refused.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/postfix
plan 24
export TZ=UTC
L=$BIN/mysqmail-postfix-logger
export MYSQMAIL_YEAR_REF=2026-12-06

outcome() {
  sql -e "SELECT day, IF(domain = '', '-', domain), localpart, bounced, deferrals, deferred, expired, rejected_4xx, rejected_5xx FROM outcome ORDER BY day, domain, localpart" | tr '\t' ' '
}
outbound() {
  sql -e "SELECT day, kind, IF(domain = '', '-', domain), localpart, mails, rcpts, bytes FROM outbound ORDER BY day, kind, domain, localpart" | tr '\t' ' '
}
all() { echo "$(traffic)|$(outcome)|$(outbound)"; }
want() { # k
  echo "$(expected "$D/expected.$b" | scale "$1")|$(expected "$D/expected.$b.outcome" | oscale "$1" 4)|$(expected "$D/expected.$b.outbound" | oscale "$1" 5)"
}

for b in postfix-outcome postfix-3.10-outcome; do
  F=$D/$b.log

  fresh_db t_pfo
  $L < "$F" > "$T_TMP/out" 2> "$T_TMP/err"
  is "$?:$(cat "$T_TMP/err")" "0:" "$b: exit 0, nothing on stderr"
  cmp -s "$T_TMP/out" "$F"; ok $? "$b: every line copied out unchanged"
  is "$(traffic)" "$(expected "$D/expected.$b")" "$b: traffic: only status=sent, the hand-worked totals"
  is "$(outcome)" "$(expected "$D/expected.$b.outcome")" "$b: outcome: bounced, deferrals, deferred once, expired, rejected 4xx/5xx"
  is "$(outbound)" "$(expected "$D/expected.$b.outbound")" "$b: outbound: per sender and per SASL login"

  # hosted domains: outcome goes to the hosted side
  fresh_db t_pfo_hosted
  sql -e "INSERT INTO domain VALUES ('example.com'), ('example.org')"
  $L < "$F" > /dev/null 2> "$T_TMP/err"
  is "$(outcome):$(cat "$T_TMP/err")" "$(expected "$D/expected.$b.outcome-hosted"):" \
    "$b: hosted domains: an outside recipient books to its hosted sender"
  is "$(outbound)" "$(expected "$D/expected.$b.outbound" | grep -v ' outside\.test ')" \
    "$b: hosted domains: no sender row for the outside sender, login rows all the same"

  # 30 copies, queue ids renamed, interleaved at random
  fresh_db t_pfo_many
  c=1; while [ $c -le 30 ]; do
    sed "s/\]: \([0-9A-Za-z]*\): /]: \1q$c: /; s/notification: \([0-9A-Za-z]*\)\$/notification: \1q$c/" "$F" > "$T_TMP/copy.$c"
    c=$((c + 1))
  done
  interleave 7 "$T_TMP"/copy.* > "$T_TMP/many"
  rm -f "$T_TMP"/copy.*
  $L < "$T_TMP/many" > /dev/null 2> "$T_TMP/err"
  is "$(all):$(cat "$T_TMP/err")" "$(want 30):" "$b: 30 copies interleaved at random: 30 times every total"

  # cut after every line, then run whole with the same cursor: the deferred
  # list and the first-delivery mark come back from the lines before it
  label_lines '2026-12-06 02:31:04' < "$F" > "$T_TMP/labelled"
  n=$(wc -l < "$T_TMP/labelled")
  fresh_db t_pfo_cut
  bad=$(cut_each "$L -t" "$T_TMP/labelled" all want)
  is "$bad" "" "$b: cut after each of the $((n - 1)) lines, then whole: every total once"
done

F=$D/postfix-outcome.log
b=postfix-outcome

# logins that cannot be booked: a control byte, too long; the mail's
# traffic and sender rows still book
fresh_db t_pfo_badlogin
long=$(printf '%0300d' 0)
sed "s/sasl_username=carol\$/sasl_username=ca$(printf '\001')rol/; s/sasl_username=alice@example.com\$/sasl_username=$long@example.com/" "$F" > "$T_TMP/bad"
$L < "$T_TMP/bad" > /dev/null 2> "$T_TMP/err"
is "$(grep -c 'SASL login not booked.*control bytes' "$T_TMP/err"):$(grep -c 'SASL login not booked.*too long' "$T_TMP/err")" "1:2" \
  'a login with a control byte and two too long: refused with a line each'
is "$(outbound | grep ' login ')" "" '... and booked nowhere'
is "$(traffic)" "$(expected "$D/expected.postfix-outcome")" '... the traffic as without them'

# a login of 255 characters before its '@' is booked whole
fresh_db t_pfo_longlogin
l255=$(printf 'a%.0s' $(seq 255))
sed "s/sasl_username=carol\$/sasl_username=$l255/" "$F" | $L > /dev/null 2> "$T_TMP/err"
is "$(outbound | grep ' login - ' | cut -d' ' -f4 | wc -c):$(cat "$T_TMP/err")" "256:" 'a login of 255 characters is booked whole'

# sums stop at 2^64-1
fresh_db t_pfo_sat
sql -e "INSERT INTO outcome VALUES ('2026-12-06', 'expire.test', 'gone', 0, 18446744073709551614, 0, 0, 0, 0);
  INSERT INTO outbound VALUES ('2026-12-06', 'sender', 'example.com', 'alice', 0, 0, 18446744073709551000)"
$L < "$F" > /dev/null 2> "$T_TMP/err"
is "$(sql -e "SELECT deferrals FROM outcome WHERE localpart = 'gone'"):$(sql -e "SELECT bytes FROM outbound WHERE kind = 'sender' AND localpart = 'alice'"):$(cat "$T_TMP/err")" \
  "18446744073709551615:18446744073709551615:" 'outcome and outbound sums stop at 2^64-1'

# lines no Postfix wrote this way: a code that is no 4xx/5xx, a reject
# without to=, a reject of MAIL; deferral and expiry of a queue id never
# opened book to what the line names; nothing else books
fresh_db t_pfo_hostile
cat > "$T_TMP/hostile" <<'LINES'
Dec 06 03:00:00 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 250 2.0.0 <a@example.com>: no; from=<s@example.com> to=<a@example.com> proto=ESMTP helo=<h>
Dec 06 03:00:00 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 550 5.1.1 <a@example.com>: no; from=<s@example.com> proto=ESMTP helo=<h>
Dec 06 03:00:00 mail postfix/smtpd[1]: NOQUEUE: reject: MAIL from h[192.0.2.1]: 550 5.1.1 <a@example.com>: no; from=<s@example.com> to=<a@example.com> proto=ESMTP helo=<h>
Dec 06 03:00:00 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 45
Dec 06 03:00:00 mail postfix/smtpd[1]: NOQUEUE: reject_warning: RCPT from h[192.0.2.1]: 450 4.1.1 <a@example.com>: no; from=<s@example.com> to=<a@example.com> proto=ESMTP helo=<h>
Dec 06 03:00:00 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[192.0.2.1]: 451 4.3.0 <b@example.com>: later; from=<> to=<b@example.com> proto=ESMTP helo=<h>
Dec 06 03:00:01 mail postfix/smtp[2]: 4jNEVER1OPENz1: to=<c@example.com>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred (no)
Dec 06 03:00:01 mail postfix/smtp[2]: 4jNEVER1OPENz1: to=<c@example.com>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferredx (no)
Dec 06 03:00:02 mail postfix/qmgr[3]: 4jNEVER2OPENz1: from=<d@example.com>, status=expired, returned to sender
Dec 06 03:00:02 mail postfix/qmgr[3]: 4jNEVER2OPENz1: from=<d@example.com>, status=expired, returned to senderX
LINES
$L < "$T_TMP/hostile" > /dev/null 2> "$T_TMP/err"
is "$(outcome):$(traffic):$(outbound):$(grep -v 'status=deferredx' "$T_TMP/err"):$(grep -c 'line not read' "$T_TMP/err")" "2026-12-06 example.com b 0 0 0 0 1 0
2026-12-06 example.com c 0 1 1 0 0 0
2026-12-06 example.com d 0 0 0 1 0 0::::1" \
  'malformed rejects book nothing; an unopened deferral and expiry book what they name; an unknown status is a line not read'
