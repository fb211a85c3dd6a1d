#!/bin/sh
# qmail-outcome.t: the real qmail-send log (qmail-live.log) through
# mysqmail-qmail-logger: outcome (failures bounced, the deferral deferred
# once) and outbound per sender are the hand-worked totals, with and
# without hosted domains, interleaved, cut after every line; a recipient
# still deferred when its message ends expired.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/qmail
plan 7
export TZ=UTC
L=$BIN/mysqmail-qmail-logger
F=$D/qmail-live.log

outcome() {
  sql -e "SELECT day, IF(domain = '', '-', domain), localpart, bounced, deferrals, deferred, expired, rejected_4xx, rejected_5xx FROM outcome ORDER BY day, domain, localpart" | tr '\t' ' '
}
outbound() {
  sql -e "SELECT day, kind, IF(domain = '', '-', domain), localpart, mails, rcpts, bytes FROM outbound ORDER BY day, kind, domain, localpart" | tr '\t' ' '
}
oscale() { awk -v k="$1" -v f="$2" '{ for (i = f; i <= NF; i++) $i *= k; print }'; }
all() { echo "$(traffic)|$(outcome)|$(outbound)"; }
want() {
  echo "$(expected "$D/expected.qmail-live" | scale "$1")|$(expected "$D/expected.qmail-live.outcome" | oscale "$1" 4)|$(expected "$D/expected.qmail-live.outbound" | oscale "$1" 5)"
}

fresh_db t_qmo
$L < "$F" > /dev/null 2> "$T_TMP/err"
is "$(outcome):$(cat "$T_TMP/err")" "$(expected "$D/expected.qmail-live.outcome"):" 'outcome: failures bounced, the deferral deferred once'
is "$(outbound)" "$(expected "$D/expected.qmail-live.outbound")" 'outbound: per hosted sender, a mail once'

fresh_db t_qmo_hosted
sql -e "INSERT INTO domain VALUES ('example.com'), ('example.org')"
$L < "$F" > /dev/null 2> "$T_TMP/err"
is "$(outcome):$(cat "$T_TMP/err")" "$(expected "$D/expected.qmail-live.outcome-hosted"):" \
  'hosted domains: a recipient outside them books to its hosted sender'

fresh_db t_qmo_many
c=1
while [ $c -le 30 ]; do
  sed "s/msg \([0-9]*\)/msg ${c}0\1/; s/delivery \([0-9]*\)/delivery ${c}0\1/" "$F" > "$T_TMP/copy.$c"
  c=$((c + 1))
done
interleave 11 "$T_TMP"/copy.* > "$T_TMP/many"
$L < "$T_TMP/many" > /dev/null 2> "$T_TMP/err"
is "$(all):$(cat "$T_TMP/err")" "$(want 30):" '30 copies interleaved at random: 30 times every total'

n=$(wc -l < "$F")
fresh_db t_qmo_cut
bad=
k=1
while [ $k -lt "$n" ]; do
  sql -e "DELETE FROM traffic; DELETE FROM outcome; DELETE FROM outbound; DELETE FROM \`cursor\`"
  head -n "$k" "$F" | $L -t > /dev/null 2>> "$T_TMP/cuterr"
  $L -t < "$F" > /dev/null 2>> "$T_TMP/cuterr"
  [ "$(all)" = "$(want 1)" ] || bad="$bad $k"
  k=$((k + 1))
done
is "$bad" "" "cut after each of the $((n - 1)) lines, then whole: every total once"

# qmail-send logs nothing for a recipient it gives up on after
# queuelifetime: the message ends with the recipient still deferred. The
# real log without delivery 12 (far@deferred.test's retry) is that case.
fresh_db t_qmo_expired
grep -v 'delivery 12:' "$F" > "$T_TMP/expired"
$L < "$T_TMP/expired" > /dev/null 2> "$T_TMP/err"
is "$(outcome | grep ' far '):$(cat "$T_TMP/err")" "2026-12-03 deferred.test far 0 1 1 1 0 0:" \
  'a recipient still deferred at end msg expired'
is "$(outbound | grep ' alice ')" "2026-12-03 sender example.com alice 1 1 2247" '... and its mail is not outbound'
