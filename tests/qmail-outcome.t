#!/bin/sh
# qmail-outcome.t: real qmail-send logs through mysqmail-qmail-logger.
# qmail-live.log: outcome (failures bounced, the deferral deferred once)
# and outbound per sender are the hand-worked totals, with and without
# hosted domains, interleaved, cut after every line. qmail-outcome.log
# (queuelifetime 40 s): a 5xx bounced, a 450 delivered later, a 450 until
# qmail-send gives up ("failure: ... I'm_not_going_to_try_again") expired,
# every table exact, hosted, cut after every line. qmail-live.log with
# lines taken out: a recipient still deferred when its message ends
# expired.
. "$(dirname "$0")/lib.sh"
D=$top/tests/fixtures/qmail
plan 11
export TZ=UTC
L=$BIN/mysqmail-qmail-logger
F=$D/qmail-live.log

outcome() {
  sql -e "SELECT day, IF(domain = '', '-', domain), localpart, bounced, deferrals, deferred, expired, rejected_4xx, rejected_5xx FROM outcome ORDER BY day, domain, localpart" | tr '\t' ' '
}
outbound() {
  sql -e "SELECT day, kind, IF(domain = '', '-', domain), localpart, mails, rcpts, bytes FROM outbound ORDER BY day, kind, domain, localpart" | tr '\t' ' '
}
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
bad=$(cut_each "$L -t" "$F" all want)
is "$bad" "" "cut after each of the $((n - 1)) lines, then whole: every total once"

# the real give-up: qmail-send tries once more after queuelifetime and
# logs that try's deferral as a failure ending in its own sentence
O=$D/qmail-outcome.log
oall() { # [k]
  echo "$(expected "$D/expected.qmail-outcome" | scale "${1:-1}")|$(expected "$D/expected.qmail-outcome.outcome" | oscale "${1:-1}" 4)|$(expected "$D/expected.qmail-outcome.outbound" | oscale "${1:-1}" 5)"
}
fresh_db t_qmo_real
$L < "$O" > /dev/null 2> "$T_TMP/err"
is "$(all):$(cat "$T_TMP/err")" "$(oall):" \
  'qmail-outcome.log: 5xx bounced, 450 then delivered deferred, given up after queuelifetime expired'
is "$(outcome | grep ' stuck ')" "2026-12-06 soft.test stuck 0 2 1 1 0 0" '... the give-up expired, not bounced'

fresh_db t_qmo_real_hosted
sql -e "INSERT INTO domain VALUES ('example.com'), ('example.org')"
$L < "$O" > /dev/null 2> "$T_TMP/err"
is "$(outcome):$(cat "$T_TMP/err")" "$(expected "$D/expected.qmail-outcome.outcome-hosted"):" \
  'qmail-outcome.log, hosted: each remote outcome books to its hosted sender'

n=$(wc -l < "$O")
fresh_db t_qmo_real_cut
bad=$(cut_each "$L -t" "$O" all oall)
is "$bad" "" "qmail-outcome.log cut after each of the $((n - 1)) lines, then whole: every total once"

# lines lost: qmail-send ends a message only when each recipient is done,
# so a message that ends with a recipient still deferred is a log missing
# that recipient's last lines. qmail-live.log without delivery 12
# (far@deferred.test's retry, taken out by hand) is that case.
fresh_db t_qmo_expired
grep -v 'delivery 12:' "$F" > "$T_TMP/expired"
$L < "$T_TMP/expired" > /dev/null 2> "$T_TMP/err"
is "$(outcome | grep ' far '):$(cat "$T_TMP/err")" "2026-12-03 deferred.test far 0 1 1 1 0 0:" \
  'lines lost: a recipient still deferred at end msg expired'
is "$(outbound | grep ' alice ')" "2026-12-03 sender example.com alice 1 1 2247" '... and its mail is not outbound'
